import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, runMain } from "../helpers/cli";

/**
 * Bad input through the real `node bin/ha-blueprint.js`, the way a user meets it: one line naming
 * the problem, exit 2, no stack trace, no secret echoed; and the inputs that must work (a pipe on
 * --state -, a UTF-8 BOM, --version, the same flags on every command). The processes run side by
 * side in one beforeAll; most stop before the Pulumi SDKs load, so each costs a bare Node start.
 * Refusals that need no process of their own run in-process beside them (see SPAWNED).
 */

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

async function cli(args: string[], stdin?: string): Promise<Run> {
  const r = await runCli(args, { env: { ...process.env, COLUMNS: "" }, stdin });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

let dir: string;
let planFile: string;
const SECRET = "Sup3r-S3cret-Passw0rd";

/** The dev stack file with `edit` applied, written as stacks/Pulumi.<name>.yaml under `dir`. */
function stackFile(name: string, edit: (config: Record<string, unknown>) => void): void {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, "stacks/Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  edit(doc.config);
  fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${name}.yaml`), toYaml(doc));
}

const cases: Record<string, () => Promise<Run>> = {};
const runs: Record<string, Run> = {};

/**
 * Refusals read from standard input, and one per command and per kind of check (stack file, flags),
 * run as separate processes; the others refuse before anything runs, so they go through the same
 * entry point (cli/main.ts) in this process, one after another (runMain), where a process would add
 * only its start-up. Their output is held to the same lines: exit 2, one line, nothing on stdout.
 */
const SPAWNED = new Set([
  "region that does not exist",
  "aws:region outside the stack's regions",
  "no pulumi:disable-default-providers",
  "plain-text secret in the stack file",
  "empty state (check)",
  "a dependency cycle (check)",
  "--out with an empty value",
  "--yes without --execute",
]);
const inProcess: Record<string, () => Promise<Run>> = {};

function refusal(name: string, args: () => string[], stdin?: () => string): void {
  if (stdin || SPAWNED.has(name)) cases[name] = () => cli(args(), stdin?.());
  else inProcess[name] = cases[name] = async () => {
    const saved = process.env.COLUMNS;
    process.env.COLUMNS = "";
    try {
      const r = await runMain(args());
      return { code: r.code, out: r.stdout, err: r.stderr };
    } finally {
      if (saved === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = saved;
    }
  };
}

// Stack files with one mistake each, read by `analyze --stack` (which reads the stack first).
refusal("region that does not exist", () => ["analyze", "--stack", "mars", "--stacks-dir", path.join(dir, "stacks")]);
refusal("public CIDR for a VPC", () => ["analyze", "-s", "publiccidr", "--stacks-dir", path.join(dir, "stacks")]);
refusal("aws:region outside the stack's regions", () => ["check", "--stack", "awsregion", "--stacks-dir", path.join(dir, "stacks")]);
refusal("no pulumi:disable-default-providers", () => ["drill", "-s", "defaults", "--stacks-dir", path.join(dir, "stacks"), "--to", "us-west-2", "--mode", "planned"]);
refusal("plain-text secret in the stack file", () => ["plan", "-s", "secret", "--stacks-dir", path.join(dir, "stacks")]);
refusal("plan of an invalid stack", () => ["plan", "--stack", "mars", "--stacks-dir", path.join(dir, "stacks")]);
// State files.
refusal("empty state (check)", () => ["check", "--state", path.join(dir, "empty.json")]);
refusal("empty state (analyze)", () => ["analyze", "--state", "-"], () => JSON.stringify({ version: 3, deployment: { resources: [] } }));
refusal("state of another stack", () => ["check", "--state", planFile, "--stack", "dev"]);
refusal("state that is a directory", () => ["analyze", "--state", dir]);
refusal("a component that is its own parent (check)", () => ["check", "--state", path.join(dir, "self-parent.json")]);
refusal("two components each other's parent (analyze)", () => ["analyze", "--state", path.join(dir, "mutual-parents.json")]);
refusal("a dependency cycle (check)", () => ["check", "--state", path.join(dir, "dependency-cycle.json")]);
refusal("malformed JSON holding a secret", () => ["check", "--state", "-"], () => `{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:dev::p::aws:rds/cluster:Cluster::db", "type": "aws:rds/cluster:Cluster", "inputs": {"masterPassword": ${SECRET}}}]}}`);
refusal("malformed policy config holding a secret", () => ["check", "--state", planFile, "--policy-config", path.join(dir, "policy-secret.json")]);
refusal("the same URN twice", () => ["analyze", "--state", path.join(dir, "duplicate-urn.json")]);
refusal("unsupported state version", () => ["check", "--state", path.join(dir, "version-99.json")]);
refusal("empty standard input", () => ["check", "--state", "-"], () => "");
refusal("--stacks-dir naming a file", () => ["plan", "--stack", "dev", "--stacks-dir", planFile]);
refusal("plan --out onto the stack file it reads", () => ["plan", "--stack", "own", "--stacks-dir", path.join(dir, "stacks"), "--out", path.join(dir, "stacks", "Pulumi.own.yaml")]);
refusal("plan --out onto the stack file through a symlink", () => ["plan", "--stack", "own", "--stacks-dir", path.join(dir, "stacks"), "--out", path.join(dir, "own-link.yaml")]);
refusal("drill --report onto its --topology", () => ["drill", "--topology", path.join(dir, "topology.json"), "--report", path.join(dir, "stacks", "..", "topology.json"), "--to", "us-west-2", "--mode", "planned", "--simulate"]);
// Flags.
refusal("--out with an empty value", () => ["plan", "--stack", "dev", "--out", ""]);
refusal("--yes without --execute", () => ["drill", "--stack", "dev", "--to", "us-west-2", "--mode", "planned", "--yes"]);
refusal("--keep-drained with unplanned", () => ["drill", "-s", "dev", "--to", "us-west-2", "--mode", "unplanned", "--keep-drained"]);
refusal("--report that cannot be written", () => ["drill", "--topology", planFile, "--to", "us-west-2", "--mode", "planned", "--simulate", "--report", path.join(planFile, "report.json")]);
refusal("checkpoint without a topology to --topology", () => ["drill", "--topology", path.join(dir, "checkpoint.json"), "--to", "us-west-2", "--mode", "planned"]);
refusal("malformed topology to --topology", () => ["drill", "--topology", path.join(dir, "badtopology.json"), "--to", "us-west-2", "--mode", "planned"]);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-inputs-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  stackFile("mars", (c) => {
    (c["ha-blueprint:regions"] as Array<{ name: string }>)[1].name = "us-mars-9";
  });
  stackFile("publiccidr", (c) => {
    (c["ha-blueprint:regions"] as Array<{ cidr: string }>)[0].cidr = "8.8.0.0/16";
  });
  stackFile("awsregion", (c) => {
    c["aws:region"] = "eu-west-1";
  });
  stackFile("defaults", (c) => {
    delete c["pulumi:disable-default-providers"];
  });
  stackFile("secret", (c) => {
    c["ha-blueprint:databasePassword"] = SECRET;
  });
  fs.writeFileSync(path.join(dir, "empty.json"), JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [{ urn: "urn:pulumi:dev::ha-blueprint::pulumi:pulumi:Stack::ha-blueprint-dev", type: "pulumi:pulumi:Stack", custom: false }] } }));
  fs.writeFileSync(path.join(dir, "checkpoint.json"), JSON.stringify({ version: 3, checkpoint: { stack: "prod", latest: { resources: [] } } }));
  fs.writeFileSync(path.join(dir, "badtopology.json"), JSON.stringify({ version: 1, stack: "prod", writerRegion: 7, regions: [{ name: 1 }] }));
  stackFile("own", () => undefined);
  fs.symlinkSync(path.join(dir, "stacks", "Pulumi.own.yaml"), path.join(dir, "own-link.yaml"));
  fs.writeFileSync(path.join(dir, "policy-secret.json"), `{"ha-aurora-global": {"password": ${SECRET}}}`);
  // Graphs Pulumi cannot produce, each with a Kubernetes workload whose region is looked up through
  // its ancestors (the walk that used to spin for ever on a parent cycle).
  const urn = (type: string, name: string) => `urn:pulumi:dev::ha-blueprint::${type}::${name}`;
  const a = urn("ha:app:AppTier", "a");
  const b = urn("ha:app:AppTier", "b");
  const workload = (parent: string) => ({ urn: urn("kubernetes:apps/v1:Deployment", "web"), type: "kubernetes:apps/v1:Deployment", custom: true, parent, inputs: { spec: { replicas: 2 } } });
  const stackRoot = { urn: urn("pulumi:pulumi:Stack", "ha-blueprint-dev"), type: "pulumi:pulumi:Stack", custom: false };
  const graph = (resources: unknown[]) => JSON.stringify({ version: 3, deployment: { resources: [stackRoot, ...resources] } });
  fs.writeFileSync(path.join(dir, "self-parent.json"), graph([{ urn: a, type: "ha:app:AppTier", custom: false, parent: a }, workload(a)]));
  fs.writeFileSync(path.join(dir, "mutual-parents.json"), graph([{ urn: a, type: "ha:app:AppTier", custom: false, parent: b }, { urn: b, type: "ha:app:AppTier", custom: false, parent: a }, workload(a)]));
  const role = (name: string, dep: string) => ({ urn: urn("aws:iam/rolePolicy:RolePolicy", name), type: "aws:iam/rolePolicy:RolePolicy", custom: true, inputs: {}, dependencies: [dep], propertyDependencies: { role: [dep] } });
  fs.writeFileSync(path.join(dir, "dependency-cycle.json"), graph([role("x", urn("aws:iam/rolePolicy:RolePolicy", "y")), role("y", urn("aws:iam/rolePolicy:RolePolicy", "x"))]));
  planFile = path.join(dir, "plan-prod.json");
  const plan = await cli(["plan", "--stack", "prod", "--out", planFile, "--format", "json"]);
  expect(plan.code, plan.err).toBe(0);
  const state = fs.readFileSync(planFile, "utf8");
  fs.copyFileSync(planFile, path.join(dir, "topology.json"));
  const doc = JSON.parse(state) as { version: number; deployment: { resources: { urn: string; delete?: boolean }[] } };
  fs.writeFileSync(path.join(dir, "version-99.json"), JSON.stringify({ ...doc, version: 99 }));
  const resources = doc.deployment.resources;
  const twice = resources[resources.length - 1];
  fs.writeFileSync(path.join(dir, "duplicate-urn.json"), JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources: [...resources, { ...twice }] } }));
  // The old copy of a resource replaced create-before-delete stays in the state, marked for deletion.
  fs.writeFileSync(path.join(dir, "pending-delete.json"), JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources: [...resources, { ...twice, delete: true }] } }));
  fs.writeFileSync(path.join(dir, "version-4.json"), JSON.stringify({ ...doc, version: 4, features: ["outputDependencies"] }));
  const extra: Record<string, () => Promise<Run>> = {
    pipe: () => cli(["check", "--state", "-", "--stack", "prod"], state),
    bomPipe: () => cli(["analyze", "--state", "-", "--stack", "prod", "--format", "json"], `\uFEFF${state}`),
    mismatchAllowed: () => cli(["check", "--state", planFile, "--stack", "dev", "--allow-stack-mismatch", "--format", "json"]),
    version: () => cli(["--version"]),
    help: () => cli(["drill", "--help"]),
    checkStacksDir: () => cli(["check", "--state", planFile, "-s", "prod", "--stacks-dir", path.join(ROOT, "stacks"), "--format", "json"]),
    pendingDelete: () => cli(["check", "--state", path.join(dir, "pending-delete.json"), "--format", "json"]),
    plainPlan: () => cli(["check", "--state", planFile, "--format", "json"]),
    version4: () => cli(["check", "--state", path.join(dir, "version-4.json"), "--format", "json"]),
    jsonError: () => cli(["check", "--state", path.join(dir, "version-99.json"), "--format", "json"]),
    jsonFlagError: () => cli(["analyze", "--state", planFile, "--bogus", "-f", "json"]),
  };
  const names = [...Object.keys(cases), ...Object.keys(extra)].filter((n) => !(n in inProcess));
  const spawned = Promise.all(names.map((n) => (cases[n] ?? extra[n])()));
  // While the processes run: the in-process ones, one at a time (they capture this process's output).
  for (const n of Object.keys(inProcess)) runs[n] = await inProcess[n]();
  (await spawned).forEach((r, i) => (runs[names[i]] = r));
}, 120_000);

describe("bad input: one line, exit 2, no stack trace", () => {
  it.each(Object.keys(cases))("%s", (name) => {
    const r = runs[name];
    expect(r.code, `${name}: ${r.err}`).toBe(2);
    const lines = r.err.trimEnd().split("\n");
    expect(lines, r.err).toHaveLength(1);
    expect(lines[0]).toMatch(/^ha-blueprint: /);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe("");
  });

  it("names what is wrong in each case", () => {
    expect(runs["region that does not exist"].err).toMatch(/us-mars-9/);
    expect(runs["public CIDR for a VPC"].err).toMatch(/8\.8\.0\.0\/16.*(RFC ?1918|private)/i);
    expect(runs["aws:region outside the stack's regions"].err).toMatch(/aws:region.*eu-west-1/);
    expect(runs["no pulumi:disable-default-providers"].err).toMatch(/pulumi:disable-default-providers/);
    expect(runs["plain-text secret in the stack file"].err).toMatch(/databasePassword/);
    expect(runs["plan of an invalid stack"].err).toMatch(/us-mars-9/);
    expect(runs["empty state (check)"].err).toMatch(/holds no resources/);
    expect(runs["empty state (analyze)"].err).toMatch(/standard input holds no resources/);
    expect(runs["state of another stack"].err).toMatch(/state of stack prod, but --stack dev.*--allow-stack-mismatch/);
    expect(runs["state that is a directory"].err).toMatch(/is a directory/);
    expect(runs["--out with an empty value"].err).toMatch(/--out needs a value/);
    expect(runs["--yes without --execute"].err).toMatch(/--yes confirms --execute/);
    expect(runs["--keep-drained with unplanned"].err).toMatch(/--keep-drained belongs to planned drills/);
    expect(runs["--report that cannot be written"].err).toMatch(/--report .*report\.json: .* is a file, not a directory/);
    expect(runs["checkpoint without a topology to --topology"].err).toMatch(/checkpoint has no pulumi:pulumi:Stack resource with a topology output/);
    expect(runs["malformed topology to --topology"].err).toMatch(/is not a usable topology: topology\.writerRegion/);
    expect(runs["a component that is its own parent (check)"].err).toMatch(/ha:app:AppTier::a is its own parent/);
    expect(runs["two components each other's parent (analyze)"].err).toMatch(/parents form a cycle \((a -> b -> a|b -> a -> b)\)/);
    expect(runs["a dependency cycle (check)"].err).toMatch(/dependencies form a cycle \((x -> y -> x|y -> x -> y)\)/);
    expect(runs["malformed JSON holding a secret"].err).toMatch(/standard input is not valid JSON: unexpected character at line 1, column \d+$/m);
    expect(runs["malformed policy config holding a secret"].err).toMatch(/policy-secret\.json is not valid JSON: unexpected character at line 1, column \d+$/m);
    expect(runs["the same URN twice"].err).toMatch(/resources\[\d+\] and resources\[\d+\] have the same urn urn:pulumi:prod::/);
    expect(runs["unsupported state version"].err).toMatch(/"version": 99 is not a state schema version this reads \(supported: 3, 4\)/);
    expect(runs["empty standard input"].err).toBe("ha-blueprint: standard input is empty\n");
    expect(runs["--stacks-dir naming a file"].err).toMatch(/--stacks-dir .*plan-prod\.json is a file, not a directory/);
    expect(runs["plan --out onto the stack file it reads"].err).toMatch(/--out .*Pulumi\.own\.yaml is the stack file of --stack own/);
    expect(runs["plan --out onto the stack file through a symlink"].err).toMatch(/--out .*own-link\.yaml is the stack file of --stack own/);
    expect(runs["drill --report onto its --topology"].err).toMatch(/--report .*topology\.json is the --topology input/);
  });

  it("leaves the inputs it refused to overwrite as they were", () => {
    expect(fs.readFileSync(path.join(dir, "stacks", "Pulumi.own.yaml"), "utf8")).toMatch(/^config:/m);
    expect(fs.readFileSync(path.join(dir, "topology.json"), "utf8")).toBe(fs.readFileSync(planFile, "utf8"));
  });

  it("never echoes a secret written in plain text", () => {
    for (const r of Object.values(runs)) expect(r.err + r.out).not.toContain(SECRET);
  });
});

describe("errors a script can read", () => {
  it("with --format json, an error is also a JSON object on stdout", () => {
    for (const r of [runs.jsonError, runs.jsonFlagError]) {
      expect(r.code, r.err).toBe(2);
      const doc = JSON.parse(r.out) as { error: { message: string; exitCode: number } };
      expect(doc.error.exitCode).toBe(2);
      expect(r.err).toContain(doc.error.message);
    }
    expect(JSON.parse(runs.jsonError.out).error.message).toMatch(/"version": 99 is not a state schema version/);
    expect(JSON.parse(runs.jsonFlagError.out).error.message).toMatch(/unknown option '--bogus'/);
  });
});

describe("inputs that must work", () => {
  it("counts once a resource whose replaced copy awaits deletion, and reads schema version 4", () => {
    const plain = JSON.parse(runs.plainPlan.out).summary;
    expect(runs.pendingDelete.code, runs.pendingDelete.err).toBe(runs.plainPlan.code);
    expect(JSON.parse(runs.pendingDelete.out).summary.resources).toBe(plain.resources);
    expect(runs.version4.code, runs.version4.err).toBe(runs.plainPlan.code);
    expect(JSON.parse(runs.version4.out).summary.resources).toBe(plain.resources);
  });

  it("reads --state - from a pipe (pulumi stack export | ha-blueprint check --state -)", () => {
    expect(runs.pipe.code, runs.pipe.err).toBe(0);
    expect(runs.pipe.out).toMatch(/Checked standard input/);
  });

  it("reads a state that starts with a UTF-8 BOM", () => {
    expect(runs.bomPipe.code, runs.bomPipe.err).not.toBe(2);
    expect(JSON.parse(runs.bomPipe.out).source).toMatchObject({ kind: "state", name: "standard input" });
  });

  it("proceeds on another stack's state with --allow-stack-mismatch, with one warning", () => {
    const r = runs.mismatchAllowed;
    expect(r.code, r.err).not.toBe(2);
    expect(r.err.trim()).toMatch(/^ha-blueprint: warning: .*state of stack prod, but --stack dev/);
    expect(JSON.parse(r.out).summary.environment).toBe("dev");
  });

  it("prints the version, and every command takes -s/--stack and --stacks-dir", () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
    expect(runs.version).toMatchObject({ code: 0 });
    expect(runs.version.out.trim()).toBe(version);
    expect(runs.help.out).toMatch(/-s, --stack <name>/);
    expect(runs.help.out).toMatch(/--stacks-dir <dir>/);
    expect(runs.checkStacksDir.code, runs.checkStacksDir.err).toBe(0);
    expect(JSON.parse(runs.checkStacksDir.out).summary.environment).toBe("prod");
  });
});

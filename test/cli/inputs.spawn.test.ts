import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli";

/**
 * Bad input through the real `node bin/ha-blueprint.js`, the way a user meets it: one line naming
 * the problem, exit 2, no stack trace, no secret echoed; and the inputs that must work (a pipe on
 * --state -, a UTF-8 BOM, --version, the same flags on every command). The processes run side by
 * side in one beforeAll; most stop before the Pulumi SDKs load, so each costs a bare Node start.
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

function refusal(name: string, args: () => string[], stdin?: () => string): void {
  cases[name] = () => cli(args(), stdin?.());
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
  planFile = path.join(dir, "plan-prod.json");
  const plan = await cli(["plan", "--stack", "prod", "--out", planFile, "--format", "json"]);
  expect(plan.code, plan.err).toBe(0);
  const state = fs.readFileSync(planFile, "utf8");
  const extra: Record<string, () => Promise<Run>> = {
    pipe: () => cli(["check", "--state", "-", "--stack", "prod"], state),
    bomPipe: () => cli(["analyze", "--state", "-", "--stack", "prod", "--format", "json"], `\uFEFF${state}`),
    mismatchAllowed: () => cli(["check", "--state", planFile, "--stack", "dev", "--allow-stack-mismatch", "--format", "json"]),
    version: () => cli(["--version"]),
    help: () => cli(["drill", "--help"]),
    checkStacksDir: () => cli(["check", "--state", planFile, "-s", "prod", "--stacks-dir", path.join(ROOT, "stacks"), "--format", "json"]),
  };
  const names = [...Object.keys(cases), ...Object.keys(extra)];
  const results = await Promise.all(names.map((n) => (cases[n] ?? extra[n])()));
  names.forEach((n, i) => (runs[n] = results[i]));
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
  });

  it("never echoes a secret written in plain text", () => {
    for (const r of Object.values(runs)) expect(r.err + r.out).not.toContain(SECRET);
  });
});

describe("inputs that must work", () => {
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

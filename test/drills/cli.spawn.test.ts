import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli";
import { topologyFixture } from "./fixtures";

/**
 * The drill through `node bin/ha-blueprint.js`, the way a user runs it: the real loader (tsx/cjs),
 * the real Automation API talking to a Pulumi CLI on PATH (test/drills/fake-pulumi: answers from a
 * state file, logs every command), and, for the one execute run, AWS answered by the cloud model
 * through a `--require` preload. Spawns are few and run side by side: each costs a Node start.
 */

const FAKE_PULUMI = path.join(__dirname, "fake-pulumi");
const PRELOAD = path.join(__dirname, "cli-preload.cjs");

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  readonly pulumi: string[][];
  /** With the preload: the AWS commands that change something, in order, as `Command@region`. */
  readonly aws: string[];
}

let dir: string;
let topo: string;

/** A Pulumi project directory (stacks under stacks/) with the fake CLI's state for stack prod. */
function project(name: string, config: Record<string, string> = {}): { dir: string; state: string; log: string } {
  const d = path.join(dir, name);
  fs.mkdirSync(path.join(d, "stacks"), { recursive: true });
  fs.writeFileSync(path.join(d, "Pulumi.yaml"), "name: ha-blueprint\nruntime: nodejs\nstackConfigDir: stacks\n");
  const state = path.join(d, "fake-pulumi.json");
  fs.writeFileSync(state, JSON.stringify({ stack: "prod", outputs: { topology: topologyFixture() }, config }));
  return { dir: d, state, log: path.join(d, "fake-pulumi.log") };
}

async function drill(args: string[], opts: { pulumi?: ReturnType<typeof project>; preload?: boolean; noPulumi?: boolean } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: [opts.noPulumi ? undefined : FAKE_PULUMI, path.dirname(process.execPath), "/usr/bin", "/bin"].filter(Boolean).join(path.delimiter),
    HOME: dir,
    // Any AWS call that slipped through would hit a closed local port, never AWS.
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_ACCESS_KEY_ID: "AKIDTESTONLY",
    AWS_SECRET_ACCESS_KEY: "test-only",
    AWS_EC2_METADATA_DISABLED: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...(opts.pulumi ? { FAKE_PULUMI_STATE: opts.pulumi.state, FAKE_PULUMI_LOG: opts.pulumi.log } : {}),
    ...(opts.preload && opts.pulumi ? { FAKE_AWS_LOG: `${opts.pulumi.log}.aws` } : {}),
  };
  const r = await runCli(["drill", ...args], { nodeArgs: opts.preload ? ["--require", PRELOAD] : [], cwd: opts.pulumi?.dir ?? ROOT, env });
  const log = opts.pulumi && fs.existsSync(opts.pulumi.log) ? fs.readFileSync(opts.pulumi.log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  const awsLog = opts.preload && opts.pulumi && fs.existsSync(`${opts.pulumi.log}.aws`) ? (JSON.parse(fs.readFileSync(`${opts.pulumi.log}.aws`, "utf8")) as string[]) : [];
  return { code: r.code, out: r.stdout, err: r.stderr, pulumi: log, aws: awsLog };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-spawn-"));
  topo = path.join(dir, "topology.json");
  fs.writeFileSync(topo, JSON.stringify(topologyFixture()));
});

describe.concurrent("drill through bin/ha-blueprint.js", () => {
  it("--stack prod --execute without --yes: reads the deployed topology through the Automation API, prints the plan, exits 2", async () => {
    const p = project("no-yes");
    const r = await drill(["--stack", "prod", "--to", "us-west-2", "--mode", "planned", "--execute"], { pulumi: p });
    expect(r.err).not.toMatch(/internal error|ERR_UNSUPPORTED_DIR_IMPORT|\n\s+at /);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Planned switchover: us-east-1 -> us-west-2 \(stack prod, accelerator routing\)\n/);
    expect(r.out).toContain("4. a) Switch over Aurora (timeout 1200 s)");
    expect(r.err).toBe("ha-blueprint: refusing to execute without --yes: review the plan above, then re-run with --execute --yes\n");
    // The Automation API ran under the real loader: it selected the stack and read its outputs.
    expect(r.pulumi.map((a) => a.slice(0, 2).join(" "))).toEqual(expect.arrayContaining(["version", "stack select", "stack output"]));
  });

  it("--mode unplanned --execute --yes without --allow-data-loss: one line naming the data loss, exit 2, before any Pulumi or AWS call", async () => {
    const p = project("no-consent");
    const r = await drill(["--stack", "prod", "--to", "us-west-2", "--mode", "unplanned", "--execute", "--yes"], { pulumi: p });
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^ha-blueprint: --mode unplanned --execute fails the database over with AllowDataLoss: writes not yet replicated to the target are lost .* Add --allow-data-loss/);
    expect(r.out).toBe("");
    expect(r.pulumi).toEqual([]);
  });

  it("--execute --yes (a stack without a Region switch plan) writes no stack config, previews, and asks for no commit", async () => {
    const p = project("execute", { "ha-blueprint:routing": JSON.stringify({ mode: "accelerator", trafficDials: { "us-east-1": 100, "us-west-2": 100 } }) });
    const r = await drill(["--topology", topo, "--to", "us-west-2", "--mode", "planned", "--execute", "--yes", "--format", "json", "--pulumi-dir", p.dir, "--pulumi-stack", "prod"], { pulumi: p, preload: true });
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ outcome: "succeeded", finalState: { writer: { database: "us-west-2", sessions: "us-west-2" }, dials: { "us-east-1": 100, "us-west-2": 100 }, sessionRecord: "us-west-2" } });
    expect(r.aws.filter((m) => m.startsWith("Switchover") || m.startsWith("ChangeResourceRecordSets"))).toEqual(["SwitchoverGlobalClusterCommand@us-west-2", "ChangeResourceRecordSetsCommand@us-east-1"]);
    expect(r.aws.some((m) => m.startsWith("FailoverGlobalClusterCommand"))).toBe(false);
    // The writer is read from AWS: nothing is set in the stack config, nothing needs a commit.
    expect(r.pulumi.filter((a) => a[0] === "config" && a[1] === "set")).toEqual([]);
    expect(r.pulumi.find((a) => a[0] === "preview")).toEqual(expect.arrayContaining(["--diff"]));
    const reconcile = report.steps.find((s: { id: string }) => s.id === "reconcile");
    expect(reconcile.notes).toContain("pulumi preview: same 41, update 1");
    expect(report.nextCommands.some((c: string) => c.startsWith("git "))).toBe(false);
  });

  it("--simulate --inject-fault STEP:KIND: a JSON report with outcome, finalState and nextCommands; exit 1", async () => {
    const r = await drill(["--topology", topo, "--to", "us-west-2", "--mode", "unplanned", "--rehearsal", "--simulate", "--inject-fault", "promote-aurora:timeout", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.outcome).toBe("stopped");
    // The failover request reached AWS (its answer was lost): the fence stays while it runs.
    expect(report.finalState.databaseOperation).toMatch(/^failover us-east-1 -> us-west-2/);
    expect(report.finalState.writer).toEqual({ database: "us-east-1", sessions: "us-west-2" });
    expect(report.nextCommands[0]).toMatch(/^npx ha-blueprint drill --topology .* --to us-west-2 --mode unplanned --allow-data-loss --rehearsal --execute --yes {3}# for real, against AWS: fences us-east-1 and fails the database over to us-west-2, losing the writes not yet replicated\. This run was simulated/);
    expect(r.err).toMatch(/ha-blueprint: drill stopped at promote-aurora: TimeoutError: failoverGlobalCluster: the request timed out/);
  });

  it("a missing Pulumi CLI is one clear line and exit 2, never a stack trace", async () => {
    const nopulumi = await drill(["--stack", "prod", "--to", "us-west-2", "--mode", "planned", "--execute"], { noPulumi: true });
    expect(nopulumi.code).toBe(2);
    expect(nopulumi.err).toMatch(/^ha-blueprint: cannot read the deployed stack prod through the Pulumi CLI: the Pulumi CLI was not found on PATH .*\n$/);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommanderError } from "commander";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DrillDeps } from "../../cli/commands/drill";
import { buildCli } from "../../cli/main";
import { CliError } from "../../cli/errors";
import { SdkDrillAws } from "../../drills/sdkAws";
import { InMemoryStackConfig } from "../../drills/simulator";
import { FakeCloud } from "./fakeCloud";
import { EAST, ids, topologyFixture, WEST } from "./fixtures";

/** The drill command through the CLI's own command line, errors handled like cli/main.ts does. */

async function cli(args: string[], deps: DrillDeps = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const { program } = buildCli({
    drill: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), stderrIsTTY: false, ...deps },
    output: { writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) },
  });
  let code = 0;
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    if (e instanceof CliError) {
      code = e.exitCode;
      err.push(e.message);
    } else if (e instanceof CommanderError) {
      code = e.exitCode === 0 ? 0 : 2;
    } else throw e;
  }
  return { code, out: out.join(""), err: err.join("") };
}

let dir: string;
let topo: string;
let offlinePlan: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-cli-"));
  topo = path.join(dir, "topology.json");
  fs.writeFileSync(topo, JSON.stringify(topologyFixture()));
  offlinePlan = path.join(dir, "plan.json");
  fs.writeFileSync(
    offlinePlan,
    JSON.stringify({ version: 3, deployment: { manifest: { version: "ha-blueprint plan (Pulumi mock runtime)" }, resources: [{ type: "pulumi:pulumi:Stack", outputs: { topology: topologyFixture() } }] } }),
  );
});

let cloud: FakeCloud | undefined;
afterEach(() => {
  cloud?.restore();
  cloud = undefined;
});

/** A topology with another region-loss RTO objective. */
function withRegionRto(t: Record<string, unknown>, rtoSeconds: number): Record<string, unknown> {
  const objectives = t.objectives as Record<string, unknown>;
  return { ...t, objectives: { ...objectives, regionLoss: { ...(objectives.regionLoss as object), rtoSeconds } } };
}

describe("drill flag errors exit 2 with a message", () => {
  it.each([
    [["drill", "--to", WEST, "--mode", "planned"], /give exactly one of --stack <name> or --topology <file>/],
    [["drill", "--stack", "prod", "--topology", "x.json", "--to", WEST, "--mode", "planned"], /give exactly one of --stack/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--simulate", "--execute"], /--simulate and --execute exclude each other/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "sideways"], /--mode sideways is not allowed \(allowed: planned, unplanned\)/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--format", "xml"], /--format xml is not allowed/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--report", "out.txt"], /must end in .json or .md/],
    [["drill", "--topology", "T", "--az", "us-east-1a", "--to", WEST], /--az runs the in-region AZ drill; it does not take --to/],
    [["drill", "--topology", "T", "--to", EAST, "--failback", "--mode", "unplanned"], /--failback is always planned/],
    [["drill", "--topology", "T", "--mode", "planned"], /--to <region> is required/],
    [["drill", "--topology", "T", "--to", WEST], /--mode planned\|unplanned is required/],
    [["drill", "--topology", "T", "--to", "eu-west-1", "--mode", "planned"], /--to eu-west-1 is not a region of stack prod/],
    [["drill", "--topology", "T", "--to", EAST, "--mode", "planned"], /already the writer region in the topology/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "unplanned", "--execute", "--yes"], /AllowDataLoss: writes not yet replicated to the target are lost.*Add --allow-data-loss/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--allow-data-loss"], /belong to --mode unplanned \(a planned switchover loses no data\)/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--rehearsal"], /belong to --mode unplanned/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "unplanned", "--max-data-loss", "60"], /--max-data-loss raises the accepted loss; it needs --allow-data-loss/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "unplanned", "--allow-data-loss", "--max-data-loss", "soon"], /--max-data-loss soon: give the seconds/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "unplanned", "--keep-drained"], /--keep-drained belongs to planned drills/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--inject-fault", "drain"], /--inject-fault rehearses a failure offline: it needs --simulate/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--simulate", "--inject-fault", "fence"], /fence is not a step of this drill \(steps: preflight, lift-fence, drain, promote-aurora, promote-redis, repoint-sessions, verify, restore-traffic, reconcile; --list-steps says what each does\)/],
    [["drill", "--topology", "T", "--to", WEST, "--mode", "planned", "--simulate", "--inject-fault", "drain:melt"], /kind melt is not one of timeout, throttle, reject/],
    [["drill", "--topology", "missing.json", "--to", WEST, "--mode", "planned"], /cannot read topology file missing.json/],
    [["drill", "--stack", "nope", "--to", WEST, "--mode", "planned", "--simulate"], /unknown stack "nope"/],
  ])("%j", async (args, message) => {
    const r = await cli(args.map((a) => (a === "T" ? topo : a)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("an unknown flag is a commander error, exit 2", async () => {
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--force"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--force'/);
  });
});

describe("drill --execute", () => {
  it("refuses without --yes after printing the plan, and calls nothing", async () => {
    let made = false;
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--execute"], { makeAws: () => ((made = true), new SdkDrillAws()) });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Planned switchover: us-east-1 -> us-west-2 \(stack prod, accelerator routing\)\n/);
    expect(r.out).toContain("4. a) Switch over Aurora (timeout 1200 s)");
    expect(r.out).toContain("in execute mode the current writer is read from AWS before any step runs");
    expect(r.err).toMatch(/refusing to execute without --yes/);
    expect(made).toBe(false);
  });

  it("refuses an offline plan file: its identifiers are mocks", async () => {
    const r = await cli(["drill", "--topology", offlinePlan, "--to", WEST, "--mode", "planned", "--execute", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is an offline plan \(mock identifiers\)/);
  });

  it("runs against stubbed AWS with --yes, prints the JSON report and writes the Markdown one", async () => {
    cloud = new FakeCloud();
    const config = new InMemoryStackConfig({ trafficDials: {} }, "test config");
    const md = path.join(dir, "execute.md");
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--execute", "--yes", "--format", "json", "--report", md], {
      makeAws: () => new SdkDrillAws({ maxAttempts: 1 }),
      makeConfigStore: () => config,
      clock: cloud.clock,
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ outcome: "succeeded", simulated: false, source: EAST, target: WEST, finalState: { writer: { database: WEST, sessions: WEST } } });
    expect(cloud.mutations()).toContain("SwitchoverGlobalClusterCommand@us-west-2");
    expect(fs.readFileSync(md, "utf8")).toContain("```mermaid\ngantt");
    expect(r.err).toMatch(/\[4\/9\] Switch over Aurora: ok/);
  });

  it("reads the deployed topology with --stack, then the live writer from AWS, and names the Pulumi stack for the config", async () => {
    cloud = new FakeCloud();
    // An earlier drill moved the writer; the deployed topology (last pulumi up) still names us-east-1.
    await cloud.model.startGlobalOperation(WEST, ids.clusterArn(WEST), "switchover");
    await cloud.model.failoverGlobalReplicationGroup(WEST, WEST, ids.rg(WEST));
    await cloud.clock.sleep(300_000);
    await cloud.model.upsertRecord(ids.zone, ids.record, ids.primary(WEST), 30);
    await cloud.clock.sleep(60_000);
    cloud.model.failRegion(WEST, 0);
    const seen: string[] = [];
    const r = await cli(["drill", "--stack", "prod", "--to", EAST, "--mode", "unplanned", "--allow-data-loss", "--execute", "--yes", "--pulumi-stack", "org/prod"], {
      // A person decides a region failover: the stack files give that 30 minutes.
      deployedTopology: async ({ stackName }) => (seen.push(`outputs ${stackName}`), withRegionRto(topologyFixture() as Record<string, unknown>, 1800)),
      makeAws: () => new SdkDrillAws({ maxAttempts: 1 }),
      makeConfigStore: ({ stackName }) => (seen.push(`config ${stackName}`), new InMemoryStackConfig({ trafficDials: {} }, "test")),
      clock: cloud.clock,
    });
    expect(r.err, r.err).not.toMatch(/internal error|ha-blueprint:/);
    expect(seen, `${r.code} ${r.err}`).toEqual(["outputs org/prod", "config org/prod"]);
    expect(r.out).toContain("current writer: us-west-2 (live: DescribeGlobalClusters in us-east-1)");
    expect(cloud.calls("FailoverGlobalClusterCommand")[0]).toMatchObject({ region: EAST, input: { TargetDbClusterIdentifier: ids.clusterArn(EAST), AllowDataLoss: true } });
    expect(r.code, r.out).toBe(0);
  });

  it("exits 1 with the failed step when the drill stops, and lists the next commands", async () => {
    cloud = new FakeCloud();
    cloud.metrics.AuroraGlobalDBRPOLag = 90_000;
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--execute", "--yes"], {
      makeAws: () => new SdkDrillAws({ maxAttempts: 1 }),
      makeConfigStore: () => new InMemoryStackConfig({ trafficDials: {} }, "test"),
      clock: cloud.clock,
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/drill stopped at preflight: replication lag 90 s exceeds the RPO objective of 30 s/);
    expect(r.out).toMatch(/Next commands:\n {2}aws rds describe-global-clusters --region us-west-2/);
  });
});

describe("drill plan and --simulate", () => {
  it("prints the plan as JSON without running anything when neither --simulate nor --execute is given", async () => {
    const r = await cli(["drill", "--topology", topo, "--az", "us-east-1b", "--format", "json"]);
    expect(r.code).toBe(0);
    const { plan } = JSON.parse(r.out);
    expect(plan.steps.map((s: { id: string }) => s.id)).toEqual(["preflight", "aurora-az-failover", "redis-az-failover", "verify"]);
    expect(plan.budget.disruption).toBe("azLoss");
  });

  it("says when identifiers are the offline plan's mocks, and only then", async () => {
    // The fixture topology has a real-looking account: nothing to warn about, but a simulation says it is one.
    const plain = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned"]);
    expect(plain.out).not.toContain("Not real resources");
    const simulated = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--simulate"]);
    expect(simulated.out.replace(/\n/g, " ")).toContain("Simulated: no AWS call was made; the timeline is the cloud model on a virtual clock with the documented timings. The identifiers come from the topology given.");
    expect(simulated.out).not.toContain("Not real resources");
    // JSON stays data only.
    const json = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--simulate", "--format", "json"]);
    expect(() => JSON.parse(json.out)).not.toThrow();
  });

  it("the unplanned plan fences the old writer before it promotes, and names the data loss consent", async () => {
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "unplanned"]);
    expect(r.code).toBe(0);
    const order = ["Fence the old writer", "Fail over Aurora (allow data loss)", "Promote the session store"].map((t) => r.out.indexOf(t));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.out).toContain("data loss: NOT accepted (--allow-data-loss is required to execute)");
  });

  it("--inject-fault rehearses a failure: the JSON report says how it ended, where things are, and what to run", async () => {
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--simulate", "--inject-fault", "repoint-sessions:reject", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.outcome).toBe("stopped");
    expect(report.finalState).toMatchObject({ writer: { database: WEST, sessions: WEST }, dials: { [EAST]: 100, [WEST]: 100 }, sessionRecord: EAST });
    expect(report.finalState.problems).toContain("sessions are not writable: the session-writer record points at us-east-1's endpoint, the primary is in us-west-2");
    expect(report.nextCommands[0]).toBe(`npx ha-blueprint drill --topology ${topo} --to us-west-2 --mode planned --execute --yes   # for real, against AWS: drains us-east-1 and switches the writer to us-west-2 (no data loss, a short write outage). This run was simulated: run the command without --execute --yes first to review the plan`);
    expect(report.nextCommands[1]).toMatch(/^aws route53 change-resource-record-sets --hosted-zone-id Z0PRIVATE1234 --change-batch /);
    expect(r.err).toMatch(/drill stopped at repoint-sessions/);
  });

  it("simulates prod through its Region switch plan document on the offline ARC model, and writes the report", async () => {
    const md = path.join(dir, "prod-planned.md");
    const r = await cli(["drill", "--stack", "prod", "--to", WEST, "--mode", "planned", "--simulate", "--approve", "--report", md]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Planned region drill through the Region switch plan: us-east-1 -> us-west-2 \(SIMULATED/);
    expect(r.out).toMatch(/deactivate us-east-1 \(graceful\): completed \[sim-1\], \d+ s \(actualRecoveryTime\)/);
    expect(r.out).toMatch(/activate us-east-1 \(graceful\): completed/);
    expect(r.out).toMatch(/RTO: \d+ s against the 600 s objective \(met/);
    expect(fs.readFileSync(md, "utf8")).toContain("promote-database: completed");
  });

  it("--decline rehearses a refused approval: the execution stops before the database moves (exit 1)", async () => {
    // dev keeps the default approval step (prod opts into automatic failover).
    const r = await cli(["drill", "--stack", "dev", "--to", WEST, "--mode", "planned", "--simulate", "--decline"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/approval approve-data-loss-failover: decline/);
    expect(r.out).not.toMatch(/promote-database/);
  });
});

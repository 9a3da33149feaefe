import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerDrill, type DrillDeps } from "../../cli/commands/drill";
import { CliError } from "../../cli/errors";
import { VirtualClock } from "../../drills/aws";
import { SdkDrillAws } from "../../drills/sdkAws";
import { InMemoryStackConfig } from "../../drills/simulator";
import { FakeCloud } from "./fakeCloud";
import { EAST, topologyFixture, WEST } from "./fixtures";

/** The drill command through a local commander program, handled like cli/main.ts does. */

async function cli(args: string[], deps: DrillDeps = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command("ha-blueprint").exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerDrill(program, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), stderrIsTTY: false, ...deps });
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
    [["drill", "--topology", "T", "--to", EAST, "--mode", "planned"], /already the writer region/],
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
    expect(r.out).toContain("3. Switch over Aurora (timeout 1200 s)");
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
    const config = new InMemoryStackConfig({ writerRegion: EAST, trafficDials: {} }, "test config");
    const md = path.join(dir, "execute.md");
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--execute", "--yes", "--format", "json", "--report", md], {
      makeAws: () => new SdkDrillAws({ maxAttempts: 1 }),
      makeConfigStore: () => config,
      clock: new VirtualClock(),
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ outcome: "succeeded", simulated: false, source: EAST, target: WEST });
    expect(cloud.mutations()).toContain("SwitchoverGlobalClusterCommand@us-west-2");
    expect(fs.readFileSync(md, "utf8")).toContain("```mermaid\ngantt");
    expect(r.err).toMatch(/\[3\/7\] Switch over Aurora: ok/);
  });

  it("reads the deployed stack's topology with --stack and names the Pulumi stack for the config", async () => {
    cloud = new FakeCloud();
    const seen: string[] = [];
    const r = await cli(["drill", "--stack", "prod", "--to", WEST, "--mode", "unplanned", "--execute", "--yes", "--pulumi-stack", "org/prod"], {
      deployedTopology: async ({ stackName }) => (seen.push(`outputs ${stackName}`), topologyFixture()),
      makeAws: () => new SdkDrillAws({ maxAttempts: 1 }),
      makeConfigStore: ({ stackName }) => (seen.push(`config ${stackName}`), new InMemoryStackConfig({ trafficDials: {} }, "test")),
      clock: new VirtualClock(),
    });
    expect(r.code).toBe(0);
    expect(seen).toEqual(["outputs org/prod", "config org/prod"]);
    expect(cloud.mutations()[0]).toBe("FailoverGlobalClusterCommand@us-west-2");
  });

  it("exits 1 with the failed step when the drill stops", async () => {
    cloud = new FakeCloud();
    cloud.auroraLagMs = 90_000;
    const r = await cli(["drill", "--topology", topo, "--to", WEST, "--mode", "planned", "--execute", "--yes"], {
      makeAws: () => new SdkDrillAws({ maxAttempts: 1 }),
      makeConfigStore: () => new InMemoryStackConfig({ trafficDials: {} }, "test"),
      clock: new VirtualClock(),
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/drill stopped at preflight: replication lag 90 s exceeds the RPO objective of 30 s/);
    expect(r.out).toMatch(/Next manual commands:\n {2}aws rds describe-global-clusters --region us-west-2/);
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

  it("simulates the prod stack from its offline plan, with the plan's own identifiers, and writes the report", async () => {
    const md = path.join(dir, "prod-planned.md");
    const r = await cli(["drill", "--stack", "prod", "--to", WEST, "--mode", "planned", "--simulate", "--report", md]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Planned switchover: us-east-1 -> us-west-2 \(stack prod, simulated\): succeeded/);
    expect(r.out).toMatch(/RTO: drill 240 s, service 260 s \(budget 260 s, objective 600 s\): met/);
    const text = fs.readFileSync(md, "utf8");
    expect(text).toContain("dateFormat X");
    expect(r.err).toMatch(/T\+0s \[1\/7\] Preflight checks: started/);
    // Every tier is in the plan's topology, so nothing is simulated with a placeholder id.
    expect(r.out).not.toMatch(/is missing: simulating with/);
    expect(r.out).toContain("Global writer endpoint: ha-prod-aurora-global");
  });
});

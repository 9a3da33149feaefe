import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../helpers/cli";
import { topologyFixture } from "./fixtures";

/**
 * What an on-call engineer reads from a drill, through `node bin/ha-blueprint.js`: the step ids
 * `--inject-fault` takes are listable (step-by-step drill and the Region switch plan), a simulation
 * never offers `--execute --yes` without saying what it does, and a fence that could not reach the
 * lost region is never "done". All runs are offline (--simulate or --list-steps) and side by side.
 */

let dir: string;
let topo: string;
const runs: Record<string, CliRun> = {};

function drill(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { COLUMNS: _ignored, ...base } = process.env;
  return runCli(["drill", ...args], { env: { ...base, ...env } });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-trust-"));
  topo = path.join(dir, "topology.json");
  fs.writeFileSync(topo, JSON.stringify(topologyFixture()));
  const md = path.join(dir, "unplanned.md");
  const jobs: [string, Promise<CliRun>][] = [
    ["listTopology", drill(["--topology", topo, "--to", "us-west-2", "--mode", "unplanned", "--list-steps"])],
    ["listArc", drill(["--stack", "prod", "--to", "us-west-2", "--mode", "planned", "--list-steps"])],
    ["arcFault", drill(["--stack", "prod", "--to", "us-west-2", "--mode", "planned", "--simulate", "--inject-fault", "promote-database"])],
    ["arcUnknown", drill(["--stack", "prod", "--to", "us-west-2", "--mode", "planned", "--simulate", "--inject-fault", "promote-aurora"])],
    ["unknown", drill(["--topology", topo, "--to", "us-west-2", "--mode", "planned", "--simulate", "--inject-fault", "nope"])],
    ["fault", drill(["--topology", topo, "--to", "us-west-2", "--mode", "planned", "--simulate", "--inject-fault", "promote-aurora:timeout"])],
    ["unplanned", drill(["--topology", topo, "--to", "us-west-2", "--mode", "unplanned", "--simulate", "--report", md])],
    ["help", drill(["--help"])],
  ];
  for (const [k, p] of jobs) runs[k] = await p;
  runs.unplannedMd = { code: 0, stdout: fs.readFileSync(md, "utf8"), stderr: "" };
}, 180_000);

const idsListed = (out: string) => [...out.matchAll(/^ {2}([a-z][a-z0-9-]+) {2,}/gm)].map((m) => m[1]);

describe("drill: step ids for --inject-fault are listable", () => {
  it("--list-steps prints the step-by-step drill's ids with what each does, and each is a step --inject-fault takes", () => {
    const r = runs.listTopology;
    expect(r.code, r.stderr).toBe(0);
    const ids = idsListed(r.stdout);
    expect(ids).toEqual(expect.arrayContaining(["preflight", "fence", "promote-aurora", "promote-redis", "verify"]));
    expect(r.stdout).toMatch(/^ {2}fence +Fence the old writer$/m);
    expect(r.stdout).toMatch(/^kinds: timeout, throttle, reject/m);
  });

  it("on a stack with a Region switch plan, lists the plan's steps, which --inject-fault then takes", () => {
    const r = runs.listArc;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Steps of the stack's Region switch plan/);
    expect(idsListed(r.stdout)).toEqual(["scale-survivor", "promote-database", "drain-traffic", "restore-traffic"]);
    // A listed id is accepted: the plan simulation fails at it (exit 1), it is not refused as unknown (exit 2).
    expect(runs.arcFault.code, runs.arcFault.stderr).toBe(1);
    expect(runs.arcFault.stdout).toMatch(/promote-database: failed/);
    // The step-by-step drill's ids are not the plan's: refused, naming the plan's steps and --list-steps.
    expect(runs.arcUnknown.code).toBe(2);
    expect(runs.arcUnknown.stderr).toMatch(/--inject-fault promote-aurora: not a step of the Region switch plan \(steps: scale-survivor, promote-database, drain-traffic, restore-traffic; --list-steps says what each does\)/);
  });

  it("an unknown id names every step and --list-steps; --help names --list-steps", () => {
    expect(runs.unknown.code).toBe(2);
    expect(runs.unknown.stderr).toMatch(/nope is not a step of this drill \(steps: preflight, .*reconcile; --list-steps says what each does\)/);
    expect(runs.help.stdout).toMatch(/--list-steps/);
    expect(runs.help.stdout.replace(/\s+/g, " ")).toMatch(/--list-steps prints the step ids/);
  });
});

describe("drill: a simulation says what --execute --yes would do before offering it", () => {
  it("a simulated fault run's next commands explain the real run above the command", () => {
    const r = runs.fault;
    expect(r.code).toBe(1);
    // Wrapped commands (` \` continuations) joined back into one line each.
    const lines = r.stdout.replace(/ \\\n +/g, " ").split("\n");
    const at = lines.findIndex((l) => /--execute --yes/.test(l) && !l.trim().startsWith("#"));
    expect(at, r.stdout).toBeGreaterThan(0);
    // The comment lines right above the command say it runs for real, what it changes, and to review first.
    const above = lines.slice(Math.max(0, at - 3), at).join(" ");
    expect(above).toMatch(/# for real, against AWS: drains us-east-1 and switches the writer to us-west-2/);
    expect(above).toMatch(/This run was simulated: run the command without --execute --yes first/);
    // Nowhere does a simulation offer --execute --yes bare.
    for (const [i, l] of lines.entries()) {
      if (/--execute --yes/.test(l) && !l.trim().startsWith("#") && /^ {2}npx/.test(l)) expect(lines[i - 1], l).toMatch(/^ {2}# /);
    }
  });
});

describe("drill: an unplanned fence that could not fence is never done", () => {
  it("progress, the step table, the Markdown table and the gantt say INCOMPLETE and why", () => {
    const r = runs.unplanned;
    // The source region is lost in the simulation: its security groups cannot be rewritten.
    expect(r.stderr).toMatch(/Fence the old writer: INCOMPLETE: NOT fenced: database, sessions of us-east-1/);
    expect(r.stderr).not.toMatch(/Fence the old writer: ok/);
    expect(r.stdout).toMatch(/│ Fence the old writer +│ INCOMPLETE +│/);
    expect(r.stdout).not.toMatch(/│ Fence the old writer +│ done +│/);
    expect(r.stdout).toMatch(/^Fence the old writer: INCOMPLETE: NOT fenced: database, sessions of us-east-1/m);
    const md = runs.unplannedMd.stdout;
    expect(md).toMatch(/^\| Fence the old writer \| INCOMPLETE \| [^|]+\| [^|]+\| INCOMPLETE: NOT fenced/m);
    expect(md).toMatch(/^ {4}Fence the old writer \(INCOMPLETE\) :crit, fence, /m);
  });
});

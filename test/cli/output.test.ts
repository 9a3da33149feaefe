import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, type CliRun } from "../helpers/cli";
import { DOC_FILE, sectionsOf } from "../../analysis/sourcesDoc";

/**
 * What a person meets on the terminal: the real bin/ha-blueprint.js, run once per command (in
 * parallel, in beforeAll) with COLUMNS unset and stdout/stderr not a TTY, then checked for width,
 * order (summary first), wording and the files the output names. Width variations run in-process
 * (test/cli/layout.test.ts); one command here runs with COLUMNS=80.
 */

type Run = CliRun;

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { COLUMNS: _ignored, ...base } = process.env;
  return runCli(args, { env: { ...base, ...env } });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-output-"));
const planFile = path.join(dir, "plan-dev.json");
const out: Record<string, Run> = {};

beforeAll(async () => {
  await Promise.all([
    // npm start: plan dev, then check and analyze that plan.
    (async () => {
      out.plan = await run(["plan", "--stack", "dev", "--out", planFile]);
      [out.check, out.analyze] = await Promise.all([
        run(["check", "--state", planFile, "--stack", "dev"]),
        run(["analyze", "--state", planFile, "--stack", "dev"]),
      ]);
    })(),
    run(["analyze", "--stack", "prod"]).then((r) => (out.analyzeProd = r)),
    run(["analyze", "--stack", "prod"], { COLUMNS: "80" }).then((r) => (out.analyzeProd80 = r)),
    run(["analyze", "--stack", "prod", "--verbose"]).then((r) => (out.analyzeProdVerbose = r)),
    run(["check", "--stack", "prod"]).then((r) => (out.checkProd = r)),
    run(["drill", "--stack", "prod", "--to", "us-west-2", "--mode", "planned"]).then((r) => (out.drillPlan = r)),
    run(["drill", "--stack", "prod", "--to", "us-west-2", "--mode", "planned", "--simulate"]).then((r) => (out.drillPlanned = r)),
    run(["drill", "--stack", "prod", "--to", "us-west-2", "--mode", "unplanned", "--simulate", "--allow-data-loss"], { COLUMNS: "80" }).then((r) => (out.drillUnplanned80 = r)),
  ]);
}, 180_000);

const lines = (text: string) => text.split("\n");
const tooWide = (text: string, width: number) => lines(text).filter((l) => [...l].length > width);

describe("CLI output fits a terminal", () => {
  it("exit codes", () => {
    expect(out.plan.code, out.plan.stderr).toBe(0);
    expect(out.check.code, out.check.stderr).toBe(0);
    // dev meets its objectives: the default stack's first run is clean.
    expect(out.analyze.code, out.analyze.stderr).toBe(0);
    expect(out.analyzeProd.code, out.analyzeProd.stderr).toBe(0);
    expect(out.checkProd.code, out.checkProd.stderr).toBe(0);
    for (const k of ["analyzeProd80", "analyzeProdVerbose"]) expect(out[k].code, `${k}: ${out[k].stderr}`).toBe(0);
    for (const k of ["drillPlan", "drillPlanned", "drillUnplanned80"]) expect(out[k].code, `${k}: ${out[k].stderr}`).toBe(0);
  });

  it("every line of stdout and stderr fits 120 columns with COLUMNS unset, and 80 with COLUMNS=80", () => {
    for (const [name, r] of Object.entries(out)) {
      const width = name.endsWith("80") ? 80 : 120;
      expect(tooWide(r.stdout, width), `${name} stdout`).toEqual([]);
      expect(tooWide(r.stderr, width), `${name} stderr`).toEqual([]);
    }
    // The simulation's progress (the plan execution's states) is on stderr, and it too was wrapped (to 80).
    expect(out.drillUnplanned80.stderr).toMatch(/^started deactivate us-east-1 \(ungraceful\): execution sim-1$/m);
    expect(lines(out.drillUnplanned80.stderr).length).toBeGreaterThan(5);
  });

  it("analyze answers first whether the stack is safe and what to do next", () => {
    for (const r of [out.analyze, out.analyzeProd]) {
      const l = lines(r.stdout);
      const at = (re: RegExp) => l.findIndex((x) => re.test(x));
      expect(at(/^Verdict: /)).toBeLessThan(5);
      expect(at(/^Summary:/)).toBeGreaterThan(at(/^Verdict: /));
      expect(at(/^Next: /)).toBeGreaterThan(at(/^Summary:/));
      // The first screen: verdict, counts and the next step; no detail table without --verbose.
      expect(at(/^Next: /)).toBeLessThan(25);
      expect(l.length, r.stdout).toBeLessThanOrEqual(40);
      expect(r.stdout).not.toMatch(/^Steady state|^Loss of one|┌/m);
      expect(r.stdout).toMatch(/^More: --verbose prints every table/m);
      expect(r.stdout).toMatch(/^ {2}single points of failure +none/m);
    }
    // At 80 columns it still fits a screen, and wrapping moved words, never broke one.
    const words = (t: string) => t.split(/\s+/).filter(Boolean);
    expect(lines(out.analyzeProd80.stdout).length).toBeLessThanOrEqual(40);
    expect(words(out.analyzeProd80.stdout)).toEqual(words(out.analyzeProd.stdout));
    // --verbose keeps every table after the same summary.
    const v = lines(out.analyzeProdVerbose.stdout);
    expect(v.findIndex((x) => /^Next: /.test(x))).toBeLessThan(v.findIndex((x) => /^Steady state/.test(x)));
    for (const heading of [/^Steady state/m, /^Data path: /m, /^Loss of one availability zone/m, /^Loss of one region/m, /^Composite availability/m, /│ path +│ term +│/]) {
      expect(out.analyzeProdVerbose.stdout).toMatch(heading);
    }
    // Dev's objective counts the scale-out of its scalable capacity (stacks/Pulumi.dev.yaml).
    expect(out.analyze.stdout).toMatch(/^Verdict: OK \(exit 0\)/m);
    // RPO: a typical lag is reported as typical, not as met (no setting bounds it).
    expect(out.analyze.stdout).toMatch(/^ {2}Region loss +RTO \d+ s, RPO \d+ s typical: RTO met, RPO not bounded \(objectives 2100 s, 60 s\)/m);
    expect(out.analyzeProd.stdout).toMatch(/Verdict: OK \(exit 0\)[\s\S]*Next: rehearse a region switchover offline:\n {2}npx ha-blueprint drill --stack prod --to us-west-2 --mode planned --simulate\n/);
    // Sources are short references with a legend; the full citation waits for --verbose / JSON / Markdown.
    expect(out.analyzeProdVerbose.stdout).toMatch(/│ project-estimates E +│/);
    expect(out.analyzeProdVerbose.stdout).toMatch(/^Tags: A AWS documentation/m);
    expect(out.analyze.stdout).not.toContain("AWS multi-Region guidance (ARC Region switch)");
  });

  it("check on dev presents advisory findings as advisory, summary first", () => {
    const l = lines(out.check.stdout);
    expect(l[1]).toMatch(/^PASS \(exit 0\): no mandatory violation\. \d+ advisory findings: dev reports them without blocking; \d+ would block in prod\.$/);
    expect(l[2]).toBe("Top findings (advisory here; would block in prod):");
    expect(l.findIndex((x) => x.startsWith("Next: nothing blocks dev."))).toBeLessThan(12);
    // No severity heading (HIGH (3)) that reads like a failure: those are for mandatory violations.
    expect(out.check.stdout).not.toMatch(/^(CRITICAL|HIGH|MEDIUM|LOW) \(\d+\)/m);
    expect(out.check.stdout).toMatch(/\[advisory\] ha-aurora-deletion-protection \(high; mandatory in prod\)/);
    expect(out.check.stdout.trimEnd().endsWith("PASS: no mandatory violation (15 advisory).")).toBe(true);
    expect(out.checkProd.stdout).toMatch(/^PASS \(exit 0\): no mandatory violation, no advisory finding\.$/m);
  });

  it("plan-only and simulated drills say their identifiers are the offline plan's mocks", () => {
    for (const r of [out.drillPlan, out.drillPlanned, out.drillUnplanned80]) {
      const text = r.stdout.replace(/\n/g, " ");
      expect(text).toMatch(/Not real resources: the identifiers \(ARNs, account 123456789012, endpoints, zone, group and change ids\) come from the offline plan's Pulumi mocks/);
      // Said before the first identifier it is about.
      const first = Math.min(...["arn:aws:", "amazonaws.com", "sg-"].map((s) => text.indexOf(s)).filter((i) => i >= 0));
      expect(text.indexOf("Not real resources")).toBeLessThan(first);
    }
    expect(out.drillPlan.stdout).toMatch(/^Planned switchover: us-east-1 -> us-west-2 \(stack prod, accelerator routing\)\nPlan only: nothing runs\./);
    for (const r of [out.drillPlanned, out.drillUnplanned80]) expect(r.stdout.replace(/\n/g, " ")).toContain("Simulated: no AWS call was made");
  });

  it("names no file the repository lacks, and every docs/sources.md reference has its section", () => {
    const all = Object.values(out).map((r) => `${r.stdout}\n${r.stderr}`).join("\n");
    const sections = sectionsOf(fs.readFileSync(DOC_FILE, "utf8"));
    const named = new Set([...all.matchAll(/(?<![\w./-])((?:[\w-]+\/)*[\w.-]+\.(?:md|ts|yaml|yml))(#[\w-]+)?/g)].map((m) => `${m[1]}${m[2] ?? ""}`));
    expect(named.size).toBeGreaterThan(0);
    for (const name of named) {
      const [file, anchor] = name.split("#");
      expect(fs.existsSync(path.join(ROOT, file)), `${name} is named in the output`).toBe(true);
      if (anchor && file === "docs/sources.md") expect(sections.has(anchor), name).toBe(true);
    }
    expect(all).not.toMatch(/rto-rpo-numbers|aws-and-pulumi-facts|policy-rules\.md|\.\.\/shared/);
  });
});

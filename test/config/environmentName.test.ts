import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../config/parse";
import { ROOT, runCli, runMain } from "../helpers/cli";
import { validRawConfig } from "../helpers/config";

/**
 * Any environment name, its rules a separate setting (`strictness`), checked through the real
 * binary: a stack `qa` with prod strictness plans, checks and analyzes with prod's rules.
 */

function parse(environment: unknown, strictness?: unknown) {
  return parseConfig({ ...validRawConfig(), "ha-blueprint:environment": environment, ...(strictness === undefined ? {} : { "ha-blueprint:strictness": strictness }) });
}

function problemsOf(environment: unknown, strictness?: unknown): string[] {
  try {
    parse(environment, strictness);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected the config to be rejected");
}

describe("environment and strictness in the stack file", () => {
  it("keeps config.environment the rule set and exposes the free name", () => {
    const qa = parse("qa", "prod");
    expect([qa.environment, qa.environmentName]).toEqual(["prod", "qa"]);
    const prod = parse("prod");
    expect([prod.environment, prod.environmentName]).toEqual(["prod", "prod"]);
    // Prod rules follow the strictness, not the name: deletion protection on by default.
    expect(qa.database.deletionProtection).toBe(true);
    expect(parse("staging", "prod").environment).toBe("prod");
  });

  it("applies the strictness's rules to validation (prod needs certificates, a qa stack with dev rules does not)", () => {
    const raw = { ...validRawConfig(), "ha-blueprint:environment": "qa", "ha-blueprint:app": JSON.stringify({ eks: { publicAccessCidrs: ["198.51.100.7/32"] } }) };
    expect(parseConfig({ ...raw, "ha-blueprint:strictness": "dev" }).environment).toBe("dev");
    expect(() => parseConfig({ ...raw, "ha-blueprint:strictness": "prod" })).toThrow(/app\.certificateArns: .*must name an ACM certificate for every region in prod/);
  });

  it("refuses a missing strictness for a free name, a bad one, a bad name and a looser rule set, one line each", () => {
    expect(problemsOf("qa")).toEqual([`ha-blueprint:strictness: missing; environment "qa" is not dev, staging or prod, so set strictness to the rules it follows (allowed: "dev", "staging", "prod")`]);
    expect(problemsOf("qa", "production")).toEqual([`ha-blueprint:strictness: "production" is not allowed (allowed: "dev", "staging", "prod")`]);
    expect(problemsOf("QA Team", "dev")).toEqual([`ha-blueprint:environment: "QA Team" must be a lower-case name of letters, digits and - (at most 32), e.g. qa or perf-eu`]);
    expect(problemsOf("prod", "dev")).toEqual([`ha-blueprint:strictness: "dev" is looser than the environment's own name "prod"; an environment named prod follows at least prod rules (remove strictness or raise it)`]);
    expect(problemsOf(undefined)).toContain("ha-blueprint:environment: missing; name the environment, e.g. dev, staging, prod or qa");
  });
});

describe("a stack named qa with prod strictness, through bin/ha-blueprint.js", () => {
  let dir: string;
  let planFile: string;
  let planRun: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-qa-stack-"));
    const prod = fs.readFileSync(path.join(ROOT, "stacks/Pulumi.prod.yaml"), "utf8");
    expect(prod).toMatch(/^ {2}ha-blueprint:environment: prod$/m);
    fs.writeFileSync(path.join(dir, "Pulumi.qa.yaml"), prod.replace(/^ {2}ha-blueprint:environment: prod$/m, "  ha-blueprint:environment: qa\n  ha-blueprint:strictness: prod"));
    fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), prod.replace(/^ {2}ha-blueprint:environment: prod$/m, "  ha-blueprint:environment: qa"));
    planFile = path.join(dir, "qa.json");
    planRun = await runCli(["plan", "--stack", "qa", "--stacks-dir", dir, "--out", planFile]);
  });

  it("plans, tagging every regional provider with the name and the rule set", () => {
    expect(planRun.code, planRun.stderr).toBe(0);
    // prod's capacity is provisioned for a region failover: the plan says why each region runs twice
    // replicasPerRegion (two regions, 100 % share).
    const note = /us-east-1: app\.replicasPerRegion (\d+) runs as (\d+) pods \(HPA minimum, max \d+\): failoverHeadroom provisioned/.exec(planRun.stdout.replace(/\s+/g, " "));
    expect(note, planRun.stdout).not.toBeNull();
    expect(Number(note![2])).toBe(2 * Number(note![1]));
    const state = JSON.parse(fs.readFileSync(planFile, "utf8"));
    const providers = state.deployment.resources.filter((r: { type: string }) => r.type === "pulumi:providers:aws");
    expect(providers.length).toBeGreaterThanOrEqual(2);
    for (const p of providers) {
      expect(p.inputs.defaultTags).toContain('"ha:environment":"qa"');
      expect(p.inputs.defaultTags).toContain('"ha:strictness":"prod"');
    }
  });

  it("checks with prod enforcement, from --stack and from the graph's tags alone", async () => {
    const fromStack = await runMain(["check", "--stack", "qa", "--stacks-dir", dir, "--state", planFile, "--format", "json"]);
    expect(fromStack.code, fromStack.stderr).toBe(0);
    expect(JSON.parse(fromStack.stdout).summary).toMatchObject({ environment: "prod", environmentSource: "option", passed: true });
    const fromGraph = await runMain(["check", "--state", planFile, "--format", "json"]);
    expect(JSON.parse(fromGraph.stdout).summary).toMatchObject({ environment: "prod", environmentSource: "graph" });
  });

  it("analyzes", async () => {
    const r = await runMain(["analyze", "--stack", "qa", "--stacks-dir", dir, "--state", planFile, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(r.stdout);
    expect(report.topology.regions.map((region: { name: string }) => region.name)).toEqual(["us-east-1", "us-west-2"]);
    expect(report.verdict.exitCode).toBe(r.code);
  });

  it("refuses a free name without strictness in one line, exit 2", async () => {
    const r = await runMain(["plan", "--stack", "bad", "--stacks-dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/ha-blueprint:strictness: missing; environment "qa" is not dev, staging or prod/);
  });
});

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli";
import { healthyGraph, type FixtureOptions } from "../analysis/fixture";

const BIN = path.resolve(__dirname, "../../bin/ha-blueprint.js");

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-analyze-"));
function stateFile(name: string, o: FixtureOptions = {}): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources: healthyGraph(o) } }));
  return file;
}

describe("ha-blueprint analyze (CLI)", () => {
  it("exits 0 on a healthy stack export and prints the matrices", () => {
    const r = run(["analyze", "--state", stateFile("healthy"), "--verbose"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Single points of failure: none.");
    expect(r.stdout).toContain("Loss of one region");
  });

  it("exits 1 and names the NAT gateway when one NAT serves every AZ", async () => {
    // In this process (runMain): the spawned runs above and below carry the process's exit status.
    const r = await runMain(["analyze", "--state", stateFile("single-nat", { singleNat: true }), "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.verdict.exitCode).toBe(1);
    expect(doc.failureDomains.singlePointsOfFailure.map((s: { resources: { name: string }[] }) => s.resources[0].name).sort())
      .toEqual(["us-east-1-az1-nat", "us-west-2-az1-nat"]);
  });

  it("reads the state from standard input with --state - and writes Markdown", () => {
    const text = fs.readFileSync(stateFile("stdin"), "utf8");
    const r = run(["analyze", "--state", "-", "--format", "markdown"], text);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Resilience analysis: state `standard input`/);
    expect(r.stdout.match(/```mermaid/g)).toHaveLength(2);
  });

  it("analyzes the prod plan: every tier serves, with no single point of failure", () => {
    const r = run(["analyze", "--stack", "prod", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toEqual({ kind: "stack", name: "prod" });
    expect(doc.failureDomains.regions).toEqual(["us-east-1", "us-west-2"]);
    expect(doc.failureDomains.writerRegion).toBe("us-east-1");
    expect(doc.failureDomains.singlePointsOfFailure).toEqual([]);
    expect(Object.values(doc.failureDomains.steadyState).map((t) => (t as { status: string }).status)).toEqual(Array(6).fill("serves"));
    expect(doc.verdict).toMatchObject({ ok: true, exitCode: 0 });
    // Only the typical (unbounded) RPOs are left to warn about: nothing is hidden from the analysis.
    expect(doc.verdict.warnings.every((w: string) => / RPO .* is a typical value, not a bound/.test(w))).toBe(true);
  });

  it("follows the data path of a real plan: the writer's security group without the peer region's rules fails, naming the chain", async () => {
    const planFile = path.join(dir, "plan-prod.json");
    const plan = run(["plan", "--stack", "prod", "--out", planFile, "--format", "json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(fs.readFileSync(planFile, "utf8"));
    const dropped = /::ha-database-us-east-1-sg-from-us-west-2-\d$/;
    const before = doc.deployment.resources.length;
    doc.deployment.resources = doc.deployment.resources.filter((r: { urn: string }) => !dropped.test(r.urn));
    expect(before - doc.deployment.resources.length).toBe(3);
    const mutated = path.join(dir, "plan-prod-no-peer-ingress.json");
    fs.writeFileSync(mutated, JSON.stringify(doc));
    const r = await runMain(["analyze", "--state", mutated, "--stack", "prod", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const reasons: string[] = JSON.parse(r.stdout).verdict.reasons;
    expect(reasons).toContainEqual(expect.stringMatching(/^us-west-2 cannot write: DATABASE_WRITER_HOST .* -> global writer endpoint -> ha-database-us-east-1-cluster \(us-east-1\): ha-database-us-east-1-sg admits nothing from 10\.\d+\.\d+\.\d+\/\d+ .* on port 5432/));
    // Sessions keep their own rules: only writes are named.
    expect(reasons.some((x) => x.includes("sessions"))).toBe(false);
  });

  it("fails with exit 2 when neither --stack nor --state is given, or the state file is missing", async () => {
    const neither = run(["analyze"]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give --stack <name>, --state <file>, or both/);
    // With both, the stack only supplies the config; the state file must still exist.
    const both = await runMain(["analyze", "--stack", "prod", "--state", path.join(dir, "missing.json")]);
    expect(both.code).toBe(2);
    expect(both.stderr).not.toMatch(/\n\s+at /);
  });

  it("fails with exit 2 for a bad format, a missing file, non-JSON and an unknown stack, without a stack trace", async () => {
    const notJson = path.join(dir, "bad.json");
    fs.writeFileSync(notJson, "{ nope");
    const cases: [string[], RegExp][] = [
      [["analyze", "--state", stateFile("fmt"), "--format", "yaml"], /--format must be one of text, json, markdown, not "yaml"/],
      [["analyze", "--state", path.join(dir, "missing.json")], /cannot read .*missing\.json/],
      [["analyze", "--state", notJson], /bad\.json is not valid JSON/],
      [["analyze", "--stack", "nope"], /unknown stack "nope"/],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

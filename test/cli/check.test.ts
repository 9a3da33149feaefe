import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runMain } from "../helpers/cli";
import { GraphBuilder } from "../helpers/graph";
import { foreignStack } from "../policies/foreignStack";
import { happyStack } from "../policies/happyStack";

const BIN = path.resolve(__dirname, "../../bin/ha-blueprint.js");
const FIXTURES = path.resolve(__dirname, "../fixtures/stack-exports");

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** In this process (runMain): for what the command decides, where a spawn adds only its start-up. */
const inProcess = (args: string[]) => runMain(args);

function write(doc: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ha-check-")), "state.json");
  fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  return file;
}

const exportOf = (resources: unknown[]) => ({ version: 3, deployment: { manifest: {}, resources } });

describe("ha-blueprint check (CLI)", () => {
  it("exits 0 for a correct stack export and says PASS", () => {
    const r = run(["check", "--state", write(exportOf(happyStack().resources()))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS: no mandatory violation/);
  });

  it("exits 1 and names rule, URN and fix when one redundancy is lost", () => {
    const g = happyStack();
    g.link("route-west-b", "natGatewayId", ["nat-west-a"]);
    const r = run(["check", "--state", write(exportOf(g.resources()))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/CRITICAL \(1\)/);
    expect(r.stdout).toContain("[mandatory] ha-nat-no-single-point");
    expect(r.stdout).toContain(g.get("route-west-b").urn);
    // The message is wrapped to the width: its words, in order, within the one finding.
    expect(r.stdout).toMatch(/through\s+NAT\s+gateway\s+nat-west-a\s+in\s+us-west-2a[^\n]*(\n {4}[^\n]*)*Fix: /);
  });

  it("prints violations and a summary as JSON, reading the state from stdin", () => {
    const g = happyStack();
    g.remove("pdb-east");
    const r = run(["check", "--state", "-", "--format", "json"], JSON.stringify(exportOf(g.resources())));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.violations).toEqual([expect.objectContaining({ policy: "ha-k8s-deployment-has-pdb", urn: g.get("app-east").urn, enforcementLevel: "mandatory", severity: "high" })]);
    expect(Object.keys(out.violations[0]).sort()).toEqual(["enforcementLevel", "message", "policy", "severity", "urn"]);
    expect(out.summary).toMatchObject({ environment: "prod", mandatory: 1, passed: false });
  });

  it("applies the environment of --stack (dev: size rules only advise)", async () => {
    // The state of stack dev: the CLI refuses to judge another stack's state by dev's levels.
    const g = happyStack(new GraphBuilder("dev", "ha-blueprint"));
    g.set("db-east", "backupRetentionPeriod", 1);
    const file = write(exportOf(g.resources()));
    expect((await inProcess(["check", "--state", file])).code).toBe(1);
    const dev = await inProcess(["check", "--state", file, "--stack", "dev"]);
    expect(dev.code).toBe(0);
    expect(dev.stdout).toContain("[advisory] ha-aurora-backup-retention");
  });

  it("reads policy config overrides in --policy-pack-config format", async () => {
    const g = happyStack();
    g.set("db-east", "backupRetentionPeriod", 1);
    const config = write({ "ha-aurora-backup-retention": { enforcementLevel: "advisory" } });
    expect((await inProcess(["check", "--state", write(exportOf(g.resources())), "--policy-config", config])).code).toBe(0);
  });

  it("fails with exit 2 and one line naming the problem for bad policy config (unknown rule, level, threshold type)", async () => {
    const state = write(exportOf(happyStack().resources()));
    // The binary end to end once (exit code, nothing on stdout, one line on stderr) ...
    const r = run(["check", "--state", state, "--policy-config", write({ "ha-k8s-probes": "block" })]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^ha-blueprint: policy config \S+: "ha-k8s-probes" has unknown enforcement level "block"/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    // ... and the same entry point in-process for the other problems.
    const { main } = await import("../../cli/main");
    for (const [config, expected] of [
      [{ "ha-k8s-probez": "advisory" }, /unknown rule "ha-k8s-probez"/],
      [{ "ha-vpc-multi-az": { minAzs: "3" } }, /ha-vpc-multi-az\.minAzs must be integer, not the string "3"/],
    ] as const) {
      const errors: string[] = [];
      const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
      try {
        expect(await main(["check", "--state", state, "--policy-config", write(config)])).toBe(2);
      } finally {
        spy.mockRestore();
      }
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^ha-blueprint: policy config \S+: /);
      expect(errors[0]).toMatch(expected);
      expect(errors[0].trim().split("\n")).toHaveLength(1);
    }
  });

  it("--profile foreign keeps the universal rules and drops the house rules; a bad profile is exit 2", async () => {
    const g = foreignStack();
    const file = write(exportOf(g.resources()));
    const blueprint = JSON.parse((await inProcess(["check", "--state", file, "--format", "json"])).stdout);
    const foreign = await inProcess(["check", "--state", file, "--format", "json", "--profile", "foreign"]);
    expect(foreign.code, foreign.stderr).toBe(1);
    const out = JSON.parse(foreign.stdout);
    const mandatory = (o: { violations: Array<{ policy: string; enforcementLevel: string }> }) => new Set(o.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy));
    expect(mandatory(blueprint).has("ha-ecs-circuit-breaker")).toBe(true);
    expect(mandatory(out).has("ha-ecs-circuit-breaker")).toBe(false);
    expect(mandatory(out).has("ha-k8s-datastore-persistent")).toBe(true);
    // The one-pod API: one finding, and the rules that depend on its replica count say not applicable.
    expect(out.violations.filter((v: { urn: string }) => v.urn === g.get("api").urn).map((v: { policy: string }) => v.policy)).toEqual(["ha-k8s-min-replicas"]);
    expect(out.summary.notApplicableChecks.filter((n: { urn: string }) => n.urn === g.get("api").urn)).toHaveLength(3);
    const bad = await inProcess(["check", "--state", file, "--profile", "strict"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^ha-blueprint: --profile must be one of blueprint, foreign, not "strict"/);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("never passes a graph whose region it cannot find", async () => {
    const r = await inProcess(["check", "--state", path.join(FIXTURES, "stratify__sample-preview-creates.json")]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/PASS/);
    expect(r.stdout).toContain("ha-region-known");
  });

  it("plans and checks a stack when only --stack is given (what npm start runs)", () => {
    const r = run(["check", "--stack", "dev"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Checked plan of stack dev .*environment dev \(from --stack\)/);
    expect(r.stdout).toMatch(/PASS: no mandatory violation/);
  });

  it("fails with exit 2 and a one-line message for malformed JSON", async () => {
    const r = await inProcess(["check", "--state", write("{ not json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ha-blueprint: .*is not valid JSON/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("fails with exit 2 for a JSON document that is no stack", async () => {
    const r = await inProcess(["check", "--state", write({ hello: "world" })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unrecognised state format/);
  });

  it("fails with exit 2 for a missing file, a bad format and a missing --state/--stack", async () => {
    const missing = await inProcess(["check", "--state", "/nonexistent/x.json"]);
    expect(missing.stderr).toMatch(/cannot read .*no such file/);
    expect(missing.code).toBe(2);
    expect((await inProcess(["check", "--state", "x", "--format", "xml"])).code).toBe(2);
    expect((await inProcess(["check"])).code).toBe(2);
  });

  it.each(fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json")) : [])("analyses the real Pulumi file %s without crashing", async (file) => {
    const r = await inProcess(["check", "--state", path.join(FIXTURES, file), "--format", "json"]);
    expect([0, 1], r.stderr).toContain(r.code);
    const out = JSON.parse(r.stdout);
    expect(out.summary.resources).toBeGreaterThan(2);
    for (const v of out.violations) expect(v.message).toMatch(/Fix: /);
  });
});

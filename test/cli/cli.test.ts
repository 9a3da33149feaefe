import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli";

const BIN = path.resolve(__dirname, "../../bin/ha-blueprint.js");

function run(...args: string[]) {
  // The JSON plan of a stack is over 1 MB (spawnSync's default maxBuffer): room for growth.
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempStacks(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-stacks-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("ha-blueprint plan (CLI)", () => {
  it("writes a stack-export graph with resources in both regions and NAT gateways in every AZ", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ha-plan-")), "plan.json");
    const r = run("plan", "--stack", "prod", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/us-east-1a .*us-east-1b .*us-east-1c/s);
    const doc = JSON.parse(fs.readFileSync(out, "utf8"));
    const nats = doc.deployment.resources.filter((x: { type: string }) => x.type === "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(6);
  });

  it("prints the graph as JSON with --format json", () => {
    const r = run("plan", "--stack", "dev", "--format", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).version).toBe(3);
  });

  it("fails with exit 2 and one line for an unknown stack", () => {
    const r = run("plan", "--stack", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown stack "nope".*known stacks: dev, prod, prod-dsql, staging/);
  });

  // In this process (runMain) from here: the unknown stack above carries the process's exit status.
  it("fails with exit 2 and no stack trace for a stack file that is not YAML", async () => {
    const dir = tempStacks({ "Pulumi.bad.yaml": "config: [unclosed" });
    const r = await runMain(["plan", "--stack", "bad", "--stacks-dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*Pulumi\.bad\.yaml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("fails with exit 2 naming the key for invalid config", async () => {
    const prod = fs.readFileSync(path.resolve(__dirname, "../../stacks/Pulumi.prod.yaml"), "utf8");
    const dir = tempStacks({ "Pulumi.typo.yaml": prod.replace("azCount: 3", "azCuont: 3") });
    const r = await runMain(["plan", "--stack", "typo", "--stacks-dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ha-blueprint:regions\[0\]\.azCuont: unknown key/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("fails with exit 2 for a missing required flag or a bad format", async () => {
    expect((await runMain(["plan"])).code).toBe(2);
    const r = await runMain(["plan", "--stack", "dev", "--format", "yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format must be text or json/);
  });
});

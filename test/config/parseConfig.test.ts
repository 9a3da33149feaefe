import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { configProblems, validRawConfig } from "../helpers/config";

const happyPath = validRawConfig;

const problemsOf = configProblems;

function withKey(key: string, value: unknown): Record<string, unknown> {
  return { ...happyPath(), [`ha-blueprint:${key}`]: typeof value === "string" ? value : JSON.stringify(value) };
}

const regions = (list: unknown[]) => withKey("regions", list);

describe("parseConfig", () => {
  it("accepts the happy path and fills defaults", () => {
    const config = parseConfig(happyPath());
    expect(config.regions.map((r) => r.name)).toEqual(["us-east-1", "us-west-2"]);
    expect(config.secondaryRegions).toEqual(["us-west-2"]);
    expect(config.network.natGateways).toBe("zonal");
    expect(config.database.deletionProtection).toBe(true);
    expect(config.backup.vaultLock.enabled).toBe(true);
    expect(config.database.instancesPerRegion).toBe(2);
  });

  it("accepts values given as YAML objects as well as JSON strings", () => {
    const raw = happyPath();
    raw["ha-blueprint:regions"] = JSON.parse(String(raw["ha-blueprint:regions"]));
    expect(parseConfig(raw).regions).toHaveLength(2);
  });

  it("resolves environment defaults: dev has no deletion protection and no vault lock", () => {
    const config = parseConfig({ ...happyPath(), "ha-blueprint:environment": "dev" });
    expect(config.database.deletionProtection).toBe(false);
    expect(config.backup.vaultLock.enabled).toBe(false);
  });

  it("accepts every stack file in stacks/", () => {
    for (const stack of ["dev", "staging", "prod"]) expect(loadStack(stack).config.regions.length).toBeGreaterThanOrEqual(2);
  });

  describe("rejections name the key, the value and what is allowed", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["fails when only one region is configured", regions([{ name: "us-east-1", cidr: "10.20.0.0/16" }]), /^ha-blueprint:regions: .* needs at least 2 regions/],
      ["fails when the same region is listed twice", regions([{ name: "us-east-1", cidr: "10.20.0.0/16" }, { name: "us-east-1", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[1\]\.name: "us-east-1" is listed twice/],
      ["fails when the writer region is not configured", withKey("writerRegion", "eu-west-1"), /^ha-blueprint:writerRegion: "eu-west-1" is not one of the configured regions \(us-east-1, us-west-2\)/],
      ["fails when a region name is malformed", regions([{ name: "useast1", cidr: "10.20.0.0/16" }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[0\]\.name: "useast1" is not an AWS region name/],
      ["fails when a CIDR is malformed", regions([{ name: "us-east-1", cidr: "10.20.0/16" }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[0\]\.cidr: "10.20.0\/16" is not an IPv4 CIDR/],
      ["fails when a CIDR has host bits set", regions([{ name: "us-east-1", cidr: "10.20.0.1/16" }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /host bits set; the network address is 10\.20\.0\.0\/16/],
      ["fails when a CIDR is larger than a VPC may be", regions([{ name: "us-east-1", cidr: "10.0.0.0/8" }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /regions\[0\]\.cidr: "10.0.0.0\/8" prefix must be between \/16 and \/21/],
      ["fails when CIDRs overlap across regions", regions([{ name: "us-east-1", cidr: "10.20.0.0/16" }, { name: "us-west-2", cidr: "10.20.128.0/17" }]), /^ha-blueprint:regions\[1\]\.cidr: "10.20.128.0\/17" overlaps us-east-1's 10.20.0.0\/16/],
      ["fails when azCount is below 2", regions([{ name: "us-east-1", cidr: "10.20.0.0/16", azCount: 1 }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[0\]\.azCount: 1 must be at least 2/],
      ["fails when azCount is above 6", regions([{ name: "us-east-1", cidr: "10.20.0.0/16", azCount: 7 }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[0\]\.azCount: 7 .*6/],
      ["fails when prod has fewer than 3 AZs", regions([{ name: "us-east-1", cidr: "10.20.0.0/16", azCount: 2 }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[0\]\.azCount: 2 must be at least 3 in prod/],
      ["fails when a key inside a region is misspelt", regions([{ name: "us-east-1", cidr: "10.20.0.0/16", azCuont: 3 }, { name: "us-west-2", cidr: "10.21.0.0/16" }]), /^ha-blueprint:regions\[0\]\.azCuont: unknown key; check the spelling$/],
      ["fails when a top-level key is misspelt", withKey("enviroment", "prod"), /^ha-blueprint:enviroment: unknown key; check the spelling$/],
      ["fails when a key has no namespace", { ...happyPath(), environment: "prod" }, /^environment: unknown key; project keys are written ha-blueprint:<name>/],
      ["fails when a free environment name has no strictness", withKey("environment", "qa"), /^ha-blueprint:strictness: missing; environment "qa" is not dev, staging or prod, so set strictness to the rules it follows \(allowed: "dev", "staging", "prod"\)$/],
      ["fails when an RTO is negative", withKey("objectives", { availabilityPercent: 99.9, azLoss: { rtoSeconds: -5, rpoSeconds: 0 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } }), /^ha-blueprint:objectives\.azLoss\.rtoSeconds: -5 must be a positive number of seconds/],
      ["fails when an RTO is zero", withKey("objectives", { availabilityPercent: 99.9, azLoss: { rtoSeconds: 0, rpoSeconds: 0 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } }), /azLoss\.rtoSeconds: 0 must be a positive number/],
      ["fails when an RPO is negative", withKey("objectives", { availabilityPercent: 99.9, azLoss: { rtoSeconds: 60, rpoSeconds: 0 }, regionLoss: { rtoSeconds: 600, rpoSeconds: -1 } }), /regionLoss\.rpoSeconds: -1 must be 0 or a positive/],
      ["fails when availability is 100 percent", withKey("objectives", { availabilityPercent: 100, azLoss: { rtoSeconds: 60, rpoSeconds: 0 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } }), /availabilityPercent: 100 must be below 100 percent/],
      ["fails when an AZ loss may take longer than a region loss", withKey("objectives", { availabilityPercent: 99.9, azLoss: { rtoSeconds: 900, rpoSeconds: 0 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } }), /azLoss\.rtoSeconds: 900 exceeds regionLoss\.rtoSeconds \(600\)/],
      ["fails when objectives are missing", (() => { const r = happyPath(); delete r["ha-blueprint:objectives"]; return r; })(), /^ha-blueprint:objectives: missing/],
    ];
    for (const [title, raw, expected] of cases) {
      it(title, () => {
        const problems = problemsOf(raw);
        expect(problems.some((p) => expected.test(p)), problems.join("\n")).toBe(true);
      });
    }
  });

  it("refuses a region name that is shaped like one but does not exist", () => {
    const raw = { ...validRawConfig(), "ha-blueprint:regions": JSON.stringify([
      { name: "us-east-1", cidr: "10.20.0.0/16", azCount: 3 },
      { name: "us-mars-9", cidr: "10.21.0.0/16", azCount: 3 },
    ]) };
    expect(() => parseConfig(raw)).toThrow(/ha-blueprint:regions\[1\]\.name: "us-mars-9" is not an AWS Region/);
  });

  it("refuses a public address range as a VPC CIDR", () => {
    const raw = { ...validRawConfig(), "ha-blueprint:regions": JSON.stringify([
      { name: "us-east-1", cidr: "10.20.0.0/16", azCount: 3 },
      { name: "us-west-2", cidr: "52.10.0.0/16", azCount: 3 },
    ]) };
    expect(() => parseConfig(raw)).toThrow(/ha-blueprint:regions\[1\]\.cidr: "52\.10\.0\.0\/16" is not a private range/);
  });

  it("never repeats a secret written into the stack file", () => {
    const secret = "hunter2-plain-text-password";
    for (const raw of [
      { ...validRawConfig(), "ha-blueprint:database": JSON.stringify({ masterPassword: secret }) },
      { ...validRawConfig(), "ha-blueprint:dbPassword": secret },
      { ...validRawConfig(), "ha-blueprint:sessionStore": JSON.stringify({ authToken: { secure: "AAABAKx" } }) },
    ]) {
      let message = "";
      try {
        parseConfig(raw);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/unknown key; the blueprint generates passwords and tokens itself/);
      expect(message).not.toContain(secret);
      expect(message).not.toContain("AAABAKx");
    }
  });

  it("refuses a stack file that leaves the default aws or kubernetes provider on", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-stacks-"));
    const prod = fs.readFileSync(path.resolve(__dirname, "../../stacks/Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "Pulumi.nodefaults.yaml"), prod.replace(/^  pulumi:disable-default-providers:.*\n/m, ""));
    fs.writeFileSync(path.join(dir, "Pulumi.awsonly.yaml"), prod.replace(/\["aws", "kubernetes"\]/, '["aws"]'));
    expect(() => loadStack("nodefaults", dir)).toThrow(/pulumi:disable-default-providers must list aws and kubernetes/);
    expect(() => loadStack("awsonly", dir)).toThrow(/pulumi:disable-default-providers must list kubernetes \(/);
  });

  it("refuses an aws:region that is not one of the stack's regions", () => {
    expect(() => parseConfig({ ...validRawConfig(), "aws:region": "eu-west-1" })).toThrow(/^aws:region: "eu-west-1" is not one of the stack's regions \(us-east-1, us-west-2\)/);
  });

  it("lists every problem at once instead of stopping at the first", () => {
    const raw = { ...withKey("writerRegion", "eu-west-1"), "ha-blueprint:enviroment": "x" };
    expect(problemsOf(raw)).toHaveLength(2);
  });
});

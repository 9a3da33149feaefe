import { describe, expect, it } from "vitest";
import { loadStack } from "../../config/load";
import { ConfigError, parseConfig, type StackConfig } from "../../config/parse";
import { withOverrides } from "../helpers/plan";

/** Parses a stack file with overrides; returns the config or the list of problems. */
function parse(stack: string, overrides: Record<string, unknown>): StackConfig | string[] {
  try {
    return parseConfig(withOverrides(loadStack(stack).rawConfig, overrides));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

function problems(stack: string, overrides: Record<string, unknown>): string[] {
  const result = parse(stack, overrides);
  expect(Array.isArray(result), "expected the config to be rejected").toBe(true);
  return result as string[];
}

const DNS = { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "app.example.com" };

describe("routing config", () => {
  it("defaults to accelerator mode and resolves the route53 defaults", () => {
    expect((parse("prod", {}) as StackConfig).routing.mode).toBe("accelerator");
    const c = parse("dev", { "ha-blueprint:routing": { mode: "route53", route53: DNS } }) as StackConfig;
    expect(c.routing.route53).toEqual({ ...DNS, requestIntervalSeconds: 10, failureThreshold: 3, checkerRegions: ["us-east-1", "us-west-2", "eu-west-1"] });
  });

  it("fails when the request interval is neither 10 nor 30", () => {
    expect(problems("dev", { "ha-blueprint:routing": { mode: "route53", route53: { ...DNS, requestIntervalSeconds: 15 } } }))
      .toEqual(["ha-blueprint:routing.route53.requestIntervalSeconds: 15 must be 10 or 30 (the only intervals Route 53 offers)"]);
  });

  it("fails when the failure threshold is outside 1..10", () => {
    expect(problems("dev", { "ha-blueprint:routing": { mode: "route53", route53: { ...DNS, failureThreshold: 11 } } })[0])
      .toMatch(/route53\.failureThreshold: 11 must be between 1 and 10/);
  });

  it("fails when fewer than three checker regions are given, or one twice", () => {
    expect(problems("dev", { "ha-blueprint:routing": { mode: "route53", route53: { ...DNS, checkerRegions: ["us-east-1", "us-west-2"] } } })[0])
      .toMatch(/checkerRegions: .* needs at least 3 checker regions/);
    expect(problems("dev", { "ha-blueprint:routing": { mode: "route53", route53: { ...DNS, checkerRegions: ["us-east-1", "us-east-1", "us-west-2"] } } })[0])
      .toMatch(/lists a checker region twice/);
  });

  it("fails when a dial below 100 is set in route53 mode, and accepts neutral dials of 100", () => {
    expect(problems("dev", { "ha-blueprint:routing": { mode: "route53", route53: DNS, trafficDials: { "us-east-1": 50, "us-west-2": 100 } } }))
      .toEqual(['ha-blueprint:routing.trafficDials: {"us-east-1":50,"us-west-2":100} turns us-east-1 below 100, but dials only exist in mode accelerator; route53 mode moves traffic by health checks']);
    expect(parse("prod", { "ha-blueprint:routing": { mode: "route53", route53: DNS } })).toHaveProperty("routing.mode", "route53");
  });

  it("fails when every region's dial is 0, or a dial exceeds 100", () => {
    expect(problems("dev", { "ha-blueprint:routing": { trafficDials: { "us-east-1": 0, "us-west-2": 0 } } })[0])
      .toMatch(/sets every region's dial to 0/);
    expect(problems("dev", { "ha-blueprint:routing": { trafficDials: { "us-west-2": 101 } } })[0])
      .toMatch(/trafficDials\.us-west-2: 101 must be between 0 and 100 percent/);
  });

  it("accepts draining one region to 0", () => {
    expect((parse("prod", { "ha-blueprint:routing": { trafficDials: { "us-west-2": 0 } } }) as StackConfig).routing.trafficDials).toEqual({ "us-east-1": 100, "us-west-2": 0 });
  });
});

describe("monitoring config", () => {
  it("fails when the alarm period is not a multiple of 60", () => {
    expect(problems("dev", { "ha-blueprint:monitoring": { periodSeconds: 90 } })[0]).toMatch(/periodSeconds: 90 must be a multiple of 60/);
    expect(problems("dev", { "ha-blueprint:monitoring": { periodSeconds: 30 } })[0]).toMatch(/periodSeconds: 30 must be at least 60/);
  });

  it("fails when evaluation periods are outside 1..10", () => {
    expect(problems("dev", { "ha-blueprint:monitoring": { evaluationPeriods: 0 } })[0]).toMatch(/evaluationPeriods: 0/);
  });
});

describe("backup config", () => {
  it("fails when continuous backup would keep recovery points longer than 35 days", () => {
    expect(problems("dev", { "ha-blueprint:backup": { retentionDays: 36 } })[0]).toMatch(/backup\.retentionDays: 36 must be at most 35 while continuousBackup is on/);
  });

  it("accepts longer retention without continuous backup, and long copy retention either way", () => {
    expect(parse("dev", { "ha-blueprint:backup": { continuousBackup: false, retentionDays: 90 } })).toHaveProperty("backup.retentionDays", 90);
    expect(parse("dev", { "ha-blueprint:backup": { copyRetentionDays: 365 } })).toHaveProperty("backup.copyRetentionDays", 365);
  });

  it("fails when retention falls below prod's default vault lock", () => {
    const raw = loadStack("prod").rawConfig;
    const { vaultLock: _drop, ...backup } = raw["ha-blueprint:backup"] as Record<string, unknown>;
    let caught: string[] = [];
    try {
      parseConfig({ ...raw, "ha-blueprint:backup": { ...backup, retentionDays: 5 } });
    } catch (err) {
      caught = (err as ConfigError).problems;
    }
    expect(caught).toEqual(["ha-blueprint:backup.retentionDays: 5 must lie within the vault lock's 7..36500 days (prod locks vaults by default), or locked vaults reject the recovery points"]);
  });

  it("fails when copy retention falls outside an explicit vault lock", () => {
    expect(problems("dev", { "ha-blueprint:backup": { vaultLock: { enabled: true, minRetentionDays: 30 }, retentionDays: 30, copyRetentionDays: 14 } }))
      .toEqual(["ha-blueprint:backup.copyRetentionDays: 14 must lie within the vault lock's 30..36500 days, or locked vaults reject the recovery points"]);
  });

  it("resolves the vault lock: on in prod, off elsewhere", () => {
    expect((parse("prod", {}) as StackConfig).backup.vaultLock.enabled).toBe(true);
    expect((parse("staging", {}) as StackConfig).backup.vaultLock.enabled).toBe(false);
  });
});

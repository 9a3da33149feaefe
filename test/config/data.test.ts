import { describe, expect, it } from "vitest";
import { loadStack } from "../../config/load";
import { ConfigError, parseConfig } from "../../config/parse";
import { withOverrides } from "../helpers/plan";

/** Parses a stack file with one data-tier section changed. */
function parseWith(stack: string, overrides: Record<string, unknown>) {
  return parseConfig(withOverrides(loadStack(stack).rawConfig, overrides));
}

/** Parses a stack file with whole sections replaced (e.g. a session store of the other kind). */
function parseReplacing(stack: string, replace: Record<string, unknown>) {
  return parseConfig({ ...loadStack(stack).rawConfig, ...replace });
}

const elastiCache = (settings: Record<string, unknown>) => ({ "ha-blueprint:sessionStore": { kind: "elasticache-global", ...settings } });

function problemsOf(stack: string, overrides: Record<string, unknown>, replace: Record<string, unknown> = {}): string {
  try {
    parseConfig(withOverrides({ ...loadStack(stack).rawConfig, ...replace }, overrides));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join("\n");
  }
  throw new Error("expected the configuration to be rejected");
}

describe("database config", () => {
  it("refuses an RPO bound with a single secondary region, in one line that says why and what to do", () => {
    const problems = problemsOf("prod", { "ha-blueprint:database": { globalDbRpoSeconds: 30 } }).split("\n");
    expect(problems).toEqual([
      "ha-blueprint:database.globalDbRpoSeconds: 30 needs at least two secondary regions, but the stack has 1: Aurora blocks every commit on the writer while no secondary is within the bound, so a lone secondary that is down or lagging stops all writes; remove the key (the lag is then unbounded, typically under a second) or add a third region",
    ]);
  });

  it("accepts an RPO bound with two secondary regions", () => {
    const regions = [
      { name: "us-east-1", cidr: "10.20.0.0/16", azCount: 3 },
      { name: "us-west-2", cidr: "10.21.0.0/16", azCount: 3 },
      { name: "eu-west-1", cidr: "10.22.0.0/16", azCount: 3 },
    ];
    const certificateArns = Object.fromEntries(regions.map((r, i) => [r.name, `arn:aws:acm:${r.name}:111122223333:certificate/00000000-0000-4000-8000-00000000000${i}`]));
    const accessLogBuckets = Object.fromEntries(regions.map((r) => [r.name, `alb-logs-${r.name}`]));
    const config = parseWith("prod", { "ha-blueprint:regions": regions, "ha-blueprint:app": { certificateArns, accessLogBuckets }, "ha-blueprint:database": { globalDbRpoSeconds: 30 } });
    expect(config.database.globalDbRpoSeconds).toBe(30);
  });

  it("resolves deletion protection per environment: on in prod, off in dev and staging unless set", () => {
    expect(parseWith("prod", {}).database.deletionProtection).toBe(true);
    expect(parseWith("dev", {}).database.deletionProtection).toBe(false);
    expect(parseWith("staging", {}).database.deletionProtection).toBe(false);
    expect(parseWith("staging", { "ha-blueprint:database": { deletionProtection: true } }).database.deletionProtection).toBe(true);
  });

  it.each([
    ["db.t4g.medium", /burstable db\.t\* and general-purpose classes are not supported/],
    ["db.m6g.large", /memory-optimised classes/],
    ["db.serverless", /is not an RDS instance class|memory-optimised/],
  ])("fails when the instance class is %s", (instanceClass, message) => {
    expect(problemsOf("dev", { "ha-blueprint:database": { instanceClass } })).toMatch(new RegExp(`database\\.instanceClass: "${instanceClass.replace(".", "\\.")}".*${message.source}`));
  });

  it("fails when a region would have fewer than 2 instances", () => {
    expect(problemsOf("dev", { "ha-blueprint:database": { instancesPerRegion: 1 } })).toMatch(/instancesPerRegion: 1 must be at least 2/);
  });

  it("fails when prod turns deletion protection off or keeps backups under 7 days", () => {
    const problems = problemsOf("prod", { "ha-blueprint:database": { deletionProtection: false, backupRetentionDays: 3 } });
    expect(problems).toMatch(/database\.deletionProtection: false cannot be false in prod/);
    expect(problems).toMatch(/database\.backupRetentionDays: 3 must be at least 7 in prod/);
  });

  it("fails when the RPO bound is below the 20-second minimum", () => {
    expect(problemsOf("prod", { "ha-blueprint:database": { globalDbRpoSeconds: 10 } })).toMatch(/globalDbRpoSeconds: 10 must be at least 20/);
  });

  it("fails when an RPO bound is set on Aurora MySQL", () => {
    expect(problemsOf("staging", { "ha-blueprint:database": { engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.08.0", globalDbRpoSeconds: 30 } }))
      .toMatch(/globalDbRpoSeconds: 30 needs engine aurora-postgresql/);
  });

  it("fails when Aurora MySQL is given a PostgreSQL version", () => {
    expect(problemsOf("staging", { "ha-blueprint:database": { engine: "aurora-mysql" } })).toMatch(/engineVersion: missing; must be an Aurora MySQL version such as "8\.0\.mysql_aurora\.3\.08\.0" \(got "16"\)/);
  });

  it.each(["13.12", "14.6", "15.3"])("fails when Aurora PostgreSQL %s cannot forward writes", (engineVersion) => {
    expect(problemsOf("dev", { "ha-blueprint:database": { engineVersion } })).toMatch(/needs 14\.9\+, 15\.4\+ or 16/);
  });

  it.each(["14.9", "15.4", "16.6", "17.4"])("accepts Aurora PostgreSQL %s", (engineVersion) => {
    expect(parseWith("dev", { "ha-blueprint:database": { engineVersion } }).database.engineVersion).toBe(engineVersion);
  });
});

describe("sessionStore config (elasticache-global)", () => {
  it.each([
    ["cache.t4g.medium", /burstable cache\.t\* nodes/],
    ["cache.r7g.medium", /node size large or bigger/],
    ["cache.m4.large", /support the m5, m6g, m7g, r5, r6g, r6gd, r7g and c7gn families/],
    ["r7g.large", /is not an ElastiCache node type/],
    ["db.r7g.xlarge", /is a MemoryDB node type; ElastiCache node types start with cache\./],
  ])("fails when the node type is %s", (nodeType, message) => {
    expect(problemsOf("dev", {}, elastiCache({ nodeType }))).toMatch(message);
  });

  it("fails when a region would have a single node (no automatic failover)", () => {
    expect(problemsOf("dev", {}, elastiCache({ nodesPerRegion: 1 }))).toMatch(/nodesPerRegion: 1 must be at least 2/);
  });

  it("fails when snapshots are turned off", () => {
    expect(problemsOf("dev", {}, elastiCache({ snapshotRetentionDays: 0 }))).toMatch(/snapshotRetentionDays: 0 must be at least 1/);
  });

  it.each([
    ["valkey", "7.1", /Valkey global datastores need 7\.2/],
    ["redis", "5.0.5", /Redis OSS global datastores need 5\.0\.6/],
  ])("fails when %s %s cannot form a global datastore", (engine, engineVersion, message) => {
    expect(problemsOf("dev", {}, elastiCache({ engine, engineVersion }))).toMatch(message);
  });

  it("fails when the maintenance window overlaps the snapshot window", () => {
    expect(problemsOf("dev", {}, elastiCache({ snapshotWindow: "06:30-07:30", maintenanceWindow: "sun:07:00-sun:08:00" })))
      .toMatch(/maintenanceWindow: "sun:07:00-sun:08:00" overlaps snapshotWindow 06:30-07:30/);
  });

  it("accepts windows that touch but do not overlap, including across midnight", () => {
    const config = parseReplacing("dev", elastiCache({ snapshotWindow: "23:00-01:00", maintenanceWindow: "mon:01:00-mon:02:00" }));
    expect(config.sessionStore.maintenanceWindow).toBe("mon:01:00-mon:02:00");
  });

  it("resolves the ElastiCache defaults: Valkey 8.0 on cache.r7g.large, 2 nodes", () => {
    expect(parseReplacing("dev", elastiCache({})).sessionStore).toMatchObject({ kind: "elasticache-global", engine: "valkey", engineVersion: "8.0", nodeType: "cache.r7g.large", nodesPerRegion: 2 });
  });
});

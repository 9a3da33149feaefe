import { describe, expect, it } from "vitest";
import { loadStack } from "../../config/load";
import { configProblems } from "../helpers/config";
import { parseConfig } from "../../config/parse";

/**
 * Data-store kinds: where each can run and which settings belong to which kind. Every refusal is
 * one line naming the key, the value and what is allowed.
 */

function raw(stack: string, replace: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...loadStack(stack).rawConfig, ...replace };
}

function problemsOf(stack: string, replace: Record<string, unknown>): string[] {
  return configProblems(raw(stack, replace));
}

const regions = (...names: string[]) => ({
  "ha-blueprint:regions": names.map((name, i) => ({ name, cidr: `10.${30 + i}.0.0/16`, azCount: 3 })),
  "ha-blueprint:writerRegion": names[0],
  "aws:region": names[0],
  "ha-blueprint:app": { ...(loadStack("prod").rawConfig["ha-blueprint:app"] as Record<string, unknown>), certificateArns: Object.fromEntries(names.map((n) => [n, `arn:aws:acm:${n}:111122223333:certificate/00000000-0000-4000-8000-000000000001`])), accessLogBuckets: Object.fromEntries(names.map((n) => [n, `alb-logs-111122223333-${n}`])) },
  "ha-blueprint:routing": { mode: "accelerator" },
});

const dsql = (dsqlSettings: Record<string, unknown>) => ({ "ha-blueprint:database": { kind: "aurora-dsql", deletionProtection: true, dsql: dsqlSettings } });

describe("shipped stacks", () => {
  it.each(["dev", "staging", "prod"])("%s uses aurora-global and memorydb-multi-region", (stack) => {
    const config = parseConfig(raw(stack));
    expect(config.database.kind).toBe("aurora-global");
    expect(config.sessionStore.kind).toBe("memorydb-multi-region");
    expect(config.sessionStore.nodeType).toMatch(/^db\.r7g\./);
  });

  it("prod-dsql uses aurora-dsql with a witness outside its regions, in the same DSQL Region set", () => {
    const config = parseConfig(raw("prod-dsql"));
    expect(config.database.kind).toBe("aurora-dsql");
    expect(config.database.dsql).toEqual({ witnessRegion: "us-east-2", encryption: "customer-managed-key", databaseRole: "app" });
    expect(config.regions.map((r) => r.name)).not.toContain("us-east-2");
    expect(config.database.deletionProtection).toBe(true);
    expect(config.sessionStore.kind).toBe("memorydb-multi-region");
  });

  it("defaults to memorydb-multi-region when sessionStore says nothing", () => {
    const config = parseConfig(raw("prod", { "ha-blueprint:sessionStore": {} }));
    expect(config.sessionStore).toMatchObject({ kind: "memorydb-multi-region", engine: "valkey", engineVersion: "7.3", nodeType: "db.r7g.xlarge", numShards: 1, replicasPerShard: 1, nodesPerRegion: 2 });
  });
});

describe("aurora-dsql refusals", () => {
  it("refuses a witness that is one of the stack's regions", () => {
    expect(problemsOf("prod", dsql({ witnessRegion: "us-west-2" }))).toEqual([
      "ha-blueprint:database.dsql.witnessRegion: \"us-west-2\" is one of the stack's regions (us-east-1, us-west-2); the witness must be a third Region that holds no cluster",
    ]);
  });

  it("refuses a witness in another DSQL Region set", () => {
    const problems = problemsOf("prod", dsql({ witnessRegion: "eu-west-1" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ha-blueprint:regions: .* peers and witness span the Region sets americas \(us-east-1, us-west-2\) and europe \(eu-west-1\); an Aurora DSQL multi-Region cluster stays within one set \(americas: us-east-1, us-east-2, us-west-2/);
  });

  it("refuses peers that are in two Region sets", () => {
    const problems = problemsOf("prod", { ...regions("us-east-1", "eu-west-1"), ...dsql({ witnessRegion: "us-east-2" }) });
    expect(problems.filter((p) => /Region sets/.test(p))).toHaveLength(1);
  });

  it("refuses a witness where DSQL multi-Region is not offered", () => {
    expect(problemsOf("prod", dsql({ witnessRegion: "sa-east-1" }))).toEqual([
      expect.stringMatching(/^ha-blueprint:database\.dsql\.witnessRegion: "sa-east-1" sa-east-1 is in no Aurora DSQL multi-Region Region set/),
    ]);
  });

  it("refuses more peers than a DSQL multi-Region cluster has", () => {
    const problems = problemsOf("prod", { ...regions("us-east-1", "us-west-2", "ca-central-1"), ...dsql({ witnessRegion: "us-east-2" }) });
    expect(problems).toContainEqual(expect.stringMatching(/^ha-blueprint:regions: .* lists 3 regions; an Aurora DSQL multi-Region cluster peers at most 2 Regions/));
  });

  it("says only that a witness which is no AWS Region is none", () => {
    expect(problemsOf("prod", dsql({ witnessRegion: "us-mars-9" }))).toEqual([
      "ha-blueprint:database.dsql.witnessRegion: \"us-mars-9\" is not an AWS Region (see config/regions.ts for the list; add new Regions there)",
    ]);
  });

  it("requires the dsql section with kind aurora-dsql", () => {
    expect(problemsOf("prod", { "ha-blueprint:database": { kind: "aurora-dsql" } })).toEqual([
      "ha-blueprint:database.dsql: missing; is required with kind aurora-dsql: set dsql.witnessRegion to a third Region of the same DSQL Region set",
    ]);
  });

  it.each([
    ["instanceClass", "db.r6g.large"],
    ["engineVersion", "16"],
    ["globalDbRpoSeconds", 30],
    ["masterUsername", "app_admin"],
  ])("refuses the Aurora-only key %s with aurora-dsql", (key, value) => {
    const problems = problemsOf("prod-dsql", { "ha-blueprint:database": { ...(loadStack("prod-dsql").rawConfig["ha-blueprint:database"] as object), [key]: value } });
    expect(problems).toContainEqual(`ha-blueprint:database.${key}: ${JSON.stringify(value)} does not apply to database.kind aurora-dsql (it uses kind, dsql, deletionProtection)`);
  });

  it("refuses a dsql section on an aurora-global stack", () => {
    expect(problemsOf("prod", { "ha-blueprint:database": { engineVersion: "16.9", dsql: { witnessRegion: "us-east-2" } } })).toEqual([
      "ha-blueprint:database.dsql: applies only to database.kind aurora-dsql (this stack uses aurora-global)",
    ]);
  });

  it("refuses admin as the workload's database role", () => {
    expect(problemsOf("prod", dsql({ witnessRegion: "us-east-2", databaseRole: "admin" }))).toEqual([
      expect.stringMatching(/^ha-blueprint:database\.dsql\.databaseRole: "admin" must not be admin: workloads connect as a custom role with dsql:DbConnect/),
    ]);
  });

  it("accepts a European stack with a European witness", () => {
    const config = parseConfig(raw("prod", { ...regions("eu-west-1", "eu-central-1"), ...dsql({ witnessRegion: "eu-west-2" }) }));
    expect(config.database.dsql?.witnessRegion).toBe("eu-west-2");
  });
});

describe("memorydb-multi-region refusals", () => {
  it("refuses a region MemoryDB Multi-Region is not offered in, naming where it is", () => {
    const problems = problemsOf("prod", regions("us-east-1", "sa-east-1"));
    expect(problems).toEqual([
      expect.stringMatching(/^ha-blueprint:sessionStore\.kind: "memorydb-multi-region" cannot run in sa-east-1: MemoryDB Multi-Region is offered in us-east-1, us-east-2, .*; use kind elasticache-global there$/),
    ]);
  });

  it("accepts elasticache-global in that region pair", () => {
    const config = parseConfig(raw("prod", { ...regions("us-east-1", "sa-east-1"), "ha-blueprint:sessionStore": { kind: "elasticache-global" } }));
    expect(config.sessionStore.kind).toBe("elasticache-global");
  });

  it.each([
    ["cache.r7g.large", /is an ElastiCache node type; MemoryDB node types start with db\./],
    ["db.r7g.large", /R7g nodes of size xlarge and above/],
    ["db.r6g.2xlarge", /R7g nodes of size xlarge and above/],
  ])("refuses the node type %s", (nodeType, message) => {
    const problems = problemsOf("prod", { "ha-blueprint:sessionStore": { nodeType } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^ha-blueprint:sessionStore\\.nodeType: "${nodeType.replace(/\./g, "\\.")}" .*${message.source}`));
  });

  it("refuses a Valkey version before 7.3 and a shard without replicas", () => {
    expect(problemsOf("prod", { "ha-blueprint:sessionStore": { engineVersion: "7.2" } })).toEqual([
      "ha-blueprint:sessionStore.engineVersion: \"7.2\" is too old: MemoryDB Multi-Region needs Valkey 7.3 or newer",
    ]);
    expect(problemsOf("prod", { "ha-blueprint:sessionStore": { replicasPerShard: 0 } })).toEqual([
      "ha-blueprint:sessionStore.replicasPerShard: 0 must be at least 1: a shard without a replica loses its data and writes with its AZ",
    ]);
  });

  it.each([
    ["nodesPerRegion", 3],
    ["engine", "redis"],
  ])("refuses the ElastiCache-only key %s", (key, value) => {
    expect(problemsOf("prod", { "ha-blueprint:sessionStore": { [key]: value } })).toContainEqual(
      `ha-blueprint:sessionStore.${key}: ${JSON.stringify(value)} does not apply to sessionStore.kind memorydb-multi-region (it uses kind, engineVersion, nodeType, numShards, replicasPerShard, snapshotRetentionDays, snapshotWindow, maintenanceWindow)`,
    );
  });

  it("refuses the MemoryDB-only keys with elasticache-global", () => {
    expect(problemsOf("prod", { "ha-blueprint:sessionStore": { kind: "elasticache-global", replicasPerShard: 2 } })).toContainEqual(
      "ha-blueprint:sessionStore.replicasPerShard: 2 does not apply to sessionStore.kind elasticache-global (it uses kind, engine, engineVersion, nodeType, nodesPerRegion, snapshotRetentionDays, snapshotWindow, maintenanceWindow)",
    );
  });

  it("refuses the removed writerRecordTtlSeconds: there is no session-writer record any more", () => {
    expect(problemsOf("prod", { "ha-blueprint:sessionStore": { kind: "elasticache-global", writerRecordTtlSeconds: 10 } })).toContainEqual(
      expect.stringMatching(/^ha-blueprint:sessionStore\.writerRecordTtlSeconds: unknown key/),
    );
  });

  it("refuses an unknown kind, listing the allowed ones", () => {
    expect(problemsOf("prod", { "ha-blueprint:sessionStore": { kind: "redis-cluster" } })).toContainEqual(
      "ha-blueprint:sessionStore.kind: \"redis-cluster\" is not allowed (allowed: \"memorydb-multi-region\", \"elasticache-global\")",
    );
  });
});

describe("the probe contract in config", () => {
  it("refuses a writes-health path equal to the readiness path", () => {
    expect(problemsOf("prod", { "ha-blueprint:app": { ...(loadStack("prod").rawConfig["ha-blueprint:app"] as object), writesHealthPath: "/healthz" } })).toEqual([
      "ha-blueprint:app.writesHealthPath: \"/healthz\" equals app.healthPath; readiness (local dependencies) and write health are separate answers",
    ]);
  });
});

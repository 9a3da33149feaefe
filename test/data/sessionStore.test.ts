import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type Plan } from "../helpers/plan";
import { expectChildNamesPrefixed, expectStoreAdmitsWorkloadsOfEveryRegion, inRegion, isolatedSubnets, isSecret, ref, refs, T, tags } from "./helpers";

const REGIONS = ["us-east-1", "us-west-2"];
const WRITER = "us-east-1";
const SECONDARY = "us-west-2";

function groupIn(plan: Plan, region: string) {
  const groups = inRegion(plan, T.replicationGroup, region);
  expect(groups, `replication groups in ${region}`).toHaveLength(1);
  return groups[0];
}

/** Settings a secondary member inherits from the primary and must not send (AWS rejects them). */
const INHERITED = ["nodeType", "engine", "engineVersion", "atRestEncryptionEnabled", "transitEncryptionEnabled", "transitEncryptionMode", "parameterGroupName", "numNodeGroups", "replicasPerNodeGroup"];

/** Prod with the ElastiCache kind (the shipped stacks use MemoryDB Multi-Region). */
const ELASTICACHE_PROD = { "ha-blueprint:sessionStore": { kind: "elasticache-global", nodeType: "cache.r7g.large", nodesPerRegion: 3, snapshotRetentionDays: 7 } };
const ELASTICACHE_2 = { "ha-blueprint:sessionStore": { kind: "elasticache-global", nodeType: "cache.r7g.large", nodesPerRegion: 2 } };

describe("SessionStore (elasticache-global) in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod", {}, ELASTICACHE_PROD);
  });

  it("creates the primary replication group in the writer region with engine, node type and both encryptions", () => {
    const primary = groupIn(plan, WRITER);
    expect(primary.inputs).toMatchObject({
      engine: "valkey",
      engineVersion: "8.0",
      nodeType: "cache.r7g.large",
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
    });
    expect(primary.inputs?.globalReplicationGroupId).toBeUndefined();
  });

  it("joins one global datastore, created from the primary in the writer region", () => {
    const globals = plan.ofType(T.globalReplicationGroup);
    expect(globals).toHaveLength(1);
    expect(plan.regionOf(globals[0])).toBe(WRITER);
    expect(ref(plan, globals[0], "primaryReplicationGroupId").urn).toBe(groupIn(plan, WRITER).urn);
    expect(ref(plan, groupIn(plan, SECONDARY), "globalReplicationGroupId").urn).toBe(globals[0].urn);
  });

  it("leaves node type, engine and encryption settings off the secondary (inherited from the primary)", () => {
    const secondary = groupIn(plan, SECONDARY);
    for (const key of INHERITED) expect(secondary.inputs?.[key], key).toBeUndefined();
  });

  it("runs 3 nodes in 3 distinct AZs of each region, with automatic failover and Multi-AZ", () => {
    for (const region of REGIONS) {
      const g = groupIn(plan, region);
      expect(g.inputs).toMatchObject({ numCacheClusters: 3, automaticFailoverEnabled: true, multiAzEnabled: true, port: 6379 });
      const azs = g.inputs?.preferredCacheClusterAzs as string[];
      expect(azs).toHaveLength(3);
      expect(new Set(azs).size).toBe(3);
      const subnetAzs = isolatedSubnets(plan, region).map((s) => s.inputs?.availabilityZone);
      expect(azs.every((az) => subnetAzs.includes(az))).toBe(true);
    }
  });

  it("encrypts each member at rest with a KMS key of its own region and requires the secret auth token", () => {
    for (const region of REGIONS) {
      const g = groupIn(plan, region);
      const key = ref(plan, g, "kmsKeyId");
      expect(key.type).toBe(T.kmsKey);
      expect(plan.regionOf(key)).toBe(region);
      expect(tags(key)["ha:tier"]).toBe("sessions");
      expect(isSecret(g.inputs?.authToken)).toBe(true);
      expect(ref(plan, g, "authToken").type).toBe(T.password);
    }
  });

  it("leaves automatic minor upgrades off, as ElastiCache forces them for global datastore members", () => {
    for (const region of REGIONS) expect(groupIn(plan, region).inputs?.autoMinorVersionUpgrade).toBe(false);
  });

  it("uses one AUTH token on every member, rotatable without an outage (ROTATE keeps the old one valid)", () => {
    const tokens = REGIONS.map((region) => ref(plan, groupIn(plan, region), "authToken"));
    expect(new Set(tokens.map((t) => t.urn)).size).toBe(1);
    // Bumping authTokenRotation changes the keeper, which replaces the token.
    expect(tokens[0].inputs?.keepers).toEqual({ rotation: "1" });
    for (const region of REGIONS) expect(groupIn(plan, region).inputs?.authTokenUpdateStrategy).toBe("ROTATE");
    // The pods get it from a Secret only: no ConfigMap names a token.
    for (const c of plan.ofType(T.configMap)) expect(JSON.stringify(c.inputs?.data ?? {})).not.toMatch(/AUTH_TOKEN|PASSWORD/);
  });

  it("keeps 7 days of snapshots in every region, outside the maintenance window", () => {
    for (const region of REGIONS) {
      expect(groupIn(plan, region).inputs).toMatchObject({ snapshotRetentionLimit: 7, snapshotWindow: "05:00-06:00", maintenanceWindow: "sun:07:00-sun:08:00" });
    }
  });

  it("ignores what a promotion or a datastore-wide upgrade changes", () => {
    expect(plan.ofType(T.globalReplicationGroup)[0].ignoreChanges).toEqual(["primaryReplicationGroupId"]);
    for (const g of plan.ofType(T.replicationGroup)) {
      expect(g.ignoreChanges).toEqual(expect.arrayContaining(["automaticFailoverEnabled", "engineVersion"]));
    }
  });

  it("spans the isolated subnets of every AZ in each cache subnet group", () => {
    for (const region of REGIONS) {
      const group = ref(plan, groupIn(plan, region), "subnetGroupName");
      expect(group.type).toBe(T.cacheSubnetGroup);
      expect(refs(plan, group, "subnetIds").map((s) => s.urn).sort()).toEqual(isolatedSubnets(plan, region).map((s) => s.urn).sort());
    }
  });

  it("admits, on 6379 only, its own region's app-tier group and every other region's workload subnets", () => {
    for (const region of REGIONS) {
      const sgs = refs(plan, groupIn(plan, region), "securityGroupIds");
      expect(sgs).toHaveLength(1);
      expectStoreAdmitsWorkloadsOfEveryRegion(plan, sgs[0], region, REGIONS, 6379);
    }
  });

  it("depends on no control plane to write: no sessions-writer record, and every region's workload gets every primary", () => {
    // A private-zone record could only be repointed through Route 53's us-east-1 control plane.
    expect(plan.ofType("aws:route53/record:Record").filter((r) => String(r.inputs?.name).startsWith("sessions-writer"))).toEqual([]);
    const primaries = REGIONS.map((region) => `${groupIn(plan, region).outputs?.primaryEndpointAddress}:6379`);
    for (const region of REGIONS) {
      const env = plan.ofType("kubernetes:core/v1:ConfigMap").map((c) => c.inputs?.data as Record<string, string> | undefined)
        .find((d) => d?.APP_REGION === region)!;
      // This region's primary first, then the others; a reader endpoint in the region.
      expect(env.REDIS_PRIMARY_CANDIDATES.split(",")).toEqual([primaries[REGIONS.indexOf(region)], ...primaries.filter((_, i) => REGIONS[i] !== region)]);
      expect(env.REDIS_READER_HOST).toBe(groupIn(plan, region).outputs?.readerEndpointAddress);
      expect(env.REDIS_WRITER_HOST).toBeUndefined();
      expect(env.SESSION_STORE_KIND).toBe("elasticache-global");
    }
  });

  it("names every child of the session store after its parent", () => {
    expectChildNamesPrefixed(plan, plan.resources.find((r) => r.type === "ha:data:SessionStore")!);
  });
});

describe("SessionStore (elasticache-global) in the dev plan", () => {
  it("keeps the same shape with 2 nodes in 2 AZs and no t-class nodes", async () => {
    const plan = await planStack("dev", {}, ELASTICACHE_2);
    for (const region of REGIONS) {
      const g = groupIn(plan, region);
      const azs = g.inputs?.preferredCacheClusterAzs as string[];
      expect(g.inputs?.numCacheClusters).toBe(2);
      expect(new Set(azs).size).toBe(2);
      expect(g.inputs).toMatchObject({ automaticFailoverEnabled: true, multiAzEnabled: true, snapshotRetentionLimit: 1 });
    }
    expect(groupIn(plan, WRITER).inputs?.nodeType).toBe("cache.r7g.large");
  });
});

describe("SessionStore (elasticache-global) with config overrides", () => {
  it("builds Redis OSS with a larger node type on the primary only", async () => {
    const plan = await planStack("staging", {}, { "ha-blueprint:sessionStore": { kind: "elasticache-global", engine: "redis", engineVersion: "7.1", nodeType: "cache.m7g.xlarge" } });
    expect(groupIn(plan, WRITER).inputs).toMatchObject({ engine: "redis", engineVersion: "7.1", nodeType: "cache.m7g.xlarge" });
    expect(groupIn(plan, SECONDARY).inputs?.nodeType).toBeUndefined();
  });

  it("places 4 nodes over the 3 AZs with every AZ used and the primary node in the first", async () => {
    const plan = await planStack("prod", {}, { "ha-blueprint:sessionStore": { kind: "elasticache-global", nodesPerRegion: 4 } });
    for (const region of REGIONS) {
      const azs = groupIn(plan, region).inputs?.preferredCacheClusterAzs as string[];
      expect(azs).toEqual([`${region}a`, `${region}b`, `${region}c`, `${region}a`]);
    }
  });
});

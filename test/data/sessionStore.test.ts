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

describe("SessionStore in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
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

  it("writes sessions through a private record that points at the primary group and that `pulumi up` never moves back", () => {
    const records = plan.ofType("aws:route53/record:Record").filter((r) => String(r.inputs?.name).startsWith("sessions-writer."));
    expect(records).toHaveLength(1);
    const record = records[0];
    expect(record.inputs).toMatchObject({ name: "sessions-writer.prod.ha-blueprint.internal", type: "CNAME", ttl: 10 });
    expect(record.ignoreChanges).toEqual(["records"]);
    // Its value is the primary group's endpoint, taken from the group itself.
    expect(refs(plan, record, "records").map((r) => r.urn)).toEqual([groupIn(plan, WRITER).urn]);
    expect(record.inputs?.records).toEqual([groupIn(plan, WRITER).outputs?.primaryEndpointAddress]);
    // The zone is private and resolves in every region's VPC.
    const zone = ref(plan, record, "zoneId");
    expect(zone.type).toBe("aws:route53/zone:Zone");
    const vpcs = (zone.inputs?.vpcs as { vpcId: string; vpcRegion: string }[]).map((v) => v.vpcRegion).sort();
    expect(vpcs).toEqual(REGIONS);
    for (const vpc of zone.inputs?.vpcs as { vpcId: string; vpcRegion: string }[]) {
      const owner = inRegion(plan, "aws:ec2/vpc:Vpc", vpc.vpcRegion);
      expect(owner.map((v) => v.id)).toEqual([vpc.vpcId]);
    }
  });

  it("names every child of the session store after its parent", () => {
    expectChildNamesPrefixed(plan, plan.resources.find((r) => r.type === "ha:data:SessionStore")!);
  });
});

describe("SessionStore in the dev plan", () => {
  it("keeps the same shape with 2 nodes in 2 AZs and no t-class nodes", async () => {
    const plan = await planStack("dev");
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

describe("SessionStore with config overrides", () => {
  it("builds Redis OSS with a larger node type on the primary only", async () => {
    const plan = await planStack("staging", { "ha-blueprint:sessionStore": { engine: "redis", engineVersion: "7.1", nodeType: "cache.m7g.xlarge" } });
    expect(groupIn(plan, WRITER).inputs).toMatchObject({ engine: "redis", engineVersion: "7.1", nodeType: "cache.m7g.xlarge" });
    expect(groupIn(plan, SECONDARY).inputs?.nodeType).toBeUndefined();
  });

  it("places 4 nodes over the 3 AZs with every AZ used and the primary node in the first", async () => {
    const plan = await planStack("prod", { "ha-blueprint:sessionStore": { nodesPerRegion: 4 } });
    for (const region of REGIONS) {
      const azs = groupIn(plan, region).inputs?.preferredCacheClusterAzs as string[];
      expect(azs).toEqual([`${region}a`, `${region}b`, `${region}c`, `${region}a`]);
    }
  });
});

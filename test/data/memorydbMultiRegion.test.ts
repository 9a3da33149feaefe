import { beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { planStack, type Plan } from "../helpers/plan";
import { appEnv, expectChildNamesPrefixed, expectStoreAdmitsOnlyItsRegion, inRegion, isolatedSubnets, isSecret, ref, refs, T, tags } from "./helpers";

const REGIONS = ["us-east-1", "us-west-2"];

function clusterIn(plan: Plan, region: string) {
  const clusters = inRegion(plan, T.memorydbCluster, region);
  expect(clusters, `MemoryDB clusters in ${region}`).toHaveLength(1);
  return clusters[0];
}

describe("MemoryDB Multi-Region sessions in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("replaces the ElastiCache global datastore: one multi-Region cluster with TLS on Valkey R7g", () => {
    expect(plan.ofType(T.globalReplicationGroup)).toEqual([]);
    expect(plan.ofType(T.replicationGroup)).toEqual([]);
    const mrcs = plan.ofType(T.memorydbMultiRegion);
    expect(mrcs).toHaveLength(1);
    expect(mrcs[0].inputs).toMatchObject({ engine: "valkey", engineVersion: "7.3", nodeType: "db.r7g.xlarge", numShards: 1, tlsEnabled: true });
    expect(plan.regionOf(mrcs[0])).toBe("us-east-1");
  });

  it("has a regional cluster in every region that joins the multi-Region cluster, with the shared settings", () => {
    const mrc = plan.ofType(T.memorydbMultiRegion)[0];
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(ref(plan, c, "multiRegionClusterName").urn).toBe(mrc.urn);
      expect(c.inputs?.multiRegionClusterName).toBe(mrc.outputs?.multiRegionClusterName);
      expect(c.inputs).toMatchObject({ tlsEnabled: true, nodeType: "db.r7g.xlarge", engine: "valkey", numShards: 1, port: 6379 });
    }
  });

  it("keeps two replicas per shard (Multi-AZ) over a subnet group of every AZ in each region", () => {
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(c.inputs?.numReplicasPerShard).toBe(2);
      const group = ref(plan, c, "subnetGroupName");
      expect(group.type).toBe(T.memorydbSubnetGroup);
      expect(plan.regionOf(group)).toBe(region);
      const subnets = isolatedSubnets(plan, region);
      expect(new Set(subnets.map((s) => s.inputs?.availabilityZone)).size).toBe(3);
      expect(refs(plan, group, "subnetIds").map((s) => s.urn).sort()).toEqual(subnets.map((s) => s.urn).sort());
    }
  });

  it("encrypts each regional cluster with a customer key of its own region and keeps 7 days of snapshots", () => {
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      const key = ref(plan, c, "kmsKeyArn");
      expect(key.type).toBe(T.kmsKey);
      expect(plan.regionOf(key)).toBe(region);
      expect(tags(key)["ha:tier"]).toBe("sessions");
      expect(c.inputs).toMatchObject({ snapshotRetentionLimit: 7, snapshotWindow: "05:00-06:00", maintenanceWindow: "sun:07:00-sun:08:00" });
      expect(typeof c.inputs?.finalSnapshotName).toBe("string");
    }
  });

  it("logs in through an ACL user of its own region whose generated password stays a secret", () => {
    for (const region of REGIONS) {
      const acl = ref(plan, clusterIn(plan, region), "aclName");
      expect(acl.type).toBe(T.memorydbAcl);
      expect(plan.regionOf(acl)).toBe(region);
      const users = refs(plan, acl, "userNames");
      expect(users.map((u) => u.type)).toEqual([T.memorydbUser]);
      const user = users[0];
      expect(plan.regionOf(user)).toBe(region);
      expect(user.inputs?.accessString).toBe("on ~* &* +@all -@admin -flushall -flushdb");
      const mode = user.inputs?.authenticationMode as { type: string; passwords: unknown };
      expect(mode.type).toBe("password");
      expect(isSecret(mode.passwords) || (Array.isArray(mode.passwords) && mode.passwords.every(isSecret))).toBe(true);
      expect(ref(plan, user, "authenticationMode").type).toBe(T.password);
    }
    // One password per region: a leaked one opens only its own region's cluster.
    const passwords = new Set(REGIONS.map((r) => ref(plan, refs(plan, ref(plan, clusterIn(plan, r), "aclName"), "userNames")[0], "authenticationMode").urn));
    expect(passwords.size).toBe(2);
  });

  it("admits, on 6379 only, its own region's app tier and no other region (each region uses its own member)", () => {
    for (const region of REGIONS) {
      const sgs = refs(plan, clusterIn(plan, region), "securityGroupIds");
      expect(sgs).toHaveLength(1);
      expectStoreAdmitsOnlyItsRegion(plan, sgs[0], region, 6379);
    }
  });

  it("gives each region's workload its own region's cluster as session address, for reads and writes", () => {
    for (const region of REGIONS) {
      const env = appEnv(plan, region);
      const own = (clusterIn(plan, region).outputs?.clusterEndpoints as { address: string; port: number }[])[0];
      expect(env.REDIS_WRITER_HOST).toBe(own.address);
      expect(env.REDIS_READER_HOST).toBe(own.address);
      expect(env).toMatchObject({ SESSION_STORE_KIND: "memorydb-multi-region", REDIS_PORT: String(own.port), REDIS_TLS: "true", REDIS_CLUSTER_MODE: "true" });
      const user = refs(plan, ref(plan, clusterIn(plan, region), "aclName"), "userNames")[0];
      expect(env.REDIS_USER).toBe(user.inputs?.userName);
      for (const other of REGIONS.filter((r) => r !== region)) {
        const theirs = (clusterIn(plan, other).outputs?.clusterEndpoints as { address: string }[])[0].address;
        expect(JSON.stringify(env)).not.toContain(theirs);
      }
      expect(env.REDIS_PRIMARY_CANDIDATES).toBeUndefined();
    }
  });

  it("describes the kind in the topology output without secrets", () => {
    const topology = plan.outputs.topology as Topology;
    expect(topology.sessions).toMatchObject({ kind: "memorydb-multi-region", writePath: "local-endpoint", tls: true, conflictResolution: "last-writer-wins", replicasPerShard: 2 });
    for (const region of topology.regions) {
      expect(region.sessions).toMatchObject({ kind: "memorydb-multi-region", nodeCount: 3, endpoint: (clusterIn(plan, region.name).outputs?.clusterEndpoints as { address: string }[])[0].address });
    }
    expect(JSON.stringify(topology)).not.toMatch(/password/i);
  });

  it("names every child of the session store after its parent", () => {
    expectChildNamesPrefixed(plan, plan.resources.find((r) => r.type === "ha:data:MemoryDbMultiRegion")!);
  });
});

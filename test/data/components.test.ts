import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AuroraRegionalCluster, CacheReplicationGroup, DsqlMultiRegion, GlobalDatabase, MemoryDbMultiRegion, SessionStore, type DataRegion } from "../../components/data";
import { dsqlPlacementProblems, memorydbNodeTypeProblem, memorydbVersionProblem } from "../../components/data/kinds";
import { auroraParameterGroupFamily, auroraVersionProblem, cacheVersionProblem, promotionTierFor, zoneIndexFor } from "../../components/data/engine";
import { runPlan } from "../../plan/run";
import { wrapPlan } from "../helpers/plan";
import { T } from "./helpers";

/**
 * Fake network inputs per region. Argument errors are raised before a component registers
 * anything, so the failure cases construct components without any Pulumi runtime at all.
 */
function fakeRegions(regionNames = ["us-east-1", "us-west-2"], provider: (region: string) => pulumi.ProviderResource = () => ({}) as pulumi.ProviderResource): DataRegion[] {
  return regionNames.map((region) => ({
    region,
    provider: provider(region),
    vpcId: `vpc-${region}`,
    isolatedSubnetIds: ["a", "b", "c"].map((z) => `subnet-${region}${z}`),
    availabilityZones: ["a", "b", "c"].map((z) => `${region}${z}`),
    appSecurityGroupId: `sg-app-${region}`,
    peerWorkloadCidrs: regionNames.filter((o) => o !== region).map((o) => ({ region: o, cidrs: [`10.${regionNames.indexOf(o)}.0.0/19`] })),
  }));
}

/** Runs `build` as a whole program under the mock runtime, with fake network inputs per region. */
async function planOf(build: (regions: DataRegion[]) => void, regionNames = ["us-east-1", "us-west-2"]) {
  return wrapPlan(await runPlan({
    stack: "unit",
    rawConfig: {},
    program: () => {
      build(fakeRegions(regionNames, (region) => new aws.Provider(`p-${region}`, { region })));
      return {};
    },
  }));
}

describe("GlobalDatabase used directly", () => {
  it("defaults to an HA-safe shape: PostgreSQL 16, memory-optimised, 2 instances per region, deletion protection", async () => {
    const plan = await planOf((regions) => new GlobalDatabase("db", { stack: "unit", regions, writerRegion: "us-east-1" }));
    expect(plan.ofType(T.globalCluster)[0].inputs).toMatchObject({ engine: "aurora-postgresql", deletionProtection: true });
    expect(String(plan.ofType(T.globalCluster)[0].inputs?.engineVersion)).toMatch(/^16\.\d+$/);
    expect(plan.ofType(T.instance)).toHaveLength(4);
    expect(plan.ofType(T.instance).every((i) => i.inputs?.instanceClass === "db.r6g.large")).toBe(true);
    expect(plan.ofType(T.cluster).every((c) => c.inputs?.deletionProtection === true && c.inputs?.backupRetentionPeriod === 7)).toBe(true);
  });

  it("fails when the writer region is not one of the regions", () => {
    expect(() => new GlobalDatabase("db", { stack: "unit", regions: fakeRegions(), writerRegion: "eu-west-1" }))
      .toThrow(/writerRegion eu-west-1 is not one of the regions \(us-east-1, us-west-2\)/);
  });

  it("fails when the app would log in as the master user, or as a role that needs quoting", () => {
    expect(() => new GlobalDatabase("db", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", appUsername: "app_admin" }))
      .toThrow(/appUsername app_admin is the master user; the app must log in as its own role/);
    expect(() => new GlobalDatabase("db", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", appUsername: "App-User" }))
      .toThrow(/"App-User" is not a plain PostgreSQL identifier/);
  });

  it("fails when an RPO bound is asked of Aurora MySQL", () => {
    expect(() => new GlobalDatabase("db", {
      stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.08.0", globalDbRpoSeconds: 30,
    })).toThrow(/globalDbRpoSeconds needs engine aurora-postgresql/);
  });

  it("fails when an RPO bound would make a lone secondary a single point of failure for writes", () => {
    expect(() => new GlobalDatabase("db", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", globalDbRpoSeconds: 30 }))
      .toThrow(/globalDbRpoSeconds needs at least two secondary regions; with 1, that secondary is a single point of failure/);
  });

  it("fails when a region would get a single instance", () => {
    expect(() => new GlobalDatabase("db", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", instancesPerRegion: 1 }))
      .toThrow(/instancesPerRegion is 1; at least 2/);
  });

  it("fails when the instance class is burstable", () => {
    expect(() => new GlobalDatabase("db", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", instanceClass: "db.t4g.large" }))
      .toThrow(/db\.t4g\.large is not memory-optimised/);
  });
});

describe("AuroraRegionalCluster used directly", () => {
  it("fails when a cluster would have a single instance", () => {
    const [r] = fakeRegions();
    expect(() => new AuroraRegionalCluster("c", {
      stack: "unit", region: r.region, globalClusterIdentifier: "g", vpcId: r.vpcId,
      subnetIds: r.isolatedSubnetIds, availabilityZones: r.availabilityZones, appSecurityGroupId: r.appSecurityGroupId,
      role: { kind: "writer", masterUsername: "u", databaseName: "d", masterPassword: "p" }, instanceCount: 1,
    })).toThrow(/instanceCount is 1; at least 2/);
  });
});

describe("SessionStore and CacheReplicationGroup used directly", () => {
  it("fails when there are more than two secondary regions", () => {
    expect(() => new SessionStore("s", { stack: "unit", regions: fakeRegions(["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]), writerRegion: "us-east-1" }))
      .toThrow(/4 regions given; a global datastore has a primary and one or two secondary regions/);
  });

  it("fails when a region would get a single node", () => {
    expect(() => new SessionStore("s", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", nodesPerRegion: 1 }))
      .toThrow(/nodesPerRegion is 1; use 2\.\.6/);
  });

  it("fails when the AUTH token rotation counter is not a positive integer", () => {
    expect(() => new SessionStore("s", { stack: "unit", regions: fakeRegions(), writerRegion: "us-east-1", authTokenRotation: 0 }))
      .toThrow(/authTokenRotation is 0; use a positive integer and bump it to rotate/);
  });

  it("fails when a primary asks for a burstable node", () => {
    const [r] = fakeRegions();
    expect(() => new CacheReplicationGroup("g", {
      stack: "unit", region: r.region, vpcId: r.vpcId, subnetIds: r.isolatedSubnetIds,
      availabilityZones: r.availabilityZones, appSecurityGroupId: r.appSecurityGroupId, authToken: "x".repeat(32),
      role: { kind: "primary", engine: "valkey", engineVersion: "8.0", nodeType: "cache.t4g.medium" },
    })).toThrow(/nodeType cache\.t4g\.medium is not allowed: global datastores do not support burstable/);
  });

  it("defaults to 2 Multi-AZ nodes per region and Valkey 8.0 on the primary", async () => {
    const plan = await planOf((regions) => new SessionStore("s", { stack: "unit", regions, writerRegion: "us-west-2" }));
    const groups = plan.ofType(T.replicationGroup);
    expect(groups.map((g) => g.inputs?.numCacheClusters)).toEqual([2, 2]);
    const primary = groups.find((g) => g.inputs?.engine !== undefined)!;
    expect(plan.regionOf(primary)).toBe("us-west-2");
    expect(primary.inputs).toMatchObject({ engine: "valkey", engineVersion: "8.0", nodeType: "cache.r7g.large", multiAzEnabled: true });
  });
});

describe("MemoryDbMultiRegion used directly", () => {
  it("fails for a node type MemoryDB Multi-Region does not run on", () => {
    expect(() => new MemoryDbMultiRegion("m", { stack: "unit", regions: fakeRegions(), homeRegion: "us-east-1", nodeType: "db.r7g.large" }))
      .toThrow(/nodeType db\.r7g\.large is not allowed: MemoryDB Multi-Region runs on R7g nodes of size xlarge and above/);
  });

  it("fails for a region MemoryDB Multi-Region is not offered in", () => {
    expect(() => new MemoryDbMultiRegion("m", { stack: "unit", regions: fakeRegions(["us-east-1", "sa-east-1"]), homeRegion: "us-east-1" }))
      .toThrow(/MemoryDB Multi-Region is not offered in sa-east-1/);
  });

  it("fails for a shard without a replica", () => {
    expect(() => new MemoryDbMultiRegion("m", { stack: "unit", regions: fakeRegions(), homeRegion: "us-east-1", replicasPerShard: 0 }))
      .toThrow(/replicasPerShard is 0; use 1\.\.5/);
  });

  it("creates the multi-Region cluster in the home region and one member per region joining it", async () => {
    const plan = await planOf((regions) => new MemoryDbMultiRegion("m", { stack: "unit", regions, homeRegion: "us-west-2" }));
    const mrc = plan.ofType(T.memorydbMultiRegion);
    expect(mrc.map((m) => plan.regionOf(m))).toEqual(["us-west-2"]);
    const clusters = plan.ofType(T.memorydbCluster);
    expect(clusters.map((c) => plan.regionOf(c)).sort()).toEqual(["us-east-1", "us-west-2"]);
    for (const c of clusters) {
      expect(c.inputs).toMatchObject({ multiRegionClusterName: mrc[0].outputs?.multiRegionClusterName, numReplicasPerShard: 1, tlsEnabled: true });
    }
  });
});

describe("DsqlMultiRegion used directly", () => {
  it("fails for a witness that is one of the peers", () => {
    expect(() => new DsqlMultiRegion("d", { stack: "unit", regions: fakeRegions(), witnessRegion: "us-west-2" }))
      .toThrow(/witnessRegion is one of the stack's regions/);
  });

  it("fails for peers in two Region sets", () => {
    expect(() => new DsqlMultiRegion("d", { stack: "unit", regions: fakeRegions(["us-east-1", "eu-west-1"]), witnessRegion: "us-east-2" }))
      .toThrow(/span the Region sets/);
  });

  it("uses the AWS-owned key when asked, and creates no KMS key", async () => {
    const plan = await planOf((regions) => new DsqlMultiRegion("d", { stack: "unit", regions, witnessRegion: "us-east-2", encryption: "aws-owned-key" }));
    expect(plan.ofType(T.dsqlCluster).map((c) => c.inputs?.kmsEncryptionKey)).toEqual(["AWS_OWNED_KMS_KEY", "AWS_OWNED_KMS_KEY"]);
    expect(plan.ofType(T.kmsKey)).toEqual([]);
    expect(plan.ofType(T.dsqlCluster).map((c) => c.ignoreChanges)).toEqual([["multiRegionProperties.clusters"], ["multiRegionProperties.clusters"]]);
  });
});

describe("data-store kind rules", () => {
  it.each([
    ["db.r7g.xlarge", undefined],
    ["db.r7g.16xlarge", undefined],
    ["db.r7g.large", /xlarge and above/],
    ["db.r6g.xlarge", /R7g/],
    ["cache.r7g.xlarge", /ElastiCache node type/],
  ])("MemoryDB Multi-Region node type %s", (nodeType, problem) => {
    const found = memorydbNodeTypeProblem(nodeType);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  it("needs Valkey 7.3 or newer for MemoryDB Multi-Region", () => {
    expect(memorydbVersionProblem("7.2")).toMatch(/7\.3 or newer/);
    expect(memorydbVersionProblem("7.3")).toBeUndefined();
    expect(memorydbVersionProblem("8.0")).toBeUndefined();
  });

  it("keeps DSQL peers and witness in one Region set, the witness apart, and at most two peers", () => {
    expect(dsqlPlacementProblems(["us-east-1", "us-west-2"], "us-east-2")).toEqual([]);
    expect(dsqlPlacementProblems(["eu-west-1", "eu-central-1"], "eu-west-2")).toEqual([]);
    expect(dsqlPlacementProblems(["us-east-1", "us-west-2"], "eu-west-1").map((p) => p.key)).toEqual(["regions"]);
    expect(dsqlPlacementProblems(["us-east-1", "us-west-2"], "us-west-2").map((p) => p.key)).toEqual(["witnessRegion"]);
    expect(dsqlPlacementProblems(["us-east-1", "us-west-2", "us-east-2"], "ca-central-1").map((p) => p.key)).toEqual(["regions"]);
    expect(dsqlPlacementProblems(["us-east-1", "us-west-2"], "sa-east-1")).toEqual([{ key: "witnessRegion", message: expect.stringMatching(/sa-east-1 is in no Aurora DSQL multi-Region Region set/) }]);
  });
});

describe("data-tier engine rules", () => {
  it.each([
    ["aurora-postgresql", "16.6", "aurora-postgresql16"],
    ["aurora-postgresql", "14.9", "aurora-postgresql14"],
    ["aurora-mysql", "8.0.mysql_aurora.3.08.0", "aurora-mysql8.0"],
    ["aurora-mysql", "5.7.mysql_aurora.2.12.0", "aurora-mysql5.7"],
  ] as const)("derives the parameter-group family of %s %s", (engine, version, family) => {
    expect(auroraParameterGroupFamily(engine, version)).toBe(family);
  });

  it("uses every AZ before reusing one, and gives tier 1 to the instance in the second AZ", () => {
    expect(Array.from({ length: 5 }, (_, i) => zoneIndexFor(i, 3))).toEqual([0, 1, 2, 0, 1]);
    expect(zoneIndexFor(promotionTierFor(1), 3)).not.toBe(zoneIndexFor(0, 3));
    expect(promotionTierFor(20)).toBe(15);
  });

  it("knows which engine versions can run global write forwarding and global datastores", () => {
    expect(auroraVersionProblem("aurora-postgresql", "15.4")).toBeUndefined();
    expect(auroraVersionProblem("aurora-postgresql", "15.3")).toMatch(/too old/);
    // A bare major takes the newest minor, which forwards writes from 14 on.
    expect(auroraVersionProblem("aurora-postgresql", "14")).toBeUndefined();
    expect(auroraVersionProblem("aurora-postgresql", "13")).toMatch(/too old/);
    expect(auroraVersionProblem("aurora-mysql", "8.0.mysql_aurora.3.08.0")).toBeUndefined();
    expect(cacheVersionProblem("valkey", "7.2")).toBeUndefined();
    expect(cacheVersionProblem("redis", "6.2")).toBeUndefined();
    expect(cacheVersionProblem("redis", "5.0.5")).toMatch(/5\.0\.6/);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { engineVersionLookup, resolvedVersionProblem } from "../../components/data/engine";
import type { AuroraGlobalDatabaseTopology, Topology } from "../../components/topology";
import { nameOf, planStack, type Plan } from "../helpers/plan";
import { countBy, expectChildNamesPrefixed, expectStoreAdmitsWorkloadsOfEveryRegion, inRegion, isolatedSubnets, isSecret, ref, refs, T, tags } from "./helpers";

const REGIONS = ["us-east-1", "us-west-2"];
const WRITER = "us-east-1";
const SECONDARY = "us-west-2";

function clusterIn(plan: Plan, region: string) {
  const clusters = inRegion(plan, T.cluster, region);
  expect(clusters, `clusters in ${region}`).toHaveLength(1);
  return clusters[0];
}

function instancesOf(plan: Plan, region: string) {
  const cluster = clusterIn(plan, region);
  return plan.ofType(T.instance).filter((i) => ref(plan, i, "clusterIdentifier").urn === cluster.urn);
}

describe("GlobalDatabase in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("creates one encrypted global cluster, empty (not from an existing cluster), in the writer region with deletion protection", () => {
    const globals = plan.ofType(T.globalCluster);
    expect(globals).toHaveLength(1);
    const g = globals[0];
    expect(plan.regionOf(g)).toBe(WRITER);
    // Prod pins a full version: exactly the configured one, no lookup.
    expect(g.inputs).toMatchObject({ engine: "aurora-postgresql", storageEncrypted: true, deletionProtection: true, engineVersion: "16.9" });
    expect(g.inputs?.sourceDbClusterIdentifier).toBeUndefined();
    // An upgrade through the global cluster must never be undone by the next `pulumi up`.
    expect(g.ignoreChanges).toContain("engineVersion");
    for (const c of plan.ofType(T.cluster)) expect(c.inputs?.engineVersion).toBe(g.inputs?.engineVersion);
  });

  it("joins exactly one cluster per region to the global cluster, each through its own region's provider", () => {
    const g = plan.ofType(T.globalCluster)[0];
    expect(plan.ofType(T.cluster).map((c) => plan.regionOf(c)).sort()).toEqual(REGIONS);
    for (const region of REGIONS) {
      expect(ref(plan, clusterIn(plan, region), "globalClusterIdentifier").urn).toBe(g.urn);
    }
  });

  it("puts 3 instances in each region, in 3 distinct AZs of that region's isolated subnets", () => {
    for (const region of REGIONS) {
      const instances = instancesOf(plan, region);
      expect(instances).toHaveLength(3);
      const azs = instances.map((i) => String(i.inputs?.availabilityZone));
      expect(new Set(azs).size).toBe(3);
      const subnetAzs = isolatedSubnets(plan, region).map((s) => s.inputs?.availabilityZone);
      expect(azs.every((az) => subnetAzs.includes(az))).toBe(true);
      expect(instances.every((i) => plan.regionOf(i) === region && i.inputs?.instanceClass === "db.r6g.xlarge")).toBe(true);
      expect(instances.every((i) => i.inputs?.publiclyAccessible === false)).toBe(true);
    }
  });

  it("makes a reader in another AZ than the first instance the preferred failover target", () => {
    for (const region of REGIONS) {
      const byTier = [...instancesOf(plan, region)].sort((a, b) => Number(a.inputs?.promotionTier) - Number(b.inputs?.promotionTier));
      expect(byTier.map((i) => i.inputs?.promotionTier)).toEqual([0, 1, 2]);
      expect(byTier[1].inputs?.availabilityZone).not.toBe(byTier[0].inputs?.availabilityZone);
      // The first instance is created first, so it is the writer the tiers are relative to.
      for (const later of byTier.slice(1)) expect(later.dependencies).toContain(byTier[0].urn);
    }
  });

  it("gives credentials only to the writer cluster and keeps its password a secret", () => {
    const writer = clusterIn(plan, WRITER);
    expect(writer.inputs).toMatchObject({ masterUsername: "app_admin", databaseName: "app" });
    expect(isSecret(writer.inputs?.masterPassword)).toBe(true);
    expect(ref(plan, writer, "masterPassword").type).toBe(T.password);
    const secondary = clusterIn(plan, SECONDARY);
    for (const key of ["masterUsername", "masterPassword", "masterPasswordWo", "databaseName", "manageMasterUserPassword"]) {
      expect(secondary.inputs?.[key], key).toBeUndefined();
    }
  });

  it("enables global write forwarding on every member, so it still holds after a switchover", () => {
    expect(clusterIn(plan, SECONDARY).inputs).toMatchObject({ enableGlobalWriteForwarding: true, sourceRegion: WRITER });
    expect(clusterIn(plan, WRITER).inputs?.enableGlobalWriteForwarding).toBe(true);
  });

  it("leaves minor upgrades to the global cluster: no member instance upgrades on its own", () => {
    for (const i of plan.ofType(T.instance)) expect(i.inputs?.autoMinorVersionUpgrade).toBe(false);
  });

  it("creates the secondary cluster after every instance of the writer cluster", () => {
    const secondary = clusterIn(plan, SECONDARY);
    for (const i of instancesOf(plan, WRITER)) expect(secondary.dependencies).toContain(i.urn);
    expect(clusterIn(plan, WRITER).dependencies?.some((d) => d.includes("clusterInstance"))).toBe(false);
  });

  it("ignores the drift a switchover or an engine upgrade leaves on clusters and instances", () => {
    for (const c of plan.ofType(T.cluster)) {
      expect(c.ignoreChanges).toEqual(expect.arrayContaining(["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion"]));
      expect(c.inputs?.replicationSourceIdentifier).toBeUndefined();
    }
    for (const i of plan.ofType(T.instance)) expect(i.ignoreChanges).toContain("engineVersion");
  });

  it("encrypts each cluster with a rotating KMS key of its own region", () => {
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(c.inputs?.storageEncrypted).toBe(true);
      const key = ref(plan, c, "kmsKeyId");
      expect(key.type).toBe(T.kmsKey);
      expect(plan.regionOf(key)).toBe(region);
      expect(key.inputs?.enableKeyRotation).toBe(true);
      expect(tags(key)["ha:tier"]).toBe("database");
    }
  });

  it("keeps 14 days of backups, copies tags to snapshots, takes a final snapshot and exports PostgreSQL logs", () => {
    const finals = plan.ofType(T.cluster).map((c) => {
      expect(c.inputs).toMatchObject({
        backupRetentionPeriod: 14,
        preferredBackupWindow: "03:00-04:00",
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        deletionProtection: true,
        enabledCloudwatchLogsExports: ["postgresql"],
        port: 5432,
      });
      return c.inputs?.finalSnapshotIdentifier;
    });
    expect(new Set(finals).size).toBe(2);
  });

  it("spans the isolated subnets of every AZ in each region's subnet group", () => {
    for (const region of REGIONS) {
      const group = ref(plan, clusterIn(plan, region), "dbSubnetGroupName");
      expect(group.type).toBe(T.dbSubnetGroup);
      const subnets = refs(plan, group, "subnetIds");
      expect(subnets.map((s) => s.urn).sort()).toEqual(isolatedSubnets(plan, region).map((s) => s.urn).sort());
      expect(subnets).toHaveLength(3);
      for (const i of instancesOf(plan, region)) expect(ref(plan, i, "dbSubnetGroupName").urn).toBe(group.urn);
    }
  });

  it("admits, on 5432 only, its own region's app-tier group and every other region's workload subnets", () => {
    for (const region of REGIONS) {
      const sgs = refs(plan, clusterIn(plan, region), "vpcSecurityGroupIds");
      expect(sgs).toHaveLength(1);
      expectStoreAdmitsWorkloadsOfEveryRegion(plan, sgs[0], region, REGIONS, 5432);
    }
  });

  it("enforces TLS in every region and sets no RPO bound with a single secondary", () => {
    for (const region of REGIONS) {
      const group = ref(plan, clusterIn(plan, region), "dbClusterParameterGroupName");
      expect(group.inputs?.family).toBe("aurora-postgresql16");
      const params = Object.fromEntries((group.inputs?.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]));
      expect(params["rds.force_ssl"]).toBe("1");
      expect(params["rds.global_db_rpo"]).toBeUndefined();
    }
  });

  it("names every child of the data-tier components after its parent", () => {
    const root = plan.resources.find((r) => r.type === "ha:data:GlobalDatabase")!;
    expectChildNamesPrefixed(plan, root);
    expect(plan.resources.filter((r) => r.type === "ha:data:AuroraRegionalCluster").map(nameOf).sort()).toEqual(["ha-database-us-east-1", "ha-database-us-west-2"]);
  });
});

describe("GlobalDatabase in the dev plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("dev");
  });

  it("keeps the shape (2 regions, instances in distinct AZs) but turns deletion protection off", () => {
    expect(plan.ofType(T.globalCluster)[0].inputs?.deletionProtection).toBe(false);
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(c.inputs).toMatchObject({ deletionProtection: false, backupRetentionPeriod: 1, storageEncrypted: true });
      const azs = instancesOf(plan, region).map((i) => i.inputs?.availabilityZone);
      expect(azs).toHaveLength(2);
      expect(new Set(azs).size).toBe(2);
    }
  });

  it("sets no RPO bound when none is configured", () => {
    for (const group of plan.ofType(T.paramGroup)) {
      expect((group.inputs?.parameters as { name: string }[]).map((p) => p.name)).toEqual(["rds.force_ssl"]);
    }
  });
});

describe("GlobalDatabase with config overrides", () => {
  it("spreads 4 instances over all 3 AZs, no AZ holding more than 2", async () => {
    const plan = await planStack("prod", { "ha-blueprint:database": { instancesPerRegion: 4 } });
    for (const region of REGIONS) {
      const counts = countBy(instancesOf(plan, region).map((i) => String(i.inputs?.availabilityZone)));
      expect(counts.size).toBe(3);
      expect(Math.max(...counts.values())).toBe(2);
    }
  });

  it("builds Aurora MySQL with its own family, port, logs and TLS parameter", async () => {
    const plan = await planStack("staging", { "ha-blueprint:database": { engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.08.0" } });
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(c.inputs).toMatchObject({ engine: "aurora-mysql", port: 3306, enabledCloudwatchLogsExports: ["audit", "error", "slowquery"] });
      const group = ref(plan, c, "dbClusterParameterGroupName");
      expect(group.inputs?.family).toBe("aurora-mysql8.0");
      expect(group.inputs?.parameters).toEqual([{ name: "require_secure_transport", value: "ON", applyMethod: "immediate" }]);
      const rule = plan.ofType(T.ingress).find((r) => ref(plan, r, "securityGroupId").urn === refs(plan, c, "vpcSecurityGroupIds")[0].urn)!;
      expect(rule.inputs).toMatchObject({ fromPort: 3306, toPort: 3306 });
    }
  });

  it("uses a pinned full engine version as given", async () => {
    const plan = await planStack("dev", { "ha-blueprint:database": { engineVersion: "16.4" } });
    expect(plan.ofType(T.globalCluster)[0].inputs?.engineVersion).toBe("16.4");
    expect(plan.ofType(T.cluster).map((c) => c.inputs?.engineVersion)).toEqual(["16.4", "16.4"]);
  });

  it("sets the RPO bound on every member's parameter group once there are two secondaries", async () => {
    const plan = await planStack("dev", {
      "ha-blueprint:regions": [
        { name: "us-east-1", cidr: "10.0.0.0/16", azCount: 2 },
        { name: "us-west-2", cidr: "10.1.0.0/16", azCount: 2 },
        { name: "eu-west-1", cidr: "10.2.0.0/16", azCount: 2 },
      ],
      "ha-blueprint:database": { globalDbRpoSeconds: 30 },
    });
    const groups = plan.ofType(T.paramGroup);
    expect(groups.map((g) => plan.regionOf(g)).sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    for (const g of groups) {
      const params = Object.fromEntries((g.inputs?.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]));
      expect(params["rds.global_db_rpo"], String(plan.regionOf(g))).toBe("30");
    }
    const database = (plan.outputs.topology as Topology).database!;
    if (database.kind !== "aurora-global") throw new Error(`expected aurora-global, got ${database.kind}`);
    expect([...database.rpoBoundRegions].sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    expect(database.globalDbRpoSeconds).toBe(30);
  });

  it("creates the writer (credentials, global cluster) in us-west-2 when that is the writer region", async () => {
    const plan = await planStack("staging", { "ha-blueprint:writerRegion": "us-west-2" });
    expect(plan.regionOf(plan.ofType(T.globalCluster)[0])).toBe("us-west-2");
    expect(clusterIn(plan, "us-west-2").inputs?.masterUsername).toBe("app_admin");
    expect(clusterIn(plan, "us-east-1").inputs).toMatchObject({ enableGlobalWriteForwarding: true, sourceRegion: "us-west-2" });
    expect(clusterIn(plan, "us-east-1").inputs?.masterUsername).toBeUndefined();
  });
});

describe("pinned, patchable engines", () => {
  it("resolves a bare major to AWS's default among global-capable versions, never the newest by creation date", () => {
    const lookup = engineVersionLookup("aurora-postgresql", "16");
    expect(lookup).toEqual({ engine: "aurora-postgresql", version: "16", defaultOnly: true, filters: [{ name: "engine-mode", values: ["global"] }] });
    expect(lookup).not.toHaveProperty("latest");
  });

  it.each([
    ["16.4-limitless", true, /Limitless Database build/],
    ["16.6", false, /does not support global databases/],
  ])("refuses the resolved version %s (global support %s)", (version, global, message) => {
    expect(resolvedVersionProblem(version, global)).toMatch(message);
  });

  it("accepts a resolved version that can join a global database", () => {
    expect(resolvedVersionProblem("16.8", true)).toBeUndefined();
  });

  it("reports the version the global cluster runs in the topology", async () => {
    const plan = await planStack("prod");
    const g = plan.ofType(T.globalCluster)[0];
    const topology = plan.outputs.topology as Topology;
    expect(g.outputs?.engineVersionActual).toBe("16.9");
    expect((topology.database as AuroraGlobalDatabaseTopology).engineVersion).toBe(g.outputs?.engineVersionActual);
  });
});

describe("automated-backup retention under AWS Backup's continuous rule", () => {
  it("creates each cluster with the configured retention and then leaves it to AWS Backup", async () => {
    const plan = await planStack("prod");
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(c.inputs?.backupRetentionPeriod).toBe(14);
      expect(c.ignoreChanges).toContain("backupRetentionPeriod");
    }
  });

  it("keeps managing the retention itself when continuous backup is off", async () => {
    const plan = await planStack("staging", { "ha-blueprint:backup": { continuousBackup: false } });
    for (const region of REGIONS) expect(clusterIn(plan, region).ignoreChanges).not.toContain("backupRetentionPeriod");
  });
});

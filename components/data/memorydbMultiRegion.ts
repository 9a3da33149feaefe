import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "../sdk/random";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { MEMORYDB_MULTI_REGION_MAX_REGIONS, MEMORYDB_MULTI_REGION_REGIONS, MEMORYDB_PORT, memorydbNodeTypeProblem, memorydbVersionProblem } from "./kinds";
import { createStoreKey, createStoreSecurityGroup, REDIS_PASSWORD_RECIPE, RegionalMember, type DataRegion } from "./regionInput";

export interface MemoryDbMultiRegionArgs {
  readonly stack: string;
  /** Every region of the stack; each gets a regional cluster. */
  readonly regions: DataRegion[];
  /**
   * The region whose provider creates the multi-Region cluster object (a control-plane record).
   * Its loss does not stop the other regions' clusters from serving reads and writes.
   */
  readonly homeRegion: string;
  /** Valkey 7.3 or newer. @default "7.3" */
  readonly engineVersion?: string;
  /** R7g, xlarge and bigger; the same in every region. @default "db.r7g.xlarge" */
  readonly nodeType?: string;
  /** Shards per regional cluster (the same in every region). @default 1 */
  readonly numShards?: number;
  /** Replicas per shard in every region, spread over AZs by MemoryDB (1..5). @default 1 */
  readonly replicasPerShard?: number;
  /** @default 1 */
  readonly snapshotRetentionDays?: number;
  /** UTC. @default "05:00-06:00" */
  readonly snapshotWindow?: string;
  /** Weekly, UTC. @default "sun:07:00-sun:08:00" */
  readonly maintenanceWindow?: string;
}

/** One region's member: what the app tier, alarms and the topology read. */
export interface MemoryDbRegionalMember {
  readonly region: string;
  readonly clusterName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** The cluster's configuration endpoint (cluster mode: clients discover the shards from it). */
  readonly endpointAddress: pulumi.Output<string>;
  readonly port: number;
  readonly securityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly nodeCount: number;
  /** The ACL user the region's workload logs in as. */
  readonly userName: string;
  /** That user's password, a Pulumi secret; valid only on this region's cluster. */
  readonly password: pulumi.Output<string>;
}

/**
 * The session store as MemoryDB Multi-Region (Valkey): one `aws.memorydb.MultiRegionCluster` and a
 * regional `aws.memorydb.Cluster` in every region. Each region's workload reads and writes its own
 * regional cluster; MemoryDB replicates every write to the other regions asynchronously (typically
 * within a second) and resolves concurrent writes with last-writer-wins per key (strings) or per
 * sub-key (hash fields, set and sorted-set members). A region cut off from the others keeps
 * taking writes and sends them when it returns. Nothing is promoted when a region is lost.
 *
 * Per region: a customer-managed KMS key, a subnet group over every AZ, a security group on 6379,
 * TLS, daily snapshots, and an ACL with one user whose password is generated per region (the
 * MemoryDB Developer Guide allows different ACLs and keys per regional cluster:
 * https://docs.aws.amazon.com/memorydb/latest/devguide/multi-region.prereq.html).
 */
/** What the workload's user may do: every key and channel, no administration, no flushes. */
export const SESSION_ACCESS_STRING = "on ~* &* +@all -@admin -flushall -flushdb";

export class MemoryDbMultiRegion extends pulumi.ComponentResource {
  /** AWS-prefixed name of the multi-Region cluster (what regional clusters join). */
  public readonly multiRegionClusterName: pulumi.Output<string>;
  public readonly engine = "valkey" as const;
  public readonly engineVersion: string;
  public readonly nodeType: string;
  public readonly numShards: number;
  public readonly replicasPerShard: number;
  public readonly homeRegion: string;
  public readonly port = MEMORYDB_PORT;
  public readonly members: Record<string, MemoryDbRegionalMember> = {};

  constructor(name: string, args: MemoryDbMultiRegionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Defaults and validation come before super(): a bad argument must fail before anything registers.
    const engineVersion = args.engineVersion ?? "7.3";
    const nodeType = args.nodeType ?? "db.r7g.xlarge";
    const numShards = args.numShards ?? 1;
    const replicasPerShard = args.replicasPerShard ?? 1;
    const fail = (message: string) => { throw new Error(`MemoryDbMultiRegion ${name}: ${message}`); };
    const nodeProblem = memorydbNodeTypeProblem(nodeType);
    if (nodeProblem) fail(`nodeType ${nodeType} ${nodeProblem}`);
    const versionProblem = memorydbVersionProblem(engineVersion);
    if (versionProblem) fail(`engineVersion ${engineVersion} ${versionProblem}`);
    if (replicasPerShard < 1 || replicasPerShard > 5) fail(`replicasPerShard is ${replicasPerShard}; use 1..5 (a shard without a replica is lost with its AZ)`);
    if (args.regions.length < 2 || args.regions.length > MEMORYDB_MULTI_REGION_MAX_REGIONS) {
      fail(`${args.regions.length} regions given; a multi-Region cluster spans 2..${MEMORYDB_MULTI_REGION_MAX_REGIONS}`);
    }
    const unsupported = args.regions.filter((r) => !MEMORYDB_MULTI_REGION_REGIONS.includes(r.region)).map((r) => r.region);
    if (unsupported.length > 0) fail(`MemoryDB Multi-Region is not offered in ${unsupported.join(", ")}`);
    const home = args.regions.find((r) => r.region === args.homeRegion);
    if (!home) fail(`homeRegion ${args.homeRegion} is not one of the regions (${args.regions.map((r) => r.region).join(", ")})`);
    for (const r of args.regions) {
      if (r.availabilityZones.length < 2) fail(`${r.region} has ${r.availabilityZones.length} AZ; replicas need a second AZ`);
    }
    super("ha:data:MemoryDbMultiRegion", name, {}, opts);
    this.engineVersion = engineVersion;
    this.nodeType = nodeType;
    this.numShards = numShards;
    this.replicasPerShard = replicasPerShard;
    this.homeRegion = args.homeRegion;

    // Engine, version, node type, shard count and TLS belong to the multi-Region cluster; every
    // regional cluster must carry the same values (MemoryDB "Prerequisites and limitations").
    const suffix = physicalName({ stack: args.stack, role: "sessions" }, 40);
    const mrc = new aws.memorydb.MultiRegionCluster(`${name}-global`, {
      multiRegionClusterNameSuffix: suffix,
      description: "Session store: MemoryDB Multi-Region (active-active)",
      engine: this.engine,
      engineVersion,
      nodeType,
      numShards,
      tlsEnabled: true,
      tags: tierTags("sessions", suffix),
    }, { parent: this, provider: home!.provider });
    this.multiRegionClusterName = mrc.multiRegionClusterName;

    for (const r of args.regions) {
      this.members[r.region] = this.regionalMember(`${name}-${r.region}`, r, args, mrc);
    }
    this.registerOutputs({ multiRegionClusterName: this.multiRegionClusterName });
  }

  private regionalMember(name: string, r: DataRegion, args: MemoryDbMultiRegionArgs, mrc: aws.memorydb.MultiRegionCluster): MemoryDbRegionalMember {
    const at = { parent: this, provider: r.provider };
    const nameOf = (role: string, max = 40) => physicalName({ stack: args.stack, region: r.region, role }, max);
    const guard = { stack: args.stack, region: r.region, tier: "sessions" as const, role: "sessions", what: "the session store (MemoryDB)" };
    // Components pass their provider to children through `providers`; the guard's helpers take a parent.
    const holder = new RegionalMember("ha:data:MemoryDbRegion", name, { parent: this, providers: [r.provider] });
    const key = createStoreKey(name, guard, holder);
    // Only this region's workloads connect: each region reads and writes its own member, and
    // MemoryDB replicates between members itself, so no peer region's CIDR is admitted.
    const securityGroup = createStoreSecurityGroup(name, {
      ...guard, vpcId: r.vpcId, port: MEMORYDB_PORT, appSecurityGroupId: r.appSecurityGroupId, peerWorkloadCidrs: [],
    }, holder);

    const subnetGroupName = nameOf("sessions-subnets", 255);
    const subnetGroup = new aws.memorydb.SubnetGroup(`${name}-subnets`, {
      name: subnetGroupName,
      description: "Isolated subnets of every AZ in the cell",
      subnetIds: r.isolatedSubnetIds,
      tags: tierTags("sessions", subnetGroupName),
    }, { ...at, parent: holder });

    // Passwords: 16..128 printable characters, without the characters MemoryDB refuses.
    const password = new random.RandomPassword(`${name}-password`, REDIS_PASSWORD_RECIPE, { parent: holder });
    const userName = nameOf("sessions-app");
    // Every key and channel, every command but administration (CONFIG, DEBUG, SHUTDOWN, ...) and
    // flushing everything. Not -@dangerous: that category holds INFO, which clients such as
    // ioredis call on connect (ready check), so the app could not log in.
    const user = new aws.memorydb.User(`${name}-user`, {
      userName,
      accessString: SESSION_ACCESS_STRING,
      authenticationMode: { type: "password", passwords: [pulumi.secret(password.result)] },
      tags: tierTags("sessions", userName),
    }, { ...at, parent: holder });
    const aclName = nameOf("sessions-acl");
    const acl = new aws.memorydb.Acl(`${name}-acl`, {
      name: aclName,
      userNames: [user.userName],
      tags: tierTags("sessions", aclName),
    }, { ...at, parent: holder });

    const clusterName = nameOf("sessions");
    const cluster = new aws.memorydb.Cluster(`${name}-cluster`, {
      name: clusterName,
      description: "Session store, regional member of the MemoryDB Multi-Region cluster",
      multiRegionClusterName: mrc.multiRegionClusterName,
      engine: mrc.engine,
      engineVersion: mrc.engineVersion,
      nodeType: mrc.nodeType,
      numShards: mrc.numShards,
      // Each shard's replicas go to other AZs than its primary (MemoryDB places them Multi-AZ).
      numReplicasPerShard: args.replicasPerShard ?? 1,
      tlsEnabled: true,
      kmsKeyArn: key.arn,
      aclName: acl.name,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.id],
      port: MEMORYDB_PORT,
      snapshotRetentionLimit: args.snapshotRetentionDays ?? 1,
      snapshotWindow: args.snapshotWindow ?? "05:00-06:00",
      maintenanceWindow: args.maintenanceWindow ?? "sun:07:00-sun:08:00",
      autoMinorVersionUpgrade: true,
      finalSnapshotName: nameOf("sessions-final", 255),
      tags: tierTags("sessions", clusterName),
    }, {
      ...at,
      parent: holder,
      // Versions are upgraded through the multi-Region cluster, never per region.
      ignoreChanges: ["engineVersion"],
    });

    const nodeCount = this.numShards * (1 + (args.replicasPerShard ?? 1));
    holder.complete({ clusterName: cluster.name });
    return {
      region: r.region,
      clusterName: cluster.name,
      arn: cluster.arn,
      endpointAddress: cluster.clusterEndpoints.apply((e) => e[0]?.address ?? ""),
      port: MEMORYDB_PORT,
      securityGroupId: securityGroup.id,
      kmsKeyArn: key.arn,
      nodeCount,
      userName,
      password: pulumi.secret(password.result),
    };
  }
}

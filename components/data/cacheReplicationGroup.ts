import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { CACHE_PORT, globalDatastoreNodeTypeProblem, zoneIndexFor, type CacheEngine } from "./engine";
import { createStoreGuard, type PeerWorkloadCidrs } from "./regionInput";

/**
 * How a member joins the global datastore. The primary decides engine, version, node type and
 * encryption; a secondary must not set them (AWS copies them from the primary and rejects the
 * create otherwise), it only names the global datastore.
 */
export type CacheGroupRole =
  | { readonly kind: "primary"; readonly engine: CacheEngine; readonly engineVersion: string; readonly nodeType: string }
  | { readonly kind: "secondary"; /** The AWS-prefixed id (`GlobalReplicationGroup.globalReplicationGroupId`). */ readonly globalReplicationGroupId: pulumi.Input<string> };

export interface CacheReplicationGroupArgs {
  readonly stack: string;
  readonly region: string;
  readonly role: CacheGroupRole;
  readonly vpcId: pulumi.Input<string>;
  /** Isolated subnets of every AZ. */
  readonly subnetIds: pulumi.Input<string>[];
  /** AZ of each subnet; nodes are placed round-robin over them, the first is the primary node's. */
  readonly availabilityZones: pulumi.Input<string>[];
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** Other regions' workload CIDRs, admitted on the cache port over the peering. @default [] */
  readonly peerWorkloadCidrs?: PeerWorkloadCidrs[];
  /** AUTH token (16..128 chars, TLS required); pass a Pulumi secret. */
  readonly authToken: pulumi.Input<string>;
  /** Nodes (primary + replicas), at least 2 for automatic failover and Multi-AZ. @default 2 */
  readonly nodeCount?: number;
  /** Days ElastiCache keeps daily snapshots; AWS Backup cannot back ElastiCache up. @default 1 */
  readonly snapshotRetentionDays?: number;
  /** UTC. @default "05:00-06:00" */
  readonly snapshotWindow?: string;
  /** Weekly, UTC, must not overlap the snapshot window. @default "sun:07:00-sun:08:00" */
  readonly maintenanceWindow?: string;
}

/**
 * One region's replication group in the session store's global datastore: KMS key, security
 * group, cache subnet group and a cluster-mode-disabled replication group with automatic failover
 * and Multi-AZ across the region's AZs. The primary and every secondary use this code path.
 */
export class CacheReplicationGroup extends pulumi.ComponentResource {
  public readonly replicationGroupId: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  /** The group's primary node endpoint (read-only while this region is a secondary). */
  public readonly primaryEndpointAddress: pulumi.Output<string>;
  public readonly readerEndpointAddress: pulumi.Output<string>;
  public readonly port: number;
  public readonly nodeCount: number;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: CacheReplicationGroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Defaults and validation come before super(): a bad argument must fail before anything registers.
    const nodeCount = args.nodeCount ?? 2;
    const snapshotRetentionDays = args.snapshotRetentionDays ?? 1;
    const snapshotWindow = args.snapshotWindow ?? "05:00-06:00";
    const maintenanceWindow = args.maintenanceWindow ?? "sun:07:00-sun:08:00";
    const zoneCount = args.availabilityZones.length;
    if (nodeCount < 2) throw new Error(`CacheReplicationGroup ${name}: nodeCount is ${nodeCount}; automatic failover and Multi-AZ need at least 2`);
    if (nodeCount > 6) throw new Error(`CacheReplicationGroup ${name}: nodeCount is ${nodeCount}; a group holds a primary and at most 5 replicas`);
    if (zoneCount < 2) throw new Error(`CacheReplicationGroup ${name}: ${zoneCount} AZ given; nodes must spread over at least 2`);
    if (args.subnetIds.length !== zoneCount) throw new Error(`CacheReplicationGroup ${name}: ${args.subnetIds.length} subnets for ${zoneCount} AZs; give one subnet per AZ`);
    if (args.role.kind === "primary") {
      const problem = globalDatastoreNodeTypeProblem(args.role.nodeType);
      if (problem) throw new Error(`CacheReplicationGroup ${name}: nodeType ${args.role.nodeType} ${problem}`);
    }
    super("ha:data:CacheReplicationGroup", name, {}, opts);

    const nameOf = (role: string, max = 255) => physicalName({ stack: args.stack, region: args.region, role }, max);
    const parent = { parent: this };
    const { key, securityGroup } = createStoreGuard(name, {
      stack: args.stack, region: args.region, tier: "sessions", role: "sessions", what: "the session store",
      vpcId: args.vpcId, port: CACHE_PORT, appSecurityGroupId: args.appSecurityGroupId, peerWorkloadCidrs: args.peerWorkloadCidrs ?? [],
    }, this);

    const subnetGroup = new aws.elasticache.SubnetGroup(`${name}-subnets`, {
      name: nameOf("sessions-subnets"),
      description: "Isolated subnets of every AZ in the cell",
      subnetIds: args.subnetIds,
      tags: tierTags("sessions", nameOf("sessions-subnets")),
    }, parent);

    // Replication group ids are at most 40 characters.
    const replicationGroupId = nameOf("sessions", 40);
    const role = args.role;
    const group = new aws.elasticache.ReplicationGroup(`${name}-group`, {
      replicationGroupId,
      description: `Session store, ${role.kind} member of the global datastore`,
      ...(role.kind === "primary"
        ? {
          engine: role.engine,
          engineVersion: role.engineVersion,
          nodeType: role.nodeType,
          transitEncryptionEnabled: true,
          atRestEncryptionEnabled: true,
        }
        : { globalReplicationGroupId: role.globalReplicationGroupId }),
      // The key is regional, so each member names its own region's key.
      kmsKeyId: key.arn,
      authToken: pulumi.secret(args.authToken),
      // On a token change (SessionStore.authTokenRotation), keep the old token valid next to the
      // new one until it is removed with SET: pods roll onto the new Secret without an outage
      // (ElastiCache User Guide, "Modifying the AUTH token on an existing cluster").
      authTokenUpdateStrategy: "ROTATE",
      numCacheClusters: nodeCount,
      preferredCacheClusterAzs: Array.from({ length: nodeCount }, (_, i) => args.availabilityZones[zoneIndexFor(i, zoneCount)]),
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: CACHE_PORT,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.id],
      snapshotRetentionLimit: snapshotRetentionDays,
      snapshotWindow,
      maintenanceWindow,
      // ElastiCache turns this off on every global datastore member and refuses to turn it back on
      // ("Prerequisites and limitations"): sending true would be a diff, and a failed modify, on
      // every `pulumi up`. Versions move through the global datastore.
      autoMinorVersionUpgrade: false,
      // Deleting a group deletes its automatic snapshots; the writer's group (standalone by the
      // time Pulumi deletes it, after the secondaries and the global datastore) keeps a final one.
      ...(role.kind === "primary" ? { finalSnapshotIdentifier: nameOf("sessions-final") } : {}),
      tags: tierTags("sessions", replicationGroupId),
    }, {
      parent: this,
      // AWS rejects changes to automatic failover on global members, and versions are managed
      // through the global datastore, so plans must not keep proposing either.
      ignoreChanges: ["automaticFailoverEnabled", "engineVersion"],
    });

    this.replicationGroupId = group.replicationGroupId;
    this.arn = group.arn;
    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
    this.port = CACHE_PORT;
    this.nodeCount = nodeCount;
    this.securityGroupId = securityGroup.id;
    this.kmsKeyArn = key.arn;
    this.registerOutputs({
      replicationGroupId: this.replicationGroupId,
      primaryEndpointAddress: this.primaryEndpointAddress,
      readerEndpointAddress: this.readerEndpointAddress,
      securityGroupId: this.securityGroupId,
    });
  }
}

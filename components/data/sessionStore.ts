import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "../sdk/random";
import { physicalName } from "../naming";
import { CacheReplicationGroup } from "./cacheReplicationGroup";
import { CACHE_PORT, cacheVersionProblem, globalDatastoreNodeTypeProblem, type CacheEngine } from "./engine";
import { REDIS_PASSWORD_RECIPE, type DataRegion } from "./regionInput";

export interface SessionStoreArgs {
  /** The Pulumi stack name, used in physical names. */
  readonly stack: string;
  /** Every region of the stack (a global datastore has at most two secondary regions). */
  readonly regions: DataRegion[];
  /** The region whose replication group is created as the primary (creation-time shape only). */
  readonly writerRegion: string;
  /** @default "valkey" */
  readonly engine?: CacheEngine;
  /** Valkey 7.2+ or Redis OSS 5.0.6+. @default "8.0" */
  readonly engineVersion?: string;
  /** Large or bigger, M5/M6g/M7g/R5/R6g/R6gd/R7g/C7gn; the same in every region. @default "cache.r7g.large" */
  readonly nodeType?: string;
  /** Nodes per regional group, spread over the region's AZs. @default 2 */
  readonly nodesPerRegion?: number;
  /** @default 1 */
  readonly snapshotRetentionDays?: number;
  /**
   * Bump to rotate the AUTH token: a new token is generated and set with the ROTATE strategy, so
   * the old one keeps working while the pods roll onto the new Secret (see
   * docs/components/session-store.md, "Who may log in"). @default 1
   */
  readonly authTokenRotation?: number;
  /** UTC. @default "05:00-06:00" */
  readonly snapshotWindow?: string;
  /** Weekly, UTC, must not overlap the snapshot window. @default "sun:07:00-sun:08:00" */
  readonly maintenanceWindow?: string;
}

/**
 * The session store of kind `elasticache-global`: an ElastiCache (Valkey or Redis OSS)
 * replication group per region joined in one global datastore. The writer region's group is the
 * primary; the others replicate from it and are promoted only by an explicit failover
 * (ElastiCache never fails over across regions).
 *
 * A global datastore has no global write address. There is deliberately no DNS record that
 * follows the primary: repointing a Route 53 private record is a control-plane call served from
 * us-east-1 only, so it would fail exactly when that region is lost. Instead every workload gets
 * every region's primary endpoint and writes to the one whose `ROLE` is master
 * (docs/components/session-store.md).
 */
export class SessionStore extends pulumi.ComponentResource {
  /** The AWS-prefixed global datastore id (what FailoverGlobalReplicationGroup takes). */
  public readonly globalReplicationGroupId: pulumi.Output<string>;
  public readonly engine: CacheEngine;
  public readonly engineVersion: string;
  public readonly writerRegion: string;
  public readonly port: number;
  /** A Pulumi secret; the same token is valid on every member. */
  public readonly authToken: pulumi.Output<string>;
  /** The regional replication groups by region name. */
  public readonly groups: Record<string, CacheReplicationGroup> = {};

  constructor(name: string, args: SessionStoreArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Defaults and validation come before super(): a bad argument must fail before anything registers.
    const engine = args.engine ?? "valkey";
    const engineVersion = args.engineVersion ?? "8.0";
    const nodeType = args.nodeType ?? "cache.r7g.large";
    const nodesPerRegion = args.nodesPerRegion ?? 2;
    if (nodesPerRegion < 2 || nodesPerRegion > 6) {
      throw new Error(`SessionStore ${name}: nodesPerRegion is ${nodesPerRegion}; use 2..6 (automatic failover needs a replica, a group holds at most 5)`);
    }

    const writer = args.regions.find((r) => r.region === args.writerRegion);
    if (!writer) {
      throw new Error(`SessionStore ${name}: writerRegion ${args.writerRegion} is not one of the regions (${args.regions.map((r) => r.region).join(", ")})`);
    }
    if (args.regions.length < 2 || args.regions.length > 3) {
      throw new Error(`SessionStore ${name}: ${args.regions.length} regions given; a global datastore has a primary and one or two secondary regions`);
    }
    const nodeProblem = globalDatastoreNodeTypeProblem(nodeType);
    if (nodeProblem) throw new Error(`SessionStore ${name}: nodeType ${nodeType} ${nodeProblem}`);
    const versionProblem = cacheVersionProblem(engine, engineVersion);
    if (versionProblem) throw new Error(`SessionStore ${name}: engineVersion ${engineVersion} ${versionProblem}`);
    const rotation = args.authTokenRotation ?? 1;
    if (!Number.isInteger(rotation) || rotation < 1) throw new Error(`SessionStore ${name}: authTokenRotation is ${rotation}; use a positive integer and bump it to rotate`);
    super("ha:data:SessionStore", name, {}, opts);
    this.engine = engine;
    this.engineVersion = engineVersion;
    this.writerRegion = args.writerRegion;
    this.port = CACHE_PORT;

    // AUTH, not RBAC: the global datastore prerequisites list encryption at rest, in transit and
    // AUTH as what global datastores support, and no user groups (ElastiCache User Guide,
    // "Prerequisites and limitations"). ElastiCache AUTH tokens allow only these special characters.
    const token = new random.RandomPassword(`${name}-auth-token`, {
      ...REDIS_PASSWORD_RECIPE,
      keepers: { rotation: String(rotation) },
    }, { parent: this });
    this.authToken = pulumi.secret(token.result);

    const regional = (r: DataRegion) => ({
      stack: args.stack,
      region: r.region,
      vpcId: r.vpcId,
      subnetIds: r.isolatedSubnetIds,
      availabilityZones: r.availabilityZones,
      appSecurityGroupId: r.appSecurityGroupId,
      peerWorkloadCidrs: r.peerWorkloadCidrs,
      authToken: this.authToken,
      nodeCount: nodesPerRegion,
      snapshotRetentionDays: args.snapshotRetentionDays ?? 1,
      snapshotWindow: args.snapshotWindow ?? "05:00-06:00",
      maintenanceWindow: args.maintenanceWindow ?? "sun:07:00-sun:08:00",
    });

    const primary = new CacheReplicationGroup(`${name}-${writer.region}`, {
      ...regional(writer),
      role: { kind: "primary", engine, engineVersion, nodeType },
    }, { parent: this, providers: [writer.provider] });
    this.groups[writer.region] = primary;

    const suffix = physicalName({ stack: args.stack, role: "sessions" }, 40);
    const globalGroup = new aws.elasticache.GlobalReplicationGroup(`${name}-global`, {
      globalReplicationGroupIdSuffix: suffix,
      globalReplicationGroupDescription: "Session store global datastore",
      primaryReplicationGroupId: primary.replicationGroupId,
    }, {
      parent: this,
      provider: writer.provider,
      // After a promotion AWS reports another member as primary; the id is ForceNew, so without
      // this the next `pulumi up` would replace the whole global datastore.
      ignoreChanges: ["primaryReplicationGroupId"],
    });

    for (const r of args.regions.filter((x) => x !== writer)) {
      this.groups[r.region] = new CacheReplicationGroup(`${name}-${r.region}`, {
        ...regional(r),
        role: { kind: "secondary", globalReplicationGroupId: globalGroup.globalReplicationGroupId },
      }, { parent: this, providers: [r.provider] });
    }

    this.globalReplicationGroupId = globalGroup.globalReplicationGroupId;
    this.registerOutputs({ globalReplicationGroupId: this.globalReplicationGroupId });
  }
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import {
  auroraClusterParameters, auroraLogExports, auroraParameterGroupFamily, auroraPort, isGlobalDatabaseInstanceClass,
  promotionTierFor, zoneIndexFor, type AuroraEngine,
} from "./engine";
import { createStoreGuard, type PeerWorkloadCidrs } from "./regionInput";

/** The role a regional cluster is created with. Only the initial writer holds credentials. */
export type AuroraClusterRole =
  | {
    readonly kind: "writer";
    /** Master user name. ForceNew: changing it replaces the cluster. */
    readonly masterUsername: string;
    /** Database created with the cluster. ForceNew: changing it replaces the cluster. */
    readonly databaseName: string;
    /** Master password; pass a Pulumi secret. */
    readonly masterPassword: pulumi.Input<string>;
  }
  | {
    readonly kind: "secondary";
    /** The initial writer's region (the encrypted replica's source). */
    readonly sourceRegion: string;
    /**
     * Created after these (the writer's instances): AWS rejects a secondary cluster while the
     * primary has no instance ("The parameter MasterUsername must be provided").
     */
    readonly createAfter: pulumi.Resource[];
  };

export interface AuroraRegionalClusterArgs {
  readonly stack: string;
  /** The region; the caller's `providers` must point there. */
  readonly region: string;
  readonly role: AuroraClusterRole;
  /** The `aws.rds.GlobalCluster` this cluster joins. */
  readonly globalClusterIdentifier: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  /** Isolated subnets of every AZ; the subnet group spans them all. */
  readonly subnetIds: pulumi.Input<string>[];
  /** AZ of each subnet; instances are placed round-robin over them. */
  readonly availabilityZones: pulumi.Input<string>[];
  /** The in-region app-tier security group admitted on the database port. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** Other regions' workload CIDRs, admitted on the database port over the peering. @default [] */
  readonly peerWorkloadCidrs?: PeerWorkloadCidrs[];
  /** @default "aurora-postgresql" */
  readonly engine?: AuroraEngine;
  /**
   * The resolved engine version (GlobalDatabase resolves a bare major). Only the major decides the
   * parameter-group family, so pass `parameterGroupFamily` when this is an Output.
   * @default "16.6"
   */
  readonly engineVersion?: pulumi.Input<string>;
  /** @default - derived from a plain `engineVersion` */
  readonly parameterGroupFamily?: string;
  /**
   * Aurora PostgreSQL `rds.global_db_rpo` in seconds, set on this member's parameter group.
   * @default - unset
   */
  readonly globalDbRpoSeconds?: number;
  /** Memory-optimised classes only (global databases reject burstable ones). @default "db.r6g.large" */
  readonly instanceClass?: string;
  /** Instances, each in the next AZ round-robin (writer plus readers). @default 2 */
  readonly instanceCount?: number;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /**
   * AWS Backup's continuous rule manages the retention (it raises it to the rule's days): the
   * cluster is created with `backupRetentionDays` and then ignores `backupRetentionPeriod`.
   * @default false
   */
  readonly backupRetentionManagedByAwsBackup?: boolean;
  /** UTC. @default "03:00-04:00" */
  readonly preferredBackupWindow?: string;
  /** @default true */
  readonly deletionProtection?: boolean;
}

/**
 * One region's member of an Aurora global database: KMS key, security group, subnet group, cluster
 * parameter group, the cluster and its instances. The writer and every secondary are built by this
 * same code path; only `role` differs (credentials on the writer, write forwarding on secondaries).
 */
export class AuroraRegionalCluster extends pulumi.ComponentResource {
  public readonly clusterArn: pulumi.Output<string>;
  public readonly clusterIdentifier: pulumi.Output<string>;
  /** This cluster's own writer endpoint (only accepts writes while this region is the writer). */
  public readonly clusterEndpoint: pulumi.Output<string>;
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly port: number;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** The DB subnet group (restore tests put their restored clusters in it). */
  public readonly subnetGroupName: pulumi.Output<string>;
  /** A closed group for clusters that AWS Backup restore tests create: no client can reach them. */
  public readonly restoreTestSecurityGroupId: pulumi.Output<string>;
  /** The instances, for ordering only (a secondary is created after the writer's instances). */
  public readonly instances: aws.rds.ClusterInstance[];

  constructor(name: string, args: AuroraRegionalClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Defaults and validation come before super(): a bad argument must fail before anything registers.
    const engine = args.engine ?? "aurora-postgresql";
    const engineVersion = args.engineVersion ?? "16.6";
    const instanceClass = args.instanceClass ?? "db.r6g.large";
    const instanceCount = args.instanceCount ?? 2;
    const backupRetentionDays = args.backupRetentionDays ?? 7;
    const preferredBackupWindow = args.preferredBackupWindow ?? "03:00-04:00";
    const deletionProtection = args.deletionProtection ?? true;
    const zoneCount = args.availabilityZones.length;
    if (instanceCount < 2) throw new Error(`AuroraRegionalCluster ${name}: instanceCount is ${instanceCount}; at least 2 (a reader in another AZ) are needed`);
    if (zoneCount < 2) throw new Error(`AuroraRegionalCluster ${name}: ${zoneCount} AZ given; instances must spread over at least 2`);
    if (args.subnetIds.length !== zoneCount) throw new Error(`AuroraRegionalCluster ${name}: ${args.subnetIds.length} subnets for ${zoneCount} AZs; give one subnet per AZ`);
    if (!isGlobalDatabaseInstanceClass(instanceClass)) {
      throw new Error(`AuroraRegionalCluster ${name}: instanceClass ${instanceClass} cannot join a global database; use a memory-optimised class such as db.r6g.large`);
    }
    super("ha:data:AuroraRegionalCluster", name, {}, opts);

    const port = auroraPort(engine);
    const name63 = (role: string) => physicalName({ stack: args.stack, region: args.region, role }, 63);
    const tags = (role: string) => tierTags("database", name63(role));
    const parent = { parent: this };

    const { key, securityGroup } = createStoreGuard(name, {
      stack: args.stack, region: args.region, tier: "database", role: "aurora", what: "the Aurora cluster",
      vpcId: args.vpcId, port, appSecurityGroupId: args.appSecurityGroupId, peerWorkloadCidrs: args.peerWorkloadCidrs ?? [],
    }, this);

    // No rules at all: a test restore proves the recovery point restores, it serves no one.
    const restoreTestSg = new aws.ec2.SecurityGroup(`${name}-restore-test-sg`, {
      name: name63("aurora-restore-test"),
      description: "Clusters created by AWS Backup restore tests: no ingress, no egress",
      vpcId: args.vpcId,
      tags: tags("aurora-restore-test"),
    }, parent);

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
      name: name63("aurora-subnets"),
      description: "Isolated subnets of every AZ in the cell",
      subnetIds: args.subnetIds,
      tags: tags("aurora-subnets"),
    }, parent);

    const family = args.parameterGroupFamily ?? auroraParameterGroupFamily(engine, typeof engineVersion === "string" ? engineVersion : "16");
    const parameterGroup = new aws.rds.ClusterParameterGroup(`${name}-params`, {
      // The family is in the name so a major upgrade creates the new group before the old one goes.
      name: name63(`aurora-${family}`),
      family,
      description: `Cluster parameters (${args.role.kind})`,
      parameters: auroraClusterParameters(engine, { globalDbRpoSeconds: args.globalDbRpoSeconds }),
      tags: tags(`aurora-${family}`),
    }, parent);

    const role = args.role;
    const clusterIdentifier = name63("aurora");
    const cluster = new aws.rds.Cluster(`${name}-cluster`, {
      clusterIdentifier,
      engine,
      engineVersion,
      globalClusterIdentifier: args.globalClusterIdentifier,
      ...(role.kind === "writer"
        ? { masterUsername: role.masterUsername, databaseName: role.databaseName, masterPassword: pulumi.secret(role.masterPassword) }
        : { sourceRegion: role.sourceRegion }),
      // On every member, the writer included: on the primary it does nothing until a global
      // switchover or failover demotes it, then applies at once (RDS API Reference,
      // CreateDBCluster EnableGlobalWriteForwarding), so forwarding never lapses after a drill.
      enableGlobalWriteForwarding: true,
      port,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      dbClusterParameterGroupName: parameterGroup.name,
      storageEncrypted: true,
      kmsKeyId: key.arn,
      backupRetentionPeriod: backupRetentionDays,
      preferredBackupWindow,
      copyTagsToSnapshot: true,
      deletionProtection,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: name63("aurora-final"),
      enabledCloudwatchLogsExports: auroraLogExports(engine),
      tags: tags("aurora"),
    }, {
      parent: this,
      dependsOn: role.kind === "secondary" ? role.createAfter : [],
      // The writer region is runtime state: a switchover or failover must never make the next
      // `pulumi up` detach, promote or downgrade a member (see docs/components/global-database.md).
      ignoreChanges: [
        "globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion",
        // Under a continuous backup rule AWS Backup owns the automated-backup retention (AWS
        // Backup Developer Guide, "Continuous backups and point-in-time recovery (PITR)"); setting
        // it back at every up would shorten the point-in-time window AWS Backup keeps.
        ...(args.backupRetentionManagedByAwsBackup ? ["backupRetentionPeriod"] : []),
      ],
    });

    const instances: aws.rds.ClusterInstance[] = [];
    for (let i = 0; i < instanceCount; i++) {
      const instanceRole = `aurora-${i + 1}`;
      instances.push(new aws.rds.ClusterInstance(`${name}-instance-${i + 1}`, {
        identifier: name63(instanceRole),
        clusterIdentifier: cluster.id,
        engine: engine as aws.rds.EngineType,
        instanceClass,
        availabilityZone: args.availabilityZones[zoneIndexFor(i, zoneCount)],
        promotionTier: promotionTierFor(i),
        dbSubnetGroupName: subnetGroup.name,
        publiclyAccessible: false,
        // Versions of a global database move together through the global cluster
        // (ModifyGlobalCluster); a member-level automatic upgrade would split the members'
        // versions, and managed switchover needs them equal (Aurora User Guide, "Upgrading an
        // Amazon Aurora global database").
        autoMinorVersionUpgrade: false,
        copyTagsToSnapshot: true,
        tags: tags(instanceRole),
      }, {
        parent: this,
        // The first instance becomes the writer when it is the first one available.
        dependsOn: i === 0 ? [] : [instances[0]],
        ignoreChanges: ["engineVersion"],
      }));
    }

    this.clusterArn = cluster.arn;
    this.clusterIdentifier = cluster.clusterIdentifier;
    this.clusterEndpoint = cluster.endpoint;
    this.readerEndpoint = cluster.readerEndpoint;
    this.port = port;
    this.securityGroupId = securityGroup.id;
    this.kmsKeyArn = key.arn;
    this.subnetGroupName = subnetGroup.name;
    this.restoreTestSecurityGroupId = restoreTestSg.id;
    this.instances = instances;
    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterIdentifier: this.clusterIdentifier,
      readerEndpoint: this.readerEndpoint,
      securityGroupId: this.securityGroupId,
    });
  }
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "../sdk/random";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { AuroraRegionalCluster } from "./auroraRegionalCluster";
import {
  auroraParameterGroupFamily, auroraPort, auroraVersionProblem, engineVersionLookup, isGlobalDatabaseInstanceClass, isMajorOnly,
  resolvedVersionProblem, type AuroraEngine,
} from "./engine";
import type { DataRegion } from "./regionInput";

export interface GlobalDatabaseArgs {
  /** The Pulumi stack name, used in physical names. */
  readonly stack: string;
  /** Every region of the stack, each with its own provider, isolated subnets and app security group. */
  readonly regions: DataRegion[];
  /**
   * The region whose cluster is created as the writer (it holds the credentials). This is the
   * creation-time shape only: after a switchover the program changes nothing, so leave it as is.
   */
  readonly writerRegion: string;
  /** @default "aurora-postgresql" */
  readonly engine?: AuroraEngine;
  /**
   * A full version ("16.9"), or a bare major ("16") resolved at deploy time to the default minor
   * AWS designates for that major among versions that can join a global database
   * (`aws.rds.getEngineVersion`, in the writer region). Prod pins a full version (config refuses
   * a bare major there).
   * @default "16"
   */
  readonly engineVersion?: string;
  /**
   * AWS Backup's continuous rule manages the clusters' automated-backup retention: the clusters
   * are created with `backupRetentionDays` and then ignore `backupRetentionPeriod`, so `pulumi up`
   * never sets back what AWS Backup set.
   * @default false
   */
  readonly backupRetentionManagedByAwsBackup?: boolean;
  /** Memory-optimised classes only. @default "db.r6g.large" */
  readonly instanceClass?: string;
  /** Instances per regional cluster, spread over the region's AZs. @default 2 */
  readonly instancesPerRegion?: number;
  /** ForceNew on the writer cluster. @default "app" */
  readonly databaseName?: string;
  /** ForceNew on the writer cluster. @default "app_admin" */
  readonly masterUsername?: string;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** @default "03:00-04:00" */
  readonly preferredBackupWindow?: string;
  /** On the global cluster and every regional cluster. @default true */
  readonly deletionProtection?: boolean;
  /**
   * Aurora PostgreSQL `rds.global_db_rpo` in seconds (>= 20), set on every member's parameter
   * group. Needs at least two secondaries: with one, that secondary region's loss or lag blocks
   * every commit on the writer.
   * @default - unset: replication lag is unbounded (typically under a second)
   */
  readonly globalDbRpoSeconds?: number;
}

/**
 * An Aurora global database: one `aws.rds.GlobalCluster` (created empty, never from an existing
 * cluster) and one `AuroraRegionalCluster` per region, the writer first and every secondary after
 * the writer's instances. Apps write through the global writer endpoint, which follows the writer
 * across switchovers, and read from their own region's reader endpoint.
 */
export class GlobalDatabase extends pulumi.ComponentResource {
  public readonly globalClusterIdentifier: pulumi.Output<string>;
  public readonly globalClusterArn: pulumi.Output<string>;
  /** Global writer endpoint: always resolves to the current writer region's writer instance. */
  public readonly writerEndpoint: pulumi.Output<string>;
  public readonly engine: AuroraEngine;
  /**
   * The version the global cluster runs (`engineVersionActual`): after a minor upgrade through the
   * global cluster, this follows it at the next `pulumi up --refresh`, not the version configured.
   */
  public readonly engineVersion: pulumi.Output<string>;
  /** The version configured or resolved for a bare major: what new members are created with. */
  public readonly configuredEngineVersion: pulumi.Output<string>;
  public readonly writerRegion: string;
  public readonly port: number;
  public readonly databaseName: string;
  public readonly masterUsername: string;
  /** A Pulumi secret. */
  public readonly masterPassword: pulumi.Output<string>;
  /** `rds.global_db_rpo` in seconds, when configured. */
  public readonly globalDbRpoSeconds?: number;
  /** Regions whose cluster parameter group carries `rds.global_db_rpo`. */
  public readonly rpoBoundRegions: string[];
  /** The regional clusters by region name. */
  public readonly clusters: Record<string, AuroraRegionalCluster> = {};

  constructor(name: string, args: GlobalDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Defaults and validation come before super(): a bad argument must fail before anything registers.
    const engine = args.engine ?? "aurora-postgresql";
    const engineVersion = args.engineVersion ?? "16";
    const instanceClass = args.instanceClass ?? "db.r6g.large";
    const deletionProtection = args.deletionProtection ?? true;
    const instancesPerRegion = args.instancesPerRegion ?? 2;
    if (instancesPerRegion < 2) throw new Error(`GlobalDatabase ${name}: instancesPerRegion is ${instancesPerRegion}; at least 2 (a reader in another AZ) are needed`);
    const writer = args.regions.find((r) => r.region === args.writerRegion);
    if (!writer) {
      throw new Error(`GlobalDatabase ${name}: writerRegion ${args.writerRegion} is not one of the regions (${args.regions.map((r) => r.region).join(", ")})`);
    }
    if (args.regions.length < 2) throw new Error(`GlobalDatabase ${name}: ${args.regions.length} region given; a global database needs a secondary region`);
    if (!isGlobalDatabaseInstanceClass(instanceClass)) {
      throw new Error(`GlobalDatabase ${name}: instanceClass ${instanceClass} is not memory-optimised; global databases need e.g. db.r6g.large`);
    }
    const versionProblem = auroraVersionProblem(engine, engineVersion);
    if (versionProblem) throw new Error(`GlobalDatabase ${name}: engineVersion ${engineVersion} ${versionProblem}`);
    if (args.globalDbRpoSeconds !== undefined && engine !== "aurora-postgresql") {
      throw new Error(`GlobalDatabase ${name}: globalDbRpoSeconds needs engine aurora-postgresql (rds.global_db_rpo is a PostgreSQL parameter)`);
    }
    if (args.globalDbRpoSeconds !== undefined && args.regions.length < 3) {
      throw new Error(`GlobalDatabase ${name}: globalDbRpoSeconds needs at least two secondary regions; with ${args.regions.length - 1}, that secondary is a single point of failure for every write`);
    }
    if (isMajorOnly(engineVersion) && engine !== "aurora-postgresql") {
      throw new Error(`GlobalDatabase ${name}: engineVersion ${engineVersion} is a bare major; Aurora MySQL needs a full version such as 8.0.mysql_aurora.3.08.0`);
    }
    super("ha:data:GlobalDatabase", name, {}, opts);
    this.engine = engine;
    this.configuredEngineVersion = isMajorOnly(engineVersion)
      ? resolveEngineVersion(name, engine, engineVersion, writer.provider, this)
      : pulumi.output(engineVersion);
    const family = auroraParameterGroupFamily(engine, engineVersion);
    this.writerRegion = args.writerRegion;
    this.databaseName = args.databaseName ?? "app";
    this.masterUsername = args.masterUsername ?? "app_admin";
    this.port = auroraPort(engine);
    this.globalDbRpoSeconds = args.globalDbRpoSeconds;
    this.rpoBoundRegions = args.globalDbRpoSeconds !== undefined ? args.regions.map((r) => r.region) : [];

    // Global databases cannot let RDS manage the master password in Secrets Manager, so the
    // password is generated here and kept a Pulumi secret. Aurora rejects / " @ and space.
    const password = new random.RandomPassword(`${name}-master-password`, {
      length: 32,
      special: true,
      overrideSpecial: "!#$%&*()-_=+[]{}<>:?",
      minLower: 1,
      minUpper: 1,
      minNumeric: 1,
    }, { parent: this });
    this.masterPassword = pulumi.secret(password.result);

    const globalClusterIdentifier = physicalName({ stack: args.stack, role: "aurora-global" }, 63);
    // The control plane of a global cluster lives in the region it is created in: the writer's.
    const globalCluster = new aws.rds.GlobalCluster(`${name}-global`, {
      globalClusterIdentifier,
      engine,
      engineVersion: this.configuredEngineVersion,
      storageEncrypted: true,
      deletionProtection,
      tags: tierTags("database", globalClusterIdentifier),
    }, {
      parent: this,
      provider: writer.provider,
      // Upgrades go through the global cluster (console, CLI or a later pinned version); without
      // this, the next `pulumi up` after an upgrade would try to move the version back down.
      ignoreChanges: ["engineVersion"],
    });

    const common = {
      stack: args.stack,
      globalClusterIdentifier: globalCluster.id,
      engine,
      engineVersion: this.configuredEngineVersion,
      parameterGroupFamily: family,
      instanceClass,
      instanceCount: instancesPerRegion,
      globalDbRpoSeconds: args.globalDbRpoSeconds,
      backupRetentionDays: args.backupRetentionDays ?? 7,
      backupRetentionManagedByAwsBackup: args.backupRetentionManagedByAwsBackup ?? false,
      preferredBackupWindow: args.preferredBackupWindow ?? "03:00-04:00",
      deletionProtection,
    };
    const regional = (r: DataRegion) => ({
      ...common,
      region: r.region,
      vpcId: r.vpcId,
      subnetIds: r.isolatedSubnetIds,
      availabilityZones: r.availabilityZones,
      appSecurityGroupId: r.appSecurityGroupId,
      peerWorkloadCidrs: r.peerWorkloadCidrs,
    });

    const primary = new AuroraRegionalCluster(`${name}-${writer.region}`, {
      ...regional(writer),
      role: {
        kind: "writer",
        masterUsername: this.masterUsername,
        databaseName: this.databaseName,
        masterPassword: this.masterPassword,
      },
    }, { parent: this, providers: [writer.provider] });
    this.clusters[writer.region] = primary;

    for (const r of args.regions.filter((x) => x !== writer)) {
      this.clusters[r.region] = new AuroraRegionalCluster(`${name}-${r.region}`, {
        ...regional(r),
        role: { kind: "secondary", sourceRegion: writer.region, createAfter: primary.instances },
      }, { parent: this, providers: [r.provider] });
    }

    this.globalClusterIdentifier = globalCluster.id;
    this.globalClusterArn = globalCluster.arn;
    this.writerEndpoint = globalCluster.endpoint;
    this.engineVersion = pulumi.all([globalCluster.engineVersionActual, this.configuredEngineVersion]).apply(([actual, configured]) => actual || configured);
    this.registerOutputs({
      globalClusterIdentifier: this.globalClusterIdentifier,
      globalClusterArn: this.globalClusterArn,
      writerEndpoint: this.writerEndpoint,
    });
  }
}

/**
 * The default minor version of `major` that can join a global database in the writer region,
 * refused if AWS returns a Limitless build or one without global support. Read at every
 * `pulumi up` (that is why prod pins); the global cluster and its members ignore later changes, so
 * a different answer never replaces or downgrades anything.
 */
function resolveEngineVersion(name: string, engine: AuroraEngine, major: string, provider: pulumi.ProviderResource, parent: pulumi.Resource): pulumi.Output<string> {
  const found = aws.rds.getEngineVersionOutput(engineVersionLookup(engine, major), { provider, parent });
  return pulumi.all([found.versionActual, found.supportsGlobalDatabases]).apply(([version, global]) => {
    const problem = resolvedVersionProblem(version, global);
    if (problem) {
      throw new pulumi.RunError(`GlobalDatabase ${name}: the default ${engine} ${major} version AWS offers: ${problem}; pin ha-blueprint:database.engineVersion to a full version that can`);
    }
    return version;
  });
}

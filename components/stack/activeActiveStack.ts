import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/parse";
import type { AppConnection, RegionalDataStores, RegionalEndpoint } from "../contracts";
import { AppTier } from "../app/appTier";
import {
  appConnectionFor, dataRegionOf, dataStoresFor, dataTopology, DsqlMultiRegion, GlobalDatabase, MemoryDbMultiRegion, SessionStore,
  type DatabaseTier, type SessionTier,
} from "../data";
import { InterRegionPeering } from "../network/interRegionPeering";
import { PrivateZone } from "../network/privateZone";
import { providerDefaultTags } from "../tags";
import type { RegionTopology, Topology } from "../topology";
import { RegionalCell } from "./regionalCell";
import { declareResilience } from "./resilience";
import { declareRecovery } from "../recovery";

export interface ActiveActiveStackArgs {
  /** Validated stack configuration (see `config/parse.ts`). */
  readonly config: StackConfig;
  /** Pulumi project name. @default "ha-blueprint" */
  readonly project?: string;
  /** Pulumi stack name, used in physical names and tags. */
  readonly stack: string;
}

/**
 * The one entry point the program instantiates: an explicit AWS provider per region (the single
 * region mechanism of this repository), one regional cell per region, the global parts across
 * them, and the `topology` output.
 */
export class ActiveActiveStack extends pulumi.ComponentResource {
  public readonly providers: Record<string, aws.Provider> = {};
  public readonly cells: Record<string, RegionalCell> = {};
  public readonly topology: pulumi.Output<Topology>;
  /** Data tier: the database component of the configured kind (Aurora global database or DSQL). */
  public readonly database: GlobalDatabase | DsqlMultiRegion;
  /** The session store component of the configured kind (MemoryDB Multi-Region or ElastiCache). */
  public readonly sessions: SessionStore | MemoryDbMultiRegion;
  /** The same components with their kind, for code that branches on it. */
  public readonly databaseTier: DatabaseTier;
  public readonly sessionTier: SessionTier;
  /** Per region, what the app tier connects to (passwords and tokens are Pulumi secrets). */
  public readonly appConnections: Record<string, AppConnection> = {};
  /** Per region, the data stores alarms, backups and drills refer to. */
  public readonly dataStores: Record<string, RegionalDataStores> = {};
  /** Per region, the app tier's load balancer and target group. */
  public readonly endpoints: Record<string, RegionalEndpoint> = {};
  /** The app tier of each region (EKS, workload, ALB); its `endpoint` feeds routing and alarms. */
  public readonly apps: Record<string, AppTier> = {};
  /** The private links between every pair of regional VPCs. */
  public readonly peering: InterRegionPeering;
  /** The private hosted zone every VPC resolves (private service names; nothing on a recovery path writes it). */
  public readonly privateZone: PrivateZone;

  constructor(name: string, args: ActiveActiveStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:stack:ActiveActiveStack", name, {}, opts);
    const config = args.config;
    const project = args.project ?? "ha-blueprint";

    for (const region of config.regions) {
      const provider = new aws.Provider(`${name}-${region.name}-aws`, {
        region: region.name,
        defaultTags: { tags: providerDefaultTags(project, config.environmentName, args.stack, region.name, config.environment) },
      }, { parent: this });
      this.providers[region.name] = provider;
      this.cells[region.name] = new RegionalCell(`${name}-${region.name}`, {
        region,
        stack: args.stack,
        natGateways: config.network.natGateways,
        flowLogRetentionDays: config.network.flowLogRetentionDays,
      }, { parent: this, providers: [provider] });
    }

    // ---- Cross-region data path: every workload must reach the writers in whichever region ----
    const cellList = config.regions.map((r) => this.cells[r.name]);
    this.peering = new InterRegionPeering(`${name}-peering`, {
      stack: args.stack,
      regions: cellList.map((cell) => ({
        region: cell.region,
        provider: this.providers[cell.region],
        vpcId: cell.network.vpcId,
        vpcCidr: cell.network.vpcCidr,
        privateRouteTableIds: cell.network.privateRouteTableIds,
        isolatedRouteTableIds: cell.network.isolatedRouteTableIds,
      })),
    }, { parent: this });
    // Route 53 is global: the writer region's provider only decides where the API call is signed.
    this.privateZone = new PrivateZone(`${name}-private-zone`, {
      zoneName: config.network.privateZoneName ?? `${args.stack.toLowerCase()}.ha-blueprint.internal`,
      vpcs: cellList.map((cell) => ({ region: cell.region, vpcId: cell.network.vpcId })),
      forceDestroy: config.environment === "dev",
    }, { parent: this, provider: this.providers[config.writerRegion] });

    // ---- Data tier: stack-level components whose regional members use each region's provider ----
    const dataRegions = config.regions.map((r) => dataRegionOf(this.cells[r.name], this.providers[r.name], cellList));
    const db = config.database;
    this.databaseTier = db.kind === "aurora-dsql"
      ? {
        kind: "aurora-dsql",
        component: new DsqlMultiRegion(`${name}-database`, {
          stack: args.stack,
          regions: dataRegions,
          witnessRegion: db.dsql!.witnessRegion,
          deletionProtection: db.deletionProtection,
          encryption: db.dsql!.encryption,
          databaseRole: db.dsql!.databaseRole,
        }, { parent: this }),
      }
      : {
        kind: "aurora-global",
        component: new GlobalDatabase(`${name}-database`, {
          stack: args.stack,
          regions: dataRegions,
          writerRegion: config.writerRegion,
          engine: db.engine,
          engineVersion: db.engineVersion,
          instanceClass: db.instanceClass,
          instancesPerRegion: db.instancesPerRegion,
          databaseName: db.databaseName,
          masterUsername: db.masterUsername,
          backupRetentionDays: db.backupRetentionDays,
          backupRetentionManagedByAwsBackup: config.backup.continuousBackup,
          preferredBackupWindow: db.preferredBackupWindow,
          deletionProtection: db.deletionProtection,
          globalDbRpoSeconds: db.globalDbRpoSeconds,
        }, { parent: this }),
      };
    const cache = config.sessionStore;
    const windows = { snapshotRetentionDays: cache.snapshotRetentionDays, snapshotWindow: cache.snapshotWindow, maintenanceWindow: cache.maintenanceWindow };
    this.sessionTier = cache.kind === "memorydb-multi-region"
      ? {
        kind: "memorydb-multi-region",
        component: new MemoryDbMultiRegion(`${name}-sessions`, {
          stack: args.stack,
          regions: dataRegions,
          homeRegion: config.writerRegion,
          engineVersion: cache.engineVersion,
          nodeType: cache.nodeType,
          numShards: cache.numShards,
          replicasPerShard: cache.replicasPerShard,
          ...windows,
        }, { parent: this }),
      }
      : {
        kind: "elasticache-global",
        component: new SessionStore(`${name}-sessions`, {
          stack: args.stack,
          regions: dataRegions,
          writerRegion: config.writerRegion,
          engine: cache.engine,
          engineVersion: cache.engineVersion,
          nodeType: cache.nodeType,
          nodesPerRegion: cache.nodesPerRegion,
          ...windows,
        }, { parent: this }),
      };
    this.database = this.databaseTier.component;
    this.sessions = this.sessionTier.component;
    for (const region of config.regions) {
      this.appConnections[region.name] = appConnectionFor(this.databaseTier, this.sessionTier, region.name);
      this.dataStores[region.name] = dataStoresFor(this.databaseTier, this.sessionTier, region.name);
    }
    const data = dataTopology(this.databaseTier, this.sessionTier, config.regions.map((r) => r.name));

    // ---- App tier: one AppTier per region, in that region through its provider ----
    for (const region of config.regions) {
      const cell = this.cells[region.name];
      const app = new AppTier(`${name}-${region.name}-app`, {
        region: region.name,
        stack: args.stack,
        regionCount: config.regions.length,
        vpcId: cell.network.vpcId,
        availabilityZones: cell.network.availabilityZones,
        privateSubnetIds: cell.network.privateSubnetIds,
        publicSubnetIds: cell.network.publicSubnetIds,
        appSecurityGroupId: cell.appSecurityGroupId,
        app: config.app,
        certificateArn: config.app.certificateArns[region.name],
        accessLogBucket: config.app.accessLogBuckets[region.name],
        waf: config.app.waf ?? config.environment === "prod",
        deletionProtection: config.app.deletionProtection ?? config.environment === "prod",
        connection: this.appConnections[region.name],
      }, { parent: this, providers: [this.providers[region.name]] });
      this.apps[region.name] = app;
      this.endpoints[region.name] = app.endpoint;
    }

    // ---- Routing, health monitoring, backups (GlobalTrafficManager, HealthMonitoring, BackupPlan) ----
    const resilience = declareResilience(name, {
      config,
      stack: args.stack,
      providers: this.providers,
      availabilityZones: Object.fromEntries(config.regions.map((r) => [r.name, this.cells[r.name].network.availabilityZones])),
      endpoints: config.regions.map((r) => this.endpoints[r.name]).filter((e): e is RegionalEndpoint => !!e),
      dataStores: config.regions.map((r) => this.dataStores[r.name]),
    }, this);
    const recovery = declareRecovery(name, config, args.stack, {
      providers: this.providers,
      endpoints: this.endpoints,
      apps: this.apps,
      cells: this.cells,
      dataStores: this.dataStores,
      database: this.databaseTier.kind === "aurora-global" ? { globalClusterIdentifier: this.databaseTier.component.globalClusterIdentifier } : undefined,
      sessions: this.sessionTier.kind === "elasticache-global" ? { globalReplicationGroupId: this.sessionTier.component.globalReplicationGroupId } : undefined,
    }, resilience, this);

    const regions = pulumi.all(config.regions.map((region) => {
      const network = this.cells[region.name].network;
      const links = this.peering.byRegion[region.name];
      return pulumi.all([
        pulumi.all(network.availabilityZones), network.vpcId, this.apps[region.name].topology,
        resilience.monitoring[region.name]?.topology, resilience.backup.topology[region.name],
        pulumi.all(links.map((l) => l.connectionId)),
      ]).apply(([availabilityZones, vpcId, app, monitoring, backup, connectionIds]): RegionTopology => ({
        name: region.name,
        isWriter: region.name === (config.currentWriterRegion ?? config.writerRegion),
        cidr: region.cidr,
        availabilityZones,
        vpcId,
        natGateways: config.network.natGateways,
        app,
        ...(monitoring ? { monitoring } : {}),
        ...(backup ? { backup } : {}),
        peerings: links.map((l, i) => ({ peerRegion: l.peerRegion, peeringConnectionId: connectionIds[i], peerCidr: l.peerCidr })),
      }));
    }));

    this.topology = pulumi.all([regions, data, resilience.traffic?.topology, recovery.topology]).apply(([regionList, dataTier, routing, recoveryTopology]): Topology => ({
      version: 1,
      project,
      stack: args.stack,
      environment: config.environmentName,
      writerRegion: config.currentWriterRegion ?? config.writerRegion,
      secondaryRegions: config.regions.map((r) => r.name).filter((n) => n !== (config.currentWriterRegion ?? config.writerRegion)),
      objectives: config.objectives,
      regions: regionList.map((r) => ({ ...r, ...dataTier.regions[r.name] })),
      database: dataTier.database,
      sessions: dataTier.sessions,
      ...(routing ? { routing } : {}),
      recovery: recoveryTopology,
    }));
    this.registerOutputs({ topology: this.topology });
  }
}

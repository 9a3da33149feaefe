/**
 * The machine-readable `topology` stack output. Drills and the analyzer read it from a stack's
 * outputs (`pulumi stack output topology --json`) or from a plan, so its shape is an API: add
 * fields, do not rename them.
 */
export interface RegionTopology {
  readonly name: string;
  readonly isWriter: boolean;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly vpcId: string;
  readonly natGateways: "zonal" | "regional";
  /** Per-tier details, filled by the tier components (ALB, clusters, alarms, vaults). */
  readonly app?: Record<string, unknown>;
  readonly database?: RegionDatabaseTopology;
  readonly sessions?: RegionSessionsTopology;
  readonly monitoring?: Record<string, unknown>;
  readonly backup?: Record<string, unknown>;
}

export interface Topology {
  readonly version: 1;
  readonly project: string;
  readonly stack: string;
  readonly environment: string;
  readonly writerRegion: string;
  readonly secondaryRegions: string[];
  readonly objectives: {
    readonly availabilityPercent: number;
    readonly azLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
    readonly regionLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  };
  readonly regions: RegionTopology[];
  /** Global parts: global cluster, global datastore, accelerator or DNS records. */
  readonly database?: DatabaseTopology;
  readonly sessions?: SessionsTopology;
  readonly routing?: Record<string, unknown>;
}

/** The Aurora global database as a whole. Never holds credentials. */
export interface DatabaseTopology {
  readonly engine: string;
  readonly engineVersion: string;
  readonly globalClusterIdentifier: string;
  readonly globalClusterArn: string;
  /** Global writer endpoint: follows the writer region across switchovers. */
  readonly writerEndpoint: string;
  readonly port: number;
  /** The region the writer was created in; the current writer is runtime state (DescribeGlobalClusters). */
  readonly initialWriterRegion: string;
}

/** One region's Aurora cluster. */
export interface RegionDatabaseTopology {
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  readonly readerEndpoint: string;
  readonly instanceCount: number;
}

/** The session store's global datastore as a whole. Never holds the auth token. */
export interface SessionsTopology {
  readonly engine: string;
  readonly engineVersion: string;
  /** AWS-prefixed id, as FailoverGlobalReplicationGroup takes it. */
  readonly globalReplicationGroupId: string;
  readonly port: number;
  readonly initialPrimaryRegion: string;
}

/** One region's replication group. */
export interface RegionSessionsTopology {
  readonly replicationGroupId: string;
  readonly primaryEndpoint: string;
  readonly readerEndpoint: string;
  readonly nodeCount: number;
}

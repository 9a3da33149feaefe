/**
 * The machine-readable `topology` stack output. Drills and the analyzer read it from a stack's
 * outputs (`pulumi stack output topology --json`) or from a plan, so its shape is an API: add
 * fields, do not rename them.
 */
import type { RecoveryTopology } from "./recovery/regionRecovery";

export interface RegionTopology {
  readonly name: string;
  readonly isWriter: boolean;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly vpcId: string;
  readonly natGateways: "zonal" | "regional";
  /** Per-tier details, filled by the tier components (ALB, clusters, alarms, vaults). */
  readonly app?: AppTopology;
  readonly database?: RegionDatabaseTopology;
  readonly sessions?: RegionSessionsTopology;
  readonly monitoring?: RegionMonitoringTopology;
  readonly backup?: RegionBackupTopology;
  /**
   * The private links from this region's VPC to every other region's VPC (inter-Region VPC
   * peering, full mesh). Every private and data route table routes each peer CIDR over its link.
   */
  readonly peerings?: RegionPeeringTopology[];
}

/** One inter-Region VPC peering connection as seen from one side. */
export interface RegionPeeringTopology {
  readonly peerRegion: string;
  readonly peeringConnectionId: string;
  /** The peer VPC's CIDR: the destination of the routes over this link. */
  readonly peerCidr: string;
}

/**
 * The app tier of one region: where traffic enters (ALB, target group, listeners), how its health
 * is judged (the analyzer derives detection time as intervalSeconds x unhealthyThreshold), and the
 * capacity bounds the failover headroom produced.
 */
export interface AppTopology {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly namespace: string;
  readonly deploymentName: string;
  readonly albArn: string;
  /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension. */
  readonly albArnSuffix: string;
  readonly albDnsName: string;
  readonly albZoneId: string;
  readonly targetGroupArn: string;
  /** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension. */
  readonly targetGroupArnSuffix: string;
  /** 443 first when HTTPS is on (80 then only redirects), else just 80. */
  readonly listenerPorts: number[];
  readonly protocol: "HTTPS" | "HTTP";
  /** `instance`: nodes registered by their node group's ASG, traffic to the NodePort. */
  readonly targetType: "instance" | "ip";
  /**
   * `Local`: a node forwards NodePort traffic only to its own ready pods, so the target-group
   * health check sees pods per node (and per AZ), not just a live node.
   */
  readonly externalTrafficPolicy: "Local" | "Cluster";
  /** Who may reach the Kubernetes API: the public endpoint's CIDRs, or private only. */
  readonly apiEndpoint: { readonly publicAccess: boolean; readonly publicAccessCidrs: string[]; readonly privateAccessCidrs: string[] };
  readonly nodePort: number;
  readonly healthCheck: {
    readonly path: string;
    readonly protocol: "HTTP" | "HTTPS";
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
  readonly deregistrationDelaySeconds: number;
  readonly capacity: {
    readonly mode: "provisioned" | "scalable";
    readonly sharePercent: number;
    readonly azCount: number;
    readonly steadyReplicas: number;
    readonly failoverReplicas: number;
    readonly hpaMinReplicas: number;
    readonly hpaMaxReplicas: number;
    readonly podsPerNode: number;
    readonly nodesPerAz: { readonly min: number; readonly max: number };
  };
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
  readonly routing?: RoutingTopology;
  /** ARC Region switch plan, its outside-region alarms and zonal autoshift (components/recovery). */
  readonly recovery?: RecoveryTopology;
}

/** One region's alarms: what drills check before and after moving traffic. */
export interface RegionMonitoringTopology {
  /** SNS topic (KMS-encrypted) the composite and per-AZ alarms notify. */
  readonly topicArn: string;
  /** Composite: the region cannot serve within its latency, error and capacity budgets. */
  readonly regionUnhealthyAlarm: string;
  /** Composite over the replication-lag alarms; absent until the data tier is wired. */
  readonly dataAtRiskAlarm?: string;
  /** The single-metric alarm a Route 53 CLOUDWATCH_METRIC health check reads (route53 mode). */
  readonly routingAlarm: string;
  /** Every metric alarm by role, e.g. `latencyP99`, `error5xxRate`, `healthyHosts.az1`, `auroraRpoLag`. */
  readonly alarms: Record<string, string>;
  /** Detection time of any alarm is periodSeconds x evaluationPeriods. */
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly thresholds: {
    readonly latencyP99Seconds: number;
    readonly error5xxPercent: number;
    readonly minHealthyHostsPerAz: number;
    readonly replicationLagSeconds: number;
  };
}

/** One region's backup vault and plan. */
export interface RegionBackupTopology {
  readonly vaultName: string;
  readonly vaultArn: string;
  readonly planId: string;
  readonly planArn: string;
  /** Vaults in other regions every recovery point of this plan is copied to. */
  readonly copyDestinationVaultArns: string[];
  readonly continuousBackup: boolean;
  readonly retentionDays: number;
  readonly copyRetentionDays: number;
  readonly vaultLocked: boolean;
  readonly restoreTestingPlanName?: string;
  /** Aurora clusters the plan selects (empty until the data tier is wired). */
  readonly selectedResourceArns: string[];
}

/** The global entry: accelerator or DNS. Drills change dials through `endpointGroups[region].arn`. */
export interface RoutingTopology {
  readonly mode: "accelerator" | "route53";
  readonly accelerator?: {
    readonly arn: string;
    readonly dnsName: string;
    readonly dualStackDnsName?: string;
    readonly hostedZoneId: string;
    readonly ipSets: { readonly ipFamily: string; readonly ipAddresses: string[] }[];
    readonly listenerArn: string;
    readonly listenerPorts: number[];
    readonly endpointGroups: Record<string, {
      readonly arn: string;
      readonly endpointId: string;
      readonly trafficDialPercentage: number;
    }>;
  };
  readonly route53?: {
    readonly hostedZoneId: string;
    readonly recordName: string;
    readonly requestIntervalSeconds: number;
    readonly failureThreshold: number;
    readonly checkerRegions: string[];
    readonly regions: Record<string, {
      readonly setIdentifier: string;
      readonly recordFqdn: string;
      readonly endpointHealthCheckId: string;
      readonly alarmHealthCheckId: string;
      /** The calculated check the record carries. */
      readonly healthCheckId: string;
      readonly alarmName: string;
    }>;
  };
}

/** The database as a whole, per kind. Never holds credentials. */
export type DatabaseTopology = AuroraGlobalDatabaseTopology | DsqlDatabaseTopology;

/** The Aurora global database as a whole. */
export interface AuroraGlobalDatabaseTopology {
  readonly kind: "aurora-global";
  readonly engine: string;
  readonly engineVersion: string;
  readonly globalClusterIdentifier: string;
  readonly globalClusterArn: string;
  /** Global writer endpoint: follows the writer region across switchovers. */
  readonly writerEndpoint: string;
  readonly port: number;
  /** The region the writer was created in; the current writer is runtime state (DescribeGlobalClusters). */
  readonly initialWriterRegion: string;
  /**
   * How workloads in every region write: through the global writer endpoint, over the
   * inter-Region peering, to whichever region holds the writer.
   */
  readonly writePath: "global-writer-endpoint";
  /**
   * Aurora PostgreSQL `rds.global_db_rpo` in seconds, set on the parameter group of every member
   * (so the bound survives a switchover). Absent when no bound is configured.
   */
  readonly globalDbRpoSeconds?: number;
  /** Regions whose cluster parameter group carries `rds.global_db_rpo`: all of them, or none. */
  readonly rpoBoundRegions: string[];
}

/**
 * Aurora DSQL multi-Region: every peer region reads and writes its own cluster; commits are
 * synchronous across the peers and the witness (two of three Regions must be reachable).
 */
export interface DsqlDatabaseTopology {
  readonly kind: "aurora-dsql";
  /** Each region's workload writes its own region's cluster. */
  readonly writePath: "local-endpoint";
  readonly port: number;
  readonly databaseName: string;
  /** The PostgreSQL role workloads use (IAM authentication, no password). */
  readonly databaseRole: string;
  readonly authentication: "iam";
  /** The Region that holds the log witness and no cluster. */
  readonly witnessRegion: string;
  readonly peerRegions: string[];
  readonly encryption: "customer-managed-key" | "aws-owned-key";
  readonly deletionProtection: boolean;
}

/** One region's database member, per kind. */
export type RegionDatabaseTopology = RegionAuroraTopology | RegionDsqlTopology;

/** One region's Aurora cluster. */
export interface RegionAuroraTopology {
  readonly kind: "aurora-global";
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  readonly readerEndpoint: string;
  readonly instanceCount: number;
  /** The cluster's security group (admits the app tier of every region on the database port). */
  readonly securityGroupId: string;
}

/** One region's Aurora DSQL cluster and the interface endpoint its pods use. */
export interface RegionDsqlTopology {
  readonly kind: "aurora-dsql";
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  /** The host this region's workload connects to (private DNS of the interface endpoint). */
  readonly endpoint: string;
  readonly vpcEndpointServiceName: string;
  readonly vpcEndpointId: string;
  /** The endpoint's security group (admits this region's app tier on 5432). */
  readonly securityGroupId: string;
  /** The other peers' cluster ARNs this cluster is peered with. */
  readonly peerClusterArns: string[];
}

/** The session store as a whole, per kind. Never holds passwords or tokens. */
export type SessionsTopology = ElastiCacheSessionsTopology | MemoryDbSessionsTopology;

/** The ElastiCache global datastore. */
export interface ElastiCacheSessionsTopology {
  readonly kind: "elasticache-global";
  readonly engine: string;
  readonly engineVersion: string;
  /** AWS-prefixed id, as FailoverGlobalReplicationGroup takes it. */
  readonly globalReplicationGroupId: string;
  readonly port: number;
  readonly initialPrimaryRegion: string;
  /**
   * How workloads write: a global datastore has no global write endpoint, so every workload gets
   * every region's primary endpoint (`primaryCandidates`) and writes to the one that is master.
   * Nothing has to be repointed after a promotion.
   */
  readonly writePath: "primary-candidates";
  /** Each region's replication-group primary endpoint. */
  readonly primaryCandidates: Record<string, string>;
}

/** MemoryDB Multi-Region: every region reads and writes its own regional cluster. */
export interface MemoryDbSessionsTopology {
  readonly kind: "memorydb-multi-region";
  readonly engine: "valkey";
  readonly engineVersion: string;
  readonly nodeType: string;
  /** AWS-prefixed name of the multi-Region cluster. */
  readonly multiRegionClusterName: string;
  /** The region whose provider manages the multi-Region cluster object. */
  readonly homeRegion: string;
  readonly port: number;
  readonly writePath: "local-endpoint";
  readonly tls: true;
  readonly numShards: number;
  readonly replicasPerShard: number;
  /** Asynchronous replication; concurrent writes resolve last-writer-wins per key or sub-key. */
  readonly conflictResolution: "last-writer-wins";
}

/** One region's session-store member, per kind. */
export type RegionSessionsTopology = RegionReplicationGroupTopology | RegionMemoryDbTopology;

/** One region's replication group. */
export interface RegionReplicationGroupTopology {
  readonly kind: "elasticache-global";
  readonly replicationGroupId: string;
  readonly primaryEndpoint: string;
  readonly readerEndpoint: string;
  readonly nodeCount: number;
  /** The group's security group (admits the app tier of every region on the cache port). */
  readonly securityGroupId: string;
}

/** One region's MemoryDB regional cluster. */
export interface RegionMemoryDbTopology {
  readonly kind: "memorydb-multi-region";
  readonly clusterName: string;
  readonly clusterArn: string;
  /** The cluster endpoint this region's workload reads and writes. */
  readonly endpoint: string;
  readonly nodeCount: number;
  readonly securityGroupId: string;
}

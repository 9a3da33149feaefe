import type * as pulumi from "@pulumi/pulumi";

/**
 * The typed seams between tiers. Each tier component exposes one of these per region and the next
 * tier takes it as args, so ActiveActiveStack wires tiers together without knowing their insides.
 */

/**
 * What the data tier hands the app tier in one region. Writes go to addresses that follow the
 * writer region (over the inter-Region peering when it is elsewhere); reads stay in the region.
 */
export interface AppConnection {
  /** Aurora global writer endpoint: resolves to the current writer region's writer instance. */
  readonly databaseWriterEndpoint: pulumi.Input<string>;
  /** This region's cluster reader endpoint (local reads; also takes forwarded writes). */
  readonly databaseReaderEndpoint: pulumi.Input<string>;
  readonly databasePort: pulumi.Input<number>;
  readonly databaseName: pulumi.Input<string>;
  readonly databaseUser: pulumi.Input<string>;
  /** A Pulumi secret. */
  readonly databasePassword: pulumi.Input<string>;
  /**
   * The session-writer record: a private CNAME that the drills move to the primary group's
   * endpoint, so session writes reach whichever region holds the primary.
   */
  readonly redisWriterHost: pulumi.Input<string>;
  /** This region's replication group reader endpoint (local session reads). */
  readonly redisReaderHost: pulumi.Input<string>;
  readonly redisPort: pulumi.Input<number>;
  /** A Pulumi secret. */
  readonly redisAuthToken: pulumi.Input<string>;
}

/** What the app tier exposes in one region, for routing, health monitoring and the topology. */
export interface RegionalEndpoint {
  readonly region: string;
  readonly albArn: pulumi.Input<string>;
  /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension. */
  readonly albArnSuffix: pulumi.Input<string>;
  readonly albDnsName: pulumi.Input<string>;
  /** The ALB's canonical hosted zone id, for Route 53 alias records. */
  readonly albZoneId: pulumi.Input<string>;
  readonly targetGroupArn: pulumi.Input<string>;
  /** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension. */
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  /** Listener ports the global entry must forward (443 with a certificate, else 80). */
  readonly listenerPorts: number[];
  readonly healthPath: string;
}

/** What the data tier exposes in one region, for alarms, backups and drills. */
export interface RegionalDataStores {
  readonly region: string;
  readonly auroraClusterArn: pulumi.Input<string>;
  readonly auroraClusterIdentifier: pulumi.Input<string>;
  /** Where AWS Backup restore tests in this region put a restored cluster. */
  readonly auroraSubnetGroupName: pulumi.Input<string>;
  readonly restoreTestSecurityGroupId: pulumi.Input<string>;
  readonly replicationGroupId: pulumi.Input<string>;
}

import type * as pulumi from "@pulumi/pulumi";

/**
 * The typed seams between tiers. Each tier component exposes one of these per region and the next
 * tier takes it as args, so ActiveActiveStack wires tiers together without knowing their insides.
 */

/** What the data tier hands the app tier in one region. */
export interface AppConnection {
  /** Aurora global writer endpoint: always points at the current writer region's writer. */
  readonly databaseWriterEndpoint: pulumi.Input<string>;
  /** This region's cluster reader endpoint (local reads). */
  readonly databaseReaderEndpoint: pulumi.Input<string>;
  readonly databasePort: pulumi.Input<number>;
  readonly databaseName: pulumi.Input<string>;
  readonly databaseUser: pulumi.Input<string>;
  /** A Pulumi secret. */
  readonly databasePassword: pulumi.Input<string>;
  /** This region's replication group primary endpoint (writes go to the global primary region). */
  readonly redisEndpoint: pulumi.Input<string>;
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
  readonly replicationGroupId: pulumi.Input<string>;
}

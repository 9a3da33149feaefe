import type * as pulumi from "@pulumi/pulumi";

/**
 * The typed seams between tiers. Each tier component exposes one of these per region and the next
 * tier takes it as args, so ActiveActiveStack wires tiers together without knowing their insides.
 */

/**
 * What the data tier hands the app tier in one region, per kind. Multi-writer kinds give only
 * this region's own endpoints; single-writer kinds add the addresses that reach the writer.
 */
export interface AppConnection {
  readonly database: DatabaseConnection;
  readonly sessions: SessionConnection;
}

export type DatabaseConnection =
  | {
    readonly kind: "aurora-global";
    /** Aurora global writer endpoint: resolves to the current writer region's writer instance. */
    readonly writerHost: pulumi.Input<string>;
    /** This region's cluster reader endpoint (local reads; also takes forwarded writes). */
    readonly readerHost: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly name: pulumi.Input<string>;
    /** The app's own PostgreSQL role (`rds_iam`), authenticated with IAM tokens; never the master user. */
    readonly user: pulumi.Input<string>;
    /** Every member region, this region first: the regions a token for the global writer endpoint may be signed for. */
    readonly iamRegions: string[];
    /** `rds-db:connect` resources of `user` on every member cluster: the workload role's only permission. */
    readonly connectArns: pulumi.Input<pulumi.Input<string>[]>;
    /** Present in the writer region only: the one SQL bootstrap of the stack runs there. */
    readonly bootstrap?: DatabaseBootstrap;
  }
  | {
    readonly kind: "aurora-dsql";
    /** This region's own cluster endpoint (reads and writes). */
    readonly host: pulumi.Input<string>;
    readonly port: number;
    readonly name: string;
    /** A custom PostgreSQL role, authenticated with IAM tokens (`dsql:DbConnect`). */
    readonly user: string;
    /** The local cluster: the only resource the workload's IAM role may connect to. */
    readonly clusterArn: pulumi.Input<string>;
  };

/**
 * What the SQL bootstrap Job needs: the global writer endpoint (DDL runs on the writer, and role
 * grants replicate to every secondary), the master secret it may read, and what it waits for.
 */
export interface DatabaseBootstrap {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly appUsername: string;
  /** Secrets Manager secret with the master credential (JSON: username, password, ...). */
  readonly masterSecretArn: pulumi.Input<string>;
  /** The key that encrypts it (decrypt only through Secrets Manager). */
  readonly masterSecretKeyArn: pulumi.Input<string>;
  /** The secret's value and the writer's instances. */
  readonly readyAfter: pulumi.Resource[];
}

export type SessionConnection =
  | {
    readonly kind: "memorydb-multi-region";
    /** This region's regional cluster endpoint (reads and writes). */
    readonly host: pulumi.Input<string>;
    readonly port: number;
    readonly user: string;
    /** A Pulumi secret, valid on this region's cluster only. */
    readonly password: pulumi.Input<string>;
  }
  | {
    readonly kind: "elasticache-global";
    /** `host:port` of every region's replication-group primary endpoint, this region's first. */
    readonly primaryCandidates: pulumi.Input<string>[];
    /** This region's replication group reader endpoint (local session reads). */
    readonly readerHost: pulumi.Input<string>;
    readonly port: number;
    /** A Pulumi secret; the same token is valid on every member. */
    readonly authToken: pulumi.Input<string>;
  };

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

/**
 * What the data tier exposes in one region, for alarms, backups and drills. The fields of the
 * kinds a stack does not use are absent.
 */
export interface RegionalDataStores {
  readonly region: string;
  readonly databaseKind: "aurora-global" | "aurora-dsql";
  readonly sessionStoreKind: "memorydb-multi-region" | "elasticache-global";
  /** aurora-global. */
  readonly auroraClusterArn?: pulumi.Input<string>;
  readonly auroraClusterIdentifier?: pulumi.Input<string>;
  /** Where AWS Backup restore tests in this region put a restored cluster (aurora-global). */
  readonly auroraSubnetGroupName?: pulumi.Input<string>;
  readonly restoreTestSecurityGroupId?: pulumi.Input<string>;
  /** aurora-dsql: this region's peered cluster. */
  readonly dsqlClusterArn?: pulumi.Input<string>;
  readonly dsqlClusterIdentifier?: pulumi.Input<string>;
  /** elasticache-global. */
  readonly replicationGroupId?: pulumi.Input<string>;
  /** memorydb-multi-region: this region's regional cluster. */
  readonly memorydbClusterName?: pulumi.Input<string>;
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";

/**
 * Where the Aurora global database's master credential lives: one Secrets Manager secret in the
 * writer region, encrypted with that region's Aurora key and replicated to every other member's
 * region under that region's own key, so it survives the loss of the writer region (a replica can
 * be promoted with `StopReplicationToReplica`; Secrets Manager User Guide, "Replicate AWS Secrets
 * Manager secrets across Regions").
 *
 * Why not RDS-managed master passwords (`manageMasterUserPassword`): the Aurora User Guide,
 * "Limitations for Secrets Manager integration with Amazon Aurora", lists "DB clusters that are
 * part of an Aurora global database" among the unsupported cases. So the password is generated
 * with @pulumi/random by GlobalDatabase and stored here as a Pulumi secret.
 *
 * Nothing in Kubernetes carries it: only the SQL bootstrap Job's Pod Identity role may read it
 * (components/app/dbBootstrap.ts); the workload logs in with IAM tokens as its own role.
 */
export interface MasterSecretArgs {
  readonly stack: string;
  readonly writerRegion: string;
  /** The writer region's customer-managed key (the Aurora cluster key of that region). */
  readonly writerKeyArn: pulumi.Input<string>;
  /** Every other member region with its own customer-managed key. */
  readonly replicas: { readonly region: string; readonly kmsKeyArn: pulumi.Input<string> }[];
  readonly username: string;
  /** A Pulumi secret. */
  readonly password: pulumi.Input<string>;
  readonly databaseName: string;
  readonly port: number;
  /** The global writer endpoint: the host the bootstrap connects to from either region. */
  readonly host: pulumi.Input<string>;
}

export interface MasterSecret {
  readonly secret: aws.secretsmanager.Secret;
  readonly version: aws.secretsmanager.SecretVersion;
}

/** The secret's JSON, in the shape Secrets Manager's RDS rotation functions expect. */
export function masterSecretString(a: { username: string; password: string; databaseName: string; port: number; host: string }): string {
  return JSON.stringify({ engine: "postgres", host: a.host, port: a.port, dbname: a.databaseName, username: a.username, password: a.password });
}

/** Creates the secret and its value; the caller passes the writer region's provider as parent's provider. */
export function createMasterSecret(name: string, args: MasterSecretArgs, opts: { parent: pulumi.Resource; provider: pulumi.ProviderResource }): MasterSecret {
  const secretName = physicalName({ stack: args.stack, role: "aurora-master" }, 128);
  const secret = new aws.secretsmanager.Secret(`${name}-master-secret`, {
    name: secretName,
    description: "Aurora global database master credential: read only by the SQL bootstrap Job's Pod Identity role",
    kmsKeyId: args.writerKeyArn,
    replicas: args.replicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn })),
    recoveryWindowInDays: 30,
    tags: tierTags("database", secretName),
  }, opts);
  const version = new aws.secretsmanager.SecretVersion(`${name}-master-secret-value`, {
    secretId: secret.id,
    secretString: pulumi.secret(pulumi.all([args.password, args.host]).apply(([password, host]) =>
      masterSecretString({ username: args.username, password, databaseName: args.databaseName, port: args.port, host }))),
  }, opts);
  return { secret, version };
}

import { createHash } from "node:crypto";
import * as aws from "../sdk/aws";
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../../config/schema";
import type { DatabaseBootstrap } from "../contracts";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";
import { NODE_POOL_LABEL } from "./nodeGroups";

/**
 * The one SQL bootstrap of an Aurora global database: a Kubernetes Job in the writer region's EKS
 * cluster that logs in as the master user and creates the app's own role for IAM authentication.
 *
 * - Writer only, once per stack: DDL runs on the primary cluster, and roles and grants replicate to
 *   every secondary with the storage. It connects to the GLOBAL writer endpoint, so after a
 *   switchover it still reaches the writer, from either region (the store's security group admits
 *   the other region's workload subnets over the peering).
 * - Idempotent: `CREATE ROLE` only when missing, then grants (granting twice is a no-op).
 * - Re-runs when its SQL or images change (the Job's name carries their hash; a Job's pod template
 *   is immutable anyway). ttlSecondsAfterFinished removes the finished Job; if a `pulumi refresh`
 *   then drops it from the state, the next `up` runs the same idempotent SQL again.
 * - The master password never enters Kubernetes: an init container reads it from Secrets Manager
 *   with its own Pod Identity role (GetSecretValue on that one secret, kms:Decrypt only through
 *   Secrets Manager) into an in-memory emptyDir the psql container reads and deletes.
 * - Nothing waits for it outside this region: the app's Deployments do not depend on it, so a
 *   `pulumi up` never blocks one region on another region's Job. Until the role exists, pods fail
 *   their database login and retry; readiness checks local dependencies only.
 */

/** Pinned public images (ECR Public mirrors of the AWS CLI and the Docker official postgres image). */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.27.26";
export const POSTGRES_CLIENT_IMAGE = "public.ecr.aws/docker/library/postgres:16.10-alpine";
/** Non-root UID for both containers (the restricted Pod Security profile forbids root). */
export const BOOTSTRAP_UID = 65532;

export interface DbBootstrapSettings {
  readonly k8sProvider: k8s.Provider;
  readonly clusterName: pulumi.Input<string>;
  readonly app: AppConfig;
  readonly bootstrap: DatabaseBootstrap;
  /** Node groups and the Pod Identity agent: the pod needs somewhere to run and its credentials. */
  readonly dependsOn: pulumi.Resource[];
}

/**
 * The bootstrap SQL. The role is a plain lower-case identifier and the database name holds only
 * letters, digits and _ (GlobalDatabase refuses anything else); the database name is double-quoted
 * because libpq (PGDATABASE) uses it with its case, as RDS created it. `rds_iam` makes the role log in with IAM tokens only (Aurora
 * User Guide, "Creating a database account using IAM authentication"). The role gets the rights
 * an app that migrates its own schema needs, nothing cluster-wide.
 */
export function bootstrapSql(appUser: string, database: string): string {
  return [
    "DO $$",
    "BEGIN",
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${appUser}') THEN`,
    `    CREATE ROLE ${appUser} LOGIN;`,
    "  END IF;",
    "END",
    "$$;",
    // CREATE ROLE already means NOSUPERUSER NOREPLICATION, and naming those attributes at all
    // needs a real superuser, which the Aurora master user is not (it has rds_superuser).
    `ALTER ROLE ${appUser} WITH LOGIN NOCREATEDB NOCREATEROLE;`,
    `GRANT rds_iam TO ${appUser};`,
    `GRANT CONNECT, TEMPORARY ON DATABASE "${database}" TO ${appUser};`,
    `GRANT USAGE, CREATE ON SCHEMA public TO ${appUser};`,
    "",
  ].join("\n");
}

/** The psql container's script: the password goes from the in-memory file to psql's environment only. */
export const PSQL_SCRIPT = [
  "set -eu",
  // The secret is compact JSON from JSON.stringify; the generated password has no quote or backslash.
  "PGPASSWORD=\"$(sed -n 's/.*\"password\":\"\\([^\"]*\\)\".*/\\1/p' /creds/master.json)\"",
  "export PGPASSWORD",
  "rm -f /creds/master.json",
  "exec psql -v ON_ERROR_STOP=1 -f /sql/bootstrap.sql",
].join("\n");

/** Read one secret, decrypt through Secrets Manager in this region only. */
export function bootstrapPolicy(secretArn: string, keyArn: string, region: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadMasterSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
      },
    ],
  });
}

export function bootstrapJobName(sql: string): string {
  const hash = createHash("sha256").update([sql, PSQL_SCRIPT, AWS_CLI_IMAGE, POSTGRES_CLIENT_IMAGE].join("\n")).digest("hex").slice(0, 10);
  return `db-bootstrap-${hash}`;
}

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};

export function createDbBootstrap(ctx: TierContext, s: DbBootstrapSettings): k8s.batch.v1.Job {
  const b = s.bootstrap;
  const opts = { parent: ctx.parent, provider: s.k8sProvider };
  const awsOpts = { parent: ctx.parent };
  const labels = { "app.kubernetes.io/name": `${s.app.name}-db-bootstrap`, "app.kubernetes.io/part-of": "ha-blueprint", "ha-blueprint/tier": "database" };
  const namespaceName = `${s.app.name}-db-bootstrap`.slice(0, 63);

  // Its own namespace and service account: the app's pods cannot use this identity.
  const namespace = new k8s.core.v1.Namespace(`${ctx.name}-db-bootstrap-ns`, {
    metadata: {
      name: namespaceName,
      labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
    },
  }, opts);
  const serviceAccount = new k8s.core.v1.ServiceAccount(`${ctx.name}-db-bootstrap-sa`, {
    metadata: { name: "db-bootstrap", namespace: namespace.metadata.name, labels },
    automountServiceAccountToken: false,
  }, opts);

  const role = new aws.iam.Role(`${ctx.name}-db-bootstrap-role`, {
    name: physical(ctx, "db-bootstrap", 64),
    description: "SQL bootstrap Job: reads the Aurora master secret, nothing else",
    assumeRolePolicy: serviceTrust("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    tags: tagsFor(ctx, "database", "db-bootstrap-role"),
  }, awsOpts);
  new aws.iam.RolePolicy(`${ctx.name}-db-bootstrap-policy`, {
    role: role.id,
    policy: pulumi.all([b.masterSecretArn, b.masterSecretKeyArn]).apply(([secretArn, keyArn]) => bootstrapPolicy(secretArn, keyArn, ctx.region)),
  }, awsOpts);
  const association = new aws.eks.PodIdentityAssociation(`${ctx.name}-db-bootstrap-identity`, {
    clusterName: s.clusterName,
    namespace: namespaceName,
    serviceAccount: "db-bootstrap",
    roleArn: role.arn,
    tags: tagsFor(ctx, "database", "db-bootstrap-identity"),
  }, awsOpts);

  const sql = bootstrapSql(b.appUsername, b.databaseName);
  const sqlConfig = new k8s.core.v1.ConfigMap(`${ctx.name}-db-bootstrap-sql`, {
    metadata: { namespace: namespace.metadata.name, labels },
    data: { "bootstrap.sql": sql },
  }, opts);

  return new k8s.batch.v1.Job(`${ctx.name}-db-bootstrap`, {
    metadata: { name: bootstrapJobName(sql), namespace: namespace.metadata.name, labels },
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 900,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccount.metadata.name,
          automountServiceAccountToken: false,
          restartPolicy: "Never",
          nodeSelector: NODE_POOL_LABEL,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: BOOTSTRAP_UID,
            runAsGroup: BOOTSTRAP_UID,
            fsGroup: BOOTSTRAP_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          initContainers: [{
            name: "read-master-secret",
            image: AWS_CLI_IMAGE,
            // EKS Pod Identity credentials need AWS CLI 2.15.0 or newer (EKS User Guide, "Use pod
            // identity with the AWS SDK").
            command: ["/bin/sh", "-c", "aws secretsmanager get-secret-value --secret-id \"$SECRET_ARN\" --query SecretString --output text > /creds/master.json"],
            env: [
              { name: "SECRET_ARN", value: b.masterSecretArn },
              { name: "AWS_REGION", value: ctx.region },
              { name: "HOME", value: "/tmp" },
            ],
            securityContext: RESTRICTED_CONTAINER,
            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            volumeMounts: [{ name: "creds", mountPath: "/creds" }, { name: "tmp", mountPath: "/tmp" }],
          }],
          containers: [{
            name: "psql",
            image: POSTGRES_CLIENT_IMAGE,
            command: ["/bin/sh", "-c", PSQL_SCRIPT],
            env: [
              { name: "PGHOST", value: b.host },
              { name: "PGPORT", value: pulumi.output(b.port).apply(String) },
              { name: "PGDATABASE", value: b.databaseName },
              { name: "PGUSER", value: b.masterUsername },
              // Aurora PostgreSQL accepts TLS; verify-full would need the RDS CA bundle in the image.
              { name: "PGSSLMODE", value: "require" },
              { name: "PGCONNECT_TIMEOUT", value: "10" },
            ],
            securityContext: RESTRICTED_CONTAINER,
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
            volumeMounts: [
              { name: "creds", mountPath: "/creds" },
              { name: "sql", mountPath: "/sql", readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          }],
          volumes: [
            // In memory: the master password never touches a node's disk.
            { name: "creds", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
            { name: "sql", configMap: { name: sqlConfig.metadata.name } },
            { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
          ],
        },
      },
    },
  }, {
    ...opts,
    dependsOn: [...s.dependsOn, association, ...b.readyAfter],
    // A writer that is still being created can take longer than the provider's 10 minutes.
    customTimeouts: { create: "30m", update: "30m" },
  });
}

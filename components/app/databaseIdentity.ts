import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConnection } from "../contracts";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";

export interface DatabaseIdentitySettings {
  readonly clusterName: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The database the role may log in to, per kind. */
  readonly database: DatabaseConnection;
}

/** The role's only permission: connect to one cluster as a custom role (not `admin`). */
export function dsqlConnectPolicy(clusterArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Sid: "ConnectAsCustomRole",
      Effect: "Allow",
      // DbConnect, not DbConnectAdmin: the workload logs in as its own PostgreSQL role, whose
      // grants an administrator sets (Aurora DSQL User Guide, "Using database roles and IAM
      // authentication").
      Action: "dsql:DbConnect",
      Resource: clusterArn,
    }],
  });
}

/**
 * Aurora (PostgreSQL) IAM authentication: connect as the app's own role, on the stack's member
 * clusters only. Every member is listed because the global writer endpoint reaches whichever
 * member is the writer after a switchover, and that cluster checks the token against its own
 * `dbuser:<cluster resource id>/<user>` ARN (Aurora User Guide, "Creating and using an IAM policy
 * for IAM database access"). The master user is never a resource here.
 */
export function rdsConnectPolicy(connectArns: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Sid: "ConnectAsAppRole",
      Effect: "Allow",
      Action: "rds-db:connect",
      Resource: connectArns,
    }],
  });
}

/** The role's policy and description for a database connection's kind. */
export function databaseConnectPolicy(database: DatabaseConnection): { policy: pulumi.Output<string>; description: string } {
  if (database.kind === "aurora-dsql") {
    return { policy: pulumi.output(database.clusterArn).apply(dsqlConnectPolicy), description: "App workload: IAM authentication to this region's Aurora DSQL cluster" };
  }
  return {
    policy: pulumi.output(database.connectArns).apply((arns) => rdsConnectPolicy(arns as string[])),
    description: "App workload: IAM authentication as the app role to the Aurora global database members",
  };
}

/**
 * The workload's IAM identity for an IAM-authenticated database: a role EKS Pod Identity hands to
 * the app's service account (trust `pods.eks.amazonaws.com`, which assumes and tags the session),
 * allowed `dsql:DbConnect` on this region's cluster only (Aurora DSQL) or `rds-db:connect` as the app
 * role on the global database's members (Aurora). Pods sign short-lived tokens with it,
 * so no database password exists. The Pod Identity agent add-on is installed by addons.ts. The
 * app's service account keeps `automountServiceAccountToken: false`: EKS mounts the Pod Identity
 * token through its own projected volume and sets AWS_CONTAINER_CREDENTIALS_FULL_URI (AWS SDKs
 * reference, "Container credential provider"; aws-samples/sample-eks-nitro-sandbox does the same).
 */
export function createDatabaseIdentity(ctx: TierContext, s: DatabaseIdentitySettings): aws.eks.PodIdentityAssociation {
  const opts = { parent: ctx.parent };
  const { policy, description } = databaseConnectPolicy(s.database);
  const role = new aws.iam.Role(`${ctx.name}-database-role`, {
    name: physical(ctx, "app-database", 64),
    description,
    assumeRolePolicy: serviceTrust("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    tags: tagsFor(ctx, "app", "app-database-role"),
  }, opts);
  new aws.iam.RolePolicy(`${ctx.name}-database-policy`, {
    role: role.id,
    policy,
  }, opts);
  return new aws.eks.PodIdentityAssociation(`${ctx.name}-database-identity`, {
    clusterName: s.clusterName,
    namespace: s.namespace,
    serviceAccount: s.serviceAccount,
    roleArn: role.arn,
    tags: tagsFor(ctx, "app", "app-database-identity"),
  }, opts);
}

/**
 * The Aurora part of the app's environment that says who it is and how it signs in: its own role,
 * IAM tokens, and the regions a token for the global writer endpoint may be signed for (the token
 * is checked by the current writer, in its own region; the reader endpoint is always this
 * region's, the first entry). No password exists.
 */
export function auroraIamAuthEnv(db: Extract<DatabaseConnection, { kind: "aurora-global" }>): Record<string, pulumi.Input<string>> {
  return {
    DATABASE_USER: db.user,
    DATABASE_AUTH: "iam",
    DATABASE_IAM_REGIONS: db.iamRegions.join(","),
  };
}

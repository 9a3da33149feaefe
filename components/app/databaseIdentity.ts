import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";

export interface DatabaseIdentitySettings {
  readonly clusterName: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** This region's Aurora DSQL cluster: the only resource the role may connect to. */
  readonly clusterArn: pulumi.Input<string>;
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
 * The workload's IAM identity for an IAM-authenticated database: a role EKS Pod Identity hands to
 * the app's service account (trust `pods.eks.amazonaws.com`, which assumes and tags the session),
 * allowed `dsql:DbConnect` on this region's cluster only. Pods sign short-lived tokens with it,
 * so no database password exists. The Pod Identity agent add-on is installed by addons.ts. The
 * app's service account keeps `automountServiceAccountToken: false`: EKS mounts the Pod Identity
 * token through its own projected volume and sets AWS_CONTAINER_CREDENTIALS_FULL_URI (AWS SDKs
 * reference, "Container credential provider"; aws-samples/sample-eks-nitro-sandbox does the same).
 */
export function createDatabaseIdentity(ctx: TierContext, s: DatabaseIdentitySettings): aws.eks.PodIdentityAssociation {
  const opts = { parent: ctx.parent };
  const role = new aws.iam.Role(`${ctx.name}-database-role`, {
    name: physical(ctx, "app-database", 64),
    description: "App workload: IAM authentication to this region's Aurora DSQL cluster",
    assumeRolePolicy: serviceTrust("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    tags: tagsFor(ctx, "app", "app-database-role"),
  }, opts);
  new aws.iam.RolePolicy(`${ctx.name}-database-policy`, {
    role: role.id,
    policy: pulumi.output(s.clusterArn).apply(dsqlConnectPolicy),
  }, opts);
  return new aws.eks.PodIdentityAssociation(`${ctx.name}-database-identity`, {
    clusterName: s.clusterName,
    namespace: s.namespace,
    serviceAccount: s.serviceAccount,
    roleArn: role.arn,
    tags: tagsFor(ctx, "app", "app-database-identity"),
  }, opts);
}

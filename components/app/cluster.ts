import * as aws from "../sdk/aws";
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";
import { buildKubeconfig } from "./kubeconfig";
import { createLogGroupKey } from "../monitoring/logEncryption";

/** Every control-plane log type; audit and authenticator are what an incident review needs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface ClusterSettings {
  readonly version: string;
  readonly vpcId: pulumi.Input<string>;
  /** One private subnet per AZ: the control plane's ENIs land in every AZ. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly publicEndpoint: boolean;
  readonly publicAccessCidrs: string[];
  readonly privateAccessCidrs: string[];
  readonly adminPrincipalArns: string[];
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
}

export interface ClusterParts {
  readonly cluster: aws.eks.Cluster;
  /** Plain, because tag keys and the autoscaler's discovery flag embed it. */
  readonly clusterName: string;
  /** The security group EKS creates; nodes must carry it to talk to the control plane. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly k8sProvider: k8s.Provider;
}

/**
 * EKS control plane: IAM role with a region-unique name, a KMS key for envelope encryption of
 * Secrets, the control-plane log group (created first so its retention is ours, not "never
 * expire"), private endpoint in every AZ, and the Kubernetes provider built from its outputs.
 */
export function createCluster(ctx: TierContext, s: ClusterSettings): ClusterParts {
  const { name, parent } = ctx;
  const opts = { parent };
  const clusterName = physical(ctx, "eks", 100);

  const role = new aws.iam.Role(`${name}-cluster-role`, {
    name: physical(ctx, "eks-cluster", 64),
    assumeRolePolicy: serviceTrust("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    tags: tagsFor(ctx, "app", "eks-cluster-role"),
  }, opts);
  const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster-role-eks`, {
    role: role.name,
    policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
  }, opts);

  const key = new aws.kms.Key(`${name}-secrets-key`, {
    description: `Envelope encryption of Kubernetes Secrets in ${clusterName}`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    tags: tagsFor(ctx, "app", "eks-secrets-key"),
  }, opts);
  new aws.kms.Alias(`${name}-secrets-key-alias`, {
    name: `alias/${physical(ctx, "eks-secrets", 200)}`,
    targetKeyId: key.keyId,
  }, opts);
  // The cluster role encrypts and decrypts through the key; nothing else in the account needs it.
  const keyUse = new aws.iam.RolePolicy(`${name}-cluster-role-kms`, {
    role: role.id,
    policy: key.arn.apply((arn) => JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: arn }],
    })),
  }, opts);

  // EKS writes to this fixed name; creating it ourselves sets the retention and the customer key
  // (the audit and authenticator logs name every principal and request).
  const logGroupName = `/aws/eks/${clusterName}/cluster`;
  const logKey = createLogGroupKey(`${name}-control-plane-logs-key`, {
    region: ctx.region,
    logGroupName,
    description: `Encrypts the control-plane log group of ${clusterName}`,
    tags: tagsFor(ctx, "app", "eks-control-plane-logs-key"),
  }, opts);
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
    name: logGroupName,
    retentionInDays: s.logRetentionDays,
    kmsKeyId: logKey.arn,
    tags: tagsFor(ctx, "app", "eks-control-plane-logs"),
  }, opts);

  // Extra security group for the control-plane ENIs, only to admit the operators' private networks.
  let apiSecurityGroupIds: pulumi.Output<string>[] | undefined;
  if (s.privateAccessCidrs.length > 0) {
    const apiSg = new aws.ec2.SecurityGroup(`${name}-api-sg`, {
      name: physical(ctx, "eks-api"),
      description: "EKS private API endpoint: HTTPS from the configured operator networks",
      vpcId: s.vpcId,
      tags: tagsFor(ctx, "app", "eks-api-sg"),
    }, opts);
    s.privateAccessCidrs.forEach((cidr, i) => {
      new aws.vpc.SecurityGroupIngressRule(`${name}-api-sg-in-${i + 1}`, {
        securityGroupId: apiSg.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
        description: "Kubernetes API from an operator network",
        tags: tagsFor(ctx, "app", `eks-api-sg-in-${i + 1}`),
      }, opts);
    });
    apiSecurityGroupIds = [apiSg.id];
  }

  const cluster = new aws.eks.Cluster(`${name}-cluster`, {
    name: clusterName,
    version: s.version,
    roleArn: role.arn,
    vpcConfig: {
      subnetIds: s.privateSubnetIds,
      endpointPrivateAccess: true,
      endpointPublicAccess: s.publicEndpoint,
      ...(s.publicEndpoint ? { publicAccessCidrs: s.publicAccessCidrs } : {}),
      ...(apiSecurityGroupIds ? { securityGroupIds: apiSecurityGroupIds } : {}),
    },
    // Access entries instead of the aws-auth ConfigMap: EKS adds the node role's entry itself.
    // With admin principals configured, nobody is admin by having created the cluster: the
    // deployers are configuration, so a colleague's or CI's `pulumi up` works the same as the
    // creator's, and a listed creator gets no second entry that would collide with ours.
    // `bootstrapClusterCreatorAdminPermissions` only acts at creation (EKS API Reference,
    // CreateAccessConfigRequest: "set as a cluster admin access entry during cluster creation
    // time") and changing it replaces the cluster (CloudFormation AWS::EKS::Cluster AccessConfig,
    // "Update requires: Replacement"; ForceNew in the Terraform provider), hence ignoreChanges below.
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: s.adminPrincipalArns.length === 0 },
    encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
    enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
    // Lets ARC zonal shift (or autoshift) drain an impaired AZ inside the cluster too.
    zonalShiftConfig: { enabled: true },
    deletionProtection: s.deletionProtection,
    tags: tagsFor(ctx, "app", "eks"),
  }, {
    parent,
    dependsOn: [clusterPolicy, keyUse, logGroup],
    // Acts only at creation and would replace a live cluster: a cluster keeps what it was created
    // with, and a stack that adds admin principals later keeps its clusters.
    ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
  });

  const adminAssociations = s.adminPrincipalArns.map((principalArn) => {
    const key = adminEntryKey(principalArn);
    const entry = new aws.eks.AccessEntry(`${name}-admin-${key}`, {
      clusterName: cluster.name,
      principalArn,
      type: "STANDARD",
      tags: tagsFor(ctx, "app", `eks-admin-${key}`),
    }, opts);
    return new aws.eks.AccessPolicyAssociation(`${name}-admin-${key}-policy`, {
      clusterName: cluster.name,
      principalArn: entry.principalArn,
      policyArn: pulumi.interpolate`arn:${ctx.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      accessScope: { type: "cluster" },
    }, opts);
  });

  const k8sProvider = new k8s.Provider(`${name}-k8s`, {
    kubeconfig: pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
      .apply(([clusterName_, endpoint, ca]) => buildKubeconfig({
        clusterName: clusterName_,
        region: ctx.region,
        endpoint,
        certificateAuthorityData: ca?.data ?? "",
      })),
    enableServerSideApply: true,
  }, {
    parent,
    // Every Kubernetes resource waits for the admins' access: on the first up the deployer may
    // be one of them rather than the creator, and EKS answers Unauthorized until its entry exists.
    dependsOn: adminAssociations,
  });

  return {
    cluster,
    clusterName,
    clusterSecurityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId ?? ""),
    k8sProvider,
  };
}

/**
 * A stable, readable key per admin principal (its role or user name plus a short hash of the ARN),
 * so removing one principal from the list never renames, and so replaces, the others' entries.
 */
export function adminEntryKey(principalArn: string): string {
  const leaf = principalArn.slice(principalArn.lastIndexOf("/") + 1).toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 32);
  return `${leaf}-${createHash("sha256").update(principalArn).digest("hex").slice(0, 6)}`;
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";

/** The VPC CNI's service account (kube-system), which its Pod Identity association names. */
export const VPC_CNI_SERVICE_ACCOUNT = "aws-node";

export interface AddonSettings {
  readonly cluster: aws.eks.Cluster;
  readonly azCount: number;
  /** Add-ons that run pods wait for these, or they stay DEGRADED until the create times out. */
  readonly nodeGroups: pulumi.Resource[];
}

/**
 * EKS-managed add-ons, so AWS patches them with the cluster: the VPC CNI (on its own Pod Identity
 * role) and kube-proxy (adopting the copies EKS bootstraps), the Pod Identity agent the CNI's and
 * the Cluster Autoscaler's credentials come through, CoreDNS with at least one replica per AZ, and Metrics Server, without which the HPA
 * never scales.
 */
export function createAddons(ctx: TierContext, s: AddonSettings): Record<string, aws.eks.Addon> {
  const corednsMin = Math.max(2, s.azCount);
  // The CNI's ENI and IP permissions belong to the aws-node pods, not to every process on the
  // node: a Pod Identity role bound to its service account through the add-on (EKS User Guide,
  // "IAM roles for Amazon EKS add-ons"; "Use Pod Identities to assign an IAM role to an Amazon
  // EKS add-on"). The Pod Identity agent runs on the host network, so it serves aws-node before
  // pod networking exists.
  const cniRole = new aws.iam.Role(`${ctx.name}-vpc-cni-role`, {
    name: physical(ctx, "vpc-cni", 64),
    assumeRolePolicy: serviceTrust("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    tags: tagsFor(ctx, "app", "vpc-cni-role"),
  }, { parent: ctx.parent });
  const cniPolicy = new aws.iam.RolePolicyAttachment(`${ctx.name}-vpc-cni-role-cni`, {
    role: cniRole.name,
    policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/AmazonEKS_CNI_Policy`,
  }, { parent: ctx.parent });
  const specs: { addon: string; needsNodes: boolean; configuration?: unknown; podIdentity?: { serviceAccount: string; roleArn: pulumi.Input<string> }; after?: string[] }[] = [
    { addon: "eks-pod-identity-agent", needsNodes: false },
    { addon: "vpc-cni", needsNodes: false, podIdentity: { serviceAccount: VPC_CNI_SERVICE_ACCOUNT, roleArn: cniRole.arn }, after: ["eks-pod-identity-agent"] },
    { addon: "kube-proxy", needsNodes: false },
    { addon: "coredns", needsNodes: true, configuration: { autoScaling: { enabled: true, minReplicas: corednsMin, maxReplicas: Math.max(10, corednsMin) } } },
    { addon: "metrics-server", needsNodes: true },
  ];
  const addons: Record<string, aws.eks.Addon> = {};
  for (const spec of specs) {
    addons[spec.addon] = new aws.eks.Addon(`${ctx.name}-addon-${spec.addon}`, {
      clusterName: s.cluster.name,
      addonName: spec.addon,
      // Adopt the self-managed copies EKS installs at cluster creation instead of failing on them.
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      ...(spec.configuration ? { configurationValues: JSON.stringify(spec.configuration) } : {}),
      ...(spec.podIdentity ? { podIdentityAssociations: [spec.podIdentity] } : {}),
      tags: tagsFor(ctx, "app", `eks-addon-${spec.addon}`),
    }, {
      parent: ctx.parent,
      dependsOn: [
        ...(spec.needsNodes ? s.nodeGroups : []),
        ...(spec.after ?? []).map((a) => addons[a]),
        ...(spec.podIdentity ? [cniPolicy] : []),
      ],
    });
  }
  return addons;
}

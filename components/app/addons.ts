import * as aws from "../sdk/aws";
import type * as pulumi from "@pulumi/pulumi";
import { tagsFor, type TierContext } from "./context";

export interface AddonSettings {
  readonly cluster: aws.eks.Cluster;
  readonly azCount: number;
  /** Add-ons that run pods wait for these, or they stay DEGRADED until the create times out. */
  readonly nodeGroups: pulumi.Resource[];
}

/**
 * EKS-managed add-ons, so AWS patches them with the cluster: the VPC CNI and kube-proxy (adopting
 * the copies EKS bootstraps), the Pod Identity agent the Cluster Autoscaler's credentials come
 * through, CoreDNS with at least one replica per AZ, and Metrics Server, without which the HPA
 * never scales.
 */
export function createAddons(ctx: TierContext, s: AddonSettings): Record<string, aws.eks.Addon> {
  const corednsMin = Math.max(2, s.azCount);
  const specs: { addon: string; needsNodes: boolean; configuration?: unknown }[] = [
    { addon: "vpc-cni", needsNodes: false },
    { addon: "kube-proxy", needsNodes: false },
    { addon: "eks-pod-identity-agent", needsNodes: false },
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
      tags: tagsFor(ctx, "app", `eks-addon-${spec.addon}`),
    }, { parent: ctx.parent, ...(spec.needsNodes ? { dependsOn: s.nodeGroups } : {}) });
  }
  return addons;
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";

/** Tags the Cluster Autoscaler discovers node groups by; EKS sets them on managed node groups' ASGs itself. */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/** AWS-managed policies of the node role: joining the cluster and pulling images, nothing more. */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"];

/** Node label every app node carries; identical across AZs so the autoscaler sees one similar set. */
export const NODE_POOL_LABEL = { "ha-blueprint/pool": "app" };

export interface NodeGroupSettings {
  readonly cluster: aws.eks.Cluster;
  readonly clusterName: string;
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** The cell's workload group: the data tier admits only it, so every node (and pod) carries it. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** One private subnet per AZ, same order as `availabilityZones`. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly instanceTypes: string[];
  readonly amiType: string;
  readonly volumeSizeGiB: number;
  readonly nodesPerAz: { readonly min: number; readonly max: number; readonly desired: number };
}

export interface NodeGroupParts {
  readonly nodeGroups: aws.eks.NodeGroup[];
  readonly nodeRole: aws.iam.Role;
  /** Name of each node group's Auto Scaling group, same order as the node groups. */
  readonly autoscalingGroupNames: pulumi.Output<string>[];
}

/**
 * One managed node group per AZ, all from one launch template. Per-AZ groups let the Cluster
 * Autoscaler add a node in exactly the AZ whose pods are pending (a multi-AZ ASG picks the AZ
 * itself), and `--balance-similar-node-groups` keeps them even. A single shared launch template
 * keeps the EKS-added `sourceLaunchTemplate*` node labels identical across groups, which the
 * balancing needs.
 */
export function createNodeGroups(ctx: TierContext, s: NodeGroupSettings): NodeGroupParts {
  const { name, parent } = ctx;
  const opts = { parent };

  const nodeRole = new aws.iam.Role(`${name}-node-role`, {
    name: physical(ctx, "eks-node", 64),
    assumeRolePolicy: serviceTrust("ec2.amazonaws.com"),
    tags: tagsFor(ctx, "app", "eks-node-role"),
  }, opts);
  // WorkerNode includes eks-auth:AssumeRoleForPodIdentity, which the Pod Identity agent needs. The
  // CNI policy is not here: the VPC CNI add-on gets it through its own Pod Identity role (addons.ts).
  const attachments = NODE_ROLE_POLICIES.map((policy) =>
    new aws.iam.RolePolicyAttachment(`${name}-node-role-${policy}`, {
      role: nodeRole.name,
      policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/${policy}`,
    }, opts));

  const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-node-lt`, {
    name: physical(ctx, "eks-node", 125),
    description: `EKS managed nodes of ${s.clusterName}: IMDSv2 only, encrypted gp3 root volume`,
    updateDefaultVersion: true,
    // Without the cluster security group here, EKS would not attach it and nodes could not reach the API.
    vpcSecurityGroupIds: [s.clusterSecurityGroupId, s.appSecurityGroupId],
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      // Hop limit 1: pods cannot reach the node's credentials; they use EKS Pod Identity instead.
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    },
    blockDeviceMappings: [{
      deviceName: "/dev/xvda",
      ebs: { volumeSize: s.volumeSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
    }],
    tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
      resourceType,
      tags: tagsFor(ctx, "app", `eks-node-${resourceType}`),
    })),
    tags: tagsFor(ctx, "app", "eks-node-lt"),
  }, opts);

  const discovery = autoscalerDiscoveryTags(s.clusterName);
  const nodeGroups: aws.eks.NodeGroup[] = [];
  const autoscalingGroupNames: pulumi.Output<string>[] = [];
  s.privateSubnetIds.forEach((subnetId, i) => {
    const key = `az${i + 1}`;
    const group = new aws.eks.NodeGroup(`${name}-${key}-ng`, {
      clusterName: s.cluster.name,
      // A prefix, not a name: instance-type or subnet changes replace the group, and the new one
      // must exist before the old one drains (create-before-delete).
      nodeGroupNamePrefix: `${physical(ctx, key, 36)}-`,
      version: s.cluster.version,
      nodeRoleArn: nodeRole.arn,
      subnetIds: [subnetId],
      amiType: s.amiType,
      capacityType: "ON_DEMAND",
      instanceTypes: s.instanceTypes,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
      scalingConfig: { minSize: s.nodesPerAz.min, maxSize: s.nodesPerAz.max, desiredSize: s.nodesPerAz.desired },
      updateConfig: { maxUnavailable: 1 },
      nodeRepairConfig: { enabled: true },
      labels: NODE_POOL_LABEL,
      tags: tagsFor(ctx, "app", `${key}-ng`, discovery),
    }, {
      parent,
      dependsOn: attachments,
      // The Cluster Autoscaler owns the desired size; a `pulumi up` must not undo its decisions.
      ignoreChanges: ["scalingConfig.desiredSize"],
    });
    // EKS tags every managed node group's ASG with both discovery tags itself (EKS User Guide,
    // "Managed node groups": "Amazon EKS tags managed node group resources so that they are
    // configured to use the Kubernetes Cluster Autoscaler"), and node-group tags do not reach the
    // ASG. Writing them again with aws.autoscaling.Tag would make Pulumi own EKS's tags: deleting
    // or renaming that resource later removes them and the autoscaler stops seeing the group.
    const asgName = group.resources.apply((r) => r[0]?.autoscalingGroups[0]?.name ?? "");
    nodeGroups.push(group);
    autoscalingGroupNames.push(asgName);
  });

  return { nodeGroups, nodeRole, autoscalingGroupNames };
}

import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, effectiveBool, field, isSet, isUnknown, list } from "../engine/values";
import { azSpan, minAzsSpec, placedSubnets, T } from "./common";
import { capacityOf, isClusterNodeGroup, provisionsOnDemand } from "./nodeCapacity";

/**
 * S10. Nodes are where pods land: a cluster's node capacity (managed node groups, self-managed
 * node Auto Scaling groups, Fargate profiles) must cover the AZs, with at least one node that
 * cannot be scaled away in each. Auto Mode and Karpenter provision nodes where pods ask for them.
 */
export const nodeGroupsSpanAzs = defineStackRule<{ minAzs: number; minNodes: number }>({
  name: "ha-eks-nodegroups-span-azs",
  description: "Each EKS cluster's node capacity (managed node groups, self-managed node Auto Scaling groups, Fargate profiles; Auto Mode and Karpenter provision their own) covers at least the minimum number of AZs, each covered AZ keeps at least one node, and the cluster keeps at least max(minNodes, AZ count) nodes.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["FSBP AutoScaling.2", "CT.AUTOSCALING.PR.1", "REL10-BP01"],
  remediation: "create a managed node group per AZ (or one spanning all private subnets) with scalingConfig.minSize >= 1 per AZ",
  scope: "stack",
  config: {
    minAzs: minAzsSpec,
    minNodes: { type: "integer", minimum: 1, default: 2, description: "Minimum nodes per cluster regardless of AZ count." },
  },
  check({ graph, config, report, undecided, limit }) {
    for (const cluster of graph.ofType(T.eksCluster)) {
      const capacity = capacityOf(graph, cluster);
      if (provisionsOnDemand(capacity)) continue;
      const groups: Array<[GraphNode, string, string]> = [
        ...capacity.nodeGroups.map((g): [GraphNode, string, string] => [g, "subnetIds", "scalingConfig.minSize"]),
        ...capacity.selfManaged.map((g): [GraphNode, string, string] => [g, "vpcZoneIdentifiers", "minSize"]),
      ];
      if (groups.length === 0 && capacity.fargateProfiles.length === 0) {
        report(cluster, "has no node capacity in this stack (no node group, self-managed node group, Fargate profile, Karpenter or Auto Mode), so no pod has a node to run on", "add managed node groups over the private subnets of every AZ");
        continue;
      }
      const azs = new Set<string>();
      let minTotal = 0;
      let placementUnknown = false;
      let sizeUnknown = false;
      const place = (n: GraphNode, key: string) => {
        const { subnets, unplaced } = placedSubnets(graph, n, key);
        const span = azSpan(graph, subnets.filter((s) => s.type === T.subnet));
        if (unplaced || span.unknown > 0) placementUnknown = true;
        return span.azs;
      };
      for (const [g, subnetKey, minKey] of groups) {
        const groupAzs = place(g, subnetKey);
        const min = asNumber(graph.prop(g, minKey));
        if (typeof min !== "number") sizeUnknown = true;
        else minTotal += min;
        if (min === 0) {
          report(g, `has ${minKey} 0, so ${groupAzs.length > 0 ? list(groupAzs) : "its AZs"} can be left without nodes`, `set ${minKey} to at least 1`);
          continue;
        }
        groupAzs.forEach((az) => azs.add(az));
      }
      // Fargate runs each pod on capacity of its own in the profile's subnets: AZ coverage without a node count.
      for (const p of capacity.fargateProfiles) place(p, "subnetIds").forEach((az) => azs.add(az));
      if (azs.size < config.minAzs) {
        if (placementUnknown) undecided(cluster, "AZs of some node capacity subnets are unknown");
        else report(cluster, `has node capacity in ${azs.size} availability zone(s) (${list([...azs].sort())}), below ${limit("minAzs")}`, "add node groups (or Fargate profile subnets) in the missing AZs");
      }
      // Sizes are judged even where placement is not known: too few nodes is too few anywhere.
      const needed = Math.max(config.minNodes, azs.size);
      if (!sizeUnknown && capacity.fargateProfiles.length === 0 && minTotal < needed) {
        report(cluster, `keeps at least ${minTotal} node(s) across its node groups; at least ${needed} are required (one per AZ, and ${limit("minNodes")})`, `raise the node groups' minimum sizes to ${needed} nodes in total`);
      }
    }
  },
});

/** R09. Node groups need room to grow and more than one instance type to find capacity in an AZ event. */
export const nodeGroupScaling = defineResourceRule<{ minInstanceTypes: number }>({
  name: "ha-nodegroup-scaling",
  description: "Managed node groups can grow (maxSize > minSize, desiredSize within bounds) and offer several instance types (unset instanceTypes is the provider default t3.medium: one type).",
  severity: "medium",
  kind: "size",
  anchors: ["FSBP AutoScaling.6", "CT.AUTOSCALING.PR.6", "REL11-BP05"],
  remediation: "raise scalingConfig.maxSize above minSize and list at least two instance types",
  scope: "resource",
  types: [T.nodeGroup],
  config: {
    minInstanceTypes: { type: "integer", minimum: 1, default: 2, description: "Instance types a node group offers." },
  },
  check(node, { graph, config, report, limit }) {
    const min = asNumber(graph.prop(node, "scalingConfig.minSize"));
    const max = asNumber(graph.prop(node, "scalingConfig.maxSize"));
    const desired = asNumber(graph.prop(node, "scalingConfig.desiredSize"));
    if (typeof min === "number" && typeof max === "number" && max <= min) {
      report(node, `has scalingConfig.maxSize ${max} <= minSize ${min}, so it cannot absorb the load of a lost AZ or region`, "raise scalingConfig.maxSize above minSize (room for the other region's load)");
    }
    if (typeof min === "number" && typeof desired === "number" && desired < min) report(node, `has desiredSize ${desired} below minSize ${min}`, "set scalingConfig.desiredSize between minSize and maxSize");
    const types = asList(graph.prop(node, "instanceTypes"));
    // Without instanceTypes a launch template may name the (single) type; judge the list when there is one.
    // An absent list without a launch template is the provider default ["t3.medium"]: one type.
    const offeredCount = isUnknown(types) ? 0 : types.length > 0 ? types.length : 1;
    if (!isUnknown(types) && (types.length > 0 || !isSet(graph, node, "launchTemplate")) && offeredCount < config.minInstanceTypes) {
      const offered = types.length > 0 ? `offers ${types.length} instance type(s) (${list(types.map(String))})` : "leaves instanceTypes unset, so it offers the provider default t3.medium alone";
      report(node, `${offered}, below ${limit("minInstanceTypes")}: more types let it find capacity when one runs short`, `list at least ${config.minInstanceTypes} instance types of the same size in instanceTypes`);
    }
  },
});

/** Target groups and classic load balancers an Auto Scaling group registers its instances in. */
function attachedTargets(graph: ResourceGraph, asg: GraphNode): boolean | "unknown" {
  const own = [asList(graph.prop(asg, "targetGroupArns")), asList(graph.prop(asg, "loadBalancers")), asList(graph.prop(asg, "trafficSources"))];
  if (own.some((l) => !isUnknown(l) && (l as unknown[]).length > 0)) return true;
  if (graph.refs(asg, "targetGroupArns").length > 0) return true;
  const attachments = graph.incoming(asg, "autoscalingGroupName", [T.asgAttachment, T.asgTrafficSource]);
  if (attachments.length > 0) return true;
  return own.some(isUnknown) ? "unknown" : false;
}

/**
 * R10. Auto Scaling groups behind a load balancer replace instances that fail its health check
 * only with healthCheckType "ELB" (the default "EC2" sees only instance status), however the
 * group is attached: its own targetGroupArns/loadBalancers/trafficSources, or
 * aws.autoscaling.Attachment and TrafficSourceAttachment resources. Self-managed node groups (tagged for an EKS cluster) are
 * often one per AZ: their AZ and size are judged per cluster by ha-eks-nodegroups-span-azs.
 */
export const asgHealthAndAzs = defineStackRule<{ minAzs: number }>({
  name: "ha-asg-health-and-azs",
  description: "Auto Scaling groups span at least the minimum number of AZs and keep at least two instances (self-managed EKS node groups are judged per cluster instead), and use ELB health checks when attached to a load balancer, directly or through attachment resources.",
  severity: "high",
  kind: "redundancy",
  anchors: ["FSBP AutoScaling.1", "FSBP AutoScaling.2", "CKV2_AWS_15", "NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired"],
  remediation: "spread vpcZoneIdentifiers over every AZ, set minSize >= 2 and healthCheckType \"ELB\" behind a load balancer",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided, limit }) {
    for (const asg of graph.ofType(T.autoscalingGroup)) {
      if (!isClusterNodeGroup(graph, asg)) {
        const placed = placedSubnets(graph, asg, "vpcZoneIdentifiers");
        const span = azSpan(graph, placed.subnets.filter((s) => s.type === T.subnet));
        const own = asList(graph.prop(asg, "availabilityZones"));
        const azs = new Set([...span.azs, ...(isUnknown(own) ? [] : own.filter((a): a is string => typeof a === "string"))]);
        if (azs.size < config.minAzs) {
          if (span.unknown > 0 || (placed.unplaced && isSet(graph, asg, "vpcZoneIdentifiers"))) undecided(asg, "AZs of its subnets are unknown");
          else report(asg, `spans ${azs.size} availability zone(s) (${list([...azs])}), below ${limit("minAzs")}`, "list a subnet of every AZ in vpcZoneIdentifiers");
        }
        const min = asNumber(graph.prop(asg, "minSize"));
        if (typeof min === "number" && min < 2) report(asg, `has minSize ${min}; one instance is a single point of failure`, "set minSize to at least 2");
      }
      const attached = attachedTargets(graph, asg);
      const type = asString(graph.prop(asg, "healthCheckType"));
      if (attached === "unknown" || isUnknown(type)) continue;
      if (attached && (type ?? "EC2") === "EC2") {
        report(asg, `is attached to a load balancer but uses ${type ? "" : "the default "}EC2 health checks, so instances failing the load balancer's check are never replaced`, "set healthCheckType \"ELB\" (and a healthCheckGracePeriod long enough for instances to boot)");
      }
    }
  },
});

/** R11. Nodes require IMDSv2, get no public address and encrypt their volumes. */
export const launchTemplateBasics = defineResourceRule<{ maxHopLimit: number }>({
  name: "sec-launch-template-basics",
  description: "Launch templates and instances require IMDSv2 with a small hop limit, assign no public IP and encrypt the EBS volumes they define.",
  severity: "high",
  kind: "security",
  anchors: ["FSBP EC2.8", "FSBP AutoScaling.3", "FSBP EC2.170", "CKV_AWS_79", "CKV_AWS_341", "CKV_AWS_88", "AwsSolutions-EC26"],
  remediation: "set metadataOptions { httpTokens: \"required\", httpPutResponseHopLimit: 1 or 2 }, no public IP and encrypted: \"true\" on every EBS mapping",
  scope: "resource",
  types: [T.launchTemplate, T.instance],
  config: {
    maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 2, description: "Largest IMDS hop limit (2 lets a container runtime reach IMDS; 1 blocks pods)." },
  },
  check(node, { graph, config, report, undecided }) {
    const tokens = asString(graph.prop(node, "metadataOptions.httpTokens"));
    if (isUnknown(tokens)) undecided(node, "metadataOptions.httpTokens is unknown");
    else if (tokens !== "required") report(node, `does not require IMDSv2 (metadataOptions.httpTokens is ${tokens ?? "unset"})`, "set metadataOptions.httpTokens: \"required\"");
    const hops = asNumber(graph.prop(node, "metadataOptions.httpPutResponseHopLimit"));
    if (typeof hops === "number" && hops > config.maxHopLimit) report(node, `allows ${hops} IMDS hops; at most ${config.maxHopLimit}`, `set metadataOptions.httpPutResponseHopLimit to ${config.maxHopLimit} or less`);
    if (node.type === T.instance && asBool(graph.prop(node, "associatePublicIpAddress")) === true) report(node, "gets a public IP address", "set associatePublicIpAddress: false");
    const nics = asList(graph.prop(node, "networkInterfaces"));
    if (!isUnknown(nics) && nics.some((n) => asBool(field(n, "associatePublicIpAddress")) === true)) report(node, "assigns a public IP address to a network interface", "set networkInterfaces[].associatePublicIpAddress: false");
    const mappings = asList(graph.prop(node, node.type === T.instance ? "ebsBlockDevices" : "blockDeviceMappings"));
    if (!isUnknown(mappings)) {
      for (const m of mappings) {
        const ebs = node.type === T.instance ? m : field(m, "ebs");
        if (!ebs || typeof ebs !== "object") continue;
        if (asBool(field(ebs, "encrypted")) !== true && !isUnknown(field(ebs, "encrypted"))) {
          report(node, `defines EBS volume ${String(field(m, "deviceName") ?? "")} without encryption`.replace(/ +without/, " without"), "set encrypted: \"true\" on the volume's ebs block");
        }
      }
    }
    if (node.type === T.instance) {
      const root = graph.prop(node, "rootBlockDevice.encrypted");
      if (asBool(root) === false) report(node, "has an unencrypted root volume", "set rootBlockDevice.encrypted: true");
    }
  },
});

/** R12. The Kubernetes API is private, secrets are envelope-encrypted, and the control plane logs. */
export const eksControlPlane = defineResourceRule<{ requiredLogTypes: string[] }>({
  name: "sec-eks-control-plane",
  description: "EKS clusters keep the API endpoint private (or limited to listed CIDRs), encrypt secrets with KMS and send api, audit and authenticator logs.",
  severity: "critical",
  kind: "security",
  anchors: ["FSBP EKS.1", "FSBP EKS.8", "AwsSolutions-EKS1", "AwsSolutions-EKS2", "CKV_AWS_39", "CKV_AWS_38", "CKV_AWS_58", "CKV_AWS_37"],
  remediation: "set vpcConfig.endpointPublicAccess false (or restrict publicAccessCidrs), encryptionConfig { resources: [\"secrets\"] } and enabledClusterLogTypes",
  scope: "resource",
  types: [T.eksCluster],
  config: {
    requiredLogTypes: { type: "array", items: { type: "string" }, default: ["api", "audit", "authenticator"], description: "Control-plane log types that must be enabled." },
  },
  check(node, { graph, config, report, undecided }) {
    const pub = effectiveBool(graph, node, "vpcConfig.endpointPublicAccess", true);
    if (isUnknown(pub)) undecided(node, "vpcConfig.endpointPublicAccess is unknown");
    else if (pub) {
      const cidrs = asList(graph.prop(node, "vpcConfig.publicAccessCidrs"));
      if (!isUnknown(cidrs) && (cidrs.length === 0 || cidrs.some((c) => c === "0.0.0.0/0" || c === "::/0"))) {
        report(node, "exposes the Kubernetes API endpoint to the whole internet (endpointPublicAccess defaults to true, publicAccessCidrs to 0.0.0.0/0)", "set vpcConfig.endpointPublicAccess: false (or list your own CIDRs in publicAccessCidrs)");
      }
    }
    const enc = asList(graph.prop(node, "encryptionConfig.resources"));
    if (!isUnknown(enc) && !enc.includes("secrets")) report(node, "does not encrypt Kubernetes secrets with a KMS key (encryptionConfig.resources lacks \"secrets\")", "set encryptionConfig { resources: [\"secrets\"], provider: { keyArn } }");
    const logs = asList(graph.prop(node, "enabledClusterLogTypes"));
    if (!isUnknown(logs)) {
      const missing = config.requiredLogTypes.filter((t) => !logs.includes(t));
      if (missing.length > 0) report(node, `does not send control-plane logs ${list(missing)}`, `add ${list(missing)} to enabledClusterLogTypes`);
    }
  },
});

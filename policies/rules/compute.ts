import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, effectiveBool, field, isSet, isUnknown, list } from "../engine/values";
import { azSpan, minAzsSpec, T } from "./common";

/**
 * S10. Nodes are where pods land: node groups of a cluster must cover the AZs, with at least one
 * node that cannot be scaled away in each.
 */
export const nodeGroupsSpanAzs = defineStackRule<{ minAzs: number; minNodes: number }>({
  name: "ha-eks-nodegroups-span-azs",
  description: "Each EKS cluster's managed node groups cover at least the minimum number of AZs, each covered AZ keeps at least one node, and the cluster keeps at least max(minNodes, AZ count) nodes.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["FSBP AutoScaling.2", "CT.AUTOSCALING.PR.1", "REL10-BP01"],
  remediation: "create a managed node group per AZ (or one spanning all private subnets) with scalingConfig.minSize >= 1 per AZ",
  scope: "stack",
  config: {
    minAzs: minAzsSpec,
    minNodes: { type: "integer", minimum: 1, default: 2, description: "Minimum nodes per cluster regardless of AZ count." },
  },
  check({ graph, config, report, undecided }) {
    for (const cluster of graph.ofType(T.eksCluster)) {
      // EKS Auto Mode manages its own nodes.
      if (asBool(graph.prop(cluster, "computeConfig.enabled")) === true) continue;
      const groups = graph.incoming(cluster, "clusterName", [T.nodeGroup]);
      if (groups.length === 0) {
        report(cluster, "has no managed node groups in this stack, so no pod has a node to run on", "add managed node groups over the private subnets of every AZ");
        continue;
      }
      const azs = new Set<string>();
      let minTotal = 0;
      let unknown = false;
      for (const g of groups) {
        const span = azSpan(graph, graph.refs(g, "subnetIds").filter((s) => s.type === T.subnet));
        const min = asNumber(graph.prop(g, "scalingConfig.minSize"));
        if (span.unknown > 0 || isUnknown(min)) unknown = true;
        if (typeof min === "number") minTotal += min;
        if (min === 0) {
          report(g, `has scalingConfig.minSize 0, so ${list(span.azs)} can be left without nodes`, "set minSize to at least 1");
          continue;
        }
        span.azs.forEach((az) => azs.add(az));
      }
      if (unknown && azs.size < config.minAzs) {
        undecided(cluster, "node group subnets or sizes are unknown");
        continue;
      }
      if (azs.size < config.minAzs) {
        report(cluster, `has node capacity in ${azs.size} availability zone(s) (${list([...azs].sort())}); at least ${config.minAzs} are required`);
      }
      const needed = Math.max(config.minNodes, azs.size);
      if (!unknown && minTotal < needed) {
        report(cluster, `keeps at least ${minTotal} node(s) across its node groups; at least ${needed} (one per AZ, minimum ${config.minNodes}) are required`);
      }
    }
  },
});

/** R09. Node groups need room to grow and more than one instance type to find capacity in an AZ event. */
export const nodeGroupScaling = defineResourceRule<{ minInstanceTypes: number }>({
  name: "ha-nodegroup-scaling",
  description: "Managed node groups can grow (maxSize > minSize, desiredSize within bounds) and offer several instance types.",
  severity: "medium",
  kind: "size",
  anchors: ["FSBP AutoScaling.6", "CT.AUTOSCALING.PR.6", "REL11-BP05"],
  remediation: "raise scalingConfig.maxSize above minSize and list at least two instance types",
  scope: "resource",
  types: [T.nodeGroup],
  config: {
    minInstanceTypes: { type: "integer", minimum: 1, default: 2, description: "Instance types a node group offers." },
  },
  check(node, { graph, config, report }) {
    const min = asNumber(graph.prop(node, "scalingConfig.minSize"));
    const max = asNumber(graph.prop(node, "scalingConfig.maxSize"));
    const desired = asNumber(graph.prop(node, "scalingConfig.desiredSize"));
    if (typeof min === "number" && typeof max === "number" && max <= min) {
      report(node, `has scalingConfig.maxSize ${max} <= minSize ${min}, so it cannot absorb the load of a lost AZ or region`);
    }
    if (typeof min === "number" && typeof desired === "number" && desired < min) report(node, `has desiredSize ${desired} below minSize ${min}`);
    const types = asList(graph.prop(node, "instanceTypes"));
    // Without instanceTypes a launch template may name the (single) type; judge the list when there is one.
    if (!isUnknown(types) && (types.length > 0 || !isSet(graph, node, "launchTemplate")) && types.length < config.minInstanceTypes) {
      report(node, `offers ${types.length} instance type(s) (${list(types.map(String))}); at least ${config.minInstanceTypes} let it find capacity when one type runs short`);
    }
  },
});

/** R10. Auto Scaling groups (self-managed nodes, fixtures from other stacks) follow the same logic. */
export const asgHealthAndAzs = defineStackRule<{ minAzs: number }>({
  name: "ha-asg-health-and-azs",
  description: "Auto Scaling groups span at least the minimum number of AZs, keep at least two instances, and use ELB health checks when attached to target groups.",
  severity: "high",
  kind: "redundancy",
  anchors: ["FSBP AutoScaling.1", "FSBP AutoScaling.2", "CKV2_AWS_15", "AwsSolutions-AS2"],
  remediation: "spread vpcZoneIdentifiers over every AZ, set minSize >= 2 and healthCheckType \"ELB\" behind a load balancer",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided }) {
    for (const asg of graph.ofType(T.autoscalingGroup)) {
      const span = azSpan(graph, graph.refs(asg, "vpcZoneIdentifiers").filter((s) => s.type === T.subnet));
      const own = asList(graph.prop(asg, "availabilityZones"));
      const azs = new Set([...span.azs, ...(isUnknown(own) ? [] : own.filter((a): a is string => typeof a === "string"))]);
      if (azs.size < config.minAzs) {
        if (span.unknown > 0) undecided(asg, "AZs of its subnets are unknown");
        else report(asg, `spans ${azs.size} availability zone(s) (${list([...azs])}); at least ${config.minAzs} are required`);
      }
      const min = asNumber(graph.prop(asg, "minSize"));
      if (typeof min === "number" && min < 2) report(asg, `has minSize ${min}; one instance is a single point of failure`, "set minSize to at least 2");
      const tgs = asList(graph.prop(asg, "targetGroupArns"));
      const attached = (!isUnknown(tgs) && tgs.length > 0) || graph.refs(asg, "targetGroupArns").length > 0;
      if (attached && (asString(graph.prop(asg, "healthCheckType")) ?? "EC2") === "EC2") {
        report(asg, "is attached to target groups but uses EC2 health checks, so instances failing the load balancer's check are never replaced", "set healthCheckType \"ELB\" and a healthCheckGracePeriod");
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
    else if (tokens !== "required") report(node, `does not require IMDSv2 (metadataOptions.httpTokens is ${tokens ?? "unset"})`);
    const hops = asNumber(graph.prop(node, "metadataOptions.httpPutResponseHopLimit"));
    if (typeof hops === "number" && hops > config.maxHopLimit) report(node, `allows ${hops} IMDS hops; at most ${config.maxHopLimit}`);
    if (node.type === T.instance && asBool(graph.prop(node, "associatePublicIpAddress")) === true) report(node, "gets a public IP address");
    const nics = asList(graph.prop(node, "networkInterfaces"));
    if (!isUnknown(nics) && nics.some((n) => asBool(field(n, "associatePublicIpAddress")) === true)) report(node, "assigns a public IP address to a network interface");
    const mappings = asList(graph.prop(node, node.type === T.instance ? "ebsBlockDevices" : "blockDeviceMappings"));
    if (!isUnknown(mappings)) {
      for (const m of mappings) {
        const ebs = node.type === T.instance ? m : field(m, "ebs");
        if (!ebs || typeof ebs !== "object") continue;
        if (asBool(field(ebs, "encrypted")) !== true && !isUnknown(field(ebs, "encrypted"))) {
          report(node, `defines EBS volume ${String(field(m, "deviceName") ?? "")} without encryption`.replace(/ +without/, " without"));
        }
      }
    }
    if (node.type === T.instance) {
      const root = graph.prop(node, "rootBlockDevice.encrypted");
      if (asBool(root) === false) report(node, "has an unencrypted root volume");
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
        report(node, "exposes the Kubernetes API endpoint to the whole internet (endpointPublicAccess defaults to true, publicAccessCidrs to 0.0.0.0/0)");
      }
    }
    const enc = asList(graph.prop(node, "encryptionConfig.resources"));
    if (!isUnknown(enc) && !enc.includes("secrets")) report(node, "does not encrypt Kubernetes secrets with a KMS key (encryptionConfig.resources lacks \"secrets\")");
    const logs = asList(graph.prop(node, "enabledClusterLogTypes"));
    if (!isUnknown(logs)) {
      const missing = config.requiredLogTypes.filter((t) => !logs.includes(t));
      if (missing.length > 0) report(node, `does not send control-plane logs ${list(missing)}`);
    }
  },
});

import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asString, effectiveBool, field, isSet, isUnknown, list } from "../engine/values";
import { azSpan, countOf, minAzsSpec, T } from "./common";

/** R01. A load balancer's nodes live in the AZs of its subnets. */
export const lbMultiAz = defineStackRule<{ minAzs: number }>({
  name: "ha-lb-multi-az",
  description: "Every load balancer is placed in subnets of at least the minimum number of availability zones.",
  severity: "high",
  kind: "redundancy",
  anchors: ["FSBP ELB.13", "FSBP ELB.10", "REL10-BP01"],
  remediation: "give the load balancer one subnet in every availability zone of the region",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided, limit }) {
    for (const lb of graph.ofType(...T.loadBalancers, T.classicLoadBalancer)) {
      const subnets = [...graph.refs(lb, "subnets"), ...graph.refs(lb, "subnetMappings")].filter((s) => s.type === T.subnet);
      const { azs, unknown } = azSpan(graph, subnets);
      const ownAzs = asList(graph.prop(lb, "availabilityZones"));
      if (!isUnknown(ownAzs)) ownAzs.forEach((az) => typeof az === "string" && !azs.includes(az) && azs.push(az));
      if (azs.length >= config.minAzs) continue;
      const declared = (countOf(graph.prop(lb, "subnets")) ?? 0) + (countOf(graph.prop(lb, "subnetMappings")) ?? 0);
      if (unknown > 0 || (subnets.length === 0 && declared >= config.minAzs)) {
        undecided(lb, "AZs of its subnets are unknown");
        continue;
      }
      report(lb, `is placed in ${azs.length} availability zone(s) (${list(azs)}), below ${limit("minAzs")}`);
    }
  },
});

/** R02. Without cross-zone balancing an AZ with fewer healthy targets is overloaded. */
export const lbCrossZone = defineResourceRule({
  name: "ha-lb-cross-zone",
  description: "Network and gateway load balancers enable cross-zone load balancing, and no target group turns it off.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["CKV_AWS_152", "CKV_AWS_138", "FSBP ELB.9"],
  remediation: "set enableCrossZoneLoadBalancing: true (target groups: loadBalancingCrossZoneEnabled \"true\" or \"use_load_balancer_configuration\")",
  scope: "resource",
  types: [...T.loadBalancers, ...T.targetGroups, T.classicLoadBalancer],
  config: {},
  check(node, { graph, report }) {
    if ((T.targetGroups as readonly string[]).includes(node.type)) {
      if (graph.prop(node, "loadBalancingCrossZoneEnabled") === "false") report(node, "sets loadBalancingCrossZoneEnabled \"false\", so an AZ with fewer healthy targets takes the same share of traffic", "set loadBalancingCrossZoneEnabled \"true\" (or \"use_load_balancer_configuration\")");
      return;
    }
    if (node.type === T.classicLoadBalancer) {
      if (asBool(graph.prop(node, "crossZoneLoadBalancing")) === false) report(node, "disables cross-zone load balancing", "set crossZoneLoadBalancing: true");
      return;
    }
    const type = asString(graph.prop(node, "loadBalancerType")) ?? "application";
    // ALBs always balance across zones at the load-balancer level.
    if (type === "application" || isUnknown(type)) return;
    if (effectiveBool(graph, node, "enableCrossZoneLoadBalancing", false) === false) {
      report(node, `is a ${type} load balancer without cross-zone load balancing (off by default)`, "set enableCrossZoneLoadBalancing: true");
    }
  },
});

/** R03. A deleted load balancer takes its region's entry with it. */
export const lbDeletionProtection = defineResourceRule({
  name: "ha-lb-deletion-protection",
  description: "Load balancers have deletion protection enabled.",
  severity: "medium",
  kind: "protection",
  anchors: ["FSBP ELB.6", "CKV_AWS_150", "NIST.800.53.R5-ELBDeletionProtectionEnabled"],
  remediation: "set enableDeletionProtection: true",
  scope: "resource",
  types: T.loadBalancers,
  config: {},
  check(node, { graph, report }) {
    if (effectiveBool(graph, node, "enableDeletionProtection", false) === false) report(node, "has deletion protection off (the default)");
  },
});

/** R04. Target health is what both the ALB and Global Accelerator route on. */
export const targetGroupHealthCheck = defineResourceRule<{ requireExplicitPath: boolean }>({
  name: "ha-target-group-health-check",
  description: "Target groups keep health checks on, and HTTP/HTTPS checks probe an explicit health path other than the default \"/\" (a house rule: `requireExplicitPath`).",
  severity: "high",
  kind: "redundancy",
  anchors: ["CKV_AWS_261", "REL11-BP01"],
  remediation: "enable the health check and set healthCheck.path to the app's deep health endpoint",
  scope: "resource",
  types: T.targetGroups,
  config: {
    requireExplicitPath: { type: "boolean", default: true, description: "Require a health path other than AWS's default \"/\" (this blueprint's choice: its /healthz checks local dependencies)." },
  },
  check(node, { graph, config, report }) {
    if (graph.prop(node, "targetType") === "lambda") return;
    if (asBool(graph.prop(node, "healthCheck.enabled")) === false) {
      report(node, "has its health check disabled, so failed targets keep receiving traffic", "remove healthCheck.enabled: false (health checks are on by default)");
      return;
    }
    const protocol = asString(graph.prop(node, "healthCheck.protocol")) ?? asString(graph.prop(node, "protocol")) ?? "HTTP";
    // "/" is what AWS probes when no path is given, and what an export records for an unset path:
    // reading it as a choice would pass from outputs what fails from inputs.
    const path = asString(graph.prop(node, "healthCheck.path"));
    if (config.requireExplicitPath && (protocol === "HTTP" || protocol === "HTTPS") && !isUnknown(path) && (path === undefined || path === "" || path === "/")) {
      report(
        node,
        `checks health over ${protocol} on ${path === "/" ? "\"/\" (the path AWS probes by default)" : "no explicit healthCheck.path, so AWS probes \"/\""}, which rarely tests the app's dependencies (a house rule, set by \`ha-target-group-health-check.requireExplicitPath\`)`,
        "set healthCheck.path to the app's deep health endpoint (e.g. /healthz)",
      );
    }
    const hc = graph.prop(node, "healthCheck");
    if (hc && typeof hc === "object" && field(hc, "matcher") === "200-499") {
      report(node, "treats 4xx answers as healthy (matcher 200-499)", "use a matcher such as 200 or 200-299");
    }
  },
});

import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, field, isSet, isUnknown, list } from "../engine/values";
import { minRegionsSpec, regionalOf, T } from "./common";
import { addToGroup } from "../../graph/groups";

const ROUTING_POLICIES = ["latencyRoutingPolicies", "failoverRoutingPolicies", "weightedRoutingPolicies", "geolocationRoutingPolicies", "geoproximityRoutingPolicy", "cidrRoutingPolicy"];
const ELB_TYPES: readonly string[] = [...T.loadBalancers, T.classicLoadBalancer];

function internetFacing(graph: ResourceGraph, lb: GraphNode): boolean {
  return asBool(graph.prop(lb, "internal")) !== true;
}

/** Endpoint groups of an accelerator, through its listeners. */
function endpointGroupsOf(graph: ResourceGraph, accelerator: GraphNode): GraphNode[] {
  return graph
    .incoming(accelerator, "acceleratorArn", [T.gaListener])
    .flatMap((l) => graph.incoming(l, "listenerArn", [T.endpointGroup]));
}

/** Regions an endpoint group serves: its literal `endpointGroupRegion`, else its endpoints' regions. */
function endpointGroupRegions(graph: ResourceGraph, eg: GraphNode): string[] {
  const r = asString(graph.prop(eg, "endpointGroupRegion"));
  if (typeof r === "string") return [r];
  return [...new Set(graph.refs(eg, "endpointConfigurations").map((e) => regionalOf(graph, e)).filter((x): x is string => !!x))];
}

function endpointCount(graph: ResourceGraph, eg: GraphNode): number | undefined {
  const l = asList(graph.prop(eg, "endpointConfigurations"));
  return isUnknown(l) ? undefined : l.length;
}

function isRoutingRecord(graph: ResourceGraph, r: GraphNode): boolean {
  return ROUTING_POLICIES.some((k) => isSet(graph, r, k));
}

/** Regions a routing record points into: alias targets' regions or its latency policy region. */
function recordRegions(graph: ResourceGraph, r: GraphNode): string[] {
  const regions = new Set<string>();
  for (const t of graph.refs(r, "aliases")) {
    const region = regionalOf(graph, t);
    if (region) regions.add(region);
  }
  const latency = asList(graph.prop(r, "latencyRoutingPolicies"));
  if (!isUnknown(latency)) for (const p of latency) if (typeof field(p, "region") === "string") regions.add(field(p, "region") as string);
  return [...regions];
}

/** Route 53 routing records grouped by hosted zone and name: one group is one entry point. */
function recordSets(graph: ResourceGraph): GraphNode[][] {
  const sets = new Map<string, GraphNode[]>();
  for (const r of graph.ofType(T.record)) {
    if (!isRoutingRecord(graph, r)) continue;
    const zone = graph.refs(r, "zoneId")[0]?.urn ?? String(graph.prop(r, "zoneId"));
    const key = `${zone}|${String(graph.prop(r, "name"))}|${String(graph.prop(r, "type"))}`;
    addToGroup(sets, key, r);
  }
  return [...sets.values()];
}

/**
 * S03. One global entry (anycast or DNS) in front of every region's load balancer, so an
 * unhealthy region drops out without clients changing anything.
 */
export const globalEntrypoint = defineStackRule<{ minRegions: number }>({
  name: "ha-global-entrypoint",
  description: "A Global Accelerator or Route 53 routing record set sends traffic to load balancers in at least the minimum number of regions, and every region's internet-facing load balancer is behind it.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL02-BP01", "REL10-BP01", "REL11-BP02"],
  remediation: "put a Global Accelerator endpoint group (or a latency/failover Route 53 record) per region in front of each region's load balancer",
  scope: "stack",
  config: { minRegions: minRegionsSpec },
  check({ graph, config, report, limit }) {
    const lbs = graph.ofType(...ELB_TYPES).filter((lb) => internetFacing(graph, lb));
    const accelerators = graph.ofType(T.accelerator);
    const sets = recordSets(graph);
    if (lbs.length === 0 && accelerators.length === 0 && sets.length === 0) return;

    const covered = new Set<string>();
    const fronted = new Set<string>();
    let best = 0;
    for (const acc of accelerators) {
      const regions = new Set<string>();
      for (const eg of endpointGroupsOf(graph, acc)) {
        if (endpointCount(graph, eg) === 0) continue;
        endpointGroupRegions(graph, eg).forEach((r) => regions.add(r));
        graph.refs(eg, "endpointConfigurations").forEach((e) => fronted.add(e.urn));
      }
      regions.forEach((r) => covered.add(r));
      best = Math.max(best, regions.size);
      if (regions.size < config.minRegions) {
        report(acc, `sends traffic to ${regions.size} region(s) (${list([...regions])}); at least ${config.minRegions} need an endpoint group with an endpoint`, "add an endpoint group per region with that region's load balancer as endpoint");
      }
    }
    for (const set of sets) {
      const regions = new Set(set.flatMap((r) => recordRegions(graph, r)));
      set.forEach((r) => graph.refs(r, "aliases").forEach((t) => fronted.add(t.urn)));
      regions.forEach((r) => covered.add(r));
      best = Math.max(best, regions.size);
      if (regions.size < config.minRegions) {
        report(set[0], `record set "${String(graph.prop(set[0], "name"))}" routes to ${regions.size} region(s) (${list([...regions])}), below ${limit("minRegions")}`, "add a routing record (same name and type) aliasing each region's load balancer");
      }
    }
    if (accelerators.length === 0 && sets.length === 0) {
      const regions = [...new Set(lbs.map((lb) => regionalOf(graph, lb)).filter((r): r is string => !!r))];
      report(lbs[0], `internet-facing load balancers in ${list(regions)} have no Global Accelerator or Route 53 routing record in front of them, so clients cannot be moved off a failed region`);
      return;
    }
    if (best < config.minRegions) return; // already reported on the entry point itself
    for (const lb of lbs) {
      const region = regionalOf(graph, lb);
      if (!fronted.has(lb.urn) && region && !covered.has(region)) {
        report(lb, `is an internet-facing load balancer in ${region}, which the global entry point does not route to`, `add an endpoint group (or routing record) for ${region} with this load balancer as endpoint`);
      }
    }
  },
});

/** Target groups behind a load balancer, through its listeners and listener rules. */
function targetGroupsOf(graph: ResourceGraph, lb: GraphNode): GraphNode[] {
  const listeners = graph.incoming(lb, "loadBalancerArn", T.listeners);
  const rules = listeners.flatMap((l) => graph.incoming(l, "listenerArn", T.listenerRules));
  return [
    ...listeners.flatMap((l) => graph.refs(l, "defaultActions")),
    ...rules.flatMap((r) => graph.refs(r, "actions")),
  ].filter((t) => (T.targetGroups as readonly string[]).includes(t.type));
}

/**
 * S04. An endpoint without a health signal keeps receiving traffic after its region fails. For
 * ALB/NLB endpoints Global Accelerator uses the load balancer's target health (its own health
 * check settings do not apply), so the signal is a health-checked target group behind the ALB.
 */
export const entrypointHealthChecked = defineStackRule({
  name: "ha-global-entrypoint-health-checked",
  description: "Every global entry endpoint has a health signal: ALB endpoints forward to health-checked target groups, routing records carry a health check or evaluate target health, and no endpoint group is empty.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL11-BP01", "REL11-BP02", "CKV2_AWS_23"],
  remediation: "give each regional endpoint a health signal (target-group health check behind the ALB, or a Route 53 health check on the record)",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    for (const eg of graph.ofType(T.endpointGroup)) {
      const count = endpointCount(graph, eg);
      if (count === undefined) {
        undecided(eg, "endpointConfigurations is unknown");
        continue;
      }
      if (count === 0) {
        report(eg, "has no endpoints: its region receives no traffic and has no health signal", "add the region's load balancer as an endpoint");
        continue;
      }
      for (const endpoint of graph.refs(eg, "endpointConfigurations")) {
        if (!ELB_TYPES.includes(endpoint.type)) continue;
        const tgs = targetGroupsOf(graph, endpoint);
        if (tgs.length === 0) {
          report(eg, `its endpoint ${endpoint.name} has no listener forwarding to a target group, so Global Accelerator has no target health to judge the region by`, "add a listener that forwards to a target group with a health check on the app's deep health path");
        } else if (tgs.every((tg) => asBool(graph.prop(tg, "healthCheck.enabled")) === false)) {
          report(eg, `every target group behind its endpoint ${endpoint.name} has health checks disabled`, "enable the target group health check");
        }
      }
      if (graph.refs(eg, "endpointConfigurations").length === 0) {
        const protocol = asString(graph.prop(eg, "healthCheckProtocol")) ?? "TCP";
        if ((protocol === "HTTP" || protocol === "HTTPS") && !isSet(graph, eg, "healthCheckPath")) {
          report(eg, `checks its endpoints over ${protocol} without a healthCheckPath`, "set healthCheckPath to the app's deep health path");
        }
      }
    }
    const healthChecks = new Map<string, GraphNode>();
    for (const hc of graph.ofType(T.healthCheck)) healthChecks.set(hc.urn, hc);
    for (const r of graph.ofType(T.record)) {
      if (!isRoutingRecord(graph, r)) continue;
      const checks = graph.refs(r, "healthCheckId").filter((h) => healthChecks.has(h.urn));
      const hasCheck = isSet(graph, r, "healthCheckId");
      const aliases = asList(graph.prop(r, "aliases"));
      if (isUnknown(aliases)) {
        undecided(r, "aliases are unknown");
        continue;
      }
      const evaluates = aliases.length > 0 && aliases.every((a) => asBool(field(a, "evaluateTargetHealth")) === true);
      if (!hasCheck && !evaluates) {
        report(r, "is a routing record with neither a healthCheckId nor alias evaluateTargetHealth, so Route 53 keeps answering with a failed region", "attach the region's health check (healthCheckId) or set evaluateTargetHealth on the alias");
      }
      for (const hc of checks) {
        if (asBool(graph.prop(hc, "disabled")) === true) {
          report(hc, `is disabled, so record ${r.name} is always considered healthy`, "remove disabled: true");
        }
      }
    }
    for (const hc of graph.ofType(T.healthCheck)) {
      if (graph.prop(hc, "type") === "CALCULATED") {
        const children = asList(graph.prop(hc, "childHealthchecks"));
        if (!isUnknown(children) && children.length === 0) report(hc, "is a CALCULATED health check with no child health checks", "list the region's health checks in childHealthchecks");
      }
    }
  },
});

/** S05. Active-active means every region takes traffic in normal operation. */
export const activeActiveTraffic = defineStackRule({
  name: "ha-active-active-traffic",
  description: "No endpoint group has its traffic dial at 0 and no weighted record has weight 0 in normal operation (a standby region is not proven to serve).",
  severity: "medium",
  kind: "redundancy",
  advisoryEverywhere: true,
  anchors: ["REL13-BP02"],
  remediation: "set the traffic dial (or weight) back to a positive value once a drill is over",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const eg of graph.ofType(T.endpointGroup)) {
      const dial = asNumber(graph.prop(eg, "trafficDialPercentage"));
      if (dial === 0) report(eg, `has trafficDialPercentage 0: region ${list(endpointGroupRegions(graph, eg))} takes no traffic`, "set trafficDialPercentage back to 100");
    }
    for (const r of graph.ofType(T.record)) {
      const weighted = asList(graph.prop(r, "weightedRoutingPolicies"));
      if (!isUnknown(weighted) && weighted.some((w) => asNumber(field(w, "weight")) === 0)) report(r, "has a weighted routing policy with weight 0", "give the record a positive weight");
    }
  },
});

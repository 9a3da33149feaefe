import type { GraphNode } from "../../graph/model";
import { addToGroup } from "../../graph/groups";
import { defineStackRule } from "../engine/types";
import { list } from "../engine/values";
import { azSpan, regionalOf, T } from "./common";

/** Compute that replaces failed capacity by itself: with any of these in a region, instances there are not the whole tier. */
const SELF_HEALING = [T.autoscalingGroup, T.nodeGroup, T.fargateProfile, T.ecsService, T.eksCluster, ...T.karpenterNodePools];

/**
 * A standalone EC2 instance that is a region's whole serving tier: no Auto Scaling group, node group
 * or ECS service to replace it, and one instance (or all of them in one AZ). Its failure, or its
 * AZ's, is the region's outage, and nothing brings it back.
 */
export const standaloneInstanceTier = defineStackRule({
  name: "ha-standalone-instance-tier",
  description: "No region's serving compute is standalone EC2 instances alone (no Auto Scaling group, node group, Fargate profile or ECS service) with fewer than two instances or all of them in one availability zone.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL11-BP01", "FSBP AutoScaling.2"],
  remediation: "run the instances from an Auto Scaling group over subnets in two or more AZs, registered in a load balancer target group with ELB health checks",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    const instances = new Map<string, GraphNode[]>();
    const healing = new Set<string>();
    for (const n of graph.ofType(T.instance)) {
      const r = regionalOf(graph, n);
      if (r) addToGroup(instances, r, n);
    }
    if (instances.size === 0) return;
    for (const n of graph.ofType(...SELF_HEALING)) {
      const r = regionalOf(graph, n);
      if (r) healing.add(r);
    }
    for (const [region, nodes] of instances) {
      if (healing.has(region)) continue;
      const { azs, unknown } = azSpan(graph, nodes);
      if (nodes.length >= 2 && azs.length >= 2) continue;
      if (nodes.length >= 2 && unknown > 0 && azs.length + unknown >= 2) {
        undecided(nodes[0], "AZs of the region's instances are unknown");
        continue;
      }
      const placed = azs.length > 0 ? `in ${list(azs)}` : "in an AZ the graph does not say";
      report(nodes[0], `is ${nodes.length === 1 ? "the only" : `one of ${nodes.length}`} EC2 instance(s) serving ${region} (${placed}) with no Auto Scaling group, node group or ECS service to replace it: an instance or AZ failure is ${region}'s outage`);
    }
  },
});

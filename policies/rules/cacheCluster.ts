import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule } from "../engine/types";
import { asNumber, asString, isSet, isUnknown } from "../engine/values";
import { T } from "./common";

/**
 * ElastiCache clusters (`aws.elasticache.Cluster`). For Redis OSS and Valkey a cluster is exactly
 * one node (numCacheNodes "must be 1", `@pulumi/aws` 7.48 elasticache/cluster.d.ts): standalone it
 * is a single point of failure; it gets replicas only as a member of a replication group
 * (`replicationGroupId`). Memcached clusters hold up to 40 nodes, in one AZ unless azMode is
 * "cross-az" (default "single-az").
 */

export function isRedisLike(graph: ResourceGraph, n: GraphNode): boolean {
  const engine = asString(graph.prop(n, "engine"));
  // A member of a replication group takes its engine from the group.
  return engine === "redis" || engine === "valkey" || (engine === undefined && isSet(graph, n, "replicationGroupId"));
}

/** A standalone Redis/Valkey cluster: not a read replica inside a replication group. */
export function isStandaloneRedis(graph: ResourceGraph, n: GraphNode): boolean {
  return isRedisLike(graph, n) && !isSet(graph, n, "replicationGroupId");
}

export const cacheClusterRedundancy = defineResourceRule({
  name: "ha-elasticache-cluster-redundancy",
  description: "No standalone Redis/Valkey ElastiCache cluster (always a single node) holds data, and Memcached clusters run two or more nodes across AZs.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "ElastiCache replication (replication groups)"],
  remediation: "use an aws.elasticache.ReplicationGroup with numCacheClusters >= 2, automatic failover and Multi-AZ",
  scope: "resource",
  types: [T.cacheCluster],
  config: {},
  check(c, { graph, report }) {
    if (isRedisLike(graph, c)) {
      if (!isSet(graph, c, "replicationGroupId")) {
        report(c, `is a standalone ${String(graph.prop(c, "engine"))} cluster, which is one node with no replica to fail over to`);
      }
      return;
    }
    if (graph.prop(c, "engine") !== "memcached") return;
    const nodes = asNumber(graph.prop(c, "numCacheNodes"));
    if (isUnknown(nodes)) return;
    if (nodes === undefined || nodes < 2) {
      report(c, `is a Memcached cluster of ${nodes ?? 1} node, so losing it empties the cache`, "set numCacheNodes to at least 2 and azMode \"cross-az\"");
      return;
    }
    const mode = asString(graph.prop(c, "azMode")) ?? "single-az";
    if (mode === "single-az") report(c, `places its ${nodes} Memcached nodes in one AZ (azMode defaults to "single-az")`, "set azMode: \"cross-az\"");
  },
});

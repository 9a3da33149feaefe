import type { GraphNode, ResourceGraph } from "../../graph/model";
import { addToGroup } from "../../graph/groups";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asString, effectiveBool, effectiveNumber, isSet, isUnknown, list } from "../engine/values";
import { azSpan, azsText, minAzsSpec, minRegionsSpec, regionalOf, servingRegions, T } from "./common";

/**
 * MemoryDB Multi-Region: one multi-region cluster (`aws.memorydb.MultiRegionCluster`) and one
 * regional cluster per region (`aws.memorydb.Cluster` with `multiRegionClusterName`); every
 * regional cluster takes writes and replicates them asynchronously to the others.
 * https://docs.aws.amazon.com/memorydb/latest/devguide/multi-region.html
 */

/** "MemoryDB Multi-Region is supported on R7g nodes of size XL and above" (multi-region.prereq). */
const MULTI_REGION_NODE_TYPE = /^db\.r7g\.\d*xlarge$/;

/** The regional clusters of a multi-region cluster (by `multiRegionClusterName`). */
export function memorydbMembers(graph: ResourceGraph, mrc: GraphNode): GraphNode[] {
  return graph.incoming(mrc, "multiRegionClusterName", [T.memorydbCluster]);
}

/**
 * S15 (multi-writer). Sessions survive a region only if every serving region has its own regional
 * cluster of the multi-region cluster: a region without one reads and writes another region's
 * store across the continent, and loses it with that region.
 */
export const memorydbMultiRegion = defineStackRule<{ minRegions: number; requireMultiRegion: boolean }>({
  name: "ha-memorydb-multi-region",
  description: "Each MemoryDB multi-region cluster has one regional cluster in every region the stack serves from (at least the minimum number of regions) on a node type Multi-Region supports, and no MemoryDB cluster of a multi-region stack stands outside a multi-region cluster.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL13-BP02", "MemoryDB Multi-Region prerequisites and limitations"],
  remediation: "add an aws.memorydb.Cluster in the missing region with multiRegionClusterName set to the multi-region cluster's multiRegionClusterName",
  scope: "stack",
  config: {
    minRegions: minRegionsSpec,
    requireMultiRegion: { type: "boolean", default: true, description: "In a stack that serves from two or more regions, every MemoryDB cluster must belong to a multi-region cluster." },
  },
  check({ graph, config, report, limit }) {
    const serving = servingRegions(graph);
    const inMultiRegion = new Set<string>();
    for (const mrc of graph.ofType(T.memorydbMultiRegionCluster)) {
      const members = memorydbMembers(graph, mrc);
      members.forEach((m) => inMultiRegion.add(m.urn));
      const byRegion = new Map<string, GraphNode[]>();
      for (const m of members) {
        const r = regionalOf(graph, m);
        if (r) addToGroup(byRegion, r, m);
      }
      const regions = [...byRegion.keys()].sort();
      if (regions.length < config.minRegions) {
        report(mrc, `has regional clusters in ${regions.length} region(s) (${list(regions)}), below ${limit("minRegions")}, so its sessions live in one region`);
      }
      for (const r of serving) {
        if (!byRegion.has(r)) report(mrc, `has no regional cluster in ${r}, where the stack serves users: ${r} has no local session store and loses sessions with the regions that hold them`, `add an aws.memorydb.Cluster in ${r} with multiRegionClusterName set to this multi-region cluster`);
      }
      for (const [r, ms] of byRegion) {
        if (ms.length > 1) report(ms[1], `is a second regional cluster of the same multi-region cluster in ${r}; a multi-region cluster has at most one regional cluster per region`, "keep one regional cluster per region");
      }
      const nodeType = asString(graph.prop(mrc, "nodeType"));
      if (typeof nodeType === "string" && !MULTI_REGION_NODE_TYPE.test(nodeType)) {
        report(mrc, `uses node type ${nodeType}; MemoryDB Multi-Region runs on R7g nodes of size xlarge and above`, "set nodeType to db.r7g.xlarge or larger");
      }
    }
    if (!config.requireMultiRegion || serving.length < 2) return;
    for (const c of graph.ofType(T.memorydbCluster)) {
      if (inMultiRegion.has(c.urn) || isSet(graph, c, "multiRegionClusterName")) continue;
      report(c, "is a MemoryDB cluster outside any multi-region cluster in a stack that serves from several regions, so its data lives in one region only", "make it the regional cluster of an aws.memorydb.MultiRegionCluster (multiRegionClusterName) with a regional cluster in every serving region");
    }
  },
});

/** S10/R25 for MemoryDB: a shard without a replica is one node; replicas need subnets in several AZs. */
export const memorydbMultiAz = defineStackRule<{ minAzs: number }>({
  name: "ha-memorydb-multi-az",
  description: "Every MemoryDB cluster keeps at least one replica per shard (numReplicasPerShard defaults to 1) and places its nodes through a subnet group spanning at least the minimum number of availability zones.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "MemoryDB: Minimizing downtime with Multi-AZ"],
  remediation: "set numReplicasPerShard: 1 or more and a subnetGroupName whose subnets cover every AZ of the region",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided, limit }) {
    for (const c of graph.ofType(T.memorydbCluster)) {
      const replicas = effectiveNumber(graph, c, "numReplicasPerShard", 1);
      if (isUnknown(replicas)) undecided(c, "numReplicasPerShard is unknown");
      else if (replicas < 1) report(c, `sets numReplicasPerShard ${replicas}, so each shard is one node and losing its AZ loses the shard's data until a restore`, "set numReplicasPerShard: 1 or more");
      const groups = graph.refs(c, "subnetGroupName").filter((g) => g.type === T.memorydbSubnetGroup);
      if (groups.length === 0) {
        if (isSet(graph, c, "subnetGroupName")) undecided(c, "its subnet group is not in the graph");
        continue;
      }
      const subnets = groups.flatMap((g) => graph.refs(g, "subnetIds").filter((s) => s.type === T.subnet));
      if (subnets.length === 0) continue;
      const { azs, unknown } = azSpan(graph, subnets);
      if (azs.length >= config.minAzs) continue;
      if (unknown > 0 && azs.length + unknown >= config.minAzs) undecided(c, `${unknown} subnet AZ(s) unknown`);
      else report(groups[0], `places MemoryDB cluster ${c.name} in ${azsText(azs, unknown)}, below ${limit("minAzs")}, so its replicas cannot sit in other AZs`, "list one subnet per availability zone in subnetIds");
    }
  },
});

/** Security for MemoryDB: TLS in transit (required by an ACL other than open-access) and authentication. */
export const memorydbEncryptionAuth = defineResourceRule({
  name: "sec-memorydb-tls-auth",
  description: "MemoryDB clusters and multi-region clusters keep in-transit encryption (tlsEnabled defaults to true) and regional clusters authenticate through an ACL other than open-access.",
  severity: "critical",
  kind: "security",
  anchors: ["MemoryDB data security: in-transit encryption", "MemoryDB: Authenticating users with ACLs", "CKV_AWS_202"],
  remediation: "leave tlsEnabled at true and set aclName to an ACL with users (never open-access)",
  scope: "resource",
  types: [T.memorydbCluster, T.memorydbMultiRegionCluster],
  config: {},
  check(c, { graph, report }) {
    if (effectiveBool(graph, c, "tlsEnabled", true) === false) report(c, "turns in-transit encryption off (tlsEnabled: false), so session data and credentials cross the network in clear text", "set tlsEnabled: true");
    if (c.type === T.memorydbCluster && graph.prop(c, "aclName") === "open-access") report(c, "uses the open-access ACL, so any client that reaches the port reads and writes every session", "set aclName to an aws.memorydb.Acl with aws.memorydb.User entries");
  },
});

/** R27 for MemoryDB: automatic snapshots are off unless snapshotRetentionLimit is set. */
export const memorydbSnapshots = defineResourceRule<{ minSnapshotDays: number }>({
  name: "ha-memorydb-snapshots",
  description: "Every MemoryDB cluster keeps automatic snapshots for at least the minimum number of days (snapshotRetentionLimit defaults to 0, which turns them off).",
  severity: "low",
  kind: "size",
  anchors: ["MemoryDB: Snapshot and restore", "REL09-BP03"],
  remediation: "set snapshotRetentionLimit to 1 or more days",
  scope: "resource",
  types: [T.memorydbCluster],
  config: {
    minSnapshotDays: { type: "integer", minimum: 1, default: 1, description: "Minimum days MemoryDB keeps automatic snapshots." },
  },
  check(c, { graph, config, report, limit }) {
    const days = effectiveNumber(graph, c, "snapshotRetentionLimit", 0);
    if (typeof days === "number" && days < config.minSnapshotDays) {
      report(c, days === 0 ? `keeps no automatic snapshots (snapshotRetentionLimit ${graph.prop(c, "snapshotRetentionLimit") === undefined ? "unset, default 0" : "0"}), below ${limit("minSnapshotDays")}` : `keeps snapshots ${days} day(s), below ${limit("minSnapshotDays")}`, `set snapshotRetentionLimit: ${config.minSnapshotDays} or more`);
    }
  },
});

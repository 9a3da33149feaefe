import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, effectiveNumber, isSet, isUnknown, list, type Unknown } from "../engine/values";
import { isStandaloneRedis } from "./cacheCluster";
import { minRegionsSpec, regionalOf, T } from "./common";

/** Global datastores take these families in size large and up (ElastiCache "Prerequisites and limitations"). */
const GLOBAL_NODE_TYPE = /^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\.(large|\d*xlarge)$/;

/** The global group a replication group belongs to as primary or as secondary member. */
function globalGroupOf(graph: ResourceGraph, rg: GraphNode): { group?: GraphNode; secondary: boolean } {
  const asSecondary = graph.refs(rg, "globalReplicationGroupId").find((g) => g.type === T.globalReplicationGroup);
  if (asSecondary) return { group: asSecondary, secondary: true };
  if (isSet(graph, rg, "globalReplicationGroupId")) return { secondary: true };
  const asPrimary = graph.incoming(rg, "primaryReplicationGroupId", [T.globalReplicationGroup])[0];
  return { group: asPrimary, secondary: false };
}

function primaryOf(graph: ResourceGraph, group: GraphNode | undefined): GraphNode | undefined {
  return group ? graph.refs(group, "primaryReplicationGroupId").find((p) => p.type === T.replicationGroup) : undefined;
}

/**
 * A setting of a replication group as AWS applies it: its own value, else (for a global secondary,
 * which inherits it) the primary's, else the provider default.
 */
function inherited(graph: ResourceGraph, rg: GraphNode, path: string, dflt: boolean | ((n: GraphNode) => boolean)): boolean | Unknown {
  const own = asBool(graph.prop(rg, path));
  if (own !== undefined) return own;
  const { group, secondary } = globalGroupOf(graph, rg);
  const primary = secondary ? primaryOf(graph, group) : undefined;
  if (primary) {
    const p = asBool(graph.prop(primary, path));
    if (p !== undefined) return p;
    return typeof dflt === "function" ? dflt(primary) : dflt;
  }
  return typeof dflt === "function" ? dflt(rg) : dflt;
}

/** S15. The session store survives a region only as a global datastore with a secondary elsewhere. */
export const redisGlobalTopology = defineStackRule<{ minRegions: number; requireGlobal: boolean }>({
  name: "ha-redis-global-topology",
  description: "Each ElastiCache global datastore has its primary plus secondaries in other regions (at most two), node types the global datastore supports, and no replication group stands outside a global datastore.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "ElastiCache global datastore prerequisites"],
  remediation: "add a secondary aws.elasticache.ReplicationGroup in another region with globalReplicationGroupId (and no nodeType, engine or encryption settings)",
  scope: "stack",
  config: {
    minRegions: minRegionsSpec,
    requireGlobal: { type: "boolean", default: true, description: "Every replication group must belong to a global datastore." },
  },
  check({ graph, config, report, limit }) {
    const members = new Set<string>();
    for (const g of graph.ofType(T.globalReplicationGroup)) {
      const primary = primaryOf(graph, g);
      const secondaries = graph.incoming(g, "globalReplicationGroupId", [T.replicationGroup]);
      const all = [...(primary ? [primary] : []), ...secondaries];
      all.forEach((m) => members.add(m.urn));
      const regions = [...new Set(all.map((m) => regionalOf(graph, m)).filter((r): r is string => !!r))];
      if (regions.length < config.minRegions) report(g, `has members in ${regions.length} region(s) (${list(regions)}), below ${limit("minRegions")}`, "add a secondary aws.elasticache.ReplicationGroup in another region with globalReplicationGroupId");
      if (secondaries.length > 2) report(g, `has ${secondaries.length} secondaries; a global datastore allows at most two`, "keep at most two secondary replication groups");
      const nodeType = asString(graph.prop(g, "cacheNodeType")) ?? (primary ? asString(graph.prop(primary, "nodeType")) : undefined);
      if (typeof nodeType === "string" && !GLOBAL_NODE_TYPE.test(nodeType)) {
        report(g, `uses node type ${nodeType}; global datastores need m5/m6g/m7g/r5/r6g/r6gd/r7g/c7gn nodes of size large or bigger`, "use a supported node type on the primary, e.g. cache.r7g.large");
      }
      for (const s of secondaries) {
        if (isSet(graph, s, "nodeType") && typeof nodeType === "string" && graph.prop(s, "nodeType") !== nodeType) {
          report(s, `sets nodeType ${String(graph.prop(s, "nodeType"))} while its global datastore uses ${nodeType}`, "leave nodeType unset on secondaries (it is inherited)");
        }
      }
    }
    if (!config.requireGlobal) return;
    for (const rg of graph.ofType(T.replicationGroup)) {
      if (!members.has(rg.urn) && !isSet(graph, rg, "globalReplicationGroupId")) {
        report(rg, "is a replication group outside any global datastore, so its sessions live in one region only", "make it the primary of an aws.elasticache.GlobalReplicationGroup with a secondary in another region");
      }
    }
  },
});

function nodeCount(graph: ResourceGraph, rg: GraphNode): number | undefined {
  const groups = asNumber(graph.prop(rg, "numNodeGroups"));
  const replicas = asNumber(graph.prop(rg, "replicasPerNodeGroup"));
  if (typeof groups === "number" || typeof replicas === "number") {
    return typeof replicas === "number" ? replicas + 1 : isUnknown(replicas) ? undefined : 1;
  }
  const n = effectiveNumber(graph, rg, "numCacheClusters", 1);
  return typeof n === "number" ? n : undefined;
}

/**
 * R25. One node per shard is one failure; failover needs a replica, Multi-AZ puts it elsewhere.
 * Automatic failover of a global secondary follows the primary. Multi-AZ is judged on the
 * secondary's own setting: the provider default (false) applies to what the secondary declares,
 * and a secondary promoted in a regional failover keeps only what it declared.
 */
export const redisMultiAzFailover = defineStackRule({
  name: "ha-redis-multi-az-failover",
  description: "Every replication group has at least two nodes per shard, automatic failover (global secondaries follow the primary) and Multi-AZ set on the group itself (global secondaries included), and distinct preferred AZs when listed.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["FSBP ElastiCache.3", "CKV2_AWS_50", "AwsSolutions-AEC4"],
  remediation: "set numCacheClusters >= 2, automaticFailoverEnabled: true and multiAzEnabled: true",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    for (const rg of graph.ofType(T.replicationGroup)) {
      const nodes = nodeCount(graph, rg);
      if (nodes === undefined) undecided(rg, "node count is unknown");
      else if (nodes < 2) report(rg, `has ${nodes} node per shard, so losing it loses the cache`, "set numCacheClusters: 2 or more (or replicasPerNodeGroup: 1 or more)");
      const failover = inherited(graph, rg, "automaticFailoverEnabled", false);
      if (failover === false) report(rg, "has automatic failover off (the default), so a failed primary node is not replaced by a replica", "set automaticFailoverEnabled: true");
      const { secondary } = globalGroupOf(graph, rg);
      const multiAz = asBool(graph.prop(rg, "multiAzEnabled"));
      if (multiAz === false || (multiAz === undefined && !secondary)) {
        report(rg, "has Multi-AZ off (the default), so replicas may share the primary's AZ", "set multiAzEnabled: true (with automaticFailoverEnabled: true)");
      } else if (multiAz === undefined) {
        report(rg, "is a global datastore secondary that does not set multiAzEnabled, so Multi-AZ rests on an assumption about the primary instead of the group's own setting", "set multiAzEnabled: true and automaticFailoverEnabled: true on the secondary itself");
      }
      const azs = asList(graph.prop(rg, "preferredCacheClusterAzs"));
      if (!isUnknown(azs) && azs.length > 1 && azs.every((a) => typeof a === "string") && new Set(azs).size < 2) {
        report(rg, `lists preferredCacheClusterAzs in one AZ only (${list([...new Set(azs.map(String))])})`, "list a different AZ for each node in preferredCacheClusterAzs");
      }
    }
  },
});

/** R26. Snapshots are the only backup ElastiCache has: AWS Backup does not support it. */
export const redisSnapshots = defineResourceRule<{ minSnapshotDays: number }>({
  name: "ha-redis-snapshots",
  description: "Primary and standalone replication groups, and standalone Redis/Valkey cache clusters, keep daily snapshots for at least the minimum number of days (snapshotRetentionLimit defaults to 0).",
  severity: "low",
  kind: "size",
  anchors: ["FSBP ElastiCache.1", "CKV_AWS_134", "REL09-BP03"],
  remediation: "set snapshotRetentionLimit (and a snapshotWindow)",
  scope: "resource",
  types: [T.replicationGroup, T.cacheCluster],
  config: {
    minSnapshotDays: { type: "integer", minimum: 1, maximum: 35, default: 1, description: "Minimum snapshot retention in days." },
  },
  check(rg, { graph, config, report, limit }) {
    if (rg.type === T.replicationGroup && isSet(graph, rg, "globalReplicationGroupId")) return; // secondaries replicate the primary's data
    // Memcached keeps no snapshots; a member of a replication group is snapshotted by its group.
    if (rg.type === T.cacheCluster && !isStandaloneRedis(graph, rg)) return;
    const days = effectiveNumber(graph, rg, "snapshotRetentionLimit", 0);
    if (typeof days === "number" && days < config.minSnapshotDays) {
      report(rg, days === 0 ? "keeps no automatic snapshots (snapshotRetentionLimit defaults to 0)" : `keeps snapshots for ${days} day(s), below ${limit("minSnapshotDays")}`, `set snapshotRetentionLimit: ${config.minSnapshotDays} or more (and a snapshotWindow)`);
    }
  },
});

/** R27. Session data is user data: encrypted at rest and in transit, and behind AUTH or RBAC. */
export const redisEncryptionAuth = defineStackRule({
  name: "sec-redis-encryption-auth",
  description: "Replication groups encrypt at rest and in transit and require an AUTH token or user groups (global secondaries inherit these from the primary).",
  severity: "critical",
  kind: "security",
  anchors: ["FSBP ElastiCache.4", "FSBP ElastiCache.5", "FSBP ElastiCache.6", "CKV_AWS_29", "CKV_AWS_30", "CKV_AWS_31", "AwsSolutions-AEC3", "AwsSolutions-AEC6"],
  remediation: "set atRestEncryptionEnabled, transitEncryptionEnabled and an authToken (a Pulumi secret) or userGroupIds on the primary",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    const valkeyDefault = (n: GraphNode) => graph.prop(n, "engine") === "valkey";
    for (const rg of graph.ofType(T.replicationGroup)) {
      const { secondary: isSecondary } = globalGroupOf(graph, rg);
      const where = isSecondary ? "on the primary (secondaries inherit it)" : "";
      if (inherited(graph, rg, "atRestEncryptionEnabled", valkeyDefault) === false) report(rg, "does not encrypt data at rest (off by default for Redis OSS)", `set atRestEncryptionEnabled: true ${where}`.trim());
      if (inherited(graph, rg, "transitEncryptionEnabled", false) === false) report(rg, "does not encrypt data in transit", `set transitEncryptionEnabled: true ${where}`.trim());
      const { group, secondary } = globalGroupOf(graph, rg);
      const source = secondary ? primaryOf(graph, group) ?? rg : rg;
      const auth = isSet(graph, rg, "authToken") || isSet(graph, rg, "authTokenWoVersion") || isSet(graph, source, "authToken") || isSet(graph, source, "authTokenWoVersion");
      const users = asList(graph.prop(source, "userGroupIds"));
      if (!auth && !(isUnknown(users) || users.length > 0)) report(rg, "requires no AUTH token and no user group, so anyone on the network can read sessions", "set authToken (a Pulumi secret) or userGroupIds");
    }
  },
});

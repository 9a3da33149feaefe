import type { GraphNode, ResourceGraph } from "../../graph/model";
import { addToGroup } from "../../graph/groups";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asString, effectiveBool, isUnknown, list } from "../engine/values";
import { minRegionsSpec, regionalOf, servingRegions, T } from "./common";

/**
 * Aurora DSQL multi-Region: one `aws.dsql.Cluster` per peered region, each created with the same
 * `multiRegionProperties.witnessRegion`, joined by an `aws.dsql.ClusterPeering` per cluster. Writes
 * commit synchronously across the peers and the witness (a quorum of two of the three regions), so
 * the witness must be a third region: a witness in a peer's region falls with that peer.
 * https://docs.aws.amazon.com/aurora-dsql/latest/userguide/configuring-multi-region-clusters.html
 * https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_MultiRegionProperties.html
 */

const UNKNOWN_WITNESS = Symbol("unknown witness");

/** A cluster's witness region: undefined for a single-Region cluster. */
function witnessOf(graph: ResourceGraph, n: GraphNode): string | undefined | typeof UNKNOWN_WITNESS {
  const w = graph.prop(n, "multiRegionProperties.witnessRegion");
  if (isUnknown(w)) return UNKNOWN_WITNESS;
  const s = asString(w);
  return typeof s === "string" && s ? s : undefined;
}
/** The peerings that peer a cluster (their `identifier` names it). */
function peeringsOf(graph: ResourceGraph, c: GraphNode): GraphNode[] {
  return graph.incoming(c, "identifier", [T.dsqlPeering]);
}

/** S13 (multi-writer). Every serving region has a peered DSQL cluster; a witness in a third region. */
export const dsqlMultiRegion = defineStackRule<{ minRegions: number }>({
  name: "ha-dsql-multi-region",
  description: "In a stack that serves from two or more regions, every Aurora DSQL cluster is a multi-Region cluster with a witness region that is not a peer's region, peered by an aws.dsql.ClusterPeering (same witness) with the other clusters, and every serving region has its own peer.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL13-BP02", "Aurora DSQL: Configuring multi-Region clusters", "Aurora DSQL API MultiRegionProperties"],
  remediation: "create one aws.dsql.Cluster per serving region with the same multiRegionProperties.witnessRegion (a third region) and an aws.dsql.ClusterPeering per cluster naming the others",
  scope: "stack",
  config: { minRegions: minRegionsSpec },
  check({ graph, config, report, undecided, limit }) {
    const clusters = graph.ofType(T.dsqlCluster);
    if (clusters.length === 0) return;
    const serving = servingRegions(graph);
    const regionOfCluster = new Map(clusters.map((c) => [c.urn, regionalOf(graph, c)]));
    const multiRegionStack = serving.length >= 2 || new Set([...regionOfCluster.values()].filter(Boolean)).size >= 2;
    const sets = peerSets(graph, clusters);
    for (const members of sets) {
      const setRegions = new Set(members.map((m) => regionOfCluster.get(m.urn)).filter((r): r is string => !!r));
      let anyWitness = false;
      for (const c of members) {
        const region = regionOfCluster.get(c.urn);
        const witness = witnessOf(graph, c);
        if (witness === UNKNOWN_WITNESS) {
          anyWitness = true;
          undecided(c, "multiRegionProperties.witnessRegion is unknown");
          continue;
        }
        if (!witness) {
          if (multiRegionStack) report(c, `is a single-Region cluster (no multiRegionProperties.witnessRegion) in a stack that serves from ${list(serving)}, so its data and writes live in ${region ?? "one region"} only`, "set multiRegionProperties.witnessRegion to a third region and peer it with a cluster in every other serving region");
          continue;
        }
        anyWitness = true;
        if (setRegions.has(witness) || serving.includes(witness)) {
          report(c, `has witness region ${witness}, which is also a peer or serving region: losing ${witness} takes a peer and the witness together, two of the three votes a commit needs, and the survivor stops taking writes`, "set multiRegionProperties.witnessRegion to a region that holds no peer (the same on every peer)");
        }
        const peerings = peeringsOf(graph, c);
        if (peerings.length === 0) {
          report(c, "has no aws.dsql.ClusterPeering (identifier = this cluster), so it is never joined to its peers and writes do not replicate", "add an aws.dsql.ClusterPeering with identifier = this cluster, clusters = the other peers' ARNs, witnessRegion = the witness");
          continue;
        }
        for (const p of peerings) {
          const pw = asString(graph.prop(p, "witnessRegion"));
          if (typeof pw === "string" && pw !== witness) report(p, `peers cluster ${c.name} with witness region ${pw}, while the cluster was created with witness ${witness}`, `set witnessRegion: ${witness} (peers must share one witness)`);
          if (isUnknown(graph.prop(p, "clusters"))) continue;
          const named = new Set(graph.refs(p, "clusters").map((n) => n.urn));
          for (const other of members) {
            if (other === c || named.has(other.urn)) continue;
            report(p, `peers cluster ${c.name} without ${other.name} (${regionOfCluster.get(other.urn) ?? "unknown region"}), which peers with it`, `add ${other.name}'s ARN to clusters`);
          }
        }
      }
      if (!multiRegionStack || !anyWitness) continue;
      const regions = [...setRegions].sort();
      if (regions.length < config.minRegions) {
        report(members[0], `peers clusters in ${regions.length} region(s) (${list(regions)}), below ${limit("minRegions")}`, "add a peered aws.dsql.Cluster in another serving region");
      }
      for (const r of serving) {
        if (!setRegions.has(r)) report(members[0], `has no peer in ${r}, where the stack serves users: ${r} has no local endpoint to read and write, and depends on another region for every query`, `add an aws.dsql.Cluster in ${r} with the same witness region and peer it`);
      }
    }
  },
});

/**
 * Clusters joined by peerings (a peering joins its `identifier` cluster with the ones it names),
 * as connected sets: union-find over the peering edges, linear in clusters and peerings. Separate
 * multi-Region clusters that share a witness region stay separate.
 */
function peerSets(graph: ResourceGraph, clusters: GraphNode[]): GraphNode[][] {
  const parent = new Map(clusters.map((c) => [c.urn, c.urn]));
  const find = (u: string): string => {
    let r = u;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let x = u; parent.get(x) !== r; ) { const next = parent.get(x)!; parent.set(x, r); x = next; }
    return r;
  };
  for (const p of graph.ofType(T.dsqlPeering)) {
    const joined = [...graph.refs(p, "identifier"), ...graph.refs(p, "clusters")].filter((c) => parent.has(c.urn));
    for (const c of joined.slice(1)) parent.set(find(c.urn), find(joined[0].urn));
  }
  const sets = new Map<string, GraphNode[]>();
  for (const c of clusters) addToGroup(sets, find(c.urn), c);
  return [...sets.values()];
}

/** R20 for DSQL: deletion protection defaults to false. */
export const dsqlDeletionProtection = defineResourceRule({
  name: "ha-dsql-deletion-protection",
  description: "Every Aurora DSQL cluster has deletion protection enabled (deletionProtectionEnabled defaults to false).",
  severity: "high",
  kind: "protection",
  anchors: ["REL09-BP01", "Aurora DSQL API CreateCluster deletionProtectionEnabled"],
  remediation: "set deletionProtectionEnabled: true",
  scope: "resource",
  types: [T.dsqlCluster],
  config: {},
  check(c, { graph, report }) {
    if (effectiveBool(graph, c, "deletionProtectionEnabled", false) === false) report(c, `has deletion protection off (deletionProtectionEnabled ${graph.prop(c, "deletionProtectionEnabled") === undefined ? "unset, default false" : "false"}), so one delete call removes this region's copy of the database`);
  },
});

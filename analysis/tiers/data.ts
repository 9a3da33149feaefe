import { plain, type GraphNode } from "../../graph/model";
import { spreadSurvivors, type Survival } from "../domains";
import { cacheNodeCount, type Inventory } from "../inventory";
import { ABSENT, cell, totalShare, type RegionCell, type TierOutcome } from "./types";

/**
 * Data tiers. Aurora: a cluster writes while >= 1 of its instances survives (in-region failover to
 * a reader is automatic); a secondary cluster of the global database with instances left is a
 * promotable standby, and taking writes there is a recovery by promotion, not survival. ElastiCache:
 * a replication group serves while nodes survive and, if the lost AZ held the primary node,
 * automatic failover is on; a global datastore secondary takes writes only after promotion.
 */

/** Instances left in a cluster: pinned ones by their AZ, unpinned ones spread over the subnet group. */
function instancesLeft(ctx: Survival, cluster: GraphNode, instances: GraphNode[], multiWriter?: boolean): number {
  if (!ctx.alive(cluster)) return 0;
  // Serverless and Multi-AZ by design (Aurora DSQL): the cluster is the unit.
  if (multiWriter) return 1;
  let left = 0;
  const unpinned: GraphNode[] = [];
  for (const i of instances) {
    if (ctx.ownAzs(i).length > 0) left += ctx.alive(i) ? 1 : 0;
    else if (!ctx.lost(i)) unpinned.push(i);
  }
  if (unpinned.length > 0) {
    const all = ctx.allZones(unpinned[0]);
    left += spreadSurvivors(unpinned.length, all, ctx.zones(unpinned[0]) ?? all);
  }
  return left;
}

export function databaseOutcomes(ctx: Survival, inv: Inventory, regions: string[]): { writer: TierOutcome; reads: TierOutcome } {
  const g = ctx.graph;
  const writer = inv.writerCluster;
  const writerCells: Record<string, RegionCell> = {};
  const readCells: Record<string, RegionCell> = {};
  let promotion: TierOutcome["promotion"];
  for (const region of regions) {
    const clusters = inv.dbClusters.filter((c) => g.regionOf(c.node) === region);
    if (clusters.length === 0) {
      writerCells[region] = ABSENT;
      readCells[region] = ABSENT;
      continue;
    }
    const anchors = clusters.map((c) => c.node);
    const { value, lost } = ctx.track(() => clusters.map((c) => ({ c, left: instancesLeft(ctx, c.node, c.instances, c.multiWriter) })));
    const units = (c: (typeof clusters)[number]) => (c.multiWriter ? 1 : c.instances.length);
    const total = clusters.reduce((a, c) => a + units(c), 0);
    const left = value.reduce((a, v) => a + v.left, 0);
    const readNotes = [
      ...clusters.filter((c) => !c.multiWriter && c.instances.length === 0).map((c) => `${c.node.name} has no instances (headless)`),
      ...clusters.filter((c) => c.node.type === "aws:rds/instance:Instance" && plain(g.prop(c.node, "multiAz")) !== true).map((c) => `${c.node.name} is a Single-AZ DB instance: losing its AZ stops it`),
    ];
    // Distinct databases of a region are each needed by whoever uses them: one with nothing left
    // stops its readers, whatever the others still run.
    const emptied = value.filter((v) => units(v.c) > 0 && v.left === 0);
    const readsServe = left > 0 && (emptied.length === 0 || clusters.length === 1);
    readCells[region] = cell(readsServe ? "serves" : "down", left, total, "instances", {
      lost, anchors: emptied.length > 0 ? emptied.map((v) => v.c.node) : anchors,
      notes: [...readNotes, ...(left > 0 && !readsServe ? emptied.map((v) => `${v.c.node.name} has nothing left`) : [])],
    });

    const own = value.find((v) => v.c.node === writer) ?? value.find((v) => v.c.multiWriter);
    if (own) {
      const notes = own.left < own.c.instances.length && own.left > 0 ? ["writer fails over to a surviving reader in the region"] : [];
      writerCells[region] = cell(own.left > 0 ? "serves" : "down", own.left, units(own.c), own.c.multiWriter ? "clusters" : "instances", { lost, anchors: [own.c.node], notes: [...notes, ...readNotes.filter((n) => n.includes("Single-AZ"))] });
    } else {
      // A member of the writer's global cluster can be promoted; the global cluster must still exist.
      const writerGlobal = inv.dbClusters.find((c) => c.node === writer)?.global;
      const members = value.filter((v) => writerGlobal && v.c.global === writerGlobal);
      const best = members.sort((a, b) => b.left - a.left)[0];
      const promotable = !!best && best.left > 0 && !!writerGlobal && !ctx.lost(writerGlobal);
      writerCells[region] = members.length === 0
        ? cell("absent", 0, 0, "instances", { notes: ["no member of the writer's global cluster"] })
        : cell(promotable ? "standby" : "down", best.left, best.c.instances.length, "instances", { lost, anchors: [best.c.node] });
      if (promotable && !promotion) promotion = { region, urn: best.c.node.urn };
    }
  }

  const multiWriter = inv.dbClusters.some((c) => c.multiWriter);
  const writerCell = multiWriter
    ? Object.values(writerCells).find((c) => c.status === "serves")
    : writer ? writerCells[g.regionOf(writer) ?? ""] : undefined;
  const writerServes = writerCell?.status === "serves";
  const noClusters = inv.dbClusters.length === 0;
  const writerNotes = !noClusters && !writer && !multiWriter ? ["cannot tell which Aurora cluster writes"] : [];
  const writerStatus = noClusters ? "absent" : writerServes ? "serves" : promotion ? "promotion" : "down";
  const readList = Object.values(readCells);
  return {
    writer: {
      tier: "databaseWriter",
      status: writerStatus,
      share: noClusters ? null : writerServes ? writerCell?.share ?? 0 : 0,
      regions: writerCells,
      ...(writerStatus === "promotion" ? { promotion } : {}),
      notes: writerStatus === "promotion" ? [`recovers by promoting ${g.get(promotion!.urn)?.name} in ${promotion!.region} (RTO: see the budget)`, ...writerNotes] : writerNotes,
    },
    reads: {
      tier: "databaseReads",
      status: noClusters ? "absent" : readList.some((c) => c.status === "serves") ? "serves" : "down",
      share: totalShare(readList),
      regions: readCells,
      notes: [],
    },
  };
}

/** Nodes left in a replication group, and whether the lost capacity held the primary node. */
function cacheNodesLeft(ctx: Survival, rg: GraphNode): { left: number; total: number; primaryLost: boolean } {
  const pinned = ctx.ownAzs(rg);
  const total = cacheNodeCount(ctx.graph, rg, pinned.length || 1);
  if (!ctx.alive(rg)) return { left: 0, total, primaryLost: true };
  const live = ctx.zones(rg) ?? [];
  if (pinned.length > 0) {
    const listed = pinned.slice(0, total);
    const left = listed.filter((az) => live.includes(az)).length + spreadSurvivors(total - listed.length, ctx.allZones(rg), live);
    return { left, total, primaryLost: !live.includes(listed[0]) };
  }
  const all = ctx.allZones(rg);
  const left = spreadSurvivors(total, all, live);
  // Without a preferred AZ list the primary's AZ is unknown: assume the worst when an AZ was lost.
  return { left, total, primaryLost: left < total };
}

export function sessionsOutcome(ctx: Survival, inv: Inventory, regions: string[]): TierOutcome {
  const g = ctx.graph;
  const cells: Record<string, RegionCell> = {};
  const groupState = new Map<GraphNode, RegionCell>();
  // Groups that stop while the group itself survives (too few nodes for the AZs lost): what to make
  // redundant is the group, not the subnet its node happened to be in.
  const shortOfNodes: string[] = [];
  for (const region of regions) {
    const groups = inv.replicationGroups.filter((r) => g.regionOf(r.node) === region);
    if (groups.length === 0) {
      cells[region] = ABSENT;
      continue;
    }
    const { value, lost } = ctx.track(() => groups.map((rg) => {
      const state = cacheNodesLeft(ctx, rg.node);
      // Global datastore secondaries inherit automatic failover from the primary group.
      const primaryGroup = rg.primary ? rg.node : inv.replicationGroups.find((p) => p.primary && p.global === rg.global)?.node;
      // MemoryDB fails a shard over to a replica by itself (Multi-AZ is built in when a shard has replicas).
      const failover = rg.node.type === "aws:memorydb/cluster:Cluster" || plain(g.prop(primaryGroup ?? rg.node, "automaticFailoverEnabled")) === true;
      const serves = state.left > 0 && (!state.primaryLost || failover || !rg.primary);
      const notes = state.left > 0 && state.primaryLost && !failover && rg.primary ? [`${rg.node.name}: primary node lost and automatic failover is off`] : [];
      if (!serves && ctx.alive(rg.node)) shortOfNodes.push(rg.node.urn);
      return { rg, ...state, serves, notes };
    }));
    value.forEach((v) => groupState.set(v.rg.node, cell(v.serves ? "serves" : "down", v.left, v.total, "nodes", { lost, anchors: [v.rg.node], notes: v.notes })));
    const left = value.reduce((a, v) => a + (v.serves ? v.left : 0), 0);
    const total = value.reduce((a, v) => a + v.total, 0);
    cells[region] = cell(value.every((v) => v.serves) ? "serves" : "down", left, total, "nodes", {
      lost,
      anchors: groups.map((r) => r.node),
      notes: value.flatMap((v) => v.notes),
    });
  }

  // Each global datastore (or standalone group) must keep its writes, possibly after a promotion.
  const primaries = inv.replicationGroups.filter((r) => r.primary);
  let status: TierOutcome["status"] = primaries.length === 0 ? "absent" : "serves";
  let promotion: TierOutcome["promotion"];
  const notes: string[] = [];
  for (const p of primaries) {
    if (groupState.get(p.node)?.status === "serves") continue;
    // A multi-Region member: the other members keep taking writes, nothing to promote.
    if (p.multiWriter && primaries.some((o) => o.multiWriter && o.global === p.global && groupState.get(o.node)?.status === "serves")) continue;
    const secondary = inv.replicationGroups.find((r) => !r.primary && r.global === p.global && groupState.get(r.node)?.status === "serves");
    if (secondary && p.global && !ctx.lost(p.global)) {
      promotion ??= { region: g.regionOf(secondary.node) ?? "", urn: secondary.node.urn };
      if (status === "serves") status = "promotion";
      notes.push(`recovers by promoting ${secondary.node.name} in ${g.regionOf(secondary.node)} (no cross-region automatic failover; RTO: see the budget)`);
    } else {
      status = "down";
    }
  }
  return { tier: "sessions", status, share: totalShare(Object.values(cells)), regions: cells, ...(status === "promotion" ? { promotion } : {}), notes, ...(shortOfNodes.length > 0 ? { blame: shortOfNodes } : {}) };
}

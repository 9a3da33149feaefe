import type { GraphNode, ResourceGraph } from "../graph/model";
import type { DomainOutcome, TierOutcomes } from "./failureDomains";
import { ANALYSIS_TIERS, TIER_LABELS, type AnalysisTier } from "./tiers/types";
import { addToGroup } from "../graph/groups";

/**
 * Single points of failure, from the failure matrix. The criteria:
 * - any domain after which a tier serves nowhere (writes waiting for a promotion do not count: that
 *   is the designed recovery), or a dead region still gets traffic;
 * - an AZ, or a resource placed in one AZ, whose loss stops a tier in its own region: an AZ loss
 *   must be absorbed inside the region, never by a regional failover.
 * Regional resources (an EKS cluster, an ALB) that stop only their own region are not SPOFs: the
 * region is the failure domain the other region absorbs. Resource-level findings are folded into
 * the AZ or region finding they explain, so each problem is listed once, with the resources named.
 */

export interface SpofResource {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly region?: string;
  readonly azs: string[];
}

export interface TierStop {
  readonly tier: AnalysisTier;
  /** The region where the tier stops; undefined: it stops everywhere. */
  readonly region?: string;
}

export interface SinglePointOfFailure {
  /** The failure domain that shows it (an AZ, a region, or a resource). */
  readonly domain: string;
  readonly domainKey: string;
  readonly stops: TierStop[];
  /** The resources to make redundant. */
  readonly resources: SpofResource[];
  /** Other failure domains with the same effect (the single resources folded in). */
  readonly alsoBy: string[];
  readonly reason: string;
  /** What the stopped tiers report (e.g. which recovery points are lost, which record has no health check). */
  readonly notes: string[];
}

export interface SteadyStateGap {
  readonly tier: AnalysisTier;
  readonly region?: string;
  readonly notes: string[];
}

const STOPPED = new Set(["down", "partial"]);
const NETWORK_PLUMBING = /^aws:ec2\/(subnet|routeTable|routeTableAssociation|route|vpc):/;

function stopsOf(steady: TierOutcomes, row: DomainOutcome, zonal: boolean): TierStop[] {
  const stops: TierStop[] = [];
  for (const tier of ANALYSIS_TIERS) {
    const before = steady[tier];
    const after = row.tiers[tier];
    if ((before.status === "serves" || before.status === "promotion") && STOPPED.has(after.status)) {
      stops.push({ tier });
      continue;
    }
    if (!zonal || !row.region) continue;
    const was = before.regions[row.region]?.status;
    if ((was === "serves" || was === "standby") && after.regions[row.region]?.status === "down") stops.push({ tier, region: row.region });
  }
  return stops;
}

function covers(outer: TierStop[], inner: TierStop[]): boolean {
  return inner.every((i) => outer.some((o) => o.tier === i.tier && o.region === i.region));
}

function describe(stops: TierStop[]): string {
  const everywhere = stops.filter((s) => !s.region).map((s) => TIER_LABELS[s.tier]);
  const byRegion = new Map<string, string[]>();
  stops.filter((s) => s.region).forEach((s) => addToGroup(byRegion, s.region!, TIER_LABELS[s.tier]));
  const parts = [...(everywhere.length ? [`${everywhere.join(", ")} everywhere`] : []), ...[...byRegion].map(([r, t]) => `${t.join(", ")} in ${r}`)];
  return parts.join("; ");
}

function blame(graph: ResourceGraph, steady: TierOutcomes, row: DomainOutcome, stops: TierStop[]): GraphNode[] {
  const urns = new Set<string>();
  for (const s of stops) {
    const outcome = row.tiers[s.tier];
    const regions = s.region ? [s.region] : row.region ? [row.region] : Object.keys(outcome.regions);
    for (const r of regions) {
      const c = outcome.regions[r];
      if (!c) continue;
      // A region loss blames the tier's own resources there; an AZ loss what it took away.
      (row.domain.kind === "region" ? steady[s.tier].regions[r]?.anchors ?? c.anchors : c.lost).forEach((u) => urns.add(u));
    }
  }
  // Nothing lost (e.g. automatic failover off): the tier's own resources there are the problem.
  if (urns.size === 0) {
    for (const s of stops) for (const r of s.region ? [s.region] : Object.keys(steady[s.tier].regions)) steady[s.tier].regions[r]?.anchors.forEach((u) => urns.add(u));
  }
  return withoutPlumbing([...urns].map((u) => graph.get(u)).filter((n): n is GraphNode => !!n));
}

/** Subnets and route tables are where a problem shows, not what to make redundant, unless nothing else is named. */
function withoutPlumbing(nodes: GraphNode[]): GraphNode[] {
  const meaningful = nodes.filter((n) => !NETWORK_PLUMBING.test(n.type));
  return meaningful.length > 0 ? meaningful : nodes;
}

function explicitBlame(graph: ResourceGraph, row: DomainOutcome, stops: TierStop[]): GraphNode[] {
  return stops.flatMap((s) => row.tiers[s.tier].blame ?? []).map((u) => graph.get(u)).filter((n): n is GraphNode => !!n);
}

function notesOf(row: DomainOutcome, stops: TierStop[]): string[] {
  const notes = stops.flatMap((s) => [...row.tiers[s.tier].notes, ...(s.region ? row.tiers[s.tier].regions[s.region]?.notes ?? [] : [])]);
  return [...new Set(notes)];
}

function ref(graph: ResourceGraph, n: GraphNode): SpofResource {
  return { urn: n.urn, name: n.name, type: n.type, region: graph.regionOf(n), azs: graph.azsOf(n) };
}

/**
 * `probe` evaluates the loss of one resource; it is used when single resources were not analyzed,
 * to find which of the resources an AZ or a region took away is enough on its own.
 */
export function singlePointsOfFailure(
  graph: ResourceGraph,
  steady: TierOutcomes,
  rows: DomainOutcome[],
  probe?: (n: GraphNode) => DomainOutcome,
): SinglePointOfFailure[] {
  const finding = (row: DomainOutcome) => ({ row, node: graph.get((row.domain as { urn: string }).urn)!, stops: stopsOf(steady, row, row.azs.length === 1) });
  const analyzed = rows.some((r) => r.domain.kind === "resource");
  const resourceFindings = rows.filter((r) => r.domain.kind === "resource").map(finding).filter((f) => f.stops.length > 0);
  const folded = new Set<string>();
  const out: SinglePointOfFailure[] = [];
  for (const row of rows.filter((r) => r.domain.kind !== "resource")) {
    const stops = stopsOf(steady, row, row.domain.kind === "az");
    if (stops.length === 0) continue;
    const candidates = analyzed || !probe
      ? resourceFindings
      : blame(graph, steady, row, stops).map((n) => finding(probe(n))).filter((f) => f.stops.length > 0);
    const explained = candidates.filter((f) =>
      (row.domain.kind === "az" ? f.row.azs.length === 1 && f.row.azs[0] === row.azs[0] : f.row.region === row.region) && covers(stops, f.stops));
    explained.forEach((f) => folded.add(f.row.key));
    const named = explicitBlame(graph, row, stops);
    const resources = named.length > 0 ? [...new Set(named)] : explained.length > 0 ? withoutPlumbing(explained.map((f) => f.node)) : blame(graph, steady, row, stops);
    out.push({
      domain: row.label,
      domainKey: row.key,
      stops,
      resources: resources.map((n) => ref(graph, n)),
      alsoBy: analyzed ? explained.map((f) => f.row.label) : [],
      reason: `losing ${row.label} stops ${describe(stops)}`,
      notes: notesOf(row, stops),
    });
  }
  for (const f of resourceFindings.filter((x) => !folded.has(x.row.key))) {
    out.push({
      domain: f.row.label,
      domainKey: f.row.key,
      stops: f.stops,
      resources: [...new Set([f.node, ...explicitBlame(graph, f.row, f.stops)])].map((n) => ref(graph, n)),
      alsoBy: [],
      reason: `losing ${f.row.label} stops ${describe(f.stops)}`,
      notes: notesOf(f.row, f.stops),
    });
  }
  return out;
}

/** Tiers that do not serve even with nothing lost: worse than a SPOF, and reported with them. */
export function steadyStateGaps(steady: TierOutcomes): SteadyStateGap[] {
  const gaps: SteadyStateGap[] = [];
  for (const tier of ANALYSIS_TIERS) {
    const o = steady[tier];
    if (o.status === "absent") continue;
    if (o.status !== "serves") gaps.push({ tier, notes: o.notes });
    for (const [region, c] of Object.entries(o.regions)) {
      if (c.status === "down") gaps.push({ tier, region, notes: c.notes });
    }
  }
  return gaps;
}

import { plain, type GraphNode, type ResourceGraph } from "../../graph/model";
import { spreadSurvivors, type Survival } from "../domains";
import { T, type Inventory } from "../inventory";
import { ABSENT, cell, totalShare, type RegionCell, type TierOutcome } from "./types";

/**
 * App tier in one region: the ALB in >= 1 surviving AZ, the EKS cluster (regional, multi-AZ
 * control plane), node capacity in surviving AZs whose subnets still have egress (the private
 * route table's NAT), and every Deployment with pods left. Capacity is counted in pods spread over
 * the node AZs, and bounded by the surviving share of ALB AZs and of minimum node capacity.
 */

/** How each subnet reaches the internet: its route table and the NAT gateways of its default route. */
export interface EgressIndex {
  readonly bySubnet: Map<string, { routeTable: GraphNode; nats: GraphNode[]; internetGateway: boolean }>;
}

const DEFAULT_ROUTE = new Set(["0.0.0.0/0"]);

export function buildEgressIndex(graph: ResourceGraph): EgressIndex {
  const viaTable = new Map<string, { nats: GraphNode[]; internetGateway: boolean }>();
  const add = (table: GraphNode, nats: GraphNode[], igw: boolean) => {
    const entry = viaTable.get(table.urn) ?? { nats: [], internetGateway: false };
    entry.nats.push(...nats);
    entry.internetGateway ||= igw;
    viaTable.set(table.urn, entry);
  };
  for (const route of graph.ofType(T.route)) {
    if (!DEFAULT_ROUTE.has(String(plain(graph.prop(route, "destinationCidrBlock"))))) continue;
    for (const table of graph.refs(route, "routeTableId")) {
      add(table, graph.refs(route, "natGatewayId").filter((n) => n.type === T.nat), graph.prop(route, "gatewayId") !== undefined);
    }
  }
  for (const table of graph.ofType(T.routeTable)) {
    const inline = plain(graph.prop(table, "routes"));
    if (!Array.isArray(inline)) continue;
    const defaults = inline.map((r) => plain(r) as Record<string, unknown>).filter((r) => r && DEFAULT_ROUTE.has(String(plain(r.cidrBlock))));
    if (defaults.length === 0) continue;
    add(table, graph.refs(table, "routes").filter((n) => n.type === T.nat), defaults.some((r) => plain(r.gatewayId) !== undefined));
  }
  const bySubnet: EgressIndex["bySubnet"] = new Map();
  for (const assoc of graph.ofType(T.rta)) {
    const table = graph.refs(assoc, "routeTableId")[0];
    if (!table) continue;
    const egress = viaTable.get(table.urn) ?? { nats: [], internetGateway: false };
    for (const subnet of graph.refs(assoc, "subnetId")) bySubnet.set(subnet.urn, { routeTable: table, ...egress });
  }
  return { bySubnet };
}

/** A subnet without a default route through a NAT keeps whatever egress it had: only a lost NAT cuts it. */
function hasEgress(ctx: Survival, egress: EgressIndex, subnet: GraphNode): boolean {
  const e = egress.bySubnet.get(subnet.urn);
  if (!e) return true;
  if (ctx.lost(e.routeTable)) return false;
  if (e.nats.length === 0) return true;
  return e.internetGateway || e.nats.some((nat) => ctx.alive(nat));
}

/** AZs where a node pool still has nodes that can reach out. */
function poolZones(ctx: Survival, egress: EgressIndex, pool: GraphNode): { all: string[]; live: string[]; noEgress: string[] } {
  const all = ctx.allZones(pool);
  if (ctx.lost(pool)) return { all, live: [], noEgress: [] };
  const subnets = ctx.subnetsOf(pool);
  if (subnets.length === 0) return { all, live: ctx.zones(pool) ?? all, noEgress: [] };
  const present = subnets.filter((s) => !ctx.lost(s) && !ctx.graph.azsOf(s).some((az) => ctx.isLostAz(az)));
  const reaching = present.filter((s) => hasEgress(ctx, egress, s));
  const azs = (list: GraphNode[]) => [...new Set(list.flatMap((s) => ctx.graph.azsOf(s)))].sort();
  const live = azs(reaching);
  return { all, live, noEgress: azs(present).filter((az) => !live.includes(az)) };
}

/** The app resources of each region, sorted out once per inventory (every domain asks again). */
const BY_REGION = new WeakMap<Inventory, Map<string, ReturnType<typeof appResources>>>();

function appResources(g: ResourceGraph, inv: Inventory, region: string) {
  const inRegion = (n: GraphNode | undefined) => !!n && g.regionOf(n) === region;
  return {
    albs: inv.albs.filter(inRegion),
    clusters: inv.eksClusters.filter(inRegion),
    pools: inv.nodePools.filter((p) => inRegion(p.node)),
    deployments: inv.deployments.filter((d) => inRegion(d.cluster) || (!d.cluster && inRegion(d.node))),
  };
}

function appResourcesOf(g: ResourceGraph, inv: Inventory, region: string): ReturnType<typeof appResources> {
  let byRegion = BY_REGION.get(inv);
  if (!byRegion) BY_REGION.set(inv, (byRegion = new Map()));
  let found = byRegion.get(region);
  if (!found) byRegion.set(region, (found = appResources(g, inv, region)));
  return found;
}

export function appCell(ctx: Survival, inv: Inventory, egress: EgressIndex, region: string): RegionCell {
  const { albs, clusters, pools, deployments } = appResourcesOf(ctx.graph, inv, region);
  if (albs.length + clusters.length + pools.length + deployments.length === 0) return ABSENT;
  const anchors = [...albs, ...clusters, ...deployments.map((d) => d.node)];

  const { value, lost } = ctx.track(() => {
    const notes: string[] = [];
    if (albs.length === 0) notes.push("no load balancer");
    if (clusters.length === 0 && pools.some((p) => p.cluster)) notes.push("no EKS cluster");
    if (pools.length === 0) notes.push("no node capacity (node group or auto scaling group)");
    if (deployments.length === 0) notes.push("no Deployment");

    // Per load balancer and per pool: parts recomputed only when the lost resource is theirs.
    const albShares = albs.map((alb) =>
      ctx.part("alb-share", alb, (sv) => {
        const all = sv.allZones(alb);
        const live = sv.zones(alb);
        return live === undefined ? (sv.lost(alb) ? 0 : 1) : all.length > 0 ? live.length / all.length : 0;
      }),
    );
    const albShare = albShares.length > 0 ? Math.max(...albShares) : 0;

    let nodeTotal = 0;
    let nodeSurviving = 0;
    const nodeAll = new Set<string>();
    const nodeLive = new Set<string>();
    const noEgress = new Set<string>();
    for (const p of pools) {
      nodeTotal += p.minSize;
      const zones = ctx.part("pool-zones", p.node, (sv) => poolZones(sv, egress, p.node));
      zones.all.forEach((az) => nodeAll.add(az));
      zones.noEgress.forEach((az) => noEgress.add(az));
      if (p.cluster && !ctx.alive(p.cluster)) continue;
      const survivors = spreadSurvivors(p.minSize, zones.all, zones.live);
      nodeSurviving += survivors;
      if (survivors > 0) zones.live.forEach((az) => nodeLive.add(az));
    }
    const nodeShare = nodeTotal > 0 ? nodeSurviving / nodeTotal : 0;

    let pods = 0;
    let podTotal = 0;
    let rescheduled = true;
    for (const d of deployments) {
      podTotal += d.replicas;
      const running = ctx.alive(d.node) && (!d.cluster || ctx.alive(d.cluster)) && nodeLive.size > 0;
      if (!running) {
        rescheduled = false;
        continue;
      }
      // Pods spread over the AZs that hold nodes; the ones in a lost AZ are gone until rescheduled.
      const survivors = spreadSurvivors(d.replicas, [...nodeAll], [...nodeLive]);
      pods += survivors;
      if (survivors === 0) notes.push(`${d.node.name}: every pod was in the lost capacity; it serves again once pods are rescheduled`);
      if (d.zoneSpread === "none") notes.push(`${d.node.name}: no zone topology spread; the scheduler spreads pods only best effort`);
    }
    const albOk = albShare > 0;
    const clustersOk = clusters.length === 0 || clusters.some((c) => ctx.alive(c));
    // Zero pods serve nothing, whatever else is up.
    const serves = albOk && clustersOk && nodeSurviving > 0 && deployments.length > 0 && rescheduled && pods > 0;
    if (podTotal === 0 && deployments.length > 0) notes.push("every Deployment runs 0 replicas");
    if (albs.length > 0 && !albOk) notes.push("load balancer lost");
    if (clusters.length > 0 && !clustersOk) notes.push("EKS cluster lost");
    if (noEgress.size > 0) notes.push(`nodes in ${[...noEgress].sort().join(", ")} lost egress: the NAT gateway of their route table is lost`);
    if (pools.length > 0 && nodeSurviving === 0) notes.push("no node capacity left");
    const podShare = podTotal > 0 ? pods / podTotal : 0;
    // The ALB's AZs and the minimum node capacity bound what the surviving pods can serve.
    const share = serves ? Math.min(albShare, nodeShare, podShare) : 0;
    return { serves, notes, podTotal, pods: serves ? pods : 0, share };
  });
  return cell(value.serves ? "serves" : "down", value.pods, value.podTotal, "pods", { notes: value.notes, lost, anchors, share: value.share });
}

export function appOutcome(ctx: Survival, inv: Inventory, egress: EgressIndex, regions: string[], capacityNote?: string): TierOutcome {
  const cells = Object.fromEntries(regions.map((r) => [r, appCell(ctx, inv, egress, r)]));
  const list = Object.values(cells);
  const present = list.filter((c) => c.status !== "absent");
  const status = present.length === 0 ? "absent" : present.some((c) => c.status === "serves") ? "serves" : "down";
  return { tier: "app", status, share: totalShare(list), regions: cells, notes: capacityNote && status !== "absent" ? [capacityNote] : [] };
}

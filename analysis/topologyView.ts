import { GLOBAL, type GraphNode, type ResourceGraph } from "../graph/model";
import { regionsOf, Survival, zonesByRegion } from "./domains";
import { buildInventory, cacheNodeCount, T } from "./inventory";

/**
 * What the topology diagram shows: per region the regional parts and, per AZ, the zonal capacity
 * (NAT gateways, node groups, Aurora instances, cache nodes); the global entry; the replication and
 * copy links between regions. Built from the graph alone, so it describes exports as well as plans.
 */

export interface TopologyItem {
  readonly label: string;
  readonly tier: "entry" | "network" | "app" | "database" | "sessions" | "backup";
  /** URN of the resource behind the item (cache nodes share their replication group's). */
  readonly urn: string;
}

export interface TopologyView {
  readonly entry: { readonly kind: "accelerator" | "route53" | "none"; readonly label: string; readonly regions: string[] };
  readonly regions: {
    readonly name: string;
    readonly writer: boolean;
    readonly regional: TopologyItem[];
    readonly zones: { readonly az: string; readonly items: TopologyItem[] }[];
  }[];
  /** VPC peerings between regions: the network the cross-region data path (writes to the writer) rides on. */
  readonly peerings?: { readonly from: string; readonly to: string; readonly label: string }[];
  /** Cross-region links: data replication and backup copies. */
  readonly links: { readonly from: string; readonly to: string; readonly label: string; readonly tier: TopologyItem["tier"] }[];
}

export function buildTopologyView(graph: ResourceGraph, opts: { writerRegion?: string; regions?: readonly string[] } = {}): TopologyView {
  const inv = buildInventory(graph, opts);
  const ctx = new Survival(graph, undefined);
  const regions = regionsOf(graph, [...(opts.regions ?? [])]);
  const zones = zonesByRegion(graph);
  const writerRegion = inv.writerCluster ? graph.regionOf(inv.writerCluster) : opts.writerRegion;
  const inRegion = (r: string) => (n: GraphNode) => graph.regionOf(n) === r;
  const item = (n: GraphNode, label: string, tier: TopologyItem["tier"]): TopologyItem => ({ label, tier, urn: n.urn });

  const view: TopologyView["regions"] = regions.map((region) => {
    const regional: TopologyItem[] = [];
    const perAz = new Map<string, TopologyItem[]>((zones[region] ?? []).map((az) => [az, []]));
    const put = (az: string, it: TopologyItem) => (perAz.get(az) ?? perAz.set(az, []).get(az)!).push(it);
    const here = inRegion(region);

    for (const nat of graph.ofType(T.nat).filter(here)) {
      const azs = graph.azsOf(nat);
      if (azs.length === 1) put(azs[0], item(nat, "NAT gateway", "network"));
      else regional.push(item(nat, "regional NAT gateway", "network"));
    }
    inv.albs.filter(here).forEach((n) => regional.push(item(n, `ALB (${ctx.allZones(n).length} AZs)`, "app")));
    inv.eksClusters.filter(here).forEach((n) => regional.push(item(n, "EKS cluster", "app")));
    for (const p of inv.nodePools.filter((x) => here(x.node))) {
      const azs = ctx.allZones(p.node);
      const it = item(p.node, `${p.node.type === T.nodeGroup ? "node group" : "auto scaling group"} (min ${p.minSize})`, "app");
      if (azs.length === 1) put(azs[0], it);
      else regional.push({ ...it, label: `${it.label}, ${azs.length} AZs` });
    }
    inv.deployments
      .filter((d) => (d.cluster ? here(d.cluster) : here(d.node)))
      .forEach((d) => regional.push(item(d.node, `Deployment ${d.node.name} (${d.replicas} pods)`, "app")));
    for (const c of inv.dbClusters.filter((x) => here(x.node))) {
      regional.push(item(c.node, `Aurora cluster${c.node === inv.writerCluster ? " (writer)" : c.global ? " (secondary)" : ""}`, "database"));
      for (const i of c.instances) {
        const azs = ctx.ownAzs(i);
        if (azs.length === 1) put(azs[0], item(i, "Aurora instance", "database"));
        else regional.push(item(i, "Aurora instance (AZ chosen by RDS)", "database"));
      }
    }
    for (const rg of inv.replicationGroups.filter((x) => here(x.node))) {
      regional.push(item(rg.node, `cache replication group (${rg.primary ? "primary" : "secondary"})`, "sessions"));
      const pinned = ctx.ownAzs(rg.node);
      pinned.slice(0, cacheNodeCount(graph, rg.node, pinned.length)).forEach((az, k) => put(az, item(rg.node, k === 0 && rg.primary ? "cache node (primary)" : "cache node", "sessions")));
    }
    inv.vaults.filter(here).forEach((n) => regional.push(item(n, "backup vault", "backup")));
    inv.backupPlans.filter((p) => p.region === region).forEach((p) => regional.push(item(p.plan, "backup plan", "backup")));
    return {
      name: region,
      writer: region === writerRegion,
      regional,
      zones: [...perAz].sort(([a], [b]) => a.localeCompare(b)).map(([az, items]) => ({ az, items })),
    };
  });

  const links: TopologyView["links"] = [];
  const add = (from: string | undefined, to: string | undefined, label: string, tier: TopologyItem["tier"]) => {
    if (from && to && from !== to && from !== GLOBAL && to !== GLOBAL && !links.some((l) => l.from === from && l.to === to && l.label === label)) links.push({ from, to, label, tier });
  };
  for (const c of inv.dbClusters) {
    const writer = inv.dbClusters.find((w) => w.node === inv.writerCluster);
    if (writer && c !== writer && c.global && c.global === writer.global) add(graph.regionOf(writer.node), graph.regionOf(c.node), "Aurora replication", "database");
  }
  for (const rg of inv.replicationGroups.filter((r) => !r.primary)) {
    const primary = inv.replicationGroups.find((p) => p.primary && p.global === rg.global);
    if (primary) add(graph.regionOf(primary.node), graph.regionOf(rg.node), "cache replication", "sessions");
  }
  for (const p of inv.backupPlans) {
    p.copyVaults.forEach((v) => add(p.region, graph.regionOf(v), "backup copy", "backup"));
    p.externalCopyRegions.forEach((r) => add(p.region, r, "backup copy", "backup"));
  }
  const peerings: NonNullable<TopologyView["peerings"]> = [];
  for (const p of graph.ofType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")) {
    const from = graph.regionOf(p);
    const peer = graph.prop(p, "peerRegion");
    const to = typeof peer === "string" && peer ? peer : from;
    if (from && to && from !== to && !peerings.some((x) => (x.from === from && x.to === to) || (x.from === to && x.to === from))) peerings.push({ from, to, label: "VPC peering" });
  }
  const entryRegions = [...new Set(inv.entries.map((e) => e.region).filter((r): r is string => !!r))];
  const entryLabel = inv.entryKind === "accelerator" ? "Global Accelerator" : inv.entryKind === "route53" ? "Route 53 records" : "no global entry";
  return { entry: { kind: inv.entryKind, label: entryLabel, regions: entryRegions }, regions: view, links, peerings };
}

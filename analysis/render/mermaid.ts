import type { FailureAnalysis } from "../failureDomains";
import { ANALYSIS_TIERS, TIER_LABELS, type TierOutcome } from "../tiers/types";
import type { TopologyItem, TopologyView } from "../topologyView";
import { percent, spofLabels } from "./tables";
import { addToGroup } from "../../graph/groups";

/**
 * Mermaid diagrams for the Markdown report: the topology (regions, AZs, zonal capacity, the global
 * entry, replication and backup-copy links) and the failure matrix (one row of tier boxes per
 * failure domain, coloured by what survives). Flowchart syntax only, which every Mermaid renderer
 * in use (GitHub, GitLab, mermaid-cli) draws.
 */

/** Mermaid labels are quoted strings; a double quote must be written as an entity. */
export function q(label: string): string {
  return `"${label.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;
}

const TIER_STYLE: Record<TopologyItem["tier"], string> = {
  entry: "fill:#e8eaf6,stroke:#3949ab",
  network: "fill:#eceff1,stroke:#546e7a",
  app: "fill:#e3f2fd,stroke:#1565c0",
  database: "fill:#fff8e1,stroke:#f9a825",
  sessions: "fill:#fce4ec,stroke:#ad1457",
  backup: "fill:#e8f5e9,stroke:#2e7d32",
};

/** Same labels in one box: "Aurora instance x2" instead of two boxes. */
function collapse(items: TopologyItem[]): TopologyItem[] {
  const out = new Map<string, { item: TopologyItem; n: number }>();
  items.forEach((it) => {
    const e = out.get(it.label);
    if (e) e.n++;
    else out.set(it.label, { item: it, n: 1 });
  });
  return [...out.values()].map(({ item, n }) => (n > 1 ? { ...item, label: `${item.label} x${n}` } : item));
}

/**
 * The topology, left to right: clients, the global entry, then one subgraph per region side by side
 * (each its entry-facing ALB, the workload, its data stores, and one box per AZ listing that AZ's
 * capacity). Solid edges are the data path (ALB -> workload -> local stores, and the writes of a
 * secondary region -> the writer region's database); dotted edges cross regions: the VPC peering
 * those writes ride on, and replication and backup copies. No nested subgraphs and no
 * subgraph-to-subgraph edges: with either, current Mermaid (11) staggers the regions vertically.
 */
export function topologyDiagram(view: TopologyView): string {
  const lines = ["flowchart LR", `  clients(["clients"])`];
  const byTier = new Map<string, string[]>();
  const node = (id: string, it: TopologyItem, shape: "box" | "db" = "box") => {
    addToGroup(byTier, it.tier, id);
    return shape === "db" ? `${id}[(${q(it.label)})]` : `${id}[${q(it.label)}]`;
  };
  if (view.entry.kind !== "none") lines.push(`  entry{{${q(view.entry.label)}}}`, "  clients --> entry");
  const isStore = (it: TopologyItem) => it.tier === "database" || it.tier === "sessions" || it.tier === "backup";
  // Per region: the first ALB, the workloads, the data stores (by tier) and a node to hang cross-region links on.
  const ids = view.regions.map(() => ({ alb: undefined as string | undefined, apps: [] as string[], stores: [] as { id: string; it: TopologyItem }[], anchor: "" }));
  const edges: string[] = [];
  view.regions.forEach((r, ri) => {
    lines.push(`  subgraph R${ri}[${q(r.writer ? `${r.name} (writer)` : r.name)}]`, "    direction TB");
    const own = ids[ri];
    collapse(r.regional).forEach((it, k) => {
      const id = `R${ri}_g${k}`;
      if (it.label.startsWith("ALB") && !own.alb) own.alb = id;
      else if (it.label.startsWith("Deployment") || /^(auto scaling|node) group/.test(it.label)) own.apps.push(id);
      if (isStore(it)) own.stores.push({ id, it });
      lines.push(`    ${node(id, it, isStore(it) ? "db" : "box")}`);
      if (!own.anchor) own.anchor = id;
    });
    // One box per AZ: its zonal capacity as lines (nested AZ subgraphs push the regions apart).
    r.zones.forEach((z, zi) => {
      const items = collapse(z.items);
      const id = `R${ri}_Z${zi}`;
      addToGroup(byTier, "zone", id);
      lines.push(`    ${id}[${q(`${z.az}\n${items.length ? items.map((i) => i.label).join("\n") : "(subnets only)"}`)}]`);
      if (!own.anchor) own.anchor = id;
    });
    lines.push("  end");
  });
  if (view.entry.kind !== "none") {
    view.regions.forEach((r, ri) => {
      if (view.entry.regions.includes(r.name)) edges.push(`  entry --> ${ids[ri].alb ?? ids[ri].anchor}`);
    });
  }
  // The data path inside a region: ALB -> workload -> the stores it reads, writes and keeps sessions in.
  const writerDb = view.regions.flatMap((r, ri) => ids[ri].stores.filter((s) => s.it.tier === "database" && /\(writer\)/.test(s.it.label)).map((s) => ({ ri, id: s.id })))[0];
  view.regions.forEach((_, ri) => {
    const own = ids[ri];
    const workload = own.apps.find((a) => a.includes("_g")) ?? own.apps[0];
    if (!workload) return;
    if (own.alb) edges.push(`  ${own.alb} --> ${workload}`);
    for (const s of own.stores) {
      if (s.it.tier === "backup") continue;
      const secondary = s.it.tier === "database" && /\(secondary\)/.test(s.it.label);
      const what = s.it.tier === "sessions" ? "sessions" : secondary ? "reads" : "reads, writes";
      edges.push(`  ${workload} -->|${q(what)}| ${s.id}`);
    }
    if (writerDb && writerDb.ri !== ri && own.stores.some((s) => /\(secondary\)/.test(s.it.label))) edges.push(`  ${workload} -->|${q("writes")}| ${writerDb.id}`);
  });
  // Cross-region: peering between the regions' workloads (the network the writes ride on), then
  // one dotted edge per direction between the stores, naming everything that flows that way.
  const index = new Map(view.regions.map((r, i) => [r.name, i]));
  for (const p of view.peerings ?? []) {
    const a = index.get(p.from);
    const b = index.get(p.to);
    if (a !== undefined && b !== undefined) edges.push(`  ${ids[a].apps[0] ?? ids[a].anchor} <-.->|${q(p.label)}| ${ids[b].apps[0] ?? ids[b].anchor}`);
  }
  const flows = new Map<string, string[]>();
  const storeOf = (ri: number, tier: TopologyItem["tier"]) => ids[ri].stores.find((s) => s.it.tier === tier)?.id ?? ids[ri].anchor;
  for (const l of view.links) {
    const from = index.get(l.from);
    const to = index.get(l.to);
    if (from !== undefined && to !== undefined) addToGroup(flows, `${storeOf(from, l.tier)} -.->|%| ${storeOf(to, l.tier)}`, l.label);
  }
  for (const [edge, labels] of flows) edges.push(`  ${edge.replace("%", q(labels.join(", ")))}`);
  lines.push(...edges);
  for (const [tier, members] of byTier) lines.push(`  classDef ${tier} ${TIER_STYLE[tier as TopologyItem["tier"]] ?? ZONE_STYLE}`, `  class ${members.join(",")} ${tier}`);
  return lines.join("\n");
}

const ZONE_STYLE = "fill:#fafafa,stroke:#9e9e9e,stroke-dasharray:3 3,text-align:left";

/** `zonal`: an AZ-sized loss, after which every region must still serve on its own. */
function statusClass(o: TierOutcome, steady: TierOutcome, zonal: boolean): "ok" | "degraded" | "promote" | "down" {
  if (o.status === "down" || o.status === "partial") return "down";
  if (zonal && Object.entries(o.regions).some(([r, c]) => c.status === "down" && steady.regions[r]?.status !== "down")) return "down";
  if (o.status === "promotion") return "promote";
  return (o.share ?? 1) < 0.999 ? "degraded" : "ok";
}

function cellLabel(o: TierOutcome, regions: string[]): string {
  const head = o.status === "promotion" ? `promote ${o.promotion?.region ?? ""}` : o.status === "serves" ? "ok" : o.status.toUpperCase();
  const parts = regions.map((r) => {
    const c = o.regions[r];
    return !c || c.status === "absent" ? "-" : c.status === "down" ? "down" : c.status === "standby" ? "standby" : percent(c.share);
  });
  return `${TIER_LABELS[o.tier]}: ${head}\n${parts.join(" / ")}`;
}

/**
 * The failure matrix: the steady state, every AZ and region, and the single resources that are (or
 * explain) a single point of failure, one row each.
 */
export function failureMatrixDiagram(fa: FailureAnalysis): string {
  const marked = spofLabels(fa);
  const rows = [
    { label: "nothing lost", tiers: fa.steadyState, zonal: false },
    ...fa.domains
      .filter((d) => d.domain.kind !== "resource" || marked.has(d.label))
      .map((d) => ({ label: `${marked.has(d.label) ? "✗ " : ""}${d.label}`, tiers: d.tiers, zonal: d.domain.kind === "az" || (d.domain.kind === "resource" && d.azs.length === 1) })),
  ];
  // No subgraphs (Mermaid lays a subgraph's inside out top-down whatever the direction): each row
  // is a label box followed by its tier boxes, chained left to right by invisible links.
  const lines = ["flowchart LR"];
  const classes: Record<string, string[]> = { ok: [], degraded: [], promote: [], down: [], domain: [] };
  rows.forEach((row, i) => {
    const ids = [`D${i}`];
    classes.domain.push(`D${i}`);
    lines.push(`  D${i}[${q(row.label)}]`);
    for (const t of ANALYSIS_TIERS) {
      const o = row.tiers[t];
      if (o.status === "absent") continue;
      const id = `D${i}_${t}`;
      ids.push(id);
      classes[statusClass(o, fa.steadyState[t], row.zonal)].push(id);
      lines.push(`  ${id}[${q(cellLabel(o, fa.regions))}]`);
    }
    lines.push(`  ${ids.join(" ~~~ ")}`);
  });
  lines.push(
    "  classDef ok fill:#d4edda,stroke:#2e7d32",
    "  classDef degraded fill:#fff3cd,stroke:#b8860b",
    "  classDef promote fill:#cce5ff,stroke:#1565c0",
    "  classDef down fill:#f8d7da,stroke:#c62828",
    "  classDef domain fill:#ffffff,stroke:#9e9e9e,font-weight:bold",
  );
  for (const [cls, ids] of Object.entries(classes)) if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${cls}`);
  return lines.join("\n");
}

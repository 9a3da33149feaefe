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

export function topologyDiagram(view: TopologyView): string {
  const lines = ["flowchart TB", `  clients(["clients"])`];
  const byTier = new Map<string, string[]>();
  const node = (id: string, it: TopologyItem, shape: "box" | "db" = "box") => {
    addToGroup(byTier, it.tier, id);
    return shape === "db" ? `${id}[(${q(it.label)})]` : `${id}[${q(it.label)}]`;
  };
  if (view.entry.kind !== "none") lines.push(`  entry{{${q(view.entry.label)}}}`, "  clients --> entry");
  const albOf = new Map<string, string>();
  view.regions.forEach((r, ri) => {
    lines.push(`  subgraph R${ri}[${q(r.writer ? `${r.name} (writer)` : r.name)}]`, "    direction TB");
    const regional = collapse(r.regional);
    regional.forEach((it, k) => {
      const id = `R${ri}_g${k}`;
      if (it.label.startsWith("ALB") && !albOf.has(r.name)) albOf.set(r.name, id);
      lines.push(`    ${node(id, it, it.tier === "database" || it.tier === "sessions" || it.tier === "backup" ? "db" : "box")}`);
    });
    // Invisible links stack the boxes: Mermaid ignores a subgraph's direction once an edge crosses it.
    if (regional.length > 1) lines.push(`    ${regional.map((_, k) => `R${ri}_g${k}`).join(" ~~~ ")}`);
    r.zones.forEach((z, zi) => {
      lines.push(`    subgraph R${ri}_Z${zi}[${q(z.az)}]`, "      direction TB");
      const items = collapse(z.items);
      if (items.length === 0) lines.push(`      R${ri}_Z${zi}_empty[${q("(subnets only)")}]`);
      items.forEach((it, k) => lines.push(`      ${node(`R${ri}_Z${zi}_i${k}`, it)}`));
      if (items.length > 1) lines.push(`      ${items.map((_, k) => `R${ri}_Z${zi}_i${k}`).join(" ~~~ ")}`);
      lines.push("    end");
    });
    lines.push("  end");
  });
  if (view.entry.kind !== "none") {
    view.regions.forEach((r, ri) => {
      if (view.entry.regions.includes(r.name)) lines.push(`  entry --> ${albOf.get(r.name) ?? `R${ri}`}`);
    });
  }
  // One dotted edge per direction, naming everything that flows that way (separate edges overlap).
  const index = new Map(view.regions.map((r, i) => [r.name, i]));
  const flows = new Map<string, string[]>();
  for (const l of view.links) {
    const from = index.get(l.from);
    const to = index.get(l.to);
    if (from !== undefined && to !== undefined) addToGroup(flows, `R${from} -.->|%| R${to}`, l.label);
  }
  for (const [edge, labels] of flows) lines.push(`  ${edge.replace("%", q(labels.join(", ")))}`);
  for (const [tier, ids] of byTier) lines.push(`  classDef ${tier} ${TIER_STYLE[tier as TopologyItem["tier"]]}`, `  class ${ids.join(",")} ${tier}`);
  return lines.join("\n");
}

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

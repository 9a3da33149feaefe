import { drawTable, widthOf, wrap, type TextOptions } from "../text/layout";
import { TIERS } from "../components/tags";
import { GLOBAL, type ResourceGraph } from "./model";

/** Resource counts per region x tier x AZ: the readable face of a plan or a stack export. */
export interface GraphSummary {
  readonly total: number;
  readonly managed: number;
  readonly providers: number;
  readonly components: number;
  /** region -> tier -> placement (an AZ name, "multi-AZ", or "regional") -> count. */
  readonly cells: Record<string, Record<string, Record<string, number>>>;
  /** region -> AZ names seen. */
  readonly azs: Record<string, string[]>;
}

export const MULTI_AZ = "multi-AZ";
export const REGIONAL = "regional";
const UNKNOWN_REGION = "(unknown region)";
const UNTIERED = "other";

export function summarize(graph: ResourceGraph): GraphSummary {
  const cells: GraphSummary["cells"] = {};
  const azs: Record<string, Set<string>> = {};
  const managed = graph.managed();
  for (const n of managed) {
    const region = graph.regionOf(n) ?? UNKNOWN_REGION;
    const tier = graph.tierOf(n) ?? UNTIERED;
    const nodeAzs = region === GLOBAL ? [] : graph.azsOf(n);
    const placement = nodeAzs.length === 1 ? nodeAzs[0] : nodeAzs.length > 1 ? MULTI_AZ : REGIONAL;
    if (nodeAzs.length === 1) (azs[region] ??= new Set()).add(nodeAzs[0]);
    const byTier = (cells[region] ??= {});
    const byPlacement = (byTier[tier] ??= {});
    byPlacement[placement] = (byPlacement[placement] ?? 0) + 1;
  }
  return {
    total: graph.nodes.length,
    managed: managed.length,
    providers: graph.nodes.filter((n) => n.type.startsWith("pulumi:providers:")).length,
    components: graph.nodes.filter((n) => !n.custom).length,
    cells,
    azs: Object.fromEntries(Object.entries(azs).map(([r, s]) => [r, [...s].sort()])),
  };
}

const TIER_ORDER = [...TIERS, UNTIERED];

function regionOrder(a: string, b: string): number {
  const rank = (r: string) => (r === GLOBAL ? 0 : r === UNKNOWN_REGION ? 2 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function renderSummary(s: GraphSummary, title: string, opts: TextOptions = {}): string {
  const width = widthOf(opts);
  const lines = [
    ...wrap(title, width),
    ...wrap(`${s.total} resources: ${s.managed} managed by providers, ${s.providers} providers, ${s.components} components`, width),
    "",
  ];
  for (const region of Object.keys(s.cells).sort(regionOrder)) {
    const zoneColumns = [...(s.azs[region] ?? []), MULTI_AZ, REGIONAL];
    const rows: string[][] = [];
    const columnTotals = zoneColumns.map(() => 0);
    const tiers = Object.keys(s.cells[region]).sort((a, b) => TIER_ORDER.indexOf(a as never) - TIER_ORDER.indexOf(b as never));
    for (const tier of tiers) {
      const counts = zoneColumns.map((z) => s.cells[region][tier][z] ?? 0);
      counts.forEach((c, i) => (columnTotals[i] += c));
      rows.push([tier, ...counts.map((c) => (c ? String(c) : "-")), String(counts.reduce((a, b) => a + b, 0))]);
    }
    rows.push(["total", ...columnTotals.map(String), String(columnTotals.reduce((a, b) => a + b, 0))]);
    lines.push(drawTable([region, ...zoneColumns, "total"], rows, width), "");
  }
  return lines.join("\n");
}

/** What to fix before a real `pulumi up`, one wrapped item each. */
export function renderWarnings(stack: string, warnings: readonly string[], opts: TextOptions = {}): string {
  if (warnings.length === 0) return "";
  const width = widthOf(opts);
  return `\n${[`Before a real \`pulumi up\` of ${stack}:`, ...warnings.flatMap((w) => wrap(w, width, "  - ", "    "))].join("\n")}\n`;
}

import type { DomainOutcome, FailureAnalysis, TierOutcomes } from "../failureDomains";
import type { ReportTable } from "../report";
import { ANALYSIS_TIERS, TIER_LABELS, type RegionCell, type TierOutcome } from "../tiers/types";
import { addToGroup } from "../../graph/groups";

/**
 * The failure-domain tables, as plain rows both renderers share (text draws them with cli-table3,
 * Markdown as pipe tables). A cell is two lines: the overall status, then the share of the
 * steady-state capacity left in each region, in the order of the regions list.
 */

export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? "-" : `${Math.round(share * 100)}%`;
}

function overall(o: TierOutcome): string {
  switch (o.status) {
    case "serves": return "ok";
    case "partial": return "PARTIAL";
    case "promotion": return `promote ${o.promotion?.region ?? ""}`.trim();
    case "down": return "DOWN";
    default: return "-";
  }
}

function regionPart(c: RegionCell | undefined): string {
  if (!c || c.status === "absent") return "-";
  if (c.status === "down") return "down";
  if (c.status === "standby") return `standby ${percent(c.share)}`;
  return percent(c.share);
}

export function matrixCell(o: TierOutcome, regions: string[]): string {
  if (o.status === "absent") return "-";
  return `${overall(o)}\n${regions.map((r) => regionPart(o.regions[r])).join(" / ")}`;
}

/** "1 pod", "3 pods": units are written in the plural. */
export function amount(n: number, unit: string): string {
  return `${n} ${n === 1 ? unit.replace(/s$/, "") : unit}`;
}

function steadyPart(c: RegionCell | undefined): string {
  if (!c || c.status === "absent") return "-";
  const amount_ = amount(c.total, c.unit);
  return c.status === "serves" ? amount_ : `${c.status} (${amount_})`;
}

export function steadyTable(fa: FailureAnalysis): ReportTable {
  return {
    title: "Steady state (nothing lost)",
    head: ["tier", "status", ...fa.regions.map((r) => (r === fa.writerRegion ? `${r} (writer)` : r))],
    rows: ANALYSIS_TIERS.map((t) => {
      const o = fa.steadyState[t];
      return [TIER_LABELS[t], o.status === "absent" ? "absent" : overall(o), ...fa.regions.map((r) => steadyPart(o.regions[r]))];
    }),
  };
}

/** Labels of the failure domains that are (or explain) a single point of failure. */
export function spofLabels(fa: FailureAnalysis): Set<string> {
  return new Set(fa.singlePointsOfFailure.flatMap((s) => [s.domain, ...s.alsoBy]));
}

function cells(tiers: TierOutcomes, regions: string[]): string[] {
  return ANALYSIS_TIERS.map((t) => matrixCell(tiers[t], regions));
}

export function matrixTable(fa: FailureAnalysis, kind: "az" | "region"): ReportTable {
  const marked = spofLabels(fa);
  return {
    title: kind === "az" ? "Loss of one availability zone" : "Loss of one region",
    head: ["lost", ...ANALYSIS_TIERS.map((t) => TIER_LABELS[t])],
    rows: fa.domains.filter((d) => d.domain.kind === kind).map((d) => [`${marked.has(d.label) ? "✗ " : ""}${d.label}`, ...cells(d.tiers, fa.regions)]),
  };
}

/**
 * Single resources grouped by identical effect, leaving out those whose loss changes nothing:
 * a plan has hundreds of resources, and most rows would repeat the steady state.
 */
export function resourceTable(fa: FailureAnalysis, maxNames = 4): ReportTable & { unchanged: number } {
  const steady = cells(fa.steadyState, fa.regions).join("|");
  const marked = spofLabels(fa);
  const groups = new Map<string, DomainOutcome[]>();
  let unchanged = 0;
  for (const d of fa.domains.filter((x) => x.domain.kind === "resource")) {
    const cellSig = cells(d.tiers, fa.regions).join("|");
    if (cellSig === steady) {
      unchanged++;
      continue;
    }
    // A resource that is a SPOF never shares a row with one that only looks the same.
    const sig = `${marked.has(d.label)}|${cellSig}`;
    addToGroup(groups, sig, d);
  }
  const rows = [...groups.values()]
    .map((list) => {
      const spof = list.some((d) => marked.has(d.label));
      const names = list.map((d) => d.label);
      const shown = names.length > maxNames ? [...names.slice(0, maxNames - 1), `and ${names.length - maxNames + 1} more`] : names;
      return { spof, row: [`${spof ? "✗ " : ""}${shown.join("\n")}`, ...cells(list[0].tiers, fa.regions)] };
    })
    .sort((a, b) => Number(b.spof) - Number(a.spof));
  return {
    title: "Loss of one resource (grouped by effect; resources whose loss changes nothing are left out)",
    head: ["lost (any one of)", ...ANALYSIS_TIERS.map((t) => TIER_LABELS[t])],
    rows: rows.map((r) => r.row),
    unchanged,
  };
}

export function spofTable(fa: FailureAnalysis): ReportTable {
  return {
    title: "Single points of failure",
    head: ["#", "failure domain", "stops", "resources to make redundant", "why"],
    rows: fa.singlePointsOfFailure.map((s, i) => [
      String(i + 1),
      [s.domain, ...s.alsoBy.filter((a) => a !== s.domain).map((a) => `or ${a}`)].join("\n"),
      s.stops.map((x) => `${TIER_LABELS[x.tier]} ${x.region ? `in ${x.region}` : "everywhere"}`).join("\n"),
      s.resources.map((r) => `${r.name}${r.azs.length === 1 ? ` (${r.azs[0]})` : r.region ? ` (${r.region})` : ""}`).join("\n"),
      s.notes.join("\n") || s.reason,
    ]),
  };
}

/** One line per note the steady state carries (capacity mode, promotion paths, placement doubts). */
export function steadyNotes(fa: FailureAnalysis): string[] {
  const notes: string[] = [];
  for (const t of ANALYSIS_TIERS) {
    const o = fa.steadyState[t];
    o.notes.forEach((n) => notes.push(`${TIER_LABELS[t]}: ${n}`));
    for (const [r, c] of Object.entries(o.regions)) c.notes.forEach((n) => notes.push(`${TIER_LABELS[t]} in ${r}: ${n}`));
  }
  return [...new Set(notes)];
}

const CAP_MARK: Record<string, string> = { yes: "yes", partial: "PARTIAL", "after-promotion": "after promotion", no: "NO", unknown: "unknown", absent: "-" };

/**
 * Reads, writes and sessions per region: the live state, each planned switchover, and every failure
 * domain after which a region's answer differs from the live state.
 */
export function dataPathTable(fa: FailureAnalysis): ReportTable {
  const dp = fa.dataPath;
  const rows: string[][] = [];
  const steadyKey = (r: { reads: { status: string }; writes: { status: string }; sessions: { status: string } }) => `${r.reads.status}|${r.writes.status}|${r.sessions.status}`;
  const steady = new Map(dp.steady.regions.map((r) => [r.region, steadyKey(r)]));
  const push = (scenario: string, regions: typeof dp.steady.regions, onlyChanged: boolean) => {
    for (const r of regions) {
      if (onlyChanged && steady.get(r.region) === steadyKey(r)) continue;
      rows.push([scenario, r.region, CAP_MARK[r.reads.status], CAP_MARK[r.writes.status], CAP_MARK[r.sessions.status]]);
    }
  };
  const writer = (a: { databaseWriter?: string; sessionsPrimary?: string }) => `writer ${a.databaseWriter ?? "-"}, sessions ${a.sessionsPrimary ?? "-"}`;
  push(`now (${writer(dp.steady.assignment)})`, dp.steady.regions, false);
  for (const s of dp.switchovers) push(`switchover to ${s.to}`, s.regions, false);
  for (const d of fa.domains) {
    const a = d.capabilities.assignment;
    const moves = a.promoted.map((what) => `${what} to ${what === "database" ? a.databaseWriter ?? "?" : a.sessionsPrimary ?? "?"}`);
    push(`lose ${d.label}${moves.length ? ` (then promote ${moves.join(", ")})` : ""}`, d.capabilities.regions, true);
  }
  for (const m of dp.multiRegion ?? []) push(`lose ${m.label}`, m.scenario.regions, true);
  return { title: "Data path: what each region can do (from the workloads' settings, routes and security groups)", head: ["scenario", "region", "reads", "writes", "sessions"], rows };
}

/** How each region reads, writes and keeps sessions now, and why where it cannot. */
export function dataPathNotes(fa: FailureAnalysis): string[] {
  const out: string[] = [];
  for (const r of fa.dataPath.steady.regions) {
    for (const cap of ["reads", "writes", "sessions"] as const) {
      const a = r[cap];
      if (a.status === "absent") continue;
      out.push(`${r.region} ${cap}: ${a.status === "yes" ? a.via : `${CAP_MARK[a.status]}: ${a.reason}`}`);
    }
  }
  return [
    ...out,
    ...fa.dataPath.degraded.map((d) => `degraded: ${d}`),
    ...(fa.dataPath.multiRegion ?? []).map((m) => `losing the ${m.label}: ${m.summary}`),
  ];
}

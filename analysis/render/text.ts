import Table from "cli-table3";
import { objectiveSections, type AnalysisReport, type ReportTable } from "../report";
import { ANALYSIS_TIERS, TIER_LABELS } from "../tiers/types";
import { dataPathNotes, dataPathTable, matrixTable, resourceTable, spofTable, steadyNotes, steadyTable } from "./tables";

/** The terminal face of the report: cli-table3 tables, then the verdict. */

export function drawTable(t: ReportTable): string {
  const table = new Table({ head: t.head, style: { head: [], border: [] }, wordWrap: true });
  t.rows.forEach((r) => table.push(r));
  return [...(t.title ? [t.title] : []), table.toString()].join("\n");
}

export function renderText(report: AnalysisReport): string {
  const fa = report.failureDomains;
  const out: string[] = [];
  out.push(`Resilience analysis of ${report.source.kind} ${report.source.name}`);
  out.push(`Regions: ${fa.regions.map((r) => `${r}${r === fa.writerRegion ? " (writer)" : ""} [${(fa.zones[r] ?? []).join(", ")}]`).join("; ") || "none found"}`);
  if (fa.absentTiers.length > 0) out.push(`Not in this graph: ${fa.absentTiers.map((t) => TIER_LABELS[t]).join(", ")}`);
  out.push("", drawTable(steadyTable(fa)));
  const anyTier = fa.absentTiers.length < ANALYSIS_TIERS.length;
  const notes = steadyNotes(fa);
  if (notes.length > 0) out.push(...notes.map((n) => `  note: ${n}`));

  const dp = dataPathTable(fa);
  if (dp.rows.length > 0) {
    out.push("", drawTable(dp));
    out.push(...dataPathNotes(fa).map((n) => `  ${n}`));
  }

  if (anyTier) out.push("", `Each cell: overall status, then the share of steady-state capacity left per region (${fa.regions.join(" / ")}).`);
  if (anyTier) out.push("\"promote R\": writes stop until region R is promoted (a recovery; its time is in the RTO budget). ✗ marks a single point of failure.");
  for (const kind of ["az", "region"] as const) {
    const t = matrixTable(fa, kind);
    if (anyTier && t.rows.length > 0) out.push("", drawTable(t));
  }
  if (fa.domains.some((d) => d.domain.kind === "resource")) {
    const rt = resourceTable(fa);
    out.push("", rt.rows.length > 0 ? drawTable(rt) : "Loss of one resource: no single resource changes what serves.");
    out.push(`${rt.unchanged} more resources change nothing when lost; ${fa.unconsultedResources} are not on any tier's path; ${fa.excludedResources.length} are global service configuration (not failure units).`);
  }

  out.push("");
  if (fa.singlePointsOfFailure.length === 0) out.push("Single points of failure: none.");
  else out.push(drawTable(spofTable(fa)));
  if (fa.steadyStateGaps.length > 0) {
    out.push("", "Tiers that do not serve even with nothing lost:");
    fa.steadyStateGaps.forEach((g) => out.push(`  - ${TIER_LABELS[g.tier]}${g.region ? ` in ${g.region}` : ""}${g.notes.length ? `: ${g.notes.join("; ")}` : ""}`));
  }

  for (const s of objectiveSections(report)) {
    out.push("", `${s.title}${s.objectivesMet ? "" : " (objective missed)"}`);
    s.tables.forEach((t) => out.push(drawTable(t)));
    (s.notes ?? []).forEach((n) => out.push(`  note: ${n}`));
  }

  const v = report.verdict;
  out.push("", v.ok ? "Verdict: OK" : `Verdict: FAIL (exit 1)\n${v.reasons.map((r) => `  - ${r}`).join("\n")}`);
  v.warnings.forEach((w) => out.push(`  warning: ${w}`));
  return `${out.join("\n")}\n`;
}

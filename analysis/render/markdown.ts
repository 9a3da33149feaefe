import { objectiveSections, type AnalysisReport, type ReportTable } from "../report";
import { ANALYSIS_TIERS, TIER_LABELS } from "../tiers/types";
import { failureMatrixDiagram, topologyDiagram } from "./mermaid";
import { dataPathNotes, dataPathTable, matrixTable, resourceTable, spofTable, steadyNotes, steadyTable } from "./tables";

/** The Markdown face of the report: GitHub-flavoured tables and Mermaid diagrams. */

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
}

export function markdownTable(t: ReportTable, heading = "###"): string {
  const lines = [
    ...(t.title ? [`${heading} ${t.title}`, ""] : []),
    `| ${t.head.map(escapeCell).join(" | ")} |`,
    `| ${t.head.map(() => "---").join(" | ")} |`,
    ...t.rows.map((r) => `| ${r.map(escapeCell).join(" | ")} |`),
  ];
  return lines.join("\n");
}

const fence = (body: string) => ["```mermaid", body, "```"].join("\n");

export function renderMarkdown(report: AnalysisReport): string {
  const fa = report.failureDomains;
  const out: string[] = [];
  out.push(`# Resilience analysis: ${report.source.kind} \`${report.source.name}\``, "");
  const v = report.verdict;
  out.push(v.status === "ok" ? "**Verdict: OK**" : v.status === "cannot-tell"
    ? `**Verdict: CANNOT TELL** (exit 0; \`--strict\` exits 1)\n\n${v.warnings.map((r) => `- ${r}`).join("\n")}`
    : `**Verdict: FAIL**\n\n${v.reasons.map((r) => `- ${r}`).join("\n")}`, "");
  if (v.warnings.length > 0) out.push(...v.warnings.map((w) => `> Warning: ${w}`), "");
  out.push("## Topology", "", fence(topologyDiagram(report.topology)), "");
  if (fa.absentTiers.length > 0) out.push(`Not in this graph: ${fa.absentTiers.map((t) => TIER_LABELS[t]).join(", ")}.`, "");

  out.push(markdownTable(steadyTable(fa), "##"), "");
  const notes = steadyNotes(fa);
  if (notes.length > 0) out.push(...notes.map((n) => `- ${n}`), "");

  const dp = dataPathTable(fa);
  if (dp.rows.length > 0) {
    out.push(markdownTable(dp, "##"), "");
    out.push(...dataPathNotes(fa).map((n) => `- ${n}`), "");
  }

  out.push("## Failure matrix", "");
  if (ANALYSIS_TIERS.some((t) => fa.steadyState[t].status !== "absent")) out.push(`Each cell: overall status, then the share of steady-state capacity left per region (${fa.regions.join(" / ")}). ` +
    "\"promote R\": writes stop until region R is promoted (a recovery, timed in the RTO budget). ✗ marks a single point of failure.", "");
  const anyTier = ANALYSIS_TIERS.some((t) => fa.steadyState[t].status !== "absent");
  if (anyTier) out.push(fence(failureMatrixDiagram(fa)), "");
  for (const kind of ["az", "region"] as const) {
    const t = matrixTable(fa, kind);
    if (anyTier && t.rows.length > 0) out.push(markdownTable(t), "");
  }
  if (fa.domains.some((d) => d.domain.kind === "resource")) {
    const rt = resourceTable(fa);
    if (rt.rows.length > 0) out.push(markdownTable(rt), "");
    out.push(`${rt.unchanged} more resources change nothing when lost; ${fa.unconsultedResources} are not on any tier's path; ` +
      `${fa.excludedResources.length} are global service configuration (not failure units).`, "");
  }

  out.push("## Single points of failure", "");
  out.push(fa.singlePointsOfFailure.length === 0 ? "None." : markdownTable({ ...spofTable(fa), title: undefined }), "");
  if (fa.steadyStateGaps.length > 0) {
    out.push("### Tiers that do not serve even with nothing lost", "");
    fa.steadyStateGaps.forEach((g) => out.push(`- ${TIER_LABELS[g.tier]}${g.region ? ` in ${g.region}` : ""}${g.notes.length ? `: ${g.notes.join("; ")}` : ""}`));
    out.push("");
  }

  for (const s of objectiveSections(report)) {
    out.push(`## ${s.title}${s.objectivesMet ? "" : " (objective missed)"}`, "");
    s.tables.forEach((t) => out.push(markdownTable(t), ""));
    (s.mermaid ?? []).forEach((m) => out.push(fence(m), ""));
    (s.notes ?? []).forEach((n) => out.push(`- ${n}`));
    if (s.notes?.length) out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

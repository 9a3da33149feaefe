import { definitionList, drawTable as draw, shellCommand, widthOf, wrap, wrapAll, wrapClipped, type TextOptions } from "../../text/layout";
import type { AvailabilityEstimate } from "../availability";
import type { BudgetTerm, DisruptionBudget } from "../budget";
import { CONFIDENCE_LEGEND, SLAS } from "../constants";
import { objectiveSections, type AnalysisReport, type ObjectiveSection, type ReportTable } from "../report";
import { SOURCES_DOC, sourceLink } from "../sources";
import { ANALYSIS_TIERS, TIER_LABELS } from "../tiers/types";
import { dataPathNotes, dataPathTable, matrixTable, resourceTable, spofTable, steadyNotes, steadyTable } from "./tables";

/**
 * The terminal face of the report. A summary first (verdict, counts, the top problems, what to do
 * next), then the details: cli-table3 tables that fit the width, long evidence as short source
 * references (sections of docs/sources.md) or behind `--verbose`. JSON and Markdown keep everything.
 */

export type { TextOptions } from "../../text/layout";

export function drawTable(t: ReportTable, width = widthOf(undefined)): string {
  return [...(t.title ? wrap(t.title, width) : []), draw(t.head, t.rows, width)].join("\n");
}

/** The first `max` characters of a line, with an ellipsis when cut. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  return [...flat].length <= max ? flat : `${[...flat].slice(0, max - 1).join("")}…`;
}

const isBudgets = (d: unknown): d is DisruptionBudget[] =>
  Array.isArray(d) && d.length > 0 && d.every((b) => b && typeof b === "object" && "disruption" in b && "rto" in b && "rpo" in b);
const isAvailability = (d: unknown): d is AvailabilityEstimate => !!d && typeof d === "object" && "estimatePercent" in d && "entry" in d;

const OBJECTIVE_KEY: Record<DisruptionBudget["disruption"], string> = { azLoss: "azLoss", regionLoss: "regionLoss", plannedSwitchover: "regionLoss" };

/** What to do next, from the first kind of problem the verdict names; a command to run follows on its own line. */
export function nextStep(report: AnalysisReport): string {
  const fa = report.failureDomains;
  const budgets = isBudgets(report.budget?.data) ? report.budget.data : [];
  const stack = report.source.kind === "stack" ? report.source.name : "<stack>";
  if (fa.singlePointsOfFailure.length > 0) {
    return "make the resources in the \"Single points of failure\" table redundant (each row names them and the tiers they stop), then run analyze again.";
  }
  if (fa.dataPath.findings.length > 0 || fa.steadyStateGaps.length > 0) {
    return "fix the wiring the problems above name (the data-path notes below show each chain: setting, endpoint, route, security group), then run analyze again.";
  }
  const breached = budgets.flatMap((b) => b.breaches.map((br) => ({ b, br })));
  if (breached.length > 0) {
    const { b, br } = breached[0];
    const objective = `ha-blueprint:objectives.${OBJECTIVE_KEY[b.disruption]}.${br.objective}Seconds`;
    if (["decide", "page", "detect.alarm"].includes(br.term.id)) {
      return `the ${b.label} budget waits for an alarm, a page and a person's decision. Automate the decision (an ARC Region switch plan with execution triggers), shorten paging, or set ${objective} to the time your on-call needs; the budget terms below show every term.`;
    }
    return `shorten the largest term of the ${b.label} budget (${br.term.label}, ${br.term.seconds} s: the budget terms below name its setting) or revisit ${objective}.`;
  }
  if (report.availability && !report.availability.objectivesMet) {
    return "raise the weakest factor of the availability estimate (a single-AZ tier earns a lower SLA) or revisit ha-blueprint:objectives.availabilityPercent.";
  }
  const target = fa.regions.find((r) => r !== fa.writerRegion);
  return target
    ? `rehearse a region switchover offline:\n  npx ha-blueprint drill --stack ${stack} --to ${target} --mode planned --simulate`
    : "nothing to fix; a drill (npx ha-blueprint drill --help) shows whether the stack recovers as planned.";
}

function dataPathSummary(report: AnalysisReport): string {
  const dp = report.failureDomains.dataPath;
  if (dp.steady.regions.length === 0) {
    return dp.unknowns.length > 0 ? "cannot tell: data stores but no workload in this graph (see the warnings)" : "no data stores in this graph";
  }
  const problems = dp.findings.length;
  if (problems === 0 && dp.unknowns.length > 0) return `cannot tell for ${dp.unknowns.length} path${dp.unknowns.length === 1 ? "" : "s"} (see the warnings): the wiring is not visible`;
  const base = problems > 0
    ? `${problems} problem${problems === 1 ? "" : "s"} (listed above)`
    // Multi-writer stores have no writer to switch over: nothing to claim about a switchover.
    : `every region reads, writes and keeps sessions${dp.switchovers.length === 0 ? " (no writer to switch over)" : `, now and after ${dp.switchovers.length === 1 ? "the planned switchover" : "each planned switchover"}`}`;
  const degraded = dp.degraded.length;
  // A degraded domain costs some regions a capability, never all of them (that would be a problem above);
  // with multi-writer stores it may well be the region the config calls the writer.
  return degraded > 0 ? `${base}; ${degraded} failure domain${degraded === 1 ? "" : "s"} stop${degraded === 1 ? "s" : ""} a capability in some regions, not in all` : base;
}

/** Verdict, counts, the top problems and the next step: what the first screen must answer. */
export function summaryLines(report: AnalysisReport, opts: TextOptions = {}): string[] {
  const width = widthOf(opts);
  const fa = report.failureDomains;
  const v = report.verdict;
  const out: string[] = [];
  out.push(...wrap(`Resilience analysis of ${report.source.kind} ${report.source.name}`, width));
  out.push(...wrap(`Regions: ${fa.regions.map((r) => `${r}${r === fa.writerRegion ? " (writer)" : ""} [${(fa.zones[r] ?? []).join(", ")}]`).join("; ") || "none found"}`, width, "", "  "));
  out.push("");
  const count = v.reasons.length;
  out.push(v.status === "ok"
    ? "Verdict: OK (exit 0)"
    : v.status === "cannot-tell"
      ? "Verdict: CANNOT TELL (exit 0; --strict exits 1): nothing found, but some wiring is not visible (warnings below)"
      : `Verdict: FAIL (exit 1), ${count} problem${count === 1 ? "" : "s"}:`);
  const top = 5;
  v.reasons.slice(0, top).forEach((r, i) => out.push(...wrapClipped(r, width, `  ${i + 1}. `)));
  if (count > top) out.push(`  ... and ${count - top} more (all at the end of the report)`);
  v.warnings.forEach((w) => out.push(...wrap(`warning: ${w}`, width, "  ", "    ")));

  const spofs = fa.singlePointsOfFailure.length;
  const domains = (kind: string) => fa.domains.filter((d) => d.domain.kind === kind).length;
  const items: [string, string][] = [
    ["single points of failure", spofs === 0
      ? `none (${domains("az")} AZs, ${domains("region")} regions and ${domains("resource")} resources each lost in turn)`
      : `${spofs}: ${fa.singlePointsOfFailure.map((s) => s.domain).join(", ")}`],
    ["data path", dataPathSummary(report)],
  ];
  if (isBudgets(report.budget?.data)) {
    for (const b of report.budget.data) {
      const rpo = `RPO ${b.rpo.seconds} s${b.rpo.bounded ? "" : " typical"}`;
      const status = !b.rtoMet || b.rpoStatus === "missed" ? "MISSED" : b.rpoStatus === "typical" ? "RTO met, RPO not bounded" : "met";
      items.push([b.label, `RTO ${b.rto.seconds} s, ${rpo}: ${status} (objectives ${b.objective.rtoSeconds} s, ${b.objective.rpoSeconds} s)`]);
    }
  }
  if (isAvailability(report.availability?.data)) {
    const a = report.availability.data;
    items.push(["availability", `${a.estimatePercent.toFixed(4)} % estimated: ${a.met ? "met" : "MISSED"} (objective ${a.objectivePercent} %)`]);
  }
  out.push("", "Summary:", ...definitionList(items, width));
  // A command goes on its own line, wrapped so that it still pastes.
  const [next, ...commands] = nextStep(report).split("\n");
  out.push("", ...wrap(`Next: ${next}`, width, "", "  "), ...commands.flatMap((c) => shellCommand(c.trim(), width)));
  out.push(...wrap(opts.verbose
    ? "Details follow: steady state, data path, failure matrices, single points of failure, RTO/RPO budget, availability."
    : "More: --verbose prints every table (steady state, data path, each failure domain lost in turn, budget terms, availability factors); --format markdown or json keeps everything.", width));
  return out;
}

const DOCUMENTED = / s \(documented\)$/;
const ESTIMATE = / s \(project estimate\)$/;

function termTable(b: DisruptionBudget, width: number): string {
  const rows: string[][] = [];
  const add = (path: string, t: BudgetTerm) => rows.push([path, t.label, String(t.seconds), DOCUMENTED.test(t.basis) ? "documented" : ESTIMATE.test(t.basis) ? "project estimate" : t.basis, `${t.ref} ${t.confidence}`]);
  for (const p of b.rto.paths) p.terms.forEach((t) => add(p.name === b.rto.critical ? `${p.name} (critical)` : p.name, t));
  for (const p of b.alternatives ?? []) p.terms.forEach((t) => add(`${p.name}: ${p.seconds} s, not counted`, t));
  b.rpo.terms.forEach((t) => add("RPO", t));
  b.preparation.forEach((t) => add("before (no outage)", t));
  return drawTable({ title: `${b.label} (${b.scope}): RTO ${b.rto.seconds} s on the ${b.rto.critical} path, RPO ${b.rpo.seconds} s${b.rpo.bounded ? "" : " (typical, not bounded)"}`, head: ["path", "term", "s", "basis", "source"], rows }, width);
}

/** Every term's full citation and the settings it came from (`--verbose`). */
function termEvidence(b: DisruptionBudget, width: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of [...b.rto.paths.flatMap((p) => p.terms), ...b.rpo.terms, ...b.preparation]) {
    const text = `${t.label}: ${t.source}${t.settings?.length ? `; from ${t.settings.join(", ")}` : ""}`;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(...wrap(text, width, "  - ", "    "));
  }
  return out;
}

function sourcesFooter(width: number, verbose: boolean): string[] {
  return [
    ...wrap(`source: a section of ${SOURCES_DOC} (e.g. ${sourceLink("aurora-global-dr")})${verbose ? "" : "; --verbose or --format markdown print each full citation and the setting behind each term"}.`, width),
    ...wrap(CONFIDENCE_LEGEND, width),
  ];
}

function budgetLines(s: ObjectiveSection, budgets: DisruptionBudget[], opts: TextOptions): string[] {
  const width = widthOf(opts);
  const out = wrap(`${s.title}${s.objectivesMet ? "" : " (objective missed)"}`, width);
  out.push(drawTable({
    head: ["disruption", "RTO", "RTO objective", "RPO", "RPO objective", "met", "critical path"],
    rows: budgets.map((b) => [b.label, `${b.rto.seconds} s`, `${b.objective.rtoSeconds} s`, `${b.rpo.seconds} s`, `${b.objective.rpoSeconds} s`, !b.rtoMet || b.rpoStatus === "missed" ? "NO" : b.rpoStatus === "typical" ? "RPO typical" : "yes", b.rto.critical]),
  }, width));
  for (const b of budgets) {
    out.push("", termTable(b, width));
    if (opts.verbose) out.push(...termEvidence(b, width));
    b.caveats.forEach((c) => out.push(...wrap(`note: ${c}`, width, "  ", "    ")));
  }
  out.push(...sourcesFooter(width, !!opts.verbose));
  return out;
}

const pct = (a: number) => `${(a * 100).toFixed(4)} %`;

function availabilityLines(s: ObjectiveSection, a: AvailabilityEstimate, opts: TextOptions): string[] {
  const width = widthOf(opts);
  const ref = (sla: keyof typeof SLAS) => SLAS[sla].ref;
  const rows = [
    [a.entry.name, pct(a.entry.availability), `${a.entry.source} (${ref(a.entry.sla)})`],
    ["one region's data path", pct(a.regionDataPath.availability), a.regionDataPath.factors.map((f) => `${f.name} ${pct(f.availability)} (${ref(f.sla)})`).join(" x ")],
    ["reads (regions in parallel)", pct(a.reads), "1 - (1 - region)^regions"],
    ...a.writeFactors.map((f) => [`writes: ${f.name}`, pct(f.availability), f.how]),
    ["writes (the factors above in series)", pct(a.writes), `region events: ${a.writeEventTerm.eventsPerYear}/yr x ${a.writeEventTerm.rtoSeconds} s = ${a.writeEventTerm.minutesPerYear.toFixed(1)} min/yr (aws-post-event-summaries)`],
    ["estimate: entry x writes", pct(a.estimate), `objective ${a.objectivePercent} %`],
  ];
  const out = wrap(`${s.title}${s.objectivesMet ? "" : " (objective missed)"}`, width);
  out.push(drawTable({ title: "Composite availability (published SLAs, independence assumed)", head: ["term", "availability", "how"], rows }, width));
  if (opts.verbose) out.push(...wrapAll(a.notes.map((n) => `note: ${n}`), width, "  ", "    "));
  out.push(...wrap(`Names in parentheses (e.g. ${ref("elb")}) are sections of ${SOURCES_DOC}.${opts.verbose ? "" : " --verbose adds the model's notes."}`, width));
  return out;
}

function sectionLines(s: ObjectiveSection, opts: TextOptions): string[] {
  if (isBudgets(s.data)) return budgetLines(s, s.data, opts);
  if (isAvailability(s.data)) return availabilityLines(s, s.data, opts);
  const width = widthOf(opts);
  return [
    ...wrap(`${s.title}${s.objectivesMet ? "" : " (objective missed)"}`, width),
    ...s.tables.map((t) => drawTable(t, width)),
    ...wrapAll((s.notes ?? []).map((n) => `note: ${n}`), width, "  ", "    "),
  ];
}

/**
 * The default face: the summary and what to do, in about one screen. What a failing stack needs to
 * act on (every reason past the summary's top five, the single points of failure, tiers that never
 * serve) follows; every other table waits for `--verbose`.
 */
function shortText(report: AnalysisReport, opts: TextOptions): string {
  const width = widthOf(opts);
  const fa = report.failureDomains;
  const out: string[] = [...summaryLines(report, opts)];
  if (fa.singlePointsOfFailure.length > 0) out.push("", drawTable(spofTable(fa), width));
  if (fa.steadyStateGaps.length > 0) {
    out.push("", ...wrap("Tiers that do not serve even with nothing lost:", width));
    fa.steadyStateGaps.forEach((g) => out.push(...wrap(`- ${TIER_LABELS[g.tier]}${g.region ? ` in ${g.region}` : ""}${g.notes.length ? `: ${g.notes.join("; ")}` : ""}`, width, "  ", "    ")));
  }
  const v = report.verdict;
  if (v.reasons.length > 5) {
    out.push("", `Every problem (${v.reasons.length}):`);
    v.reasons.forEach((r) => out.push(...wrap(`- ${r}`, width, "  ", "    ")));
  }
  return `${out.join("\n")}\n`;
}

export function renderText(report: AnalysisReport, opts: TextOptions = {}): string {
  if (!opts.verbose) return shortText(report, opts);
  const width = widthOf(opts);
  const fa = report.failureDomains;
  const note = (n: string) => wrap(n, width, "  ", "    ");
  const out: string[] = [...summaryLines(report, opts)];
  if (fa.absentTiers.length > 0) out.push("", ...wrap(`Not in this graph: ${fa.absentTiers.map((t) => TIER_LABELS[t]).join(", ")}`, width));
  out.push("", drawTable(steadyTable(fa), width));
  const anyTier = fa.absentTiers.length < ANALYSIS_TIERS.length;
  out.push(...steadyNotes(fa).flatMap((n) => note(`note: ${n}`)));

  const dp = dataPathTable(fa);
  if (dp.rows.length > 0) {
    out.push("", drawTable(dp, width));
    out.push(...dataPathNotes(fa).flatMap(note));
  }

  if (anyTier) {
    out.push("", ...wrap(`Each cell: overall status, then the share of steady-state capacity left per region (${fa.regions.join(" / ")}).`, width));
    out.push(...wrap("\"promote R\": writes stop until region R is promoted (a recovery; its time is in the RTO budget). ✗ marks a single point of failure.", width));
  }
  for (const kind of ["az", "region"] as const) {
    const t = matrixTable(fa, kind);
    if (anyTier && t.rows.length > 0) out.push("", drawTable(t, width));
  }
  if (fa.domains.some((d) => d.domain.kind === "resource")) {
    const rt = resourceTable(fa);
    // "name (type)" on two lines: the column stays as narrow as the longest name.
    const rows = rt.rows.map(([lost, ...cells]) => [lost.replace(/ (\([\w.]+\))$/gm, "\n$1"), ...cells]);
    out.push("", rt.rows.length > 0 ? drawTable({ ...rt, rows }, width) : "Loss of one resource: no single resource changes what serves.");
    out.push(...wrap(`${rt.unchanged} more resources change nothing when lost; ${fa.unconsultedResources} are not on any tier's path; ${fa.excludedResources.length} are global service configuration (not failure units).`, width));
  }

  out.push("");
  if (fa.singlePointsOfFailure.length === 0) out.push("Single points of failure: none.");
  else out.push(drawTable(spofTable(fa), width));
  if (fa.steadyStateGaps.length > 0) {
    out.push("", ...wrap("Tiers that do not serve even with nothing lost:", width));
    fa.steadyStateGaps.forEach((g) => out.push(...wrap(`- ${TIER_LABELS[g.tier]}${g.region ? ` in ${g.region}` : ""}${g.notes.length ? `: ${g.notes.join("; ")}` : ""}`, width, "  ", "    ")));
  }

  for (const s of objectiveSections(report)) out.push("", ...sectionLines(s, opts));

  const v = report.verdict;
  out.push("");
  if (v.status === "cannot-tell") out.push("Verdict: CANNOT TELL (some wiring is not visible)");
  else if (v.ok) out.push("Verdict: OK");
  else {
    out.push("Verdict: FAIL (exit 1)");
    v.reasons.forEach((r) => out.push(...wrap(`- ${r}`, width, "  ", "    ")));
  }
  v.warnings.forEach((w) => out.push(...wrap(`warning: ${w}`, width, "  ", "    ")));
  return `${out.join("\n")}\n`;
}

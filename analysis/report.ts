import type { FailureAnalysis } from "./failureDomains";
import { TIER_LABELS } from "./tiers/types";
import type { TopologyView } from "./topologyView";

/**
 * The `analyze` report: one model that the text, JSON and Markdown renderers all read. The failure
 * domains are computed here; the RTO/RPO budget and the composite availability are contributed by
 * their own modules as `ObjectiveSection`s, rendered by the same table and diagram code, and a
 * section that misses an objective fails the verdict like a single point of failure does.
 */

/** A table any section can hand the renderers (cli-table3 in text, a pipe table in Markdown). */
export interface ReportTable {
  readonly title?: string;
  readonly head: string[];
  readonly rows: string[][];
}

/**
 * What a contributed analysis (`budget`, `availability`) gives the report. `data` is its own model,
 * printed as is by `--format json`; `tables`, `mermaid` and `notes` are how text and Markdown show it.
 */
export interface ObjectiveSection<D = unknown> {
  readonly title: string;
  /** False when an estimate misses the stack's objective: `analyze` then exits 1. */
  readonly objectivesMet: boolean;
  /** One line per missed objective, naming the term that causes it (goes into the verdict). */
  readonly misses: string[];
  /** Not proven either way (a typical value with no bound): a warning, a failure under `--strict`. */
  readonly warnings?: string[];
  readonly data: D;
  readonly tables: ReportTable[];
  /** Mermaid diagram bodies (without the fence), shown in Markdown only. */
  readonly mermaid?: string[];
  readonly notes?: string[];
}

export interface ReportSource {
  readonly kind: "stack" | "state";
  /** Stack name or file path. */
  readonly name: string;
}

export interface Verdict {
  readonly ok: boolean;
  /**
   * `ok`: nothing found and nothing hidden; `cannot-tell`: nothing found, but some wiring is not
   * visible (exit 0 with warnings, 1 under `--strict`); `fail`: problems found.
   */
  readonly status: "ok" | "cannot-tell" | "fail";
  readonly strict: boolean;
  readonly exitCode: 0 | 1;
  readonly reasons: string[];
  /** Worth reading but not failing on: tiers this graph does not contain. */
  readonly warnings: string[];
}

export interface AnalysisReport {
  readonly version: 1;
  readonly source: ReportSource;
  readonly topology: TopologyView;
  readonly failureDomains: FailureAnalysis;
  /** RTO/RPO budget per disruption (AZ loss, region loss, planned switchover) against the objectives. */
  readonly budget?: ObjectiveSection;
  /** Composite availability estimate against the availability objective. */
  readonly availability?: ObjectiveSection;
  readonly verdict: Verdict;
}

export interface ReportInput {
  /** Wiring the graph cannot show fails the verdict too (a CI gate). */
  readonly strict?: boolean;
  readonly source: ReportSource;
  readonly topology: TopologyView;
  readonly failureDomains: FailureAnalysis;
  readonly budget?: ObjectiveSection;
  readonly availability?: ObjectiveSection;
}

export function verdictOf(input: ReportInput): Verdict {
  const fd = input.failureDomains;
  const unknowns = fd.dataPath.unknowns ?? [];
  const strict = !!input.strict;
  const reasons = [
    ...(fd.regions.length === 0 ? ["no AWS region found in this graph (no provider or resource names one): no AZ or region loss can be tried, so nothing here is shown to survive anything"] : []),
    ...fd.singlePointsOfFailure.map((s) => `single point of failure: ${s.reason}`),
    ...fd.dataPath.findings,
    ...(fd.configuration ?? []),
    ...fd.steadyStateGaps.map((g) => `${TIER_LABELS[g.tier]} does not serve${g.region ? ` in ${g.region}` : ""} even with nothing lost${g.notes.length ? ` (${g.notes.join("; ")})` : ""}`),
    ...[input.budget, input.availability].flatMap((s) => (s && !s.objectivesMet ? (s.misses.length ? s.misses : [`${s.title}: objective missed`]) : [])),
  ];
  if (strict) reasons.push(...unknowns.map((u) => `${u} (--strict)`));
  const warnings = [
    ...(strict ? [] : unknowns),
    ...(fd.absentTiers.length > 0 ? [`not in this graph, so not analyzed: ${fd.absentTiers.map((t) => TIER_LABELS[t]).join(", ")}`] : []),
    ...[input.budget, input.availability].flatMap((s) => s?.warnings ?? []),
  ];
  const status = reasons.length > 0 ? "fail" : unknowns.length > 0 ? "cannot-tell" : "ok";
  return { ok: status === "ok", status, strict, exitCode: reasons.length === 0 ? 0 : 1, reasons, warnings };
}

export function buildReport(input: ReportInput): AnalysisReport {
  return {
    version: 1,
    source: input.source,
    topology: input.topology,
    failureDomains: input.failureDomains,
    ...(input.budget ? { budget: input.budget } : {}),
    ...(input.availability ? { availability: input.availability } : {}),
    verdict: verdictOf(input),
  };
}

/** The contributed sections, in display order. */
export function objectiveSections(report: AnalysisReport): ObjectiveSection[] {
  return [report.budget, report.availability].filter((s): s is ObjectiveSection => !!s);
}

export function renderJson(report: AnalysisReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

import * as fs from "node:fs";
import * as path from "node:path";
import type { BudgetTerm } from "../analysis/budget";
import { CONFIDENCE_LEGEND } from "../analysis/constants";
import { SOURCES_DOC } from "../analysis/sources";
import { drawTable, shellCommand, widthOf, wrap, type TextOptions } from "../text/layout";
import { MOCK_ACCOUNT } from "../plan/computed";
import { statusLabel, type StepRecord } from "./engine";
import type { DrillPlan } from "./plan";
import type { DrillReport } from "./report";

/** JSON, Markdown (with a Mermaid gantt of the steps) and plain-text renderings of a drill report. */

export function reportToJson(report: DrillReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const secs = (n: number | undefined) => (n === undefined ? "n/a" : `${Math.round(n * 10) / 10} s`);
const verdict = (met: boolean | undefined) => (met === undefined ? "not measured" : met ? "met" : "MISSED");

/** Mermaid task names may not hold `:` `;` `#`. */
function ganttName(s: string): string {
  return s.replace(/[:;#]/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * A moment of the drill as an explicit date: seconds since the start, counted from a fixed day.
 * Current Mermaid (11) draws every bar from 0 when starts are given as `dateFormat X` numbers;
 * explicit dates place each bar where its step started (checked in headless Chromium with
 * scripts/render-mermaid.mjs).
 */
export function ganttTime(seconds: number): string {
  return new Date(Date.UTC(2000, 0, 1) + Math.max(0, Math.round(seconds)) * 1000).toISOString().slice(0, 19).replace("T", " ");
}

function ganttLine(r: StepRecord): string {
  const start = Math.round(r.startSeconds);
  const end = Math.round(r.endSeconds);
  const name = ganttName(`${r.title}${r.status === "skipped" ? " (already done)" : r.status === "failed" ? " (FAILED)" : r.incomplete ? " (INCOMPLETE)" : ""}`);
  const id = r.id.replace(/[^A-Za-z0-9]/g, "_");
  if (r.status === "skipped" || end <= start) return `    ${name} :milestone, ${id}, ${ganttTime(start)}, 0s`;
  const tag = r.status === "failed" || r.incomplete ? "crit, " : r.opensOutage || r.closesOutage ? "active, " : "done, ";
  return `    ${name} :${tag}${id}, ${ganttTime(start)}, ${ganttTime(end)}`;
}

export function mermaidGantt(report: DrillReport): string {
  const ran = report.steps.filter((s) => s.status !== "not-run");
  return [
    "```mermaid",
    "gantt",
    `    title ${ganttName(report.title)}`,
    // Explicit times from a fixed day (see ganttTime), shown as h:mm:ss since the drill started.
    "    dateFormat YYYY-MM-DD HH:mm:ss",
    "    axisFormat %H:%M:%S",
    "    section Drill",
    ...ran.map(ganttLine),
    "```",
  ].join("\n");
}

function termRows(terms: readonly BudgetTerm[]): string[] {
  return terms.map((t) => `| ${t.label} | ${t.seconds} s | ${t.basis} | ${t.source} (${t.ref})${t.settings?.length ? `; settings: ${t.settings.join(", ")}` : ""} |`);
}

/** `notice`: what the identifiers are (see identifierNotice), as a quote under the title. */
export function reportToMarkdown(report: DrillReport, notice: readonly string[] = []): string {
  const lines: string[] = [
    `# ${report.title}`,
    "",
    `Stack \`${report.stack}\`, ${report.simulated ? "**simulated** (virtual clock, no AWS calls)" : "executed against AWS"}, started ${report.startedAt}. Outcome: **${report.outcome}**.`,
    "",
    ...notice.flatMap((n) => [`> ${n}`, ""]),
    "| | drill | service (drill + modelled) | budget | objective | result |",
    "|---|---|---|---|---|---|",
    `| RTO | ${secs(report.rto.measuredSeconds)} | ${secs(report.rto.serviceSeconds)} | ${report.rto.budgetSeconds} s | ${report.rto.objectiveSeconds} s | ${verdict(report.rto.met)} |`,
    `| RPO | ${secs(report.rpo.measuredSeconds)} | ${secs(report.rpo.measuredSeconds)} | ${report.rpo.budgetSeconds} s | ${report.rpo.objectiveSeconds} s | ${verdict(report.rpo.met)} |`,
    "",
    `RPO basis: ${report.rpo.basis}. RPO bound: ${report.rpo.boundDuringDrill.text}; ${report.rpo.boundAfterDrill.text}.`,
    "",
    `**${report.summary}**`,
    "",
    ...finalStateLines(report).map((l) => `- ${l}`),
  ];
  if (report.rto.modelledTerms.length > 0) {
    lines.push("", `Modelled terms a drill cannot observe (added to the drill time): ${report.rto.modelledTerms.map((t) => `${t.label} ${t.seconds} s`).join(", ")}.`);
  }
  lines.push("", "## Timeline", "", mermaidGantt(report), "", "| step | status | start | duration | notes |", "|---|---|---|---|---|");
  for (const s of report.steps) {
    const notes = [...(s.incomplete ? [`INCOMPLETE: ${s.incomplete}`] : []), ...s.notes, ...s.warnings.map((w) => `warning: ${w}`)].join("<br>").replace(/\|/g, "\\|");
    lines.push(`| ${s.title} | ${statusLabel(s)} | ${s.status === "not-run" ? "" : secs(s.startSeconds)} | ${s.status === "not-run" ? "" : secs(s.endSeconds - s.startSeconds)} | ${notes} |`);
  }
  if (report.compensations.length > 0) {
    lines.push("", "## Compensation", "", ...report.compensations.map((c) => `- \`${c.step}\` ${c.status}: ${c.detail}`));
  }
  if (report.nextCommands.length > 0) lines.push("", "## Next commands", "", "```sh", ...report.nextCommands, "```");
  if (report.failure) {
    lines.push(
      "",
      "## Failure",
      "",
      `Step \`${report.failure.step}\` stopped: ${report.failure.error}`,
      "",
      "Observed state:",
      "",
      "```",
      report.failure.observed ?? "(none recorded)",
      "```",
    );
  }
  lines.push("", `## Budget: ${report.budget.label} (${report.budget.scope})`, "");
  for (const p of report.budget.rto.paths) {
    lines.push(`### ${p.name}: ${p.seconds} s${p.name === report.budget.rto.critical ? " (critical path)" : ""}`, "", "| term | seconds | basis | source |", "|---|---|---|---|", ...termRows(p.terms), "");
  }
  lines.push(`### RPO: ${report.budget.rpo.seconds} s${report.budget.rpo.bounded ? "" : " (typical, not bounded)"}`, "", "| term | seconds | basis | source |", "|---|---|---|---|", ...termRows(report.budget.rpo.terms));
  lines.push("", `Sources: the name in parentheses is a section of ${SOURCES_DOC} in the ha-blueprint repository. ${CONFIDENCE_LEGEND}`);
  if (report.controlPlaneDependencies.length > 0) lines.push("", "## Control-plane dependencies", "", ...report.controlPlaneDependencies.map((d) => `- ${d}`));
  if (report.warnings.length > 0) lines.push("", "## Warnings", "", ...report.warnings.map((w) => `- ${w}`));
  return `${lines.join("\n")}\n`;
}

export interface DrillTextOptions extends TextOptions {
  /** Lines printed right after the summary (e.g. that the run was simulated on mock identifiers). */
  readonly notice?: readonly string[];
}

export function reportToText(report: DrillReport, opts: DrillTextOptions = {}): string {
  const width = widthOf(opts);
  const rows = report.steps.map((s) => [s.title, statusLabel(s), s.status === "not-run" ? "" : secs(s.startSeconds), s.status === "not-run" ? "" : secs(s.endSeconds - s.startSeconds)]);
  const lines: string[] = [];
  const say = (text: string, first = "", rest = `${first}  `) => lines.push(...wrap(text, width, first, rest));
  say(`${report.title} (stack ${report.stack}${report.simulated ? ", simulated" : ""}): ${report.outcome}`);
  say(report.summary);
  (opts.notice ?? []).forEach((n) => say(n, "", ""));
  lines.push(drawTable(["step", "status", "start", "duration"], rows, width));
  for (const s of report.steps) if (s.status === "done" && s.incomplete) say(`${s.title}: INCOMPLETE: ${s.incomplete}`);
  say(`RTO: drill ${secs(report.rto.measuredSeconds)}, service ${secs(report.rto.serviceSeconds)} (budget ${report.rto.budgetSeconds} s, objective ${report.rto.objectiveSeconds} s): ${verdict(report.rto.met)}`);
  say(`RPO: ${secs(report.rpo.measuredSeconds)} (budget ${report.rpo.budgetSeconds} s, objective ${report.rpo.objectiveSeconds} s): ${verdict(report.rpo.met)}`);
  if (report.kind === "region") say(`RPO bound: ${report.rpo.boundAfterDrill.text}`);
  lines.push("Final state:");
  finalStateLines(report).forEach((l) => say(l, "  ", "    "));
  if (report.writerEndpoint) say(`Global writer endpoint: ${report.writerEndpoint}`);
  if (report.failure) {
    say(`FAILED at ${report.failure.step}: ${report.failure.error}`);
    say(`Observed: ${report.failure.observed ?? "(none)"}`);
  }
  for (const c of report.compensations) say(`compensation ${c.step} ${c.status}: ${c.detail}`);
  if (report.nextCommands.length > 0) lines.push("Next commands:", ...report.nextCommands.flatMap((c) => shellCommand(c, width)));
  for (const w of report.warnings) say(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

/**
 * What the identifiers in a plan-only or simulated drill are. `mocks`: they come from the offline
 * plan (Pulumi mock runtime, account 123456789012), so none of them names a real resource.
 */
export function identifierNotice(o: { readonly simulated: boolean; readonly mocks: boolean }): string[] {
  const mocks = `Not real resources: the identifiers (ARNs, account ${MOCK_ACCOUNT}, endpoints, zone, group and change ids) come from the offline plan's Pulumi mocks. --execute reads the deployed stack's topology instead.`;
  if (o.simulated) return [`Simulated: no AWS call was made; the timeline is the cloud model on a virtual clock with the documented timings.${o.mocks ? "" : " The identifiers come from the topology given."}`, ...(o.mocks ? [mocks] : [])];
  return o.mocks ? [`Plan only: nothing runs. ${mocks}`] : [];
}

/** True when the plan's identifiers come from the offline plan's mocks. */
export function hasMockIdentifiers(plan: DrillPlan): boolean {
  return JSON.stringify(plan.targets).includes(MOCK_ACCOUNT);
}

/** The final state as short lines: roles, dials, record, fences, then problems and notes. */
export function finalStateLines(report: DrillReport): string[] {
  const f = report.finalState;
  const lines = [`database writer: ${f.writer.database ?? "unknown"}${f.databaseOperation ? ` (${f.databaseOperation})` : ""}; session store primary: ${f.writer.sessions ?? "unknown"}`];
  const dials = Object.entries(f.dials);
  if (dials.length > 0) lines.push(`traffic dials: ${dials.map(([r, d]) => `${r} ${d === null ? "unknown" : `${d}%`}`).join(", ")}`);
  if (f.sessionRecord !== undefined) lines.push(`session-writer record: ${f.sessionRecord ?? "unknown"}`);
  const fenced = Object.entries(f.fenced);
  if (fenced.length > 0) lines.push(`fenced: ${fenced.map(([r, g]) => `${r} (${g.join(", ")})`).join("; ")}`);
  for (const p of f.problems) lines.push(`PROBLEM: ${p}`);
  for (const n of f.notes) lines.push(`note: ${n}`);
  return lines;
}

/** Writes the report, choosing the format by extension (.json or .md). */
export function writeReport(file: string, report: DrillReport, notice: readonly string[] = []): void {
  const ext = path.extname(file).toLowerCase();
  const text = ext === ".json" ? reportToJson(report) : ext === ".md" || ext === ".markdown" ? reportToMarkdown(report, notice) : undefined;
  if (text === undefined) throw new Error(`--report ${file}: use a .json or .md file name`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

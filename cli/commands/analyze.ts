import { analyzeFailureDomains, type FailureAnalysisOptions } from "../../analysis/failureDomains";
import { renderMarkdown } from "../../analysis/render/markdown";
import { renderText, type TextOptions } from "../../analysis/render/text";
import { buildReport, renderJson, type AnalysisReport, type ReportInput, type ReportSource } from "../../analysis/report";
import { buildTopologyView } from "../../analysis/topologyView";
import type { Topology } from "../../components/topology";
import { loadStack } from "../../config/load";
import type { StackConfig } from "../../config/parse";
import { plain, ResourceGraph } from "../../graph/model";
import { CliError } from "../errors";
import { loadState, stateSourceName } from "../stateInput";
import { slowStatus, terminalWidth } from "../../text/terminal";
import { objectiveSections } from "../../analysis/objectives";
import { TopologyError } from "../../drills/topology";

export const ANALYZE_FORMATS = ["text", "json", "markdown"] as const;
export type AnalyzeFormat = (typeof ANALYZE_FORMATS)[number];

export interface AnalyzeCommandOptions {
  readonly stack?: string;
  readonly state?: string;
  readonly format: string;
  /** Directory holding the stack files. @default "stacks/" of this package */
  readonly stacksDir?: string;
  /** Analyze the state of another stack than `--stack` with `--stack`'s config (warns). */
  readonly allowStackMismatch?: boolean;
  /** Text: full citations, settings and model notes. */
  readonly verbose?: boolean;
  /** Wiring the graph cannot show fails the verdict (exit 1) instead of warning. */
  readonly strict?: boolean;
}

/** What the analyses read: the graph, and the stack config or the topology output when known. */
export interface AnalyzeInput {
  readonly source: ReportSource;
  readonly graph: ResourceGraph;
  /** The validated stack config (with `--stack`). */
  readonly config?: StackConfig;
  /** The stack's `topology` output, when the state holds it (with `--state` on a real export). */
  readonly topology?: Topology;
}

/** The `topology` output of the root stack resource, if the export carries it in plaintext. */
function topologyOutput(graph: ResourceGraph): Topology | undefined {
  const root = graph.nodes.find((n) => n.type === "pulumi:pulumi:Stack");
  const t = root ? plain(root.outputs.topology) : undefined;
  return t && typeof t === "object" && Array.isArray((t as Topology).regions) ? (t as Topology) : undefined;
}

/** The one region every ARN in the graph names, if they all name the same one. */
function soleArnRegion(graph: ResourceGraph): string | undefined {
  const regions = new Set<string>();
  for (const n of graph.managed()) {
    const arn = plain(n.outputs.arn ?? n.inputs.arn);
    const region = typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[3] : undefined;
    if (region) regions.add(region);
  }
  return regions.size === 1 ? [...regions][0] : undefined;
}

export async function loadAnalyzeInput(opts: Pick<AnalyzeCommandOptions, "stack" | "state" | "stacksDir" | "allowStackMismatch">): Promise<AnalyzeInput> {
  if (!opts.stack && !opts.state) throw new CliError("give --stack <name>, --state <file>, or both (the stack then only supplies the config)");
  if (opts.stack && !opts.state) {
    // Loaded only here: planning pulls in the Pulumi SDKs, which analyzing a state file never needs.
    const { planForStack } = await import("./plan");
    const result = await planForStack(opts.stack, opts.stacksDir);
    const graph = new ResourceGraph(result.export.deployment.resources, result.defaultRegion);
    return { source: { kind: "stack", name: opts.stack }, graph, config: result.stack.config };
  }
  const loaded = await loadState(opts.state!, { stack: opts.stack, allowStackMismatch: opts.allowStackMismatch });
  const config = opts.stack ? loadStack(opts.stack, opts.stacksDir).config : undefined;
  let graph = ResourceGraph.from(loaded, config?.writerRegion);
  // A provider configured from the environment records no region: when every ARN in the graph names
  // the same one, resources without an ARN of their own (routes, ECS services) are in it too.
  const inferred = config ? undefined : soleArnRegion(graph);
  if (inferred) graph = ResourceGraph.from(loaded, inferred);
  return { source: { kind: "state", name: stateSourceName(opts.state!) }, graph, topology: topologyOutput(graph), ...(config ? { config } : {}) };
}

export function failureOptions(input: AnalyzeInput): FailureAnalysisOptions {
  const c = input.config;
  if (c) {
    return {
      writerRegion: c.writerRegion,
      regions: c.regions.map((r) => r.name),
      capacity: { mode: c.app.failoverHeadroom.capacity, sharePercent: c.app.failoverHeadroom.sharePercent },
    };
  }
  const t = input.topology;
  return t ? { writerRegion: t.writerRegion, regions: t.regions.map((r) => r.name) } : {};
}

/**
 * The sections other analyses contribute (RTO/RPO budget, composite availability). They plug in
 * here, from the same input, when those modules are merged; until then the report has none.
 */
function objectiveSectionsFor(input: AnalyzeInput): Pick<ReportInput, "budget" | "availability"> {
  const topology = input.topology ?? topologyOutput(input.graph);
  try {
    return objectiveSections(topology, input.config, input.source.name, input.graph);
  } catch (err) {
    if (err instanceof TopologyError) throw new CliError(err.message);
    throw err;
  }
}

export function analyzeInput(input: AnalyzeInput, opts: { strict?: boolean } = {}): AnalysisReport {
  const options = failureOptions(input);
  return buildReport({
    strict: !!opts.strict,
    source: input.source,
    topology: buildTopologyView(input.graph, options),
    failureDomains: analyzeFailureDomains(input.graph, options),
    ...objectiveSectionsFor(input),
  });
}

export function renderReport(report: AnalysisReport, format: AnalyzeFormat, text: TextOptions = {}): string {
  return format === "json" ? renderJson(report) : format === "markdown" ? renderMarkdown(report) : renderText(report, text);
}

/** Runs the analysis and returns what to print and the exit code (0 clean, 1 SPOF or missed objective). */
export async function runAnalyze(opts: AnalyzeCommandOptions): Promise<{ output: string; exitCode: 0 | 1; report: AnalysisReport }> {
  if (!ANALYZE_FORMATS.includes(opts.format as AnalyzeFormat)) {
    throw new CliError(`--format must be one of ${ANALYZE_FORMATS.join(", ")}, not "${opts.format}"`);
  }
  // A progress line on a terminal's stderr when this takes over a second (planning prod: 3-5 s).
  const status = slowStatus(process.stderr, "analyze");
  let report: AnalysisReport;
  try {
    status.stage(opts.stack && !opts.state ? `planning stack ${opts.stack} offline` : "reading the state");
    const input = await loadAnalyzeInput(opts);
    status.stage(`losing each of ${input.graph.managed().length} resources, AZs and regions in turn`);
    report = analyzeInput(input, { strict: !!opts.strict });
  } finally {
    status.done();
  }
  return { output: renderReport(report, opts.format as AnalyzeFormat, { width: terminalWidth(process.stdout), verbose: !!opts.verbose }), exitCode: report.verdict.exitCode, report };
}

/** `ha-blueprint analyze`: prints the report and returns the exit code. */
export async function analyzeCommand(opts: AnalyzeCommandOptions): Promise<number> {
  const { output, exitCode } = await runAnalyze(opts);
  // The entry point exits the process: wait until a large report has reached the pipe.
  await new Promise<void>((resolve, reject) => process.stdout.write(output, (err) => (err ? reject(err) : resolve())));
  return exitCode;
}

import * as path from "node:path";
import type { Command } from "commander";
import { planForStack } from "./plan";
import { SdkDrillAws } from "../../drills/sdkAws";
import { AutomationStackConfig } from "../../drills/stackConfig";
import { ConfigError, type StackConfig } from "../../config/parse";
import { loadStack } from "../../config/load";
import { realClock, type Clock, type DrillAws, type StackConfigStore } from "../../drills/aws";
import { buildPlan, type DrillOptions, type DrillPlan } from "../../drills/plan";
import { progressReporter } from "../../drills/progress";
import { reportExitCode, type DrillReport } from "../../drills/report";
import { reportToJson, reportToText, writeReport } from "../../drills/reportFormat";
import { describePlan, executeDrill, simulateDrill } from "../../drills/run";
import { buildSteps } from "../../drills/steps";
import { extractTopology, readTopologyFile, TopologyError, type DrillTopology } from "../../drills/topology";
import { CliError } from "../errors";

/**
 * `ha-blueprint drill`: print the plan (default), `--simulate` it on the budget model, or
 * `--execute --yes` it against AWS. User mistakes throw CliError (exit 2); a failed drill or a
 * missed objective throws CliError with exit 1 after the report is out.
 */

export interface DrillDeps {
  readonly makeAws?: () => DrillAws;
  readonly makeConfigStore?: (o: { stackName: string; workDir: string }) => StackConfigStore;
  /** The deployed stack's topology output (execute with --stack). */
  readonly deployedTopology?: (o: { stackName: string; workDir: string }) => Promise<unknown>;
  readonly clock?: Clock;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly stderrIsTTY?: boolean;
}

interface RawOptions {
  stack?: string;
  topology?: string;
  to?: string;
  mode?: string;
  simulate?: boolean;
  execute?: boolean;
  yes?: boolean;
  failback?: boolean;
  az?: string;
  keepDrained?: boolean;
  report?: string;
  format: string;
  pulumiDir?: string;
  pulumiStack?: string;
}

function validate(o: RawOptions): DrillOptions {
  if (!!o.stack === !!o.topology) throw new CliError("give exactly one of --stack <name> or --topology <file>");
  if (o.simulate && o.execute) throw new CliError("--simulate and --execute exclude each other");
  if (!["text", "json"].includes(o.format)) throw new CliError(`--format ${o.format} is not allowed (allowed: text, json)`);
  if (o.report && ![".json", ".md", ".markdown"].includes(path.extname(o.report).toLowerCase())) {
    throw new CliError(`--report ${o.report}: the file name must end in .json or .md (the extension picks the format)`);
  }
  if (o.mode !== undefined && o.mode !== "planned" && o.mode !== "unplanned") throw new CliError(`--mode ${o.mode} is not allowed (allowed: planned, unplanned)`);
  if (o.az) {
    const clash = [o.to && "--to", o.mode && "--mode", o.failback && "--failback", o.keepDrained && "--keep-drained"].filter(Boolean);
    if (clash.length > 0) throw new CliError(`--az runs the in-region AZ drill; it does not take ${clash.join(", ")}`);
    return { kind: "az", az: o.az };
  }
  if (!o.to) throw new CliError("--to <region> is required (or --az <zone> for the in-region AZ drill)");
  if (o.failback && o.mode === "unplanned") throw new CliError("--failback is always planned: the returning region must be healthy and in sync");
  if (!o.mode && !o.failback) throw new CliError("--mode planned|unplanned is required for a region drill");
  return { kind: "region", to: o.to, mode: o.mode as "planned" | "unplanned" | undefined, failback: !!o.failback, keepDrained: !!o.keepDrained };
}

async function offlineTopology(stack: string): Promise<{ topology: DrillTopology; config: StackConfig }> {
  try {
    const result = await planForStack(stack);
    return { topology: extractTopology(result.export, `offline plan of stack ${stack}`), config: loadStack(stack).config };
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

async function loadInputs(o: RawOptions, deps: DrillDeps, workDir: string): Promise<{ topology: DrillTopology; config?: StackConfig }> {
  if (o.topology) {
    const { topology, offlinePlan } = readTopologyFile(o.topology);
    if (o.execute && offlinePlan) {
      throw new CliError(`${o.topology} is an offline plan (mock identifiers); --execute needs the deployed topology: \`pulumi stack output topology --json > topology.json\` or --stack`);
    }
    return { topology };
  }
  const stack = o.stack!;
  if (o.execute) {
    const fetch = deps.deployedTopology ?? (async (x) => new AutomationStackConfig(x).deployedTopology());
    const raw = await fetch({ stackName: o.pulumiStack ?? stack, workDir });
    if (raw === undefined) throw new CliError(`stack ${stack} has no topology output: deploy it first (pulumi up)`);
    let config: StackConfig | undefined;
    try {
      config = loadStack(stack).config;
    } catch {
      config = undefined; // The deployed stack may live outside stacks/; its topology is enough.
    }
    return { topology: extractTopology(raw, `deployed stack ${stack}`), config };
  }
  return offlineTopology(stack);
}

function emit(report: DrillReport, o: RawOptions, out: (s: string) => void): void {
  out(o.format === "json" ? reportToJson(report) : reportToText(report));
  if (o.report) {
    writeReport(o.report, report);
    if (o.format !== "json") out(`report written to ${o.report}\n`);
  }
}

function planJson(plan: DrillPlan): string {
  const steps = buildSteps(plan).map((s) => ({ id: s.id, title: s.title, timeoutSeconds: s.timeoutSeconds, actions: s.describe(plan) }));
  return `${JSON.stringify({ plan: { kind: plan.kind, mode: plan.mode, failback: plan.failback, source: plan.source, target: plan.target, az: plan.az, steps, budget: plan.budget, warnings: plan.warnings } }, null, 2)}\n`;
}

export async function drillAction(o: RawOptions, deps: DrillDeps = {}): Promise<void> {
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const options = validate(o);
  const workDir = path.resolve(o.pulumiDir ?? process.cwd());
  let plan: DrillPlan;
  try {
    const inputs = await loadInputs(o, deps, workDir);
    plan = buildPlan(inputs.topology, options, { lenient: !o.execute, config: inputs.config });
  } catch (e) {
    if (e instanceof TopologyError) throw new CliError(e.message);
    throw e;
  }
  if (!o.simulate && !o.execute) {
    out(o.format === "json" ? planJson(plan) : `${describePlan(plan)}(plan only: add --simulate for the expected timeline, --execute --yes to run it)\n`);
    return;
  }
  if (o.execute && !o.yes) {
    out(describePlan(plan));
    throw new CliError("refusing to execute without --yes: review the plan above, then re-run with --execute --yes");
  }
  const tty = deps.stderrIsTTY ?? !!process.stderr.isTTY;
  let report: DrillReport;
  if (o.simulate) {
    const progress = progressReporter(err, { tty, live: false });
    report = (await simulateDrill(plan, { onEvent: progress.onEvent })).report;
  } else {
    if (o.format !== "json") out(describePlan(plan));
    const stackName = o.pulumiStack ?? o.stack ?? plan.stack;
    const aws = deps.makeAws ? deps.makeAws() : new SdkDrillAws();
    const config = deps.makeConfigStore
      ? deps.makeConfigStore({ stackName, workDir })
      : new AutomationStackConfig({ stackName, workDir });
    const progress = progressReporter(err, { tty, live: true });
    try {
      report = await executeDrill(plan, { aws, clock: deps.clock ?? realClock, config, onEvent: progress.onEvent });
    } finally {
      progress.stop();
    }
  }
  emit(report, o, out);
  const code = reportExitCode(report);
  if (code !== 0) {
    const why = report.failure ? `drill stopped at ${report.failure.step}: ${report.failure.error}` : "the drill missed an objective (see RTO/RPO above)";
    throw new CliError(why, code);
  }
}

export function registerDrill(program: Command, deps: DrillDeps = {}): void {
  program
    .command("drill")
    .description("plan, simulate (--simulate) or run (--execute --yes) a region switchover/failover, its failback, or an in-region AZ drill")
    .option("--stack <name>", "stack under stacks/ (offline plan for planning and simulation; deployed outputs with --execute)")
    .option("--topology <file>", "topology JSON: `pulumi stack output topology --json`, or a plan file from `ha-blueprint plan --out`")
    .option("--to <region>", "region that becomes the writer")
    .option("--mode <mode>", "planned (switchover, RPO 0) or unplanned (failover, allows data loss)")
    .option("--failback", "return the writer to --to after a drill or a real failover (always planned)")
    .option("--az <zone>", "in-region AZ drill: move the Aurora writer and cache primary out of this AZ")
    .option("--keep-drained", "planned drills: leave the old writer region's traffic dial at 0")
    .option("--simulate", "run the steps against the simulator (virtual clock, budget timings)")
    .option("--execute", "run the steps against AWS (needs --yes)")
    .option("--yes", "confirm --execute")
    .option("--report <file>", "also write the report; .json or .md picks the format")
    .option("--format <format>", "stdout format: text or json", "text")
    .option("--pulumi-dir <dir>", "Pulumi project directory for the Automation API (default: current directory)")
    .option("--pulumi-stack <name>", "Pulumi stack name if it differs from --stack or the topology's stack")
    .action(async (opts: RawOptions) => drillAction(opts, deps));
}

import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, type StackConfig } from "../../config/parse";
import { loadStack } from "../../config/load";
import { realClock, VirtualClock, type ArcApi, type Clock, type DrillAws, type StackConfigStore } from "../../drills/aws";
import { arcRegionDrill, arcReportToText, automaticDetectionSeconds, SIMULATED_LAG_SECONDS } from "../../drills/arc/regionDrill";
import { readLiveState } from "../../drills/live";
import { buildPlan, type DrillOptions, type DrillPlan } from "../../drills/plan";
import { progressReporter } from "../../drills/progress";
import { reportExitCode, type DrillReport } from "../../drills/report";
import { hasMockIdentifiers, identifierNotice, reportToJson, reportToText, writeReport } from "../../drills/reportFormat";
import { describePlan, executeDrill, simulateDrill, stepIds } from "../../drills/run";
import { FAULT_KINDS, type FaultKind, type InjectedFault } from "../../drills/simulator";
import { AutomationStackConfig, explainAutomationError } from "../../drills/stackConfig";
import { buildSteps } from "../../drills/steps";
import { drillTargets, extractTopology, readTopologyFile, TopologyError, type DrillTopology } from "../../drills/topology";
import { flattenItems } from "../../drills/engine";
import { CliError } from "../errors";
import { refuseOverwritingInput } from "../outputPaths";
import { definitionList, wrap } from "../../text/layout";
import type { WritesProbeTarget } from "../../drills/writesHealth";
import { terminalWidth } from "../../text/terminal";

/**
 * `ha-blueprint drill`: print the plan (default), `--simulate` it on the cloud model, or
 * `--execute --yes` it against AWS. User mistakes throw CliError (exit 2) before anything is read
 * from AWS; a drill that does not succeed, or misses an objective, exits 1 after the report is out.
 */

export interface DrillDeps {
  readonly makeAws?: () => DrillAws;
  /** ARC Region switch / zonal shift (default: the signed client of drills/arc/client.ts). */
  readonly makeArc?: () => ArcApi;
  /** AZ name -> AZ ID (zonal shift takes IDs); default: EC2 DescribeAvailabilityZones. */
  readonly azIdOf?: (region: string, azName: string) => Promise<string>;
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
  stacksDir?: string;
  topology?: string;
  to?: string;
  mode?: string;
  simulate?: boolean;
  execute?: boolean;
  yes?: boolean;
  failback?: boolean;
  az?: string;
  keepDrained?: boolean;
  allowDataLoss?: boolean;
  maxDataLoss?: string;
  rehearsal?: boolean;
  injectFault?: string;
  /** Print the step ids --inject-fault takes for this drill, and exit. */
  listSteps?: boolean;
  report?: string;
  format: string;
  pulumiDir?: string;
  pulumiStack?: string;
  approve?: boolean;
  decline?: boolean;
}

function validate(o: RawOptions): DrillOptions {
  if (!!o.stack === !!o.topology) throw new CliError("give exactly one of --stack <name> or --topology <file>");
  if (o.approve && o.decline) throw new CliError("--approve and --decline exclude each other (they answer the Region switch plan's approval step)");
  if (o.simulate && o.execute) throw new CliError("--simulate and --execute exclude each other");
  if (!["text", "json"].includes(o.format)) throw new CliError(`--format ${o.format} is not allowed (allowed: text, json)`);
  if (o.report && ![".json", ".md", ".markdown"].includes(path.extname(o.report).toLowerCase())) {
    throw new CliError(`--report ${o.report}: the file name must end in .json or .md (the extension picks the format)`);
  }
  if (o.report) assertWritable(o.report);
  refuseOverwritingInput("--report", o.report, [{ what: "the --topology input", file: o.topology }]);
  if (o.yes && !o.execute) throw new CliError("--yes confirms --execute; without --execute nothing runs against AWS (drop --yes, or add --execute to run the drill)");
  if (o.listSteps && o.execute) throw new CliError("--list-steps only prints the drill's step ids; it runs nothing (drop --execute)");
  if (o.injectFault && !o.simulate && !o.listSteps) throw new CliError("--inject-fault rehearses a failure offline: it needs --simulate");
  if (o.mode !== undefined && o.mode !== "planned" && o.mode !== "unplanned") throw new CliError(`--mode ${o.mode} is not allowed (allowed: planned, unplanned)`);
  if (o.az) {
    const clash = [o.to && "--to", o.mode && "--mode", o.failback && "--failback", o.keepDrained && "--keep-drained", o.allowDataLoss && "--allow-data-loss", o.rehearsal && "--rehearsal"].filter(Boolean);
    if (clash.length > 0) throw new CliError(`--az runs the in-region AZ drill; it does not take ${clash.join(", ")}`);
    return { kind: "az", az: o.az };
  }
  if (!o.to) throw new CliError("--to <region> is required (or --az <zone> for the in-region AZ drill)");
  if (o.failback && o.mode === "unplanned") throw new CliError("--failback is always planned: the returning region must be healthy and in sync");
  if (!o.mode && !o.failback) throw new CliError("--mode planned|unplanned is required for a region drill");
  const unplanned = o.mode === "unplanned";
  if (!unplanned && (o.allowDataLoss || o.maxDataLoss || o.rehearsal)) {
    throw new CliError("--allow-data-loss, --max-data-loss and --rehearsal belong to --mode unplanned (a planned switchover loses no data)");
  }
  if (unplanned && o.keepDrained) throw new CliError("--keep-drained belongs to planned drills (an unplanned failover fences the old writer anyway)");
  let maxDataLossSeconds: number | undefined;
  if (o.maxDataLoss !== undefined) {
    maxDataLossSeconds = Number(o.maxDataLoss);
    if (!o.allowDataLoss) throw new CliError("--max-data-loss raises the accepted loss; it needs --allow-data-loss");
    if (!Number.isFinite(maxDataLossSeconds) || maxDataLossSeconds < 0) throw new CliError(`--max-data-loss ${o.maxDataLoss}: give the seconds of replication lag you accept losing, e.g. 60`);
  }
  // The one consent an unplanned failover needs: checked before any AWS or Pulumi call.
  if (unplanned && o.execute && !o.allowDataLoss) {
    throw new CliError(
      "--mode unplanned --execute fails the database over with AllowDataLoss: writes not yet replicated to the target are lost (the lag is measured and shown before the failover). Add --allow-data-loss to accept that (optionally --max-data-loss <seconds>), or use --mode planned for a switchover that loses no data",
    );
  }
  return {
    kind: "region",
    to: o.to,
    mode: o.mode as "planned" | "unplanned" | undefined,
    failback: !!o.failback,
    keepDrained: !!o.keepDrained,
    // A simulation touches nothing: it shows the flow the consent would allow.
    allowDataLoss: !!o.allowDataLoss || (unplanned && !!o.simulate),
    ...(maxDataLossSeconds !== undefined ? { maxDataLossSeconds } : {}),
    rehearsal: !!o.rehearsal,
  };
}

/**
 * Refuses a `--report` path the drill could not write, before the drill runs (a report that fails
 * after a real failover would lose its record): the file, or its nearest existing directory, must
 * be writable.
 */
function assertWritable(file: string): void {
  const statOf = (p: string) => {
    try {
      return fs.statSync(p);
    } catch {
      return undefined;
    }
  };
  const target = path.resolve(file);
  const stat = statOf(target);
  if (stat?.isDirectory()) throw new CliError(`--report ${file} is a directory; give a file name ending in .json or .md`);
  let dir = path.dirname(target);
  let dirStat = statOf(dir);
  while (!dirStat) {
    dir = path.dirname(dir);
    dirStat = statOf(dir);
  }
  if (!dirStat.isDirectory()) throw new CliError(`--report ${file}: ${dir} is a file, not a directory`);
  try {
    fs.accessSync(stat ? target : dir, fs.constants.W_OK);
  } catch (err) {
    throw new CliError(`--report ${file} cannot be written: ${stat ? target : dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function parseFault(spec: string, plan: DrillPlan): InjectedFault {
  const [step, kind = "reject", ...rest] = spec.split(":");
  const ids = stepIds(plan);
  if (rest.length > 0 || !step) throw new CliError(`--inject-fault ${spec}: use STEP or STEP:KIND (kinds: ${FAULT_KINDS.join(", ")})`);
  if (!ids.includes(step)) throw new CliError(`--inject-fault ${spec}: ${step} is not a step of this drill (steps: ${ids.join(", ")}; --list-steps says what each does)`);
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new CliError(`--inject-fault ${spec}: kind ${kind} is not one of ${FAULT_KINDS.join(", ")}`);
  return { step, kind: kind as FaultKind };
}

/** config/schema.ts app.writesHealthPath's default, for a --topology drill without the stack's config. */
const DEFAULT_WRITES_HEALTH_PATH = "/healthz/writes";

/** The Region switch plan's steps (and the steps inside a parallel block), in plan order, once each. */
function arcStepNames(workflows: Workflows): { id: string; title: string }[] {
  const out = new Map<string, string>();
  const add = (s: Record<string, any>) => {
    const where = (s.executionBlockType ?? "").toString();
    const what = typeof s.description === "string" && s.description ? s.description : where ? `${where} block` : "plan step";
    if (typeof s.name === "string" && !out.has(s.name)) out.set(s.name, what);
  };
  for (const w of workflows) {
    for (const s of (w.steps ?? []) as Workflows) {
      add(s);
      for (const c of (s.parallelConfigs?.[0]?.steps ?? []) as Workflows) add(c);
    }
  }
  return [...out].map(([id, title]) => ({ id, title }));
}

/** `--list-steps`: the ids `--inject-fault` takes for this drill, each with what the step does. */
function listSteps(plan: DrillPlan, workflows: Workflows | undefined, width: number): string {
  const steps = workflows ? arcStepNames(workflows) : flattenItems(buildSteps(plan)).map((s) => ({ id: s.id, title: s.title }));
  const head = workflows
    ? "Steps of the stack's Region switch plan (what --simulate runs; --inject-fault STEP[:KIND] fails one):"
    : "Steps of this drill (--inject-fault STEP[:KIND] with --simulate fails one):";
  return `${[...wrap(head, width), ...definitionList(steps.map((s) => [s.id, s.title] as const), width), ...wrap(workflows ? "The plan simulation fails the step as ARC reports a failed step (a :KIND is accepted and not modelled)." : `kinds: ${FAULT_KINDS.join(", ")} (default reject)`, width)].join("\n")}\n`;
}

/** The command line that resumes the drill against AWS: what a stopped report tells a person to run. */
function rerunCommand(o: RawOptions): string {
  const parts = ["npx ha-blueprint drill", o.stack ? `--stack ${o.stack}` : `--topology ${o.topology}`];
  if (o.az) parts.push(`--az ${o.az}`);
  else {
    parts.push(`--to ${o.to}`);
    if (o.mode) parts.push(`--mode ${o.mode}`);
    if (o.failback) parts.push("--failback");
    if (o.keepDrained) parts.push("--keep-drained");
    if (o.mode === "unplanned") parts.push("--allow-data-loss");
    if (o.maxDataLoss) parts.push(`--max-data-loss ${o.maxDataLoss}`);
    if (o.rehearsal) parts.push("--rehearsal");
  }
  if (o.pulumiDir) parts.push(`--pulumi-dir ${o.pulumiDir}`);
  if (o.pulumiStack) parts.push(`--pulumi-stack ${o.pulumiStack}`);
  parts.push("--execute --yes");
  return parts.join(" ");
}

type Workflows = Array<Record<string, any>>;

/** The Region switch plan's workflows as the program declares them (the offline plan's Plan resource). */
function workflowsOf(doc: unknown): Workflows | undefined {
  const resources = (doc as { deployment?: { resources?: Array<{ type?: string; inputs?: { workflows?: Workflows } }> } })?.deployment?.resources ?? [];
  return resources.find((r) => r.type === "aws:arcregionswitch/plan:Plan")?.inputs?.workflows;
}

async function offlineTopology(stack: string, stacksDir?: string): Promise<{ topology: DrillTopology; config: StackConfig; workflows?: Workflows }> {
  try {
    // Loaded only here: planning pulls in the Pulumi SDKs, which a --topology drill never needs.
    const { planForStack } = await import("./plan");
    const result = await planForStack(stack, stacksDir);
    return { topology: extractTopology(result.export, `offline plan of stack ${stack}`), config: result.stack.config, workflows: workflowsOf(result.export) };
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

async function loadInputs(o: RawOptions, deps: DrillDeps, workDir: string): Promise<{ topology: DrillTopology; config?: StackConfig; workflows?: Workflows }> {
  if (o.topology) {
    const { topology, offlinePlan } = readTopologyFile(o.topology);
    if (o.execute && offlinePlan) {
      throw new CliError(`${o.topology} is an offline plan (mock identifiers); --execute needs the deployed topology: \`pulumi stack output topology --json > topology.json\` or --stack`);
    }
    return { topology };
  }
  const stack = o.stack!;
  if (o.execute) {
    const stackName = o.pulumiStack ?? stack;
    const fetch = deps.deployedTopology ?? (async (x) => new AutomationStackConfig(x).deployedTopology());
    let raw: unknown;
    try {
      raw = await fetch({ stackName, workDir });
    } catch (err) {
      throw new CliError(`cannot read the deployed stack ${stackName} through the Pulumi CLI: ${explainAutomationError(err)}`);
    }
    if (raw === undefined) throw new CliError(`stack ${stack} has no topology output: deploy it first (pulumi up)`);
    let config: StackConfig | undefined;
    try {
      config = loadStack(stack, o.stacksDir).config;
    } catch {
      config = undefined; // The deployed stack may live outside stacks/; its topology is enough.
    }
    return { topology: extractTopology(raw, `deployed stack ${stack}`), config };
  }
  return offlineTopology(stack, o.stacksDir);
}

function emit(report: DrillReport, o: RawOptions, out: (s: string) => void, notice: string[] = []): void {
  out(o.format === "json" ? reportToJson(report) : reportToText(report, { width: terminalWidth(process.stdout), notice }));
  if (o.report) {
    try {
      writeReport(o.report, report, notice);
    } catch (e) {
      throw new CliError(`the drill ran (its report is above) but --report ${o.report} could not be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (o.format !== "json") out(`report written to ${o.report}\n`);
  }
}

function planJson(plan: DrillPlan): string {
  const steps = flattenItems(buildSteps(plan)).map((s) => ({ id: s.id, title: s.title, timeoutSeconds: s.timeoutSeconds, actions: s.describe(plan) }));
  const body = { kind: plan.kind, mode: plan.mode, failback: plan.failback, source: plan.source, sourceFrom: plan.sourceFrom, target: plan.target, az: plan.az, steps, rpo: plan.rpo, budget: plan.budget, warnings: plan.warnings };
  return `${JSON.stringify({ plan: body }, null, 2)}\n`;
}

export async function drillAction(o: RawOptions, deps: DrillDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const options = validate(o);
  const workDir = path.resolve(o.pulumiDir ?? process.cwd());
  let topology: DrillTopology;
  let plan: DrillPlan;
  let config: StackConfig | undefined;
  let workflows: Workflows | undefined;
  try {
    ({ topology, config, workflows } = await loadInputs(o, deps, workDir));
    plan = buildPlan(topology, options, { lenient: !o.execute, config, hint: !!o.execute });
  } catch (e) {
    if (e instanceof TopologyError) throw new CliError(e.message);
    throw e;
  }
  const planArn = plan.kind === "region" ? topology.recovery?.planArn : undefined;
  // A region drill on a stack with a Region switch plan runs the plan's steps, not the step-by-step drill's.
  const throughArc = plan.kind === "region" && !!planArn && (!!o.execute || !!workflows);
  if (o.listSteps) {
    out(listSteps(plan, throughArc ? workflows : undefined, terminalWidth(process.stdout)));
    return 0;
  }
  const fault = o.injectFault && !throughArc ? parseFault(o.injectFault, plan) : undefined;
  if (!o.simulate && !o.execute) {
    const notice = identifierNotice({ simulated: false, mocks: hasMockIdentifiers(plan) });
    const width = terminalWidth(process.stdout);
    out(o.format === "json" ? planJson(plan) : `${describePlan(plan, { width, notice })}${wrap("(plan only: add --simulate for the expected timeline, --execute --yes to run it)", width).join("\n")}\n`);
    return 0;
  }
  if (o.execute && !o.yes) {
    if (o.format === "json") out(planJson(plan));
    else {
      out(describePlan(plan, { width: terminalWidth(process.stdout) }));
      out(`${wrap(`(in execute mode the current writer is read from AWS before any step runs; the topology says ${topology.writerRegion})`, terminalWidth(process.stdout)).join("\n")}\n`);
    }
    throw new CliError("refusing to execute without --yes: review the plan above, then re-run with --execute --yes");
  }
  const tty = deps.stderrIsTTY ?? !!process.stderr.isTTY;
  if (throughArc && planArn) {
    const writeTargets = topology.regions.flatMap((r) => (r.app?.albDnsName ? [{ region: r.name, albDnsName: r.app.albDnsName, listenerPorts: r.app.listenerPorts }] : []));
    return arcDrill(plan, o, deps, { writeTargets, writesHealthPath: config?.app.writesHealthPath, planArn, workflows, probeFailureMinutes: topology.recovery?.probeFailureMinutes, automatic: !!topology.recovery?.automaticTriggers, out, err });
  }
  let report: DrillReport;
  if (o.simulate) {
    const progress = progressReporter(err, { tty, live: false, width: terminalWidth(process.stderr) });
    report = (await simulateDrill(plan, { onEvent: progress.onEvent, fault, rerun: rerunCommand(o) })).report;
  } else {
    // Loaded only for --execute: the AWS SDK clients are most of a drill's start-up otherwise.
    const { SdkDrillAws } = await import("../../drills/sdkAws");
    const aws = deps.makeAws ? deps.makeAws() : new SdkDrillAws();
    if (plan.kind === "region") {
      // Live state is the truth: plan again from the roles AWS reports (the topology is a hint).
      try {
        const all = drillTargets(topology, topology.regions.map((r) => r.name), { regionDrill: true });
        const live = await readLiveState(aws, all, plan.target, topology.regions.map((r) => r.name));
        plan = buildPlan(topology, options, { config, live });
      } catch (e) {
        if (e instanceof TopologyError) throw new CliError(e.message);
        throw e;
      }
      if (plan.mode === "unplanned" && aws instanceof SdkDrillAws) aws.suspect(plan.source);
    }
    if (o.format !== "json") out(describePlan(plan, { width: terminalWidth(process.stdout) }));
    // The AZ drill's compute side: zonal shift of the region's ALB and EKS cluster (zonal autoshift's resources).
    const shiftable = plan.kind === "az" ? topology.recovery?.zonalAutoshift?.[plan.target] ?? [] : [];
    let zonal: { arc: ArcApi; run: import("../../drills/arc/zonalShift").ZonalShiftRun } | undefined;
    if (shiftable.length > 0 && plan.az) {
      const z = await import("../../drills/arc/zonalShift");
      const { SignedArcClient } = await import("../../drills/arc/client");
      const arc = deps.makeArc ? deps.makeArc() : new SignedArcClient();
      const azId = await (deps.azIdOf ?? z.azIdOf)(plan.target, plan.az);
      const run = await z.startZonalShifts(arc, { region: plan.target, resources: shiftable, azId, expiresIn: "60m", comment: `ha-blueprint AZ drill away from ${plan.az}` });
      zonal = { arc, run };
      if (o.format !== "json") out(`${run.notes.map((n) => `zonal shift: ${n}`).join("\n")}\n`);
    }
    const stackName = o.pulumiStack ?? o.stack ?? plan.stack;
    const store = deps.makeConfigStore ? deps.makeConfigStore({ stackName, workDir }) : new AutomationStackConfig({ stackName, workDir });
    const progress = progressReporter(err, { tty, live: true, width: terminalWidth(process.stderr) });
    try {
      report = await executeDrill(plan, { aws, clock: deps.clock ?? realClock, config: store, onEvent: progress.onEvent, rerun: rerunCommand(o) });
    } finally {
      progress.stop();
      if (zonal) {
        const notes = await (await import("../../drills/arc/zonalShift")).endZonalShifts(zonal.arc, plan.target, zonal.run);
        if (o.format !== "json") out(`${notes.map((n) => `zonal shift: ${n}`).join("\n")}\n`);
      }
    }
  }
  emit(report, o, out, identifierNotice({ simulated: !!o.simulate, mocks: hasMockIdentifiers(plan) }));
  const code = reportExitCode(report);
  if (code !== 0) {
    const why = report.failure ? `drill ${report.outcome} at ${report.failure.step}: ${report.failure.error}` : "the drill missed an objective (see RTO/RPO above)";
    throw new CliError(why, code);
  }
  return 0;
}

/**
 * Region drill through the stack's Region switch plan: --simulate runs the plan document on the
 * offline model of ARC; --execute starts the execution in ARC (the drill makes no promotion call).
 */
async function arcDrill(
  plan: DrillPlan,
  o: RawOptions,
  deps: DrillDeps,
  x: {
    planArn: string;
    workflows?: Workflows;
    probeFailureMinutes?: number;
    automatic: boolean;
    out: (s: string) => void;
    err: (s: string) => void;
    /** Each region's ALB, asked after the restore whether the region writes. */
    writeTargets?: WritesProbeTarget[];
    writesHealthPath?: string;
  },
): Promise<number> {
  // A simulation shows the flow a person's approval allows unless told to rehearse a refusal.
  const approval = o.approve ? "approve" : o.decline ? "decline" : o.simulate ? "approve" : undefined;
  let arc: ArcApi;
  let clock: Clock;
  let lagNow: () => Promise<number | undefined>;
  if (o.simulate) {
    if (!x.workflows) throw new CliError("the stack's Region switch plan document is not in this input; simulate with --stack");
    const names = arcStepNames(x.workflows).map((s) => s.id);
    if (o.injectFault && !names.includes(o.injectFault.split(":")[0])) throw new CliError(`--inject-fault ${o.injectFault}: not a step of the Region switch plan (steps: ${[...new Set(names)].join(", ")}; --list-steps says what each does)`);
    const virtual = new VirtualClock(Date.parse("2026-01-01T00:00:00Z"));
    const { SimulatedArc } = await import("../../drills/arc/simulate");
    arc = new SimulatedArc(virtual, {
      workflows: x.workflows,
      lostRegions: plan.mode === "unplanned" && !plan.rehearsal ? [plan.source] : [],
      ...(o.injectFault ? { failStep: o.injectFault.split(":")[0] } : {}),
    });
    clock = virtual;
    lagNow = async () => SIMULATED_LAG_SECONDS;
  } else {
    const { SignedArcClient } = await import("../../drills/arc/client");
    arc = deps.makeArc ? deps.makeArc() : new SignedArcClient();
    clock = deps.clock ?? realClock;
    const aws = deps.makeAws ? deps.makeAws() : new (await import("../../drills/sdkAws")).SdkDrillAws();
    const cluster = plan.targets.regions[plan.target]?.auroraClusterId;
    lagNow = async () => {
      const ms = await aws.latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", dimensions: { DBClusterIdentifier: cluster }, stat: "Maximum", windowSeconds: 120 });
      return ms === undefined ? undefined : ms / 1000;
    };
  }
  const detectionSeconds = plan.mode === "unplanned" && x.automatic && x.probeFailureMinutes ? automaticDetectionSeconds(x.probeFailureMinutes) : 0;
  // Execute: after a restore, every region must serve again (its dial above 0, its entry healthy)
  // and WRITE again: on a multi-writer stack nothing was promoted, so each region's own writes must
  // work; elsewhere each region writes through the global writer. Asked of the app itself, through
  // each region's ALB (app.writesHealthPath; drills/writesHealth.ts).
  const groups = Object.values(plan.targets.regions).filter((r) => r.endpointGroupArn);
  const writeTargets = x.writeTargets ?? [];
  const verifyServing = o.execute && (groups.length > 0 || writeTargets.length > 0)
    ? async () => {
      const aws = deps.makeAws ? deps.makeAws() : new (await import("../../drills/sdkAws")).SdkDrillAws();
      const lines: string[] = [];
      const problems: string[] = [];
      for (const r of groups) {
        const g = await aws.describeEndpointGroup(r.endpointGroupArn!);
        const healthy = g.endpoints.length > 0 && g.endpoints.every((e) => e.health === "HEALTHY");
        lines.push(`${r.region}: dial ${g.trafficDial} %, entry ${healthy ? "healthy" : "NOT healthy"}`);
        if (g.trafficDial === 0 || !healthy) problems.push(`${r.region} does not serve after the drill (dial ${g.trafficDial} %, ${healthy ? "healthy" : "unhealthy"})`);
      }
      if (writeTargets.length > 0) {
        const { probeRegionWrites } = await import("../../drills/writesHealth");
        const writesPath = x.writesHealthPath ?? DEFAULT_WRITES_HEALTH_PATH;
        const w = await probeRegionWrites(writeTargets, writesPath);
        lines.push(`writes: each region's app asked through its own ALB (GET ${writesPath}: 200 = writes work, 503 = they do not):`, ...w.lines);
        problems.push(...w.problems);
      }
      return { lines, problems };
    }
    : undefined;
  const errWidth = terminalWidth(process.stderr);
  const report = await arcRegionDrill(plan, { arc, clock, planArn: x.planArn, workflows: x.workflows, approval, lagNow, simulated: !!o.simulate, detectionSeconds, verifyServing, onProgress: (line) => x.err(`${wrap(line, errWidth, "", "  ").join("\n")}\n`) });
  const notice = [
    ...(o.simulate ? identifierNotice({ simulated: true, mocks: hasMockIdentifiers(plan) }) : []).map((n) => n.replace("the cloud model on a virtual clock", "the Region switch plan document on an offline model of ARC, on a virtual clock")),
    // Only a plan that asked for an approval gets the note about how it was answered.
    ...(o.simulate && !o.approve && !o.decline && report.executions.some((e) => e.result.approvals.length > 0) ? ["The approval step is answered with approve (a person's answer); --decline rehearses a refusal."] : []),
  ];
  x.out(o.format === "json" ? `${JSON.stringify({ ...report, notice }, null, 2)}\n` : arcReportToText(report, { width: terminalWidth(process.stdout), notice }));
  if (o.report) fs.writeFileSync(o.report, path.extname(o.report).toLowerCase() === ".json" ? `${JSON.stringify({ ...report, notice }, null, 2)}\n` : `\`\`\`\n${arcReportToText(report, { width: 100, notice })}\`\`\`\n`);
  if (report.outcome !== "succeeded") throw new CliError(`drill ${report.outcome}: ${report.executions.map((e) => `${e.action} ${e.region} ${e.result.state}${e.result.error ? ` (${e.result.error})` : ""}`).join("; ")}`, 1);
  if (!report.rto.met) throw new CliError(`the drill missed its RTO objective (${report.rto.measuredSeconds ?? "?"} s > ${report.rto.objectiveSeconds} s)`, 1);
  return 0;
}

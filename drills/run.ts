import { TIMINGS } from "../analysis/constants";
import { widthOf, wrap, type TextOptions } from "../cli/layout";
import { VirtualClock, type Clock, type DrillAws, type StackConfigStore } from "./aws";
import { CloudModel } from "./cloudModel";
import { flattenItems, isParallel, runSteps, type EngineEvent, type Phase } from "./engine";
import { nextCommands, outcomeOf, readFinalState } from "./finalState";
import type { DrillPlan } from "./plan";
import { buildReport, drillTitle, type DrillReport } from "./report";
import { FaultInjector, InMemoryStackConfig, modelSpecFromPlan, SimulatedAws, type InjectedFault } from "./simulator";
import { buildSteps } from "./steps";

/** Entry points: print the plan, execute against an AWS implementation, or simulate. */

export interface DescribeOptions extends TextOptions {
  /** Lines printed right after the title (e.g. that the identifiers are mocks). */
  readonly notice?: readonly string[];
}

export function describePlan(plan: DrillPlan, opts: DescribeOptions = {}): string {
  const width = widthOf(opts);
  const lines: string[] = [];
  const say = (text: string, first = "", rest = `${first}  `) => lines.push(...wrap(text, width, first, rest));
  say(`${drillTitle(plan)} (stack ${plan.stack}, ${plan.targets.routingMode} routing)`);
  (opts.notice ?? []).forEach((n) => say(n, "", ""));
  say(`current writer: ${plan.source} (${plan.sourceFrom})`);
  say(`objective: RTO ${plan.objective.rtoSeconds} s, RPO ${plan.objective.rpoSeconds} s; budget: RTO ${plan.budget.rto.seconds} s (${plan.budget.rto.critical}), RPO ${plan.budget.rpo.seconds} s`);
  if (plan.kind === "region") say(`RPO bound: ${plan.rpo.during.text}; ${plan.rpo.after.text}`);
  if (plan.mode === "unplanned" && plan.kind === "region") {
    say(
      plan.allowDataLoss
        ? `data loss: accepted up to ${plan.maxDataLossSeconds} s of replication lag (measured in preflight; the drill stops above it)`
        : "data loss: NOT accepted (--allow-data-loss is required to execute)",
    );
  }
  let n = 0;
  for (const item of buildSteps(plan)) {
    if (isParallel(item)) {
      lines.push(`   in parallel:`);
      item.lanes.forEach((lane, i) => {
        for (const s of lane) {
          say(`${++n}. ${"abcdefgh"[i]}) ${s.title} (timeout ${s.timeoutSeconds} s)`, "", "      ");
          for (const d of s.describe(plan)) say(d, "        ", "          ");
        }
      });
    } else {
      say(`${++n}. ${item.title} (timeout ${item.timeoutSeconds} s)`, "", "   ");
      for (const d of item.describe(plan)) say(d, "     ", "       ");
    }
  }
  for (const w of plan.warnings) say(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

/** The plan's step ids, in order: what --inject-fault accepts. */
export function stepIds(plan: DrillPlan): string[] {
  return flattenItems(buildSteps(plan)).map((s) => s.id);
}

export interface ExecuteOptions {
  readonly aws: DrillAws;
  readonly awsFor?: (stepId: string, phase: Phase) => DrillAws;
  readonly configFor?: (stepId: string, phase: Phase) => StackConfigStore;
  readonly clock: Clock;
  readonly config: StackConfigStore;
  readonly onEvent?: (event: EngineEvent) => void;
  readonly simulated?: boolean;
  /** The command line that resumes this drill, for the report's next commands. */
  readonly rerun?: string;
}

export async function executeDrill(plan: DrillPlan, opts: ExecuteOptions): Promise<DrillReport> {
  const result = await runSteps(plan, buildSteps(plan), opts);
  const final = await readFinalState(plan, opts.awsFor ? opts.awsFor("final", "final") : opts.aws, result);
  const outcome = outcomeOf(plan, result, final.state);
  const commands = nextCommands({ plan, result, final: final.state, outcome, restoreRules: final.restoreRules, rerun: opts.rerun, stackFile: opts.config.stackFile, simulated: !!opts.simulated });
  return buildReport(plan, result, { simulated: !!opts.simulated, final: final.state, outcome, nextCommands: commands });
}

export interface SimulateOptions {
  readonly fault?: InjectedFault;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Stack config the reconcile step reads; defaults to the topology's view. */
  readonly config?: StackConfigStore;
  readonly rerun?: string;
  /** Tests: adjust the model before the drill starts (lag, control planes, an earlier fence ...). */
  readonly prepare?: (model: CloudModel, clock: VirtualClock) => void | Promise<void>;
}

/**
 * Runs the same steps against the cloud model on a virtual clock: the expected timeline. An
 * unplanned drill that is not a rehearsal starts with the source lost since detection and the
 * decision (the time a person needs to reach for this command).
 */
export async function simulateDrill(plan: DrillPlan, opts: SimulateOptions = {}): Promise<{ report: DrillReport; aws: SimulatedAws; model: CloudModel }> {
  const clock = new VirtualClock();
  const model = new CloudModel(modelSpecFromPlan(plan), clock);
  if (plan.kind === "region" && plan.mode === "unplanned" && !plan.rehearsal) model.failRegion(plan.source, -(plan.detectionSeconds + TIMINGS.decisionAutomated.value));
  await opts.prepare?.(model, clock);
  const aws = new SimulatedAws(model, clock);
  const config = opts.config ?? new InMemoryStackConfig({ trafficDials: {} });
  const injector = opts.fault ? new FaultInjector(opts.fault, clock) : undefined;
  const report = await executeDrill(plan, {
    aws,
    awsFor: (id, phase) => (injector ? injector.aws(aws, id, phase) : aws),
    configFor: (id, phase) => (injector ? injector.config(config, id, phase) : config),
    clock,
    config,
    onEvent: opts.onEvent,
    simulated: true,
    rerun: opts.rerun,
  });
  if (opts.fault && !injector?.fired) {
    (report.warnings as string[]).push(`the injected ${opts.fault.kind} fault in ${opts.fault.step} never fired: the step had nothing to change in this run`);
  } else if (opts.fault) {
    (report.warnings as string[]).push(`injected: ${opts.fault.kind} at ${opts.fault.step} (${injector!.fired})`);
  }
  return { report, aws, model };
}

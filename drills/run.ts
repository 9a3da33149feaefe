import { VirtualClock, type Clock, type DrillAws, type StackConfigStore } from "./aws";
import { runSteps, type EngineEvent } from "./engine";
import type { DrillPlan } from "./plan";
import { buildReport, drillTitle, type DrillReport } from "./report";
import { InMemoryStackConfig, SimulatedAws, type SimulationFaults } from "./simulator";
import { buildSteps } from "./steps";

/** Entry points: print the plan, execute against an AWS implementation, or simulate. */

export function describePlan(plan: DrillPlan): string {
  const steps = buildSteps(plan);
  const lines = [
    `${drillTitle(plan)} (stack ${plan.stack}, ${plan.targets.routingMode} routing)`,
    `objective: RTO ${plan.objective.rtoSeconds} s, RPO ${plan.objective.rpoSeconds} s; budget: RTO ${plan.budget.rto.seconds} s (${plan.budget.rto.critical}), RPO ${plan.budget.rpo.seconds} s`,
  ];
  steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.title} (timeout ${s.timeoutSeconds} s)`);
    for (const d of s.describe(plan)) lines.push(`     ${d}`);
  });
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

export interface ExecuteOptions {
  readonly aws: DrillAws;
  readonly clock: Clock;
  readonly config: StackConfigStore;
  readonly onEvent?: (event: EngineEvent) => void;
  readonly simulated?: boolean;
}

export async function executeDrill(plan: DrillPlan, opts: ExecuteOptions): Promise<DrillReport> {
  const result = await runSteps(plan, buildSteps(plan), opts);
  return buildReport(plan, result, { simulated: !!opts.simulated });
}

export interface SimulateOptions {
  readonly faults?: SimulationFaults;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Stack config the reconcile step reads; defaults to the topology's view. */
  readonly config?: StackConfigStore;
}

/** Runs the same steps against the simulator on a virtual clock: the expected timeline. */
export async function simulateDrill(plan: DrillPlan, opts: SimulateOptions = {}): Promise<{ report: DrillReport; aws: SimulatedAws }> {
  const clock = new VirtualClock();
  const aws = new SimulatedAws(plan, clock, opts.faults);
  const config = opts.config ?? new InMemoryStackConfig({ writerRegion: plan.source, trafficDials: {} });
  const report = await executeDrill(plan, { aws, clock, config, onEvent: opts.onEvent, simulated: true });
  return { report, aws };
}

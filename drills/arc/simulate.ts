import { DRILL_TIMINGS, TIMINGS } from "../../analysis/constants";
import type { ArcApi, Clock, PlanExecutionView, ZonalShiftView } from "../aws";
import { ArcError } from "./client";

/**
 * `drill --simulate` on a stack with a Region switch plan: ARC Region switch as an offline model
 * that runs the plan document the program declares (the Plan resource's `workflows` from the
 * offline plan), on a virtual clock, behind the same ArcApi the signed client implements, so the
 * drill's runner (execute.ts) is the same code offline and live. ARC semantics modelled, from the
 * Region switch docs (https://docs.aws.amazon.com/r53recovery/latest/dg/components-rs.html and the
 * execution block pages):
 * - the workflow is chosen by action and target Region; its steps run in order, a Parallel block's
 *   steps side by side (the block ends with the slowest);
 * - every block has its timeout (`timeoutMinutes`): past it the step fails;
 * - a failed step pauses the execution (`pausedByFailedStep`) and later steps do not start;
 * - a ManualApproval step waits (`pendingManualApproval`) for ApprovePlanExecutionStep, until its
 *   timeout; a decline fails it;
 * - ungraceful mode skips CustomActionLambda blocks and runs the Aurora block's ungraceful
 *   behaviour (`failover`); `behavior: failover` fails over in either mode; a switchover whose old
 *   primary is unreachable does not complete.
 */

type Json = Record<string, any>;

export interface SimulatedArcOptions {
  /** The Plan resource's `workflows` input. */
  readonly workflows: Json[];
  /** Regions whose APIs and endpoints are down in this scenario. */
  readonly lostRegions?: readonly string[];
  /** A step (by name) that fails when it runs: rehearses a failed block. */
  readonly failStep?: string;
  /** Seconds the EKS scaling block takes (capacity already provisioned: only the HPA sync). */
  readonly scalingSeconds?: number;
}

interface Run {
  view: { -readonly [K in keyof PlanExecutionView]: PlanExecutionView[K] } & { steps: Array<{ name: string; status: string; startTime?: string; endTime?: string; mode?: string }> };
  approvals: Map<string, (a: "approve" | "decline") => void>;
  events: Array<{ time?: string; type: string; step?: string; error?: string; description?: string }>;
}

export class SimulatedArc implements ArcApi {
  readonly calls: string[] = [];
  private readonly runs = new Map<string, Run>();
  private seq = 0;

  constructor(private readonly clock: Clock, private readonly opts: SimulatedArcOptions) {}

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private reachable(region: string): void {
    if (this.opts.lostRegions?.includes(region)) throw new ArcError("TimeoutError", `arc-region-switch.${region} did not answer (simulated region loss)`);
  }

  async startPlanExecution(region: string, input: { planArn: string; targetRegion: string; action: "activate" | "deactivate"; mode: "graceful" | "ungraceful" }): Promise<{ executionId: string }> {
    this.calls.push(`startPlanExecution ${region} ${input.action} ${input.targetRegion} ${input.mode}`);
    this.reachable(region);
    const workflow = this.opts.workflows.find((w) => w.workflowTargetAction === input.action && (w.workflowTargetRegion ?? input.targetRegion) === input.targetRegion);
    if (!workflow) throw new ArcError("IllegalArgumentException", `the plan has no ${input.action} workflow for ${input.targetRegion}`);
    const executionId = `sim-${++this.seq}`;
    const run: Run = {
      view: { executionId, state: "inProgress", action: input.action, region: input.targetRegion, mode: input.mode, startTime: this.iso(), steps: [] },
      approvals: new Map(),
      events: [{ time: this.iso(), type: "executionStarted" }],
    };
    this.runs.set(executionId, run);
    void this.execute(run, workflow.steps as Json[], input.mode, input.targetRegion);
    return { executionId };
  }

  private async execute(run: Run, steps: Json[], mode: string, target: string): Promise<void> {
    for (const step of steps) {
      const ok = await this.runStep(run, step, mode, target);
      if (!ok) {
        run.view.state = "pausedByFailedStep";
        run.events.push({ time: this.iso(), type: "executionPaused", step: step.name });
        return;
      }
    }
    run.view.state = "completed";
    run.view.endTime = this.iso();
    const seconds = (Date.parse(run.view.endTime) - Date.parse(run.view.startTime!)) / 1000;
    run.view.actualRecoveryTime = `PT${seconds}S`;
    run.events.push({ time: this.iso(), type: "executionSucceeded" });
  }

  private async runStep(run: Run, step: Json, mode: string, target: string): Promise<boolean> {
    const record: Run["view"]["steps"][number] = { name: step.name, status: "running", startTime: this.iso(), mode };
    run.view.steps.push(record);
    run.events.push({ time: this.iso(), type: "stepStarted", step: step.name });
    const finish = (status: string, error?: string) => {
      record.status = status;
      record.endTime = this.iso();
      run.events.push({ time: this.iso(), type: status === "completed" ? "stepSucceeded" : status === "skipped" ? "stepSkipped" : "stepFailed", step: step.name, ...(error ? { error } : {}) });
      return status !== "failed";
    };
    const type = step.executionBlockType as string;
    if (type === "Parallel") {
      const children = (step.parallelConfigs?.[0]?.steps ?? []) as Json[];
      const results = await Promise.all(children.map((c) => this.runStep(run, c, mode, target)));
      return finish(results.every(Boolean) ? "completed" : "failed");
    }
    if (type === "ManualApproval") {
      const timeout = (step.executionApprovalConfigs?.[0]?.timeoutMinutes ?? 60) * 60_000;
      record.status = "pendingApproval";
      run.view.state = "pendingManualApproval";
      run.events.push({ time: this.iso(), type: "stepPendingApproval", step: step.name });
      const timer = this.clock.timer(timeout);
      const answer = await Promise.race([new Promise<"approve" | "decline">((resolve) => run.approvals.set(step.name, resolve)), timer.promise.then(() => "timeout" as const)]);
      timer.cancel();
      run.approvals.delete(step.name);
      run.view.state = "inProgress";
      if (answer === "approve") return finish("completed");
      return finish("failed", answer === "timeout" ? `no approval within ${timeout / 60_000} min` : "declined");
    }
    const outcome = this.blockOutcome(step, type, mode, target);
    if (outcome.skip) return finish("skipped");
    const timeoutSeconds = (blockConfig(step)?.timeoutMinutes ?? 60) * 60;
    const failing = this.opts.failStep === step.name;
    const seconds = failing ? Math.min(outcome.seconds, timeoutSeconds) / 2 : Math.min(outcome.seconds, timeoutSeconds);
    await this.clock.sleep(seconds * 1000);
    if (failing) return finish("failed", "injected failure");
    if (outcome.fails) return finish("failed", outcome.fails);
    if (outcome.seconds > timeoutSeconds) return finish("failed", `timed out after ${timeoutSeconds / 60} min`);
    return finish("completed");
  }

  /** How long a block takes and whether it can succeed in this scenario (documented timings). */
  private blockOutcome(step: Json, type: string, mode: string, target: string): { seconds: number; skip?: boolean; fails?: string } {
    const lost = this.opts.lostRegions ?? [];
    switch (type) {
      case "EKSResourceScaling":
        return { seconds: this.opts.scalingSeconds ?? TIMINGS.hpaSync.value };
      case "AuroraGlobalDatabase": {
        const cfg = step.globalAuroraConfigs[0];
        const failover = cfg.behavior === "failover" || (mode === "ungraceful" && (cfg.ungracefuls ?? []).some((u: Json) => u.ungraceful === "failover"));
        if (failover) return { seconds: TIMINGS.auroraGlobalFailover.value };
        // A switchover needs the old primary; the workflow deactivates `target`.
        if (lost.includes(target)) return { seconds: DRILL_TIMINGS.auroraSwitchoverUnreachablePrimary.value, fails: `SwitchoverGlobalCluster cannot reach the primary in ${target}` };
        return { seconds: DRILL_TIMINGS.auroraGlobalVerification.value + TIMINGS.auroraGlobalSwitchover.value };
      }
      case "CustomActionLambda":
        if (mode === "ungraceful") return { seconds: 0, skip: true };
        return { seconds: /session/i.test(step.name) ? TIMINGS.elasticacheGlobalPromote.value : TIMINGS.gaTrafficDialPropagation.value };
      default:
        return { seconds: 60 };
    }
  }

  async getPlanExecution(region: string, _planArn: string, executionId: string): Promise<PlanExecutionView> {
    this.reachable(region);
    const run = this.runs.get(executionId);
    if (!run) throw new ArcError("ResourceNotFoundException", `no execution ${executionId}`);
    return { ...run.view, steps: run.view.steps.map((s) => ({ ...s })) };
  }

  async listPlanExecutions(region: string): Promise<Array<{ executionId: string; state: string; action: string; region: string; startTime?: string }>> {
    this.reachable(region);
    return [...this.runs.values()].map((r) => ({ executionId: r.view.executionId, state: r.view.state, action: r.view.action, region: r.view.region, startTime: r.view.startTime }));
  }

  async listPlanExecutionEvents(region: string, _planArn: string, executionId: string) {
    this.reachable(region);
    return [...(this.runs.get(executionId)?.events ?? [])];
  }

  async approvePlanExecutionStep(region: string, input: { executionId: string; stepName: string; approval: "approve" | "decline" }): Promise<void> {
    this.calls.push(`approvePlanExecutionStep ${input.stepName} ${input.approval}`);
    this.reachable(region);
    const resolve = this.runs.get(input.executionId)?.approvals.get(input.stepName);
    if (!resolve) throw new ArcError("IllegalStateException", `step ${input.stepName} is not waiting for approval`);
    resolve(input.approval);
  }

  async cancelPlanExecution(region: string, _planArn: string, executionId: string): Promise<void> {
    this.reachable(region);
    const run = this.runs.get(executionId);
    if (run) run.view.state = "canceled";
  }

  async startZonalShift(region: string, input: { resourceIdentifier: string; awayFrom: string; expiresIn: string }): Promise<ZonalShiftView> {
    this.calls.push(`startZonalShift ${region} ${input.resourceIdentifier} ${input.awayFrom}`);
    return { zonalShiftId: `zs-${++this.seq}`, resourceIdentifier: input.resourceIdentifier, awayFrom: input.awayFrom, status: "ACTIVE", startTime: this.iso() };
  }

  async listZonalShifts(): Promise<ZonalShiftView[]> {
    return [];
  }

  async cancelZonalShift(): Promise<void> {}
}

function blockConfig(step: Json): Json | undefined {
  for (const key of ["eksResourceScalingConfigs", "globalAuroraConfigs", "customActionLambdaConfigs", "executionApprovalConfigs"]) if (step[key]?.[0]) return step[key][0];
  return undefined;
}

import type { ArcApi, Clock, PlanExecutionView } from "../aws";
import { ArcError } from "./client";

/**
 * `drill --execute` on a stack with a Region switch plan: the drill starts the plan's execution
 * (it never promotes anything itself), follows it to the end, answers approval steps only when
 * asked, and reports from ARC's own record. What stays on the laptop is what ARC cannot decide:
 * - one start, never two: an execution already in flight for the same action and Region is
 *   adopted; a start whose answer is lost is found again by listing, not re-sent;
 * - an approval is data-loss consent in an ungraceful run: it is checked at the moment the step
 *   waits (the lag read then, against --max-data-loss), and declined when it does not hold.
 */

export const TERMINAL = new Set(["completed", "completedWithExceptions", "completedMonitoringApplicationHealth", "failed", "canceled", "planExecutionTimedOut"]);
const SUCCESS = new Set(["completed", "completedMonitoringApplicationHealth"]);
const IN_FLIGHT = new Set(["inProgress", "pending", "pendingManualApproval", "pausedByFailedStep", "pausedByOperator"]);

export interface RegionSwitchRequest {
  readonly planArn: string;
  /** The Region the action applies to (deactivate: traffic leaves it; activate: it comes back). */
  readonly targetRegion: string;
  /** The Region whose ARC endpoint is called: never one that may be lost. */
  readonly apiRegion: string;
  readonly action: "activate" | "deactivate";
  readonly mode: "graceful" | "ungraceful";
  /** What to answer at an approval step; undefined leaves it to a person (the console or CLI). */
  readonly approval?: "approve" | "decline";
  readonly allowDataLoss: boolean;
  readonly maxDataLossSeconds: number;
  /** Replication lag (seconds) the promotion would lose, read at the moment of approval. */
  readonly lagNow?: () => Promise<number | undefined>;
  readonly pollSeconds?: number;
  /** Give up following after this long (the execution keeps running in ARC). */
  readonly deadlineSeconds: number;
  readonly comment: string;
}

export interface ArcStepRecord {
  readonly name: string;
  readonly status: string;
  readonly seconds?: number;
  readonly startTime?: string;
}

export interface RegionSwitchResult {
  readonly executionId?: string;
  readonly adopted: boolean;
  readonly state: string;
  readonly succeeded: boolean;
  readonly steps: readonly ArcStepRecord[];
  /** ARC's `actualRecoveryTime` in seconds, else start to end of the execution. */
  readonly recoverySeconds?: number;
  readonly recoveryFrom?: "actualRecoveryTime" | "execution start/end";
  readonly approvals: readonly string[];
  readonly notes: readonly string[];
  readonly events: ReadonlyArray<{ time?: string; type: string; step?: string; error?: string }>;
  readonly error?: string;
}

/** `PT1M30S` -> 90. */
export function isoDurationSeconds(d: string | undefined): number | undefined {
  const m = d ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d) : null;
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

const secondsBetween = (a?: string, b?: string) => (a && b ? (Date.parse(b) - Date.parse(a)) / 1000 : undefined);
const transient = (err: unknown) => err instanceof ArcError && (err.code === "TimeoutError" || err.code === "NetworkingError" || (err.status ?? 0) >= 500 || /Throttl/i.test(err.code));

export async function runRegionSwitch(arc: ArcApi, clock: Clock, r: RegionSwitchRequest, onProgress: (line: string) => void = () => undefined): Promise<RegionSwitchResult> {
  const notes: string[] = [];
  const approvals: string[] = [];
  const poll = (r.pollSeconds ?? 15) * 1000;
  const t0 = clock.now();
  const matches = (x: { action: string; region: string }) => x.action === r.action && x.region === r.targetRegion;

  // ---- start exactly once ----
  let executionId: string | undefined;
  let adopted = false;
  const inFlight = (await arc.listPlanExecutions(r.apiRegion, r.planArn)).filter((x) => IN_FLIGHT.has(x.state));
  const same = inFlight.find(matches);
  if (same) {
    executionId = same.executionId;
    adopted = true;
    notes.push(`execution ${same.executionId} (${same.action} ${same.region}) is already ${same.state}: following it, not starting another`);
  } else if (inFlight.length > 0) {
    const other = inFlight[0];
    return { adopted: false, state: "refused", succeeded: false, steps: [], approvals, notes, events: [], error: `another execution of the plan is ${other.state} (${other.action} ${other.region}, ${other.executionId}); wait for it or cancel it first` };
  } else {
    try {
      executionId = (await arc.startPlanExecution(r.apiRegion, { planArn: r.planArn, targetRegion: r.targetRegion, action: r.action, mode: r.mode, comment: r.comment })).executionId;
      onProgress(`started ${r.action} ${r.targetRegion} (${r.mode}): execution ${executionId}`);
    } catch (err) {
      if (!transient(err)) throw err;
      // The answer was lost: ARC may have started it. Look, never send it again.
      const found = (await arc.listPlanExecutions(r.apiRegion, r.planArn)).find((x) => matches(x) && IN_FLIGHT.has(x.state) || (matches(x) && x.startTime && Date.parse(x.startTime) >= t0 - 60_000));
      if (!found) {
        return { adopted: false, state: "unknown", succeeded: false, steps: [], approvals, notes, events: [], error: `StartPlanExecution's answer was lost (${(err as Error).message}) and no execution shows up: check \`aws arc-region-switch list-plan-executions --plan-arn ${r.planArn}\` before starting again` };
      }
      executionId = found.executionId;
      adopted = true;
      notes.push(`StartPlanExecution's answer was lost (${(err as Error).message}); execution ${found.executionId} shows it started: recorded as started, not sent again`);
    }
  }

  // ---- follow it ----
  let view: PlanExecutionView | undefined;
  const answered = new Set<string>();
  let lastLine = "";
  for (;;) {
    try {
      view = await arc.getPlanExecution(r.apiRegion, r.planArn, executionId!);
    } catch (err) {
      if (!transient(err)) throw err;
      notes.push(`GetPlanExecution: ${(err as Error).message} (kept polling)`);
    }
    if (view) {
      const line = `${view.state}: ${view.steps.map((s) => `${s.name} ${s.status}`).join(", ")}`;
      if (line !== lastLine) onProgress((lastLine = line));
      if (TERMINAL.has(view.state)) break;
      if (view.state === "pausedByFailedStep") {
        notes.push("the execution paused at a failed step: ARC waits for a person to retry, skip or cancel it (console or aws arc-region-switch)");
        break;
      }
      for (const step of view.steps.filter((s) => s.status === "pendingApproval" && !answered.has(s.name))) {
        const decision = await decide(r, step.name, view.mode || r.mode);
        if (!decision) {
          notes.push(`step ${step.name} waits for a person to approve (no --approve or --decline given)`);
          answered.add(step.name);
          continue;
        }
        try {
          await arc.approvePlanExecutionStep(r.apiRegion, { planArn: r.planArn, executionId: executionId!, stepName: step.name, approval: decision.approval, comment: decision.why });
        } catch (err) {
          if (!transient(err)) throw err;
          const again = await arc.getPlanExecution(r.apiRegion, r.planArn, executionId!);
          if (again.steps.find((s) => s.name === step.name)?.status === "pendingApproval") throw err;
          notes.push(`ApprovePlanExecutionStep's answer was lost; the step moved on: recorded, not sent again`);
        }
        approvals.push(`${step.name}: ${decision.approval} (${decision.why})`);
        answered.add(step.name);
      }
    }
    if (clock.now() - t0 + poll > r.deadlineSeconds * 1000) {
      notes.push(`stopped following after ${r.deadlineSeconds} s; the execution continues in ARC`);
      break;
    }
    await clock.sleep(poll);
  }
  const events = await arc.listPlanExecutionEvents(r.apiRegion, r.planArn, executionId!).catch(() => []);
  const steps = (view?.steps ?? []).map((s) => ({ name: s.name, status: s.status, startTime: s.startTime, seconds: secondsBetween(s.startTime, s.endTime) }));
  const arcTime = isoDurationSeconds(view?.actualRecoveryTime);
  const wall = secondsBetween(view?.startTime, view?.endTime);
  return {
    executionId,
    adopted,
    state: view?.state ?? "unknown",
    succeeded: !!view && SUCCESS.has(view.state),
    steps,
    ...(arcTime !== undefined ? { recoverySeconds: arcTime, recoveryFrom: "actualRecoveryTime" as const } : wall !== undefined ? { recoverySeconds: wall, recoveryFrom: "execution start/end" as const } : {}),
    approvals,
    notes,
    events: events.map((e) => ({ time: e.time, type: e.type, step: e.step, error: e.error })),
  };
}

/** Consent at the moment of promotion: an ungraceful approval needs --allow-data-loss and a lag within it. */
async function decide(r: RegionSwitchRequest, step: string, mode: string): Promise<{ approval: "approve" | "decline"; why: string } | undefined> {
  if (!r.approval) return undefined;
  if (r.approval === "decline") return { approval: "decline", why: "declined by --decline" };
  if (mode !== "ungraceful") return { approval: "approve", why: "graceful run: the database switches over without data loss" };
  if (!r.allowDataLoss) return { approval: "decline", why: `ungraceful run: ${step} leads to a failover with data loss, and --allow-data-loss was not given` };
  const lag = await r.lagNow?.().catch(() => undefined);
  if (lag === undefined) return { approval: "decline", why: "ungraceful run: the replication lag cannot be measured now, so the data loss is unknown" };
  if (lag > r.maxDataLossSeconds) return { approval: "decline", why: `ungraceful run: ${lag} s of lag now, more than the ${r.maxDataLossSeconds} s accepted` };
  return { approval: "approve", why: `ungraceful run: ${lag} s of lag now, within the ${r.maxDataLossSeconds} s accepted` };
}

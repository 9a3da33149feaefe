import { MUTATING_CALLS, type Clock, type DrillAws, type IngressRuleView, type RecordedState, type StackConfigStore } from "./aws";
import type { LiveState } from "./live";
import type { DrillPlan } from "./plan";

/**
 * The step engine. It runs the plan's items in order (an item is a step, or lanes of steps that
 * run side by side), skips a step whose `check` finds it already done (so a re-run continues where
 * the last one stopped), gives every step a hard deadline (a step past it is abandoned and may make
 * no further AWS call), and when a step fails it compensates: every step that ran is asked, last
 * first, to undo what it did, unless undoing would be less safe than leaving it (each step decides
 * and says why).
 */

export type StepStatus = "done" | "skipped" | "failed" | "not-run";

export interface StepRecord {
  readonly id: string;
  readonly title: string;
  status: StepStatus;
  /** Seconds since the drill started. */
  startSeconds: number;
  endSeconds: number;
  readonly timeoutSeconds: number;
  readonly opensOutage: boolean;
  readonly closesOutage: boolean;
  /** Steps that ran side by side share a group id (`promote`). */
  readonly parallelGroup?: string;
  readonly notes: string[];
  readonly warnings: string[];
  /** Last state the step saw (on failure: the exact state it stopped in). */
  observed?: string;
  error?: string;
  /** Manual continuation: AWS CLI (or pulumi) lines, on failure. */
  nextCommands?: string[];
  /**
   * The step finished but did not do all it is named for (an unplanned fence that could not reach
   * the lost region): said next to its status everywhere, so "done" never stands for it.
   */
  incomplete?: string;
}

/** A step's status as people read it: `done` only when the step did everything it is named for. */
export function statusLabel(r: Pick<StepRecord, "status" | "incomplete">): string {
  return r.status === "done" && r.incomplete ? "INCOMPLETE" : r.status;
}

export interface FenceResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** Facts steps learn and later steps (and the report) use. */
export interface DrillFacts {
  /** The state preflight found before anything changed (what a rollback returns to). */
  initial?: LiveState;
  liveWriterRegion?: string;
  writerEndpoint?: string;
  /** Seconds; measured by preflight from CloudWatch. */
  auroraLagSeconds?: number;
  redisLagSeconds?: number;
  /** Aurora lag measured after the fence, just before the failover (unplanned). */
  auroraLagAtFailoverSeconds?: number;
  /** Unplanned: whether the source answered and looked healthy in preflight. */
  sourceHealthy?: boolean;
  sourceHealth?: string;
  /** The source is healthy and the operator said it is a rehearsal: everything must be undoable. */
  rehearsal?: boolean;
  /** What the fence step did, per part (entry, database, sessions). */
  fence: Record<string, FenceResult>;
  /** Security groups already fenced when the drill started (an earlier failover's fence). */
  initialFenced: string[];
  /** The ingress rules the fence rewrote, as they were before: the exact way back. */
  fencedRules: Array<{ region: string; group: string; rules: IngressRuleView[] }>;
  /** The region whose primary endpoint the session-writer record points at, as last seen or set. */
  recordRegion?: string;
  configBefore?: RecordedState;
  /** The config as reconcile found it, before its write: what its compensation puts back. */
  configBeforeReconcile?: RecordedState;
  /** Dial of each region before the drill touched it. */
  dialsBefore: Record<string, number>;
  /** Dial of each region as last observed. */
  dials: Record<string, number>;
  /** Set by any call that changes AWS or the stack config: a failure before it changed nothing. */
  changed: boolean;
}

export interface StepContext {
  readonly aws: DrillAws;
  readonly clock: Clock;
  readonly plan: DrillPlan;
  readonly facts: DrillFacts;
  readonly config: StackConfigStore;
  /** Aborted at the step's deadline; long operations (pulumi preview) take it. */
  readonly signal: AbortSignal;
  note(text: string): void;
  warn(text: string): void;
  /** The step goes on, but did not do all it is named for: its record says so instead of "done". */
  incomplete(reason: string): void;
  observe(state: string): void;
  /** Seconds left before the step's deadline. */
  remainingSeconds(): number;
  /**
   * Polls `probe` every `intervalSeconds` until `done` holds; throws a StepFailure carrying the last
   * observed state when the step's deadline would pass first.
   */
  waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, describe: (value: T) => string, intervalSeconds?: number): Promise<T>;
}

export interface Step {
  readonly id: string;
  readonly title: string;
  readonly timeoutSeconds: number;
  /** The measured RTO window opens at the first step with this flag that ran (see report.ts). */
  readonly opensOutage?: boolean;
  /** ... and closes at the end of the completed step with this one (verification). */
  readonly closesOutage?: boolean;
  /** What the step will do, for the plan printed before anything runs. */
  describe(plan: DrillPlan): string[];
  /** Idempotency: a step that is already done is skipped; `observed` says why. */
  check?(ctx: StepContext): Promise<{ done: boolean; observed: string }>;
  run(ctx: StepContext): Promise<void>;
  /**
   * After a later (or this) step failed: undo what this step did when that is the safe thing, and
   * say what was done or why it was kept. Undefined: nothing to undo.
   */
  compensate?(ctx: StepContext): Promise<string | undefined>;
  /** Commands a person runs to continue when this step fails. */
  nextCommands(plan: DrillPlan, facts: DrillFacts): string[];
}

/** Lanes that run side by side; the steps of one lane run in order. */
export interface ParallelSteps {
  readonly id: string;
  readonly lanes: readonly (readonly Step[])[];
}

export type PlanItem = Step | ParallelSteps;

export const isParallel = (item: PlanItem): item is ParallelSteps => "lanes" in item;

export function flattenItems(items: readonly PlanItem[]): Step[] {
  return items.flatMap((item) => (isParallel(item) ? item.lanes.flat() : [item]));
}

export class StepFailure extends Error {
  constructor(message: string, readonly observed?: string) {
    super(message);
    this.name = "StepFailure";
  }
}

export interface CompensationRecord {
  readonly step: string;
  readonly status: "done" | "failed";
  readonly detail: string;
}

export type EngineEvent =
  | { readonly type: "start"; readonly index: number; readonly total: number; readonly step: Step; readonly atSeconds: number }
  | { readonly type: "observe"; readonly step: Step; readonly observed: string; readonly atSeconds: number }
  | { readonly type: "end"; readonly index: number; readonly total: number; readonly record: StepRecord }
  | { readonly type: "compensate"; readonly step: Step; readonly record: CompensationRecord; readonly atSeconds: number };

export type Phase = "run" | "compensate" | "final";

export interface EngineDeps {
  readonly aws: DrillAws;
  /** Per-step view of AWS and of the stack config (the simulator injects faults into one step's calls). */
  readonly awsFor?: (stepId: string, phase: Phase) => DrillAws;
  readonly configFor?: (stepId: string, phase: Phase) => StackConfigStore;
  readonly clock: Clock;
  readonly config: StackConfigStore;
  readonly onEvent?: (event: EngineEvent) => void;
}

export interface EngineResult {
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly records: StepRecord[];
  readonly facts: DrillFacts;
  readonly failed?: StepRecord;
  readonly compensations: CompensationRecord[];
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== "Error" && err.name !== "StepFailure" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
/** Seconds a compensation may take at most: long enough to move a dial or a datastore back. */
const COMPENSATION_TIMEOUT_SECONDS = 600;



/**
 * The AWS a step sees: refuses new calls once the step is past its deadline (an abandoned step
 * must not change anything), and marks the drill as having changed something on every mutation.
 */
function guarded(aws: DrillAws, signal: AbortSignal, facts: DrillFacts, stepId: string): DrillAws {
  return new Proxy(aws, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (signal.aborted) return Promise.reject(new StepFailure(`${stepId} passed its deadline: ${String(prop)} not sent`));
        if (MUTATING_CALLS.has(String(prop) as keyof DrillAws)) facts.changed = true;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function guardedConfig(config: StackConfigStore, facts: DrillFacts): StackConfigStore {
  return {
    description: config.description,
    stackFile: config.stackFile,
    read: () => config.read(),
    write: (state) => {
      facts.changed = true;
      return config.write(state);
    },
    preview: (opts) => config.preview(opts),
  };
}

export async function runSteps(plan: DrillPlan, items: readonly PlanItem[], deps: EngineDeps): Promise<EngineResult> {
  const { clock } = deps;
  const t0 = clock.now();
  const elapsed = () => (clock.now() - t0) / 1000;
  const facts: DrillFacts = { dialsBefore: {}, dials: {}, fence: {}, fencedRules: [], initialFenced: [], changed: false };
  const steps = flattenItems(items);
  const groupOf = new Map<string, string>();
  for (const item of items) if (isParallel(item)) for (const s of item.lanes.flat()) groupOf.set(s.id, item.id);
  const records: StepRecord[] = steps.map((s) => ({
    id: s.id,
    title: s.title,
    status: "not-run",
    startSeconds: 0,
    endSeconds: 0,
    timeoutSeconds: s.timeoutSeconds,
    opensOutage: !!s.opensOutage,
    closesOutage: !!s.closesOutage,
    ...(groupOf.has(s.id) ? { parallelGroup: groupOf.get(s.id) } : {}),
    notes: [],
    warnings: [],
  }));
  const recordOf = (s: Step) => records[steps.indexOf(s)];
  const awsFor = (id: string, phase: Phase) => (deps.awsFor ? deps.awsFor(id, phase) : deps.aws);

  const context = (step: Step, record: StepRecord, deadlineMs: number, seconds: number, signal: AbortSignal, phase: Phase): StepContext => {
    const ctx: StepContext = {
      aws: guarded(awsFor(step.id, phase), signal, facts, step.id),
      clock,
      plan,
      facts,
      config: guardedConfig(deps.configFor ? deps.configFor(step.id, phase) : deps.config, facts),
      signal,
      note: (text) => record.notes.push(text),
      warn: (text) => {
        if (!record.warnings.includes(text)) record.warnings.push(text);
      },
      incomplete: (reason) => {
        record.incomplete = record.incomplete ? `${record.incomplete}; ${reason}` : reason;
      },
      observe: (state) => {
        record.observed = state;
        deps.onEvent?.({ type: "observe", step, observed: state, atSeconds: elapsed() });
      },
      remainingSeconds: () => Math.max(0, (deadlineMs - clock.now()) / 1000),
      waitFor: async (what, probe, done, describe, intervalSeconds = 10) => {
        for (;;) {
          const value = await probe();
          ctx.observe(describe(value));
          if (done(value)) return value;
          if (clock.now() + intervalSeconds * 1000 > deadlineMs) {
            throw new StepFailure(`timed out after ${seconds} s waiting for ${what}`, describe(value));
          }
          await clock.sleep(intervalSeconds * 1000);
        }
      },
    };
    return ctx;
  };

  /** Runs `body` with a hard deadline: past it the step fails and its context refuses further calls. */
  const withDeadline = async (step: Step, seconds: number, body: (ctx: StepContext) => Promise<void>, record: StepRecord, phase: Phase) => {
    const controller = new AbortController();
    const deadlineMs = clock.now() + seconds * 1000;
    const ctx = context(step, record, deadlineMs, seconds, controller.signal, phase);
    const timer = clock.timer(seconds * 1000);
    const running = body(ctx);
    running.catch(() => undefined); // observed through the race below; never an unhandled rejection
    const deadline = timer.promise.then(() => {
      controller.abort();
      throw new StepFailure(`step deadline of ${seconds} s passed`, record.observed);
    });
    deadline.catch(() => undefined);
    try {
      await Promise.race([running, deadline]);
    } finally {
      timer.cancel();
    }
  };

  let failed: StepRecord | undefined;
  const runOne = async (step: Step): Promise<boolean> => {
    const record = recordOf(step);
    const index = steps.indexOf(step);
    record.startSeconds = elapsed();
    deps.onEvent?.({ type: "start", index, total: steps.length, step, atSeconds: record.startSeconds });
    try {
      await withDeadline(
        step,
        step.timeoutSeconds,
        async (ctx) => {
          const pre = step.check ? await step.check(ctx) : undefined;
          if (pre?.done) {
            record.status = "skipped";
            record.observed = pre.observed;
            record.notes.push(`already done: ${pre.observed}`);
          } else {
            await step.run(ctx);
            record.status = "done";
          }
        },
        record,
        "run",
      );
    } catch (err) {
      record.status = "failed";
      record.error = describeError(err);
      if (err instanceof StepFailure && err.observed) record.observed = err.observed;
      record.nextCommands = step.nextCommands(plan, facts);
      failed ??= record;
    }
    record.endSeconds = elapsed();
    deps.onEvent?.({ type: "end", index, total: steps.length, record });
    return record.status !== "failed";
  };

  for (const item of items) {
    if (isParallel(item)) {
      // Every lane runs to its own end: an operation in flight in one lane is never abandoned
      // because the other lane failed.
      const ok = await Promise.all(
        item.lanes.map(async (lane) => {
          for (const s of lane) if (!(await runOne(s))) return false;
          return true;
        }),
      );
      if (ok.includes(false)) break;
    } else if (!(await runOne(item))) break;
  }

  const compensations: CompensationRecord[] = [];
  if (failed) {
    const ran = steps.filter((s) => ["done", "failed"].includes(recordOf(s).status) && s.compensate).reverse();
    for (const step of ran) {
      const record = recordOf(step);
      let result: CompensationRecord | undefined;
      try {
        let detail: string | undefined;
        await withDeadline(step, Math.min(step.timeoutSeconds, COMPENSATION_TIMEOUT_SECONDS), async (ctx) => {
          detail = await step.compensate!(ctx);
        }, record, "compensate");
        if (detail) result = { step: step.id, status: "done", detail };
      } catch (err) {
        result = { step: step.id, status: "failed", detail: describeError(err) };
      }
      if (result) {
        compensations.push(result);
        deps.onEvent?.({ type: "compensate", step, record: result, atSeconds: elapsed() });
      }
    }
  }
  return { startedAtMs: t0, finishedAtMs: clock.now(), records, facts, failed, compensations };
}

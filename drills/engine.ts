import type { Clock, DrillAws, StackConfigStore } from "./aws";
import type { DrillPlan } from "./plan";

/**
 * The step engine: runs steps in order, skips a step whose `check` finds it already done (so a
 * re-run after success, or after a failure fixed by hand, continues where it stopped), bounds
 * every wait by the step's timeout, and on failure stops with the last observed state and the
 * manual command that would continue the work.
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
  readonly notes: string[];
  readonly warnings: string[];
  /** Last state the step saw (on failure: the exact state it stopped in). */
  observed?: string;
  error?: string;
  /** Manual continuation: AWS CLI (or pulumi) lines, on failure. */
  nextCommands?: string[];
}

/** Facts steps learn and later steps (and the report) use. */
export interface DrillFacts {
  liveWriterRegion?: string;
  writerEndpoint?: string;
  /** Seconds; measured by preflight from CloudWatch. */
  auroraLagSeconds?: number;
  redisLagSeconds?: number;
  /** Dial of each region before the drill touched it. */
  dialsBefore: Record<string, number>;
  /** Dial of each region as last observed. */
  dials: Record<string, number>;
}

export interface StepContext {
  readonly aws: DrillAws;
  readonly clock: Clock;
  readonly plan: DrillPlan;
  readonly facts: DrillFacts;
  readonly config: StackConfigStore;
  note(text: string): void;
  warn(text: string): void;
  observe(state: string): void;
  /** Seconds left before the step times out. */
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
  /** The measured RTO window opens at the first completed step with this flag (see report.ts). */
  readonly opensOutage?: boolean;
  /** ... and closes at the end of the completed step with this one (verification). */
  readonly closesOutage?: boolean;
  /** What the step will do, for the plan printed before anything runs. */
  describe(plan: DrillPlan): string[];
  /** Idempotency: a step that is already done is skipped; `observed` says why. */
  check?(ctx: StepContext): Promise<{ done: boolean; observed: string }>;
  run(ctx: StepContext): Promise<void>;
  /** Commands a person runs to continue when this step fails. */
  nextCommands(plan: DrillPlan, facts: DrillFacts): string[];
}

export class StepFailure extends Error {
  constructor(message: string, readonly observed?: string) {
    super(message);
    this.name = "StepFailure";
  }
}

export type EngineEvent =
  | { readonly type: "start"; readonly index: number; readonly total: number; readonly step: Step; readonly atSeconds: number }
  | { readonly type: "observe"; readonly step: Step; readonly observed: string; readonly atSeconds: number }
  | { readonly type: "end"; readonly index: number; readonly total: number; readonly record: StepRecord };

export interface EngineDeps {
  readonly aws: DrillAws;
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
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== "Error" && err.name !== "StepFailure" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

export async function runSteps(plan: DrillPlan, steps: readonly Step[], deps: EngineDeps): Promise<EngineResult> {
  const { clock } = deps;
  const t0 = clock.now();
  const elapsed = () => (clock.now() - t0) / 1000;
  const facts: DrillFacts = { dialsBefore: {}, dials: {} };
  const records: StepRecord[] = steps.map((s) => ({
    id: s.id,
    title: s.title,
    status: "not-run",
    startSeconds: 0,
    endSeconds: 0,
    timeoutSeconds: s.timeoutSeconds,
    opensOutage: !!s.opensOutage,
    closesOutage: !!s.closesOutage,
    notes: [],
    warnings: [],
  }));
  let failed: StepRecord | undefined;

  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const record = records[i];
    record.startSeconds = elapsed();
    const deadlineMs = clock.now() + step.timeoutSeconds * 1000;
    deps.onEvent?.({ type: "start", index: i, total: steps.length, step, atSeconds: record.startSeconds });
    const ctx: StepContext = {
      aws: deps.aws,
      clock,
      plan,
      facts,
      config: deps.config,
      note: (text) => record.notes.push(text),
      warn: (text) => {
        if (!record.warnings.includes(text)) record.warnings.push(text);
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
            throw new StepFailure(`timed out after ${step.timeoutSeconds} s waiting for ${what}`, describe(value));
          }
          await clock.sleep(intervalSeconds * 1000);
        }
      },
    };
    try {
      const pre = step.check ? await step.check(ctx) : undefined;
      if (pre?.done) {
        record.status = "skipped";
        record.observed = pre.observed;
        record.notes.push(`already done: ${pre.observed}`);
      } else {
        await step.run(ctx);
        record.status = "done";
      }
    } catch (err) {
      record.status = "failed";
      record.error = describeError(err);
      if (err instanceof StepFailure && err.observed) record.observed = err.observed;
      record.nextCommands = step.nextCommands(plan, facts);
      failed = record;
    }
    record.endSeconds = elapsed();
    deps.onEvent?.({ type: "end", index: i, total: steps.length, record });
    if (failed) break;
  }
  return { startedAtMs: t0, finishedAtMs: clock.now(), records, facts, failed };
}

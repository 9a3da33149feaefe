import type { RecordedState } from "../aws";
import { describeError, StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { cli } from "./shared";

/**
 * Records the runtime writer where Pulumi keeps it: `ha-blueprint:currentWriterRegion` and the
 * observed traffic dials in the stack config (Automation API). Never `writerRegion`: that is the
 * shape the clusters were created with, and changing it replaces the global database.
 *
 * Planned drills then run `pulumi preview` (bounded by the step deadline) and show its diff; a
 * preview that would replace or delete anything, or that does not finish, fails the step and its
 * compensation puts the previous config back. Unplanned drills skip the preview: it refreshes providers in every region, the lost
 * one included, and would hang on it; the report says to run it once the region is back.
 */

/** Preview operations that would mean the program disagrees with the new reality. */
const DESTRUCTIVE = ["replace", "delete", "create-replacement", "delete-replaced"];

function desired(ctx: StepContext, before: RecordedState): RecordedState {
  const dials = ctx.plan.targets.routingMode === "accelerator" ? { ...before.trafficDials, ...ctx.facts.dials } : before.trafficDials;
  return { currentWriterRegion: ctx.plan.target, trafficDials: dials };
}

const same = (a: RecordedState, b: RecordedState) =>
  a.currentWriterRegion === b.currentWriterRegion && Object.entries(b.trafficDials).every(([r, v]) => a.trafficDials[r] === v);

function commitLine(ctx: StepContext): string {
  const file = ctx.config.stackFile;
  return file
    ? `${file} changed: commit it, or the next \`pulumi up\` from git (CI) sets the dials back to what git holds`
    : `${ctx.config.description}: the new values live in the stack's config`;
}

export const reconcileStep: Step = {
  id: "reconcile",
  title: "Record the new writer in the stack config",
  timeoutSeconds: 900,
  describe: (plan: DrillPlan) => [
    `set ha-blueprint:currentWriterRegion = ${plan.target}${plan.targets.routingMode === "accelerator" ? " and routing.trafficDials to the observed dials" : ""} (Pulumi Automation API; writerRegion is never changed)`,
    plan.mode === "planned" || plan.rehearsal
      ? "run pulumi preview --diff (bounded by the step timeout); a replacement, a deletion or a preview that does not finish puts the previous config back"
      : `no pulumi preview: it needs ${plan.source}'s APIs; run it once ${plan.source} is back`,
    ...(plan.rehearsal ? [`(a rehearsal against a healthy ${plan.source} runs the preview; a lost ${plan.source} skips it)`] : []),
    "the stack file must then be committed, or a `pulumi up` from git undoes the recorded dials",
  ],
  async check(ctx) {
    const current = await ctx.config.read();
    const want = desired(ctx, ctx.facts.configBefore ?? current);
    return { done: same(current, want), observed: `config currentWriterRegion=${current.currentWriterRegion ?? "unset"}, dials ${JSON.stringify(current.trafficDials)}` };
  },
  async run(ctx) {
    const before = await ctx.config.read();
    ctx.facts.configBeforeReconcile = before;
    const want = desired(ctx, before);
    try {
      await ctx.config.write(want);
    } catch (err) {
      throw new StepFailure(`recording the new writer failed (${describeError(err)})`);
    }
    ctx.note(`${ctx.config.description}: currentWriterRegion ${before.currentWriterRegion ?? "unset"} -> ${want.currentWriterRegion}${ctx.plan.targets.routingMode === "accelerator" ? `, dials ${JSON.stringify(want.trafficDials)}` : ""}`);
    if (ctx.plan.mode === "unplanned" && !ctx.facts.rehearsal) {
      ctx.note(`pulumi preview skipped: it needs ${ctx.plan.source}'s APIs; run \`${cli.preview(ctx.plan.stack)}\` once ${ctx.plan.source} is back`);
      ctx.note(commitLine(ctx));
      return;
    }
    let result;
    try {
      result = await ctx.config.preview({ signal: ctx.signal });
    } catch (err) {
      throw new StepFailure(`pulumi preview did not finish (${describeError(err)})`);
    }
    const summary = Object.entries(result.counts).map(([k, v]) => `${k} ${v}`).join(", ") || "no changes";
    const bad = DESTRUCTIVE.reduce((n, k) => n + (result.counts[k] ?? 0), 0);
    if (bad > 0) {
      throw new StepFailure(
        `pulumi preview would replace or delete ${bad} resource(s) after recording the new writer. The program must treat the writer region as runtime state (ignoreChanges on the cluster and datastore roles) before the config can follow a switchover`,
        `preview: ${summary}${result.diff.length ? `\n${result.diff.join("\n")}` : ""}`,
      );
    }
    ctx.note(`pulumi preview: ${summary}`);
    for (const line of result.diff) ctx.note(`preview diff: ${line}`);
    ctx.note(commitLine(ctx));
  },
  /** A failed reconcile leaves the config as it was (run in the compensation phase, after any fault). */
  async compensate(ctx) {
    const before = ctx.facts.configBeforeReconcile;
    if (!before) return undefined;
    const current = await ctx.config.read();
    if (same(current, before) && same(before, current)) return undefined;
    await ctx.config.write(before);
    return `stack config put back: currentWriterRegion ${before.currentWriterRegion ?? "unset"}, dials ${JSON.stringify(before.trafficDials)}`;
  },
  nextCommands: (plan, facts) => [
    cli.recordWriter(plan.stack, plan.target),
    ...(plan.targets.routingMode === "accelerator" ? Object.keys(plan.targets.regions).map((r) => cli.recordDial(plan.stack, r, facts.dials[r] ?? `<dial of ${r}>`)) : []),
    cli.preview(plan.stack),
  ],
};

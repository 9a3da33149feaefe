import { describeError, StepFailure, type Step } from "../engine";
import type { DrillPlan } from "../plan";
import { cli } from "./shared";

/**
 * After the switch, checks that the program agrees with the new reality WITHOUT recording
 * anything: the writer region is runtime state that drills and the analyzer read from AWS, and
 * the clusters, the datastore and the dials ignore the fields a failover or a drain changes, so
 * neither `pulumi up` nor a commit to a stack file is needed (nor can undo it).
 *
 * Planned drills run `pulumi preview` (bounded by the step deadline) and show its diff; a preview
 * that would replace or delete anything, or that does not finish, fails the step. Unplanned drills
 * skip the preview: it refreshes providers in every region, the lost one included, and would hang
 * on it; the report says to run it once the region is back.
 */

/** Preview operations that would mean the program disagrees with the new reality. */
const DESTRUCTIVE = ["replace", "delete", "create-replacement", "delete-replaced"];

export const reconcileStep: Step = {
  id: "reconcile",
  title: "Check that pulumi up would change nothing",
  timeoutSeconds: 900,
  describe: (plan: DrillPlan) => [
    "nothing is written to the stack config: the writer region is read from AWS, not committed",
    plan.mode === "planned" || plan.rehearsal
      ? "run pulumi preview --diff (bounded by the step timeout); a replacement, a deletion or a preview that does not finish fails the step"
      : `no pulumi preview: it needs ${plan.source}'s APIs; run it once ${plan.source} is back`,
    ...(plan.rehearsal ? [`(a rehearsal against a healthy ${plan.source} runs the preview; a lost ${plan.source} skips it)`] : []),
  ],
  async run(ctx) {
    if (ctx.plan.mode === "unplanned" && !ctx.facts.rehearsal) {
      ctx.note(`pulumi preview skipped: it needs ${ctx.plan.source}'s APIs; run \`${cli.preview(ctx.plan.stack)}\` once ${ctx.plan.source} is back`);
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
        `pulumi preview would replace or delete ${bad} resource(s) after the switch. The program must treat the writer region as runtime state (ignoreChanges on the cluster and datastore roles)`,
        `preview: ${summary}${result.diff.length ? `\n${result.diff.join("\n")}` : ""}`,
      );
    }
    if ((result.counts.update ?? 0) > 0) ctx.warn(`pulumi preview would update ${result.counts.update} resource(s) after the switch: see the diff`);
    ctx.note(`pulumi preview: ${summary}`);
    for (const line of result.diff) ctx.note(`preview diff: ${line}`);
  },
  nextCommands: (plan) => [cli.preview(plan.stack)],
};

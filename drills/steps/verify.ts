import { PROJECT } from "../../config/schema";
import { StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { cli, grgMember, healthCommand, isPrimary, regionHealth, regionTargets, writerRegionOf } from "./shared";

/**
 * After the promotions: the new writer region writes (global cluster and datastore agree), its
 * entry is healthy and takes traffic. Then the stack config is reconciled with reality.
 */

interface Verification {
  readonly ok: boolean;
  readonly text: string;
  readonly endpoint?: string;
}

async function probe(ctx: StepContext): Promise<Verification> {
  const { plan, aws } = ctx;
  const gc = await aws.describeGlobalCluster(plan.target, plan.targets.globalClusterId);
  const grg = await aws.describeGlobalReplicationGroup(plan.target, plan.targets.globalReplicationGroupId);
  const health = await regionHealth(ctx, plan.target);
  const writer = writerRegionOf(plan, gc);
  const primary = grgMember(grg, plan.target, regionTargets(plan, plan.target).replicationGroupId);
  const checks = [
    [writer === plan.target && !gc.failover && gc.status === "available", `Aurora writer ${writer ?? "none"} (global cluster ${gc.status})`],
    [isPrimary(primary?.role) && grg.status === "available", `sessions primary ${isPrimary(primary?.role) ? plan.target : "elsewhere"} (datastore ${grg.status})`],
    // Unplanned: an unreadable health API (its control plane may be the lost region) is a warning, not a stop.
    [health.healthy || (health.unknown === true && plan.mode === "unplanned"), health.text],
  ] as const;
  if (health.unknown && plan.mode === "unplanned") ctx.warn(`health of ${plan.target} not verified: ${health.text}`);
  return { ok: checks.every(([ok]) => ok), text: checks.map(([ok, t]) => `${ok ? "ok" : "NOT OK"}: ${t}`).join("; "), endpoint: gc.endpoint };
}

export const verifyStep: Step = {
  id: "verify",
  title: "Verify the new writer region",
  timeoutSeconds: 300,
  closesOutage: true,
  describe: (plan: DrillPlan) => [
    `poll until ${plan.target} is the Aurora writer and session store primary and its entry is healthy`,
    "writes through the global writer endpoint are a person's check (see the runbook): the drill has no database credentials",
  ],
  async run(ctx) {
    const v = await ctx.waitFor("the new writer region to be healthy", () => probe(ctx), (x) => x.ok, (x) => x.text, 5);
    ctx.facts.writerEndpoint = v.endpoint ?? ctx.facts.writerEndpoint;
    ctx.note(v.text);
    const dial = ctx.facts.dials[ctx.plan.target];
    if (ctx.plan.targets.routingMode === "accelerator" && dial === 0) {
      throw new StepFailure(`${ctx.plan.target} holds the writer but its traffic dial is 0%`, v.text);
    }
    if (v.endpoint) ctx.note(`global writer endpoint: ${v.endpoint}`);
  },
  nextCommands: (plan) => [
    cli.describeGlobalCluster(plan.target, plan.targets.globalClusterId),
    cli.describeGrg(plan.target, plan.targets.globalReplicationGroupId),
    healthCommand(plan, plan.target),
  ],
};

/** Preview operations that would mean the program disagrees with the new reality. */
const DESTRUCTIVE = ["replace", "delete", "create-replacement", "delete-replaced"];

function desiredConfig(ctx: StepContext): { writerRegion: string; trafficDials?: Record<string, number> } {
  const dials = ctx.facts.dials;
  const known = Object.keys(dials).length > 0;
  return { writerRegion: ctx.plan.target, ...(ctx.plan.targets.routingMode === "accelerator" && known ? { trafficDials: { ...dials } } : {}) };
}

export const reconcileStep: Step = {
  id: "reconcile",
  title: "Record the new writer in the stack config",
  timeoutSeconds: 900,
  describe: (plan: DrillPlan) => [
    `set ${PROJECT}:writerRegion = ${plan.target}${plan.targets.routingMode === "accelerator" ? " and routing.trafficDials to the observed dials" : ""} (Pulumi Automation API)`,
    "run pulumi preview; if it plans any replacement or deletion, restore the previous config and stop",
  ],
  async check(ctx) {
    const current = await ctx.config.read();
    const want = desiredConfig(ctx);
    const dialsMatch = !want.trafficDials || Object.entries(want.trafficDials).every(([r, v]) => current.trafficDials[r] === v);
    return { done: current.writerRegion === want.writerRegion && dialsMatch, observed: `config writerRegion=${current.writerRegion ?? "unset"}, dials ${JSON.stringify(current.trafficDials)}` };
  },
  async run(ctx) {
    const before = await ctx.config.read();
    const want = desiredConfig(ctx);
    await ctx.config.write(want);
    ctx.note(`${ctx.config.description}: writerRegion ${before.writerRegion ?? "unset"} -> ${want.writerRegion}${want.trafficDials ? `, dials ${JSON.stringify(want.trafficDials)}` : ""}`);
    const counts = await ctx.config.preview();
    const summary = Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ") || "no changes";
    const bad = DESTRUCTIVE.reduce((n, k) => n + (counts[k] ?? 0), 0);
    if (bad > 0) {
      await ctx.config.write({ writerRegion: before.writerRegion, trafficDials: before.trafficDials });
      throw new StepFailure(
        `pulumi preview would replace or delete ${bad} resource(s) after recording the new writer; the previous config is restored. ` +
          "The program must treat the writer region as runtime state (ignoreChanges on the cluster and datastore roles) before the config can follow a switchover",
        `preview: ${summary}`,
      );
    }
    ctx.note(`pulumi preview: ${summary}`);
  },
  nextCommands: (plan) => [
    `pulumi config set --stack ${plan.stack} ${PROJECT}:writerRegion ${plan.target}`,
    ...Object.keys(plan.targets.regions).map((r) => `pulumi config set --stack ${plan.stack} --path '${PROJECT}:routing.trafficDials["${r}"]' <dial of ${r}>`),
    `pulumi preview --stack ${plan.stack}`,
  ],
};

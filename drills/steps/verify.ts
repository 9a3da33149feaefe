import { StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { hasSessionPrimary } from "../topology";
import { cli, grgMember, healthCommand, isPrimary, regionHealth, regionTargets, writerRegionOf } from "./shared";

/**
 * After the promotions: the new writer region writes (global cluster, datastore and session record
 * agree), its entry is healthy and takes traffic.
 */

interface Verification {
  readonly ok: boolean;
  readonly text: string;
  readonly endpoint?: string;
}

async function probe(ctx: StepContext): Promise<Verification> {
  const { plan, aws } = ctx;
  const gc = await aws.describeGlobalCluster(plan.target, plan.targets.globalClusterId);
  // MemoryDB Multi-Region has no primary region: every region writes, so there is nothing to verify moved.
  const grg = hasSessionPrimary(plan.targets) ? await aws.describeGlobalReplicationGroup(plan.target, plan.targets.globalReplicationGroupId) : undefined;
  const health = await regionHealth(ctx, plan.target);
  const writer = writerRegionOf(plan, gc);
  const primary = grg ? grgMember(grg, plan.target, regionTargets(plan, plan.target).replicationGroupId) : undefined;
  const record = ctx.facts.recordRegion;
  const checks = [
    [writer === plan.target && !gc.failover, `Aurora writer ${writer ?? "none"} (global cluster ${gc.status})`],
    grg
      ? [isPrimary(primary?.role) && grg.status === "available", `sessions primary ${isPrimary(primary?.role) ? plan.target : "elsewhere"} (datastore ${grg.status})`]
      : [true, "sessions: MemoryDB Multi-Region, every region writes"],
    [!plan.targets.writerRecord || record === plan.target, `session-writer record -> ${record ?? "unknown"}`],
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
    `poll until ${plan.target} is the Aurora writer and session store primary, the session record names it, and its entry is healthy`,
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
    ...(hasSessionPrimary(plan.targets) ? [cli.describeGrg(plan.target, plan.targets.globalReplicationGroupId)] : []),
    healthCommand(plan, plan.target),
  ],
};

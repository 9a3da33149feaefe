import { StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { cli, grgMember, isPrimary, regionTargets, summarizeGlobalCluster, summarizeGrg } from "./shared";

/**
 * Promotions, always called in the TARGET region (the old primary may be down): Aurora with
 * SwitchoverGlobalCluster (planned, RPO 0) or FailoverGlobalCluster + AllowDataLoss (unplanned),
 * then the ElastiCache global datastore with FailoverGlobalReplicationGroup. Neither has a waiter
 * for the global resource, so both poll until the target is primary and nothing is in flight.
 */

async function globalCluster(ctx: StepContext) {
  return ctx.aws.describeGlobalCluster(ctx.plan.target, ctx.plan.targets.globalClusterId);
}

function targetWrites(ctx: StepContext, gc: Awaited<ReturnType<typeof globalCluster>>): boolean {
  const arn = regionTargets(ctx.plan, ctx.plan.target).auroraClusterArn;
  return !gc.failover && gc.members.some((m) => m.clusterArn === arn && m.isWriter);
}

export const promoteAuroraStep = (planned: boolean): Step => ({
  id: "promote-aurora",
  title: planned ? "Switch over Aurora" : "Fail over Aurora (allow data loss)",
  timeoutSeconds: 1200,
  // Writes pause from here (planned); a re-run that skips it opens the window at the next promotion.
  opensOutage: true,
  describe: (plan: DrillPlan) => [
    `${planned ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster AllowDataLoss=true"} in ${plan.target}: ${plan.targets.globalClusterId} -> ${regionTargets(plan, plan.target).auroraClusterArn}`,
    `poll DescribeGlobalClusters in ${plan.target} every 10 s until ${plan.target} is the writer and no FailoverState remains`,
  ],
  async check(ctx) {
    const gc = await globalCluster(ctx);
    return { done: targetWrites(ctx, gc), observed: summarizeGlobalCluster(ctx.plan, gc) };
  },
  async run(ctx) {
    const { plan, aws } = ctx;
    const arn = regionTargets(plan, plan.target).auroraClusterArn;
    const gc = await globalCluster(ctx);
    ctx.observe(summarizeGlobalCluster(plan, gc));
    if (gc.failover?.toArn === arn) {
      ctx.note(`a ${gc.failover.dataLossAllowed ? "failover" : "switchover"} to ${plan.target} is already ${gc.failover.status}: not calling again`);
    } else if (gc.failover) {
      throw new StepFailure("another switchover or failover is in progress", summarizeGlobalCluster(plan, gc));
    } else if (planned) {
      await aws.switchoverGlobalCluster(plan.target, plan.targets.globalClusterId, arn);
      ctx.note(`SwitchoverGlobalCluster called in ${plan.target}`);
    } else {
      await aws.failoverGlobalCluster(plan.target, plan.targets.globalClusterId, arn);
      ctx.note(`FailoverGlobalCluster (AllowDataLoss) called in ${plan.target}`);
    }
    const done = await ctx.waitFor(
      `${plan.target} to become the Aurora writer`,
      () => globalCluster(ctx),
      (g) => targetWrites(ctx, g),
      (g) => summarizeGlobalCluster(plan, g),
    );
    ctx.facts.liveWriterRegion = plan.target;
    ctx.facts.writerEndpoint = done.endpoint ?? ctx.facts.writerEndpoint;
  },
  nextCommands: (plan) => {
    const arn = regionTargets(plan, plan.target).auroraClusterArn;
    return [
      cli.describeGlobalCluster(plan.target, plan.targets.globalClusterId),
      planned ? cli.switchover(plan.target, plan.targets.globalClusterId, arn) : cli.failover(plan.target, plan.targets.globalClusterId, arn),
    ];
  },
});

async function datastore(ctx: StepContext) {
  return ctx.aws.describeGlobalReplicationGroup(ctx.plan.target, ctx.plan.targets.globalReplicationGroupId);
}

function targetPrimary(ctx: StepContext, grg: Awaited<ReturnType<typeof datastore>>): boolean {
  const m = grgMember(grg, ctx.plan.target, regionTargets(ctx.plan, ctx.plan.target).replicationGroupId);
  return isPrimary(m?.role) && grg.status === "available";
}

export const promoteRedisStep: Step = {
  id: "promote-redis",
  title: "Promote the session store",
  timeoutSeconds: 900,
  opensOutage: true,
  describe: (plan: DrillPlan) => [
    `FailoverGlobalReplicationGroup in ${plan.target}: ${plan.targets.globalReplicationGroupId}, PrimaryRegion=${plan.target}, PrimaryReplicationGroupId=${regionTargets(plan, plan.target).replicationGroupId}`,
    `poll DescribeGlobalReplicationGroups (ShowMemberInfo) in ${plan.target} until ${plan.target} is primary and the datastore is available`,
  ],
  async check(ctx) {
    const grg = await datastore(ctx);
    return { done: targetPrimary(ctx, grg), observed: summarizeGrg(grg) };
  },
  async run(ctx) {
    const { plan } = ctx;
    const rg = regionTargets(plan, plan.target).replicationGroupId;
    // The API refuses while the datastore is modifying; a previous run's failover may still be running.
    const ready = await ctx.waitFor(
      "the global datastore to be available",
      () => datastore(ctx),
      (g) => g.status === "available" || isPrimary(grgMember(g, plan.target, rg)?.role),
      summarizeGrg,
    );
    if (isPrimary(grgMember(ready, plan.target, rg)?.role)) {
      ctx.note(`${plan.target} is already primary; waiting for the datastore to settle`);
    } else {
      await ctx.aws.failoverGlobalReplicationGroup(plan.target, plan.targets.globalReplicationGroupId, plan.target, rg);
      ctx.note(`FailoverGlobalReplicationGroup called in ${plan.target}`);
    }
    await ctx.waitFor(`${plan.target} to become the session store primary`, () => datastore(ctx), (g) => targetPrimary(ctx, g), summarizeGrg);
  },
  nextCommands: (plan) => [
    cli.describeGrg(plan.target, plan.targets.globalReplicationGroupId),
    cli.failoverGrg(plan.target, plan.targets.globalReplicationGroupId, plan.target, regionTargets(plan, plan.target).replicationGroupId),
  ],
};

import { StepFailure, type Step, type StepContext } from "../engine";
import { databaseRoles } from "../live";
import type { DrillPlan } from "../plan";
import { pointRecordAt } from "./sessions";
import { cli, grgMember, isPrimary, regionHealth, regionTargets, summarizeGlobalCluster, summarizeGrg } from "./shared";

/**
 * Promotions, always called in the TARGET region (the old primary may be down): Aurora with
 * SwitchoverGlobalCluster (planned, RPO 0) or FailoverGlobalCluster + AllowDataLoss (unplanned,
 * only with the operator's consent), and the ElastiCache global datastore with
 * FailoverGlobalReplicationGroup. The two are independent services, so they run side by side: the
 * write outage is the longer promotion, not their sum. Neither has a waiter for the global
 * resource, so both poll until the target is primary and nothing is in flight.
 */

async function globalCluster(ctx: StepContext) {
  return ctx.aws.describeGlobalCluster(ctx.plan.target, ctx.plan.targets.globalClusterId);
}

function targetWrites(ctx: StepContext, gc: Awaited<ReturnType<typeof globalCluster>>): boolean {
  const arn = regionTargets(ctx.plan, ctx.plan.target).auroraClusterArn;
  return !gc.failover && gc.members.some((m) => m.clusterArn === arn && m.isWriter);
}

/**
 * Sends a promotion once (the SDK client for mutating calls makes a single attempt: limits.ts) and,
 * when its answer is lost or refused, asks AWS whether it took effect: "already applied" is done,
 * not a failure, and the call is never sent a second time.
 */
export async function sendOnce(ctx: StepContext, what: string, call: () => Promise<void>, applied: () => Promise<boolean>): Promise<void> {
  try {
    await call();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (await applied().catch(() => false)) {
      ctx.note(`${what}: the answer was lost or refused (${text}), but AWS shows it applied: recorded as done, not sent again`);
      return;
    }
    throw err;
  }
}

export const promoteAuroraStep = (planned: boolean): Step => ({
  id: "promote-aurora",
  title: planned ? "Switch over Aurora" : "Fail over Aurora (allow data loss)",
  timeoutSeconds: 1200,
  // Writes pause from here; a re-run that skips it opens the window at the next promotion.
  opensOutage: true,
  describe: (plan: DrillPlan) => [
    `${planned ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster AllowDataLoss=true"} in ${plan.target}: ${plan.targets.globalClusterId} -> ${regionTargets(plan, plan.target).auroraClusterArn}`,
    `poll DescribeGlobalClusters in ${plan.target} every 10 s until ${plan.target} is the writer and no FailoverState remains; the global writer endpoint follows by itself`,
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
    if (gc.failover?.toArn === arn && gc.failover.status !== "cancelling") {
      ctx.note(`a ${gc.failover.dataLossAllowed ? "failover" : "switchover"} to ${plan.target} is already ${gc.failover.status}: not calling again`);
    } else if (gc.failover) {
      throw new StepFailure(`a switchover or failover is ${gc.failover.status}; wait for it to clear`, summarizeGlobalCluster(plan, gc));
    } else if (planned) {
      await sendOnce(ctx, "SwitchoverGlobalCluster", () => aws.switchoverGlobalCluster(plan.target, plan.targets.globalClusterId, arn), async () => {
        const g = await globalCluster(ctx);
        return targetWrites(ctx, g) || g.failover?.toArn === arn;
      });
      ctx.note(`SwitchoverGlobalCluster called in ${plan.target}`);
    } else {
      // Defence in depth: the CLI refuses an unplanned --execute without consent before any call.
      if (!plan.allowDataLoss) throw new StepFailure("refusing FailoverGlobalCluster with AllowDataLoss without --allow-data-loss");
      // Consent is for the data lost NOW: the lag is measured again at the moment of promotion
      // (it may have grown while the drill fenced), and an unknown lag is not consent.
      const lagMs = await aws.latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", dimensions: { DBClusterIdentifier: regionTargets(plan, plan.target).auroraClusterId }, stat: "Maximum", windowSeconds: 120 });
      const lagSeconds = lagMs === undefined ? ctx.facts.auroraLagAtFailoverSeconds : lagMs / 1000;
      if (lagSeconds === undefined) throw new StepFailure(`refusing FailoverGlobalCluster: the data it would lose cannot be measured now (no AuroraGlobalDBRPOLag in ${plan.target})`);
      if (lagSeconds > plan.maxDataLossSeconds) {
        throw new StepFailure(`refusing FailoverGlobalCluster: the lag is ${lagSeconds} s at the moment of promotion, more than the ${plan.maxDataLossSeconds} s accepted`, `AuroraGlobalDBRPOLag = ${lagSeconds} s`);
      }
      ctx.facts.auroraLagAtFailoverSeconds = lagSeconds;
      await sendOnce(ctx, "FailoverGlobalCluster", () => aws.failoverGlobalCluster(plan.target, plan.targets.globalClusterId, arn), async () => {
        const g = await globalCluster(ctx);
        return targetWrites(ctx, g) || g.failover?.toArn === arn;
      });
      ctx.note(`FailoverGlobalCluster (AllowDataLoss) called in ${plan.target} with ${lagSeconds} s of lag`);
    }
    // A switchover AWS cannot complete (its primary is unreachable) turns `cancelling` and clears
    // with the roles unchanged: stop then instead of polling until the deadline.
    let seen = !!gc.failover;
    const done = await ctx.waitFor(
      `${plan.target} to become the Aurora writer`,
      () => globalCluster(ctx),
      (g) => {
        seen ||= !!g.failover;
        return targetWrites(ctx, g) || (seen && !g.failover);
      },
      (g) => summarizeGlobalCluster(plan, g),
    );
    if (!targetWrites(ctx, done)) {
      throw new StepFailure(`the ${planned ? "switchover" : "failover"} ended without moving the writer to ${plan.target} (AWS cancelled it)`, summarizeGlobalCluster(plan, done));
    }
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

function primaryIn(ctx: StepContext, grg: Awaited<ReturnType<typeof datastore>>, region: string): boolean {
  const m = grgMember(grg, region, regionTargets(ctx.plan, region).replicationGroupId);
  return isPrimary(m?.role) && grg.status === "available";
}

export const promoteRedisStep: Step = {
  id: "promote-redis",
  title: "Promote the session store",
  timeoutSeconds: 900,
  opensOutage: true,
  describe: (plan: DrillPlan) => [
    `FailoverGlobalReplicationGroup in ${plan.target}: ${plan.targets.globalReplicationGroupId}, PrimaryRegion=${plan.target}, PrimaryReplicationGroupId=${regionTargets(plan, plan.target).replicationGroupId} (in parallel with Aurora)`,
    `poll DescribeGlobalReplicationGroups (ShowMemberInfo) in ${plan.target} until ${plan.target} is primary and the datastore is available (it is modifying meanwhile)`,
  ],
  async check(ctx) {
    const grg = await datastore(ctx);
    return { done: primaryIn(ctx, grg, ctx.plan.target), observed: summarizeGrg(grg) };
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
      await sendOnce(ctx, "FailoverGlobalReplicationGroup", () => ctx.aws.failoverGlobalReplicationGroup(plan.target, plan.targets.globalReplicationGroupId, plan.target, rg), async () => {
        const g = await datastore(ctx);
        return isPrimary(grgMember(g, plan.target, rg)?.role) || g.status === "modifying";
      });
      ctx.note(`FailoverGlobalReplicationGroup called in ${plan.target}`);
    }
    await ctx.waitFor(`${plan.target} to become the session store primary`, () => datastore(ctx), (g) => primaryIn(ctx, g, plan.target), summarizeGrg);
  },
  /**
   * The datastore moved but the database did not (its promotion failed): with a healthy source,
   * move the datastore (and the record) back so both writers stay together. With a lost source
   * there is nowhere to go back to: the report names the split instead.
   */
  async compensate(ctx) {
    const { plan, facts } = ctx;
    const roles = databaseRoles(plan.targets, await ctx.aws.describeGlobalCluster(plan.target, plan.targets.globalClusterId));
    if (roles.writer === plan.target || roles.operation) return undefined;
    const grg = await datastore(ctx);
    const rg = regionTargets(plan, plan.target).replicationGroupId;
    const moved = isPrimary(grgMember(grg, plan.target, rg)?.role) || grg.status === "modifying";
    if (!moved) return undefined;
    if (plan.mode === "unplanned" && !facts.rehearsal) return `kept in ${plan.target}: ${plan.source} is lost, so the session store cannot go back to it`;
    // A rehearsal's source is known healthy (its own fence makes its health check read unhealthy).
    if (!facts.rehearsal) {
      const health = await regionHealth(ctx, plan.source);
      if (!health.healthy) return `kept in ${plan.target}: ${plan.source} is not healthy now (${health.text})`;
    }
    const back = regionTargets(plan, plan.source).replicationGroupId;
    const settled = await ctx.waitFor("the global datastore to settle", () => datastore(ctx), (g) => g.status === "available", summarizeGrg);
    if (!primaryIn(ctx, settled, plan.source)) {
      // Called in the target region, like every promotion: it answers.
      await ctx.aws.failoverGlobalReplicationGroup(plan.target, plan.targets.globalReplicationGroupId, plan.source, back);
      await ctx.waitFor(`${plan.source} to be the session store primary again`, () => datastore(ctx), (g) => primaryIn(ctx, g, plan.source), summarizeGrg);
    }
    await pointRecordAt(ctx, plan.source);
    return `moved back: the database writer stayed in ${plan.source}, so the session store primary and its record follow it there again`;
  },
  nextCommands: (plan) => [
    cli.describeGrg(plan.target, plan.targets.globalReplicationGroupId),
    cli.failoverGrg(plan.target, plan.targets.globalReplicationGroupId, plan.target, regionTargets(plan, plan.target).replicationGroupId),
  ],
};

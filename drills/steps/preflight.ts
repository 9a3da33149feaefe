import { describeError, StepFailure, type Step, type StepContext } from "../engine";
import { readLiveState } from "../live";
import type { DrillPlan } from "../plan";
import { hasSessionPrimary } from "../topology";
import { arnSuffix, cli, grgMember, healthCommand, regionHealth, regionTargets, summarizeGlobalCluster, summarizeGrg, writerRegionOf } from "./shared";

/**
 * Read-only checks before a region drill touches anything: the live roles (kept as the state a
 * rollback returns to), that the target can take over, that the stack config can be written (so
 * the writer is never moved without being recorded), replication lag, and in unplanned mode
 * whether the source is really lost: a healthy source is refused unless it is a rehearsal.
 */

async function checkConfig(ctx: StepContext): Promise<void> {
  try {
    ctx.facts.configBefore = await ctx.config.read();
  } catch (err) {
    throw new StepFailure(
      `cannot read the stack config through ${ctx.config.description} (${describeError(err)}): the drill would move the writer and then fail to record it`,
    );
  }
}

async function checkDatabase(ctx: StepContext): Promise<boolean> {
  const { plan, aws, facts } = ctx;
  const target = regionTargets(plan, plan.target);
  const gc = await aws.describeGlobalCluster(plan.target, plan.targets.globalClusterId);
  const state = summarizeGlobalCluster(plan, gc);
  ctx.observe(state);
  facts.writerEndpoint = gc.endpoint;
  const member = gc.members.find((m) => m.clusterArn === target.auroraClusterArn);
  if (!member) throw new StepFailure(`${target.auroraClusterArn} is not a member of global cluster ${gc.id}`, state);
  const writer = writerRegionOf(plan, gc);
  facts.liveWriterRegion = writer;
  const switched = writer === plan.target;
  if (gc.failover) {
    if (gc.failover.toArn !== target.auroraClusterArn) throw new StepFailure("another switchover or failover is in progress on the global cluster", state);
    ctx.note(`a ${gc.failover.dataLossAllowed ? "failover" : "switchover"} to ${plan.target} is already ${gc.failover.status}; the promote step will resume polling it`);
  } else if (switched) {
    ctx.note(`${plan.target} already holds the writer: steps already done will find themselves done`);
  } else if (writer !== plan.source) {
    throw new StepFailure(`the writer is in ${writer ?? "no region"}, expected ${plan.source}`, state);
  } else if (gc.status !== "available") {
    const msg = `global cluster status is ${gc.status}, not available`;
    if (plan.mode === "planned") throw new StepFailure(msg, state);
    ctx.warn(msg);
  }
  if (!switched && member.synchronization && member.synchronization !== "connected") {
    const msg = `${plan.target} member synchronization is ${member.synchronization}, not connected`;
    if (plan.mode === "planned") throw new StepFailure(msg, state);
    ctx.warn(msg);
  }
  const cluster = await aws.describeDbCluster(plan.target, target.auroraClusterId);
  const ready = cluster.instances.filter((i) => i.status === "available");
  const clusterState = `cluster ${cluster.id} status=${cluster.status}; instances: ${cluster.instances.map((i) => `${i.id}@${i.availabilityZone ?? "?"} ${i.status ?? "?"}`).join(", ") || "none"}`;
  ctx.observe(clusterState);
  if (cluster.status !== "available") throw new StepFailure(`target cluster ${cluster.id} is ${cluster.status}`, clusterState);
  if (ready.length === 0) throw new StepFailure(`target cluster ${cluster.id} has no available instance (a headless secondary cannot be promoted; add an instance first)`, clusterState);
  if (new Set(ready.map((i) => i.availabilityZone)).size < 2) ctx.warn(`target cluster ${cluster.id} has available instances in fewer than 2 AZs`);
  if (plan.mode === "planned" && !switched && !gc.failover) {
    const src = await aws.describeDbCluster(plan.source, regionTargets(plan, plan.source).auroraClusterId).catch((err) => {
      throw new StepFailure(`source region ${plan.source} is not healthy (its cluster does not answer: ${describeError(err)}); a planned switchover needs both regions (use --mode unplanned)`, clusterState);
    });
    if (src.engineVersion !== cluster.engineVersion) {
      throw new StepFailure(`engine versions differ (${plan.source} ${src.engineVersion}, ${plan.target} ${cluster.engineVersion}): a managed switchover needs the same major and minor version`, clusterState);
    }
  }
  return switched || !!gc.failover;
}

async function checkSessions(ctx: StepContext): Promise<void> {
  const { plan, aws } = ctx;
  if (!hasSessionPrimary(plan.targets)) {
    ctx.note("sessions: MemoryDB Multi-Region, every region writes its own cluster: nothing to promote");
    return;
  }
  const target = regionTargets(plan, plan.target);
  const grg = await aws.describeGlobalReplicationGroup(plan.target, plan.targets.globalReplicationGroupId);
  const state = summarizeGrg(grg);
  ctx.observe(state);
  const member = grgMember(grg, plan.target, target.replicationGroupId);
  if (!member) throw new StepFailure(`${plan.target}/${target.replicationGroupId} is not a member of global datastore ${grg.id}`, state);
  if (grg.status !== "available") {
    const msg = `global datastore status is ${grg.status}, not available`;
    if (plan.mode === "planned") throw new StepFailure(msg, state);
    ctx.warn(msg);
  }
  const rg = await aws.describeReplicationGroup(plan.target, target.replicationGroupId);
  const nodes = rg.nodeGroups.reduce((n, g) => n + g.members.length, 0);
  if (rg.status !== "available") throw new StepFailure(`target replication group ${rg.id} is ${rg.status}`, `replication group ${rg.id} status=${rg.status}, ${nodes} nodes`);
  if (nodes < 2) ctx.warn(`target replication group ${rg.id} has ${nodes} node(s): no in-region failover after promotion`);
}

async function checkEntry(ctx: StepContext): Promise<void> {
  const { plan, aws } = ctx;
  const target = await regionHealth(ctx, plan.target);
  ctx.observe(target.text);
  if (target.unknown && plan.mode === "unplanned") ctx.warn(`target health not verified: ${target.text}`);
  else if (!target.healthy) throw new StepFailure(`target region ${plan.target} is not healthy`, target.text);
  ctx.note(`health: ${target.text}`);
  const t = regionTargets(plan, plan.target);
  const lb = t.albArn ? arnSuffix(t.albArn, "loadbalancer") : undefined;
  const tg = t.targetGroupArn ? arnSuffix(t.targetGroupArn, "targetgroup") : undefined;
  if (!lb || !tg) {
    ctx.warn(`no ALB/target group ARN in the topology for ${plan.target}: healthy-target capacity not checked`);
    return;
  }
  const healthy = await aws.latestMetric({ region: plan.target, namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount", dimensions: { LoadBalancer: lb, TargetGroup: tg }, stat: "Minimum" });
  if (healthy === undefined) ctx.warn(`no HealthyHostCount datapoints for ${tg} in the last 5 minutes`);
  else if (healthy < t.minHealthyTargets) {
    throw new StepFailure(`target region has ${healthy} healthy targets, needs ${t.minHealthyTargets} to carry all traffic`, `HealthyHostCount(${tg}) = ${healthy}`);
  } else ctx.note(`${plan.target}: ${healthy} healthy targets (need ${t.minHealthyTargets})`);
}

/**
 * Planned: the source must be healthy (a switchover needs it). Unplanned: a source whose entry is
 * healthy and whose writer cluster answers is not lost; failing it over with data loss is refused
 * unless the operator said it is a rehearsal (AWS's guidance: switch over when you can).
 */
async function checkSource(ctx: StepContext, switched: boolean): Promise<void> {
  const { plan, aws, facts } = ctx;
  const entry = await regionHealth(ctx, plan.source);
  if (plan.mode === "planned") {
    if (!entry.healthy && !switched) throw new StepFailure(`source region ${plan.source} is not healthy; a planned switchover needs both regions (use --mode unplanned)`, entry.text);
    ctx.note(`source: ${entry.text}`);
    return;
  }
  // Lost only when every one of several reads, spaced over a bounded window, finds the writer
  // unreachable. Any answer (backing-up, modifying, ... included) means it is alive, and a
  // throttled read is no evidence at all: neither may ever lead to a failover.
  const reads = await sourceReads(ctx);
  const clusterOk = !reads.lost;
  const cluster = reads.text;
  // The writer decides: an unhealthy entry in front of a writer that answers is a slow or broken
  // region (the drain's job), not a lost writer.
  facts.sourceHealthy = clusterOk;
  facts.sourceHealth = `${entry.text}; ${cluster}`;
  ctx.observe(`source ${plan.source}: ${facts.sourceHealth}`);
  if (switched) return;
  if (facts.sourceHealthy && !plan.rehearsal) {
    throw new StepFailure(
      `source region ${plan.source} is healthy (${facts.sourceHealth}): a planned switchover moves the writer with no data loss (--mode planned); to rehearse an unplanned failover against a healthy region add --rehearsal`,
      facts.sourceHealth,
    );
  }
  facts.rehearsal = facts.sourceHealthy && plan.rehearsal;
  ctx.note(facts.rehearsal ? `rehearsal: ${plan.source} is healthy; every change will be undone if the drill fails before the writer moves` : `${plan.source} looks lost: ${facts.sourceHealth}`);
}

/** How the unplanned drill samples the old writer before declaring it lost. */
export const SOURCE_READS = { count: 3, intervalSeconds: 10 } as const;

const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|Rate exceeded/i;

/**
 * Reads the source cluster SOURCE_READS.count times, SOURCE_READS.intervalSeconds apart. The
 * writer is lost only if every read failed to reach it (timeout, connection error, 5xx); a read
 * that answers with any status, or that was throttled, keeps it alive.
 */
export async function sourceReads(ctx: StepContext): Promise<{ lost: boolean; text: string }> {
  const { plan, aws } = ctx;
  const id = regionTargets(plan, plan.source).auroraClusterId;
  const seen: string[] = [];
  let unreachable = 0;
  for (let i = 0; i < SOURCE_READS.count; i++) {
    if (i > 0) await ctx.clock.sleep(SOURCE_READS.intervalSeconds * 1000);
    try {
      const c = await aws.describeDbCluster(plan.source, id);
      seen.push(`read ${i + 1}: ${c.status}`);
    } catch (err) {
      const text = describeError(err);
      if (THROTTLED.test(text)) seen.push(`read ${i + 1}: throttled (no evidence)`);
      else {
        unreachable++;
        seen.push(`read ${i + 1}: unreachable (${text})`);
      }
    }
  }
  const lost = unreachable === SOURCE_READS.count;
  return { lost, text: `cluster ${id} ${lost ? "unreachable" : "alive"} over ${SOURCE_READS.count} reads in ${(SOURCE_READS.count - 1) * SOURCE_READS.intervalSeconds} s (${seen.join("; ")})` };
}

async function checkLag(ctx: StepContext): Promise<void> {
  const { plan, aws, facts } = ctx;
  const t = regionTargets(plan, plan.target);
  const dims = { DBClusterIdentifier: t.auroraClusterId };
  // RPO lag is the PostgreSQL metric; replication lag the fallback that both engines publish.
  let ms = await aws.latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", dimensions: dims, stat: "Maximum" });
  if (ms === undefined) ms = await aws.latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBReplicationLag", dimensions: dims, stat: "Maximum" });
  if (ms === undefined) ctx.warn(`no Aurora global lag datapoints for ${t.auroraClusterId}: the data loss cannot be estimated`);
  else facts.auroraLagSeconds = ms / 1000;
  // Only a single-primary session store loses its unreplicated writes in a promotion; MemoryDB
  // Multi-Region is not promoted (every region keeps writing its own cluster).
  if (hasSessionPrimary(plan.targets)) {
    const rg = await aws.describeReplicationGroup(plan.target, t.replicationGroupId);
    const lags: number[] = [];
    for (const id of rg.memberClusters) {
      const v = await aws.latestMetric({ region: plan.target, namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag", dimensions: { CacheClusterId: id }, stat: "Maximum" });
      if (v !== undefined) lags.push(v);
    }
    if (lags.length === 0) ctx.warn(`no GlobalDatastoreReplicationLag datapoints for ${t.replicationGroupId}`);
    else facts.redisLagSeconds = Math.max(...lags);
  }
  const worst = Math.max(facts.auroraLagSeconds ?? 0, facts.redisLagSeconds ?? 0);
  const lagText = `Aurora ${facts.auroraLagSeconds ?? "?"} s, sessions ${facts.redisLagSeconds ?? "?"} s`;
  if (plan.mode === "planned") {
    const state = `lag: ${lagText}; RPO objective ${plan.objective.rpoSeconds} s`;
    ctx.observe(state);
    ctx.note(state);
    if (worst > plan.objective.rpoSeconds) throw new StepFailure(`replication lag ${worst} s exceeds the RPO objective of ${plan.objective.rpoSeconds} s`, state);
    return;
  }
  if (!plan.allowDataLoss) throw new StepFailure("internal: an unplanned failover needs --allow-data-loss (the CLI checks this first)");
  const state = `expected data loss (replication lag now): ${lagText}; accepted up to ${plan.maxDataLossSeconds} s (--allow-data-loss${plan.maxDataLossSeconds !== plan.objective.rpoSeconds ? " --max-data-loss" : ", the RPO objective"})`;
  ctx.observe(state);
  ctx.note(state);
  if (worst > plan.maxDataLossSeconds) {
    throw new StepFailure(`the measured lag of ${worst} s is more data loss than accepted (${plan.maxDataLossSeconds} s); re-run with --max-data-loss ${Math.ceil(worst)} if the business accepts losing it`, state);
  }
}

export const preflightStep: Step = {
  id: "preflight",
  title: "Preflight checks",
  timeoutSeconds: 180,
  describe: (plan: DrillPlan) => [
    `read the live roles in ${plan.target} (DescribeGlobalClusters, DescribeGlobalReplicationGroups) and the dials; expect the writer in ${plan.source} (${plan.sourceFrom})`,
    `check ${plan.target}: Aurora cluster available with instances, replication group available, entry healthy, healthy targets; the stack config is readable`,
    plan.mode === "planned"
      ? `check ${plan.source} is healthy and replication lag (CloudWatch, ${plan.target}) is under the RPO objective of ${plan.objective.rpoSeconds} s`
      : `measure the lag (the data that will be lost) and refuse more than ${plan.maxDataLossSeconds} s; refuse a healthy ${plan.source} unless --rehearsal`,
  ],
  async run(ctx) {
    await checkConfig(ctx);
    const { plan } = ctx;
    ctx.facts.initial = await readLiveState(ctx.aws, plan.targets, plan.target, [plan.source, plan.target]);
    for (const [r, d] of Object.entries(ctx.facts.initial.dials)) if (d !== undefined) ctx.facts.dials[r] = d;
    ctx.facts.recordRegion = ctx.facts.initial.recordRegion;
    const switched = await checkDatabase(ctx);
    await checkSessions(ctx);
    await checkEntry(ctx);
    await checkSource(ctx, switched);
    if (!switched) await checkLag(ctx);
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [
      cli.describeGlobalCluster(plan.target, plan.targets.globalClusterId),
      ...(hasSessionPrimary(plan.targets) ? [cli.describeGrg(plan.target, plan.targets.globalReplicationGroupId)] : []),
      healthCommand(plan, plan.target),
      healthCommand(plan, plan.source),
      cli.lag(plan.target, "AWS/RDS", "AuroraGlobalDBRPOLag", "DBClusterIdentifier", t.auroraClusterId),
    ];
  },
};

/** Unplanned drills open the RTO window at preflight: the outage started before the drill. */
export const unplannedPreflightStep: Step = { ...preflightStep, opensOutage: true };

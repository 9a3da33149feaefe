import { StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { arnSuffix, cli, grgMember, healthCommand, regionHealth, regionTargets, summarizeGlobalCluster, summarizeGrg, writerRegionOf } from "./shared";

/**
 * Read-only checks before a region drill touches anything: where the writer is, that the target
 * can take over (cluster with instances, replication group, healthy entry, enough healthy targets),
 * that the global cluster and datastore are in sync, and that replication lag is under the RPO
 * objective. In unplanned mode the source may be down, so its checks only record what they see.
 */

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
    ctx.note(`a promotion of ${plan.target} is already in progress (${gc.failover.status}); the promote step will resume polling it`);
  } else if (switched) {
    ctx.note(`${plan.target} already holds the writer: promotion steps will find themselves done`);
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
  if (plan.mode === "planned" && !switched) {
    const src = await aws.describeDbCluster(plan.source, regionTargets(plan, plan.source).auroraClusterId);
    if (src.engineVersion !== cluster.engineVersion) {
      throw new StepFailure(`engine versions differ (${plan.source} ${src.engineVersion}, ${plan.target} ${cluster.engineVersion}): a managed switchover needs the same major and minor version`, clusterState);
    }
  }
  return switched;
}

async function checkSessions(ctx: StepContext): Promise<void> {
  const { plan, aws } = ctx;
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
  const source = await regionHealth(ctx, plan.source);
  if (plan.mode === "planned" && !source.healthy && ctx.facts.liveWriterRegion !== plan.target) {
    throw new StepFailure(`source region ${plan.source} is not healthy; a planned switchover needs both regions (use --mode unplanned)`, source.text);
  }
  ctx.note(`health: ${target.text}; ${source.text}`);
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

async function checkLag(ctx: StepContext): Promise<void> {
  const { plan, aws, facts } = ctx;
  const t = regionTargets(plan, plan.target);
  const dims = { DBClusterIdentifier: t.auroraClusterId };
  // RPO lag is the PostgreSQL metric; replication lag the fallback that both engines publish.
  let ms = await aws.latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", dimensions: dims, stat: "Maximum" });
  if (ms === undefined) ms = await aws.latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBReplicationLag", dimensions: dims, stat: "Maximum" });
  if (ms === undefined) ctx.warn(`no Aurora global lag datapoints for ${t.auroraClusterId}`);
  else facts.auroraLagSeconds = ms / 1000;
  const rg = await aws.describeReplicationGroup(plan.target, t.replicationGroupId);
  const lags: number[] = [];
  for (const id of rg.memberClusters) {
    const v = await aws.latestMetric({ region: plan.target, namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag", dimensions: { CacheClusterId: id }, stat: "Maximum" });
    if (v !== undefined) lags.push(v);
  }
  if (lags.length === 0) ctx.warn(`no GlobalDatastoreReplicationLag datapoints for ${t.replicationGroupId}`);
  else facts.redisLagSeconds = Math.max(...lags);
  const state = `lag: Aurora ${facts.auroraLagSeconds ?? "?"} s, sessions ${facts.redisLagSeconds ?? "?"} s; RPO objective ${plan.objective.rpoSeconds} s`;
  ctx.observe(state);
  ctx.note(state);
  const worst = Math.max(facts.auroraLagSeconds ?? 0, facts.redisLagSeconds ?? 0);
  if (worst > plan.objective.rpoSeconds) throw new StepFailure(`replication lag ${worst} s exceeds the RPO objective of ${plan.objective.rpoSeconds} s`, state);
}

export const preflightStep: Step = {
  id: "preflight",
  title: "Preflight checks",
  timeoutSeconds: 180,
  describe: (plan: DrillPlan) => [
    `read the global cluster and datastore in ${plan.target}; expect the writer in ${plan.source}`,
    `check ${plan.target}: Aurora cluster available with instances, replication group available, entry healthy, healthy targets`,
    `check replication lag (CloudWatch, ${plan.target}) under the RPO objective of ${plan.objective.rpoSeconds} s`,
  ],
  async run(ctx) {
    const switched = await checkDatabase(ctx);
    await checkSessions(ctx);
    await checkEntry(ctx);
    if (!switched) await checkLag(ctx);
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [
      cli.describeGlobalCluster(plan.target, plan.targets.globalClusterId),
      cli.describeGrg(plan.target, plan.targets.globalReplicationGroupId),
      healthCommand(plan, plan.target),
      cli.lag(plan.target, "AWS/RDS", "AuroraGlobalDBRPOLag", "DBClusterIdentifier", t.auroraClusterId),
    ];
  },
};

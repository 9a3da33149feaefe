import type { DbClusterView, ReplicationGroupView } from "../aws";
import { StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { hasSessionPrimary } from "../topology";
import { cli, regionHealth, regionTargets } from "./shared";

/**
 * In-region AZ drill: move the Aurora writer and the session store primary out of one AZ, as an
 * AZ loss would (FailoverDBCluster to a reader in another AZ, TestFailover on the node group).
 * A step whose writer/primary already lives elsewhere is done: that is also what makes re-runs safe.
 */

const az = (plan: DrillPlan) => plan.az ?? "";

function clusterText(c: DbClusterView): string {
  return `cluster ${c.id} status=${c.status}; ${c.instances.map((i) => `${i.id}@${i.availabilityZone ?? "?"}${i.isWriter ? " (writer)" : ""} ${i.status ?? ""}`.trim()).join(", ")}`;
}

function primaryOf(rg: ReplicationGroupView) {
  const group = rg.nodeGroups[0];
  return { group, primary: group?.members.find((m) => (m.role ?? "").toLowerCase() === "primary") };
}

function rgText(rg: ReplicationGroupView): string {
  return `replication group ${rg.id} status=${rg.status}; ${rg.nodeGroups.map((g) => `${g.id}: ${g.members.map((m) => `${m.cacheClusterId ?? "?"}@${m.availabilityZone ?? "?"} ${m.role ?? "?"}`).join(", ")}`).join("; ")}`;
}

async function cluster(ctx: StepContext) {
  return ctx.aws.describeDbCluster(ctx.plan.target, regionTargets(ctx.plan, ctx.plan.target).auroraClusterId);
}
async function group(ctx: StepContext) {
  return ctx.aws.describeReplicationGroup(ctx.plan.target, regionTargets(ctx.plan, ctx.plan.target).replicationGroupId);
}

function failoverCandidate(c: DbClusterView, lostAz: string) {
  return c.instances
    .filter((i) => !i.isWriter && i.availabilityZone !== lostAz && i.status === "available")
    .sort((a, b) => (a.promotionTier ?? 15) - (b.promotionTier ?? 15))[0];
}

export const azPreflightStep: Step = {
  id: "preflight",
  title: "Preflight checks",
  timeoutSeconds: 120,
  describe: (plan) => [
    hasSessionPrimary(plan.targets)
      ? `check that ${plan.target}'s Aurora cluster and replication group have a member outside ${az(plan)} to take over`
      : `check that ${plan.target}'s Aurora cluster has a member outside ${az(plan)} to take over (MemoryDB Multi-Region: the drill does not move its shard primaries)`,
  ],
  async run(ctx) {
    const c = await cluster(ctx);
    ctx.observe(clusterText(c));
    if (c.status !== "available") throw new StepFailure(`cluster ${c.id} is ${c.status}`, clusterText(c));
    const writer = c.instances.find((i) => i.isWriter);
    if (writer?.availabilityZone === az(ctx.plan) && !failoverCandidate(c, az(ctx.plan))) {
      throw new StepFailure(`no available reader outside ${az(ctx.plan)}: an AZ loss would take the writer down for minutes`, clusterText(c));
    }
    if (!writer) ctx.note(`${c.id} has no writer instance here (a global secondary): the AZ loss affects its readers only`);
    if (!hasSessionPrimary(ctx.plan.targets)) {
      ctx.note(`${clusterText(c)}; sessions: MemoryDB Multi-Region, its shard primaries are not moved by this drill`);
      return;
    }
    const rg = await group(ctx);
    ctx.observe(rgText(rg));
    if (rg.status !== "available") throw new StepFailure(`replication group ${rg.id} is ${rg.status}`, rgText(rg));
    const { group: g, primary } = primaryOf(rg);
    if (primary?.availabilityZone === az(ctx.plan) && !g?.members.some((m) => m !== primary && m.availabilityZone !== az(ctx.plan))) {
      throw new StepFailure(`no replica outside ${az(ctx.plan)} in ${rg.id}`, rgText(rg));
    }
    ctx.note(`${clusterText(c)}; ${rgText(rg)}`);
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [cli.describeCluster(plan.target, t.auroraClusterId), ...(hasSessionPrimary(plan.targets) ? [cli.describeRg(plan.target, t.replicationGroupId)] : [])];
  },
};

export const auroraAzStep: Step = {
  id: "aurora-az-failover",
  title: "Move the Aurora writer out of the AZ",
  timeoutSeconds: 600,
  opensOutage: true,
  describe: (plan) => [
    `if the writer of ${regionTargets(plan, plan.target).auroraClusterId} is in ${az(plan)}: FailoverDBCluster in ${plan.target} to the lowest-tier reader elsewhere`,
    "poll DescribeDBClusters/DescribeDBInstances until the writer is outside the AZ and the cluster is available",
  ],
  async check(ctx) {
    const c = await cluster(ctx);
    const writer = c.instances.find((i) => i.isWriter);
    const elsewhere = !writer || (writer.availabilityZone !== az(ctx.plan) && c.status === "available");
    return { done: elsewhere, observed: clusterText(c) };
  },
  async run(ctx) {
    const c = await cluster(ctx);
    const target = failoverCandidate(c, az(ctx.plan));
    if (!target) throw new StepFailure(`no available reader outside ${az(ctx.plan)}`, clusterText(c));
    await ctx.aws.failoverDbCluster(ctx.plan.target, c.id, target.id);
    ctx.note(`FailoverDBCluster ${c.id} -> ${target.id} (${target.availabilityZone})`);
    await ctx.waitFor(
      `the writer to leave ${az(ctx.plan)}`,
      () => cluster(ctx),
      (x) => x.status === "available" && x.instances.some((i) => i.isWriter && i.availabilityZone !== az(ctx.plan)),
      clusterText,
      5,
    );
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [cli.describeCluster(plan.target, t.auroraClusterId), cli.failoverDbCluster(plan.target, t.auroraClusterId, "<reader-outside-the-az>")];
  },
};

export const redisAzStep: Step = {
  id: "redis-az-failover",
  title: "Move the session store primary out of the AZ",
  timeoutSeconds: 900,
  opensOutage: true,
  describe: (plan) => [
    `if the primary of ${regionTargets(plan, plan.target).replicationGroupId} is in ${az(plan)}: TestFailover in ${plan.target} on its node group (quota: 5 per rolling 24 h)`,
    "poll DescribeReplicationGroups until the primary is outside the AZ and the group is available",
  ],
  async check(ctx) {
    const rg = await group(ctx);
    const { primary } = primaryOf(rg);
    return { done: rg.status === "available" && !!primary && primary.availabilityZone !== az(ctx.plan), observed: rgText(rg) };
  },
  async run(ctx) {
    const rg = await group(ctx);
    const { group: g } = primaryOf(rg);
    if (!g) throw new StepFailure(`replication group ${rg.id} has no node group`, rgText(rg));
    await ctx.aws.testFailover(ctx.plan.target, rg.id, g.id);
    ctx.note(`TestFailover ${rg.id} node group ${g.id}`);
    await ctx.waitFor(
      `the primary to leave ${az(ctx.plan)}`,
      () => group(ctx),
      (x) => {
        const p = primaryOf(x).primary;
        return x.status === "available" && !!p && p.availabilityZone !== az(ctx.plan);
      },
      rgText,
      5,
    );
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [cli.describeRg(plan.target, t.replicationGroupId), cli.testFailover(plan.target, t.replicationGroupId, "0001")];
  },
};

export const azVerifyStep: Step = {
  id: "verify",
  title: "Verify the region",
  timeoutSeconds: 300,
  closesOutage: true,
  describe: (plan) => [`poll until the cluster${hasSessionPrimary(plan.targets) ? " and replication group" : ""} of ${plan.target} are available with writer/primary outside ${az(plan)}`],
  async run(ctx) {
    const sessions = hasSessionPrimary(ctx.plan.targets);
    const v = await ctx.waitFor(
      "the region to settle",
      async () => ({ c: await cluster(ctx), rg: sessions ? await group(ctx) : undefined }),
      ({ c, rg }) => c.status === "available" && (!rg || rg.status === "available"),
      ({ c, rg }) => `${clusterText(c)}${rg ? `; ${rgText(rg)}` : ""}`,
      5,
    );
    ctx.note(`${clusterText(v.c)}${v.rg ? `; ${rgText(v.rg)}` : ""}`);
    const t = regionTargets(ctx.plan, ctx.plan.target);
    if (t.endpointGroupArn || t.healthCheckId) {
      const h = await regionHealth(ctx, ctx.plan.target);
      if (!h.healthy) throw new StepFailure(`${ctx.plan.target} entry is not healthy after the AZ drill`, h.text);
      ctx.note(h.text);
    }
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [cli.describeCluster(plan.target, t.auroraClusterId), ...(hasSessionPrimary(plan.targets) ? [cli.describeRg(plan.target, t.replicationGroupId)] : [])];
  },
};

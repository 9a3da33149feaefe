import type { IngressRuleView } from "../aws";
import { describeError, StepFailure, type FenceResult, type Step, type StepContext } from "../engine";
import { databaseRoles } from "../live";
import type { DrillPlan } from "../plan";
import { dialBefore, endpointGroup, setDial } from "./dials";
import { cli, controlPlaneNote, regionTargets } from "./shared";

/**
 * Fencing: before an unplanned failover promotes the secondary, the old writer is taken out of
 * service, because AWS's unplanned-failover procedure starts by stopping writes to the old primary
 * and Aurora's own fencing of a demoted primary is best-effort.
 *
 * - Data tier: every app ingress rule of the old writer's Aurora and session-store security groups
 *   is rewritten in place (ModifySecurityGroupRules, same rule id) to admit port 1 instead of the
 *   store's port, so no new connection from any region reaches the old writer. The original port
 *   and description are kept in the rule's description, so the failback drill (or `pulumi up
 *   --refresh`, which sees an in-place update of the same rule) restores them. A security group
 *   change does not cut connections that are already open (EC2 User Guide, security group
 *   connection tracking): the report says so.
 * - Entry: traffic dial 0 (Global Accelerator) or the region's health check inverted (Route 53),
 *   so users stop landing in the lost region even while its shallow health still passes.
 *
 * In a real outage the lost region's EC2 API may not answer: the step records what it could not
 * fence and goes on (the region is down, and waiting does not bring it back). In a rehearsal of a
 * healthy region a database that cannot be fenced stops the drill: failing over a writer that
 * still takes writes would lose them.
 */

export const FENCE_PORT = 1;
const MARK = "ha-blueprint fence";
const MARKED = /^ha-blueprint fence \(port (\d+)-(\d+)\): ?(.*)$/s;

export function isFenced(rule: IngressRuleView): boolean {
  return MARKED.test(rule.description ?? "");
}

function admits(rule: IngressRuleView, port: number): boolean {
  return (rule.protocol === "tcp" || rule.protocol === "6") && rule.fromPort <= port && port <= rule.toPort;
}

export function fencedRule(rule: IngressRuleView): IngressRuleView {
  return { ...rule, fromPort: FENCE_PORT, toPort: FENCE_PORT, description: `${MARK} (port ${rule.fromPort}-${rule.toPort}): ${rule.description ?? ""}`.slice(0, 255) };
}

export function unfencedRule(rule: IngressRuleView): IngressRuleView {
  const m = MARKED.exec(rule.description ?? "");
  if (!m) return rule;
  return { ...rule, fromPort: Number(m[1]), toPort: Number(m[2]), description: m[3] };
}

interface Guarded {
  readonly part: "database" | "sessions";
  readonly group?: string;
  readonly port: number;
}

function dataGroups(plan: DrillPlan, region: string): Guarded[] {
  const t = regionTargets(plan, region);
  return [
    { part: "database", group: t.dbSecurityGroupId, port: plan.targets.databasePort },
    { part: "sessions", group: t.cacheSecurityGroupId, port: plan.targets.sessionsPort },
  ];
}

async function fenceGroup(ctx: StepContext, region: string, g: Guarded): Promise<FenceResult> {
  if (!g.group) return { ok: false, detail: `no ${g.part} security group in the topology` };
  const rules = await ctx.aws.ingressRules(region, g.group);
  const open = rules.filter((r) => admits(r, g.port) && !isFenced(r));
  const wide = rules.filter((r) => r.protocol === "-1");
  if (open.length > 0) {
    ctx.facts.fencedRules.push({ region, group: g.group, rules: open });
    await ctx.aws.modifyIngressRules(region, g.group, open.map(fencedRule));
  }
  const done = rules.filter(isFenced).length;
  const detail = `${g.group} (${region}): ${open.length} ingress rule(s) on port ${g.port} moved to port ${FENCE_PORT}${done > 0 ? `, ${done} already fenced` : ""}`;
  if (wide.length > 0) return { ok: false, detail: `${detail}; ${wide.length} rule(s) admit every protocol and cannot be fenced by port: ${wide.map((r) => r.id).join(", ")}` };
  return { ok: true, detail };
}

async function liftGroup(ctx: StepContext, region: string, g: Guarded): Promise<string | undefined> {
  if (!g.group) return undefined;
  const fenced = (await ctx.aws.ingressRules(region, g.group)).filter(isFenced);
  if (fenced.length === 0) return undefined;
  await ctx.aws.modifyIngressRules(region, g.group, fenced.map(unfencedRule));
  return `${g.group} (${region}): ${fenced.length} rule(s) back on port ${g.port}`;
}

async function fenceEntry(ctx: StepContext, region: string): Promise<FenceResult> {
  const { plan } = ctx;
  if (plan.targets.routingMode === "accelerator") {
    await setDial(ctx, region, 0);
    return { ok: true, detail: `${region} traffic dial 0% (${controlPlaneNote(plan, "globalAccelerator")})` };
  }
  const hc = regionTargets(plan, region).healthCheckId;
  if (!hc) return { ok: false, detail: `no Route 53 health check for ${region} in the topology` };
  if (!(await ctx.aws.healthCheckInverted(hc))) await ctx.aws.setHealthCheckInverted(hc, true);
  return { ok: true, detail: `${region} health check ${hc} inverted: its latency record stops answering (${controlPlaneNote(plan, "route53")})` };
}

async function liftEntry(ctx: StepContext, region: string, dial: number): Promise<string | undefined> {
  const { plan } = ctx;
  if (plan.targets.routingMode === "accelerator") {
    await setDial(ctx, region, dial);
    return `${region} traffic dial ${dial}%`;
  }
  const hc = regionTargets(plan, region).healthCheckId;
  if (!hc || !(await ctx.aws.healthCheckInverted(hc))) return undefined;
  await ctx.aws.setHealthCheckInverted(hc, false);
  return `${region} health check ${hc} no longer inverted`;
}

export const fenceStep: Step = {
  id: "fence",
  title: "Fence the old writer",
  timeoutSeconds: 240,
  describe: (plan) => [
    `rewrite the app ingress of ${plan.source}'s Aurora and session-store security groups to port ${FENCE_PORT} (ModifySecurityGroupRules in ${plan.source}): no new connection reaches the old writer`,
    plan.targets.routingMode === "accelerator"
      ? `set ${plan.source}'s traffic dial to 0% (${controlPlaneNote(plan, "globalAccelerator")})`
      : `invert ${plan.source}'s Route 53 health check (${controlPlaneNote(plan, "route53")})`,
    "what cannot be fenced (the lost region's API does not answer) is reported; in a rehearsal an unfenced database stops the drill",
  ],
  async run(ctx) {
    const { plan, facts } = ctx;
    for (const g of dataGroups(plan, plan.source)) {
      facts.fence[g.part] = await fenceGroup(ctx, plan.source, g).catch((err) => ({ ok: false, detail: `${g.group ?? g.part} (${plan.source}): ${describeError(err)}` }));
    }
    facts.fence.entry = await fenceEntry(ctx, plan.source).catch((err) => ({ ok: false, detail: `${plan.source} entry: ${describeError(err)}` }));
    for (const [part, r] of Object.entries(facts.fence)) (r.ok ? ctx.note : ctx.warn)(`${r.ok ? "fenced" : "NOT fenced"} ${part}: ${r.detail}`);
    const missed = Object.entries(facts.fence).filter(([, r]) => !r.ok).map(([part]) => part);
    if (missed.length > 0) ctx.incomplete(`NOT fenced: ${missed.join(", ")} of ${plan.source} (see the warnings)`);
    ctx.note("connections already open to the old writer are not cut by a security group change (EC2 connection tracking); Aurora's fencing of the demoted primary is best-effort");
    const unfenced = ["database", "sessions"].filter((p) => !facts.fence[p]?.ok);
    if (facts.rehearsal && unfenced.length > 0) {
      throw new StepFailure(`could not fence the ${unfenced.join(" and ")} of ${plan.source}, which is healthy: failing over now would lose the writes it still takes`, unfenced.map((p) => facts.fence[p].detail).join("; "));
    }
    // Once nothing writes to the old primary the secondary catches up: this is the loss if it failed now.
    const lag = await ctx.aws
      .latestMetric({ region: plan.target, namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", dimensions: { DBClusterIdentifier: regionTargets(plan, plan.target).auroraClusterId }, stat: "Maximum" })
      .catch(() => undefined);
    if (lag !== undefined) {
      facts.auroraLagAtFailoverSeconds = lag / 1000;
      ctx.note(`Aurora lag after fencing: ${lag / 1000} s`);
    }
  },
  /**
   * A lost region stays fenced. A healthy one (rehearsal) is unfenced unless a failover is still
   * running: if the writer never left, the fence only blocks it; if the failover finished, the old
   * writer is a demoted secondary that must serve reads. It reads the rules back rather than
   * trusting what the step recorded, because a change that timed out may still have been applied.
   */
  async compensate(ctx) {
    const { plan, facts } = ctx;
    if (!facts.rehearsal) {
      const anything = Object.values(facts.fence).some((r) => r.ok) || facts.fencedRules.length > 0;
      return anything ? `kept: ${plan.source} is treated as lost; the fence stays until the failback drill lifts it` : undefined;
    }
    const roles = databaseRoles(plan.targets, await ctx.aws.describeGlobalCluster(plan.target, plan.targets.globalClusterId));
    if (roles.operation || !roles.writer) return `kept: a ${roles.operation?.kind ?? "role change"} is still running; lifting the fence now could let ${plan.source} take writes`;
    const lifted: string[] = [];
    for (const g of dataGroups(plan, plan.source)) {
      const done = await liftGroup(ctx, plan.source, g);
      if (done) lifted.push(done);
    }
    const eg = plan.targets.routingMode === "accelerator" ? await endpointGroup(ctx, plan.source) : undefined;
    if (!eg || eg.trafficDial === 0) {
      const entry = await liftEntry(ctx, plan.source, dialBefore(ctx, plan.source));
      if (entry) lifted.push(entry);
    }
    if (lifted.length === 0) return undefined;
    const why = roles.writer === plan.source ? `the writer never left ${plan.source}` : `${plan.source} is a demoted secondary now`;
    return `lifted (${why}): ${lifted.join("; ")}`;
  },
  nextCommands: (plan) => {
    const s = regionTargets(plan, plan.source);
    return [
      ...[s.dbSecurityGroupId, s.cacheSecurityGroupId].filter((g): g is string => !!g).map((g) => cli.describeRules(plan.source, g)),
      plan.targets.routingMode === "accelerator" ? cli.setDial(s.endpointGroupArn ?? "<endpoint-group-arn>", 0) : cli.invertHealthCheck(s.healthCheckId ?? "<health-check-id>", true),
    ];
  },
};

/**
 * Planned drills (failback above all): a region fenced by an earlier unplanned failover must
 * admit the app again before it becomes the writer, and take traffic through its health check.
 */
export const liftFenceStep: Step = {
  id: "lift-fence",
  title: "Lift an earlier fence from the new writer region",
  timeoutSeconds: 180,
  describe: (plan) => [
    `restore the app ingress of ${plan.target}'s data security groups if an earlier failover fenced them`,
    ...(plan.targets.routingMode === "route53" ? [`un-invert ${plan.target}'s Route 53 health check if it is inverted`] : []),
  ],
  async check(ctx) {
    const { plan } = ctx;
    const fenced: string[] = [];
    for (const g of dataGroups(plan, plan.target)) {
      if (g.group && (await ctx.aws.ingressRules(plan.target, g.group)).some(isFenced)) fenced.push(g.group);
    }
    for (const g of fenced) if (!ctx.facts.initialFenced.includes(g)) ctx.facts.initialFenced.push(g);
    const hc = regionTargets(plan, plan.target).healthCheckId;
    if (plan.targets.routingMode === "route53" && hc && (await ctx.aws.healthCheckInverted(hc))) fenced.push(hc);
    return { done: fenced.length === 0, observed: fenced.length === 0 ? `${plan.target} is not fenced` : `fenced: ${fenced.join(", ")}` };
  },
  async run(ctx) {
    const { plan } = ctx;
    for (const g of dataGroups(plan, plan.target)) {
      const done = await liftGroup(ctx, plan.target, g);
      if (done) ctx.note(`lifted ${done}`);
    }
    if (plan.targets.routingMode === "route53") {
      const done = await liftEntry(ctx, plan.target, 100);
      if (done) ctx.note(done);
    }
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    return [t.dbSecurityGroupId, t.cacheSecurityGroupId].filter((g): g is string => !!g).map((g) => cli.describeRules(plan.target, g));
  },
};

/**
 * Rehearsal only: once the target writes and the old primary is demoted, the healthy old writer is
 * a secondary that must serve its region's reads again, so its fence comes off and its traffic
 * returns. A lost region stays fenced and drained until the failback drill.
 */
export const unfenceSourceStep: Step = {
  id: "unfence-source",
  title: "Lift the fence from the old writer (rehearsal)",
  timeoutSeconds: 240,
  describe: (plan) => [
    `rehearsal of a healthy ${plan.source} only: restore its data security groups and ${plan.targets.routingMode === "accelerator" ? "its traffic dial" : "its health check"}; a lost region stays fenced until the failback drill`,
  ],
  async check(ctx) {
    return ctx.facts.rehearsal ? { done: false, observed: "" } : { done: true, observed: `${ctx.plan.source} is lost: it stays fenced until the failback drill` };
  },
  async run(ctx) {
    const { plan } = ctx;
    const roles = databaseRoles(plan.targets, await ctx.aws.describeGlobalCluster(plan.target, plan.targets.globalClusterId));
    if (roles.writer !== plan.target || roles.operation) throw new StepFailure(`the writer is not settled in ${plan.target}: the fence on ${plan.source} stays`);
    for (const g of dataGroups(plan, plan.source)) {
      const done = await liftGroup(ctx, plan.source, g);
      if (done) ctx.note(`lifted ${done}`);
    }
    const entry = await liftEntry(ctx, plan.source, dialBefore(ctx, plan.source));
    if (entry) ctx.note(entry);
  },
  nextCommands: (plan) => {
    const s = regionTargets(plan, plan.source);
    return [
      ...[s.dbSecurityGroupId, s.cacheSecurityGroupId].filter((g): g is string => !!g).map((g) => cli.describeRules(plan.source, g)),
      plan.targets.routingMode === "accelerator" ? cli.setDial(s.endpointGroupArn ?? "<endpoint-group-arn>", 100) : cli.invertHealthCheck(s.healthCheckId ?? "<health-check-id>", false),
    ];
  },
};

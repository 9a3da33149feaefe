import type { DrillAws, IngressRuleView } from "./aws";
import { describeError, type DrillFacts, type EngineResult } from "./engine";
import { readLiveState, type LiveState } from "./live";
import type { DrillPlan } from "./plan";
import { isFenced, unfencedRule } from "./steps/fence";
import { cli, regionTargets } from "./steps/shared";

/**
 * Where the drill left things, read back from AWS after the last step (and after compensation),
 * and what a person does next. `problems` lists every unsafe or surprising part of that state in
 * plain words; every problem comes with the command that fixes it.
 */

export interface FinalState {
  readonly writer: { readonly database: string | null; readonly sessions: string | null };
  /** A switchover or failover still running when the drill ended. */
  readonly databaseOperation?: string;
  readonly dials: Readonly<Record<string, number | null>>;
  /** Region whose primary endpoint the session-writer record names; null when unknown. */
  readonly sessionRecord?: string | null;
  /** Data security groups whose app ingress is fenced, per region. */
  readonly fenced: Readonly<Record<string, readonly string[]>>;
  /** What is off about this state, one sentence each. */
  readonly problems: readonly string[];
  /** What is deliberate about it (a drained or fenced region that is meant to be). */
  readonly notes: readonly string[];
}

export type Outcome = "succeeded" | "rolled-back" | "stopped";

async function fencedGroups(aws: DrillAws, plan: DrillPlan, region: string): Promise<{ groups: string[]; rules: Array<{ group: string; rules: IngressRuleView[] }>; unknown?: string }> {
  const t = regionTargets(plan, region);
  const groups: string[] = [];
  const rules: Array<{ group: string; rules: IngressRuleView[] }> = [];
  for (const g of [t.dbSecurityGroupId, t.cacheSecurityGroupId]) {
    if (!g) continue;
    try {
      const fenced = (await aws.ingressRules(region, g)).filter(isFenced);
      if (fenced.length > 0) {
        groups.push(g);
        rules.push({ group: g, rules: fenced });
      }
    } catch (err) {
      return { groups, rules, unknown: describeError(err) };
    }
  }
  return { groups, rules };
}

export async function readFinalState(plan: DrillPlan, aws: DrillAws, result: EngineResult): Promise<{ state: FinalState; live: LiveState; restoreRules: string[] }> {
  const regions = Object.keys(plan.targets.regions);
  const live = await readLiveState(aws, plan.targets, plan.target, regions);
  const facts = result.facts;
  const fenced: Record<string, string[]> = {};
  const restoreRules: string[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  for (const r of regions) {
    const f = await fencedGroups(aws, plan, r);
    if (f.groups.length > 0) fenced[r] = f.groups;
    for (const { group, rules } of f.rules) restoreRules.push(cli.modifyRules(r, group, rules.map(unfencedRule)));
    if (f.unknown && plan.mode === "unplanned" && r === plan.source) notes.push(`${r}'s security groups could not be read (${f.unknown}): whether its fence holds is unknown`);
  }
  const db = live.database.writer ?? null;
  const sessions = live.sessions.primary ?? null;
  const op = live.database.operation;
  if (live.database.unknown) problems.push(`the database writer is unknown: ${live.database.unknown}`);
  if (live.sessions.unknown) problems.push(`the session store primary is unknown: ${live.sessions.unknown}`);
  if (op) problems.push(`a database ${op.kind} ${op.from} -> ${op.to} is still ${op.status}: AWS may still finish it`);
  if (db && sessions && db !== sessions) problems.push(`the database writer is in ${db} but the session store primary in ${sessions}: the two writers are in different regions`);
  if (plan.targets.writerRecord && sessions) {
    if (!live.recordRegion) problems.push(`sessions may not be writable: the session-writer record could not be read (${live.recordUnknown ?? "unknown"})`);
    else if (live.recordRegion !== sessions) problems.push(`sessions are not writable: the session-writer record points at ${live.recordRegion}'s endpoint, the primary is in ${sessions}`);
  }
  const lostSource = plan.mode === "unplanned" && !facts.rehearsal;
  const initialDial = (r: string) => facts.initial?.dials[r];
  for (const [r, groups] of Object.entries(fenced)) {
    if (r === db) problems.push(`${r} holds the database writer but its data security groups are fenced (${groups.join(", ")}): nothing can connect to write`);
    else if (lostSource && r === plan.source) notes.push(`${r} stays fenced (${groups.join(", ")}) while it is lost; the failback drill lifts it`);
    else problems.push(`${r}'s data security groups are fenced (${groups.join(", ")}): its workloads cannot reach them`);
  }
  if (lostSource && facts.fence.entry && !facts.fence.entry.ok) notes.push(`${plan.source} was not fenced at the entry (${facts.fence.entry.detail}): traffic leaves it only as its health checks fail`);
  const dials: Record<string, number | null> = {};
  if (plan.targets.routingMode === "accelerator") {
    for (const r of regions) dials[r] = live.dials[r] ?? facts.dials[r] ?? null;
    const zero = regions.filter((r) => dials[r] === 0);
    if (zero.length === regions.length) problems.push("every region's traffic dial is 0%: no region takes traffic");
    for (const r of zero) {
      if (plan.mode === "planned" && plan.keepDrained && r === plan.source && db === plan.target) notes.push(`${r} is drained on purpose (--keep-drained)`);
      else if (lostSource && r === plan.source) notes.push(`${r} is drained on purpose: it is fenced as the lost region`);
      else if (live.healthy?.[r] === false) notes.push(`${r} is drained and unhealthy: traffic stays away until it recovers, then set its dial back`);
      else problems.push(`${r} takes no traffic (dial 0%)${initialDial(r) === 0 ? ", as before the drill" : " though nothing asked for that"}`);
    }
  }
  return {
    state: {
      writer: { database: db, sessions },
      ...(op ? { databaseOperation: `${op.kind} ${op.from} -> ${op.to} ${op.status}` } : {}),
      dials,
      ...(plan.targets.writerRecord ? { sessionRecord: live.recordRegion ?? null } : {}),
      fenced,
      problems,
      notes,
    },
    live,
    restoreRules,
  };
}

/** Rolled back: something changed, and the roles, dials and fences are as preflight found them. */
export function outcomeOf(plan: DrillPlan, result: EngineResult, final: FinalState): Outcome {
  if (!result.failed) return "succeeded";
  const initial = result.facts.initial;
  if (!result.facts.changed || !initial) return "stopped";
  const sameRoles = final.writer.database === initial.database.writer && final.writer.sessions === initial.sessions.primary && !final.databaseOperation;
  const sameDials = Object.entries(final.dials).every(([r, d]) => initial.dials[r] === undefined || d === initial.dials[r]);
  // A stale fence lifted from the target is not undone: nothing was fenced that was not fenced before.
  const before = new Set(result.facts.initialFenced);
  const noNewFence = Object.values(final.fenced).flat().every((g) => before.has(g));
  const newProblems = final.problems.filter((p) => !p.endsWith("as before the drill") && ![...before].some((g) => p.includes(g)));
  return sameRoles && sameDials && noNewFence && newProblems.length === 0 ? "rolled-back" : "stopped";
}

export interface NextCommandInputs {
  readonly plan: DrillPlan;
  readonly result: EngineResult;
  readonly final: FinalState;
  readonly outcome: Outcome;
  readonly restoreRules: readonly string[];
  /** The command that resumes this drill (the same command line with --execute --yes). */
  readonly rerun?: string;
  readonly stackFile?: string;
  /** A simulation: the rerun would be the first real run, so it says what it does to AWS. */
  readonly simulated?: boolean;
}

/** What running the drill for real changes, said next to a simulation's `--execute --yes`. */
function whatExecuteDoes(plan: DrillPlan): string {
  if (plan.kind === "az") return `for real, against AWS: moves the Aurora writer and the session primary out of ${plan.az} (a short write outage)`;
  if (plan.failback) return `for real, against AWS: moves the writer back to ${plan.target} and restores its traffic`;
  return plan.mode === "unplanned"
    ? `for real, against AWS: fences ${plan.source} and fails the database over to ${plan.target}, losing the writes not yet replicated`
    : `for real, against AWS: drains ${plan.source} and switches the writer to ${plan.target} (no data loss, a short write outage)`;
}

/** The commands to run next, most important first; never a `writerRegion` change. */
export function nextCommands(i: NextCommandInputs): string[] {
  const { plan, result, final, outcome } = i;
  const out: string[] = [];
  const add = (...cmds: Array<string | undefined>) => {
    for (const c of cmds) if (c && !out.includes(c)) out.push(c);
  };
  // A simulation changed nothing: its rerun is the first real run, not a resume. Say what it does,
  // and that this simulation's failure (an injected fault) says nothing about AWS.
  const rerun = i.rerun && i.simulated
    ? `${i.rerun}   # ${whatExecuteDoes(plan)}. This run was simulated: run the command without --execute --yes first to review the plan`
    : i.rerun;
  if (plan.kind === "az") {
    if (outcome !== "succeeded") add(rerun, ...(result.failed?.nextCommands ?? []));
    return out;
  }
  const facts: DrillFacts = result.facts;
  if (outcome === "succeeded") {
    const lost = plan.mode === "unplanned" && !facts.rehearsal;
    if (lost) {
      add(`${cli.preview(plan.stack)}   # once ${plan.source} is back`);
      // The exact rules the fence rewrote, as they were: the way back once the region returns.
      for (const f of facts.fencedRules) add(`${cli.modifyRules(f.region, f.group, f.rules)}   # once ${f.region} is back, or let the failback drill lift it`);
    }
    if (lost && facts.fence.entry && !facts.fence.entry.ok) {
      const s = regionTargets(plan, plan.source);
      add(plan.targets.routingMode === "accelerator" ? cli.setDial(s.endpointGroupArn ?? "<endpoint-group-arn>", 0) : cli.invertHealthCheck(s.healthCheckId ?? "<health-check-id>", true));
    }
    if (lost || plan.keepDrained) add(`npx ha-blueprint drill --stack ${plan.stack} --to ${plan.source} --failback   # plan the way back once ${plan.source} is healthy and in sync`);
    return out;
  }
  const refused = !facts.changed;
  // Nothing changed yet: fix the cause the failed step names. Otherwise re-running resumes.
  if (!refused) add(i.simulated && rerun ? rerun : `${i.rerun ?? "re-run the same drill command"}   # resumes: finished steps are skipped`);
  const db = final.writer.database;
  const sessions = final.writer.sessions;
  const rec = plan.targets.writerRecord;
  if (rec && sessions && final.sessionRecord !== sessions) add(cli.upsertRecord(rec.hostedZoneId, rec.name, rec.ttlSeconds, rec.targets[sessions] ?? "<primary endpoint>"));
  if (db && sessions && db !== sessions && !final.databaseOperation) {
    const t = regionTargets(plan, plan.target);
    if (db === plan.target) add(cli.failoverGrg(plan.target, plan.targets.globalReplicationGroupId, plan.target, t.replicationGroupId));
    else if (sessions === plan.target && plan.mode === "unplanned") add(cli.failover(plan.target, plan.targets.globalClusterId, t.auroraClusterArn));
    else if (sessions === plan.target && final.notes.some((n) => n.startsWith(`${plan.source} is drained and unhealthy`))) {
      // The writer's region went down during a planned drill: only an unplanned failover moves it now.
      add(`npx ha-blueprint drill --stack ${plan.stack} --to ${plan.target} --mode unplanned --allow-data-loss --execute --yes   # ${plan.source} is down: fail the database over (the session store already moved)`);
    }
  }
  // A fenced region gets its ingress back before it gets traffic back.
  if (final.problems.some((p) => p.includes("data security groups are fenced"))) add(...i.restoreRules);
  for (const [r, d] of Object.entries(final.dials)) {
    if (d === 0 && final.problems.some((p) => p.startsWith(`${r} takes no traffic`))) add(cli.setDial(regionTargets(plan, r).endpointGroupArn ?? "<endpoint-group-arn>", 100));
    if (d === 0 && final.notes.some((n) => n.startsWith(`${r} is drained and unhealthy`))) add(`${cli.setDial(regionTargets(plan, r).endpointGroupArn ?? "<endpoint-group-arn>", 100)}   # once ${r} is healthy again`);
  }
  add(...(result.failed?.nextCommands ?? []));
  return out;
}


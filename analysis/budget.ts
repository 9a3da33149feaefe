import { AURORA_DR, TIMINGS, cite, type Confidence, type TimingKey } from "./constants";
import type { SourceRef } from "./sources";
import type { BudgetSettings, RegionBudgetSettings } from "./settings";

/**
 * RTO/RPO budget per disruption, computed from the stack's own settings and the documented timings
 * in constants.ts. Pure: the caller (analyze, drill) builds `BudgetSettings` from the topology and
 * stack config (drills/topology.ts), so every term can name the setting it came from.
 *
 * Arithmetic: RTO is the slowest of the recovery paths that run at the same time (traffic, database
 * writes, sessions); within a path the terms add up. The database and the session store are
 * promoted in parallel. Nothing fails either over across regions on its own: unless the stack
 * holds an automated trigger, a region loss waits for an alarm, a page and a person's decision.
 */

export type { BudgetSettings, Objectives, RegionBudgetSettings, Setting } from "./settings";

export type Phase = "detect" | "propagate" | "drain" | "decide" | "promote" | "client" | "capacity";

export interface BudgetTerm {
  readonly id: string;
  readonly label: string;
  readonly seconds: number;
  readonly phase: Phase;
  /** The arithmetic, e.g. `10 s x 3 checks`. */
  readonly basis: string;
  /** Citation of the documented figure(s). */
  readonly source: string;
  /** The page it comes from, short: a section of docs/sources.md. */
  readonly ref: SourceRef;
  readonly confidence: Confidence;
  /** The stack settings the term was computed from. */
  readonly settings?: readonly string[];
}

export interface BudgetPath {
  readonly name: string;
  readonly seconds: number;
  readonly terms: readonly BudgetTerm[];
}

export type Disruption = "azLoss" | "regionLoss" | "plannedSwitchover";

export interface Breach {
  readonly objective: "rto" | "rpo";
  readonly value: number;
  readonly limit: number;
  /** The largest term of the critical path (RTO) or the data store setting the RPO. */
  readonly term: BudgetTerm;
}

export interface DisruptionBudget {
  readonly disruption: Disruption;
  readonly label: string;
  readonly scope: string;
  readonly rto: { readonly seconds: number; readonly critical: string; readonly paths: readonly BudgetPath[] };
  readonly rpo: { readonly seconds: number; readonly bounded: boolean; readonly terms: readonly BudgetTerm[] };
  /** Steps that take time but do not stop service (drain before a switchover). */
  readonly preparation: readonly BudgetTerm[];
  readonly objective: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  readonly rtoMet: boolean;
  readonly rpoMet: boolean;
  readonly breaches: readonly Breach[];
  readonly caveats: readonly string[];
}

function term(id: string, label: string, key: TimingKey, phase: Phase, settings?: string[]): BudgetTerm {
  const seconds = TIMINGS[key].value;
  const c = TIMINGS[key];
  return { id, label, seconds, phase, basis: `${seconds} s (documented)`, source: cite(key), ref: c.ref, confidence: c.confidence, ...(settings ? { settings } : {}) };
}

function path(name: string, terms: BudgetTerm[]): BudgetPath {
  return { name, terms, seconds: terms.reduce((s, t) => s + t.seconds, 0) };
}

function regionSettings(s: BudgetSettings, region: string): RegionBudgetSettings {
  const found = s.regions.find((r) => r.name === region);
  if (!found) throw new Error(`budget: region ${region} is not one of ${s.regions.map((r) => r.name).join(", ")}`);
  return found;
}

/** How long until the failed region's endpoint stops getting traffic. */
export function detectionTerms(s: BudgetSettings, failedRegion: string): BudgetTerm[] {
  const r = regionSettings(s, failedRegion);
  if (s.routing.mode.value === "accelerator") {
    const i = r.albIntervalSeconds.value;
    const n = r.albUnhealthyThreshold.value;
    return [
      {
        id: "detect.alb",
        label: `ALB target health in ${r.name} turns unhealthy`,
        seconds: i * n,
        phase: "detect",
        basis: `${i} s interval x ${n} unhealthy checks`,
        source: "ELB User Guide, Health checks for your target groups; Global Accelerator uses ELB health for ALB endpoints [A]",
        ref: "elb-health-checks",
        confidence: "A",
        settings: [r.albIntervalSeconds.from, r.albUnhealthyThreshold.from],
      },
      term("detect.ga", "Global Accelerator moves traffic to the healthy endpoint group", "gaEndpointGroupEvaluation", "propagate", [s.routing.mode.from]),
    ];
  }
  const i = s.routing.requestIntervalSeconds ?? { value: TIMINGS.route53RequestIntervalDefault.value, from: "Route 53 default (no request interval in topology or config)" };
  const n = s.routing.failureThreshold ?? { value: TIMINGS.route53FailureThresholdDefault.value, from: "Route 53 default (no failure threshold in topology or config)" };
  return [
    {
      id: "detect.route53",
      label: `Route 53 health check for ${r.name} turns unhealthy`,
      seconds: i.value * n.value,
      phase: "detect",
      basis: `${i.value} s request interval x ${n.value} failures`,
      source: "Route 53 Developer Guide, Values for health checks (RequestInterval, FailureThreshold) [A]",
      ref: "route53-health-checks",
      confidence: "A",
      settings: [i.from, n.from],
    },
    term("detect.route53Timeout", "Last failing check times out", "route53CheckTimeout", "detect"),
    term("propagate.dnsTtl", "Resolvers drop the cached alias answer (TTL)", "route53AliasTtl", "propagate", [s.routing.mode.from]),
  ];
}

function capacityTerms(s: BudgetSettings): BudgetTerm[] {
  if (s.app.capacity.value === "provisioned") return [];
  const from = [s.app.capacity.from];
  return [
    term("capacity.hpa", "HPA notices the load", "hpaSync", "capacity", from),
    term("capacity.autoscalerDecision", "Cluster Autoscaler decides to add nodes", "clusterAutoscalerDecision", "capacity", from),
    term("capacity.nodes", "New nodes boot and join", "nodeProvisioning", "capacity", from),
  ];
}

/** From the failure to the decision to fail over: alarm, page and a person, or the automated trigger. */
function decisionTerms(s: BudgetSettings, failedRegion: string): BudgetTerm[] {
  if (s.decision === "automated") {
    return [
      ...detectionTerms(s, failedRegion),
      { ...term("decide", "Automation decides to fail over", "decisionAutomated", "decide"), ...(s.trigger ? { basis: `${TIMINGS.decisionAutomated.value} s (${s.trigger})` } : {}) },
    ];
  }
  const period = s.alarms?.periodSeconds ?? { value: TIMINGS.cloudwatchAlarmPeriodDefault.value, from: "assumed: blueprint default monitoring.periodSeconds" };
  const evaluations = s.alarms?.evaluationPeriods ?? { value: TIMINGS.cloudwatchAlarmEvaluationsDefault.value, from: "assumed: blueprint default monitoring.evaluationPeriods" };
  return [
    {
      id: "detect.alarm",
      label: `The region-unhealthy alarm of ${failedRegion} fires`,
      seconds: period.value * evaluations.value,
      phase: "detect",
      basis: `${period.value} s period x ${evaluations.value} evaluation periods`,
      source: "CloudWatch User Guide, Using Amazon CloudWatch alarms (an alarm changes state after its evaluation periods breach) [A]",
      ref: "cloudwatch-alarms",
      confidence: "A",
      settings: [period.from, evaluations.from],
    },
    term("page", "On-call is paged and acknowledges", "pageAcknowledge", "decide"),
    term("decide", "A person decides to fail over", "decisionHuman", "decide"),
  ];
}

/** The session-writer record follows the new primary: a Route 53 change, then clients' caches expire. */
function sessionRecordTerms(s: BudgetSettings): BudgetTerm[] {
  const ttl = s.sessions.writerRecordTtlSeconds ?? { value: TIMINGS.sessionWriterRecordTtlDefault.value, from: "assumed: blueprint default sessionStore.writerRecordTtlSeconds" };
  return [
    term("record.change", "The session-writer record is repointed (Route 53 control plane, us-east-1)", "route53ChangePropagation", "propagate"),
    { id: "record.ttl", label: "Clients' cached answer for the record expires", seconds: ttl.value, phase: "client", basis: `TTL ${ttl.value} s`, source: "Route 53 Developer Guide, TTL of a record: resolvers cache the answer for its TTL [A]", ref: "route53-ttl", confidence: "A", settings: [ttl.from] },
    term("client.reconnect", "Session clients reconnect to the new primary", "appReconnect", "client"),
  ];
}

/** What the new writer enforces after the writer moved to `region`. */
function boundAfter(s: BudgetSettings, region: string): string {
  const bound = s.database.globalDbRpoSeconds;
  if (!bound) return `after the move, ${region} writes with no rds.global_db_rpo: the RPO of a later failure is unbounded (typically under a second)`;
  const carriers = s.database.rpoBoundRegions;
  return !carriers || carriers.includes(region)
    ? `after the move, ${region} enforces rds.global_db_rpo = ${bound.value} s (its own parameter group carries it)`
    : `after the move the bound lapses: ${region}'s parameter group does not carry rds.global_db_rpo, so the RPO of a later failure is unbounded`;
}

function clientTerms(): BudgetTerm[] {
  return [
    term("client.dns", "Clients re-resolve the global writer endpoint", "clientDnsCache", "client"),
    term("client.reconnect", "Connection pools reconnect", "appReconnect", "client"),
  ];
}

function verdict(
  disruption: Disruption,
  label: string,
  scope: string,
  paths: BudgetPath[],
  rpoTerms: BudgetTerm[],
  bounded: boolean,
  objective: { rtoSeconds: number; rpoSeconds: number },
  preparation: BudgetTerm[],
  caveats: string[],
): DisruptionBudget {
  const critical = paths.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const rpoSeconds = Math.max(0, ...rpoTerms.map((t) => t.seconds));
  const breaches: Breach[] = [];
  if (critical.seconds > objective.rtoSeconds) {
    const largest = critical.terms.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    breaches.push({ objective: "rto", value: critical.seconds, limit: objective.rtoSeconds, term: largest });
  }
  if (rpoSeconds > objective.rpoSeconds) {
    const largest = rpoTerms.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    breaches.push({ objective: "rpo", value: rpoSeconds, limit: objective.rpoSeconds, term: largest });
  }
  if (!bounded) caveats.push("RPO is a typical value, not a bound: replication is asynchronous and nothing caps the lag");
  return {
    disruption,
    label,
    scope,
    rto: { seconds: critical.seconds, critical: critical.name, paths },
    rpo: { seconds: rpoSeconds, bounded, terms: rpoTerms },
    preparation,
    objective,
    rtoMet: critical.seconds <= objective.rtoSeconds,
    rpoMet: rpoSeconds <= objective.rpoSeconds,
    breaches,
    caveats,
  };
}

/** Loss of one AZ in `region` (default: the writer region, where the writer instance may live). */
export function azLossBudget(s: BudgetSettings, region = s.writerRegion): DisruptionBudget {
  const r = regionSettings(s, region);
  const caveats: string[] = ["Clients pinned to the lost AZ's ALB address may need up to one DNS TTL (60 s) more"];
  const traffic: BudgetTerm[] = [
    {
      id: "detect.albAz",
      label: `ALB stops routing to targets in the lost AZ of ${r.name}`,
      seconds: r.albIntervalSeconds.value * r.albUnhealthyThreshold.value,
      phase: "detect",
      basis: `${r.albIntervalSeconds.value} s interval x ${r.albUnhealthyThreshold.value} unhealthy checks`,
      source: "ELB User Guide, Health checks for your target groups [A]",
      ref: "elb-health-checks",
      confidence: "A",
      settings: [r.albIntervalSeconds.from, r.albUnhealthyThreshold.from],
    },
  ];
  if (s.app.replicasPerRegion.value < r.availabilityZones) {
    traffic.push(term("capacity.eviction", "Pods of the lost AZ are evicted and rescheduled", "k8sEviction", "capacity", [s.app.replicasPerRegion.from]));
  }
  const dbReplica = s.database.instancesPerRegion.value >= 2;
  const database = [
    dbReplica
      ? term("promote.auroraInRegion", "Aurora promotes a reader in another AZ", "auroraInRegionFailover", "promote", [s.database.instancesPerRegion.from])
      : term("promote.auroraRecreate", "Aurora recreates the only instance", "auroraNoReplicaRecovery", "promote", [s.database.instancesPerRegion.from]),
    ...clientTerms(),
  ];
  const cacheReplica = s.sessions.nodesPerRegion.value >= 2;
  const sessions = [
    cacheReplica
      ? term("promote.elasticacheInRegion", "ElastiCache promotes the least-lagging replica", "elasticacheInRegionFailover", "promote", [s.sessions.nodesPerRegion.from])
      : term("promote.elasticacheReplace", "ElastiCache replaces the only node (data lost)", "auroraNoReplicaRecovery", "promote", [s.sessions.nodesPerRegion.from]),
    term("client.reconnect", "Clients reconnect to the primary endpoint", "appReconnect", "client"),
  ];
  const rpo: BudgetTerm[] = [
    { id: "rpo.aurora", label: "Aurora: storage is replicated across 3 AZs", seconds: 0, phase: "promote", basis: "quorum writes", source: "Aurora User Guide, High availability for Amazon Aurora [A]", ref: "aurora-ha", confidence: "A" },
    term("rpo.elasticache", "ElastiCache: asynchronous in-region replication", "elasticacheInRegionLagTypical", "promote", [s.sessions.nodesPerRegion.from]),
  ];
  return verdict(
    "azLoss",
    "AZ loss",
    `one AZ of ${r.name}`,
    [path("traffic", traffic), path("database writer", database), path("sessions", sessions)],
    rpo,
    false,
    s.objectives.azLoss,
    [],
    caveats,
  );
}

function regionRpoTerms(s: BudgetSettings, writerRegion: string): { terms: BudgetTerm[]; bounded: boolean } {
  // The bound binds only while a member that carries it writes.
  const carried = !s.database.rpoBoundRegions || s.database.rpoBoundRegions.includes(writerRegion);
  const bound = carried ? s.database.globalDbRpoSeconds : undefined;
  const aurora: BudgetTerm = bound
    ? {
        id: "rpo.aurora",
        label: "Aurora: rds.global_db_rpo bounds the lag (commits stall beyond it)",
        seconds: bound.value,
        phase: "promote",
        basis: `rds.global_db_rpo = ${bound.value} s`,
        source: cite("globalDbRpoMinimum"),
        ref: TIMINGS.globalDbRpoMinimum.ref,
        confidence: TIMINGS.globalDbRpoMinimum.confidence,
        settings: [bound.from],
      }
    : term("rpo.aurora", "Aurora: replication lag at the moment of failure (typical)", "auroraReplicationLagTypical", "promote");
  return {
    terms: [aurora, term("rpo.elasticache", "ElastiCache: global datastore lag (typical)", "elasticacheReplicationLagTypical", "promote")],
    // Sessions are never bounded; count only the system of record for the bound.
    bounded: !!bound,
  };
}

/** Loss of a whole region (default: the writer region, the worst case for writes). */
export function regionLossBudget(s: BudgetSettings, failedRegion = s.writerRegion): DisruptionBudget {
  const detect = detectionTerms(s, failedRegion);
  const capacity = capacityTerms(s);
  const paths = [path("reads", [...detect, ...capacity])];
  const caveats: string[] = [];
  if (failedRegion === s.writerRegion) {
    const decide = decisionTerms(s, failedRegion);
    paths.push(
      path("database writes", [
        ...decide,
        term("promote.aurora", "FailoverGlobalCluster promotes the secondary", "auroraGlobalFailover", "promote"),
        ...clientTerms(),
        ...capacity,
      ]),
      path("sessions", [
        ...decide,
        term("promote.elasticache", "FailoverGlobalReplicationGroup promotes the secondary", "elasticacheGlobalPromote", "promote"),
        ...sessionRecordTerms(s),
        ...capacity,
      ]),
    );
    caveats.push(s.decision === "automated"
      ? `Failover is triggered automatically${s.trigger ? ` by ${s.trigger}` : ""}`
      : "Nothing in the stack fails the database or the session store over across regions on its own: the budget counts the region alarm, paging and a person's decision before the promotions");
    caveats.push("The session-writer record is moved through the Route 53 control plane (us-east-1); if that is impaired too, sessions wait for it");
    const survivor = s.regions.find((r) => r.name !== failedRegion)?.name;
    if (survivor) caveats.push(boundAfter(s, survivor));
  }
  caveats.push("Gray failures that keep shallow health checks green need a deep health path or a manual trigger");
  const { terms, bounded } = regionRpoTerms(s, failedRegion);
  return verdict("regionLoss", "Region loss", `all of ${failedRegion}`, paths, failedRegion === s.writerRegion ? terms : [], bounded || failedRegion !== s.writerRegion, s.objectives.regionLoss, [], caveats);
}

/** A planned switchover of the writer to another region (RPO 0: secondaries sync first). */
export function plannedSwitchoverBudget(s: BudgetSettings, target = s.regions.find((r) => r.name !== s.writerRegion)?.name ?? s.writerRegion): DisruptionBudget {
  const preparation: BudgetTerm[] =
    s.routing.mode.value === "accelerator"
      ? [term("drain.dial", "Traffic dial of the source region to 0", "gaTrafficDialPropagation", "drain", [s.routing.mode.from])]
      : [];
  const writes = path("database writes", [
    term("promote.aurora", "SwitchoverGlobalCluster (writes pause while roles change)", "auroraGlobalSwitchover", "promote"),
    ...clientTerms(),
  ]);
  const sessions = path("sessions", [
    term("promote.elasticache", "FailoverGlobalReplicationGroup", "elasticacheGlobalPromote", "promote"),
    ...sessionRecordTerms(s),
  ]);
  const rpo: BudgetTerm[] = [
    { id: "rpo.aurora", label: "Aurora: switchover synchronizes secondaries first", seconds: 0, phase: "promote", basis: "managed switchover", source: `${AURORA_DR}: RPO 0, roles change after the secondaries are synchronized [A]`, ref: "aurora-global-dr", confidence: "A" },
  ];
  const caveats = [
    ...(s.routing.mode.value === "route53" ? ["route53 mode has no traffic dial: both regions keep serving while writes pause"] : []),
    boundAfter(s, target),
  ];
  return verdict("plannedSwitchover", "Planned switchover", `writer moves to ${target}`, [writes, sessions], rpo, true, s.objectives.regionLoss, preparation, caveats);
}

export function allBudgets(s: BudgetSettings): Record<Disruption, DisruptionBudget> {
  return { azLoss: azLossBudget(s), regionLoss: regionLossBudget(s), plannedSwitchover: plannedSwitchoverBudget(s) };
}

import { AURORA_DR, TIMINGS, cite, type Confidence, type TimingKey } from "./constants";
import { SOURCES, type SourceRef } from "./sources";
import type { BudgetSettings, DataKinds, PlanBlock, RecoveryPlan, RegionBudgetSettings } from "./settings";

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

export type { BudgetSettings, DataKinds, Objectives, PlanBlock, RecoveryPlan, RegionBudgetSettings, Setting } from "./settings";

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
  /** RPO terms: a setting or a documented guarantee bounds the loss (else the value is typical). */
  readonly bounded?: boolean;
}

export interface BudgetPath {
  readonly name: string;
  readonly seconds: number;
  readonly terms: readonly BudgetTerm[];
}

export type Disruption = "azLoss" | "regionLoss" | "plannedSwitchover";

export interface StoreRpo {
  readonly seconds: number;
  readonly bounded: boolean;
}

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
  readonly rpo: {
    readonly seconds: number;
    readonly bounded: boolean;
    readonly terms: readonly BudgetTerm[];
    /** Per store: the database (writes) and the session store, each with its own bound or typical value. */
    readonly byStore: { readonly database?: StoreRpo; readonly sessions?: StoreRpo };
  };
  /** Steps that take time but do not stop service (drain before a switchover). */
  readonly preparation: readonly BudgetTerm[];
  readonly objective: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  /** Where the objective comes from (a planned switchover without its own uses region loss's). */
  readonly objectiveFrom?: string;
  readonly rtoMet: boolean;
  /** True only when every RPO term is bounded (a setting or a documented guarantee) and within the objective. */
  readonly rpoMet: boolean;
  /**
   * `met`: bounded and within the objective; `typical`: within it only as a typical value (no bound:
   * reported, not proven); `missed`: over the objective.
   */
  readonly rpoStatus: "met" | "typical" | "missed";
  /**
   * Paths reported beside the counted ones, not counted: with an automated Region switch plan, the
   * same recovery if a person had to decide (the plan is down, or its trigger does not fire).
   */
  readonly alternatives?: readonly BudgetPath[];
  readonly breaches: readonly Breach[];
  readonly caveats: readonly string[];
}

function term(id: string, label: string, key: TimingKey, phase: Phase, settings?: string[]): BudgetTerm {
  const seconds = TIMINGS[key].value;
  const c = TIMINGS[key];
  const basis = c.confidence === "E" ? `${seconds} s (project estimate)` : c.confidence === "C" ? `${seconds} s (community reports)` : `${seconds} s (documented)`;
  return { id, label, seconds, phase, basis, source: cite(key), ref: c.ref, confidence: c.confidence, ...(settings ? { settings } : {}) };
}

/** An RPO term: `bounded` when a setting or a documented guarantee caps the loss. */
function rpoTerm(id: string, label: string, key: TimingKey, bounded: boolean, settings?: string[]): BudgetTerm {
  const t = term(id, label, key, "promote", settings);
  return { ...t, bounded, basis: bounded ? t.basis : `${t.seconds} s typical, not a bound` };
}

/** The store kinds; a stack that does not say is the single-writer design with the session-writer record. */
export function kindsOf(s: BudgetSettings): DataKinds {
  return s.dataKinds ?? { database: "aurora-global", sessions: "elasticache-global", sessionWriterRecord: true, from: "assumed: Aurora global database and ElastiCache global datastore" };
}

const isMultiWriter = (k: DataKinds["database"] | DataKinds["sessions"]) => k === "aurora-dsql" || k === "memorydb-multi-region";

/** A Region switch plan can fail the writer over without a person when it exists and has no gap. */
function automatedPlan(s: BudgetSettings): RecoveryPlan | undefined {
  return s.recoveryPlan && !s.recoveryPlan.gap ? s.recoveryPlan : undefined;
}

/** Alarm detection and the trigger: how an ARC Region switch plan starts by itself. */
function planStartTerms(plan: RecoveryPlan): BudgetTerm[] {
  const alarms = plan.alarms.map((a) => ({ a, seconds: a.periodSeconds.value * a.evaluationPeriods.value }));
  // A trigger fires once all its conditions hold: the slowest alarm decides.
  const slowest = alarms.reduce<(typeof alarms)[number] | undefined>((x, y) => (!x || y.seconds > x.seconds ? y : x), undefined);
  const detect: BudgetTerm[] = slowest
    ? [{
        id: "detect.triggerAlarm",
        label: `Trigger alarm ${slowest.a.name} of plan ${plan.name} goes to ALARM`,
        seconds: slowest.seconds,
        phase: "detect",
        basis: `${slowest.a.periodSeconds.value} s period x ${slowest.a.evaluationPeriods.value} evaluation periods`,
        source: "CloudWatch User Guide, Using Amazon CloudWatch alarms (an alarm changes state after its evaluation periods breach) [A]",
        ref: "cloudwatch-alarms",
        confidence: "A",
        settings: [slowest.a.periodSeconds.from, slowest.a.evaluationPeriods.from],
      }]
    : [];
  return [...detect, term("decide.trigger", `The trigger starts plan ${plan.name} (no person decides)`, "arcTriggerStart", "decide")];
}

/** The plan's steps as budget terms: in sequence they add up; a Parallel block takes its slowest child. */
function planBlockTerms(plan: RecoveryPlan, blocks: readonly PlanBlock[], s: BudgetSettings): BudgetTerm[] {
  const one = (b: PlanBlock): BudgetTerm[] => {
    const label = (what: string) => `Plan ${plan.name}, step ${b.name}: ${what}`;
    switch (b.type) {
      case "AuroraGlobalDatabase": {
        const failover = b.auroraBehavior === "failover" || b.auroraUngraceful === "failover";
        return [failover
          ? term(`plan.${b.name}`, label("FailoverGlobalCluster promotes the secondary"), "auroraGlobalFailover", "promote")
          : term(`plan.${b.name}`, label("SwitchoverGlobalCluster"), "auroraGlobalSwitchover", "promote")];
      }
      case "Parallel": {
        const children = (b.parallel ?? []).map((c) => planBlockTerms(plan, [c], s));
        const slowest = children.reduce<BudgetTerm[]>((x, y) => (y.reduce((a, t) => a + t.seconds, 0) > x.reduce((a, t) => a + t.seconds, 0) ? y : x), []);
        return slowest;
      }
      case "ManualApproval":
        return [term(`plan.${b.name}`, label("a person approves the step"), "decisionHuman", "decide")];
      case "CustomActionLambda":
        return [term(`plan.${b.name}`, label("custom action Lambda"), "arcCustomAction", "promote")];
      case "EKSResourceScaling":
      case "EC2AutoScaling":
      case "ECSServiceScaling":
        return [term(`plan.${b.name}`, label("scale the surviving Region's capacity"), "arcScalingBlock", "capacity")];
      case "Route53HealthCheck":
      case "ARCRoutingControl":
        return [term(`plan.${b.name}`, label("move traffic"), "arcRoutingBlock", "propagate")];
      default:
        return [term(`plan.${b.name}`, label(`${b.type} block (no published duration)`), "arcCustomAction", "promote")];
    }
  };
  return blocks.flatMap(one);
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
  if (s.noAlarms) {
    return [
      term("detect.noAlarm", `No alarm in the stack: the loss of ${failedRegion} is noticed from users' reports`, "noAlarmDetection", "detect"),
      term("decide", "A person decides to fail over", "decisionHuman", "decide"),
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

const SESSION_TERMS = /^rpo\.(elasticache|memorydb)/;

function storeRpo(terms: BudgetTerm[]): DisruptionBudget["rpo"]["byStore"] {
  const of = (list: BudgetTerm[]): StoreRpo | undefined =>
    list.length === 0 ? undefined : { seconds: Math.max(...list.map((t) => t.seconds)), bounded: list.every((t) => t.bounded !== false || t.seconds === 0) };
  const database = of(terms.filter((t) => !SESSION_TERMS.test(t.id)));
  const sessions = of(terms.filter((t) => SESSION_TERMS.test(t.id)));
  return { ...(database ? { database } : {}), ...(sessions ? { sessions } : {}) };
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
  // The objective binds the system of record, and any bounded loss; a session store's typical lag
  // over it is reported (a warning), not a breach: sessions are not the system of record.
  const binding = rpoTerms.filter((t) => !SESSION_TERMS.test(t.id) || t.bounded !== false);
  const over = binding.filter((t) => t.seconds > objective.rpoSeconds);
  if (over.length > 0) {
    const largest = over.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    breaches.push({ objective: "rpo", value: largest.seconds, limit: objective.rpoSeconds, term: largest });
  }
  // Bounded only when every term that can lose data is: a typical lag promises nothing.
  const allBounded = bounded && rpoTerms.every((t) => t.bounded !== false || t.seconds === 0);
  const unbounded = rpoTerms.filter((t) => t.bounded === false && t.seconds > 0);
  if (!allBounded) {
    caveats.push(`RPO is a typical value, not a bound: ${unbounded.length > 0 ? unbounded.map((t) => t.label).join("; ") : "replication is asynchronous and nothing caps the lag"}`);
  }
  const rpoStatus = over.length > 0 ? "missed" : allBounded && rpoSeconds <= objective.rpoSeconds ? "met" : "typical";
  return {
    disruption,
    label,
    scope,
    rto: { seconds: critical.seconds, critical: critical.name, paths },
    rpo: { seconds: rpoSeconds, bounded: allBounded, terms: rpoTerms, byStore: storeRpo(rpoTerms) },
    preparation,
    objective,
    rtoMet: critical.seconds <= objective.rtoSeconds,
    rpoMet: rpoStatus === "met",
    rpoStatus,
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
  const database = kindsOf(s).database === "aurora-dsql" ? [
    { id: "promote.none", label: "Aurora DSQL: every AZ serves the cluster endpoint; nothing to fail over", seconds: 0, phase: "promote" as const, basis: "multi-AZ, active-active", source: `${SOURCES["dsql-resilience"].title} [A]`, ref: "dsql-resilience" as const, confidence: "A" as const },
    term("client.reconnect", "Connections in the lost AZ reconnect", "appReconnect", "client"),
  ] : [
    dbReplica
      ? term("promote.auroraInRegion", "Aurora promotes a reader in another AZ", "auroraInRegionFailover", "promote", [s.database.instancesPerRegion.from])
      : term("promote.auroraRecreate", "Aurora recreates the only instance", "auroraNoReplicaRecovery", "promote", [s.database.instancesPerRegion.from]),
    ...clientTerms(),
  ];
  const k = kindsOf(s);
  const cacheReplica = s.sessions.nodesPerRegion.value >= 2;
  const memorydb = k.sessions === "memorydb-multi-region";
  const sessions = [
    cacheReplica
      ? memorydb
        ? term("promote.memorydbInRegion", "MemoryDB fails over to a consistent replica", "memorydbInRegionFailover", "promote", [s.sessions.nodesPerRegion.from])
        : term("promote.elasticacheInRegion", "ElastiCache promotes the least-lagging replica", "elasticacheInRegionFailover", "promote", [s.sessions.nodesPerRegion.from])
      : term("promote.elasticacheReplace", "The only node is replaced", "auroraNoReplicaRecovery", "promote", [s.sessions.nodesPerRegion.from]),
    term("client.reconnect", "Clients reconnect to the primary endpoint", "appReconnect", "client"),
  ];
  const rpo: BudgetTerm[] = [
    k.database === "aurora-dsql"
      ? rpoTerm("rpo.dsql", "Aurora DSQL: commits are synchronous across 3 AZs", "dsqlCommitRpo", true)
      : { id: "rpo.aurora", label: "Aurora: storage is replicated across 3 AZs", seconds: 0, phase: "promote", basis: "quorum writes", source: "Aurora User Guide, High availability for Amazon Aurora [A]", ref: "aurora-ha", confidence: "A", bounded: true },
    memorydb
      ? rpoTerm("rpo.memorydb", "MemoryDB: the Multi-AZ transaction log keeps every acknowledged write", "memorydbInRegionRpo", true, [s.sessions.nodesPerRegion.from])
      : rpoTerm("rpo.elasticache", "ElastiCache: asynchronous in-region replication", "elasticacheInRegionLagTypical", false, [s.sessions.nodesPerRegion.from]),
  ];
  return verdict(
    "azLoss",
    "AZ loss",
    `one AZ of ${r.name}`,
    [path("traffic", traffic), path("database writer", database), path("sessions", sessions)],
    rpo,
    rpo.every((t) => t.bounded !== false),
    s.objectives.azLoss,
    [],
    caveats,
  );
}

function regionRpoTerms(s: BudgetSettings, failedRegion: string, k: DataKinds): { terms: BudgetTerm[]; bounded: boolean } {
  const terms: BudgetTerm[] = [];
  const writerLost = failedRegion === s.writerRegion;
  if (k.database === "aurora-dsql") {
    terms.push(rpoTerm("rpo.dsql", "Aurora DSQL: commits are synchronous across peers and witness", "dsqlCommitRpo", true));
  } else if (k.database === "aurora-global" && writerLost) {
    // The bound binds only while a member that carries it writes.
    const carried = !s.database.rpoBoundRegions || s.database.rpoBoundRegions.includes(failedRegion);
    const bound = carried ? s.database.globalDbRpoSeconds : undefined;
    terms.push(bound
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
          bounded: true,
        }
      : rpoTerm("rpo.aurora", "Aurora: replication lag at the moment of failure (typical)", "auroraReplicationLagTypical", false));
  }
  if (k.sessions === "memorydb-multi-region") terms.push(rpoTerm("rpo.memorydb", "MemoryDB Multi-Region: asynchronous replication between Regions (typical)", "memorydbMultiRegionLagTypical", false));
  else if (k.sessions === "elasticache-global" && writerLost) terms.push(rpoTerm("rpo.elasticache", "ElastiCache: global datastore lag (typical)", "elasticacheReplicationLagTypical", false));
  return { terms, bounded: terms.every((t) => t.bounded !== false || t.seconds === 0) };
}

/** Loss of a whole region (default: the writer region, the worst case for writes). */
export function regionLossBudget(s: BudgetSettings, failedRegion = s.writerRegion): DisruptionBudget {
  const k = kindsOf(s);
  const detect = detectionTerms(s, failedRegion);
  const capacity = capacityTerms(s);
  const paths = [path("reads", [...detect, ...capacity])];
  const alternatives: BudgetPath[] = [];
  const caveats: string[] = [];
  const writerLost = failedRegion === s.writerRegion;
  const plan = automatedPlan(s);
  // Multi-writer stores: the survivor never stopped writing; only the lost region's users move.
  const noPromotion = (name: string, ref: "dsql-resilience" | "memorydb-multi-region") =>
    path(name, [...detect.map((t) => ({ ...t })), ...capacity, {
      id: `promote.none.${name}`, label: "No promotion: the surviving member already takes writes", seconds: 0, phase: "promote" as const,
      basis: "multi-Region member", source: `${SOURCES[ref].title} [A]`, ref, confidence: "A" as const,
    }]);
  const decideFor = (human: boolean): BudgetTerm[] => (!human && plan ? planStartTerms(plan) : decisionTerms(human && s.decision === "automated" ? { ...s, decision: "human" } : s, failedRegion));
  const planExec = plan ? planBlockTerms(plan, plan.steps, s) : [];
  // Database writes are back once the Aurora block has promoted: the steps after it (draining the
  // lost region's dial, say) run while the survivor already writes.
  const hasAurora = (b: PlanBlock): boolean => b.type === "AuroraGlobalDatabase" || (b.parallel ?? []).some(hasAurora);
  const lastAurora = plan ? plan.steps.map(hasAurora).lastIndexOf(true) : -1;
  const dbPlanExec = plan && lastAurora >= 0 ? planBlockTerms(plan, plan.steps.slice(0, lastAurora + 1), s) : planExec;

  const dbPath = (human: boolean): BudgetPath | undefined => {
    if (k.database === "aurora-dsql") return noPromotion("database writes", "dsql-resilience");
    if (k.database !== "aurora-global" || !writerLost) return undefined;
    return path("database writes", [
      ...decideFor(human),
      ...(!human && plan ? dbPlanExec : [term("promote.aurora", "FailoverGlobalCluster promotes the secondary", "auroraGlobalFailover", "promote")]),
      ...clientTerms(),
      ...capacity,
    ]);
  };
  const sessionsPath = (human: boolean): BudgetPath | undefined => {
    if (k.sessions === "memorydb-multi-region") return noPromotion("sessions", "memorydb-multi-region");
    if (k.sessions !== "elasticache-global" || !writerLost) return undefined;
    const client = k.sessionWriterRecord
      ? sessionRecordTerms(s)
      : [term("client.reconnect", "Session clients find the new primary among every region's primary endpoint (READONLY from the others)", "appReconnect", "client")];
    return path("sessions", [
      ...decideFor(human),
      ...(!human && plan ? planExec : [term("promote.elasticache", "FailoverGlobalReplicationGroup promotes the secondary", "elasticacheGlobalPromote", "promote")]),
      ...client,
      ...capacity,
    ]);
  };
  for (const p of [dbPath(false), sessionsPath(false)]) if (p) paths.push(p);
  const single = (k.database === "aurora-global" || k.sessions === "elasticache-global") && writerLost;
  if (single) {
    if (plan) {
      for (const p of [dbPath(true), sessionsPath(true)]) {
        if (p && !isMultiWriter(p.name === "sessions" ? k.sessions : k.database)) alternatives.push({ ...p, name: `${p.name}, if a person decides (the plan does not run)` });
      }
      caveats.push(`Failover is triggered automatically: ARC Region switch plan ${plan.name} runs when its trigger alarms (${plan.alarms.map((a) => a.name).join(", ") || "none found"}) go to ALARM; no person decides`);
      if (planExec.some((t) => t.phase === "decide")) caveats.push(`Plan ${plan.name} holds a manual approval step: a person still decides inside the plan`);
    } else {
      if (s.recoveryPlan?.gap) caveats.push(`ARC Region switch plan ${s.recoveryPlan.name} cannot fail over on its own: ${s.recoveryPlan.gap}`);
      caveats.push(s.decision === "automated"
        ? `Failover is triggered automatically${s.trigger ? ` by ${s.trigger}` : ""}`
        : "Nothing in the stack fails the database or the session store over across regions on its own: the budget counts the region alarm, paging and a person's decision before the promotions");
    }
    if (k.sessions === "elasticache-global" && k.sessionWriterRecord) {
      caveats.push("The session-writer record is moved through the Route 53 control plane (us-east-1); if that is impaired too, sessions wait for it: this term has no bound when us-east-1 is the lost region");
    }
    const survivor = s.regions.find((r) => r.name !== failedRegion)?.name;
    if (survivor && k.database === "aurora-global") caveats.push(boundAfter(s, survivor));
  }
  if (k.database === "aurora-dsql") caveats.push("Aurora DSQL: the surviving peer commits with the witness Region; losing a peer and the witness together stops writes (two of three Regions)");
  if (k.sessions === "memorydb-multi-region") caveats.push("MemoryDB Multi-Region: writes the lost Region had not replicated come back when it returns; concurrent updates resolve last-writer-wins per key or sub-key");
  caveats.push("Gray failures that keep shallow health checks green need a deep health path or a manual trigger");
  const { terms, bounded } = regionRpoTerms(s, failedRegion, k);
  return { ...verdict("regionLoss", "Region loss", `all of ${failedRegion}`, paths, terms, bounded, s.objectives.regionLoss, [], caveats), ...(alternatives.length ? { alternatives } : {}) };
}

/**
 * A planned switchover of the writer to another region (Aurora: RPO 0, secondaries sync first). The
 * session store moves with it and counts too: an ElastiCache datastore promotion is asynchronous.
 * Multi-writer stores have no writer to move. Judged against its own objective when the stack has one.
 */
export function plannedSwitchoverBudget(s: BudgetSettings, target = s.regions.find((r) => r.name !== s.writerRegion)?.name ?? s.writerRegion): DisruptionBudget {
  const k = kindsOf(s);
  const preparation: BudgetTerm[] =
    s.routing.mode.value === "accelerator"
      ? [term("drain.dial", "Traffic dial of the source region to 0", "gaTrafficDialPropagation", "drain", [s.routing.mode.from])]
      : [];
  const paths: BudgetPath[] = [];
  const rpo: BudgetTerm[] = [];
  if (k.database === "aurora-global") {
    paths.push(path("database writes", [term("promote.aurora", "SwitchoverGlobalCluster (writes pause while roles change)", "auroraGlobalSwitchover", "promote"), ...clientTerms()]));
    rpo.push({ id: "rpo.aurora", label: "Aurora: switchover synchronizes secondaries first", seconds: 0, phase: "promote", basis: "managed switchover", source: `${AURORA_DR}: RPO 0, roles change after the secondaries are synchronized [A]`, ref: "aurora-global-dr", confidence: "A", bounded: true });
  }
  if (k.sessions === "elasticache-global") {
    paths.push(path("sessions", [
      term("promote.elasticache", "FailoverGlobalReplicationGroup", "elasticacheGlobalPromote", "promote"),
      ...(k.sessionWriterRecord ? sessionRecordTerms(s) : [term("client.reconnect", "Session clients find the new primary among the candidates", "appReconnect", "client")]),
    ]));
    rpo.push(rpoTerm("rpo.elasticache", "ElastiCache: the promoted secondary lacks what had not replicated (typical lag)", "elasticacheReplicationLagTypical", false));
  }
  if (paths.length === 0) {
    paths.push(path("writes", [{
      id: "promote.none", label: "Nothing to switch over: every region's member takes writes", seconds: 0, phase: "promote",
      basis: "multi-Region stores", source: `${SOURCES["dsql-resilience"].title}; ${SOURCES["memorydb-multi-region"].title} [A]`, ref: k.database === "aurora-dsql" ? "dsql-resilience" : "memorydb-multi-region", confidence: "A",
    }]));
  }
  const own = s.objectives.plannedSwitchover;
  const caveats = [
    ...(s.routing.mode.value === "route53" ? ["route53 mode has no traffic dial: both regions keep serving while writes pause"] : []),
    ...(k.database === "aurora-global" ? [boundAfter(s, target)] : []),
    ...(own ? [] : ["no planned-switchover objective in the stack: judged against the region-loss objective"]),
  ];
  return {
    ...verdict("plannedSwitchover", "Planned switchover", paths.some((p) => p.name !== "writes") ? `writer moves to ${target}` : "no writer to move", paths, rpo, true, own ?? s.objectives.regionLoss, preparation, caveats),
    objectiveFrom: own ? "objectives.plannedSwitchover" : "objectives.regionLoss (no planned-switchover objective)",
  };
}

export function allBudgets(s: BudgetSettings): Record<Disruption, DisruptionBudget> {
  // With every store multi-writer no region is special: the slower of the regions' losses counts.
  const k = kindsOf(s);
  const symmetric = isMultiWriter(k.database) && (k.sessions === "none" || isMultiWriter(k.sessions));
  const regionLoss = symmetric
    ? s.regions.map((r) => regionLossBudget(s, r.name)).reduce((a, b) => (b.rto.seconds > a.rto.seconds ? b : a))
    : regionLossBudget(s);
  return { azLoss: azLossBudget(s), regionLoss, plannedSwitchover: plannedSwitchoverBudget(s) };
}

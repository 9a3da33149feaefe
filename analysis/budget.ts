import { AURORA_DR, TIMINGS, cite, type TimingKey } from "./constants";
import type { BudgetSettings, RegionBudgetSettings } from "./settings";

/**
 * RTO/RPO budget per disruption, computed from the stack's own settings and the documented timings
 * in constants.ts. Pure: the caller (analyze, drill) builds `BudgetSettings` from the topology and
 * stack config (drills/topology.ts), so every term can name the setting it came from.
 *
 * Arithmetic (rto-rpo-numbers.md section 10): RTO is the slowest of the recovery paths that run at
 * the same time (traffic, database writer, sessions); within a path the terms add up. The region
 * write path promotes Aurora, then ElastiCache, in sequence, because that is what the drill does.
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
  return { id, label, seconds, phase, basis: `${seconds} s (documented)`, source: cite(key), ...(settings ? { settings } : {}) };
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

function decisionTerm(s: BudgetSettings): BudgetTerm {
  return s.decision === "human"
    ? term("decide", "A person approves the failover", "decisionHuman", "decide")
    : term("decide", "Automation decides to fail over", "decisionAutomated", "decide");
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
    { id: "rpo.aurora", label: "Aurora: storage is replicated across 3 AZs", seconds: 0, phase: "promote", basis: "quorum writes", source: "Aurora User Guide, High availability for Amazon Aurora [A]" },
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

function regionRpoTerms(s: BudgetSettings): { terms: BudgetTerm[]; bounded: boolean } {
  const bound = s.database.globalDbRpoSeconds;
  const aurora: BudgetTerm = bound
    ? {
        id: "rpo.aurora",
        label: "Aurora: rds.global_db_rpo bounds the lag (commits stall beyond it)",
        seconds: bound.value,
        phase: "promote",
        basis: `rds.global_db_rpo = ${bound.value} s`,
        source: cite("globalDbRpoMinimum"),
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
  if (failedRegion === s.writerRegion) {
    paths.push(
      path("writes", [
        ...detect,
        decisionTerm(s),
        term("promote.aurora", "FailoverGlobalCluster promotes the secondary", "auroraGlobalFailover", "promote"),
        term("promote.elasticache", "FailoverGlobalReplicationGroup promotes the secondary", "elasticacheGlobalPromote", "promote"),
        term("client.writeForwarding", "Forwarded writes switch to local writes", "writeForwardingReconnect", "client"),
        ...clientTerms(),
        ...capacity,
      ]),
    );
  }
  const { terms, bounded } = regionRpoTerms(s);
  const caveats = [
    "Promotions run one after the other, as the drill runs them; in parallel the write path would save the shorter promotion",
    "Gray failures that keep shallow health checks green need a deep health path or a manual trigger",
  ];
  return verdict("regionLoss", "Region loss", `all of ${failedRegion}`, paths, failedRegion === s.writerRegion ? terms : [], bounded || failedRegion !== s.writerRegion, s.objectives.regionLoss, [], caveats);
}

/** A planned switchover of the writer to another region (RPO 0: secondaries sync first). */
export function plannedSwitchoverBudget(s: BudgetSettings): DisruptionBudget {
  const preparation: BudgetTerm[] =
    s.routing.mode.value === "accelerator"
      ? [term("drain.dial", "Traffic dial of the source region to 0", "gaTrafficDialPropagation", "drain", [s.routing.mode.from])]
      : [];
  const writes = path("writes", [
    term("promote.aurora", "SwitchoverGlobalCluster (writes pause while roles change)", "auroraGlobalSwitchover", "promote"),
    term("promote.elasticache", "FailoverGlobalReplicationGroup", "elasticacheGlobalPromote", "promote"),
    term("client.writeForwarding", "Forwarded writes switch to local writes", "writeForwardingReconnect", "client"),
    ...clientTerms(),
  ]);
  const rpo: BudgetTerm[] = [
    { id: "rpo.aurora", label: "Aurora: switchover synchronizes secondaries first", seconds: 0, phase: "promote", basis: "managed switchover", source: `${AURORA_DR}: RPO 0, roles change after the secondaries are synchronized [A]` },
  ];
  const caveats = s.routing.mode.value === "route53" ? ["route53 mode has no traffic dial: both regions keep serving while writes pause"] : [];
  return verdict("plannedSwitchover", "Planned switchover", "writer moves to another region", [writes], rpo, true, s.objectives.regionLoss, preparation, caveats);
}

export function allBudgets(s: BudgetSettings): Record<Disruption, DisruptionBudget> {
  return { azLoss: azLossBudget(s), regionLoss: regionLossBudget(s), plannedSwitchover: plannedSwitchoverBudget(s) };
}

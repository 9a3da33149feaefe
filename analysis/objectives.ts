import type { Topology } from "../components/topology";
import type { StackConfig } from "../config/parse";
import { plain, type ResourceGraph } from "../graph/model";
import { budgetSettings, parseTopology } from "../drills/topology";
import { availabilityFromSettings, type AvailabilityEstimate } from "./availability";
import { allBudgets, type BudgetSettings, type DisruptionBudget } from "./budget";
import { CONFIDENCE_LEGEND } from "./constants";
import { dataKindsOf, recoveryPlanOf } from "./recoveryFacts";
import type { ObjectiveSection, ReportTable } from "./report";
import { SOURCES_DOC } from "./sources";

/**
 * The objective sections of `analyze`: the RTO/RPO budget per disruption and the composite
 * availability estimate, both computed from the stack's own settings (its topology output, then its
 * config) by the same functions the drill simulator uses, and compared with the stack's objectives.
 */

const pct = (a: number) => `${(a * 100).toFixed(4)} %`;
const secs = (s: number) => `${s} s`;

function budgetSection(budgets: DisruptionBudget[]): ObjectiveSection<DisruptionBudget[]> {
  const summary: ReportTable = {
    title: "RTO / RPO budget against the objectives",
    head: ["disruption", "RTO", "RTO objective", "RPO", "RPO objective", "met", "critical path"],
    rows: budgets.map((b) => [
      b.label, secs(b.rto.seconds), secs(b.objective.rtoSeconds), `${secs(b.rpo.seconds)}${b.rpo.bounded ? "" : " (typical)"}`, secs(b.objective.rpoSeconds),
      !b.rtoMet || b.rpoStatus === "missed" ? "NO" : b.rpoStatus === "typical" ? "RTO yes; RPO not bounded" : "yes", b.rto.critical,
    ]),
  };
  const terms: ReportTable = {
    title: "Budget terms (each with the setting it comes from and its source)",
    head: ["disruption", "path", "term", "seconds", "basis", "source"],
    rows: budgets.flatMap((b) => [
      ...b.rto.paths.flatMap((p) => p.terms.map((t) => [b.label, p.name, t.label, String(t.seconds), t.basis, `${t.source} (${t.ref})`])),
      ...(b.alternatives ?? []).flatMap((p) => p.terms.map((t) => [b.label, `${p.name} (not counted)`, t.label, String(t.seconds), t.basis, `${t.source} (${t.ref})`])),
      ...b.rpo.terms.map((t) => [b.label, "RPO", t.label, String(t.seconds), t.basis, `${t.source} (${t.ref})`]),
    ]),
  };
  const misses = budgets.flatMap((b) => b.breaches.map((br) =>
    `${b.label}: ${br.objective.toUpperCase()} ${br.value} s exceeds the objective ${br.limit} s; largest term: ${br.term.label} (${br.term.seconds} s${/ s \((documented|project estimate)\)$/.test(br.term.basis) ? `, ${/estimate/.test(br.term.basis) ? "project estimate" : "documented"}` : `, ${br.term.basis}`})`));
  // Name the unbounded terms that carry the figure; when every one is 0 s, name them all.
  const unboundedTerms = (b: (typeof budgets)[number]): string => {
    const unbounded = b.rpo.terms.filter((t) => t.bounded === false);
    const carrying = unbounded.filter((t) => t.seconds > 0);
    return (carrying.length > 0 ? carrying : unbounded).map((t) => t.label).join("; ") || "no term states a bound";
  };
  const warnings = budgets.filter((b) => b.rpoStatus === "typical").map((b) =>
    `${b.label}: RPO ${b.rpo.seconds} s is a typical value, not a bound (${unboundedTerms(b)}): ${b.rpo.seconds <= b.objective.rpoSeconds ? `within the objective ${b.objective.rpoSeconds} s only as typical` : `the session store may lose about that much against the objective ${b.objective.rpoSeconds} s (the data's RPO is ${b.rpo.byStore.database?.seconds ?? 0} s${b.rpo.byStore.database?.bounded ? ", bounded" : ""})`}`);
  return {
    title: "Recovery time and recovery point budget",
    objectivesMet: misses.length === 0,
    misses,
    warnings,
    data: budgets,
    tables: [summary, terms],
    notes: [
      ...budgets.flatMap((b) => b.caveats.map((c) => `${b.label}: ${c}`)),
      `Sources: the name in parentheses after each citation is a section of ${SOURCES_DOC}. ${CONFIDENCE_LEGEND}`,
    ],
  };
}

function availabilitySection(a: AvailabilityEstimate): ObjectiveSection<AvailabilityEstimate> {
  const table: ReportTable = {
    title: "Composite availability (published SLAs, independence assumed)",
    head: ["term", "availability", "how"],
    rows: [
      [a.entry.name, pct(a.entry.availability), `${a.entry.source}`],
      ["one region's data path", pct(a.regionDataPath.availability), a.regionDataPath.factors.map((f) => `${f.name} ${pct(f.availability)}`).join(" x ")],
      ["reads (regions in parallel)", pct(a.reads), "1 - (1 - region)^regions"],
      ...a.writeFactors.map((f) => [`writes: ${f.name}`, pct(f.availability), f.how]),
      ["writes (the factors above in series)", pct(a.writes), `${a.writeEventTerm.eventsPerYear}/yr x ${a.writeEventTerm.rtoSeconds} s = ${a.writeEventTerm.minutesPerYear.toFixed(1)} min/yr (${a.writeEventTerm.source})`],
      ["estimate: entry x writes (hard dependencies in series)", pct(a.estimate), `objective ${a.objectivePercent} %`],
    ],
  };
  const weakest = [...a.writeFactors].sort((x, y) => x.availability - y.availability)[0];
  const misses = a.met ? [] : [`availability estimate ${a.estimatePercent.toFixed(4)} % is below the objective ${a.objectivePercent} % (entry ${pct(a.entry.availability)} x writes ${pct(a.writes)}; weakest write factor: ${weakest.name} ${pct(weakest.availability)})`];
  return { title: "Availability estimate", objectivesMet: a.met, misses, data: a, tables: [table] };
}

/**
 * What the resources themselves say, which beats the topology output (a hint of the last deploy)
 * and the config (the intent): the target groups' health checks per region, the session-writer
 * record's TTL, whether the session store runs Multi-AZ, and whether any alarm exists at all.
 */
function resourceFacts(graph: ResourceGraph, settings: BudgetSettings): {
  regions?: BudgetSettings["regions"];
  writerRecordTtlSeconds?: { value: number; from: string };
  sessionsMultiAz?: { value: boolean; from: string };
  noAlarms?: boolean;
} {
  const num = (v: unknown) => (typeof plain(v) === "number" ? (plain(v) as number) : undefined);
  const groups = graph.ofType("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup");
  const regions = settings.regions.map((r) => {
    // The slowest target group of the region decides when its endpoint turns unhealthy.
    const checks = groups.filter((g) => graph.regionOf(g) === r.name).map((g) => ({
      g, interval: num(graph.prop(g, "healthCheck.interval")), threshold: num(graph.prop(g, "healthCheck.unhealthyThreshold")),
    })).filter((c) => c.interval !== undefined || c.threshold !== undefined);
    if (checks.length === 0) return r;
    const worst = checks.reduce((a, b) => ((b.interval ?? 30) * (b.threshold ?? 3) > (a.interval ?? 30) * (a.threshold ?? 3) ? b : a));
    return {
      ...r,
      albIntervalSeconds: worst.interval !== undefined ? { value: worst.interval, from: `target group ${worst.g.name} healthCheck.interval` } : r.albIntervalSeconds,
      albUnhealthyThreshold: worst.threshold !== undefined ? { value: worst.threshold, from: `target group ${worst.g.name} healthCheck.unhealthyThreshold` } : r.albUnhealthyThreshold,
    };
  });
  const cacheGroups = graph.ofType("aws:elasticache/replicationGroup:ReplicationGroup");
  const record = graph.ofType("aws:route53/record:Record").find((rec) => graph.refs(rec, "records").some((n) => cacheGroups.includes(n)));
  const ttl = record ? num(graph.prop(record, "ttl")) : undefined;
  // A global datastore's secondaries inherit Multi-AZ from the primary group: read it there.
  const primary = cacheGroups.find((g) => graph.prop(g, "globalReplicationGroupId") === undefined) ?? cacheGroups[0];
  const multiAz = primary ? plain(graph.prop(primary, "multiAzEnabled")) : undefined;
  // CloudWatch is regional: an alarm in the lost region cannot page anyone about its loss.
  const alarms = graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm");
  const hasAlarms = alarms.some((a) => graph.regionOf(a) !== settings.writerRegion);
  return {
    regions,
    ...(ttl !== undefined ? { writerRecordTtlSeconds: { value: ttl, from: `record ${record!.name} ttl` } } : {}),
    ...(typeof multiAz === "boolean" ? { sessionsMultiAz: { value: multiAz, from: `replication group ${primary!.name} multiAzEnabled` } } : {}),
    // Only a graph with workloads or stores says anything about its alarms.
    ...(!hasAlarms && (graph.ofType("aws:rds/cluster:Cluster").length > 0 || graph.ofType("aws:lb/loadBalancer:LoadBalancer").length > 0) ? { noAlarms: true } : {}),
  };
}

/** The settings the drill's topology reader does not carry: alarms, the record's TTL, the bound's carriers, the trigger. */
function withStackFacts(settings: BudgetSettings, topology: Partial<Topology>, config: StackConfig | undefined, graph: ResourceGraph | undefined): BudgetSettings {
  const writer = topology.regions?.find((r) => r.name === settings.writerRegion);
  const mon = writer?.monitoring;
  const cfg = "stack config ha-blueprint:";
  const alarms = mon
    ? { periodSeconds: { value: mon.periodSeconds, from: "topology writer region monitoring.periodSeconds" }, evaluationPeriods: { value: mon.evaluationPeriods, from: "topology writer region monitoring.evaluationPeriods" } }
    : config
      ? { periodSeconds: { value: config.monitoring.periodSeconds, from: `${cfg}monitoring.periodSeconds` }, evaluationPeriods: { value: config.monitoring.evaluationPeriods, from: `${cfg}monitoring.evaluationPeriods` } }
      : undefined;
  // Only topologies of stacks deployed before the session-writer record was removed carry it.
  const ttl = (topology.sessions as { writerRecord?: { ttlSeconds?: number } } | undefined)?.writerRecord?.ttlSeconds;
  const writerRecordTtlSeconds = ttl !== undefined ? { value: ttl, from: "topology sessions.writerRecord.ttlSeconds" } : undefined;
  const rpoBoundRegions = (topology.database as { rpoBoundRegions?: string[] } | undefined)?.rpoBoundRegions;
  const dataKinds = graph ? dataKindsOf(graph, config) : undefined;
  const facts = graph ? resourceFacts(graph, settings) : {};
  const survivor = settings.regions.find((r) => r.name !== settings.writerRegion)?.name;
  const recoveryPlan = graph && dataKinds ? recoveryPlanOf(graph, settings.writerRegion, survivor, dataKinds, alarms) : undefined;
  const trigger = recoveryPlan && !recoveryPlan.gap ? `ARC Region switch plan ${recoveryPlan.name} (execution triggers)` : undefined;
  const switchover = (config?.objectives as { plannedSwitchover?: { rtoSeconds: number; rpoSeconds: number } } | undefined)?.plannedSwitchover;
  return {
    ...settings,
    ...(facts.regions ? { regions: facts.regions } : {}),
    ...(alarms && !facts.noAlarms ? { alarms } : {}),
    ...(facts.noAlarms ? { noAlarms: true } : {}),
    sessions: {
      ...settings.sessions,
      ...(writerRecordTtlSeconds ? { writerRecordTtlSeconds } : {}),
      ...(facts.writerRecordTtlSeconds ? { writerRecordTtlSeconds: facts.writerRecordTtlSeconds } : {}),
      ...(facts.sessionsMultiAz ? { multiAz: facts.sessionsMultiAz } : {}),
    },
    database: { ...settings.database, ...(rpoBoundRegions ? { rpoBoundRegions } : {}) },
    decision: trigger ? "automated" : "human",
    ...(trigger ? { trigger } : {}),
    ...(recoveryPlan ? { recoveryPlan } : {}),
    ...(dataKinds && dataKinds.database !== "none" ? { dataKinds } : {}),
    ...(switchover ? { objectives: { ...settings.objectives, plannedSwitchover: switchover } } : {}),
  };
}

/** Both sections, or none when the input carries no topology (e.g. a stack this blueprint did not create). */
export function objectiveSections(topology: unknown, config: StackConfig | undefined, origin: string, graph?: ResourceGraph): {
  budget?: ObjectiveSection<DisruptionBudget[]>;
  availability?: ObjectiveSection<AvailabilityEstimate>;
} {
  if (!topology) return {};
  // The stack config is the current intent; the topology holds the objectives of its last deployment.
  const withObjectives = config && typeof topology === "object" ? { ...(topology as object), objectives: config.objectives } : topology;
  const settings = withStackFacts(budgetSettings(parseTopology(withObjectives, origin), config), topology as Partial<Topology>, config, graph);
  const budgets = Object.values(allBudgets(settings));
  return { budget: budgetSection(budgets), availability: availabilitySection(availabilityFromSettings(settings)) };
}

import type { BudgetTerm, DisruptionBudget } from "../analysis/budget";
import { CONTROL_PLANES, DRILL_TIMINGS } from "../analysis/constants";
import type { CompensationRecord, EngineResult, FenceResult, StepRecord } from "./engine";
import type { FinalState, Outcome } from "./finalState";
import type { DrillPlan, RpoBound } from "./plan";

/**
 * The drill's result as data: the step timeline, measured RTO and RPO against the objective, the
 * budget it was expected to meet, the state AWS was left in, and the commands to run next.
 * Writers for JSON, Markdown (Mermaid gantt) and text live in reportFormat.ts.
 */

export interface DrillReport {
  readonly tool: "ha-blueprint drill";
  readonly version: 2;
  readonly title: string;
  readonly stack: string;
  readonly kind: "region" | "az";
  readonly mode: "planned" | "unplanned";
  readonly failback: boolean;
  readonly simulated: boolean;
  readonly source: string;
  /** Where the source (current writer) came from: AWS or the topology. */
  readonly sourceFrom: string;
  readonly target: string;
  readonly az?: string;
  /** ISO time the drill started; for a simulation, the (virtual) start is T+0. */
  readonly startedAt: string;
  /** succeeded; rolled-back (something changed and was undone); stopped (see finalState). */
  readonly outcome: Outcome;
  /** One sentence: what happened and where things stand. */
  readonly summary: string;
  readonly finalState: FinalState;
  /** What to run next, most important first. Never changes `writerRegion`. */
  readonly nextCommands: readonly string[];
  readonly steps: readonly StepRecord[];
  readonly compensations: readonly CompensationRecord[];
  readonly fence?: Readonly<Record<string, FenceResult>>;
  readonly rto: {
    /** Drill time of the outage (see outageWindow). */
    readonly measuredSeconds?: number;
    readonly window?: { readonly fromSeconds: number; readonly toSeconds: number };
    /** Terms a drill cannot observe (detection before it started, decision, client DNS, reconnect, record TTL). */
    readonly modelledTerms: readonly BudgetTerm[];
    /** measured + modelled: the service RTO compared with the objective. */
    readonly serviceSeconds?: number;
    readonly budgetSeconds: number;
    readonly objectiveSeconds: number;
    readonly met?: boolean;
  };
  readonly rpo: {
    readonly measuredSeconds?: number;
    readonly basis: string;
    readonly budgetSeconds: number;
    readonly objectiveSeconds: number;
    readonly met?: boolean;
    /** rds.global_db_rpo while the old writer wrote (this drill's loss) and for the new writer. */
    readonly boundDuringDrill: RpoBound;
    readonly boundAfterDrill: RpoBound;
  };
  readonly budget: DisruptionBudget;
  readonly writerEndpoint?: string;
  readonly controlPlaneDependencies: readonly string[];
  readonly failure?: { readonly step: string; readonly error: string; readonly observed?: string; readonly nextCommands: readonly string[] };
  readonly warnings: readonly string[];
}

export function drillTitle(plan: DrillPlan): string {
  if (plan.kind === "az") return `AZ drill: ${plan.az} in ${plan.target}`;
  const what = plan.failback ? "Failback" : plan.mode === "planned" ? "Planned switchover" : plan.rehearsal ? "Unplanned region failover (rehearsal)" : "Unplanned region failover";
  return `${what}: ${plan.source} -> ${plan.target}`;
}

/**
 * Region drills: from the first step that stops service (unplanned: the drill's start, since users
 * are affected before anyone runs it) to the end of verification. AZ drills fail the tiers over
 * one after the other while a real AZ loss hits them at once, so the slowest tier's step is the window.
 */
function outageWindow(plan: DrillPlan, records: readonly StepRecord[]) {
  const ran = (r: StepRecord) => r.status === "done" || r.status === "failed";
  if (plan.kind === "az") {
    const slowest = records
      .filter((r) => r.opensOutage && r.status === "done")
      .reduce<StepRecord | undefined>((a, b) => (!a || b.endSeconds - b.startSeconds > a.endSeconds - a.startSeconds ? b : a), undefined);
    return slowest ? { fromSeconds: slowest.startSeconds, toSeconds: slowest.endSeconds } : undefined;
  }
  const opened = records.filter((r) => r.opensOutage && ran(r));
  const close = records.find((r) => r.closesOutage && r.status === "done");
  if (opened.length === 0 || !close) return undefined;
  return { fromSeconds: Math.min(...opened.map((r) => r.startSeconds)), toSeconds: close.endSeconds };
}

/** Terms on the budget's critical path that no step of the drill exercises, plus the record TTL. */
function modelledTerms(plan: DrillPlan): BudgetTerm[] {
  const critical = plan.budget.rto.paths.find((p) => p.name === plan.budget.rto.critical);
  // Unplanned: detection and the decision happen before a person runs the drill.
  const unobserved = new Set(plan.kind === "region" && plan.mode === "unplanned" ? ["detect", "propagate", "decide", "client"] : ["client"]);
  const terms = (critical?.terms ?? []).filter((t) => unobserved.has(t.phase));
  const rec = plan.kind === "region" ? plan.targets.writerRecord : undefined;
  if (rec) {
    terms.push({
      id: "client.sessionRecordTtl",
      label: "Resolvers drop the old session-writer answer (record TTL)",
      seconds: rec.ttlSeconds,
      phase: "client",
      basis: `TTL ${rec.ttlSeconds} s of ${rec.name}`,
      source: `${DRILL_TIMINGS.route53ChangePropagation.source} [${DRILL_TIMINGS.route53ChangePropagation.confidence}]`,
      ref: DRILL_TIMINGS.route53ChangePropagation.ref,
      confidence: DRILL_TIMINGS.route53ChangePropagation.confidence,
      settings: ["topology sessions.writerRecord.ttlSeconds"],
    });
  }
  return terms;
}

function measuredRpo(plan: DrillPlan, result: EngineResult): { seconds?: number; basis: string } {
  const promoted = result.records.some((r) => r.id === "promote-aurora" && r.status === "done") || result.records.some((r) => r.id.endsWith("az-failover") && r.status === "done");
  if (plan.kind === "az") return { seconds: promoted ? 0 : undefined, basis: "Aurora storage is replicated across AZs (0); session-store replication is asynchronous and not measured" };
  if (plan.mode === "planned") return { seconds: promoted ? 0 : undefined, basis: "SwitchoverGlobalCluster synchronizes the secondary before the roles change" };
  const f = result.facts;
  const aurora = f.auroraLagAtFailoverSeconds ?? f.auroraLagSeconds;
  const lags = [aurora, f.redisLagSeconds].filter((x): x is number => x !== undefined);
  return {
    seconds: promoted && lags.length > 0 ? Math.max(...lags) : undefined,
    basis: `replication lag measured in ${plan.target} (CloudWatch)${f.auroraLagAtFailoverSeconds !== undefined ? " after the fence, just before the failover" : " in preflight"}: writes newer than this were not replicated when the failover began`,
  };
}

function controlPlanes(plan: DrillPlan, records: readonly StepRecord[]): string[] {
  const ran = new Set(records.filter((r) => r.status === "done" || r.status === "failed").map((r) => r.id));
  const out: string[] = [];
  const ga = `Global Accelerator traffic dials: control plane in ${CONTROL_PLANES.globalAccelerator.region}`;
  const r53 = `Route 53 changes: control plane in ${CONTROL_PLANES.route53.region}`;
  const mark = (text: string, region: string) => (plan.mode === "unplanned" && plan.source === region ? `${text} (the region failed over from)` : text);
  if (["drain", "restore-traffic"].some((s) => ran.has(s)) || (ran.has("fence") && plan.targets.routingMode === "accelerator")) out.push(mark(ga, CONTROL_PLANES.globalAccelerator.region));
  if (ran.has("repoint-sessions") || (ran.has("fence") && plan.targets.routingMode === "route53")) out.push(mark(`${r53} (session-writer record${plan.targets.routingMode === "route53" ? ", health check inversion" : ""})`, CONTROL_PLANES.route53.region));
  if (ran.has("fence")) out.push(`EC2 API in ${plan.source} (security group rules of the old writer)`);
  if (ran.has("promote-aurora") || ran.has("aurora-az-failover")) out.push(`RDS API in ${plan.target}`);
  if (ran.has("promote-redis") || ran.has("redis-az-failover")) out.push(`ElastiCache API in ${plan.target}`);
  if (ran.has("reconcile")) out.push(`Pulumi backend (stack config${plan.mode === "planned" ? " and preview" : ""})`);
  return out;
}

function summaryOf(plan: DrillPlan, outcome: Outcome, final: FinalState, result: EngineResult): string {
  const where = `database writer ${final.writer.database ?? "unknown"}, session store primary ${final.writer.sessions ?? "unknown"}`;
  if (outcome === "succeeded") return `${plan.kind === "az" ? `the writer and primary left ${plan.az}` : `${plan.target} writes`}: ${where}`;
  const step = result.failed?.id ?? "?";
  if (outcome === "rolled-back") return `stopped at ${step}; every change was undone: ${where}`;
  if (!result.facts.changed) return `stopped at ${step} before changing anything: ${where}`;
  return `stopped at ${step} part-way: ${where}${final.problems.length ? `; ${final.problems.length} problem(s) listed in finalState` : ""}`;
}

export function buildReport(
  plan: DrillPlan,
  result: EngineResult,
  extra: { simulated: boolean; final: FinalState; outcome: Outcome; nextCommands: string[] },
): DrillReport {
  const window = outageWindow(plan, result.records);
  const modelled = modelledTerms(plan);
  const measured = window ? window.toSeconds - window.fromSeconds : undefined;
  const service = measured === undefined ? undefined : measured + modelled.reduce((s, t) => s + t.seconds, 0);
  const rpo = measuredRpo(plan, result);
  const failed = result.failed;
  const warnings = [...plan.warnings, ...result.records.flatMap((r) => r.warnings.map((w) => `${r.id}: ${w}`))];
  if (!window && !failed) warnings.push("no step stopped service (everything was already done): RTO not measured");
  return {
    tool: "ha-blueprint drill",
    version: 2,
    title: drillTitle(plan),
    stack: plan.stack,
    kind: plan.kind,
    mode: plan.mode,
    failback: plan.failback,
    simulated: extra.simulated,
    source: plan.source,
    sourceFrom: plan.sourceFrom,
    target: plan.target,
    ...(plan.az ? { az: plan.az } : {}),
    startedAt: extra.simulated ? "T+0 (virtual clock)" : new Date(result.startedAtMs).toISOString(),
    outcome: extra.outcome,
    summary: summaryOf(plan, extra.outcome, extra.final, result),
    finalState: extra.final,
    nextCommands: extra.nextCommands,
    steps: result.records,
    compensations: result.compensations,
    ...(Object.keys(result.facts.fence).length > 0 ? { fence: result.facts.fence } : {}),
    rto: {
      measuredSeconds: measured,
      window,
      modelledTerms: modelled,
      serviceSeconds: service,
      budgetSeconds: plan.budget.rto.seconds,
      objectiveSeconds: plan.objective.rtoSeconds,
      met: service === undefined ? undefined : service <= plan.objective.rtoSeconds,
    },
    rpo: {
      measuredSeconds: rpo.seconds,
      basis: rpo.basis,
      budgetSeconds: plan.budget.rpo.seconds,
      objectiveSeconds: plan.objective.rpoSeconds,
      met: rpo.seconds === undefined ? undefined : rpo.seconds <= plan.objective.rpoSeconds,
      boundDuringDrill: plan.rpo.during,
      boundAfterDrill: plan.rpo.after,
    },
    budget: plan.budget,
    writerEndpoint: result.facts.writerEndpoint,
    controlPlaneDependencies: controlPlanes(plan, result.records),
    ...(failed ? { failure: { step: failed.id, error: failed.error ?? "failed", observed: failed.observed, nextCommands: failed.nextCommands ?? [] } } : {}),
    warnings,
  };
}

/** Exit status: 1 when the drill did not succeed or missed an objective it measured. */
export function reportExitCode(report: DrillReport): number {
  return report.outcome !== "succeeded" || report.rto.met === false || report.rpo.met === false ? 1 : 0;
}

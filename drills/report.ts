import type { BudgetTerm, DisruptionBudget } from "../analysis/budget";
import { CONTROL_PLANES } from "../analysis/constants";
import type { EngineResult, StepRecord } from "./engine";
import type { DrillPlan } from "./plan";

/**
 * The drill's result as data: the step timeline, measured RTO and RPO against the objective, the
 * budget it was expected to meet, and on failure the exact state and the next manual commands.
 * Writers for JSON, Markdown (Mermaid gantt) and text live in reportFormat.ts.
 */

export interface DrillReport {
  readonly tool: "ha-blueprint drill";
  readonly version: 1;
  readonly title: string;
  readonly stack: string;
  readonly kind: "region" | "az";
  readonly mode: "planned" | "unplanned";
  readonly failback: boolean;
  readonly simulated: boolean;
  readonly source: string;
  readonly target: string;
  readonly az?: string;
  /** ISO time the drill started; for a simulation, the (virtual) start is T+0. */
  readonly startedAt: string;
  readonly outcome: "succeeded" | "failed";
  readonly steps: readonly StepRecord[];
  readonly rto: {
    /** Drill time of the outage (see outageWindow): region drills, first service-stopping step to verified. */
    readonly measuredSeconds?: number;
    readonly window?: { readonly fromSeconds: number; readonly toSeconds: number };
    /** Budget terms a drill cannot observe (decision, client DNS and reconnect): added from the model. */
    readonly modelledTerms: readonly BudgetTerm[];
    /** measured + modelled: the service RTO compared with the objective. */
    readonly serviceSeconds?: number;
    readonly budgetSeconds: number;
    readonly objectiveSeconds: number;
    readonly met?: boolean;
  };
  readonly rpo: { readonly measuredSeconds?: number; readonly basis: string; readonly budgetSeconds: number; readonly objectiveSeconds: number; readonly met?: boolean };
  readonly budget: DisruptionBudget;
  readonly writerEndpoint?: string;
  readonly controlPlaneDependencies: readonly string[];
  readonly failure?: { readonly step: string; readonly error: string; readonly observed?: string; readonly nextCommands: readonly string[] };
  readonly warnings: readonly string[];
}

export function drillTitle(plan: DrillPlan): string {
  if (plan.kind === "az") return `AZ drill: ${plan.az} in ${plan.target}`;
  const what = plan.failback ? "Failback" : plan.mode === "planned" ? "Planned switchover" : "Unplanned region failover";
  return `${what}: ${plan.source} -> ${plan.target}`;
}

/**
 * Region drills: from the first step that stops service to the end of verification. AZ drills
 * fail the tiers over one after the other while a real AZ loss hits them at once, so the slowest
 * tier's step is the window.
 */
function outageWindow(plan: DrillPlan, records: readonly StepRecord[]) {
  if (plan.kind === "az") {
    const slowest = records
      .filter((r) => r.opensOutage && r.status === "done")
      .reduce<StepRecord | undefined>((a, b) => (!a || b.endSeconds - b.startSeconds > a.endSeconds - a.startSeconds ? b : a), undefined);
    return slowest ? { fromSeconds: slowest.startSeconds, toSeconds: slowest.endSeconds } : undefined;
  }
  const open = records.find((r) => r.opensOutage && r.status === "done");
  const close = records.find((r) => r.closesOutage && r.status === "done");
  if (!open || !close) return undefined;
  return { fromSeconds: open.startSeconds, toSeconds: close.endSeconds };
}

/** Terms on the budget's critical path that no step of the drill exercises. */
function modelledTerms(plan: DrillPlan): BudgetTerm[] {
  const critical = plan.budget.rto.paths.find((p) => p.name === plan.budget.rto.critical);
  const unobserved = new Set(plan.kind === "region" && plan.mode === "unplanned" ? ["decide", "client"] : ["client"]);
  return (critical?.terms ?? []).filter((t) => unobserved.has(t.phase));
}

function measuredRpo(plan: DrillPlan, result: EngineResult): { seconds?: number; basis: string } {
  const promoted = result.records.some((r) => (r.id.startsWith("promote") || r.id.endsWith("az-failover")) && r.status === "done");
  if (plan.kind === "az") return { seconds: promoted ? 0 : undefined, basis: "Aurora storage is replicated across AZs (0); session-store replication is asynchronous and not measured" };
  if (plan.mode === "planned") return { seconds: promoted ? 0 : undefined, basis: "SwitchoverGlobalCluster synchronizes the secondary before the roles change" };
  const lags = [result.facts.auroraLagSeconds, result.facts.redisLagSeconds].filter((x): x is number => x !== undefined);
  return {
    seconds: promoted && lags.length > 0 ? Math.max(...lags) : undefined,
    basis: "replication lag measured by preflight (CloudWatch): writes newer than this were not replicated when the failover began",
  };
}

function controlPlanes(plan: DrillPlan, records: readonly StepRecord[]): string[] {
  const ran = new Set(records.filter((r) => r.status === "done").map((r) => r.id));
  const out: string[] = [];
  if (ran.has("drain") || ran.has("restore-traffic")) out.push(`Global Accelerator traffic dials: control plane in ${CONTROL_PLANES.globalAccelerator.region}`);
  if (ran.has("promote-aurora") || ran.has("aurora-az-failover")) out.push(`RDS API in ${plan.target}`);
  if (ran.has("promote-redis") || ran.has("redis-az-failover")) out.push(`ElastiCache API in ${plan.target}`);
  if (ran.has("detect")) out.push("none for detection: health checks are data plane");
  if (ran.has("reconcile")) out.push("Pulumi backend (stack config and preview)");
  return out;
}

export function buildReport(plan: DrillPlan, result: EngineResult, opts: { simulated: boolean }): DrillReport {
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
    version: 1,
    title: drillTitle(plan),
    stack: plan.stack,
    kind: plan.kind,
    mode: plan.mode,
    failback: plan.failback,
    simulated: opts.simulated,
    source: plan.source,
    target: plan.target,
    ...(plan.az ? { az: plan.az } : {}),
    startedAt: opts.simulated ? "T+0 (virtual clock)" : new Date(result.startedAtMs).toISOString(),
    outcome: failed ? "failed" : "succeeded",
    steps: result.records,
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
    },
    budget: plan.budget,
    writerEndpoint: result.facts.writerEndpoint,
    controlPlaneDependencies: controlPlanes(plan, result.records),
    ...(failed
      ? { failure: { step: failed.id, error: failed.error ?? "failed", observed: failed.observed, nextCommands: failed.nextCommands ?? [] } }
      : {}),
    warnings,
  };
}

/** Exit status: 1 when the drill failed or missed an objective it measured. */
export function reportExitCode(report: DrillReport): number {
  return report.outcome === "failed" || report.rto.met === false || report.rpo.met === false ? 1 : 0;
}

import { TIMINGS } from "../../analysis/constants";
import { wrap } from "../../cli/layout";
import type { ArcApi, Clock } from "../aws";
import type { DrillPlan } from "../plan";
import { runRegionSwitch, type RegionSwitchResult } from "./execute";

/**
 * A region drill on a stack that declares a Region switch plan: deactivate the source Region
 * through the plan (graceful for --mode planned, ungraceful for --mode unplanned), then, unless
 * --keep-drained or the source is lost, activate it again so traffic returns. The drill calls
 * ARC only; every promotion is the plan's own Aurora block (or none, for multi-writer kinds).
 */

export interface ArcDrillOptions {
  readonly arc: ArcApi;
  readonly clock: Clock;
  readonly planArn: string;
  readonly workflows?: ReadonlyArray<Record<string, any>>;
  readonly approval?: "approve" | "decline";
  readonly lagNow?: () => Promise<number | undefined>;
  readonly simulated: boolean;
  readonly onProgress?: (line: string) => void;
  /** Seconds of detection before the execution starts (the trigger's alarms), for the RTO. */
  readonly detectionSeconds?: number;
  /** After traffic is restored: reads what each region serves (dials, entry health); problems fail the drill. */
  readonly verifyServing?: () => Promise<{ readonly lines: string[]; readonly problems: string[] }>;
}

export interface ArcDrillReport {
  readonly title: string;
  readonly simulated: boolean;
  readonly planArn: string;
  readonly promotion: string;
  readonly executions: ReadonlyArray<{ readonly action: string; readonly region: string; readonly mode: string; readonly result: RegionSwitchResult }>;
  readonly rto: { readonly measuredSeconds?: number; readonly objectiveSeconds: number; readonly detectionSeconds: number; readonly met: boolean; readonly from: string };
  readonly outcome: "succeeded" | "failed";
  readonly notes: readonly string[];
}

function promotionOf(workflows: ReadonlyArray<Record<string, any>> | undefined, source: string): string {
  const w = workflows?.find((x) => x.workflowTargetAction === "deactivate" && x.workflowTargetRegion === source);
  if (!w) return "unknown (the plan document is not available offline; read it with `aws arc-region-switch get-plan`)";
  const steps = (w.steps as Array<Record<string, any>>).flatMap((s) => (s.executionBlockType === "Parallel" ? s.parallelConfigs[0].steps : [s]));
  const aurora = steps.find((s) => s.executionBlockType === "AuroraGlobalDatabase");
  if (!aurora) return "none: every region writes locally, so the plan has no promotion step (traffic moves, writers stay)";
  const cfg = aurora.globalAuroraConfigs[0];
  return cfg.behavior === "failover" ? "the plan's Aurora block fails over (AllowDataLoss) in any mode" : "the plan's Aurora block switches over; an ungraceful run fails over after its approval step";
}

export async function arcRegionDrill(plan: DrillPlan, o: ArcDrillOptions): Promise<ArcDrillReport> {
  const mode = plan.mode === "unplanned" ? "ungraceful" : "graceful";
  const common = {
    planArn: o.planArn,
    apiRegion: plan.target,
    approval: o.approval,
    allowDataLoss: !!plan.allowDataLoss,
    maxDataLossSeconds: plan.maxDataLossSeconds ?? plan.objective.rpoSeconds,
    lagNow: o.lagNow,
    pollSeconds: 15,
    deadlineSeconds: 3 * 3600,
  };
  const executions: Array<ArcDrillReport["executions"][number]> = [];
  const notes: string[] = [];
  const deactivate = await runRegionSwitch(o.arc, o.clock, { ...common, targetRegion: plan.source, action: "deactivate", mode, comment: `ha-blueprint drill: ${plan.mode} ${plan.source} -> ${plan.target}` }, o.onProgress);
  executions.push({ action: "deactivate", region: plan.source, mode, result: deactivate });
  const restore = deactivate.succeeded && plan.mode === "planned" && !plan.keepDrained;
  if (restore) {
    const activate = await runRegionSwitch(o.arc, o.clock, { ...common, targetRegion: plan.source, action: "activate", mode: "graceful", comment: `ha-blueprint drill: restore ${plan.source}'s traffic` }, o.onProgress);
    executions.push({ action: "activate", region: plan.source, mode: "graceful", result: activate });
  } else if (deactivate.succeeded) {
    notes.push(plan.mode === "unplanned" ? `${plan.source} stays deactivated: activate it with the plan once it is healthy (drill --failback or aws arc-region-switch start-plan-execution --action activate)` : `${plan.source} stays drained (--keep-drained)`);
  }
  let verified = true;
  if (restore && executions.every((e) => e.result.succeeded) && o.verifyServing) {
    const v = await o.verifyServing().catch((err) => ({ lines: [], problems: [`could not read the entry: ${(err as Error).message}`] }));
    notes.push(...v.lines, ...v.problems.map((p) => `PROBLEM: ${p}`));
    verified = v.problems.length === 0;
  }
  const detection = o.detectionSeconds ?? 0;
  const measured = deactivate.recoverySeconds === undefined ? undefined : deactivate.recoverySeconds + detection;
  const objective = plan.objective.rtoSeconds;
  const ok = executions.every((e) => e.result.succeeded) && verified;
  if (!o.simulated) notes.push("The stack config is not written: the writer region is read from AWS (topology hint only), and `pulumi up` does not revert a failover.");
  return {
    title: `${plan.mode === "unplanned" ? "Unplanned" : "Planned"} region drill through the Region switch plan: ${plan.source} -> ${plan.target}`,
    simulated: o.simulated,
    planArn: o.planArn,
    promotion: promotionOf(o.workflows, plan.source),
    executions,
    rto: {
      ...(measured !== undefined ? { measuredSeconds: measured } : {}),
      objectiveSeconds: objective,
      detectionSeconds: detection,
      met: ok && measured !== undefined && measured <= objective,
      from: `${deactivate.recoveryFrom ?? "no recovery time"}${detection ? ` + ${detection} s detection (probe alarms, outside the region)` : ""}`,
    },
    outcome: ok ? "succeeded" : "failed",
    notes,
  };
}

/** Detection before an automatic execution: the probe alarms' window plus one probe interval. */
export function automaticDetectionSeconds(probeFailureMinutes: number): number {
  return probeFailureMinutes * 60 + 60;
}

export function arcReportToText(r: ArcDrillReport, opts: { readonly width?: number; readonly notice?: readonly string[] } = {}): string {
  const lines = [`${r.title}${r.simulated ? " (SIMULATED on the offline model of ARC Region switch)" : ""}`, ...(opts.notice ?? []), `plan: ${r.planArn}`, `promotion: ${r.promotion}`];
  for (const e of r.executions) {
    const x = e.result;
    lines.push(`${e.action} ${e.region} (${e.mode}): ${x.state}${x.executionId ? ` [${x.executionId}${x.adopted ? ", adopted" : ""}]` : ""}${x.recoverySeconds !== undefined ? `, ${x.recoverySeconds} s (${x.recoveryFrom})` : ""}`);
    for (const s of x.steps) lines.push(`  - ${s.name}: ${s.status}${s.seconds !== undefined ? ` (${s.seconds} s)` : ""}`);
    for (const a of x.approvals) lines.push(`  approval ${a}`);
    for (const n of x.notes) lines.push(`  note: ${n}`);
    if (x.error) lines.push(`  error: ${x.error}`);
  }
  lines.push(`RTO: ${r.rto.measuredSeconds ?? "?"} s against the ${r.rto.objectiveSeconds} s objective (${r.rto.met ? "met" : "MISSED"}; ${r.rto.from})`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push(`outcome: ${r.outcome}`);
  const width = opts.width ?? 120;
  return `${lines.flatMap((l) => {
    const indent = /^\s*/.exec(l)![0];
    return wrap(l.trimStart(), width, indent, indent ? `${indent}  ` : "");
  }).join("\n")}\n`;
}

export const SIMULATED_LAG_SECONDS = TIMINGS.auroraReplicationLagTypical.value;

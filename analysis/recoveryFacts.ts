import { plain, type GraphNode, type ResourceGraph, plainString as str, plainNumber as num, plainRecords as list } from "../graph/model";
import type { StackConfig } from "../config/parse";
import type { DataKinds, PlanBlock, RecoveryPlan, Setting } from "./settings";

/**
 * Facts the budget reads from the resources in the graph rather than from the topology output:
 * which kind of store holds the data (multi-writer or not), and the ARC Region switch plan that
 * fails a region over without a person (its trigger alarms, read from the alarm resources, and the
 * steps of the workflow its trigger starts: activate the survivor, or deactivate the lost region).
 */

const PLAN = "aws:arcregionswitch/plan:Plan";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";

/** The store kinds from the resources; the config's kinds when the graph holds no store. */
export function dataKindsOf(graph: ResourceGraph, config?: StackConfig): DataKinds {
  const cfg = config as unknown as { database?: { kind?: string }; sessionStore?: { kind?: string } } | undefined;
  const has = (type: string) => graph.ofType(type).length > 0;
  const dsql = has("aws:dsql/cluster:Cluster");
  const aurora = has("aws:rds/cluster:Cluster");
  const memorydb = graph.ofType("aws:memorydb/cluster:Cluster").some((c) => graph.prop(c, "multiRegionClusterName") !== undefined);
  const groups = graph.ofType("aws:elasticache/replicationGroup:ReplicationGroup");
  const primaries = new Set(groups.flatMap((g) => [str(g.outputs.primaryEndpointAddress), str(g.outputs.configurationEndpointAddress)]).filter(Boolean));
  // A record that names a replication group: the failover must repoint it (a Route 53 control-plane change).
  const writerRecord = graph.ofType("aws:route53/record:Record").some((r) => {
    const values = plain(graph.prop(r, "records"));
    return graph.refs(r, "records").some((n) => groups.includes(n)) || (Array.isArray(values) && values.some((v) => primaries.has(str(v))));
  });
  const fromGraph = dsql || aurora || memorydb || groups.length > 0;
  const database = dsql ? "aurora-dsql" : aurora ? "aurora-global" : !fromGraph && cfg?.database?.kind === "aurora-dsql" ? "aurora-dsql" : !fromGraph && cfg ? "aurora-global" : "none";
  const sessions = memorydb ? "memorydb-multi-region" : groups.length > 0 ? "elasticache-global"
    : !fromGraph && cfg?.sessionStore?.kind === "memorydb-multi-region" ? "memorydb-multi-region" : !fromGraph && cfg ? "elasticache-global" : "none";
  return {
    database,
    sessions,
    sessionWriterRecord: sessions === "elasticache-global" && (fromGraph ? writerRecord : true),
    from: fromGraph ? "the store resources in the graph" : cfg ? "stack config database.kind / sessionStore.kind" : "no store in the graph",
  };
}

function blockOf(step: Record<string, unknown>): PlanBlock {
  const type = str(step.executionBlockType) ?? "unknown";
  const aurora = list(step.globalAuroraConfigs)[0];
  const timeout = [aurora, ...list(step.customActionLambdaConfigs), ...list(step.eksResourceScalingConfigs), ...list(step.executionApprovalConfigs)]
    .map((c) => num(c?.timeoutMinutes)).find((n) => n !== undefined);
  return {
    name: str(step.name) ?? type,
    type,
    ...(aurora ? { auroraBehavior: str(aurora.behavior), auroraUngraceful: str(list(aurora.ungracefuls)[0]?.ungraceful) } : {}),
    ...(timeout !== undefined ? { timeoutMinutes: timeout } : {}),
    ...(type === "Parallel" ? { parallel: list(list(step.parallelConfigs)[0]?.steps).map(blockOf) } : {}),
  };
}

/** Period x evaluations of an alarm resource; a composite alarm takes its slowest child. */
function alarmTiming(graph: ResourceGraph, alarm: GraphNode, depth = 0): { period: number; evaluations: number } | undefined {
  if (alarm.type === METRIC_ALARM) {
    const period = num(graph.prop(alarm, "period")) ?? num(list(graph.prop(alarm, "metricQueries")).map((q) => plain(q.metric) as Record<string, unknown>).find((m) => m)?.period);
    const evaluations = num(graph.prop(alarm, "evaluationPeriods"));
    return period !== undefined && evaluations !== undefined ? { period, evaluations } : undefined;
  }
  if (alarm.type === COMPOSITE_ALARM && depth < 4) {
    const children = graph.refs(alarm, "alarmRule").map((c) => alarmTiming(graph, c, depth + 1)).filter((t): t is { period: number; evaluations: number } => !!t);
    return children.reduce<{ period: number; evaluations: number } | undefined>((a, b) => (!a || b.period * b.evaluations > a.period * a.evaluations ? b : a), undefined);
  }
  return undefined;
}

/**
 * The Region switch plan that recovers the loss of `failedRegion` by itself, if the graph holds one:
 * a trigger that activates the survivor (or deactivates the failed region), its alarms, and the
 * steps of the workflow that trigger runs. `gap` says why it cannot do it alone, when it cannot.
 */
export function recoveryPlanOf(graph: ResourceGraph, failedRegion: string, survivor: string | undefined, kinds: DataKinds, fallback?: { periodSeconds: Setting<number>; evaluationPeriods: Setting<number> }): RecoveryPlan | undefined {
  const plans = graph.ofType(PLAN);
  let best: RecoveryPlan | undefined;
  for (const plan of plans) {
    const triggers = list(graph.prop(plan, "triggers")).filter((t) =>
      (str(t.action) === "activate" && (!survivor || str(t.targetRegion) === survivor)) || (str(t.action) === "deactivate" && str(t.targetRegion) === failedRegion));
    if (list(graph.prop(plan, "triggers")).length === 0) continue;
    const associated = list(graph.prop(plan, "associatedAlarms"));
    const alarmNodes = [...graph.refs(plan, "associatedAlarms"), ...graph.ofType(METRIC_ALARM, COMPOSITE_ALARM)];
    const gaps: string[] = [];
    if (triggers.length === 0) gaps.push(`no trigger activates ${survivor ?? "the surviving region"} or deactivates ${failedRegion}`);
    const alarms: RecoveryPlan["alarms"][number][] = [];
    const alarmRegions: (string | undefined)[] = [];
    for (const t of triggers) {
      for (const c of list(t.conditions).filter((x) => str(x.condition) === "red")) {
        const name = str(c.associatedAlarmName) ?? "?";
        const arn = str(associated.find((a) => str(a.mapBlockKey) === name)?.resourceIdentifier);
        const node = alarmNodes.find((a) => (arn && str(a.outputs.arn) === arn) || str(graph.prop(a, "name")) === name);
        const timing = node ? alarmTiming(graph, node) : undefined;
        // An alarm the graph does not hold (deleted, drifted, or in a stack not analysed) shows nothing
        // that could fire the trigger: the plan is not counted as recovering on its own.
        if (!node) gaps.push(`its trigger alarm ${name} is not in the graph, so nothing shows that it can fire`);
        alarmRegions.push(node ? graph.regionOf(node) : arn?.split(":")[3]);
        alarms.push(timing
          ? { name, periodSeconds: { value: timing.period, from: `alarm ${node!.name} period` }, evaluationPeriods: { value: timing.evaluations, from: `alarm ${node!.name} evaluationPeriods` } }
          : {
              name,
              periodSeconds: fallback?.periodSeconds ?? { value: 60, from: `assumed: alarm ${name} is not in the graph` },
              evaluationPeriods: fallback?.evaluationPeriods ?? { value: 3, from: `assumed: alarm ${name} is not in the graph` },
            });
      }
    }
    if (triggers.length > 0 && alarms.length === 0) gaps.push("its triggers name no alarm condition");
    if (alarmRegions.length > 0 && alarmRegions.every((r) => r === failedRegion)) gaps.push(`every trigger alarm lives in ${failedRegion}, the region it must recover from`);
    // A trigger starts the workflow of its own action and target Region: `activate` the survivor
    // (active/passive) or `deactivate` the failed Region (active/active, where that workflow holds
    // the promotion). https://docs.aws.amazon.com/r53recovery/latest/dg/components-rs.html
    const workflows = list(graph.prop(plan, "workflows"));
    const runs = (action: string, region: string | undefined) => workflows.find((w) =>
      str(w.workflowTargetAction) === action && (!str(w.workflowTargetRegion) || !region || str(w.workflowTargetRegion) === region));
    const workflow = triggers.map((t) => (str(t.action) === "deactivate" ? runs("deactivate", failedRegion) : runs("activate", survivor))).find(Boolean)
      ?? (triggers.length === 0 ? runs("activate", survivor) : undefined);
    if (!workflow) {
      gaps.push(triggers.some((t) => str(t.action) === "deactivate")
        ? `no workflow deactivates ${failedRegion}, the action its trigger starts`
        : `no workflow activates ${survivor ?? "the surviving region"}`);
    }
    const steps = workflow ? list(workflow.steps).map(blockOf) : [];
    const flat = (bs: readonly PlanBlock[]): PlanBlock[] => bs.flatMap((b) => [b, ...flat(b.parallel ?? [])]);
    const auroraBlocks = flat(steps).filter((b) => b.type === "AuroraGlobalDatabase");
    if (kinds.database === "aurora-global") {
      if (auroraBlocks.length === 0) gaps.push("its workflow has no Aurora global database block, so nothing promotes the secondary");
      else if (auroraBlocks.every((b) => b.auroraBehavior !== "failover" && b.auroraUngraceful !== "failover")) {
        gaps.push("its Aurora block only switches over (switchoverOnly, no ungraceful failover), which needs the lost primary");
      }
    }
    const candidate: RecoveryPlan = { name: plan.name, alarms, steps, ...(gaps.length ? { gap: gaps.join("; ") } : {}) };
    if (!best || (best.gap && !candidate.gap)) best = candidate;
  }
  return best;
}

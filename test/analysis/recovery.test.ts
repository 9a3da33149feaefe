import { describe, expect, it } from "vitest";
import { plannedSwitchoverBudget, regionLossBudget, type DisruptionBudget } from "../../analysis/budget";
import { dataKindsOf, recoveryPlanOf } from "../../analysis/recoveryFacts";
import { ResourceGraph } from "../../graph/model";
import type { DataKinds } from "../../analysis/settings";
import { EAST, prodSettings, WEST } from "../drills/fixtures";
import { GraphBuilder, healthyGraph } from "./fixture";

/**
 * Region-loss recovery without a person: multi-writer stores need no promotion (issue 17), and an
 * ARC Region switch plan with triggers replaces the page and the decision (issue 22, item 8).
 */

const ids = (b: DisruptionBudget, name: string) => b.rto.paths.find((p) => p.name === name)!.terms.map((t) => `${t.id}=${t.seconds}`);
const MULTI: DataKinds = { database: "aurora-dsql", sessions: "memorydb-multi-region", sessionWriterRecord: false, from: "test" };

describe("multi-writer stores", () => {
  it("reads the kinds from the resources", () => {
    const g = new ResourceGraph(healthyGraph({ database: "aurora-dsql", sessions: "memorydb-multi-region" }), EAST);
    expect(dataKindsOf(g)).toMatchObject({ database: "aurora-dsql", sessions: "memorydb-multi-region", sessionWriterRecord: false });
    expect(dataKindsOf(new ResourceGraph(healthyGraph(), EAST))).toMatchObject({ database: "aurora-global", sessions: "elasticache-global", sessionWriterRecord: true });
    expect(dataKindsOf(new ResourceGraph(healthyGraph({ sessions: "elasticache-candidates" }), EAST))).toMatchObject({ sessionWriterRecord: false });
  });

  it.each([EAST, WEST])("losing %s: writes and sessions need detection and routing only; RTO <= 120 s, writes RPO 0 (bounded)", (lost) => {
    const b = regionLossBudget(prodSettings({ dataKinds: MULTI }), lost);
    expect(b.rto.paths.map((p) => p.name)).toEqual(["reads", "database writes", "sessions"]);
    expect(ids(b, "database writes")).toEqual(["detect.alb=30", "detect.ga=30", "promote.none.database writes=0"]);
    expect(ids(b, "sessions")).toEqual(["detect.alb=30", "detect.ga=30", "promote.none.sessions=0"]);
    const all = b.rto.paths.flatMap((p) => p.terms);
    expect(all.filter((t) => ["decide", "page", "detect.alarm"].includes(t.id) || t.id.startsWith("promote.aurora") || t.id.startsWith("promote.elasticache"))).toEqual([]);
    expect(b.rto.seconds).toBeLessThanOrEqual(120);
    expect(b.rpo.byStore).toEqual({ database: { seconds: 0, bounded: true }, sessions: { seconds: 1, bounded: false } });
    expect(b.rpo.terms.find((t) => t.id === "rpo.dsql")).toMatchObject({ ref: "dsql-resilience", confidence: "A", bounded: true });
    expect(b.rpo.terms.find((t) => t.id === "rpo.memorydb")).toMatchObject({ ref: "memorydb-multi-region", basis: "1 s typical, not a bound" });
    // Within the objective, but MemoryDB's lag is typical, not a bound: reported as such, not as met.
    expect([b.rtoMet, b.rpoStatus, b.breaches]).toEqual([true, "typical", []]);
    expect(b.alternatives).toBeUndefined();
    // Against an RPO objective of 0 s: the data (DSQL) meets it with a bound; the session store's
    // typical lag is reported as a warning, not a breach (sessions are not the system of record).
    const zero = regionLossBudget(prodSettings({ dataKinds: MULTI, objectives: { ...prodSettings().objectives, regionLoss: { rtoSeconds: 120, rpoSeconds: 0 } } }), lost);
    expect([zero.rpoStatus, zero.breaches]).toEqual(["typical", []]);
    // An Aurora database with its typical lag against 0 s does breach it.
    const aurora = regionLossBudget(prodSettings({ database: { instancesPerRegion: { value: 3, from: "i" } }, dataKinds: { ...MULTI, database: "aurora-global" }, objectives: { ...prodSettings().objectives, regionLoss: { rtoSeconds: 3600, rpoSeconds: 0 } } }), EAST);
    expect(aurora.breaches.map((x) => [x.objective, x.term.id])).toEqual([["rpo", "rpo.aurora"]]);
  });

  it("misses its RTO when the survivor has to scale out first (the number can fail)", () => {
    const b = regionLossBudget(prodSettings({ dataKinds: MULTI, app: { capacity: { value: "scalable", from: "c" }, replicasPerRegion: { value: 6, from: "r" } }, objectives: { ...prodSettings().objectives, regionLoss: { rtoSeconds: 120, rpoSeconds: 0 } } }));
    expect(b.rtoMet).toBe(false);
    expect(b.breaches[0]).toMatchObject({ objective: "rto", term: { id: "capacity.nodes" } });
  });

  it("has no writer to switch over", () => {
    const b = plannedSwitchoverBudget(prodSettings({ dataKinds: MULTI }));
    expect(b.rto.seconds).toBe(0);
    expect(b.scope).toBe("no writer to move");
    expect(b.rpo.terms).toEqual([]);
  });

  it("Aurora global with MemoryDB: only the database is promoted", () => {
    const b = regionLossBudget(prodSettings({ dataKinds: { ...MULTI, database: "aurora-global" } }));
    expect(ids(b, "database writes")).toContain("decide=900");
    expect(ids(b, "sessions")).toEqual(["detect.alb=30", "detect.ga=30", "promote.none.sessions=0"]);
  });

  it("elasticache-global without the record: no Route 53 terms, no control-plane caveat", () => {
    const b = regionLossBudget(prodSettings({ dataKinds: { database: "aurora-global", sessions: "elasticache-global", sessionWriterRecord: false, from: "t" } }));
    expect(ids(b, "sessions").some((t) => t.startsWith("record."))).toBe(false);
    expect(b.caveats.join(" ")).not.toMatch(/Route 53 control plane/);
  });
});

interface PlanOptions {
  readonly alarmRegion?: string;
  readonly behavior?: "switchoverOnly" | "failover";
  readonly ungraceful?: boolean;
  readonly approval?: boolean;
  readonly period?: number;
  readonly evaluations?: number;
}

/** A two-region graph with a Region switch plan whose trigger activates us-west-2 on an alarm. */
function planGraph(o: PlanOptions = {}): ResourceGraph {
  const b = new GraphBuilder();
  const providers = Object.fromEntries([EAST, WEST].map((r) => [r, b.add("pulumi:providers:aws", `aws-${r}`, { region: r })]));
  const alarmRegion = o.alarmRegion ?? WEST;
  const alarm = b.add("aws:cloudwatch/metricAlarm:MetricAlarm", "east-unhealthy", { name: "east-unhealthy", period: o.period ?? 60, evaluationPeriods: o.evaluations ?? 2, comparisonOperator: "LessThanThreshold", threshold: 1 }, { provider: providers[alarmRegion] });
  b.add("aws:arcregionswitch/plan:Plan", "recovery", {
    regions: [EAST, WEST],
    recoveryApproach: "activePassive",
    primaryRegion: EAST,
    executionRole: "arn:aws:iam::123456789012:role/arc",
    associatedAlarms: [{ mapBlockKey: "east-unhealthy", alarmType: "trigger", resourceIdentifier: b.arn(alarm) }],
    triggers: [{ action: "activate", targetRegion: WEST, minDelayMinutesBetweenExecutions: 30, conditions: [{ associatedAlarmName: "east-unhealthy", condition: "red" }] }],
    workflows: [{
      workflowTargetAction: "activate",
      workflowTargetRegion: WEST,
      steps: [
        ...(o.approval ? [{ name: "approve", executionBlockType: "ManualApproval", executionApprovalConfigs: [{ approvalRole: "arn:aws:iam::123456789012:role/approver", timeoutMinutes: 60 }] }] : []),
        {
          name: "promote",
          executionBlockType: "Parallel",
          parallelConfigs: [{
            steps: [
              { name: "aurora", executionBlockType: "AuroraGlobalDatabase", globalAuroraConfigs: [{ behavior: o.behavior ?? "switchoverOnly", globalClusterIdentifier: "g", databaseClusterArns: [], ...(o.ungraceful === false ? {} : { ungracefuls: [{ ungraceful: "failover" }] }) }] },
              { name: "sessions", executionBlockType: "CustomActionLambda", customActionLambdaConfigs: [{ regionToRun: "activatingRegion", retryIntervalMinutes: 1, timeoutMinutes: 5 }] },
            ],
          }],
        },
        { name: "scale", executionBlockType: "EKSResourceScaling", eksResourceScalingConfigs: [{ capacityMonitoringApproach: "sampledMaxInLast24Hours", targetPercent: 100 }] },
      ],
    }],
  }, { provider: providers[WEST], deps: { associatedAlarms: [alarm] } });
  return new ResourceGraph(b.resources, EAST);
}

const KINDS: DataKinds = { database: "aurora-global", sessions: "elasticache-global", sessionWriterRecord: false, from: "t" };

describe("ARC Region switch plan with triggers", () => {
  it("reads the trigger alarm's own period and evaluations and the activate workflow's blocks", () => {
    const plan = recoveryPlanOf(planGraph(), EAST, WEST, KINDS)!;
    expect(plan.gap).toBeUndefined();
    expect(plan.alarms).toEqual([{ name: "east-unhealthy", periodSeconds: { value: 60, from: "alarm east-unhealthy period" }, evaluationPeriods: { value: 2, from: "alarm east-unhealthy evaluationPeriods" } }]);
    expect(plan.steps.map((s) => s.type)).toEqual(["Parallel", "EKSResourceScaling"]);
  });

  it("region-loss RTO = alarm + trigger + plan execution, no person; the human path is shown beside it", () => {
    const plan = recoveryPlanOf(planGraph(), EAST, WEST, KINDS)!;
    const b = regionLossBudget(prodSettings({ dataKinds: KINDS, recoveryPlan: plan, decision: "automated" }));
    // The parallel block takes its slowest child (the Aurora failover); the scaling step runs after
    // it, while the promoted survivor already writes, so it is not on the writes path.
    expect(ids(b, "database writes")).toEqual([
      "detect.triggerAlarm=120", "decide.trigger=60", "plan.aurora=180", "client.dns=5", "client.reconnect=15",
    ]);
    // The session promotion is a custom action Lambda the analysis cannot place in the workflow:
    // the sessions path counts every step, and is the slower one.
    expect(ids(b, "sessions")).toEqual(["detect.triggerAlarm=120", "decide.trigger=60", "plan.aurora=180", "plan.scale=30", "client.reconnect=15"]);
    expect(b.rto.seconds).toBe(405);
    expect(b.rto.seconds).toBeLessThanOrEqual(600);
    expect(b.rto.paths.flatMap((p) => p.terms).some((t) => t.id === "decide" || t.id === "page")).toBe(false);
    expect(b.alternatives!.map((p) => [p.name, p.seconds])).toEqual([
      ["database writes, if a person decides (the plan does not run)", 180 + 300 + 900 + 180 + 5 + 15],
      ["sessions, if a person decides (the plan does not run)", 180 + 300 + 900 + 60 + 15],
    ]);
    expect(b.caveats[0]).toMatch(/^Failover is triggered automatically: ARC Region switch plan recovery runs when its trigger alarms \(east-unhealthy\) go to ALARM/);
  });

  it("a slower alarm makes a slower RTO (the terms come from the alarm resource)", () => {
    const plan = recoveryPlanOf(planGraph({ period: 300, evaluations: 3 }), EAST, WEST, KINDS)!;
    const b = regionLossBudget(prodSettings({ dataKinds: KINDS, recoveryPlan: plan, decision: "automated", objectives: { ...prodSettings().objectives, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } } }));
    expect(b.rto.seconds).toBe(900 + 60 + 180 + 30 + 15);
    expect(b.rtoMet).toBe(false);
    expect(b.breaches[0].term).toMatchObject({ id: "detect.triggerAlarm", settings: ["alarm east-unhealthy period", "alarm east-unhealthy evaluationPeriods"] });
  });

  it.each([
    ["trigger alarm in the region it judges", { alarmRegion: EAST }, /every trigger alarm lives in us-east-1/],
    ["Aurora block that only switches over", { ungraceful: false }, /only switches over/],
  ])("falls back to the human path: %s", (_name, o, gap) => {
    const plan = recoveryPlanOf(planGraph(o), EAST, WEST, KINDS)!;
    expect(plan.gap).toMatch(gap);
    const b = regionLossBudget(prodSettings({ dataKinds: KINDS, recoveryPlan: plan }));
    expect(ids(b, "database writes")).toContain("decide=900");
    expect(b.caveats.join(" ")).toMatch(/cannot fail over on its own/);
  });

  it("a manual approval step keeps a person in the plan", () => {
    const plan = recoveryPlanOf(planGraph({ approval: true }), EAST, WEST, KINDS)!;
    const b = regionLossBudget(prodSettings({ dataKinds: KINDS, recoveryPlan: plan, decision: "automated" }));
    expect(ids(b, "database writes")).toContain("plan.approve=900");
    expect(b.caveats).toContainEqual("Plan recovery holds a manual approval step: a person still decides inside the plan");
  });
});

describe("analyze end to end on a multi-writer stack", () => {
  it("reports writes RTO <= 120 s and RPO 0 after losing either region, and exits 0", async () => {
    const { objectiveSections } = await import("../../analysis/objectives");
    const { analyzeFailureDomains } = await import("../../analysis/failureDomains");
    const { buildReport } = await import("../../analysis/report");
    const { buildTopologyView } = await import("../../analysis/topologyView");
    const { topologyFixture } = await import("../drills/fixtures");
    const graph = new ResourceGraph(healthyGraph({ database: "aurora-dsql", sessions: "memorydb-multi-region" }), EAST);
    const topology = { ...topologyFixture(), objectives: { availabilityPercent: 99.98, azLoss: { rtoSeconds: 120, rpoSeconds: 1 }, regionLoss: { rtoSeconds: 120, rpoSeconds: 1 } } };
    const options = { writerRegion: EAST, regions: [EAST, WEST] };
    const sections = objectiveSections(topology, undefined, "multi-writer", graph);
    const budgets = sections.budget!.data;
    const region = budgets.find((b) => b.disruption === "regionLoss")!;
    expect(region.rto.seconds).toBeLessThanOrEqual(120);
    expect(region.rto.paths.flatMap((p) => p.terms).map((t) => t.id)).not.toContain("decide");
    expect(region.rpo.byStore.database).toEqual({ seconds: 0, bounded: true });
    // Either region: the section reports the slower of the two losses.
    expect(region.scope).toMatch(/^all of us-(east-1|west-2)$/);
    const report = buildReport({ source: { kind: "state", name: "multi-writer" }, topology: buildTopologyView(graph, options), failureDomains: analyzeFailureDomains(graph, options), ...sections });
    expect(report.verdict.reasons).toEqual([]);
    expect(report.verdict.exitCode).toBe(0);
  });
});


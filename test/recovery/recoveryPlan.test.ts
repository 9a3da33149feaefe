import { beforeAll, describe, expect, it } from "vitest";
import type { ExportedResource } from "../../plan/stackExport";
import { planWorkflows, STEP } from "../../components/recovery/planDocument";
import { ELASTICACHE_GLOBAL_SESSIONS, planStack, type Plan } from "../helpers/plan";

const PLAN = "aws:arcregionswitch/plan:Plan";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FUNCTION = "aws:lambda/function:Function";
const REGIONS = ["us-east-1", "us-west-2"];

type Step = { name: string; executionBlockType: string; [k: string]: any };
type Workflow = { workflowTargetAction: string; workflowTargetRegion: string; steps: Step[]; workflowDescription?: string };

const workflowsOf = (plan: ExportedResource) => (plan.inputs as any).workflows as Workflow[];
const deactivate = (plan: ExportedResource, region: string) => workflowsOf(plan).find((w) => w.workflowTargetAction === "deactivate" && w.workflowTargetRegion === region)!;
const flatSteps = (w: Workflow): Step[] => w.steps.flatMap((s) => (s.executionBlockType === "Parallel" ? (s.parallelConfigs[0].steps as Step[]) : [s]));

describe("prod with the default `ungracefulDatabaseFailover: approval`: the Region switch plan generated from the topology", () => {
  let p: Plan;
  let plan: ExportedResource;
  beforeAll(async () => {
    p = await planStack("prod", { "ha-blueprint:recovery": { ungracefulDatabaseFailover: "approval" } });
    const plans = p.ofType(PLAN);
    expect(plans).toHaveLength(1);
    plan = plans[0];
  }, 120_000);

  it("covers both regions, active/active, with an RTO from the stack's objective", () => {
    expect([...((plan.inputs as any).regions as string[])].sort()).toEqual(REGIONS);
    expect((plan.inputs as any).recoveryApproach).toBe("activeActive");
    expect((plan.inputs as any).recoveryTimeObjectiveMinutes).toBe(10); // regionLoss.rtoSeconds 600
    expect(((plan.inputs as any).name as string).length).toBeLessThanOrEqual(32);
  });

  it("deactivates each region: scale the survivor, approve, switch Aurora over, then the dial; MemoryDB sessions need no step and the workflow says why", () => {
    const clusters = p.ofType("aws:rds/cluster:Cluster");
    const global = p.ofType("aws:rds/globalCluster:GlobalCluster")[0];
    // The shipped prod's sessions are multi-writer: nothing to promote, so no session function at all.
    expect(p.ofType("aws:memorydb/multiRegionCluster:MultiRegionCluster")).toHaveLength(1);
    expect(p.ofType(FUNCTION).filter((f) => /session-failover$/.test((f.inputs as any).name))).toEqual([]);
    for (const region of REGIONS) {
      const w = deactivate(plan, region);
      expect(w.steps.map((s) => s.executionBlockType)).toEqual(["EKSResourceScaling", "ManualApproval", "AuroraGlobalDatabase", "CustomActionLambda"]);
      expect(w.steps.map((s) => s.name)).not.toContain(STEP.sessions);
      expect(w.workflowDescription).toMatch(/MemoryDB Multi-Region writes in every region \(no session promotion\)/);
      const scale = w.steps[0].eksResourceScalingConfigs[0];
      expect(scale.eksClusters.map((c: { clusterArn: string }) => c.clusterArn.split(":")[3]).sort()).toEqual(REGIONS);
      expect(scale.targetPercent).toBe(100);
      expect(scale.scalingResources[0].resources[0]).toMatchObject({ name: "app", hpaName: "app", namespace: "app" });
      const aurora = w.steps[2].globalAuroraConfigs[0];
      expect(aurora.behavior).toBe("switchoverOnly");
      expect(aurora.ungracefuls).toEqual([{ ungraceful: "failover" }]);
      expect(aurora.globalClusterIdentifier).toBe((global.outputs as any).id ?? (global.inputs as any).globalClusterIdentifier);
      expect([...aurora.databaseClusterArns].sort()).toEqual(clusters.map((c) => (c.outputs as any).arn).sort());
      const approver = p.ofType("aws:iam/role:Role").find((r) => (r.outputs as any).arn === w.steps[1].executionApprovalConfigs[0].approvalRole)!;
      expect(approver).toBeDefined();
      const drain = w.steps[3];
      expect(drain.name).toBe(STEP.drain);
      const cfg = drain.customActionLambdaConfigs[0];
      // Never the deactivating (maybe lost) region.
      expect(cfg.regionToRun).toBe("activatingRegion");
      const fns = cfg.lambdas.map((l: { arn: string }) => p.ofType(FUNCTION).find((f) => (f.outputs as any).arn === l.arn)!);
      expect(fns.map((f: ExportedResource) => p.regionOf(f)).sort()).toEqual(REGIONS);
      for (const f of fns) expect((f.inputs as any).environment.variables.DIAL_ACTION).toBe("deactivate");
    }
  });

  it("activates a region by its dial only: the writer stays where it is", () => {
    for (const region of REGIONS) {
      const w = workflowsOf(plan).find((x) => x.workflowTargetAction === "activate" && x.workflowTargetRegion === region)!;
      expect(w.steps.map((s) => s.executionBlockType)).toEqual(["CustomActionLambda"]);
    }
  });

  it("triggers on an alarm evaluated OUTSIDE the region it judges, combining two independent probes", () => {
    const triggers = (plan.inputs as any).triggers as Array<{ action: string; targetRegion: string; conditions: Array<{ associatedAlarmName: string; condition: string }>; minDelayMinutesBetweenExecutions: number }>;
    expect(triggers.map((t) => t.targetRegion).sort()).toEqual(REGIONS);
    const associated = (plan.inputs as any).associatedAlarms as Array<{ mapBlockKey: string; alarmType: string; resourceIdentifier: string }>;
    for (const t of triggers) {
      expect(t.action).toBe("deactivate");
      expect(t.minDelayMinutesBetweenExecutions).toBe(60);
      expect(t.conditions).toHaveLength(1);
      expect(t.conditions[0].condition).toBe("red");
      const assoc = associated.find((a) => a.mapBlockKey === t.conditions[0].associatedAlarmName)!;
      expect(assoc.alarmType).toBe("trigger");
      const composite = p.ofType(COMPOSITE).find((c) => (c.outputs as any).arn === assoc.resourceIdentifier)!;
      expect(composite).toBeDefined();
      // The judge lives in the other region, and pages there.
      const judge = p.regionOf(composite)!;
      expect(judge).not.toBe(t.targetRegion);
      expect((composite.inputs as any).alarmRule).toMatch(/^ALARM\(".+"\) AND ALARM\(".+"\)$/);
      const names = [...((composite.inputs as any).alarmRule as string).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);
      const signals = names.map((n) => p.ofType(METRIC_ALARM).find((a) => (a.inputs as any).name === n)!);
      expect(signals.map((s) => (s.inputs as any).dimensions.Probe).sort()).toEqual(["entry", "regional-api"]);
      for (const s of signals) {
        expect((s.inputs as any).dimensions.TargetRegion).toBe(t.targetRegion);
        expect(p.regionOf(s)).toBe(judge);
        expect((s.inputs as any).evaluationPeriods).toBe(3);
        expect((s.inputs as any).datapointsToAlarm).toBe(3);
        expect((s.inputs as any).treatMissingData).toBe("notBreaching");
      }
      const topics = p.ofType("aws:sns/topic:Topic").filter((x) => p.regionOf(x) === judge).map((x) => (x.outputs as any).arn);
      expect(topics).toContain((composite.inputs as any).alarmActions[0]);
      // The probe in the judge's region probes the judged region's load balancer.
      const probe = p.ofType(FUNCTION).find((f) => p.regionOf(f) === judge && /probe$/.test((f.inputs as any).name))!;
      const targets = JSON.parse((probe.inputs as any).environment.variables.PROBE_TARGETS);
      const alb = p.ofType("aws:lb/loadBalancer:LoadBalancer").find((x) => p.regionOf(x) === t.targetRegion)!;
      expect(targets).toEqual([expect.objectContaining({ region: t.targetRegion, url: `https://${(alb.outputs as any).dnsName}/healthz` })]);
    }
  });

  it("runs with an execution role ARC assumes that reaches only this stack's resources", () => {
    const role = p.ofType("aws:iam/role:Role").find((r) => (r.outputs as any).arn === (plan.inputs as any).executionRole)!;
    expect(JSON.parse((role.inputs as any).assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "arc-region-switch.amazonaws.com" });
    const policy = p.ofType("aws:iam/rolePolicy:RolePolicy").find((x) => (x.inputs as any).role === role.id)!;
    const statements = JSON.parse((policy.inputs as any).policy).Statement as Array<{ Action: string[]; Resource: string | string[] }>;
    for (const s of statements) {
      expect(s.Resource).not.toBe("*");
      expect(s.Action.every((a) => !a.endsWith(":*"))).toBe(true);
    }
    const invoke = statements.find((s) => s.Action.includes("lambda:InvokeFunction"))!;
    const planLambdas = new Set(workflowsOf(plan).flatMap((w) => flatSteps(w)).flatMap((s) => (s.customActionLambdaConfigs?.[0]?.lambdas ?? []).map((l: { arn: string }) => l.arn)));
    expect(new Set(invoke.Resource as string[])).toEqual(planLambdas);
    const promote = statements.find((s) => s.Action.includes("rds:FailoverGlobalCluster"))!;
    expect((promote.Resource as string[]).filter((r) => r.includes(":cluster:"))).toHaveLength(2);
    // The policy names each cluster once per action: one EKS cluster and one Aurora cluster per region.
    const eks = statements.find((s) => s.Action.includes("eks:DescribeCluster"))!;
    expect((eks.Resource as string[]).map((r) => r.split(":")[3]).sort()).toEqual(REGIONS);
    // EKS scaling goes through an access entry scoped to the workload's namespace (other tiers
    // have access entries of their own: only the execution role's are this block's).
    const assoc = p.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => (a.inputs as any).principalArn === (role.outputs as any).arn);
    expect(assoc.map((a) => p.regionOf(a)).sort()).toEqual(REGIONS);
    for (const a of assoc) {
      expect((a.inputs as any).principalArn).toBe((role.outputs as any).arn);
      expect((a.inputs as any).policyArn).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonARCRegionSwitchScalingPolicy");
      expect((a.inputs as any).accessScope).toEqual({ type: "namespace", namespaces: ["app"] });
    }
  });

  it("enables zonal autoshift on every regional ALB and EKS cluster, with an outcome alarm in the same region", () => {
    const configs = p.ofType("aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration");
    const albs = p.ofType("aws:lb/loadBalancer:LoadBalancer");
    expect(albs).toHaveLength(2);
    for (const alb of albs) {
      const c = configs.find((x) => (x.inputs as any).resourceArn === (alb.outputs as any).arn)!;
      expect((c.inputs as any).zonalAutoshiftStatus).toBe("ENABLED");
      expect(p.regionOf(c)).toBe(p.regionOf(alb));
      const outcome = p.ofType(METRIC_ALARM).find((a) => (a.outputs as any).arn === (c.inputs as any).outcomeAlarms[0].alarmIdentifier)!;
      expect(p.regionOf(outcome)).toBe(p.regionOf(alb));
      expect((c.inputs as any).blockingAlarms[0].alarmIdentifier).toMatch(new RegExp(`^arn:aws:cloudwatch:${p.regionOf(alb)}:\\d{12}:alarm:`));
    }
    expect(configs.filter((x) => /:eks:/.test((x.inputs as any).resourceArn))).toHaveLength(2);
  });

  it("drains a slow region through its own alarms, with a restore alarm that needs longer and a lower threshold", () => {
    for (const region of REGIONS) {
      // The rule that invokes the region's drain function (other tiers have event rules of their own).
      const drainFn = p.ofType(FUNCTION).find((f) => p.regionOf(f) === region && /-drain$/.test((f.inputs as any).name))!;
      const targets = p.ofType("aws:cloudwatch/eventTarget:EventTarget").filter((t) => (t.inputs as any).arn === (drainFn.outputs as any).arn);
      expect(targets).toHaveLength(1);
      const rules = p.ofType("aws:cloudwatch/eventRule:EventRule").filter((r) => (r.outputs as any).name === (targets[0].inputs as any).rule);
      expect(rules).toHaveLength(1);
      expect(p.regionOf(rules[0])).toBe(region);
      const pattern = JSON.parse((rules[0].inputs as any).eventPattern);
      const [drainName, restoreName] = pattern.detail.alarmName as string[];
      const drain = p.ofType(COMPOSITE).find((c) => (c.inputs as any).alarmName === drainName)!;
      const restore = p.ofType(COMPOSITE).find((c) => (c.inputs as any).alarmName === restoreName)!;
      expect((drain.inputs as any).alarmRule).toContain(" OR ");
      expect((restore.inputs as any).alarmRule).toContain(" AND ");
      const alarm = (n: string) => p.ofType(METRIC_ALARM).find((a) => (a.inputs as any).name === n)!;
      const [slow] = [...((drain.inputs as any).alarmRule as string).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => alarm(m[1]));
      const [fast] = [...((restore.inputs as any).alarmRule as string).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => alarm(m[1]));
      expect((slow.inputs as any).threshold).toBe(0.8);
      expect((fast.inputs as any).threshold).toBeCloseTo(0.64);
      expect((fast.inputs as any).evaluationPeriods).toBeGreaterThan((slow.inputs as any).evaluationPeriods);
      const fn = p.ofType(FUNCTION).find((f) => p.regionOf(f) === region && /-drain$/.test((f.inputs as any).name))!;
      expect((fn.inputs as any).environment.variables).toMatchObject({ SELF_REGION: region, DRAIN_ALARM: drainName, RESTORE_ALARM: restoreName });
    }
  });

  it("logs every recovery function to its own declared group, under its own customer key, and lets it write only there", () => {
    const fns = p.ofType(FUNCTION).filter((f) => /components\/recovery\//.test(String((f.inputs as any).description)));
    // Per region: both dials, the probe and the drain.
    expect(fns).toHaveLength(4 * REGIONS.length);
    const groups = p.ofType("aws:cloudwatch/logGroup:LogGroup");
    for (const f of fns) {
      const name = (f.inputs as any).name as string;
      const group = groups.find((g) => (g.outputs as any).name === (f.inputs as any).loggingConfig.logGroup)!;
      expect(group, name).toBeDefined();
      expect((group.inputs as any).name).toBe(`/aws/lambda/${name}`);
      expect(p.regionOf(group)).toBe(p.regionOf(f));
      expect((group.inputs as any).retentionInDays).toBeGreaterThan(0);
      const key = p.byUrn(group.propertyDependencies!.kmsKeyId![0]);
      expect(key.type).toBe("aws:kms/key:Key");
      expect(p.regionOf(key)).toBe(p.regionOf(f));
      const role = p.ofType("aws:iam/role:Role").find((r) => (r.outputs as any).arn === (f.inputs as any).role)!;
      const statements = p.ofType("aws:iam/rolePolicy:RolePolicy").filter((x) => (x.inputs as any).role === role.id).flatMap((x) => JSON.parse((x.inputs as any).policy).Statement as Array<{ Action: string | string[]; Resource: string | string[] }>);
      const logWrites = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith("logs:")));
      expect(logWrites.flatMap((st) => [st.Resource].flat())).toEqual([`${(group.outputs as any).arn}:*`]);
    }
  });

  it("publishes the plan in the topology output for drills", () => {
    const topology = (p.outputs as any).topology as { recovery: { planArn: string; lostAlarms: Record<string, string> } };
    expect(topology.recovery.planArn).toBe((plan.outputs as any).arn);
    expect(Object.keys(topology.recovery.lostAlarms).sort()).toEqual(REGIONS);
  });
});

// The single-writer session store (still a supported kind): its primary must move with the traffic.
describe("prod with an ElastiCache global datastore for sessions (single writer)", () => {
  let p: Plan;
  let plan: ExportedResource;
  beforeAll(async () => {
    p = await planStack("prod", { "ha-blueprint:recovery": { ungracefulDatabaseFailover: "approval" } }, ELASTICACHE_GLOBAL_SESSIONS);
    plan = p.ofType(PLAN)[0];
  }, 120_000);

  it("deactivates each region: after Aurora, the session failover and the dial run side by side, both from the survivor", () => {
    const grg = p.ofType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup");
    expect(grg).toHaveLength(1);
    for (const region of REGIONS) {
      const w = deactivate(plan, region);
      expect(w.steps.map((s) => s.executionBlockType)).toEqual(["EKSResourceScaling", "ManualApproval", "AuroraGlobalDatabase", "Parallel"]);
      expect(w.workflowDescription).toMatch(/ElastiCache global datastore's primary moves/);
      const parallel = w.steps[3].parallelConfigs[0].steps as Step[];
      expect(parallel.map((s) => s.name)).toEqual([STEP.sessions, STEP.drain]);
      for (const s of parallel) {
        const cfg = s.customActionLambdaConfigs[0];
        // Never the deactivating (maybe lost) region.
        expect(cfg.regionToRun).toBe("activatingRegion");
        const regions = cfg.lambdas.map((l: { arn: string }) => l.arn.split(":")[3]).sort();
        expect(regions).toEqual(REGIONS);
      }
      const sessionFns = (parallel[0].customActionLambdaConfigs[0].lambdas as Array<{ arn: string }>).map((l) => p.ofType(FUNCTION).find((f) => (f.outputs as any).arn === l.arn)!);
      for (const f of sessionFns) {
        expect((f.inputs as any).environment.variables.GLOBAL_REPLICATION_GROUP_ID).toBe((grg[0].outputs as any).globalReplicationGroupId ?? (grg[0].outputs as any).id);
      }
    }
  });

  it("lets the execution role invoke exactly the plan's functions, the session failover included", () => {
    const role = p.ofType("aws:iam/role:Role").find((r) => (r.outputs as any).arn === (plan.inputs as any).executionRole)!;
    const policy = p.ofType("aws:iam/rolePolicy:RolePolicy").find((x) => (x.inputs as any).role === role.id)!;
    const statements = JSON.parse((policy.inputs as any).policy).Statement as Array<{ Action: string[]; Resource: string | string[] }>;
    const invoke = statements.find((s) => s.Action.includes("lambda:InvokeFunction"))!;
    const planLambdas = new Set(workflowsOf(plan).flatMap((w) => flatSteps(w)).flatMap((s) => (s.customActionLambdaConfigs?.[0]?.lambdas ?? []).map((l: { arn: string }) => l.arn)));
    expect(planLambdas.size).toBe(6);
    expect(new Set(invoke.Resource as string[])).toEqual(planLambdas);
  });
});

describe("opting in and out", () => {
  it("the shipped prod opts into `ungracefulDatabaseFailover: automatic`: no approval, and it fails over even in graceful runs", async () => {
    const p = await planStack("prod");
    const w = deactivate(p.ofType(PLAN)[0], "us-east-1");
    expect(w.steps.map((s) => s.executionBlockType)).toEqual(["EKSResourceScaling", "AuroraGlobalDatabase", "CustomActionLambda"]);
    expect(w.steps[1].globalAuroraConfigs[0].behavior).toBe("failover");
  }, 120_000);

  it("`automaticTriggers: false` keeps the plan and alarms but no trigger", async () => {
    const p = await planStack("prod", { "ha-blueprint:recovery": { automaticTriggers: false } });
    expect(p.ofType(PLAN)[0].inputs!.triggers ?? []).toEqual([]);
    expect(p.ofType(COMPOSITE).filter((c) => /-lost$/.test((c.inputs as any).alarmName))).toHaveLength(2);
  }, 120_000);
});

describe("multi-writer data kinds (issue 17)", () => {
  it("a deactivate workflow has no promotion or approval step, and says so", () => {
    const region = (name: string) => ({ name, eksClusterArn: `arn:aws:eks:${name}:1:cluster/c`, dialActivateArn: `a-${name}`, dialDeactivateArn: `d-${name}`, lostAlarmArn: `l-${name}` });
    const workflows = planWorkflows({
      regions: [region("us-east-1"), region("us-west-2")],
      kinds: { database: "aurora-dsql", sessions: "memorydb-multi-region", multiWriterDatabase: true, sessionFailover: false },
      namespace: "app",
      workloadName: "app",
      ungracefulDatabaseFailover: "approval",
      automaticTriggers: true,
      minMinutesBetweenExecutions: 60,
      dials: true,
    });
    const d = workflows.find((w) => w.workflowTargetAction === "deactivate" && w.workflowTargetRegion === "us-east-1")! as unknown as Workflow;
    expect(d.steps.map((s) => s.executionBlockType)).toEqual(["EKSResourceScaling", "CustomActionLambda"]);
    expect(d.workflowDescription).toMatch(/no promotion step/);
  });
});

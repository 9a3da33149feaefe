import { RDSClient } from "@aws-sdk/client-rds";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RecordedState } from "../../drills/aws";
import { fencedRule } from "../../drills/steps/fence";
import { readLiveState } from "../../drills/live";
import { SDK_LIMITS } from "../../drills/limits";
import { buildPlan, type DrillOptions } from "../../drills/plan";
import { executeDrill } from "../../drills/run";
import { SdkDrillAws } from "../../drills/sdkAws";
import { InMemoryStackConfig } from "../../drills/simulator";
import { drillTargets, parseTopology } from "../../drills/topology";
import { FakeCloud } from "./fakeCloud";
import { EAST, ids, topologyFixture, WEST } from "./fixtures";

/**
 * The execute path: real steps, real SdkDrillAws, SDK clients stubbed by aws-sdk-client-mock and
 * answered by the cloud model. Asserts the commands sent, the region of the client that sent them,
 * their inputs and order, and the state AWS is left in.
 */

let cloud: FakeCloud;
beforeEach(() => {
  cloud = new FakeCloud();
});
afterEach(() => cloud.restore());

const topo = (mode: "accelerator" | "route53" = "accelerator") => parseTopology(topologyFixture({ mode }), "fixture");

function plan(options: Partial<DrillOptions> = {}, mode: "accelerator" | "route53" = "accelerator") {
  return buildPlan(topo(mode), { kind: "region", to: WEST, mode: "planned", ...options });
}
const unplanned = (extra: Partial<DrillOptions> = {}, mode: "accelerator" | "route53" = "accelerator") => plan({ mode: "unplanned", allowDataLoss: true, ...extra }, mode);

const freshConfig = (state: RecordedState = { trafficDials: {} }) => new InMemoryStackConfig(state, "test config", undefined, "stacks/Pulumi.prod.yaml");

async function run(p = plan(), config = freshConfig()) {
  const aws = new SdkDrillAws({ maxAttempts: 1 });
  if (p.mode === "unplanned") aws.suspect(p.source);
  const report = await executeDrill(p, { aws, clock: cloud.clock, config, rerun: "npx ha-blueprint drill --stack prod ... --execute --yes" });
  return { report, config };
}

const statuses = (r: Awaited<ReturnType<typeof run>>["report"]) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));
const before = (a: string, b: string, list: string[]) => list.findIndex((x) => x.startsWith(a)) < list.findIndex((x) => x.startsWith(b));

describe("planned switchover against stubbed SDK clients", () => {
  it("drains, promotes both stores side by side, repoints the session record, restores the dial, in the right regions", async () => {
    const { report } = await run();
    expect(report.outcome).toBe("succeeded");
    const m = cloud.mutations();
    expect(m[0]).toBe("UpdateEndpointGroupCommand@us-west-2");
    expect(m.slice(1, 3).sort()).toEqual(["FailoverGlobalReplicationGroupCommand@us-west-2", "SwitchoverGlobalClusterCommand@us-west-2"]);
    expect(m.slice(3)).toEqual(["ChangeResourceRecordSetsCommand@us-east-1", "UpdateEndpointGroupCommand@us-west-2"]);
    expect(cloud.calls("FailoverGlobalClusterCommand")).toHaveLength(0);
    expect(report.finalState).toMatchObject({ writer: { database: WEST, sessions: WEST }, dials: { [EAST]: 100, [WEST]: 100 }, sessionRecord: WEST, problems: [] });
  });

  it("sends the documented inputs: cluster ARN as target, PrimaryRegion + PrimaryReplicationGroupId, a CNAME UPSERT, dials with their health-check fields", async () => {
    await run();
    expect(cloud.calls("SwitchoverGlobalClusterCommand")[0].input).toEqual({ GlobalClusterIdentifier: ids.global, TargetDbClusterIdentifier: ids.clusterArn(WEST) });
    expect(cloud.calls("FailoverGlobalReplicationGroupCommand")[0].input).toEqual({ GlobalReplicationGroupId: ids.grg, PrimaryRegion: WEST, PrimaryReplicationGroupId: ids.rg(WEST) });
    expect(cloud.calls("ChangeResourceRecordSetsCommand")[0].input).toMatchObject({
      HostedZoneId: ids.zone,
      ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: ids.record, Type: "CNAME", TTL: 30, ResourceRecords: [{ Value: ids.primary(WEST) }] } }] },
    });
    // GetChange takes the bare id; it is polled until INSYNC.
    const changes = cloud.calls("GetChangeCommand");
    expect(changes.length).toBeGreaterThan(1);
    expect(changes[0].input.Id).toMatch(/^C\d+SIM$/);
    expect(cloud.calls("UpdateEndpointGroupCommand").map((c) => c.input)).toEqual([
      { EndpointGroupArn: ids.eg(EAST), TrafficDialPercentage: 0, HealthCheckPort: 443, HealthCheckProtocol: "TCP", HealthCheckIntervalSeconds: 10, ThresholdCount: 3 },
      { EndpointGroupArn: ids.eg(EAST), TrafficDialPercentage: 100, HealthCheckPort: 443, HealthCheckProtocol: "TCP", HealthCheckIntervalSeconds: 10, ThresholdCount: 3 },
    ]);
  });

  it("runs the promotions in parallel: the write outage is the longer promotion, and it closes when the record is INSYNC and verified", async () => {
    const { report } = await run();
    const aurora = report.steps.find((s) => s.id === "promote-aurora")!;
    const redis = report.steps.find((s) => s.id === "promote-redis")!;
    const record = report.steps.find((s) => s.id === "repoint-sessions")!;
    expect(redis.startSeconds).toBe(aurora.startSeconds);
    expect(record.startSeconds).toBe(redis.endSeconds);
    // The 180 s switchover (polled every 10 s); the datastore (60 s) and the record (60 s) finish inside it.
    expect(aurora.endSeconds - aurora.startSeconds).toBe(180);
    expect(report.rto.window).toEqual({ fromSeconds: aurora.startSeconds, toSeconds: report.steps.find((s) => s.id === "verify")!.endSeconds });
    expect(report.rto.measuredSeconds).toBeLessThan(200);
    expect(report.rto.modelledTerms.map((t) => t.id)).toContain("client.sessionRecordTtl");
    expect(report.rpo.measuredSeconds).toBe(0);
  });

  it("writes nothing to the stack config (the writer is read from AWS), previews, and asks for no commit", async () => {
    const { config, report } = await run();
    expect(config.writes).toEqual([]);
    const reconcile = report.steps.find((s) => s.id === "reconcile")!;
    expect(reconcile.notes).toContain("pulumi preview: same 1");
    expect(report.nextCommands.some((c) => c.startsWith("git "))).toBe(false);
  });

  it("is idempotent: a re-run after success sends no mutating call and skips the promotions", async () => {
    const first = await run();
    const count = cloud.mutations().length;
    // The stale topology still names us-east-1: the live state says the writer already moved.
    const live = await readLiveState(new SdkDrillAws({ maxAttempts: 1 }), drillTargets(topo(), [EAST, WEST], { regionDrill: true }), WEST, [EAST, WEST]);
    const again = await run(buildPlan(topo(), { kind: "region", to: WEST, mode: "planned" }, { live }), first.config);
    expect(cloud.mutations().length).toBe(count);
    expect(statuses(again.report)).toMatchObject({ drain: "skipped", "promote-aurora": "skipped", "promote-redis": "skipped", "repoint-sessions": "skipped", "restore-traffic": "skipped" });
    expect(again.report.outcome).toBe("succeeded");
  });

  it("stops before touching anything when the lag exceeds the RPO objective", async () => {
    cloud.metrics.AuroraGlobalDBRPOLag = 45_000;
    const { report } = await run();
    expect(report).toMatchObject({ outcome: "stopped", failure: { step: "preflight", error: "replication lag 45 s exceeds the RPO objective of 30 s" } });
    expect(cloud.mutations()).toEqual([]);
    expect(report.summary).toMatch(/before changing anything/);
    expect(report.nextCommands.some((c) => c.startsWith(`aws cloudwatch get-metric-statistics --region ${WEST} --namespace AWS/RDS --metric-name AuroraGlobalDBRPOLag`))).toBe(true);
  });

  it("refuses a planned switchover from an unhealthy source, pointing at unplanned mode", async () => {
    cloud.model.failRegion(EAST, -120);
    const { report } = await run();
    expect(report.failure?.error).toMatch(/source region us-east-1 is not healthy.*--mode unplanned/);
    expect(cloud.mutations()).toEqual([]);
  });

  it("refuses when the target lacks healthy targets, or the stack config cannot be read", async () => {
    cloud.metrics.HealthyHostCount = 2;
    expect((await run()).report.failure?.error).toBe("target region has 2 healthy targets, needs 6 to carry all traffic");
    delete cloud.metrics.HealthyHostCount;
    const broken = freshConfig();
    broken.read = async () => {
      throw new Error("pulumi: command not found");
    };
    const { report } = await run(plan(), broken);
    expect(report.failure?.error).toMatch(/cannot read the stack config .*: the drill would move the writer and then fail to record it/);
    expect(cloud.mutations()).toEqual([]);
  });
});

describe("failure, compensation and resumption (planned)", () => {
  it("a rejected switchover moves the session store back, restores the dials: rolled back", async () => {
    const reject = cloud.model.startGlobalOperation.bind(cloud.model);
    cloud.model.startGlobalOperation = async (...args) => {
      if (args[2] === "switchover") throw Object.assign(new Error("Global cluster is not in a valid state"), { name: "InvalidGlobalClusterStateFault" });
      return reject(...args);
    };
    const { report, config } = await run();
    expect(report.outcome).toBe("rolled-back");
    expect(report.compensations.map((c) => c.step)).toEqual(["promote-redis", "drain"]);
    expect(report.finalState).toMatchObject({ writer: { database: EAST, sessions: EAST }, dials: { [EAST]: 100, [WEST]: 100 }, sessionRecord: EAST, problems: [] });
    expect(config.writes).toEqual([]);
    expect(report.nextCommands[0]).toMatch(/--execute --yes {3}# resumes/);
  });

  it("a failed datastore promotion after the database moved stops with the split named and resumes on re-run", async () => {
    const real = cloud.model.failoverGlobalReplicationGroup.bind(cloud.model);
    let refuse = true;
    cloud.model.failoverGlobalReplicationGroup = async (...args) => {
      if (refuse) throw Object.assign(new Error("The Global datastore is not available or in primary-only state."), { name: "InvalidGlobalReplicationGroupStateFault" });
      return real(...args);
    };
    const first = await run();
    expect(first.report.outcome).toBe("stopped");
    expect(first.report.finalState.problems).toContain("the database writer is in us-west-2 but the session store primary in us-east-1: the two writers are in different regions");
    expect(first.report.finalState.dials).toEqual({ [EAST]: 100, [WEST]: 100 });
    expect(first.report.nextCommands).toContain(`aws elasticache failover-global-replication-group --region ${WEST} --global-replication-group-id ${ids.grg} --primary-region ${WEST} --primary-replication-group-id ${ids.rg(WEST)}`);
    refuse = false;
    const live = await readLiveState(new SdkDrillAws({ maxAttempts: 1 }), drillTargets(topo(), [EAST, WEST], { regionDrill: true }), WEST, [EAST, WEST]);
    const again = await run(buildPlan(topo(), { kind: "region", to: WEST, mode: "planned" }, { live }), first.config);
    expect(again.report.source).toBe(EAST);
    expect(statuses(again.report)).toMatchObject({ "promote-aurora": "skipped", "promote-redis": "done", "repoint-sessions": "done", reconcile: "done" });
    expect(cloud.calls("SwitchoverGlobalClusterCommand")).toHaveLength(1);
    expect(again.report.outcome).toBe("succeeded");
  });

  it("resumes polling an in-flight switchover instead of calling it again", async () => {
    await cloud.model.startGlobalOperation(WEST, ids.clusterArn(WEST), "switchover");
    const { report } = await run();
    expect(cloud.calls("SwitchoverGlobalClusterCommand")).toEqual([]);
    expect(report.steps.find((s) => s.id === "promote-aurora")?.notes[0]).toMatch(/a switchover to us-west-2 is already (pending|switching-over): not calling again/);
    expect(report.outcome).toBe("succeeded");
  });

  it("a preview that would replace resources after the switch stops the drill and says why, writing nothing", async () => {
    const config = new InMemoryStackConfig({ trafficDials: { [EAST]: 100 } }, "test config", { counts: { same: 80, replace: 2 }, diff: ["  +- aws:rds/cluster:Cluster ha-prod-usw2-aurora replace"] });
    const { report } = await run(plan(), config);
    expect(report.failure?.step).toBe("reconcile");
    expect(report.failure?.error).toMatch(/would replace or delete 2 resource\(s\)/);
    expect(report.failure?.observed).toContain("+- aws:rds/cluster:Cluster ha-prod-usw2-aurora replace");
    expect(config.writes).toEqual([]);
  });
});

describe("unplanned failover against stubbed SDK clients", () => {
  it("with the source lost: fences what it can, fails over with AllowDataLoss in the target region, repoints sessions", async () => {
    cloud.model.failRegion(EAST, -120);
    const { report } = await run(unplanned());
    expect(report.outcome).toBe("succeeded");
    const m = cloud.mutations();
    // The lost region's EC2 API never answers, so the data fence is reported as not done; the dial is set (us-west-2).
    expect(m[0]).toBe("UpdateEndpointGroupCommand@us-west-2");
    expect(before("UpdateEndpointGroupCommand", "FailoverGlobalClusterCommand", m)).toBe(true);
    expect(cloud.calls("FailoverGlobalClusterCommand")[0]).toMatchObject({ region: WEST, input: { GlobalClusterIdentifier: ids.global, TargetDbClusterIdentifier: ids.clusterArn(WEST), AllowDataLoss: true } });
    expect(cloud.calls("DescribeSecurityGroupRulesCommand").map((c) => c.region)).toContain(EAST);
    expect(report.fence).toMatchObject({ database: { ok: false }, sessions: { ok: false }, entry: { ok: true } });
    expect(report.warnings.some((w) => /NOT fenced database: sg-db-us-east-1 \(us-east-1\): TimeoutError/.test(w))).toBe(true);
    expect(report.finalState.notes).toContain("us-east-1 is drained on purpose: it is fenced as the lost region");
    expect(report.rpo.measuredSeconds).toBe(0.8);
    // The lost region costs one short timeout per call, not a hang: preflight and fence stay well inside their deadlines.
    expect(report.steps.find((s) => s.id === "fence")!.endSeconds - report.steps.find((s) => s.id === "fence")!.startSeconds).toBeLessThanOrEqual(2 * SDK_LIMITS.suspect.requestTimeoutMs / 1000);
    expect(report.steps.find((s) => s.id === "reconcile")?.notes.some((n) => n.startsWith("pulumi preview skipped: it needs us-east-1's APIs"))).toBe(true);
  });

  it("rehearsal of a healthy source: rewrites the old writer's ingress before the failover, lifts it after, restores the dial", async () => {
    const { report } = await run(unplanned({ rehearsal: true }));
    expect(report.outcome).toBe("succeeded");
    const m = cloud.mutations();
    expect(m.slice(0, 3)).toEqual(["ModifySecurityGroupRulesCommand@us-east-1", "ModifySecurityGroupRulesCommand@us-east-1", "UpdateEndpointGroupCommand@us-west-2"]);
    expect(before("ModifySecurityGroupRulesCommand", "FailoverGlobalClusterCommand", m)).toBe(true);
    const fenced = cloud.calls("ModifySecurityGroupRulesCommand")[0].input as { GroupId: string; SecurityGroupRules: Array<{ SecurityGroupRuleId: string; SecurityGroupRule: { FromPort: number; Description: string } }> };
    expect(fenced.GroupId).toBe(ids.dbSg(EAST));
    expect(fenced.SecurityGroupRules.map((r) => r.SecurityGroupRule.FromPort)).toEqual([1, 1]);
    expect(fenced.SecurityGroupRules[0].SecurityGroupRule.Description).toBe("ha-blueprint fence (port 5432-5432): App-tier workloads to the Aurora cluster");
    expect(report.steps.find((s) => s.id === "unfence-source")?.status).toBe("done");
    expect(await cloud.model.ingressRules(EAST, ids.dbSg(EAST))).toEqual(expect.arrayContaining([expect.objectContaining({ fromPort: 5432, description: "App-tier workloads to the Aurora cluster" })]));
    expect(report.finalState).toMatchObject({ writer: { database: WEST, sessions: WEST }, dials: { [EAST]: 100, [WEST]: 100 }, fenced: {}, problems: [] });
    // Writes stopped at the fence, so the lag the failover loses drops to what was in flight.
    expect(report.steps.find((s) => s.id === "fence")?.notes).toContain("Aurora lag after fencing: 0.8 s");
  });

  it("refuses a healthy source without --rehearsal, before any change", async () => {
    const { report } = await run(unplanned());
    expect(report.failure?.error).toMatch(/^source region us-east-1 is healthy .*--mode planned.*add --rehearsal/);
    expect(report.outcome).toBe("stopped");
    expect(cloud.mutations()).toEqual([]);
  });

  it("never calls FailoverGlobalCluster without consent, even if asked to run", async () => {
    cloud.model.failRegion(EAST, -120);
    const { report } = await run(plan({ mode: "unplanned", allowDataLoss: false }));
    expect(report.failure?.error).toMatch(/needs --allow-data-loss/);
    expect(cloud.calls("FailoverGlobalClusterCommand")).toEqual([]);
  });

  it("shows the measured lag and stops above the accepted loss; --max-data-loss raises it", async () => {
    cloud.model.failRegion(EAST, -120);
    cloud.metrics.AuroraGlobalDBRPOLag = 50_000;
    const refused = await run(unplanned());
    expect(refused.report.failure?.error).toBe("the measured lag of 50 s is more data loss than accepted (30 s); re-run with --max-data-loss 50 if the business accepts losing it");
    expect(refused.report.steps[0].notes.some((n) => n.startsWith("expected data loss (replication lag now): Aurora 50 s"))).toBe(true);
    expect(cloud.mutations()).toEqual([]);
    const accepted = await run(unplanned({ maxDataLossSeconds: 60 }));
    expect(accepted.report.outcome).toBe("succeeded");
    expect(accepted.report.rpo).toMatchObject({ measuredSeconds: 50, met: false });
  });

  it("route53 mode fences by inverting the source's health check and reads health from us-east-1 metrics", async () => {
    const { report } = await run(unplanned({ rehearsal: true }, "route53"), freshConfig());
    expect(report.outcome).toBe("succeeded");
    expect(cloud.calls("UpdateHealthCheckCommand").map((c) => c.input)).toEqual([
      { HealthCheckId: ids.hc(EAST), Inverted: true },
      { HealthCheckId: ids.hc(EAST), Inverted: false },
    ]);
    expect(cloud.calls("DescribeEndpointGroupCommand")).toEqual([]);
    const hc = cloud.calls("GetMetricDataCommand").filter((c) => JSON.stringify(c.input).includes("HealthCheckStatus"));
    expect(new Set(hc.map((c) => c.region))).toEqual(new Set(["us-east-1"]));
  });
});

describe("failback, live state and client limits", () => {
  it("failback lifts an earlier fence from the returning region and raises its dial before draining the other", async () => {
    // The state an unplanned failover left: writer in us-west-2, us-east-1 fenced and drained.
    await cloud.model.startGlobalOperation(WEST, ids.clusterArn(WEST), "failover");
    await cloud.model.failoverGlobalReplicationGroup(WEST, WEST, ids.rg(WEST));
    await cloud.clock.sleep(600_000);
    await cloud.model.upsertRecord(ids.zone, ids.record, ids.primary(WEST), 30);
    await cloud.model.setTrafficDial(ids.eg(EAST), 0);
    await cloud.model.modifyIngressRules(EAST, ids.dbSg(EAST), (await cloud.model.ingressRules(EAST, ids.dbSg(EAST))).map(fencedRule));
    cloud.log.length = 0;
    const live = await readLiveState(new SdkDrillAws({ maxAttempts: 1 }), drillTargets(topo(), [EAST, WEST], { regionDrill: true }), EAST, [EAST, WEST]);
    const p = buildPlan(topo(), { kind: "region", to: EAST, failback: true }, { live });
    expect(p).toMatchObject({ source: WEST, target: EAST });
    // Aurora is still rebuilding the old primary ("a few minutes to several hours"): not yet.
    const early = await run(p);
    expect(early.report).toMatchObject({ outcome: "stopped", failure: { step: "preflight", error: "us-east-1 member synchronization is pending-resync, not connected" } });
    expect(cloud.mutations()).toEqual([]);
    await cloud.clock.sleep(1_800_000);
    const { report } = await run(p);
    expect(report.failure).toBeUndefined();
    expect(report.outcome).toBe("succeeded");
    expect(cloud.mutations()[0]).toBe("ModifySecurityGroupRulesCommand@us-east-1");
    expect(cloud.calls("UpdateEndpointGroupCommand").map((c) => [c.input.EndpointGroupArn, c.input.TrafficDialPercentage])).toEqual([
      [ids.eg(EAST), 100],
      [ids.eg(WEST), 0],
      [ids.eg(WEST), 100],
    ]);
    expect(cloud.calls("SwitchoverGlobalClusterCommand")[0].region).toBe(EAST);
    expect(report.finalState).toMatchObject({ writer: { database: EAST, sessions: EAST }, fenced: {}, problems: [] });
  });

  it("plans the next real failover from the writer AWS reports, not from the stale topology", async () => {
    await run();
    const live = await readLiveState(new SdkDrillAws({ maxAttempts: 1 }), drillTargets(topo(), [EAST, WEST], { regionDrill: true }), EAST, [EAST, WEST]);
    // The topology (from the last `pulumi up`) still says us-east-1 writes.
    expect(topo().writerRegion).toBe(EAST);
    const p = buildPlan(topo(), { kind: "region", to: EAST, mode: "unplanned", allowDataLoss: true }, { live });
    expect(p).toMatchObject({ source: WEST, target: EAST });
  });

  it("every SDK client gets a request timeout that throws, a connection timeout and bounded attempts", async () => {
    cloud.restore();
    const aws = new SdkDrillAws();
    aws.suspect(EAST);
    const clients = (aws as unknown as { clients: Map<string, RDSClient> }).clients;
    await aws.describeGlobalCluster(WEST, "x").catch(() => undefined);
    await aws.describeGlobalCluster(EAST, "x").catch(() => undefined);
    const config = async (key: string) => {
      const c = clients.get(key)!;
      // NodeHttpHandler keeps its options in a private promise; read it to check what was configured.
      const handler = c.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
      return { handler: await handler.configProvider, attempts: await c.config.maxAttempts() };
    };
    expect(await config(`rds/${WEST}/normal`)).toMatchObject({ handler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true }, attempts: 3 });
    expect(await config(`rds/${EAST}/suspect`)).toMatchObject({ handler: { requestTimeout: 5_000, connectionTimeout: 2_000, throwOnRequestTimeout: true }, attempts: 1 });
  }, 30_000);
});

describe("AZ drill against stubbed SDK clients", () => {
  const azPlan = (az: string) => buildPlan(topo(), { kind: "az", az });

  it("fails the writer over to the lowest-tier reader outside the AZ and tests the cache failover", async () => {
    const { report } = await run(azPlan("us-east-1a"));
    expect(report.outcome).toBe("succeeded");
    expect(cloud.mutations()).toEqual(["FailoverDBClusterCommand@us-east-1", "TestFailoverCommand@us-east-1"]);
    expect(cloud.calls("FailoverDBClusterCommand")[0].input).toEqual({ DBClusterIdentifier: ids.cluster(EAST), TargetDBInstanceIdentifier: `${ids.cluster(EAST)}-3` });
    expect(cloud.calls("TestFailoverCommand")[0].input).toEqual({ ReplicationGroupId: ids.rg(EAST), NodeGroupId: "0001" });
  });

  it("skips both failovers when neither the writer nor the primary is in the AZ", async () => {
    const { report } = await run(azPlan("us-east-1c"));
    expect(cloud.mutations()).toEqual([]);
    expect(statuses(report)).toMatchObject({ "aurora-az-failover": "skipped", "redis-az-failover": "skipped" });
  });
});

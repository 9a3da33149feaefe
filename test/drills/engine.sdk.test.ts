import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../drills/aws";
import { buildPlan, type DrillOptions } from "../../drills/plan";
import { executeDrill } from "../../drills/run";
import { SdkDrillAws } from "../../drills/sdkAws";
import { InMemoryStackConfig } from "../../drills/simulator";
import { parseTopology } from "../../drills/topology";
import { FakeCloud } from "./fakeCloud";
import { EAST, ids, topologyFixture, WEST } from "./fixtures";

/**
 * The execute path: real steps, real SdkDrillAws, SDK clients stubbed by aws-sdk-client-mock.
 * Asserts the commands sent, the region of the client that sent them, their inputs and order.
 */

let cloud: FakeCloud;
beforeEach(() => {
  cloud = new FakeCloud();
});
afterEach(() => cloud.restore());

function plan(options: Partial<DrillOptions> = {}, mode: "accelerator" | "route53" = "accelerator") {
  return buildPlan(parseTopology(topologyFixture({ mode }), "fixture"), { kind: "region", to: WEST, mode: "planned", ...options });
}

async function run(p = plan(), config = new InMemoryStackConfig({ writerRegion: EAST, trafficDials: {} }, "test config")) {
  const report = await executeDrill(p, { aws: new SdkDrillAws({ maxAttempts: 1 }), clock: new VirtualClock(), config });
  return { report, config };
}

const statuses = (r: Awaited<ReturnType<typeof run>>["report"]) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));

describe("planned switchover against stubbed SDK clients", () => {
  it("drains, switches over Aurora, promotes Redis and restores the dial, in that order and in the right regions", async () => {
    const { report } = await run();
    expect(report.outcome).toBe("succeeded");
    expect(cloud.mutations()).toEqual([
      "UpdateEndpointGroupCommand@us-west-2",
      "SwitchoverGlobalClusterCommand@us-west-2",
      "FailoverGlobalReplicationGroupCommand@us-west-2",
      "UpdateEndpointGroupCommand@us-west-2",
    ]);
    expect(cloud.rds.commandCalls((await import("@aws-sdk/client-rds")).FailoverGlobalClusterCommand)).toHaveLength(0);
  });

  it("sends the documented inputs: cluster ARN as target, PrimaryRegion + PrimaryReplicationGroupId, dial with the health-check fields", async () => {
    await run();
    const inputs = Object.fromEntries(cloud.log.filter((c) => !c.command.startsWith("Describe") && c.command !== "GetMetricDataCommand").map((c, i) => [`${i}:${c.command}`, c.input]));
    expect(Object.values(inputs)).toEqual([
      { EndpointGroupArn: ids.eg(EAST), TrafficDialPercentage: 0, HealthCheckPort: 443, HealthCheckProtocol: "TCP", HealthCheckIntervalSeconds: 10, ThresholdCount: 3 },
      { GlobalClusterIdentifier: ids.global, TargetDbClusterIdentifier: ids.clusterArn(WEST) },
      { GlobalReplicationGroupId: ids.grg, PrimaryRegion: WEST, PrimaryReplicationGroupId: ids.rg(WEST) },
      { EndpointGroupArn: ids.eg(EAST), TrafficDialPercentage: 100, HealthCheckPort: 443, HealthCheckProtocol: "TCP", HealthCheckIntervalSeconds: 10, ThresholdCount: 3 },
    ]);
  });

  it("reads global state and lag in the target region and polls DescribeGlobalClusters until the target writes", async () => {
    const { report } = await run();
    const describes = cloud.log.filter((c) => c.command === "DescribeGlobalClustersCommand");
    expect(new Set(describes.map((c) => c.region))).toEqual(new Set([WEST]));
    const lag = cloud.log.find((c) => c.command === "GetMetricDataCommand" && JSON.stringify(c.input).includes("AuroraGlobalDBRPOLag"));
    expect(lag?.region).toBe(WEST);
    expect(JSON.stringify(lag?.input)).toContain(`"Name":"DBClusterIdentifier","Value":"${ids.cluster(WEST)}"`);
    const promote = report.steps.find((s) => s.id === "promote-aurora")!;
    expect(promote.endSeconds - promote.startSeconds).toBe(10 * (cloud.promotionPolls - 1));
  });

  it("records the new writer and the observed dials in the stack config, then previews", async () => {
    const { config } = await run();
    expect(config.writes).toEqual([{ writerRegion: WEST, trafficDials: { [EAST]: 100, [WEST]: 100 } }]);
  });

  it("measures RTO from the Aurora switchover to the end of verification, RPO 0", async () => {
    const { report } = await run();
    expect(report.rto.window).toEqual({ fromSeconds: 30, toSeconds: 50 });
    expect(report.rpo.measuredSeconds).toBe(0);
    expect(report.rto.met).toBe(true);
  });

  it("is idempotent: a re-run after success sends no mutating call and skips the promotions", async () => {
    const first = await run();
    const before = cloud.mutations().length;
    const again = await run(plan(), first.config);
    expect(cloud.mutations().length).toBe(before);
    expect(statuses(again.report)).toEqual({
      preflight: "done",
      drain: "skipped",
      "promote-aurora": "skipped",
      "promote-redis": "skipped",
      verify: "done",
      "restore-traffic": "skipped",
      reconcile: "skipped",
    });
    expect(again.report.outcome).toBe("succeeded");
  });

  it("fails when the lag exceeds the RPO objective, before touching anything", async () => {
    cloud.auroraLagMs = 45_000;
    const { report } = await run();
    expect(report.failure).toMatchObject({ step: "preflight", error: "replication lag 45 s exceeds the RPO objective of 30 s" });
    expect(cloud.mutations()).toEqual([]);
    expect(report.failure?.nextCommands.some((c) => c.startsWith(`aws cloudwatch get-metric-statistics --region ${WEST} --namespace AWS/RDS --metric-name AuroraGlobalDBRPOLag`))).toBe(true);
  });

  it("fails when the source is unhealthy, pointing at unplanned mode", async () => {
    cloud.health[EAST] = "UNHEALTHY";
    const { report } = await run();
    expect(report.failure?.error).toMatch(/source region us-east-1 is not healthy.*--mode unplanned/);
    expect(cloud.mutations()).toEqual([]);
  });

  it("fails when engine versions differ (a managed switchover needs matching versions)", async () => {
    cloud.engineVersions[WEST] = "16.4";
    const { report } = await run();
    expect(report.failure?.error).toMatch(/engine versions differ/);
  });

  it("fails when the target lacks healthy targets for all traffic", async () => {
    cloud.healthyHosts = 2;
    const { report } = await run();
    expect(report.failure?.error).toBe("target region has 2 healthy targets, needs 6 to carry all traffic");
  });
});

describe("unplanned failover against stubbed SDK clients", () => {
  it("calls FailoverGlobalCluster with AllowDataLoss in the target region and never touches a dial", async () => {
    cloud.health[EAST] = "UNHEALTHY";
    const { report } = await run(plan({ mode: "unplanned" }));
    expect(report.outcome).toBe("succeeded");
    expect(cloud.mutations()).toEqual(["FailoverGlobalClusterCommand@us-west-2", "FailoverGlobalReplicationGroupCommand@us-west-2"]);
    expect(cloud.log.find((c) => c.command === "FailoverGlobalClusterCommand")?.input).toEqual({
      GlobalClusterIdentifier: ids.global,
      TargetDbClusterIdentifier: ids.clusterArn(WEST),
      AllowDataLoss: true,
    });
    expect(report.rpo.measuredSeconds).toBe(0.8);
    expect(report.steps.find((s) => s.id === "detect")?.notes[0]).toMatch(/taken out by health checks/);
  });

  it("does not depend on the Global Accelerator control plane: unreadable health is a warning", async () => {
    cloud.gaDown = true;
    const { report } = await run(plan({ mode: "unplanned" }));
    expect(report.outcome).toBe("succeeded");
    expect(cloud.mutations()).toEqual(["FailoverGlobalClusterCommand@us-west-2", "FailoverGlobalReplicationGroupCommand@us-west-2"]);
    expect(report.warnings).toContain("preflight: target health not verified: us-west-2: health unreadable (ServiceUnavailableException: Service Unavailable)");
    expect(report.warnings.filter((w) => w.startsWith("verify:"))).toHaveLength(1);
  });

  it("fails a planned drill when the health API cannot be read", async () => {
    cloud.gaDown = true;
    const { report } = await run();
    expect(report.failure).toMatchObject({ step: "preflight", error: "target region us-west-2 is not healthy", observed: "us-west-2: health unreadable (ServiceUnavailableException: Service Unavailable)" });
  });

  it("continues with a warning when the source stays healthy during a drill", async () => {
    const { report } = await run(plan({ mode: "unplanned" }));
    const detect = report.steps.find((s) => s.id === "detect")!;
    expect(detect.status).toBe("done");
    expect(detect.warnings[0]).toMatch(/still not unhealthy after 120 s/);
    expect(detect.endSeconds - detect.startSeconds).toBeLessThanOrEqual(120);
  });
});

describe("failure mid-way and resumption", () => {
  it("stops at the Redis promotion with the exact state and the next command, then resumes after the fix", async () => {
    cloud.failRedisPromotion = Object.assign(new Error("The Global datastore is not available or in primary-only state."), { name: "InvalidGlobalReplicationGroupStateFault" });
    const first = await run();
    expect(first.report.outcome).toBe("failed");
    expect(statuses(first.report)).toMatchObject({ "promote-aurora": "done", "promote-redis": "failed", verify: "not-run", reconcile: "not-run" });
    expect(first.report.failure).toEqual({
      step: "promote-redis",
      error: "InvalidGlobalReplicationGroupStateFault: The Global datastore is not available or in primary-only state.",
      observed: `global datastore ${ids.grg} status=available; members: ${EAST}/${ids.rg(EAST)} PRIMARY associated, ${WEST}/${ids.rg(WEST)} SECONDARY associated`,
      nextCommands: [
        `aws elasticache describe-global-replication-groups --region ${WEST} --global-replication-group-id ${ids.grg} --show-member-info`,
        `aws elasticache failover-global-replication-group --region ${WEST} --global-replication-group-id ${ids.grg} --primary-region ${WEST} --primary-replication-group-id ${ids.rg(WEST)}`,
      ],
    });
    expect(first.config.writes).toEqual([]);

    cloud.failRedisPromotion = undefined;
    const again = await run(plan(), first.config);
    expect(statuses(again.report)).toMatchObject({ drain: "skipped", "promote-aurora": "skipped", "promote-redis": "done", reconcile: "done" });
    expect(cloud.mutations().filter((m) => m.startsWith("SwitchoverGlobalCluster"))).toHaveLength(1);
  });

  it("times out a promotion that never finishes, with the in-flight FailoverState as observed state", async () => {
    cloud.promotionPolls = Number.POSITIVE_INFINITY;
    const { report } = await run();
    expect(report.failure?.step).toBe("promote-aurora");
    expect(report.failure?.error).toBe("timed out after 1200 s waiting for us-west-2 to become the Aurora writer");
    expect(report.failure?.observed).toContain("FailoverState failing-over us-east-1 -> us-west-2");
    expect(report.failure?.nextCommands[1]).toBe(
      `aws rds switchover-global-cluster --region ${WEST} --global-cluster-identifier ${ids.global} --target-db-cluster-identifier ${ids.clusterArn(WEST)}`,
    );
  });

  it("resumes polling an in-flight switchover instead of calling it again", async () => {
    cloud.auroraPending = { to: WEST, polls: 4, dataLoss: false };
    const { report } = await run();
    expect(cloud.mutations().filter((m) => m.startsWith("SwitchoverGlobalCluster"))).toEqual([]);
    expect(report.steps.find((s) => s.id === "promote-aurora")?.notes[0]).toMatch(/already failing-over: not calling again/);
    expect(report.outcome).toBe("succeeded");
  });

  it("restores the previous config when pulumi preview would replace resources", async () => {
    const config = new InMemoryStackConfig({ writerRegion: EAST, trafficDials: { [EAST]: 100 } }, "test config", { same: 80, replace: 2 });
    const { report } = await run(plan(), config);
    expect(report.failure?.step).toBe("reconcile");
    expect(report.failure?.error).toMatch(/would replace or delete 2 resource\(s\).*previous config is restored/);
    expect(await config.read()).toEqual({ writerRegion: EAST, trafficDials: { [EAST]: 100, [WEST]: 100 } });
    expect(config.writes.at(-1)).toEqual({ writerRegion: EAST, trafficDials: { [EAST]: 100 } });
  });
});

describe("failback and routing modes", () => {
  it("failback raises the returning region's dial before draining the other one", async () => {
    cloud.writer = WEST;
    cloud.cachePrimary = WEST;
    cloud.dials[EAST] = 0;
    const p = buildPlan(parseTopology(topologyFixture(), "fixture"), { kind: "region", to: EAST, failback: true });
    const { report } = await run(p);
    expect(report.outcome).toBe("succeeded");
    const dials = cloud.log.filter((c) => c.command === "UpdateEndpointGroupCommand").map((c) => [c.input.EndpointGroupArn, c.input.TrafficDialPercentage]);
    expect(dials).toEqual([
      [ids.eg(EAST), 100],
      [ids.eg(WEST), 0],
      [ids.eg(WEST), 100],
    ]);
    expect(cloud.log.find((c) => c.command === "SwitchoverGlobalClusterCommand")?.region).toBe(EAST);
  });

  it("route53 mode reads health from the HealthCheckStatus metric in us-east-1 and has no dial steps", async () => {
    const { report } = await run(plan({}, "route53"));
    expect(report.outcome).toBe("succeeded");
    expect(cloud.log.some((c) => c.command.includes("EndpointGroup"))).toBe(false);
    const hc = cloud.log.filter((c) => JSON.stringify(c.input).includes("HealthCheckStatus"));
    expect(hc.length).toBeGreaterThan(0);
    expect(new Set(hc.map((c) => c.region))).toEqual(new Set(["us-east-1"]));
    expect(JSON.stringify(hc[0].input)).toContain(`"Namespace":"AWS/Route53"`);
    expect(report.steps.map((s) => s.id)).toEqual(["preflight", "promote-aurora", "promote-redis", "verify", "reconcile"]);
    expect(report.budget.caveats).toContain("route53 mode has no traffic dial: both regions keep serving while writes pause");
  });
});

describe("AZ drill against stubbed SDK clients", () => {
  const azPlan = (az: string) => buildPlan(parseTopology(topologyFixture(), "fixture"), { kind: "az", az });

  it("fails the writer over to the lowest-tier reader outside the AZ and tests the cache failover", async () => {
    const { report } = await run(azPlan("us-east-1a"));
    expect(report.outcome).toBe("succeeded");
    expect(cloud.mutations()).toEqual(["FailoverDBClusterCommand@us-east-1", "TestFailoverCommand@us-east-1"]);
    expect(cloud.log.find((c) => c.command === "FailoverDBClusterCommand")?.input).toEqual({
      DBClusterIdentifier: ids.cluster(EAST),
      TargetDBInstanceIdentifier: `${ids.cluster(EAST)}-3`,
    });
    expect(cloud.log.find((c) => c.command === "TestFailoverCommand")?.input).toEqual({ ReplicationGroupId: ids.rg(EAST), NodeGroupId: "0001" });
  });

  it("skips both failovers when neither the writer nor the primary is in the AZ", async () => {
    const { report } = await run(azPlan("us-east-1c"));
    expect(cloud.mutations()).toEqual([]);
    expect(statuses(report)).toMatchObject({ "aurora-az-failover": "skipped", "redis-az-failover": "skipped" });
  });
});

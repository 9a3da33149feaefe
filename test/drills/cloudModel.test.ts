import { describe, expect, it } from "vitest";
import { DRILL_TIMINGS, TIMINGS } from "../../analysis/constants";
import { VirtualClock } from "../../drills/aws";
import { CloudModel } from "../../drills/cloudModel";
import { fixtureSpec } from "./fakeCloud";
import { EAST, ids, WEST } from "./fixtures";

/** The cloud model follows the state transitions AWS documents, not instant success. */

function model() {
  const clock = new VirtualClock();
  return { clock, m: new CloudModel(fixtureSpec(), clock) };
}

describe("cloud model: Aurora global database", () => {
  it("a switchover shows FailoverState pending, then switching-over, then clears with the roles swapped", async () => {
    const { clock, m } = model();
    await m.startGlobalOperation(WEST, ids.clusterArn(WEST), "switchover");
    expect((await m.describeGlobalCluster(WEST)).failover).toMatchObject({ status: "pending", dataLossAllowed: false });
    await clock.sleep(DRILL_TIMINGS.auroraGlobalVerification.value * 1000);
    expect((await m.describeGlobalCluster(WEST)).failover).toMatchObject({ status: "switching-over" });
    expect((await m.describeGlobalCluster(WEST)).members.find((x) => x.isWriter)?.clusterArn).toBe(ids.clusterArn(EAST));
    await clock.sleep(TIMINGS.auroraGlobalSwitchover.value * 1000);
    const after = await m.describeGlobalCluster(WEST);
    expect(after.failover).toBeUndefined();
    expect(after.members.find((x) => x.isWriter)?.clusterArn).toBe(ids.clusterArn(WEST));
    expect(after.members.every((x) => x.synchronization === "connected")).toBe(true);
  });

  it("a failover is failing-over with IsDataLossAllowed; the old primary rejoins pending-resync until it is rebuilt", async () => {
    const { clock, m } = model();
    await m.startGlobalOperation(WEST, ids.clusterArn(WEST), "failover");
    await clock.sleep(20_000);
    expect((await m.describeGlobalCluster(WEST)).failover).toMatchObject({ status: "failing-over", dataLossAllowed: true });
    await clock.sleep(TIMINGS.auroraGlobalFailover.value * 1000);
    const after = await m.describeGlobalCluster(WEST);
    expect(after.members.find((x) => x.clusterArn === ids.clusterArn(EAST))?.synchronization).toBe("pending-resync");
    await clock.sleep(DRILL_TIMINGS.auroraOldPrimaryRebuild.value * 1000);
    expect((await m.describeGlobalCluster(WEST)).members.every((x) => x.synchronization === "connected")).toBe(true);
  });

  it("refuses a second operation while one runs, and one to the cluster that already writes", async () => {
    const { m } = model();
    await expect(m.startGlobalOperation(WEST, ids.clusterArn(EAST), "switchover")).rejects.toMatchObject({ name: "InvalidGlobalClusterStateFault" });
    await m.startGlobalOperation(WEST, ids.clusterArn(WEST), "switchover");
    await expect(m.startGlobalOperation(WEST, ids.clusterArn(WEST), "failover")).rejects.toMatchObject({ name: "InvalidGlobalClusterStateFault" });
  });

  it("a switchover whose primary is lost turns cancelling and leaves the roles as they were; a failover goes through", async () => {
    const { clock, m } = model();
    m.failRegion(EAST);
    await m.startGlobalOperation(WEST, ids.clusterArn(WEST), "switchover");
    await clock.sleep(DRILL_TIMINGS.auroraSwitchoverUnreachablePrimary.value * 1000);
    expect((await m.describeGlobalCluster(WEST)).failover?.status).toBe("cancelling");
    await clock.sleep(60_000);
    const after = await m.describeGlobalCluster(WEST);
    expect(after.failover).toBeUndefined();
    expect(after.members.find((x) => x.isWriter)?.clusterArn).toBe(ids.clusterArn(EAST));
    await m.startGlobalOperation(WEST, ids.clusterArn(WEST), "failover");
    await clock.sleep(TIMINGS.auroraGlobalFailover.value * 1000);
    expect(m.snapshot().writer).toBe(WEST);
  });
});

describe("cloud model: global datastore, Route 53, a lost region", () => {
  it("the datastore is modifying during a failover and refuses another one meanwhile", async () => {
    const { clock, m } = model();
    await m.failoverGlobalReplicationGroup(WEST, WEST, ids.rg(WEST));
    expect((await m.describeGlobalReplicationGroup(WEST)).status).toBe("modifying");
    await expect(m.failoverGlobalReplicationGroup(WEST, WEST, ids.rg(WEST))).rejects.toMatchObject({ name: "InvalidGlobalReplicationGroupStateFault", message: "The Global datastore is not available or in primary-only state." });
    await clock.sleep(TIMINGS.elasticacheGlobalPromote.value * 1000);
    const g = await m.describeGlobalReplicationGroup(WEST);
    expect(g.status).toBe("available");
    expect(g.members.find((x) => x.role === "PRIMARY")?.region).toBe(WEST);
  });

  it("a record change is PENDING until it has propagated, then INSYNC", async () => {
    const { clock, m } = model();
    const id = await m.upsertRecord(ids.zone, ids.record, ids.primary(WEST), 30);
    expect(await m.getChange(id)).toBe("PENDING");
    expect((await m.getRecord(ids.zone, ids.record))?.values).toEqual([ids.primary(WEST)]);
    await clock.sleep(DRILL_TIMINGS.route53ChangePropagation.value * 1000);
    expect(await m.getChange(id)).toBe("INSYNC");
  });

  it("a lost region's endpoints hang until the request timeout and fail as the SDK does; its entry turns unhealthy after detection", async () => {
    const { clock, m } = model();
    m.failRegion(EAST);
    const t0 = clock.now();
    await expect(m.describeDbCluster(EAST)).rejects.toMatchObject({ name: "TimeoutError" });
    expect(clock.now() - t0).toBe(fixtureSpec().requestTimeoutMs);
    expect((await m.describeEndpointGroup(ids.eg(EAST))).endpoints[0].health).toBe("HEALTHY");
    await clock.sleep(fixtureSpec().detectionSeconds * 1000);
    expect((await m.describeEndpointGroup(ids.eg(EAST))).endpoints[0].health).toBe("UNHEALTHY");
    // The target region keeps answering.
    expect((await m.describeDbCluster(WEST)).status).toBe("available");
  });
});

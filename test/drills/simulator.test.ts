import { describe, expect, it } from "vitest";
import { DRILL_TIMINGS, TIMINGS } from "../../analysis/constants";
import { buildPlan, type DrillOptions } from "../../drills/plan";
import type { DrillReport } from "../../drills/report";
import { simulateDrill } from "../../drills/run";
import { parseTopology } from "../../drills/topology";
import { EAST, topologyFixture, WEST } from "./fixtures";

/**
 * The simulator runs the real steps on the cloud model and a virtual clock, with the documented
 * timings: its timeline must follow them. Timings are compared with the constants, not with the
 * analysis budget (which another part of the project owns and may model differently).
 */

function plan(options: DrillOptions, mode: "accelerator" | "route53" = "accelerator") {
  return buildPlan(parseTopology(topologyFixture({ mode }), "fixture"), options);
}

const step = (r: DrillReport, id: string) => r.steps.find((x) => x.id === id)!;
const duration = (r: DrillReport, id: string) => step(r, id).endSeconds - step(r, id).startSeconds;

describe("simulated planned switchover (prod fixture)", () => {
  it("drains, then runs both promotions side by side: the window is the switchover, not the sum", async () => {
    const p = plan({ kind: "region", to: WEST, mode: "planned" });
    const { report } = await simulateDrill(p);
    expect(report.outcome).toBe("succeeded");
    expect(duration(report, "drain")).toBe(TIMINGS.gaTrafficDialPropagation.value);
    expect(duration(report, "promote-aurora")).toBe(TIMINGS.auroraGlobalSwitchover.value);
    expect(duration(report, "promote-redis")).toBe(TIMINGS.elasticacheGlobalPromote.value);
    expect(duration(report, "repoint-sessions")).toBe(DRILL_TIMINGS.route53ChangePropagation.value);
    expect(step(report, "promote-redis").startSeconds).toBe(step(report, "promote-aurora").startSeconds);
    const longest = Math.max(TIMINGS.auroraGlobalSwitchover.value, TIMINGS.elasticacheGlobalPromote.value + DRILL_TIMINGS.route53ChangePropagation.value);
    expect(report.rto.measuredSeconds).toBe(longest);
    expect(report.rto.serviceSeconds).toBe(longest + report.rto.modelledTerms.reduce((s, t) => s + t.seconds, 0));
    expect(report.rpo.measuredSeconds).toBe(0);
  });

  it("ends with the writer, the cache primary and the record in the target region, and writes no stack config", async () => {
    const { report, model } = await simulateDrill(plan({ kind: "region", to: WEST, mode: "planned" }));
    expect(model.snapshot()).toEqual({ writer: WEST, cachePrimary: WEST });
    expect(report.finalState).toMatchObject({ writer: { database: WEST, sessions: WEST }, sessionRecord: WEST, dials: { [EAST]: 100, [WEST]: 100 } });
    expect(step(report, "reconcile").notes[0]).toBe("pulumi preview: same 1");
  });

  it("--keep-drained leaves the source at 0 % and says it is on purpose", async () => {
    const { report } = await simulateDrill(plan({ kind: "region", to: WEST, mode: "planned", keepDrained: true }));
    expect(report.finalState.dials).toEqual({ [EAST]: 0, [WEST]: 100 });
    expect(report.finalState.notes).toContain("us-east-1 is drained on purpose (--keep-drained)");
    expect(report.finalState.problems).toEqual([]);
  });
});

describe("simulated unplanned failover", () => {
  it("the source is lost: its calls time out, the fence reports what it could not do, the failover needs no source API", async () => {
    const p = plan({ kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true });
    const { report, aws } = await simulateDrill(p);
    expect(report.outcome).toBe("succeeded");
    expect(duration(report, "promote-aurora")).toBe(TIMINGS.auroraGlobalFailover.value);
    const changes = aws.calls.filter((c) => /switchover|failover|setTrafficDial|upsertRecord|modifyIngress/i.test(c));
    expect(changes.filter((c) => c.includes(` ${EAST} `))).toEqual([]);
    expect(report.fence?.database).toMatchObject({ ok: false });
    expect(report.fence?.entry).toMatchObject({ ok: true });
    // The outage began before the drill: detection and the decision are modelled on top of the drill time.
    expect(report.rto.window?.fromSeconds).toBe(0);
    expect(report.rto.modelledTerms.map((t) => t.phase)).toEqual(expect.arrayContaining(["detect", "decide", "client"]));
  });

  it("reports the measured lag as RPO and whether the rds.global_db_rpo bound still holds for the new writer", async () => {
    const bound = await simulateDrill(plan({ kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true }));
    expect(bound.report.rpo.measuredSeconds).toBe(TIMINGS.auroraReplicationLagTypical.value);
    expect(bound.report.rpo.boundAfterDrill).toMatchObject({ bounded: true, seconds: 30 });
    const lapsed = await simulateDrill(buildPlan(parseTopology(topologyFixture({ rpoBoundRegions: [EAST] }), "f"), { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true }));
    expect(lapsed.report.rpo.boundAfterDrill.bounded).toBe(false);
    expect(lapsed.report.rpo.boundAfterDrill.text).toMatch(/^unbounded \(lapsed\) after it/);
  });

  it("a source lost during a switchover: AWS cancels it, the drill stops naming the state and keeps the sick region drained", async () => {
    const p = plan({ kind: "region", to: WEST, mode: "planned" });
    // us-east-1 goes down 35 s in, after preflight and the drain, while the switchover runs.
    const { report } = await simulateDrill(p, { prepare: (m) => m.failRegion(EAST, 35) });
    expect(report.failure).toMatchObject({ step: "promote-aurora", error: "the switchover ended without moving the writer to us-west-2 (AWS cancelled it)" });
    expect(report.outcome).toBe("stopped");
    expect(report.finalState.writer).toEqual({ database: EAST, sessions: WEST });
    expect(report.finalState.problems).toContain("the database writer is in us-east-1 but the session store primary in us-west-2: the two writers are in different regions");
    expect(report.compensations.map((c) => c.detail)).toEqual([expect.stringMatching(/^kept in us-west-2: us-east-1 is not healthy now/), expect.stringMatching(/^kept: us-east-1 is not healthy now/)]);
    expect(report.finalState.notes).toContain("us-east-1 is drained and unhealthy: traffic stays away until it recovers, then set its dial back");
    // The way on: an unplanned failover of the lost region (it resumes with the sessions already moved).
    expect(report.nextCommands).toContain("npx ha-blueprint drill --stack prod --to us-west-2 --mode unplanned --allow-data-loss --execute --yes   # us-east-1 is down: fail the database over (the session store already moved)");
  });
});

describe("simulated AZ drill", () => {
  it("fails the writer and primary out of the AZ with in-region timings", async () => {
    const p = plan({ kind: "az", az: "us-east-1a" });
    const { report, aws } = await simulateDrill(p);
    expect(report.outcome).toBe("succeeded");
    expect(duration(report, "aurora-az-failover")).toBe(TIMINGS.auroraInRegionFailover.value);
    expect(duration(report, "redis-az-failover")).toBe(TIMINGS.elasticacheInRegionFailover.value);
    const writer = (await aws.describeDbCluster(EAST, "x")).instances.find((i) => i.isWriter);
    expect(writer?.availabilityZone).not.toBe("us-east-1a");
  });

  it("skips the Aurora step in a secondary region, whose cluster has no writer", async () => {
    const { report } = await simulateDrill(plan({ kind: "az", az: "us-west-2a" }));
    expect(step(report, "aurora-az-failover").status).toBe("skipped");
    expect(step(report, "redis-az-failover").status).toBe("done");
  });
});

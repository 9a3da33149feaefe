import { describe, expect, it } from "vitest";
import type { DisruptionBudget } from "../../analysis/budget";
import { TIMINGS } from "../../analysis/constants";
import { buildPlan, type DrillOptions } from "../../drills/plan";
import type { DrillReport } from "../../drills/report";
import { simulateDrill } from "../../drills/run";
import { parseTopology } from "../../drills/topology";
import { EAST, topologyFixture, WEST } from "./fixtures";

/**
 * The simulator runs the real steps on a virtual clock with budget timings: its timeline must
 * agree with the analysis budget. The drill exercises detection, drain and promotion terms; the
 * decision and client terms it cannot observe are added from the model (report.rto.modelledTerms).
 */

function plan(options: DrillOptions, mode: "accelerator" | "route53" = "accelerator") {
  return buildPlan(parseTopology(topologyFixture({ mode }), "fixture"), options);
}

const duration = (r: DrillReport, id: string) => {
  const s = r.steps.find((x) => x.id === id)!;
  return s.endSeconds - s.startSeconds;
};

/** Sum of the critical path's terms of the given phases. */
function budgetOf(b: DisruptionBudget, phases: string[]): number {
  const critical = b.rto.paths.find((p) => p.name === b.rto.critical)!;
  return critical.terms.filter((t) => phases.includes(t.phase)).reduce((s, t) => s + t.seconds, 0);
}

describe("simulated planned switchover (prod fixture)", () => {
  it("takes the documented promotion times and matches the planned-switchover budget", async () => {
    const p = plan({ kind: "region", to: WEST, mode: "planned" });
    const { report } = await simulateDrill(p);
    expect(report.outcome).toBe("succeeded");
    expect(duration(report, "drain")).toBe(TIMINGS.gaTrafficDialPropagation.value);
    expect(duration(report, "promote-aurora")).toBe(TIMINGS.auroraGlobalSwitchover.value);
    expect(duration(report, "promote-redis")).toBe(TIMINGS.elasticacheGlobalPromote.value);
    expect(report.rto.measuredSeconds).toBe(budgetOf(p.budget, ["promote"]));
    expect(report.rto.serviceSeconds).toBe(p.budget.rto.seconds);
    expect(report.rpo.measuredSeconds).toBe(0);
  });

  it("ends with the writer, the cache primary and the stack config in the target region", async () => {
    const { report, aws } = await simulateDrill(plan({ kind: "region", to: WEST, mode: "planned" }));
    expect(report.steps.find((s) => s.id === "reconcile")?.notes[0]).toMatch(/writerRegion us-east-1 -> us-west-2/);
    const gc = await aws.describeGlobalCluster(WEST, "x");
    expect(gc.members.find((m) => m.isWriter)?.clusterArn).toContain(WEST);
  });
});

describe("simulated unplanned failover", () => {
  it.each([
    ["accelerator: ALB 10 s x 3 + GA 30 s", "accelerator" as const, 60],
    ["route53: 10 s x 3 + 6 s timeout + 60 s TTL", "route53" as const, 96],
  ])("%s: detection and promotions agree with the region-loss budget", async (_name, mode, detection) => {
    const p = plan({ kind: "region", to: WEST, mode: "unplanned" }, mode);
    expect(p.detectionSeconds).toBe(detection);
    const { report } = await simulateDrill(p);
    expect(report.outcome).toBe("succeeded");
    // Health is polled every 5 s: detection is seen at the next poll.
    expect(duration(report, "detect")).toBe(Math.ceil(detection / 5) * 5);
    expect(duration(report, "promote-aurora")).toBe(TIMINGS.auroraGlobalFailover.value);
    const exercised = budgetOf(p.budget, ["detect", "propagate", "promote"]);
    expect(report.rto.measuredSeconds! - exercised).toBeGreaterThanOrEqual(0);
    expect(report.rto.measuredSeconds! - exercised).toBeLessThan(5);
    expect(Math.abs(report.rto.serviceSeconds! - p.budget.rto.seconds)).toBeLessThan(5);
    expect(report.rto.modelledTerms.map((t) => t.id)).toEqual(["decide", "client.writeForwarding", "client.dns", "client.reconnect"]);
  });

  it("reports the typical lag as RPO, within the budget's bound", async () => {
    const p = plan({ kind: "region", to: WEST, mode: "unplanned" });
    const { report } = await simulateDrill(p);
    expect(report.rpo.measuredSeconds).toBe(Math.max(TIMINGS.auroraReplicationLagTypical.value, TIMINGS.elasticacheReplicationLagTypical.value));
    expect(report.rpo.measuredSeconds!).toBeLessThanOrEqual(p.budget.rpo.seconds);
  });

  it("never calls the lost region's regional APIs", async () => {
    const { aws } = await simulateDrill(plan({ kind: "region", to: WEST, mode: "unplanned" }));
    const regional = aws.calls.filter((c) => /describeDbCluster|describeReplicationGroup|failover|switchover/i.test(c));
    expect(regional.length).toBeGreaterThan(0);
    expect(regional.filter((c) => c.includes(` ${EAST} `))).toEqual([]);
  });
});

describe("simulated AZ drill", () => {
  it("fails the writer and primary out of the AZ with in-region timings; the slowest tier matches the AZ budget", async () => {
    const p = plan({ kind: "az", az: "us-east-1a" });
    const { report, aws } = await simulateDrill(p);
    expect(report.outcome).toBe("succeeded");
    expect(duration(report, "aurora-az-failover")).toBe(TIMINGS.auroraInRegionFailover.value);
    expect(duration(report, "redis-az-failover")).toBe(TIMINGS.elasticacheInRegionFailover.value);
    expect(report.rto.serviceSeconds).toBe(p.budget.rto.seconds);
    const writer = (await aws.describeDbCluster(EAST, "x")).instances.find((i) => i.isWriter);
    expect(writer?.availabilityZone).not.toBe("us-east-1a");
  });

  it("skips the Aurora step in a secondary region, whose cluster has no writer", async () => {
    const { report } = await simulateDrill(plan({ kind: "az", az: "us-west-2a" }));
    expect(report.steps.find((s) => s.id === "aurora-az-failover")?.status).toBe("skipped");
    expect(report.steps.find((s) => s.id === "redis-az-failover")?.status).toBe("done");
  });
});

describe("simulated failures", () => {
  it("stops at a stuck cache promotion after its timeout with the observed state and the manual command", async () => {
    const { report } = await simulateDrill(plan({ kind: "region", to: WEST, mode: "planned" }), { faults: { stuck: "redis" } });
    expect(report.failure?.step).toBe("promote-redis");
    expect(report.failure?.error).toBe("timed out after 900 s waiting for us-west-2 to become the session store primary");
    expect(report.failure?.observed).toMatch(/status=modifying/);
    expect(report.failure?.nextCommands[1]).toMatch(/^aws elasticache failover-global-replication-group --region us-west-2 /);
    expect(duration(report, "promote-redis")).toBeLessThanOrEqual(900);
  });

  it("stops at preflight when an API call throws, naming the error", async () => {
    const err = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const { report } = await simulateDrill(plan({ kind: "region", to: WEST, mode: "planned" }), { faults: { throwOn: { describeGlobalReplicationGroup: err } } });
    expect(report.failure).toMatchObject({ step: "preflight", error: "ThrottlingException: Rate exceeded" });
  });
});

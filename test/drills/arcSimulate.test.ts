import { beforeAll, describe, expect, it } from "vitest";
import { DRILL_TIMINGS, TIMINGS } from "../../analysis/constants";
import { VirtualClock } from "../../drills/aws";
import { runRegionSwitch, type RegionSwitchRequest } from "../../drills/arc/execute";
import { SimulatedArc, type SimulatedArcOptions } from "../../drills/arc/simulate";
import { ELASTICACHE_GLOBAL_SESSIONS, planStack } from "../helpers/plan";

/**
 * The prod plan document (with and without the approval step), run on the offline model of ARC
 * Region switch by the drill's own runner. The session-failover block exists only with the
 * single-writer session store (ElastiCache global datastore), so the tests of the parallel block
 * plan that variant; the shipped prod (MemoryDB Multi-Region) has only the dial after Aurora.
 */

let workflows: Array<Record<string, any>>;
let memoryDbWorkflows: Array<Record<string, any>>;
let automaticWorkflows: Array<Record<string, any>>;
beforeAll(async () => {
  const approval = { "ha-blueprint:recovery": { ungracefulDatabaseFailover: "approval" } };
  workflows = ((await planStack("prod", approval, ELASTICACHE_GLOBAL_SESSIONS)).ofType("aws:arcregionswitch/plan:Plan")[0].inputs as any).workflows;
  memoryDbWorkflows = ((await planStack("prod", approval)).ofType("aws:arcregionswitch/plan:Plan")[0].inputs as any).workflows;
  // The shipped prod opts into automatic failover.
  automaticWorkflows = ((await planStack("prod")).ofType("aws:arcregionswitch/plan:Plan")[0].inputs as any).workflows;
}, 240_000);

async function simulate(opts: Partial<SimulatedArcOptions>, req: Partial<RegionSwitchRequest> = {}) {
  const clock = new VirtualClock(Date.parse("2026-01-01T00:00:00Z"));
  const arc = new SimulatedArc(clock, { workflows, ...opts });
  const result = await runRegionSwitch(arc, clock, {
    planArn: "arn:aws:arc-region-switch::123456789012:plan/sim/abcdef",
    targetRegion: "us-east-1",
    apiRegion: "us-west-2",
    action: "deactivate",
    mode: "graceful",
    allowDataLoss: false,
    maxDataLossSeconds: 30,
    lagNow: async () => 1,
    pollSeconds: 5,
    deadlineSeconds: 7200,
    comment: "test",
    ...req,
  });
  return { result, arc };
}

const step = (r: Awaited<ReturnType<typeof simulate>>["result"], name: string) => r.steps.find((s) => s.name === name)!;

describe("the Region switch plan on the offline ARC model", () => {
  it("graceful: steps in order, the parallel block ends with its slowest child, recovery time from the record", async () => {
    const { result } = await simulate({}, { approval: "approve" });
    expect(result.state).toBe("completed");
    expect(result.steps.map((s) => s.name)).toEqual(["scale-survivor", "approve-data-loss-failover", "promote-database", "move-sessions-and-traffic", "promote-sessions", "drain-traffic"]);
    expect(step(result, "promote-database").seconds).toBe(DRILL_TIMINGS.auroraGlobalVerification.value + TIMINGS.auroraGlobalSwitchover.value);
    expect(step(result, "move-sessions-and-traffic").seconds).toBe(Math.max(TIMINGS.elasticacheGlobalPromote.value, TIMINGS.gaTrafficDialPropagation.value));
    const starts = result.steps.map((s) => Date.parse(s.startTime!));
    expect(starts[2]).toBeGreaterThan(starts[1]);
    expect(step(result, "promote-sessions").startTime).toBe(step(result, "drain-traffic").startTime);
    expect(result.recoveryFrom).toBe("actualRecoveryTime");
    expect(result.recoverySeconds).toBe(result.steps.filter((s) => !["promote-sessions", "drain-traffic"].includes(s.name)).reduce((a, s) => a + (s.seconds ?? 0), 0));
  });

  it("the shipped prod's MemoryDB sessions: no session block, the dial follows Aurora, and the recovery time includes it", async () => {
    const { result } = await simulate({ workflows: memoryDbWorkflows }, { approval: "approve" });
    expect(result.state).toBe("completed");
    expect(result.steps.map((s) => s.name)).toEqual(["scale-survivor", "approve-data-loss-failover", "promote-database", "drain-traffic"]);
    expect(step(result, "drain-traffic").seconds).toBe(TIMINGS.gaTrafficDialPropagation.value);
    expect(result.recoverySeconds).toBe(result.steps.reduce((a, s) => a + (s.seconds ?? 0), 0));
  });

  it("a lost old primary: a graceful switchover cannot finish and the execution pauses at the failed block", async () => {
    const { result } = await simulate({ lostRegions: ["us-east-1"] }, { approval: "approve" });
    expect(result.state).toBe("pausedByFailedStep");
    expect(step(result, "promote-database").status).toBe("failed");
    expect(result.steps.some((s) => s.name === "drain-traffic")).toBe(false);
  });

  it("ungraceful: the approval is the data-loss consent, the Aurora block fails over, Lambda blocks are skipped", async () => {
    const { result, arc } = await simulate({ lostRegions: ["us-east-1"] }, { mode: "ungraceful", approval: "approve", allowDataLoss: true });
    expect(result.state).toBe("completed");
    expect(arc.calls).toContain("approvePlanExecutionStep approve-data-loss-failover approve");
    expect(step(result, "promote-database").seconds).toBe(TIMINGS.auroraGlobalFailover.value);
    expect(step(result, "promote-sessions").status).toBe("skipped");
    expect(step(result, "drain-traffic").status).toBe("skipped");
  });

  it("ungraceful without consent: the approval is declined and nothing is promoted", async () => {
    const { result, arc } = await simulate({ lostRegions: ["us-east-1"] }, { mode: "ungraceful", approval: "approve", allowDataLoss: false });
    expect(arc.calls).toContain("approvePlanExecutionStep approve-data-loss-failover decline");
    expect(result.succeeded).toBe(false);
    expect(result.steps.some((s) => s.name === "promote-database")).toBe(false);
  });

  it("an approval nobody answers times out after the block's timeout and fails the step", async () => {
    const { result } = await simulate({});
    const approval = step(result, "approve-data-loss-failover");
    expect(approval.status).toBe("failed");
    expect(approval.seconds).toBe(60 * 60);
  });

  it("a block that runs past its timeoutMinutes fails", async () => {
    const { result } = await simulate({ scalingSeconds: 16 * 60 }, { approval: "approve" });
    expect(step(result, "scale-survivor")).toMatchObject({ status: "failed", seconds: 15 * 60 });
    expect(result.state).toBe("pausedByFailedStep");
  });

  it("an injected failed block stops the execution there", async () => {
    const { result } = await simulate({ failStep: "promote-sessions" }, { approval: "approve" });
    expect(step(result, "promote-sessions").status).toBe("failed");
    expect(step(result, "drain-traffic").status).toBe("completed");
    expect(step(result, "move-sessions-and-traffic").status).toBe("failed");
    expect(result.state).toBe("pausedByFailedStep");
  });

  it("`ungracefulDatabaseFailover: automatic`: a trigger's run needs no person and fails over even when graceful", async () => {
    const clock = new VirtualClock(0);
    const arc = new SimulatedArc(clock, { workflows: automaticWorkflows, lostRegions: ["us-east-1"] });
    const result = await runRegionSwitch(arc, clock, { planArn: "p", targetRegion: "us-east-1", apiRegion: "us-west-2", action: "deactivate", mode: "graceful", allowDataLoss: false, maxDataLossSeconds: 30, pollSeconds: 5, deadlineSeconds: 7200, comment: "t" });
    expect(result.state).toBe("completed");
    expect(result.approvals).toEqual([]);
    expect(result.recoverySeconds).toBeLessThanOrEqual(600);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DrillAws } from "../../drills/aws";
import { buildPlan, type DrillOptions } from "../../drills/plan";
import { executeDrill } from "../../drills/run";
import { SdkDrillAws } from "../../drills/sdkAws";
import { InMemoryStackConfig } from "../../drills/simulator";
import { parseTopology } from "../../drills/topology";
import { FakeCloud } from "./fakeCloud";
import { EAST, ids, topologyFixture, WEST } from "./fixtures";

/**
 * The review's findings against the laptop-side path (stacks without a Region switch plan): the
 * real SdkDrillAws over stubbed SDK clients, with one call altered at the DrillAws seam.
 */

let cloud: FakeCloud;
beforeEach(() => {
  cloud = new FakeCloud();
});
afterEach(() => cloud.restore());

const unplanned = (extra: Partial<DrillOptions> = {}) =>
  buildPlan(parseTopology(topologyFixture({ mode: "accelerator" }), "fixture"), { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true, ...extra });

function altered(overrides: Partial<Record<keyof DrillAws, (real: (...a: any[]) => Promise<any>, ...args: any[]) => Promise<any>>>): DrillAws {
  const aws = new SdkDrillAws({ maxAttempts: 1 });
  return new Proxy(aws, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      const o = overrides[prop as keyof DrillAws];
      if (typeof value !== "function" || !o) return value;
      return (...args: unknown[]) => o((...a: unknown[]) => value.apply(target, a), ...args);
    },
  });
}

const run = (aws: DrillAws, p = unplanned()) => executeDrill(p, { aws, clock: cloud.clock, config: new InMemoryStackConfig({ trafficDials: {} }) });
const throttle = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

describe("a writer is declared lost only after repeated independent reads", () => {
  it("a throttled source read never leads to a failover (the entry being down does not change that)", async () => {
    const aws = altered({
      describeDbCluster: (real, region: string, id: string) => (region === EAST ? Promise.reject(throttle()) : real(region, id)),
      describeEndpointGroup: async (real, arn: string) => {
        const g = await real(arn);
        return arn === ids.eg(EAST) ? { ...g, endpoints: g.endpoints.map((e: object) => ({ ...e, health: "UNHEALTHY" })) } : g;
      },
    });
    const report = await run(aws);
    expect(report.outcome).toBe("stopped");
    expect(report.failure?.error).toMatch(/source region us-east-1 is healthy/);
    expect(report.steps[0].observed ?? report.failure?.observed).toMatch(/throttled \(no evidence\)/);
    expect(cloud.calls("FailoverGlobalClusterCommand")).toEqual([]);
    expect(cloud.mutations()).toEqual([]);
  });

  it("a source cluster in backing-up is alive: no failover", async () => {
    const aws = altered({
      describeDbCluster: async (real, region: string, id: string) => {
        const c = await real(region, id);
        return region === EAST ? { ...c, status: "backing-up" } : c;
      },
    });
    const report = await run(aws);
    expect(report.failure?.error).toMatch(/source region us-east-1 is healthy/);
    expect(cloud.calls("FailoverGlobalClusterCommand")).toEqual([]);
  });

  it("reads the source three times over 20 s before calling it lost", async () => {
    cloud.model.failRegion(EAST, -120);
    const report = await run(new SdkDrillAws({ maxAttempts: 1 }));
    expect(report.outcome).toBe("succeeded");
    const reads = cloud.log.filter((c) => c.command === "DescribeDBClustersCommand" && c.region === EAST);
    expect(reads.length).toBeGreaterThanOrEqual(3);
  });
});

describe("data-loss consent is checked at the moment of promotion", () => {
  it("a lag that grew from 0.8 s to 600 s while the drill fenced stops the failover", async () => {
    cloud.model.failRegion(EAST, -120);
    const aws = altered({
      setTrafficDial: async (real, ...args: unknown[]) => {
        await real(...args);
        cloud.metrics.AuroraGlobalDBRPOLag = 600_000;
      },
    });
    const report = await run(aws);
    expect(report.failure?.step).toBe("promote-aurora");
    expect(report.failure?.error).toMatch(/lag is 600 s at the moment of promotion, more than the 30 s accepted/);
    expect(cloud.calls("FailoverGlobalClusterCommand")).toEqual([]);
  });
});

describe("promotions are sent once", () => {
  it("a failover whose answer is lost is not sent twice and is recorded as done", async () => {
    cloud.model.failRegion(EAST, -120);
    const aws = altered({
      failoverGlobalCluster: async (real, ...args: unknown[]) => {
        await real(...args);
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      },
    });
    const report = await run(aws);
    expect(cloud.calls("FailoverGlobalClusterCommand")).toHaveLength(1);
    const promote = report.steps.find((s) => s.id === "promote-aurora")!;
    expect(promote.status).toBe("done");
    expect(promote.notes.some((n) => /answer was lost or refused .* AWS shows it applied: recorded as done, not sent again/.test(n))).toBe(true);
    expect(report.finalState).toMatchObject({ writer: { database: WEST } });
  });

  it("every client that sends a mutating call makes one attempt", () => {
    const aws = new SdkDrillAws() as unknown as { rds(region: string, mutating?: boolean): { config: { maxAttempts: () => Promise<number> } } };
    return Promise.all([aws.rds(WEST, true).config.maxAttempts(), aws.rds(WEST).config.maxAttempts()]).then(([mutating, reading]) => {
      expect(mutating).toBe(1);
      expect(reading).toBeGreaterThan(1);
    });
  });
});

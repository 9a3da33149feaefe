import { describe, expect, it } from "vitest";
import { availabilityFromSettings, downtimeMinutesPerYear, estimateAvailability, eventUnavailability, parallel, serial, type AvailabilityInputs } from "../../analysis/availability";
import { SECONDS_PER_YEAR } from "../../analysis/constants";
import { prodSettings } from "../drills/fixtures";

const prod: AvailabilityInputs = {
  regions: 2,
  entry: "accelerator",
  databaseInstancesPerRegion: 3,
  sessionNodesPerRegion: 3,
  regionRtoSeconds: 350,
  objectivePercent: 99.99,
};

describe("serial and parallel composition (Well-Architected worked examples)", () => {
  it.each([
    ["three 99.99% hard dependencies", serial([0.9999, 0.9999, 0.9999]), 0.99970003],
    ["two redundant 99.9% copies", parallel([0.999, 0.999]), 0.999999],
    ["one region's data path, 0.9999^4", serial([0.9999, 0.9999, 0.9999, 0.9999]), 0.99960006],
    ["two regions in parallel", parallel([0.99960006, 0.99960006]), 0.99999984],
    ["nothing in series", serial([]), 1],
    ["no copies at all", parallel([]), 0],
  ])("%s", (_name, actual, expected) => {
    expect(actual).toBeCloseTo(expected, 8);
  });

  it("turns 0.56 region events a year of 5 minutes each into 2.8 minutes a year", () => {
    expect((eventUnavailability(0.56, 300) * SECONDS_PER_YEAR) / 60).toBeCloseTo(2.8, 10);
  });

  it("gives 52.6 minutes a year for 99.99%", () => {
    expect(downtimeMinutesPerYear(0.9999)).toBeCloseTo(52.596, 3);
  });
});

describe("estimateAvailability", () => {
  const term = (0.56 * 350) / SECONDS_PER_YEAR;
  const appCopies = 1 - (1 - 0.9999 * 0.9999) ** 2;

  it("two regions of 0.9999^4 read at ~99.99998% below the entry, ~99.990% with it", () => {
    const a = estimateAvailability(prod);
    expect(a.regionDataPath.availability).toBeCloseTo(0.99960006, 8);
    expect(a.reads).toBeCloseTo(0.99999984, 8);
    expect(a.readsWithEntry).toBeCloseTo(0.9999 * 0.99999984, 10);
  });

  it("writes: the app in parallel, each single-writer store and the region events in series", () => {
    const a = estimateAvailability(prod);
    expect(a.writeFactors.map((f) => f.name)).toEqual([
      "app (ALB x EC2), regions in parallel", "Aurora, Multi-AZ, the writer", "ElastiCache, Multi-AZ, the primary", "region events (writes wait the region-loss RTO)",
    ]);
    expect(a.writes).toBeCloseTo(appCopies * 0.9999 * 0.9999 * (1 - term), 12);
    expect(a.writeEventTerm.minutesPerYear).toBeCloseTo((0.56 * 350) / 60, 10);
    expect(a.writes).toBeLessThan(a.reads);
  });

  it("multiplies the entry SLA with the write path: no min(), no cap", () => {
    const a = estimateAvailability(prod);
    expect(a.estimate).toBeCloseTo(0.9999 * a.writes, 14);
    // 99.99 % is out of reach behind a 99.99 % entry: any other hard dependency lowers the product.
    expect(a.estimatePercent).toBeCloseTo(99.9694, 3);
    expect(a.met).toBe(false);
    expect(estimateAvailability({ ...prod, objectivePercent: 99.95 }).met).toBe(true);
  });

  it("fails when writer-region events last hours (no failover): the event term dominates", () => {
    // 0.56/yr x 9.3 h, the mean published event, is about 5.2 h a year.
    const a = estimateAvailability({ ...prod, regionRtoSeconds: 9.3 * 3600, objectivePercent: 99.95 });
    expect(a.estimatePercent).toBeCloseTo(99.9106, 3);
    expect(a.met).toBe(false);
  });

  it("uses the single-AZ SLAs when a tier has one instance or node per region, or Multi-AZ is off", () => {
    const a = estimateAvailability({ ...prod, databaseInstancesPerRegion: 1, sessionNodesPerRegion: 1 });
    expect(a.regionDataPath.factors.map((f) => f.sla)).toEqual(["elb", "ec2Region", "auroraSingleAz", "elasticacheSingleAz"]);
    expect(a.regionDataPath.availability).toBeCloseTo(0.9999 * 0.9999 * 0.999 * 0.995, 10);
    const multiAzOff = estimateAvailability({ ...prod, sessionMultiAz: false });
    expect(multiAzOff.regionDataPath.factors[3].sla).toBe("elasticacheSingleAz");
  });

  it("multi-writer stores count once per region: every region writes", () => {
    const a = estimateAvailability({ ...prod, regionRtoSeconds: 60, databaseKind: "aurora-dsql", sessionsKind: "memorydb-multi-region", objectivePercent: 99.98 });
    expect(a.regionDataPath.factors.map((f) => f.sla)).toEqual(["elb", "ec2Region", "dsqlSingleRegion", "memorydbRegional"]);
    expect(a.writes).toBeCloseTo(a.reads * (1 - (0.56 * 60) / SECONDS_PER_YEAR), 12);
    expect(a.estimatePercent).toBeGreaterThan(99.98);
    expect(a.met).toBe(true);
    expect(estimateAvailability({ ...prod, regionRtoSeconds: 60, databaseKind: "aurora-dsql", sessionsKind: "memorydb-multi-region" }).met).toBe(false);
  });

  it("a single region gets no parallel bonus", () => {
    const a = estimateAvailability({ ...prod, regions: 1, objectivePercent: 99.95 });
    expect(a.reads).toBeCloseTo(0.99960006, 8);
    expect(a.met).toBe(false);
  });

  it("keeps the EKS API out of the data path and reports it as the control path", () => {
    const a = estimateAvailability(prod);
    expect(a.regionDataPath.factors.some((f) => f.sla === "eksControlPlane")).toBe(false);
    expect(a.controlPath).toBe(0.9995);
  });

  it("derives the inputs from budget settings, with the region RTO from the region-loss budget", () => {
    expect(availabilityFromSettings(prodSettings({ decision: "automated" })).writeEventTerm.rtoSeconds).toBe(290);
    // Without an automated trigger a person decides: the region-loss RTO counts alarm, page and decision.
    const a = availabilityFromSettings(prodSettings({ objectives: { ...prodSettings().objectives, availabilityPercent: 99.95 } }));
    expect(a.writeEventTerm.rtoSeconds).toBe(1580);
    expect(a).toMatchObject({ objectivePercent: 99.95, met: true });
    expect(a.entry.sla).toBe("globalAccelerator");
    // The same stack against 99.99 % misses: the product cannot reach the entry's own SLA.
    expect(availabilityFromSettings(prodSettings()).met).toBe(false);
  });
});

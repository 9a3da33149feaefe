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
  it("two regions of 0.9999^4 behind Global Accelerator read at ~99.990% (entry as a serial factor)", () => {
    const a = estimateAvailability(prod);
    expect(a.regionDataPath.availability).toBeCloseTo(0.99960006, 8);
    expect(a.reads).toBeCloseTo(0.99999984, 8);
    expect(a.readsWithEntry).toBeCloseTo(0.9999 * 0.99999984, 10);
    expect(a.readsWithEntry * 100).toBeCloseTo(99.99, 2);
  });

  it("behind Route 53 reads reach 99.99998%", () => {
    const a = estimateAvailability({ ...prod, entry: "route53" });
    expect(a.readsWithEntry).toBeCloseTo(0.99999984, 8);
  });

  it("charges writes the region RTO per region event, not the parallel bonus", () => {
    const a = estimateAvailability(prod);
    const term = (0.56 * 350) / SECONDS_PER_YEAR;
    expect(a.writes).toBeCloseTo(1 - term, 12);
    expect(a.writes).toBeLessThan(a.reads);
    expect(a.writeEventTerm.minutesPerYear).toBeCloseTo((0.56 * 350) / 60, 10);
    expect(a.writesSlaFloor).toBeCloseTo(0.99960006 - term, 8);
    expect(a.design).toBe(a.writes);
  });

  it("caps the estimate at the entry SLA and meets a 99.99% objective with it", () => {
    const a = estimateAvailability(prod);
    expect(a.estimate).toBe(0.9999);
    expect(a.met).toBe(true);
  });

  it("fails when the objective asks for more than the entry SLA allows", () => {
    expect(estimateAvailability({ ...prod, objectivePercent: 99.995 }).met).toBe(false);
  });

  it("fails 99.99% when writer-region events last hours (no failover): the write term drops below the cap", () => {
    // 0.56/yr x 9.3 h, the mean published event, is about 5.2 h a year: 99.94%.
    const a = estimateAvailability({ ...prod, regionRtoSeconds: 9.3 * 3600 });
    expect(a.estimatePercent).toBeCloseTo(99.9406, 3);
    expect(a.met).toBe(false);
  });

  it("uses the single-AZ SLAs when a tier has one instance or node per region", () => {
    const a = estimateAvailability({ ...prod, databaseInstancesPerRegion: 1, sessionNodesPerRegion: 1 });
    expect(a.regionDataPath.factors.map((f) => f.sla)).toEqual(["elb", "ec2Region", "auroraSingleAz", "elasticacheSingleAz"]);
    expect(a.regionDataPath.availability).toBeCloseTo(0.9999 * 0.9999 * 0.999 * 0.995, 10);
  });

  it("a single region gets no parallel bonus and misses 99.99%", () => {
    const a = estimateAvailability({ ...prod, regions: 1 });
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
    const a = availabilityFromSettings(prodSettings());
    expect(a.writeEventTerm.rtoSeconds).toBe(1580);
    expect(a).toMatchObject({ objectivePercent: 99.99, met: true });
    expect(a.entry.sla).toBe("globalAccelerator");
  });
});

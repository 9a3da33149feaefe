import { describe, expect, it } from "vitest";
import { explainReplicas, replicaNotes, sizeAppTier, type SizingInput } from "../../components/app/sizing";

/** The plan says why a region runs another pod count than app.replicasPerRegion. */

const base: SizingInput = { replicasPerRegion: 4, azCount: 3, regionCount: 2, sharePercent: 100, capacity: "scalable", burstPercent: 50, podsPerNode: 4 };

describe("explainReplicas", () => {
  it("explains the rounding to a multiple of the AZ count, with the numbers the sizing uses", () => {
    const sizing = sizeAppTier(base);
    expect(sizing.hpaMinReplicas).toBe(6);
    expect(explainReplicas(base)).toBe(
      "app.replicasPerRegion 4 runs as 6 pods (HPA minimum, max 15): 4 rounded up to 6, a multiple of its 3 AZs, so every AZ runs the same number of pods (2 each) and losing one AZ leaves 4",
    );
  });

  it("explains provisioned failover capacity, and its own rounding", () => {
    expect(explainReplicas({ ...base, replicasPerRegion: 3, capacity: "provisioned" })).toBe(
      "app.replicasPerRegion 3 runs as 6 pods (HPA minimum, max 9): failoverHeadroom provisioned: it already runs what it needs for 100% of all traffic alone (3 x 2 regions x 100% = 6)",
    );
    expect(explainReplicas({ ...base, capacity: "provisioned" })).toMatch(/4 rounded up to 6, .*; failoverHeadroom provisioned: .*\(4 x 2 regions x 100% = 8, rounded up to 9 for the same even spread\)$/);
  });

  it("says nothing when the region runs exactly what was asked", () => {
    expect(explainReplicas({ ...base, replicasPerRegion: 6 })).toBeUndefined();
    expect(explainReplicas({ ...base, replicasPerRegion: 2, azCount: 2 })).toBeUndefined();
  });

  it("notes each region by its own AZ count", () => {
    const app = { replicasPerRegion: 4, failoverHeadroom: { sharePercent: 100, capacity: "scalable" as const, burstPercent: 50 }, eks: { podsPerNode: 4, minNodesPerAz: 1 } };
    expect(replicaNotes(app, [{ name: "us-east-1", azCount: 3 }, { name: "us-west-2", azCount: 2 }])).toEqual([
      expect.stringMatching(/^us-east-1: app\.replicasPerRegion 4 runs as 6 pods/),
    ]);
  });
});

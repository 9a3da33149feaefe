import { describe, expect, it } from "vitest";
import { sizeAppTier, type SizingInput } from "../../components/app/sizing";

const prodLike: SizingInput = {
  replicasPerRegion: 6,
  azCount: 3,
  regionCount: 2,
  sharePercent: 100,
  capacity: "provisioned",
  burstPercent: 50,
  podsPerNode: 4,
};

describe("sizeAppTier", () => {
  it("provisions the whole failover need as the HPA minimum in provisioned mode", () => {
    const s = sizeAppTier(prodLike);
    // 6 pods per region for half the traffic -> 12 for all of it.
    expect(s.failoverReplicas).toBe(12);
    expect(s.hpaMinReplicas).toBe(12);
    expect(s.hpaMaxReplicas).toBe(18);
    expect(s.pdbMaxUnavailable).toBe(4);
    expect(s.nodesPerAz).toEqual({ min: 1, max: 3, desired: 1 });
  });

  it("keeps only the steady need as the minimum in scalable mode but lets the maximum reach the failover need", () => {
    const s = sizeAppTier({ ...prodLike, capacity: "scalable" });
    expect(s.hpaMinReplicas).toBe(6);
    expect(s.failoverReplicas).toBe(12);
    expect(s.hpaMaxReplicas).toBe(18);
    expect(s.hpaMaxReplicas).toBeGreaterThanOrEqual(s.failoverReplicas);
    expect(s.pdbMaxUnavailable).toBe(2);
  });

  it("sizes a share below 100 percent for three regions that only need to survive the loss of one", () => {
    const s = sizeAppTier({ ...prodLike, replicasPerRegion: 4, regionCount: 3, sharePercent: 50 });
    // 4 pods carry a third; half of the total needs 6.
    expect(s.failoverReplicas).toBe(6);
    expect(s.hpaMinReplicas).toBe(6);
  });

  it("puts at least one pod in every AZ even when fewer replicas are asked for", () => {
    const s = sizeAppTier({ ...prodLike, replicasPerRegion: 2, azCount: 3, regionCount: 1, sharePercent: 100, capacity: "scalable" });
    expect(s.steadyReplicas).toBe(3);
    expect(s.hpaMinReplicas).toBe(3);
  });

  it("honours the per-AZ node floor", () => {
    expect(sizeAppTier({ ...prodLike, minNodesPerAz: 2 }).nodesPerAz.min).toBe(2);
  });

  const grid: SizingInput[] = [];
  for (const capacity of ["provisioned", "scalable"] as const) {
    for (const azCount of [2, 3, 4, 6]) {
      for (const regionCount of [1, 2, 3]) {
        for (const replicasPerRegion of [2, 3, 5, 12, 40]) {
          for (const sharePercent of [50, 100, 150]) {
            for (const podsPerNode of [1, 3, 8]) {
              grid.push({ replicasPerRegion, azCount, regionCount, sharePercent, capacity, burstPercent: 50, podsPerNode });
            }
          }
        }
      }
    }
  }

  it(`holds its invariants over ${grid.length} combinations of inputs in both capacity modes`, () => {
    for (const input of grid) {
      const s = sizeAppTier(input);
      const at = JSON.stringify(input);
      const need = Math.ceil((input.replicasPerRegion * input.regionCount * input.sharePercent) / 100);
      expect(s.hpaMinReplicas, at).toBeGreaterThanOrEqual(input.azCount);
      expect(s.hpaMinReplicas % input.azCount, at).toBe(0);
      expect(s.hpaMaxReplicas, at).toBeGreaterThan(s.hpaMinReplicas);
      expect(s.hpaMaxReplicas, at).toBeGreaterThanOrEqual(need);
      if (input.capacity === "provisioned") expect(s.hpaMinReplicas, at).toBeGreaterThanOrEqual(need);
      else expect(s.hpaMinReplicas, at).toBe(s.steadyReplicas);
      // The PDB always lets a drain proceed and never allows more than an AZ's share out at once.
      expect(s.pdbMaxUnavailable, at).toBeGreaterThanOrEqual(1);
      expect(s.pdbMaxUnavailable, at).toBeLessThan(s.hpaMinReplicas);
      // Minimum nodes hold the minimum pods; after one AZ is lost the rest hold the maximum.
      expect(s.nodesPerAz.min * input.podsPerNode * input.azCount, at).toBeGreaterThanOrEqual(s.hpaMinReplicas);
      expect(s.nodesPerAz.max * input.podsPerNode * (input.azCount - 1), at).toBeGreaterThanOrEqual(s.hpaMaxReplicas);
      expect(s.nodesPerAz.max, at).toBeGreaterThan(s.nodesPerAz.min);
      expect(s.nodesPerAz.desired, at).toBe(s.nodesPerAz.min);
    }
  });

  it("costs more at the minimum in provisioned mode than in scalable mode for two regions", () => {
    const p = sizeAppTier(prodLike);
    const sc = sizeAppTier({ ...prodLike, capacity: "scalable" });
    expect(p.hpaMinReplicas).toBe(2 * sc.hpaMinReplicas);
  });

  it("fails when the AZ count is below 2", () => {
    expect(() => sizeAppTier({ ...prodLike, azCount: 1 })).toThrow(/azCount must be an integer >= 2/);
  });

  it("fails when podsPerNode is not a positive integer", () => {
    expect(() => sizeAppTier({ ...prodLike, podsPerNode: 0 })).toThrow(/podsPerNode/);
  });
});

import { describe, expect, it } from "vitest";
import { analyzeFailureDomains, type FailureAnalysis } from "../../analysis/failureDomains";
import { ResourceGraph } from "../../graph/model";
import { healthyGraph, type FixtureOptions } from "./fixture";

/**
 * Multi-writer data kinds (issue 17): DSQL multi-Region and MemoryDB Multi-Region on hand-built
 * graphs shaped as the data-kinds contract says the plan builds them. Every region writes its own
 * member, so losing a region needs no promotion; the DSQL witness is one of three Regions of the
 * commit quorum.
 */

const EAST = "us-east-1";
const WEST = "us-west-2";
const MULTI: FixtureOptions = { database: "aurora-dsql", sessions: "memorydb-multi-region" };

function analyze(o: FixtureOptions): FailureAnalysis {
  return analyzeFailureDomains(new ResourceGraph(healthyGraph(o), EAST), { writerRegion: EAST, regions: [EAST, WEST], kinds: ["az", "region"] });
}

const caps = (a: FailureAnalysis, key: string) => a.domains.find((d) => d.key === key)!.capabilities;

describe("multi-writer data kinds", () => {
  it("every region reads, writes and keeps sessions on its own members", () => {
    const a = analyze(MULTI);
    expect(a.dataPath.findings).toEqual([]);
    for (const r of a.dataPath.steady.regions) {
      expect([r.reads.status, r.writes.status, r.sessions.status], r.region).toEqual(["yes", "yes", "yes"]);
      expect(r.writes.via).toContain(`${r.region}-dsql (${r.region})`);
      expect(r.sessions.via).toContain(`${r.region}-sessions (${r.region})`);
    }
    // No member is "the writer": nothing to switch over.
    expect(a.dataPath.switchovers).toEqual([]);
  });

  it("losing either region needs no promotion: the other keeps writing and holding sessions", () => {
    const a = analyze(MULTI);
    for (const [lost, survivor] of [[EAST, WEST], [WEST, EAST]]) {
      const c = caps(a, `region:${lost}`);
      expect(c.assignment.promoted).toEqual([]);
      expect(c.regions.map((r) => r.region)).toEqual([survivor]);
      expect([c.regions[0].writes.status, c.regions[0].sessions.status, c.regions[0].reads.status]).toEqual(["yes", "yes", "yes"]);
    }
    expect(a.dataPath.findings).toEqual([]);
  });

  it("losing the witness Region degrades nothing; losing a peer and the witness stops the survivor's writes", () => {
    const a = analyze(MULTI);
    const witness = a.dataPath.multiRegion.find((s) => s.label === "witness Region us-east-2")!;
    expect(witness.summary).toMatch(/^every surviving region \(us-east-1, us-west-2\) still reads, writes and keeps sessions/);
    const both = a.dataPath.multiRegion.find((s) => s.lostRegions.join() === `${EAST},us-east-2`)!;
    const west = both.scenario.regions.find((r) => r.region === WEST)!;
    expect(west.writes.status).toBe("no");
    expect(west.writes.reason).toMatch(/us-west-2-dsql \(us-west-2\) cannot commit: its peers \(us-east-1-dsql \(us-east-1\)\) and the witness Region us-east-2 are lost/);
    // Sessions (MemoryDB) and reads carry on: only DSQL commits need the quorum.
    expect([west.sessions.status, west.reads.status]).toEqual(["yes", "yes"]);
    // A double failure is reported as what it does, not as a single point of failure.
    expect(a.dataPath.findings).toEqual([]);
    expect(both.summary).toMatch(/us-west-2 loses writes/);
  });

  it("a DSQL group without a witness cannot lose a peer", () => {
    const a = analyze({ ...MULTI, witnessRegion: "" });
    expect(a.dataPath.findings.some((f) => /losing region us-east-1 stops writes in every region: .*no witness Region/.test(f))).toBe(true);
  });

  it("catches a workload pointing at another region's member", () => {
    const a = analyze({ ...MULTI, foreignStoreIn: WEST });
    const f = a.dataPath.findings;
    expect(f).toContainEqual(expect.stringMatching(/^DATABASE_WRITER_HOST .* in us-west-2 names us-east-1-dsql in us-east-1, not us-west-2-dsql of its own region/));
    expect(f).toContainEqual(expect.stringMatching(/^REDIS_WRITER_HOST .* in us-west-2 names us-east-1-sessions in us-east-1, not us-west-2-sessions of its own region/));
    // And the loss it sets up: losing us-east-1 costs us-west-2 its writes.
    const lost = caps(a, `region:${EAST}`).regions[0];
    expect(lost.writes.status).toBe("no");
  });

  it("the same store kinds without the foreign pointer are clean (neutral change)", () => {
    expect(analyze({ ...MULTI, foreignStoreIn: undefined }).dataPath.findings).toEqual([]);
  });
});

describe("elasticache-global with every primary endpoint (no session-writer record)", () => {
  it("writes sessions to the primary now and after a promotion, with no record to move", () => {
    const a = analyze({ sessions: "elasticache-candidates" });
    expect(a.dataPath.findings).toEqual([]);
    const west = a.dataPath.steady.regions.find((r) => r.region === WEST)!;
    expect(west.sessions.via).toBe("REDIS_PRIMARY_CANDIDATES -> us-east-1-redis (us-east-1)");
    const c = caps(a, `region:${EAST}`);
    expect(c.assignment.promoted).toEqual(["database", "sessions"]);
    expect(c.regions[0].sessions).toMatchObject({ status: "after-promotion", via: "REDIS_PRIMARY_CANDIDATES -> us-west-2-redis (us-west-2)" });
  });
});

describe("failure matrix of the multi-writer kinds", () => {
  it("every tier serves; losing either region needs no promotion and is no single point of failure", () => {
    const a = analyze(MULTI);
    expect(a.steadyState.databaseWriter.regions[EAST]).toMatchObject({ status: "serves", unit: "clusters" });
    expect(a.steadyState.databaseWriter.regions[WEST]).toMatchObject({ status: "serves", unit: "clusters" });
    expect(a.steadyState.sessions.regions[WEST]).toMatchObject({ status: "serves", total: 3 });
    for (const r of [EAST, WEST]) {
      const row = a.domains.find((d) => d.key === `region:${r}`)!;
      expect([row.tiers.databaseWriter.status, row.tiers.sessions.status]).toEqual(["serves", "serves"]);
    }
    expect(a.singlePointsOfFailure).toEqual([]);
    expect(a.absentTiers).toEqual([]);
  });
});

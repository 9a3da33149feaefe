import { describe, expect, it } from "vitest";
import { azLossBudget, plannedSwitchoverBudget, regionLossBudget, type DisruptionBudget } from "../../analysis/budget";
import { TIMINGS } from "../../analysis/constants";
import { defaultSettings, EAST, prodSettings, WEST } from "../drills/fixtures";

const termIds = (b: DisruptionBudget, pathName: string) => b.rto.paths.find((p) => p.name === pathName)!.terms.map((t) => `${t.id}=${t.seconds}`);

describe("regionLossBudget", () => {
  const automated = (o: Parameters<typeof prodSettings>[0] = {}) => prodSettings({ decision: "automated", ...o });

  it("waits for the region alarm, a page and a person by default: nothing fails over on its own", () => {
    const b = regionLossBudget(prodSettings());
    expect(termIds(b, "database writes")).toEqual([
      "detect.alarm=180", "page=300", "decide=900", "promote.aurora=180", "client.dns=5", "client.reconnect=15",
    ]);
    expect(b.rto).toMatchObject({ seconds: 1580, critical: "database writes" });
    expect(b.rtoMet).toBe(false);
    expect(b.breaches[0]).toMatchObject({ objective: "rto", value: 1580, limit: 600, term: { id: "decide", seconds: 900 } });
    expect(b.caveats[0]).toMatch(/^Nothing in the stack fails the database or the session store over across regions on its own/);
    // The alarm term names where its settings come from.
    const alarm = b.rto.paths[1].terms[0];
    expect(alarm).toMatchObject({ basis: "60 s period x 3 evaluation periods", settings: ["assumed: blueprint default monitoring.periodSeconds", "assumed: blueprint default monitoring.evaluationPeriods"] });
    expect(regionLossBudget(prodSettings({ alarms: { periodSeconds: { value: 60, from: "p" }, evaluationPeriods: { value: 5, from: "e" } } })).rto.seconds).toBe(1580 + 120);
  });

  it("promotes the database and the session store in parallel; the sessions path moves the writer record", () => {
    const b = regionLossBudget(automated());
    expect(b.rto.paths.map((p) => p.name)).toEqual(["reads", "database writes", "sessions"]);
    expect(termIds(b, "sessions")).toEqual([
      "detect.alb=30", "detect.ga=30", "decide=30", "promote.elasticache=60", "record.change=60", "record.ttl=10", "client.reconnect=15",
    ]);
    expect(b.caveats).toContainEqual(expect.stringMatching(/Route 53 control plane \(us-east-1\)/));
    const longTtl = regionLossBudget(automated({ sessions: { nodesPerRegion: { value: 3, from: "n" }, writerRecordTtlSeconds: { value: 300, from: "ttl setting" } } }));
    expect(longTtl.rto.critical).toBe("sessions");
    expect(longTtl.rto.paths[2].terms.find((t) => t.id === "record.ttl")).toMatchObject({ seconds: 300, settings: ["ttl setting"] });
  });

  it.each([
    ["prod: GA over ALB 10 s x 3, automated", automated(), 30 + 30 + 30 + 180 + 5 + 15],
    ["AWS defaults: ALB 30 s x 2, automated", { ...defaultSettings(), decision: "automated" as const }, 60 + 30 + 30 + 180 + 5 + 15],
    [
      "route53: 10 s x 3 + 6 s timeout + 60 s alias TTL, automated",
      automated({ routing: { mode: { value: "route53", from: "t" }, requestIntervalSeconds: { value: 10, from: "t" }, failureThreshold: { value: 3, from: "t" } } }),
      30 + 6 + 60 + 30 + 180 + 5 + 15,
    ],
  ])("%s", (_name, settings, rto) => {
    const b = regionLossBudget(settings);
    expect(b.rto.seconds).toBe(rto);
    expect(b.rto.critical).toBe("database writes");
    expect(b.rtoMet).toBe(rto <= 600);
  });

  it("names the trigger when the stack holds one", () => {
    const b = regionLossBudget(automated({ trigger: "ARC Region switch plan p (execution triggers)" }));
    expect(b.caveats[0]).toBe("Failover is triggered automatically by ARC Region switch plan p (execution triggers)");
  });

  it("names the health-check settings the detection term came from", () => {
    const detect = regionLossBudget(prodSettings()).rto.paths[0].terms[0];
    expect(detect.basis).toBe("10 s interval x 3 unhealthy checks");
    expect(detect.settings).toEqual(["fixture alb interval", "fixture alb threshold"]);
  });

  it("uses rds.global_db_rpo as the RPO bound when the failed writer's member carries it", () => {
    const b = regionLossBudget(prodSettings());
    expect(b.rpo.byStore).toEqual({ database: { seconds: 30, bounded: true }, sessions: { seconds: 1, bounded: false } });
    // The database is bounded; the session store's lag is only typical, so the RPO as a whole is not proven.
    expect(b.rpo).toMatchObject({ seconds: 30, bounded: false });
    expect([b.rpoMet, b.rpoStatus]).toEqual([false, "typical"]);
    expect(b.breaches).toEqual(expect.not.arrayContaining([expect.objectContaining({ objective: "rpo" })]));
    const carriedElsewhere = regionLossBudget(prodSettings({ database: { instancesPerRegion: { value: 3, from: "i" }, globalDbRpoSeconds: { value: 30, from: "b" }, rpoBoundRegions: [WEST] } }));
    expect(carriedElsewhere.rpo.bounded).toBe(false);
  });

  it("says what the new writer enforces after the failover", () => {
    expect(regionLossBudget(prodSettings()).caveats).toContainEqual("after the move, us-west-2 enforces rds.global_db_rpo = 30 s (its own parameter group carries it)");
    const lapsed = regionLossBudget(prodSettings({ database: { instancesPerRegion: { value: 3, from: "i" }, globalDbRpoSeconds: { value: 30, from: "b" }, rpoBoundRegions: [EAST] } }));
    expect(lapsed.caveats).toContainEqual(expect.stringMatching(/^after the move the bound lapses: us-west-2's parameter group does not carry rds.global_db_rpo/));
  });

  it("reports a typical, unbounded RPO without rds.global_db_rpo", () => {
    const b = regionLossBudget(defaultSettings());
    expect(b.rpo.seconds).toBe(TIMINGS.auroraReplicationLagTypical.value);
    expect(b.rpo.bounded).toBe(false);
    expect(b.caveats.join(" ")).toMatch(/not a bound/);
  });

  it("fails when the RPO bound exceeds the RPO objective, naming the setting", () => {
    const s = prodSettings({ database: { instancesPerRegion: { value: 3, from: "x" }, globalDbRpoSeconds: { value: 60, from: "stack config ha-blueprint:database.globalDbRpoSeconds" } } });
    const b = regionLossBudget(s);
    expect(b.rpoMet).toBe(false);
    expect(b.breaches.find((x) => x.objective === "rpo")!.term.settings).toEqual(["stack config ha-blueprint:database.globalDbRpoSeconds"]);
  });

  it("adds HPA, autoscaler and node provisioning when the survivor must scale", () => {
    const s = automated({ app: { capacity: { value: "scalable", from: "c" }, replicasPerRegion: { value: 6, from: "r" } } });
    expect(regionLossBudget(s).rto.seconds).toBe(290 + 15 + 30 + 240);
  });

  it("has only the read path when the failed region is not the writer", () => {
    const b = regionLossBudget(prodSettings(), WEST);
    expect(b.rto.paths.map((p) => p.name)).toEqual(["reads"]);
    expect(b.rto.seconds).toBe(60);
    expect(b.rpo.seconds).toBe(0);
  });

  it("cites a source with a confidence tag for every term", () => {
    for (const p of regionLossBudget(prodSettings()).rto.paths) for (const t of p.terms) expect(t.source).toMatch(/\[(A|A-w|U|C|E)\]$/);
  });
});

describe("azLossBudget", () => {
  it("prod: the writer path (in-region failover + client terms) is critical and meets 120 s / 1 s", () => {
    const b = azLossBudget(prodSettings());
    expect(b.rto.paths.map((p) => [p.name, p.seconds])).toEqual([
      ["traffic", 30],
      ["database writer", 60 + 5 + 15],
      ["sessions", 30 + 15],
    ]);
    expect(b.rto).toMatchObject({ seconds: 80, critical: "database writer" });
    expect(b.rpo.seconds).toBe(1);
    // Aurora's storage quorum bounds the database (0 s); the ElastiCache replica's lag is only typical.
    expect(b.rpo.byStore).toEqual({ database: { seconds: 0, bounded: true }, sessions: { seconds: 1, bounded: false } });
    expect([b.rtoMet, b.rpoStatus]).toEqual([true, "typical"]);
  });

  it("fails when a region has a single Aurora instance, naming the recreate term", () => {
    const b = azLossBudget(prodSettings({ database: { instancesPerRegion: { value: 1, from: "instances" } } }));
    expect(b.rto.seconds).toBe(600 + 20);
    expect(b.breaches[0].term).toMatchObject({ id: "promote.auroraRecreate", settings: ["instances"] });
  });

  it("adds pod eviction when there are fewer replicas than AZs", () => {
    const b = azLossBudget(prodSettings({ app: { capacity: { value: "provisioned", from: "c" }, replicasPerRegion: { value: 2, from: "r" } } }));
    expect(b.rto.paths[0].seconds).toBe(30 + TIMINGS.k8sEviction.value);
    expect(TIMINGS.k8sEviction.value).toBe(50 + 300);
    expect(b.rto.critical).toBe("traffic");
  });

  it("rejects a region the settings do not know", () => {
    expect(() => azLossBudget(prodSettings(), "eu-west-1")).toThrow(/eu-west-1 is not one of us-east-1, us-west-2/);
  });
});

describe("plannedSwitchoverBudget", () => {
  it("promotes both stores in parallel; RPO 0; the drain is preparation, not downtime", () => {
    const b = plannedSwitchoverBudget(prodSettings());
    expect(b.rto.paths.map((p) => [p.name, p.seconds])).toEqual([["database writes", 180 + 5 + 15], ["sessions", 60 + 60 + 10 + 15]]);
    expect(b.rto.seconds).toBe(200);
    // The session store's promotion is asynchronous: the switchover counts its typical lag.
    expect(b.rpo).toMatchObject({ seconds: 1, bounded: false, byStore: { database: { seconds: 0, bounded: true }, sessions: { seconds: 1, bounded: false } } });
    expect(b.preparation.map((t) => [t.id, t.seconds])).toEqual([["drain.dial", 30]]);
    // No planned-switchover objective in these settings: region loss's stands in, and says so.
    expect(b.objective).toEqual({ rtoSeconds: 600, rpoSeconds: 30 });
    expect(b.caveats).toContainEqual("no planned-switchover objective in the stack: judged against the region-loss objective");
    const own = plannedSwitchoverBudget(prodSettings({ objectives: { ...prodSettings().objectives, plannedSwitchover: { rtoSeconds: 120, rpoSeconds: 0 } } }));
    expect(own.objective).toEqual({ rtoSeconds: 120, rpoSeconds: 0 });
    // RTO misses; the session store's typical 1 s against 0 s is a warning, the data (Aurora, 0 s) is bounded.
    expect(own.breaches.map((x) => [x.objective, x.value, x.limit])).toEqual([["rto", 200, 120]]);
    expect(own.rpoStatus).toBe("typical");
    expect(b.caveats).toContainEqual("after the move, us-west-2 enforces rds.global_db_rpo = 30 s (its own parameter group carries it)");
  });

  it("has no drain in route53 mode", () => {
    const b = plannedSwitchoverBudget(prodSettings({ routing: { mode: { value: "route53", from: "m" } } }));
    expect(b.preparation).toEqual([]);
    expect(b.caveats[0]).toMatch(/no traffic dial/);
  });

  it("computes the same numbers for either writer", () => {
    expect(plannedSwitchoverBudget(prodSettings({ writerRegion: WEST })).rto.seconds).toBe(plannedSwitchoverBudget(prodSettings({ writerRegion: EAST })).rto.seconds);
  });
});

import { describe, expect, it } from "vitest";
import { azLossBudget, plannedSwitchoverBudget, regionLossBudget, type DisruptionBudget } from "../../analysis/budget";
import { TIMINGS } from "../../analysis/constants";
import { defaultSettings, EAST, prodSettings, WEST } from "../drills/fixtures";

const termIds = (b: DisruptionBudget, pathName: string) => b.rto.paths.find((p) => p.name === pathName)!.terms.map((t) => `${t.id}=${t.seconds}`);

describe("regionLossBudget", () => {
  it.each([
    // [case, settings, expected RTO, detection terms]
    ["prod: GA over ALB 10 s x 3, automated", prodSettings(), 30 + 30 + 30 + 180 + 60 + 0 + 5 + 15],
    ["AWS defaults: ALB 30 s x 2 (the reference's 'documented realistic' case plus the cache promotion)", defaultSettings(), 60 + 30 + 30 + 180 + 60 + 0 + 5 + 15],
    [
      "route53: 10 s x 3 + 6 s timeout + 60 s alias TTL",
      prodSettings({ routing: { mode: { value: "route53", from: "t" }, requestIntervalSeconds: { value: 10, from: "t" }, failureThreshold: { value: 3, from: "t" } } }),
      30 + 6 + 60 + 30 + 180 + 60 + 0 + 5 + 15,
    ],
  ])("%s", (_name, settings, rto) => {
    const b = regionLossBudget(settings);
    expect(b.rto.seconds).toBe(rto);
    expect(b.rto.critical).toBe("writes");
    expect(b.rtoMet).toBe(rto <= 600);
  });

  it("builds the write path from detection, decision, both promotions and the client terms, in that order", () => {
    expect(termIds(regionLossBudget(prodSettings()), "writes")).toEqual([
      "detect.alb=30",
      "detect.ga=30",
      "decide=30",
      "promote.aurora=180",
      "promote.elasticache=60",
      "client.writeForwarding=0",
      "client.dns=5",
      "client.reconnect=15",
    ]);
  });

  it("names the health-check settings the detection term came from", () => {
    const detect = regionLossBudget(prodSettings()).rto.paths[0].terms[0];
    expect(detect.basis).toBe("10 s interval x 3 unhealthy checks");
    expect(detect.settings).toEqual(["fixture alb interval", "fixture alb threshold"]);
  });

  it("uses rds.global_db_rpo as the RPO bound when it is set", () => {
    const b = regionLossBudget(prodSettings());
    expect(b.rpo).toMatchObject({ seconds: 30, bounded: true });
    expect(b.rpoMet).toBe(true);
  });

  it("reports a typical, unbounded RPO without rds.global_db_rpo", () => {
    const b = regionLossBudget(defaultSettings());
    expect(b.rpo.seconds).toBe(TIMINGS.auroraReplicationLagTypical.value);
    expect(b.rpo.bounded).toBe(false);
    expect(b.caveats.join(" ")).toMatch(/not a bound/);
  });

  it("fails when a human approval gate pushes the RTO over the objective, naming the decision term", () => {
    const b = regionLossBudget(prodSettings({ decision: "human" }));
    expect(b.rto.seconds).toBe(350 - 30 + 900);
    expect(b.rtoMet).toBe(false);
    expect(b.breaches).toHaveLength(1);
    expect(b.breaches[0]).toMatchObject({ objective: "rto", value: 1220, limit: 600, term: { id: "decide", seconds: 900 } });
  });

  it("fails when the RPO bound exceeds the RPO objective, naming the setting", () => {
    const s = prodSettings({ database: { instancesPerRegion: { value: 3, from: "x" }, globalDbRpoSeconds: { value: 60, from: "stack config ha-blueprint:database.globalDbRpoSeconds" } } });
    const b = regionLossBudget(s);
    expect(b.rpoMet).toBe(false);
    expect(b.breaches[0].term.settings).toEqual(["stack config ha-blueprint:database.globalDbRpoSeconds"]);
  });

  it("adds HPA, autoscaler and node provisioning when the survivor must scale", () => {
    const s = prodSettings({ app: { capacity: { value: "scalable", from: "c" }, replicasPerRegion: { value: 6, from: "r" } } });
    expect(regionLossBudget(s).rto.seconds).toBe(350 + 15 + 30 + 240);
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
    expect([b.rtoMet, b.rpoMet]).toEqual([true, true]);
  });

  it("fails when a region has a single Aurora instance, naming the recreate term", () => {
    const b = azLossBudget(prodSettings({ database: { instancesPerRegion: { value: 1, from: "instances" } } }));
    expect(b.rto.seconds).toBe(600 + 20);
    expect(b.breaches[0].term).toMatchObject({ id: "promote.auroraRecreate", settings: ["instances"] });
  });

  it("adds pod eviction when there are fewer replicas than AZs", () => {
    const b = azLossBudget(prodSettings({ app: { capacity: { value: "provisioned", from: "c" }, replicasPerRegion: { value: 2, from: "r" } } }));
    expect(b.rto.paths[0].seconds).toBe(30 + 340);
    expect(b.rto.critical).toBe("traffic");
  });

  it("rejects a region the settings do not know", () => {
    expect(() => azLossBudget(prodSettings(), "eu-west-1")).toThrow(/eu-west-1 is not one of us-east-1, us-west-2/);
  });
});

describe("plannedSwitchoverBudget", () => {
  it("counts the sequential promotions and client terms; RPO 0; the drain is preparation, not downtime", () => {
    const b = plannedSwitchoverBudget(prodSettings());
    expect(b.rto.seconds).toBe(180 + 60 + 0 + 5 + 15);
    expect(b.rpo).toMatchObject({ seconds: 0, bounded: true });
    expect(b.preparation.map((t) => [t.id, t.seconds])).toEqual([["drain.dial", 30]]);
    expect(b.objective).toEqual({ rtoSeconds: 600, rpoSeconds: 30 });
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

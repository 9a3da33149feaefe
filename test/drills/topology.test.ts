import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/parse";
import { flattenItems } from "../../drills/engine";
import { buildPlan } from "../../drills/plan";
import { buildSteps } from "../../drills/steps";
import type { LiveState } from "../../drills/live";
import { budgetSettings, drillTargets, extractTopology, parseTopology, readTopologyFile, TopologyError } from "../../drills/topology";
import { EAST, ids, topologyFixture, WEST } from "./fixtures";

const full = () => parseTopology(topologyFixture(), "fixture");

function withoutTiers(): Record<string, unknown> {
  const t = topologyFixture() as Record<string, unknown> & { regions: Array<Record<string, unknown>> };
  return { ...t, database: undefined, sessions: undefined, routing: undefined, regions: t.regions.map(({ app: _a, database: _d, sessions: _s, ...rest }) => rest) };
}

describe("reading the topology", () => {
  it.each([
    ["a pulumi stack export (root Stack resource outputs)", { version: 3, deployment: { resources: [{ type: "pulumi:pulumi:Stack", outputs: { topology: topologyFixture() } }] } }],
    ["`pulumi stack output --json` (all outputs)", { topology: topologyFixture() }],
    ["`pulumi stack output topology --json`", topologyFixture()],
  ])("finds it in %s", (_name, doc) => {
    expect(extractTopology(doc, "doc").database?.globalClusterIdentifier).toBe(ids.global);
  });

  it("fails when a stack export has no topology output", () => {
    expect(() => extractTopology({ version: 3, deployment: { resources: [{ type: "pulumi:pulumi:Stack", outputs: {} }] } }, "x.json")).toThrow(
      /x.json: the stack export has no pulumi:pulumi:Stack resource with a topology output/,
    );
  });

  it("fails naming the field when a required field is missing or wrong", () => {
    const t = topologyFixture() as { regions: Array<Record<string, unknown>> };
    delete t.regions[1].availabilityZones;
    (t as Record<string, unknown>).writerRegion = 7;
    expect(() => parseTopology(t, "plan.json")).toThrow(/^plan.json is not a usable topology: topology.writerRegion: [^\n]*; topology.regions\[1\].availabilityZones: [^\n]*$/);
  });

  it("reads the topology from a checkpoint and refuses documents that hold none, in one line", () => {
    const checkpoint = { version: 3, checkpoint: { stack: "prod", latest: { resources: [{ type: "pulumi:pulumi:Stack", urn: "urn:pulumi:prod::ha-blueprint::pulumi:pulumi:Stack::ha-blueprint-prod", outputs: { topology: topologyFixture() } }] } } };
    expect(extractTopology(checkpoint, "cp.json").writerRegion).toBe(topologyFixture().writerRegion);
    const empty = { version: 3, checkpoint: { latest: { resources: [] } } };
    expect(() => extractTopology(empty, "cp.json")).toThrow(/^cp.json: the checkpoint has no pulumi:pulumi:Stack resource with a topology output [^\n]*$/);
    expect(() => extractTopology({ steps: [] }, "preview.json")).toThrow(/^preview.json is `pulumi preview --json` output[^\n]*$/);
    expect(() => extractTopology({ hello: 1 }, "x.json")).toThrow(/^x.json holds no topology [^\n]*$/);
  });

  it("reads files, tells offline plans apart and rejects non-JSON", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-topo-"));
    const plan = path.join(dir, "plan.json");
    fs.writeFileSync(plan, JSON.stringify({ version: 3, deployment: { manifest: { version: "ha-blueprint plan (Pulumi mock runtime)" }, resources: [{ type: "pulumi:pulumi:Stack", outputs: { topology: topologyFixture() } }] } }));
    const out = path.join(dir, "topology.json");
    fs.writeFileSync(out, JSON.stringify(topologyFixture()));
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "regions: [");
    expect(readTopologyFile(plan).offlinePlan).toBe(true);
    expect(readTopologyFile(out).offlinePlan).toBe(false);
    expect(() => readTopologyFile(bad)).toThrow(/bad.json is not JSON/);
    expect(() => readTopologyFile(path.join(dir, "missing.json"))).toThrow(/cannot read topology file .*missing.json: ENOENT/);
  });
});

describe("drillTargets", () => {
  it("resolves every identifier a region drill calls AWS with", () => {
    const t = drillTargets(full(), [EAST, WEST], { regionDrill: true });
    expect(t.regions[WEST]).toMatchObject({
      auroraClusterId: ids.cluster(WEST),
      auroraClusterArn: ids.clusterArn(WEST),
      replicationGroupId: ids.rg(WEST),
      endpointGroupArn: ids.eg(WEST),
      dbSecurityGroupId: ids.dbSg(WEST),
      cacheSecurityGroupId: ids.cacheSg(WEST),
      minHealthyTargets: 6,
    });
    expect(t.writerRecord).toMatchObject({ hostedZoneId: ids.zone, name: ids.record, ttlSeconds: 30 });
    expect(t).toMatchObject({ databasePort: 5432, sessionsPort: 6379, globalDbRpoSeconds: 30, rpoBoundRegions: [EAST, WEST], rpoBoundAssumed: false });
    expect(t).toMatchObject({ globalClusterId: ids.global, globalReplicationGroupId: ids.grg, routingMode: "accelerator", placeholders: [] });
  });

  it("fails listing every missing field when the topology has only the network (strict, for --execute)", () => {
    const t = parseTopology(withoutTiers(), "network-only");
    let message = "";
    try {
      drillTargets(t, [EAST, WEST], { regionDrill: true });
    } catch (err) {
      expect(err).toBeInstanceOf(TopologyError);
      message = (err as Error).message;
    }
    for (const field of [
      "topology.regions[0].database.clusterIdentifier",
      "topology.regions[1].database.clusterArn",
      "topology.regions[1].sessions.replicationGroupId",
      'topology.routing.endpointGroupArns["us-east-1"]',
      "topology.database.globalClusterIdentifier",
      "topology.sessions.globalReplicationGroupId",
      "topology.regions[0].database.securityGroupId",
      "topology.regions[1].sessions.securityGroupId",
      "topology.sessions.writerRecord",
    ]) {
      expect(message).toContain(`${field} is missing`);
    }
  });

  it("fills placeholders and lists them when lenient (for --simulate)", () => {
    const t = drillTargets(parseTopology(withoutTiers(), "n"), [EAST], { lenient: true });
    expect(t.globalClusterId).toBe("prod-global");
    expect(t.placeholders).toContain('topology.database.globalClusterIdentifier (Aurora global cluster) is missing: simulating with "prod-global"');
  });

  it("needs Route 53 health check ids, not endpoint groups, in route53 mode", () => {
    const t = topologyFixture({ mode: "route53" }) as { routing: Record<string, unknown> };
    delete t.routing.healthCheckIds;
    expect(() => drillTargets(parseTopology(t, "r53"), [EAST], { regionDrill: true })).toThrow(/topology.routing.healthCheckIds\["us-east-1"\] is missing/);
  });
});

describe("budgetSettings", () => {
  const prodConfig = parseConfig({
    "ha-blueprint:environment": "prod",
    "ha-blueprint:writerRegion": EAST,
    "ha-blueprint:regions": [
      { name: EAST, cidr: "10.20.0.0/16" },
      { name: WEST, cidr: "10.21.0.0/16" },
      // An RPO bound needs two secondaries.
      { name: "eu-west-1", cidr: "10.22.0.0/16" },
    ],
    "ha-blueprint:objectives": { availabilityPercent: 99.99, azLoss: { rtoSeconds: 120, rpoSeconds: 1 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } },
    "ha-blueprint:database": { globalDbRpoSeconds: 45, instancesPerRegion: 2, engineVersion: "16.9" },
    "ha-blueprint:app": {
      healthCheck: { intervalSeconds: 15 },
      eks: { publicAccessCidrs: ["198.51.100.7/32"], adminPrincipalArns: ["arn:aws:iam::111122223333:role/ci-deployer"] },
      certificateArns: Object.fromEntries([EAST, WEST, "eu-west-1"].map((r) => [r, `arn:aws:acm:${r}:111122223333:certificate/00000000-0000-4000-8000-000000000001`])),
      accessLogBuckets: Object.fromEntries([EAST, WEST, "eu-west-1"].map((r) => [r, `alb-logs-${r}`])),
    },
    "ha-blueprint:monitoring": { alarmEmail: "oncall@example.com" },
  });

  it("takes the topology's values first and says so", () => {
    const s = budgetSettings(full(), prodConfig);
    expect(s.regions[0].albIntervalSeconds).toEqual({ value: 10, from: "topology regions[0].app.healthCheck.intervalSeconds" });
    expect(s.database.globalDbRpoSeconds).toEqual({ value: 30, from: "topology database.globalDbRpoSeconds" });
    expect(s.app.capacity).toEqual({ value: "provisioned", from: "topology writer region app.capacity" });
  });

  it("falls back to the stack config, then to AWS defaults", () => {
    const bare = parseTopology(withoutTiers(), "n");
    const withConfig = budgetSettings(bare, prodConfig);
    expect(withConfig.regions[1].albIntervalSeconds).toEqual({ value: 15, from: "stack config ha-blueprint:app.healthCheck.intervalSeconds" });
    expect(withConfig.database.globalDbRpoSeconds?.value).toBe(45);
    expect(withConfig.database.instancesPerRegion.value).toBe(2);
    const alone = budgetSettings(bare);
    expect(alone.regions[1].albIntervalSeconds).toEqual({ value: 30, from: "ALB default HealthCheckIntervalSeconds" });
    expect(alone.database.globalDbRpoSeconds).toBeUndefined();
    expect(alone.app.capacity.value).toBe("scalable");
  });
});

describe("buildPlan", () => {
  it.each([
    [{ kind: "region" as const, to: "eu-west-1", mode: "planned" as const }, /--to eu-west-1 is not a region of stack prod \(regions: us-east-1, us-west-2\)/],
    [{ kind: "region" as const, to: EAST, mode: "planned" as const }, /--to us-east-1 is already the writer region in the topology of stack prod; choose us-west-2, or pass --failback/],
    [{ kind: "region" as const, to: WEST }, /--mode planned\|unplanned is required/],
    [{ kind: "az" as const, az: "eu-west-1a" }, /--az eu-west-1a is not an AZ of the stack/],
  ])("fails when the options do not fit the topology (%o)", (options, message) => {
    expect(() => buildPlan(full(), options)).toThrow(message);
  });

  it("a failback returns the writer to --to from the other region, planned", () => {
    const p = buildPlan(full(), { kind: "region", to: EAST, failback: true });
    expect(p).toMatchObject({ source: WEST, target: EAST, mode: "planned", failback: true });
  });

  const live = (writer: string | undefined, extra: Partial<LiveState> = {}): LiveState => ({ database: { writer }, sessions: { primary: writer, status: "available" }, dials: {}, ...extra });

  it("takes the writer from AWS when live state is given: the topology (written by pulumi up) is only a hint", () => {
    // The topology still says us-east-1 writes; AWS says us-west-2 does (an earlier drill moved it).
    const p = buildPlan(full(), { kind: "region", to: EAST, mode: "unplanned", allowDataLoss: true }, { live: live(WEST) });
    expect(p).toMatchObject({ source: WEST, target: EAST, sourceFrom: "live: DescribeGlobalClusters in us-east-1" });
  });

  it("on a re-run where the database already moved, finds the source from the session store that has not", () => {
    const p = buildPlan(full(), { kind: "region", to: WEST, mode: "planned" }, { live: live(WEST, { sessions: { primary: EAST, status: "available" } }) });
    expect(p).toMatchObject({ source: EAST, sourceFrom: "live: the session store primary has not moved yet" });
  });

  it("refuses to plan around a role change to another region, and when the writer cannot be read", () => {
    const busy = live(EAST, { database: { writer: EAST, operation: { kind: "switchover", status: "switching-over", from: EAST, to: "eu-west-1" } } });
    expect(() => buildPlan(full(), { kind: "region", to: WEST, mode: "planned" }, { live: busy })).toThrow(/a switchover of the global cluster from us-east-1 to eu-west-1 is in progress/);
    expect(() => buildPlan(full(), { kind: "region", to: WEST, mode: "planned" }, { live: { database: { unknown: "TimeoutError" }, sessions: {}, dials: {} } })).toThrow(
      /cannot read the global cluster in us-west-2 to find the current writer: TimeoutError/,
    );
  });

  it("says the RPO bound lapses when the new writer's parameter group does not set rds.global_db_rpo", () => {
    const p = buildPlan(parseTopology(topologyFixture({ rpoBoundRegions: [EAST] }), "f"), { kind: "region", to: WEST, mode: "planned" });
    expect(p.rpo.during).toMatchObject({ bounded: true, seconds: 30 });
    expect(p.rpo.after).toMatchObject({ bounded: false });
    expect(p.rpo.after.text).toMatch(/^unbounded \(lapsed\) after it: us-west-2's parameter group does not set rds.global_db_rpo \(set in us-east-1\)/);
    const both = buildPlan(full(), { kind: "region", to: WEST, mode: "planned" });
    expect(both.rpo.after).toMatchObject({ bounded: true, seconds: 30 });
  });

  it("without the bound in the source region, the unplanned budget's RPO is not bounded either", () => {
    const p = buildPlan(parseTopology(topologyFixture({ rpoBoundRegions: [WEST] }), "f"), { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true });
    expect(p.rpo.during.bounded).toBe(false);
    expect(p.budget.rpo.bounded).toBe(false);
  });
});

describe("the session store kind decides what a drill needs and does", () => {
  /** The fixture as a topology of today's kinds: MemoryDB Multi-Region, or ElastiCache without the writer record. */
  function withSessions(kind: "memorydb-multi-region" | "elasticache-global"): Record<string, unknown> {
    const t = topologyFixture() as Record<string, unknown> & { regions: Array<Record<string, unknown>>; sessions: Record<string, unknown> };
    if (kind === "elasticache-global") {
      const { writerRecord: _w, ...sessions } = t.sessions;
      return { ...t, sessions: { ...sessions, kind } };
    }
    return {
      ...t,
      sessions: { kind, port: 6379 },
      regions: t.regions.map((r) => ({ ...r, sessions: { kind, clusterName: `ha-prod-${r.name}-sessions`, nodeCount: 3, securityGroupId: `sg-${r.name}-mdb` } })),
    };
  }
  const stepIds = (plan: ReturnType<typeof buildPlan>) => flattenItems(buildSteps(plan)).map((s) => s.id);

  it("MemoryDB Multi-Region: a strict region or AZ drill needs no ElastiCache id or writer record, and moves no session primary", () => {
    const t = parseTopology(withSessions("memorydb-multi-region"), "fixture");
    const targets = drillTargets(t, [EAST, WEST], { regionDrill: true });
    expect(targets.sessionStoreKind).toBe("memorydb-multi-region");
    expect(targets.placeholders).toEqual([]);
    const region = stepIds(buildPlan(t, { kind: "region", to: WEST, mode: "planned" }));
    expect(region).toContain("promote-aurora");
    expect(region.filter((id) => /redis|sessions/.test(id))).toEqual([]);
    const az = stepIds(buildPlan(t, { kind: "az", az: `${EAST}a` }));
    expect(az).toEqual(["preflight", "aurora-az-failover", "verify"]);
  });

  it("ElastiCache of today (primary candidates, no record): the primary is promoted, nothing is repointed", () => {
    const t = parseTopology(withSessions("elasticache-global"), "fixture");
    expect(drillTargets(t, [EAST, WEST], { regionDrill: true }).globalReplicationGroupId).toBe(ids.grg);
    const region = stepIds(buildPlan(t, { kind: "region", to: WEST, mode: "planned" }));
    expect(region).toContain("promote-redis");
    expect(region).not.toContain("repoint-sessions");
    expect(stepIds(buildPlan(t, { kind: "az", az: `${EAST}a` }))).toContain("redis-az-failover");
  });

  it("ElastiCache ids stay required for that kind, and the record for a topology older than the kinds", () => {
    const today = withSessions("elasticache-global") as { sessions: Record<string, unknown> };
    delete today.sessions.globalReplicationGroupId;
    expect(() => drillTargets(parseTopology(today, "fixture"), [EAST, WEST], { regionDrill: true })).toThrow(/sessions\.globalReplicationGroupId is missing/);
    const old = topologyFixture() as { sessions: Record<string, unknown> };
    delete old.sessions.writerRecord;
    expect(() => drillTargets(parseTopology(old, "fixture"), [EAST, WEST], { regionDrill: true })).toThrow(/sessions\.writerRecord is missing/);
    expect(stepIds(buildPlan(full(), { kind: "region", to: WEST, mode: "planned" }))).toContain("repoint-sessions");
  });
});

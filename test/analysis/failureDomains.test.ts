import { describe, expect, it } from "vitest";
import { analyzeFailureDomains, findSinglePointsOfFailure, type FailureAnalysis, type SinglePointOfFailure } from "../../analysis/failureDomains";
import { ResourceGraph } from "../../graph/model";
import type { ExportedResource } from "../../plan/stackExport";
import { healthyGraph, type FixtureOptions } from "./fixture";

/**
 * The failure-domain model on hand-built two-region graphs: the healthy one has no single point of
 * failure; each mutation removes one redundancy and the SPOF it creates must be named.
 */

const analyze = (o: FixtureOptions = {}, opts = {}) => analyzeFailureDomains(new ResourceGraph(healthyGraph(o)), opts);
const row = (a: FailureAnalysis, label: string) => {
  const found = a.domains.find((d) => d.label === label);
  if (!found) throw new Error(`no row ${label}`);
  return found;
};
const names = (s: SinglePointOfFailure) => s.resources.map((r) => r.name).sort();

describe("failure domains of a healthy two-region stack", () => {
  const a = analyze({}, { capacity: { mode: "provisioned", sharePercent: 100 } });

  it("serves every tier in the steady state, with the writer in us-east-1 and a standby in us-west-2", () => {
    for (const tier of Object.values(a.steadyState)) expect(tier.status, tier.tier).toBe("serves");
    expect(a.writerRegion).toBe("us-east-1");
    expect(a.steadyState.databaseWriter.regions["us-west-2"].status).toBe("standby");
    expect(a.steadyState.app.regions["us-east-1"]).toMatchObject({ total: 6, unit: "pods" });
    expect(a.absentTiers).toEqual([]);
    expect(a.steadyStateGaps).toEqual([]);
  });

  it("has no single point of failure", () => {
    expect(a.singlePointsOfFailure).toEqual([]);
  });

  it("keeps two thirds of a region's capacity when one of its three AZs is lost", () => {
    const az = row(a, "AZ us-east-1b").tiers;
    expect(az.app.regions["us-east-1"].share).toBeCloseTo(2 / 3);
    expect(az.app.regions["us-west-2"].share).toBe(1);
    expect(az.databaseWriter).toMatchObject({ status: "serves" });
    expect(az.databaseWriter.regions["us-east-1"]).toMatchObject({ surviving: 2, total: 3 });
    expect(az.sessions.regions["us-east-1"]).toMatchObject({ status: "serves", surviving: 2 });
    expect(az.app.share).toBeCloseTo(5 / 6);
  });

  it("recovers the writer and the sessions by promotion in us-west-2 when us-east-1 is lost", () => {
    const r = row(a, "region us-east-1").tiers;
    expect(r.databaseWriter.status).toBe("promotion");
    expect(r.databaseWriter.promotion?.region).toBe("us-west-2");
    expect(r.sessions.status).toBe("promotion");
    expect(r.entry).toMatchObject({ status: "serves", share: 0.5 });
    expect(r.app.share).toBe(0.5);
    expect(r.backups.status).toBe("serves");
  });

  it("evaluates every resource on a tier's path, except the accelerator and listener", () => {
    const resources = a.domains.filter((d) => d.domain.kind === "resource").map((d) => d.label);
    expect(resources).toContain("us-east-1-az1-nat (ec2.NatGateway)");
    expect(resources).toContain("us-west-2-aurora-3 (rds.ClusterInstance)");
    expect(resources.some((l) => l.includes("globalaccelerator.Accelerator"))).toBe(false);
    // The accelerator, its listener and the private hosted zone: configuration of global services.
    expect(a.excludedResources.map((e) => e.urn.split("::").pop()).sort()).toEqual(["accelerator", "accelerator-listener", "private-zone"]);
    expect(a.unconsultedResources).toBeGreaterThan(0);
  });

  it("shows the configured capacity mode with the app tier", () => {
    expect(a.steadyState.app.notes.join()).toMatch(/capacity provisioned: .*100% of traffic in one region/);
  });
});

describe("single points of failure in mutated graphs", () => {
  it("fails when one NAT gateway serves every AZ: the NAT is named for its AZ", () => {
    const spofs = analyze({ singleNat: true }).singlePointsOfFailure;
    expect(spofs.map((s) => s.domain).sort()).toEqual(["AZ us-east-1a", "AZ us-west-2a"]);
    const east = spofs.find((s) => s.domain === "AZ us-east-1a")!;
    expect(names(east)).toEqual(["us-east-1-az1-nat"]);
    expect(east.stops).toContainEqual({ tier: "app", region: "us-east-1" });
    expect(east.alsoBy).toContain("us-east-1-az1-nat (ec2.NatGateway)");
    expect(east.notes.join()).toMatch(/us-east-1b, us-east-1c lost egress/);
  });

  it("accepts a regional NAT gateway", () => {
    expect(analyze({ regionalNat: true }).singlePointsOfFailure).toEqual([]);
  });

  it("fails when node groups run in one AZ only: the node group is named", () => {
    const spofs = analyze({ nodeGroupAzs: 1 }).singlePointsOfFailure;
    expect(spofs).toHaveLength(2);
    expect(names(spofs[0])).toContain("us-east-1-az1-nodes");
    expect(spofs[0].stops).toEqual([{ tier: "entry", region: "us-east-1" }, { tier: "app", region: "us-east-1" }]);
  });

  it("fails when the load balancer has a subnet in one AZ only", () => {
    const spofs = analyze({ albAzs: 1 }).singlePointsOfFailure;
    expect(names(spofs[0])).toEqual(["us-east-1-alb"]);
  });

  it("fails when the writer cluster has one Aurora instance: the instance is named, writes would need a cross-region promotion", () => {
    const a = analyze({ auroraInstances: { "us-east-1": 1 } });
    expect(a.singlePointsOfFailure).toHaveLength(1);
    const [spof] = a.singlePointsOfFailure;
    expect(spof.domain).toBe("AZ us-east-1a");
    expect(names(spof)).toEqual(["us-east-1-aurora-1"]);
    expect(spof.stops).toEqual([{ tier: "databaseWriter", region: "us-east-1" }, { tier: "databaseReads", region: "us-east-1" }]);
    expect(row(a, "AZ us-east-1a").tiers.databaseWriter.status).toBe("promotion");
  });

  it("fails when the secondary cluster has one Aurora instance", () => {
    const [spof] = analyze({ auroraInstances: { "us-west-2": 1 } }).singlePointsOfFailure;
    expect(names(spof)).toEqual(["us-west-2-aurora-1"]);
    expect(spof.stops.map((s) => s.region)).toEqual(["us-west-2", "us-west-2"]);
  });

  it("counts unpinned instances as spread over the subnet group: three survive an AZ loss, one does not", () => {
    expect(analyze({ unpinnedInstances: true }).singlePointsOfFailure).toEqual([]);
    const spofs = analyze({ unpinnedInstances: true, auroraInstances: { "us-east-1": 1 } }).singlePointsOfFailure;
    expect(spofs.map((s) => s.domain)).toEqual(["AZ us-east-1a", "AZ us-east-1b", "AZ us-east-1c"]);
  });

  it("fails when the session store has a single node: the replication group is named", () => {
    const [spof, ...rest] = analyze({ redisNodes: { "us-east-1": 1 } }).singlePointsOfFailure;
    expect(rest).toEqual([]);
    expect(spof.domain).toBe("AZ us-east-1a");
    expect(names(spof)).toEqual(["us-east-1-redis"]);
    expect(spof.stops).toEqual([{ tier: "sessions", region: "us-east-1" }]);
  });

  it("fails when automatic failover is off: only the primary node's AZ is a SPOF", () => {
    const spofs = analyze({ redisAutomaticFailover: false }).singlePointsOfFailure;
    expect(spofs.map((s) => s.domain)).toEqual(["AZ us-east-1a"]);
    expect(names(spofs[0])).toEqual(["us-east-1-redis"]);
    expect(spofs[0].notes.join()).toMatch(/automatic failover is off/);
  });

  it("fails when a region has no session store: losing the other region loses the sessions", () => {
    const spofs = analyze({ omit: { "us-west-2": ["sessions"] } }).singlePointsOfFailure;
    expect(spofs).toHaveLength(1);
    expect(spofs[0]).toMatchObject({ domain: "region us-east-1", stops: [{ tier: "sessions" }] });
    expect(names(spofs[0])).toEqual(["us-east-1-redis"]);
  });

  it("fails when a region has no app tier: the other region's app and entry are named", () => {
    const spofs = analyze({ omit: { "us-west-2": ["app"] } }).singlePointsOfFailure;
    expect(spofs).toHaveLength(1);
    expect(spofs[0].stops).toEqual([{ tier: "entry" }, { tier: "app" }]);
    expect(names(spofs[0])).toEqual(["us-east-1-alb", "us-east-1-eks", "us-east-1-endpoints", "us-east-1-web"]);
  });

  it("fails when backups are not copied to another region: the plans are named", () => {
    const spofs = analyze({ backupCopies: false }).singlePointsOfFailure;
    expect(spofs.map((s) => s.domain)).toEqual(["region us-east-1", "region us-west-2"]);
    expect(names(spofs[0])).toEqual(["us-east-1-backup-plan"]);
    expect(spofs[0].notes.join()).toMatch(/copies to no other region/);
  });

  it("accepts Route 53 latency records with health checks", () => {
    expect(analyze({ route53: { healthChecks: true } }).singlePointsOfFailure).toEqual([]);
  });

  it("fails when Route 53 records have no health check: a lost region keeps its traffic", () => {
    const a = analyze({ route53: { healthChecks: false } });
    expect(row(a, "region us-east-1").tiers.entry.status).toBe("partial");
    const spof = a.singlePointsOfFailure.find((s) => s.domain === "region us-east-1")!;
    expect(names(spof)).toEqual(["us-east-1-record"]);
  });

  it("reports a headless writer cluster as a steady-state gap, not as healthy", () => {
    const a = analyze({ auroraInstances: { "us-east-1": 0 } });
    expect(a.steadyState.databaseWriter.status).toBe("promotion");
    expect(a.steadyStateGaps.map((g) => `${g.tier}:${g.region ?? "*"}`)).toEqual(["databaseWriter:*", "databaseWriter:us-east-1", "databaseReads:us-east-1"]);
  });
});

describe("findSinglePointsOfFailure (for the policy pack)", () => {
  it("checks every AZ and region only by default, and still names the NAT gateway", () => {
    const spofs = findSinglePointsOfFailure(new ResourceGraph(healthyGraph({ singleNat: true })));
    expect(spofs.map((s) => s.domainKey).sort()).toEqual(["az:us-east-1a", "az:us-west-2a"]);
    expect(spofs[0].alsoBy).toEqual([]);
    expect(names(spofs[0])).toEqual(["us-east-1-az1-nat"]);
  });

  it("returns nothing for the healthy graph", () => {
    expect(findSinglePointsOfFailure(new ResourceGraph(healthyGraph()))).toEqual([]);
  });
});

describe("writer region", () => {
  it("follows the global cluster's members in a deployed stack after a switchover", () => {
    const resources: ExportedResource[] = healthyGraph();
    const west = resources.find((r) => r.urn.endsWith("::us-west-2-aurora"))!;
    const global = resources.find((r) => r.type === "aws:rds/globalCluster:GlobalCluster")!;
    global.outputs = { ...global.outputs, globalClusterMembers: [{ dbClusterArn: west.outputs!.arn, isWriter: true }] };
    const a = analyzeFailureDomains(new ResourceGraph(resources), { kinds: ["region"] });
    expect(a.writerRegion).toBe("us-west-2");
    expect(a.domains.find((d) => d.label === "region us-west-2")!.tiers.databaseWriter.promotion?.region).toBe("us-east-1");
  });
});

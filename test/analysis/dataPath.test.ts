import { beforeAll, describe, expect, it } from "vitest";
import { analyzeFailureDomains, type FailureAnalysis } from "../../analysis/failureDomains";
import { ResourceGraph } from "../../graph/model";
import type { ExportedResource } from "../../plan/stackExport";
import { nameOf, planStack, type Plan } from "../helpers/plan";
import { healthyGraph } from "./fixture";

/**
 * The data-path model on the real prod plan, and on copies of it with one link of the wiring
 * broken, as a drifted or hand-edited stack would show it. Every mutation must fail the analysis
 * with the broken chain named; the intact plan must pass.
 */

const EAST = "us-east-1";
const WEST = "us-west-2";
const options = { writerRegion: EAST, regions: [EAST, WEST] };
/** The single-writer session store, still a supported kind: every shipped stack uses MemoryDB Multi-Region. */
const ELASTICACHE_GLOBAL = { "ha-blueprint:sessionStore": { kind: "elasticache-global", nodeType: "cache.r7g.large", nodesPerRegion: 3, snapshotRetentionDays: 7 } };
let plan: Plan;
let elasticachePlan: Plan;

beforeAll(async () => {
  plan = await planStack("prod");
  elasticachePlan = await planStack("prod", {}, ELASTICACHE_GLOBAL);
});

function analyze(edit?: (resources: ExportedResource[]) => ExportedResource[], opts = options, from = plan): FailureAnalysis {
  // Shared plans are frozen: every mutation works on a copy.
  const copy = structuredClone(from.resources) as ExportedResource[];
  return analyzeFailureDomains(new ResourceGraph(edit ? edit(copy) : copy, EAST), opts);
}

const byName = (re: RegExp) => (r: ExportedResource) => re.test(nameOf(r));
const without = (re: RegExp) => (rs: ExportedResource[]) => rs.filter((r) => !re.test(nameOf(r)));

function appConfig(rs: ExportedResource[], region: string): Record<string, string> {
  const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs?.data as Record<string, string>)?.APP_REGION === region)!;
  return cm.inputs!.data as Record<string, string>;
}

const member = (region: string) => `ha-sessions-${region}-cluster (${region}) (multi-Region member, takes writes locally)`;

describe("data path of the prod plan (Aurora global database, MemoryDB Multi-Region sessions)", () => {
  it("gives every region reads, writes and sessions, before and after a planned switchover", () => {
    const a = analyze();
    expect(a.dataPath.findings).toEqual([]);
    for (const scenario of [a.dataPath.steady, ...a.dataPath.switchovers]) {
      expect(scenario.regions.map((r) => r.region)).toEqual([EAST, WEST]);
      for (const r of scenario.regions) {
        expect([r.reads.status, r.writes.status, r.sessions.status], r.region).toEqual(["yes", "yes", "yes"]);
        // Every region writes sessions to its own member, whichever region writes the database.
        expect(r.sessions.via, r.region).toBe(`REDIS_WRITER_HOST -> ${member(r.region)}`);
      }
    }
    expect(a.dataPath.switchovers.map((s) => s.to)).toEqual([WEST]);
    const west = a.dataPath.steady.regions[1];
    expect(west.writes.via).toBe("DATABASE_WRITER_HOST -> global writer endpoint -> ha-database-us-east-1-cluster (us-east-1)");
    expect(west.reads.via).toMatch(/reader endpoint of ha-database-us-west-2-cluster/);
  });

  it("needs a promotion of the database, and only that, after the writer region is lost", () => {
    const a = analyze();
    const lost = a.domains.find((d) => d.key === `region:${EAST}`)!;
    expect(lost.capabilities.assignment).toEqual({ databaseWriter: WEST, promoted: ["database"] });
    expect(lost.capabilities.regions.map((r) => [r.region, r.reads.status, r.writes.status, r.sessions.status])).toEqual([[WEST, "yes", "after-promotion", "yes"]]);
    expect(lost.capabilities.regions[0].sessions.via).toBe(`REDIS_WRITER_HOST -> ${member(WEST)}`);
    // Losing one region's MemoryDB member promotes nothing: that region loses its sessions, the other keeps its own.
    const east = a.domains.find((d) => d.label.startsWith("ha-sessions-us-east-1-cluster"))!;
    expect(east.capabilities.assignment).toEqual({ databaseWriter: EAST, promoted: [] });
    expect(east.capabilities.regions.map((r) => [r.region, r.writes.status, r.sessions.status])).toEqual([[EAST, "yes", "no"], [WEST, "yes", "yes"]]);
  });

  it("reports the inter-region link as the one domain that costs the secondary its writes, and each member only its own region's sessions", () => {
    const a = analyze();
    expect(a.dataPath.findings).toEqual([]);
    expect(a.dataPath.degraded.filter((d) => / stops writes in /.test(d))).toEqual([
      expect.stringMatching(/^losing the inter-region link us-east-1<->us-west-2 \(ha-peering-us-east-1-us-west-2-request\) stops writes in us-west-2: /),
    ]);
    // Sessions never cross the link: no other region depends on a member.
    expect(a.dataPath.degraded.filter((d) => / stops sessions in /.test(d))).toEqual([
      expect.stringMatching(/^losing ha-sessions-us-east-1-cluster \(memorydb\.Cluster\) stops sessions in us-east-1: /),
      expect.stringMatching(/^losing ha-sessions-us-west-2-cluster \(memorydb\.Cluster\) stops sessions in us-west-2: /),
    ]);
    expect(a.dataPath.degraded).toHaveLength(3);
  });

  it("fails when the peering routes are removed, naming the region and the route table", () => {
    const a = analyze(without(/^ha-peering-.*-to-/));
    expect(a.dataPath.findings[0]).toMatch(/^us-west-2 cannot read|^us-west-2 cannot write/);
    const writes = a.dataPath.findings.find((f) => f.startsWith("us-west-2 cannot write:"))!;
    // Without the peering route the default route (NAT, internet) is the longest match: not a path.
    expect(writes).toMatch(/DATABASE_WRITER_HOST .* -> global writer endpoint -> ha-database-us-east-1-cluster \(us-east-1\): route table ha-us-west-2-network-az1-private-rt sends 10\.20\.\d+\.\d+\/22 to a NAT gateway, not over a peering connection to the store$/);
  });

  it("fails when only the return route of the data subnets is missing", () => {
    const a = analyze(without(/^ha-peering-us-east-1-isolated-to-us-west-2$/));
    expect(a.dataPath.findings.some((f) => /^us-west-2 cannot write: .*ha-us-east-1-network-isolated-rt .* has no route back to the workload \(10\.21\./.test(f))).toBe(true);
  });

  it("fails when the writer's security group drops the peer region's workload CIDRs", () => {
    const a = analyze(without(/^ha-database-us-east-1-sg-from-us-west-2-\d$/));
    expect(a.dataPath.findings).toEqual([expect.stringMatching(/^us-west-2 cannot write: .*ha-database-us-east-1-sg admits nothing from 10\.21\.0\.0\/19 \(ha-us-west-2-network-az1-private\) on port 5432 \(a security-group reference does not work across regions: the rule needs the CIDR\)$/)]);
    // Sessions still work: the cache has its own rules.
    expect(a.dataPath.findings.some((f) => f.includes("hold sessions"))).toBe(false);
  });

  it("fails after a planned switchover when the secondary cluster's security group does not admit the writer region", () => {
    const a = analyze(without(/^ha-database-us-west-2-sg-from-us-east-1-\d$/));
    expect(a.dataPath.findings).toEqual([expect.stringMatching(/^us-east-1 cannot write after a planned switchover to us-west-2: DATABASE_WRITER_HOST .* -> global writer endpoint -> ha-database-us-west-2-cluster \(us-west-2\): ha-database-us-west-2-sg admits nothing from 10\.20\./)]);
  });

  it("needs no cross-region rule on a MemoryDB member: each region reaches only its own", () => {
    const a = analyze(without(/^ha-sessions-us-(east-1|west-2)-sg-from-us-(east-1|west-2)-\d$/));
    expect(a.dataPath.findings).toEqual([]);
  });

  it("fails when a region's member is removed but its workload still names it", () => {
    const a = analyze(without(/^ha-sessions-us-west-2-cluster$/));
    expect(a.dataPath.findings).toContainEqual(expect.stringMatching(/^REDIS_WRITER_HOST \(ConfigMap ha-us-west-2-app-config-\w+, Deployment app\/app in us-west-2\) names clustercfg\.ha-prod-usw2-sessions\.\w+\.memorydb\.us-west-2\.amazonaws\.com, which no store or record in the graph answers/));
    // Never "yes" for the region that lost its member.
    expect(a.dataPath.steady.regions[1].sessions.status).not.toBe("yes");
  });

  it("fails when the peering connection is never accepted", () => {
    const a = analyze(without(/-accept$/));
    expect(a.dataPath.findings).toContainEqual(expect.stringMatching(/^us-west-2 cannot write: .*is never accepted/));
  });

  it("fails when rds.global_db_rpo with one secondary makes that secondary a single point of failure for writes", () => {
    const a = analyze((rs) => {
      const group = rs.find(byName(/^ha-database-us-east-1-params$/))!;
      group.inputs = { ...group.inputs, parameters: [...(group.inputs!.parameters as object[]), { name: "rds.global_db_rpo", value: "30", applyMethod: "immediate" }] };
      return rs;
    });
    const blocked = /stops writes in every region: .*rds\.global_db_rpo = 30 s on ha-database-us-east-1-cluster \(us-east-1\) blocks every commit .* its secondaries \(ha-database-us-west-2-cluster \(us-west-2\)\) are lost$/;
    // The region, and the secondary cluster on its own, are each a single failure domain that stops all writes.
    expect(a.dataPath.findings).toEqual([
      expect.stringMatching(new RegExp(`^losing region us-west-2 ${blocked.source}`)),
      expect.stringMatching(new RegExp(`^losing ha-database-us-west-2-cluster \\(rds\\.Cluster\\) ${blocked.source}`)),
    ]);
  });

  it("follows a recorded switchover: with us-west-2 writing, every region still writes and holds sessions on its own member", () => {
    const a = analyze(undefined, { ...options, writerRegion: WEST });
    expect(a.dataPath.steady.assignment).toEqual({ databaseWriter: WEST, promoted: [] });
    expect(a.dataPath.findings).toEqual([]);
    expect(a.dataPath.steady.regions[0].writes.via).toMatch(/global writer endpoint -> ha-database-us-west-2-cluster/);
    expect(a.dataPath.steady.regions[0].sessions.via).toBe(`REDIS_WRITER_HOST -> ${member(EAST)}`);
  });

  it("fails the way the stack did before the cross-region path existed", () => {
    const a = analyze((rs) => rs.filter((r) => !/^ha-peering|-sg-from-us-(east|west)-\d$/.test(nameOf(r))));
    expect(a.dataPath.findings.some((f) => f.startsWith("us-west-2 cannot write:"))).toBe(true);
    expect(a.dataPath.findings.some((f) => f.startsWith("us-east-1 cannot write after a planned switchover to us-west-2"))).toBe(true);
    // Sessions stay in each region: only the database needs the cross-region path.
    expect(a.dataPath.findings.some((f) => f.includes("hold sessions"))).toBe(false);
  });
});

describe("data path of the prod plan with the ElastiCache global datastore (every region's primary endpoint, no record)", () => {
  const ec = (edit?: (rs: ExportedResource[]) => ExportedResource[], opts = options) => analyze(edit, opts, elasticachePlan);
  const candidates = (rs: ExportedResource[], region: string) => appConfig(rs, region).REDIS_PRIMARY_CANDIDATES.split(",");

  it("writes every region's sessions to the primary group, with no session-writer record in the plan", () => {
    expect(elasticachePlan.resources.filter((r) => r.type === "aws:route53/record:Record" && /session/.test(nameOf(r)))).toEqual([]);
    const a = ec();
    expect(a.dataPath.findings).toEqual([]);
    for (const r of a.dataPath.steady.regions) expect(r.sessions).toEqual({ status: "yes", via: "REDIS_PRIMARY_CANDIDATES -> ha-sessions-us-east-1-group (us-east-1)" });
  });

  it("needs a promotion after the primary region is lost; losing only the session primary promotes only the sessions", () => {
    const a = ec();
    const lost = a.domains.find((d) => d.key === `region:${EAST}`)!;
    expect(lost.capabilities.assignment).toEqual({ databaseWriter: WEST, sessionsPrimary: WEST, promoted: ["database", "sessions"] });
    expect(lost.capabilities.regions.map((r) => [r.region, r.reads.status, r.writes.status, r.sessions.status])).toEqual([[WEST, "yes", "after-promotion", "after-promotion"]]);
    expect(lost.capabilities.regions[0].sessions.via).toBe("REDIS_PRIMARY_CANDIDATES -> ha-sessions-us-west-2-group (us-west-2)");
    const group = a.domains.find((d) => d.label.startsWith("ha-sessions-us-east-1-group"))!;
    expect(group.capabilities.assignment).toEqual({ databaseWriter: EAST, sessionsPrimary: WEST, promoted: ["sessions"] });
    expect(group.capabilities.regions.map((r) => [r.writes.status, r.sessions.status])).toEqual([["yes", "after-promotion"], ["yes", "after-promotion"]]);
  });

  it("reports the inter-region link as costing the secondary its writes and its sessions, naming the link", () => {
    const a = ec();
    expect(a.dataPath.degraded).toEqual([
      expect.stringMatching(/^losing the inter-region link us-east-1<->us-west-2 \(ha-peering-us-east-1-us-west-2-request\) stops writes in us-west-2: .*ha-peering-us-east-1-us-west-2-request \(VpcPeeringConnection\) is lost$/),
      // The reason is the path to the primary, not that the local candidate is read-only.
      expect.stringMatching(/^losing the inter-region link .* stops sessions in us-west-2: REDIS_PRIMARY_CANDIDATES .* -> ha-sessions-us-east-1-group \(us-east-1\): ha-peering-us-east-1-us-west-2-request \(VpcPeeringConnection\) is lost$/),
    ]);
  });

  it("fails after a planned switchover when the secondary group's security group does not admit the writer region", () => {
    const a = ec(without(/^ha-sessions-us-west-2-sg-from-us-east-1-\d$/));
    expect(a.dataPath.findings).toEqual([expect.stringMatching(/^us-east-1 cannot hold sessions after a planned switchover to us-west-2: REDIS_PRIMARY_CANDIDATES .* -> ha-sessions-us-west-2-group \(us-west-2\): ha-sessions-us-west-2-sg admits nothing from 10\.20\./)]);
  });

  it("fails when a region's REDIS_PRIMARY_CANDIDATES misses the primary: now, or after a switchover", () => {
    const westOnly = ec((rs) => {
      appConfig(rs, WEST).REDIS_PRIMARY_CANDIDATES = candidates(rs, WEST).filter((c) => c.includes("usw2")).join(",");
      return rs;
    });
    expect(westOnly.dataPath.findings).toEqual([expect.stringMatching(/^us-west-2 cannot hold sessions: REDIS_PRIMARY_CANDIDATES .*: ha-sessions-us-west-2-group \(us-west-2\) is a secondary of the global datastore and only serves reads; the primary is ha-sessions-us-east-1-group \(us-east-1\)$/)]);
    const eastOnly = ec((rs) => {
      appConfig(rs, EAST).REDIS_PRIMARY_CANDIDATES = candidates(rs, EAST).filter((c) => c.includes("use1")).join(",");
      return rs;
    });
    expect(eastOnly.dataPath.findings).toEqual([expect.stringMatching(/^us-east-1 cannot hold sessions after a planned switchover to us-west-2: REDIS_PRIMARY_CANDIDATES .*: ha-sessions-us-east-1-group \(us-east-1\) is a secondary of the global datastore and only serves reads; the primary is ha-sessions-us-west-2-group \(us-west-2\)$/)]);
  });

  it("follows a recorded switchover: the session primary moved with the writer", () => {
    const a = ec(undefined, { ...options, writerRegion: WEST });
    expect(a.dataPath.steady.assignment).toMatchObject({ databaseWriter: WEST, sessionsPrimary: WEST });
    expect(a.dataPath.findings).toEqual([]);
    expect(a.dataPath.steady.regions[0].sessions.via).toBe("REDIS_PRIMARY_CANDIDATES -> ha-sessions-us-west-2-group (us-west-2)");
  });
});

describe("data path of a hand-built graph (third-party shape)", () => {
  const wired = (o: Parameters<typeof healthyGraph>[0] = {}) => analyzeFailureDomains(new ResourceGraph(healthyGraph(o), EAST), options);

  it("proves reads, writes and sessions everywhere when the wiring is complete", () => {
    const a = wired();
    expect(a.dataPath.findings).toEqual([]);
    expect(a.dataPath.steady.regions.map((r) => [r.writes.status, r.sessions.status])).toEqual([["yes", "yes"], ["yes", "yes"]]);
  });

  it("never says OK when the graph shows no wiring: every capability is unknown, with the reason", () => {
    const a = wired({ wiring: false });
    expect(a.dataPath.steady.regions.every((r) => r.writes.status === "unknown" && r.sessions.status === "unknown")).toBe(true);
    // Not a problem found, not a proof either: reported apart, with how to make it visible.
    expect(a.dataPath.findings).toEqual([]);
    expect(a.dataPath.unknowns[0]).toMatch(/^cannot tell whether us-east-1 can read: no setting of Deployment app\/web names a database endpoint \(configuration from files, Secrets or parameter stores is not visible\); to make it visible: put the endpoint in a ConfigMap/);
  });

  it("says why when the data stores exist but no workload does", () => {
    const a = wired({ wiring: false, omit: { "us-east-1": ["app"], "us-west-2": ["app"] } });
    expect(a.dataPath.unknowns[0]).toMatch(/^cannot tell whether any region can read, write or hold sessions: the graph holds data stores .* but no workload/);
  });

  it("counts forwarded writes through a secondary's reader endpoint, and refuses them once forwarding is off", () => {
    const local = (forwarding: boolean) => analyzeFailureDomains(new ResourceGraph(healthyGraph().map((r) => {
      if (r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs?.data as Record<string, string>)?.APP_REGION === WEST) {
        return { ...r, inputs: { ...r.inputs, data: { ...(r.inputs!.data as object), DATABASE_WRITER_HOST: "us-west-2-aurora.cluster-ro-abc.us-west-2.rds.amazonaws.com" } } };
      }
      if (r.type === "aws:rds/cluster:Cluster" && r.urn.endsWith("us-west-2-aurora") && !forwarding) return { ...r, inputs: { ...r.inputs, enableGlobalWriteForwarding: false } };
      return r;
    }), EAST), options);
    const on = local(true);
    expect(on.dataPath.steady.regions[1].writes).toMatchObject({ status: "yes", via: "DATABASE_WRITER_HOST -> write forwarding on us-west-2-aurora (us-west-2) -> us-east-1-aurora (us-east-1)" });
    const off = local(false);
    expect(off.dataPath.findings).toContainEqual(expect.stringMatching(/^us-west-2 cannot write: DATABASE_WRITER_HOST .*us-west-2-aurora \(us-west-2\) is not the writer and does not forward writes$/));
  });

  it("fails when one private route table of the secondary lacks the route: writes from that AZ only", () => {
    const a = analyzeFailureDomains(new ResourceGraph(healthyGraph().filter((r) => !r.urn.endsWith("::us-west-2-to-us-east-1-2")), EAST), options);
    expect(a.dataPath.findings).toContainEqual(expect.stringMatching(/^us-west-2 cannot write from every AZ: .*1 of 3 subnets of Deployment app\/web cannot reach us-east-1-aurora: route table us-west-2-az2-private-rt sends 10\.0\.20\.0\/24 to a NAT gateway/));
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { analyzeFailureDomains, type FailureAnalysis } from "../../analysis/failureDomains";
import { loadStack } from "../../config/load";
import { ResourceGraph } from "../../graph/model";
import type { ExportedResource } from "../../plan/stackExport";
import { nameOf, planStack, type Plan } from "../helpers/plan";

/**
 * The failure-domain analysis on the real prod plan (the program run under mocks), and on copies of
 * that graph with one redundancy removed, as a stack export of a drifted stack would show it.
 */

const config = loadStack("prod").config;
const options = { writerRegion: config.writerRegion, regions: config.regions.map((r) => r.name) };
let plan: Plan;

beforeAll(async () => {
  plan = await planStack("prod");
});

function mutated(edit: (resources: ExportedResource[]) => ExportedResource[]): FailureAnalysis {
  const copy = JSON.parse(JSON.stringify(plan.resources)) as ExportedResource[];
  return analyzeFailureDomains(new ResourceGraph(edit(copy), "us-east-1"), options);
}

const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ROUTE = "aws:ec2/route:Route";
const MEMBER = "aws:memorydb/cluster:Cluster";

describe("failure domains of the prod plan", () => {
  it("has no single point of failure and every tier it contains serves", () => {
    const a = analyzeFailureDomains(new ResourceGraph(plan.resources, "us-east-1"), options);
    expect(a.singlePointsOfFailure).toEqual([]);
    expect(a.steadyStateGaps).toEqual([]);
    expect(a.regions).toEqual(["us-east-1", "us-west-2"]);
    expect(a.zones["us-east-1"]).toHaveLength(3);
    for (const tier of Object.values(a.steadyState)) expect(tier.status, tier.tier).toBe("serves");
    expect(a.absentTiers).toEqual([]);
    expect(a.steadyState.app.regions["us-west-2"]).toMatchObject({ status: "serves", unit: "pods" });
    expect(a.domains.find((d) => d.key === "az:us-east-1b")!.tiers.app.regions["us-east-1"].share).toBeCloseTo(2 / 3);
    expect(a.steadyState.databaseWriter.regions["us-east-1"]).toMatchObject({ status: "serves", total: config.database.instancesPerRegion });
    expect(a.steadyState.sessions.regions["us-west-2"]).toMatchObject({ status: "serves", total: config.sessionStore.nodesPerRegion });
    expect(a.domains.find((d) => d.key === "region:us-east-1")!.tiers.databaseWriter.status).toBe("promotion");
    expect(a.domains.filter((d) => d.domain.kind === "resource").length).toBeGreaterThan(0);
  });

  it("fails when the writer cluster keeps a single instance: that instance is named", () => {
    const a = mutated((rs) => rs.filter((r) => !(r.type === INSTANCE && /us-east-1-instance-[23]$/.test(nameOf(r)))));
    expect(a.singlePointsOfFailure).toHaveLength(1);
    const [spof] = a.singlePointsOfFailure;
    expect(spof.resources.map((r) => r.name)).toEqual(["ha-database-us-east-1-instance-1"]);
    expect(spof.stops).toContainEqual({ tier: "databaseWriter", region: "us-east-1" });
  });

  it("fails when the app runs node groups in one AZ of us-east-1: that node group is named", () => {
    const a = mutated((rs) => rs.filter((r) => !(r.type === NODE_GROUP && /us-east-1-app-az[23]-ng$/.test(nameOf(r)))));
    expect(a.singlePointsOfFailure).toHaveLength(1);
    const [spof] = a.singlePointsOfFailure;
    expect(spof.domain).toBe("AZ us-east-1a");
    expect(spof.resources.map((r) => r.name)).toContain("ha-us-east-1-app-az1-ng");
    expect(spof.stops).toContainEqual({ tier: "app", region: "us-east-1" });
  });

  it("fails when every private route table of us-east-1 uses the NAT gateway of its first AZ", () => {
    const a = mutated((rs) => {
      const routes = rs.filter((r) => r.type === ROUTE && /us-east-1-network-az\d-private-default$/.test(nameOf(r)));
      const first = routes.find((r) => nameOf(r).includes("az1"))!;
      for (const r of routes) {
        r.inputs = { ...r.inputs, natGatewayId: first.inputs!.natGatewayId };
        r.propertyDependencies = { ...r.propertyDependencies, natGatewayId: first.propertyDependencies!.natGatewayId };
      }
      return rs;
    });
    expect(a.singlePointsOfFailure).toHaveLength(1);
    expect(a.singlePointsOfFailure[0].resources.map((r) => r.name)).toEqual(["ha-us-east-1-network-az1-nat"]);
  });

  it("fails when a MemoryDB member keeps no replica: that member is named for every AZ that may hold its node", () => {
    const a = mutated((rs) => rs.map((r) => (r.type === MEMBER && nameOf(r) === "ha-sessions-us-east-1-cluster"
      ? { ...r, inputs: { ...r.inputs, numReplicasPerShard: 0 } }
      : r)));
    // MemoryDB places the one node in any AZ of its subnet group: each AZ may be the one.
    expect(a.singlePointsOfFailure.map((s) => s.domain)).toEqual(["AZ us-east-1a", "AZ us-east-1b", "AZ us-east-1c"]);
    for (const spof of a.singlePointsOfFailure) {
      expect(spof.stops).toEqual([{ tier: "sessions", region: "us-east-1" }]);
      expect(spof.resources.map((r) => r.name)).toEqual(["ha-sessions-us-east-1-cluster"]);
    }
  });

  it("fails when a region has no MemoryDB member: it has no sessions, and losing the other region loses them all", () => {
    const a = mutated((rs) => rs.filter((r) => !(r.type === MEMBER && nameOf(r).includes("us-west-2"))));
    expect(a.steadyState.sessions.regions["us-west-2"].status).toBe("absent");
    const spof = a.singlePointsOfFailure.find((s) => s.domain === "region us-east-1");
    expect(spof?.stops).toEqual([{ tier: "sessions" }]);
    expect(spof?.resources.map((r) => r.name)).toContain("ha-sessions-us-east-1-cluster");
  });
});

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
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";

describe("failure domains of the prod plan", () => {
  it("has no single point of failure and every tier it contains serves", () => {
    const a = analyzeFailureDomains(new ResourceGraph(plan.resources, "us-east-1"), options);
    expect(a.singlePointsOfFailure).toEqual([]);
    expect(a.steadyStateGaps).toEqual([]);
    expect(a.regions).toEqual(["us-east-1", "us-west-2"]);
    expect(a.zones["us-east-1"]).toHaveLength(3);
    for (const tier of Object.values(a.steadyState)) expect(["serves", "absent"], tier.tier).toContain(tier.status);
    // The data tier is in the plan; the other tiers count only once they are part of the program.
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

  it("fails when the primary session store holds one node: the replication group is named", () => {
    const a = mutated((rs) => rs.map((r) => (r.type === GROUP && nameOf(r).includes("us-east-1")
      ? { ...r, inputs: { ...r.inputs, numCacheClusters: 1, preferredCacheClusterAzs: (r.inputs!.preferredCacheClusterAzs as string[]).slice(0, 1) } }
      : r)));
    expect(a.singlePointsOfFailure).toHaveLength(1);
    expect(a.singlePointsOfFailure[0].resources.map((r) => r.name)).toEqual(["ha-sessions-us-east-1-group"]);
  });

  it("fails when the session store has no secondary region: losing us-east-1 loses the sessions", () => {
    const a = mutated((rs) => rs.filter((r) => !(r.type === GROUP && nameOf(r).includes("us-west-2"))));
    const spof = a.singlePointsOfFailure.find((s) => s.domain === "region us-east-1");
    expect(spof?.stops).toEqual([{ tier: "sessions" }]);
  });
});

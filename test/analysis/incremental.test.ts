import { beforeAll, describe, expect, it } from "vitest";
import { analyzeFailureDomains } from "../../analysis/failureDomains";
import { ResourceGraph } from "../../graph/model";
import type { ExportedResource } from "../../plan/stackExport";
import { nameOf, planStack, type Plan } from "../helpers/plan";
import { healthyGraph, type FixtureOptions } from "./fixture";

/**
 * The analysis reuses steady-state answers a domain cannot change (a tier that never consulted the
 * lost resource, a node pool's zones, the data path). Those shortcuts must never change a result:
 * every case is analyzed both ways, on graphs of its own, and must agree in full.
 */

const EAST = "us-east-1";
const WEST = "us-west-2";
const options = { writerRegion: EAST, regions: [EAST, WEST] };

function bothWays(resources: ExportedResource[]) {
  const fresh = () => new ResourceGraph(JSON.parse(JSON.stringify(resources)) as ExportedResource[], EAST);
  const fast = analyzeFailureDomains(fresh(), options);
  const slow = analyzeFailureDomains(fresh(), { ...options, exhaustive: true });
  return { fast, slow };
}

let plan: Plan;
beforeAll(async () => {
  plan = await planStack("prod");
});

describe("incremental evaluation agrees with evaluating every domain afresh", () => {
  const mutations: Record<string, (rs: ExportedResource[]) => ExportedResource[]> = {
    "the prod plan": (rs) => rs,
    "without the peering routes of one private route table": (rs) => rs.filter((r) => !/^ha-peering-us-west-2-private-az1-to-/.test(nameOf(r))),
    "without the writer's ingress from the peer region": (rs) => rs.filter((r) => !/^ha-database-us-east-1-sg-from-us-west-2-/.test(nameOf(r))),
    "with two of three NAT gateways of a region gone": (rs) => rs.filter((r) => !/^ha-us-west-2-network-az[23]-nat$/.test(nameOf(r))),
  };
  it.each(Object.keys(mutations))("%s", (name) => {
    const { fast, slow } = bothWays(mutations[name](plan.resources));
    expect(fast.domains.length).toBeGreaterThan(50);
    expect(fast).toEqual(slow);
  });

  const fixtures: Record<string, FixtureOptions> = {
    healthy: {},
    "one NAT per region": { singleNat: true },
    "node groups in one AZ": { nodeGroupAzs: 1 },
    "unpinned Aurora instances, one in us-west-2": { unpinnedInstances: true, auroraInstances: { [WEST]: 1 } },
  };
  it.each(Object.keys(fixtures))("hand-built: %s", (name) => {
    const { fast, slow } = bothWays(healthyGraph(fixtures[name]));
    expect(fast).toEqual(slow);
  });
});

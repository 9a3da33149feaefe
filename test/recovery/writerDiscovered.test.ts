import { beforeAll, describe, expect, it } from "vitest";
import type { ExportedResource } from "../../plan/stackExport";
import { planStack, type Plan } from "../helpers/plan";

/**
 * Issue 22, item 6: after a failover (automatic or drilled) the next `pulumi up` changes nothing
 * and needs no commit. The program never reads the writer from config to shape resources, and
 * every field AWS changes when the writer or the traffic moves is ignored by Pulumi's diff.
 * The test switches the live writer in a copy of the plan's state the way AWS reports it after a
 * failover, then diffs it against what the program declares, honouring ignoreChanges.
 */

const EAST = "us-east-1";
const WEST = "us-west-2";

let p: Plan;
beforeAll(async () => {
  p = await planStack("prod");
}, 120_000);

/** What AWS reports after the writer moved to us-west-2 and the Region switch plan drained us-east-1. */
function liveAfterFailover(r: ExportedResource, plan: Plan): Record<string, unknown> | undefined {
  const live = { ...(r.inputs ?? {}) } as Record<string, unknown>;
  const region = plan.regionOf(r);
  switch (r.type) {
    case "aws:rds/cluster:Cluster": {
      const west = plan.ofType("aws:rds/cluster:Cluster").find((c) => plan.regionOf(c) === WEST)!;
      // The old primary now replicates from the new one; the new primary replicates from nothing.
      live.replicationSourceIdentifier = region === EAST ? (west.outputs as Record<string, unknown>).arn : undefined;
      return live;
    }
    case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": {
      const west = plan.ofType("aws:elasticache/replicationGroup:ReplicationGroup").find((g) => plan.regionOf(g) === WEST)!;
      live.primaryReplicationGroupId = (west.inputs as Record<string, unknown>).replicationGroupId;
      return live;
    }
    case "aws:route53/record:Record":
      if (!String((r.inputs as Record<string, unknown>).name).includes("sessions-writer")) return undefined;
      live.records = ["master.moved.to.us-west-2"];
      return live;
    case "aws:globalaccelerator/endpointGroup:EndpointGroup":
      if ((r.inputs as Record<string, unknown>).endpointGroupRegion === EAST) live.trafficDialPercentage = 0;
      return live;
    default:
      return undefined;
  }
}

/** The keys `pulumi up --refresh` would propose to change: declared != live, minus ignoreChanges. */
function diff(r: ExportedResource, live: Record<string, unknown>): string[] {
  const declared = (r.inputs ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(declared), ...Object.keys(live)]);
  return [...keys].filter((k) => JSON.stringify(declared[k]) !== JSON.stringify(live[k]) && !(r.ignoreChanges ?? []).includes(k));
}

describe("the writer region is discovered, not committed", () => {
  it("a plan after a failover and a drain changes nothing (switched live writer, drained dial)", () => {
    const switched = p.resources.map((r) => ({ r, live: liveAfterFailover(r, p) })).filter((x): x is { r: ExportedResource; live: Record<string, unknown> } => !!x.live);
    // The failover really moved something in every kind of resource the test covers.
    expect(new Set(switched.map((x) => x.r.type))).toEqual(new Set([
      "aws:rds/cluster:Cluster",
      "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
      "aws:route53/record:Record",
      "aws:globalaccelerator/endpointGroup:EndpointGroup",
    ]));
    expect(switched.some((x) => JSON.stringify(x.live) !== JSON.stringify(x.r.inputs))).toBe(true);
    const changes = switched.map((x) => ({ urn: x.r.urn, keys: diff(x.r, x.live) })).filter((c) => c.keys.length > 0);
    expect(changes).toEqual([]);
  });

  it("a field the program forgot to ignore would show up as a change", () => {
    const cluster = p.ofType("aws:rds/cluster:Cluster").find((c) => p.regionOf(c) === EAST)!;
    const live = liveAfterFailover(cluster, p)!;
    expect(diff({ ...cluster, ignoreChanges: [] }, live)).toEqual(["replicationSourceIdentifier"]);
  });

  it("the program declares nothing from the live writer: the Region switch plan and alarms are the same whoever writes", async () => {
    // `currentWriterRegion` is no longer written by drills; even when set it moves no resource input.
    const after = await planStack("prod", { "ha-blueprint:currentWriterRegion": WEST });
    const inputs = (x: Plan) => Object.fromEntries(x.resources.filter((r) => r.custom).map((r) => [r.urn, JSON.stringify(r.inputs)]));
    const a = inputs(p);
    const b = inputs(after);
    expect(Object.keys(a).filter((urn) => a[urn] !== b[urn])).toEqual([]);
  }, 120_000);
});

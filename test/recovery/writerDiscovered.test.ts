import { beforeAll, describe, expect, it } from "vitest";
import type { ExportedResource } from "../../plan/stackExport";
import { ELASTICACHE_GLOBAL_SESSIONS, planStack, type Plan } from "../helpers/plan";

/**
 * Issue 22, item 6: after a failover (automatic or drilled) the next `pulumi up` changes nothing
 * and needs no commit. The program never reads the live writer to shape resources, and every
 * field AWS changes when the writer or the traffic moves is ignored by Pulumi's diff.
 * The test switches the live writer in a copy of the plan's state the way AWS reports it after a
 * failover, then diffs it against what the program declares, honouring ignoreChanges.
 *
 * What a failover moves depends on the data kinds: the shipped prod (Aurora global database +
 * MemoryDB Multi-Region) moves the Aurora writer and the dials; MemoryDB has no primary region to
 * move (every region writes). The single-writer session store (ElastiCache global datastore)
 * also moves its primary. Neither kind has a session-writer DNS record any more.
 *
 * Resources placed by the CONFIGURED writer (`writerRegion`: the SQL bootstrap Job, the master
 * secret's primary) are config, not runtime state: a live failover edits no config, so they stay
 * where they are, and nothing about them changes when the writer moves.
 */

const EAST = "us-east-1";
const WEST = "us-west-2";

let p: Plan;
let single: Plan;
beforeAll(async () => {
  p = await planStack("prod");
  single = await planStack("prod", {}, ELASTICACHE_GLOBAL_SESSIONS);
}, 240_000);

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

function switchedResources(plan: Plan) {
  return plan.resources.map((r) => ({ r, live: liveAfterFailover(r, plan) })).filter((x): x is { r: ExportedResource; live: Record<string, unknown> } => !!x.live);
}

describe("the writer region is discovered, not committed", () => {
  it("the shipped prod: a plan after a failover and a drain changes nothing (switched Aurora writer, drained dial)", () => {
    const switched = switchedResources(p);
    // The failover really moved something in every kind of resource that has a writer or a dial.
    expect(new Set(switched.filter((x) => JSON.stringify(x.live) !== JSON.stringify(x.r.inputs)).map((x) => x.r.type))).toEqual(new Set([
      "aws:rds/cluster:Cluster",
      "aws:globalaccelerator/endpointGroup:EndpointGroup",
    ]));
    // Multi-writer sessions: nothing of MemoryDB names a primary region, and there is no writer record.
    expect(p.ofType("aws:memorydb/cluster:Cluster").map((c) => p.regionOf(c)).sort()).toEqual([EAST, WEST]);
    expect(p.ofType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")).toEqual([]);
    expect(p.ofType("aws:route53/record:Record").filter((r) => String((r.inputs as Record<string, unknown>).name).includes("sessions-writer"))).toEqual([]);
    const changes = switched.map((x) => ({ urn: x.r.urn, keys: diff(x.r, x.live) })).filter((c) => c.keys.length > 0);
    expect(changes).toEqual([]);
  });

  it("an ElastiCache global datastore for sessions: its moved primary changes nothing either", () => {
    const switched = switchedResources(single);
    expect(new Set(switched.filter((x) => JSON.stringify(x.live) !== JSON.stringify(x.r.inputs)).map((x) => x.r.type))).toEqual(new Set([
      "aws:rds/cluster:Cluster",
      "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
      "aws:globalaccelerator/endpointGroup:EndpointGroup",
    ]));
    expect(single.ofType("aws:route53/record:Record").filter((r) => String((r.inputs as Record<string, unknown>).name).includes("sessions-writer"))).toEqual([]);
    const changes = switched.map((x) => ({ urn: x.r.urn, keys: diff(x.r, x.live) })).filter((c) => c.keys.length > 0);
    expect(changes).toEqual([]);
  });

  it("a field the program forgot to ignore would show up as a change", () => {
    const cluster = p.ofType("aws:rds/cluster:Cluster").find((c) => p.regionOf(c) === EAST)!;
    const live = liveAfterFailover(cluster, p)!;
    expect(diff({ ...cluster, ignoreChanges: [] }, live)).toEqual(["replicationSourceIdentifier"]);
    const grg = single.ofType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")[0];
    expect(diff({ ...grg, ignoreChanges: [] }, liveAfterFailover(grg, single)!)).toEqual(["primaryReplicationGroupId"]);
  });

  it("the program declares nothing from the live writer: every resource keeps its inputs and its region whoever writes", async () => {
    // `currentWriterRegion` is no longer written by drills; even when set it moves no resource input
    // and no resource to another region's provider (the SQL bootstrap Job and the master secret
    // follow the CONFIGURED writerRegion, which a failover does not edit).
    const after = await planStack("prod", { "ha-blueprint:currentWriterRegion": WEST });
    const shape = (x: Plan) => Object.fromEntries(x.resources.filter((r) => r.custom).map((r) => [r.urn, JSON.stringify([x.regionOf(r), r.inputs])]));
    const a = shape(p);
    const b = shape(after);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a).filter((urn) => a[urn] !== b[urn])).toEqual([]);
    const secret = p.ofType("aws:secretsmanager/secret:Secret").filter((s) => (s.inputs as Record<string, unknown>).replicas);
    expect(secret.length).toBeGreaterThan(0);
    for (const s of secret) expect(p.regionOf(s)).toBe(EAST);
  }, 120_000);
});

import { beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { planStack, type Plan } from "../helpers/plan";
import { inRegion } from "./helpers";

/** Alarms, backups and the topology follow the kinds: nothing watches or selects a store the stack does not have. */

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function metricNames(plan: Plan, region: string): string[] {
  return inRegion(plan, ALARM, region).flatMap((a) => [
    String(a.inputs?.metricName ?? ""),
    ...((a.inputs?.metricQueries as { metric?: { metricName: string }; expression?: string }[] | undefined) ?? []).flatMap((q) => [
      q.metric?.metricName ?? "",
      // A Metrics Insights query names its metric in SELECT MAX(<metric>) FROM ...
      /^SELECT \w+\((\w+)\) FROM/.exec(q.expression ?? "")?.[1] ?? "",
    ]),
  ]).filter((n) => n);
}

describe("prod (aurora-global + memorydb-multi-region)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("keeps the Aurora lag alarms and has none on a global datastore that does not exist", () => {
    for (const region of ["us-east-1", "us-west-2"]) {
      const names = metricNames(plan, region);
      expect(names).toEqual(expect.arrayContaining(["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag"]));
      expect(names).not.toContain("GlobalDatastoreReplicationLag");
    }
  });

  it("backs up the Aurora clusters only", () => {
    const selections = plan.ofType("aws:backup/selection:Selection");
    expect(selections.flatMap((s) => s.inputs?.resources as string[]).every((arn) => arn.includes(":rds:"))).toBe(true);
    expect(selections).toHaveLength(2);
  });

  it("says in the topology which kinds it runs", () => {
    const t = plan.outputs.topology as Topology;
    expect([t.database?.kind, t.sessions?.kind]).toEqual(["aurora-global", "memorydb-multi-region"]);
  });
});

describe("prod-dsql (aurora-dsql + memorydb-multi-region)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod-dsql");
  });

  it("creates no replication-lag alarm: DSQL commits synchronously and no Aurora or ElastiCache member exists", () => {
    for (const region of ["us-east-1", "us-west-2"]) {
      const names = metricNames(plan, region);
      expect(names.filter((n) => /Aurora|GlobalDatastore/.test(n))).toEqual([]);
      // The region's own health alarms are still there.
      expect(names).toContain("TargetResponseTime");
    }
  });

  it("selects only the DSQL clusters for AWS Backup and sets no Aurora restore test", () => {
    const selections = plan.ofType("aws:backup/selection:Selection");
    expect(selections.flatMap((s) => s.inputs?.resources as string[]).every((arn) => arn.includes(":dsql:"))).toBe(true);
    expect(plan.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection")).toEqual([]);
  });

  it("says in the topology which kinds it runs, and never a password", () => {
    const t = plan.outputs.topology as Topology;
    expect([t.database?.kind, t.sessions?.kind]).toEqual(["aurora-dsql", "memorydb-multi-region"]);
    expect(JSON.stringify(t)).not.toMatch(/password|secret/i);
  });
});

describe("elasticache-global sessions", () => {
  it("keep their lag alarm, and the topology lists every primary as a write candidate", async () => {
    const plan = await planStack("prod", {}, { "ha-blueprint:sessionStore": { kind: "elasticache-global", nodesPerRegion: 3 } });
    expect(metricNames(plan, "us-west-2")).toContain("GlobalDatastoreReplicationLag");
    const t = plan.outputs.topology as Topology;
    if (t.sessions?.kind !== "elasticache-global") throw new Error(`expected elasticache-global, got ${t.sessions?.kind}`);
    const groups = plan.ofType("aws:elasticache/replicationGroup:ReplicationGroup");
    expect(t.sessions.writePath).toBe("primary-candidates");
    expect(Object.keys(t.sessions.primaryCandidates).sort()).toEqual(["us-east-1", "us-west-2"]);
    for (const [region, endpoint] of Object.entries(t.sessions.primaryCandidates)) {
      expect(endpoint).toBe(groups.find((g) => plan.regionOf(g) === region)?.outputs?.primaryEndpointAddress);
    }
    expect(JSON.stringify(t)).not.toContain("writerRecord");
  });
});

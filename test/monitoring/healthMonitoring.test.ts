import { beforeAll, describe, expect, it } from "vitest";
import { auroraLagQuery, BACKUP_FAILURE_EVENT_PATTERN, RDS_HEALTH_EVENT_PATTERN } from "../../components/monitoring/healthMonitoring";
import type { RegionMonitoringTopology } from "../../components/topology";
import type { ExportedResource } from "../../plan/stackExport";
import { fixtureDataStores, fixtureEndpoint, planTiers, type TierPlan } from "../helpers/tiers";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const REGIONS = ["us-east-1", "us-west-2"];

describe("HealthMonitoring per region (prod: p99 800 ms, 5xx 2 %, RPO 30 s, 3 AZs, 3 cache nodes)", () => {
  let plan: TierPlan;
  const alarm = (region: string, suffix: string): ExportedResource => {
    const found = plan.ofType(ALARM).filter((a) => plan.regionOf(a) === region && String(a.inputs?.name).endsWith(suffix));
    expect(found, `${region} ${suffix}`).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    plan = await planTiers("prod");
  });

  it("creates the same set of alarms in every region, through that region's provider", () => {
    for (const region of REGIONS) {
      const names = plan.ofType(ALARM).filter((a) => plan.regionOf(a) === region).map((a) => String(a.inputs?.name).replace(/^ha-prod-[a-z0-9]+-/, ""));
      expect(names.sort()).toEqual([
        "aurora-replication-lag", "aurora-rpo-lag", "error-rate",
        "healthy-hosts-az1", "healthy-hosts-az2", "healthy-hosts-az3",
        "latency-p99", "redis-replication-lag", "routing-latency",
      ]);
    }
  });

  it("alarms on the ALB's p99 TargetResponseTime above the configured budget, in seconds", () => {
    for (const region of REGIONS) {
      expect(alarm(region, "latency-p99").inputs).toMatchObject({
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        extendedStatistic: "p99",
        threshold: 0.8,
        comparisonOperator: "GreaterThanThreshold",
        dimensions: { LoadBalancer: fixtureEndpoint(region).albArnSuffix },
        period: 60,
        evaluationPeriods: 3,
      });
    }
  });

  it("alarms on the share of ALB and target 5xx among requests above the configured percent", () => {
    const a = alarm("us-east-1", "error-rate");
    expect(a.inputs?.threshold).toBe(2);
    const queries = a.inputs?.metricQueries as { id: string; expression?: string; returnData?: boolean; metric?: Record<string, unknown> }[];
    const byId = Object.fromEntries(queries.map((q) => [q.id, q]));
    expect(byId.t5xx.metric).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum", period: 60 });
    expect(byId.e5xx.metric).toMatchObject({ metricName: "HTTPCode_ELB_5XX_Count", stat: "Sum" });
    expect(byId.req.metric).toMatchObject({ metricName: "RequestCount", stat: "Sum" });
    const result = queries.filter((q) => q.returnData);
    expect(result).toHaveLength(1);
    expect(result[0].expression).toMatch(/^100 \* \(FILL\(t5xx, 0\) \+ FILL\(e5xx, 0\)\) \//);
  });

  it("alarms per AZ when healthy hosts drop below the minimum, with AZ, target group and load balancer dimensions", () => {
    for (const region of REGIONS) {
      const azs = [1, 2, 3].map((i) => alarm(region, `healthy-hosts-az${i}`));
      expect(azs.map((a) => (a.inputs?.dimensions as Record<string, string>).AvailabilityZone)).toEqual(["a", "b", "c"].map((l) => `${region}${l}`));
      for (const a of azs) {
        expect(a.inputs).toMatchObject({
          metricName: "HealthyHostCount",
          statistic: "Minimum",
          comparisonOperator: "LessThanThreshold",
          threshold: 1,
          treatMissingData: "breaching",
        });
        expect(a.inputs?.dimensions).toMatchObject({ TargetGroup: fixtureEndpoint(region).targetGroupArnSuffix, LoadBalancer: fixtureEndpoint(region).albArnSuffix });
      }
    }
  });

  it("alarms on Aurora global lag above the region-loss RPO in milliseconds, on that region's cluster, whichever dimension set AWS publishes it under", () => {
    for (const region of REGIONS) {
      const cluster = fixtureDataStores(region).auroraClusterIdentifier;
      for (const [suffix, metricName] of [["aurora-rpo-lag", "AuroraGlobalDBRPOLag"], ["aurora-replication-lag", "AuroraGlobalDBReplicationLag"]]) {
        const a = alarm(region, suffix);
        expect(a.inputs).toMatchObject({ threshold: 30_000, comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching" });
        // A Metrics Insights query on the cluster identifier: it matches both the
        // {DBClusterIdentifier} and {DBClusterIdentifier, SourceRegion} series, so neither is silent.
        expect(a.inputs?.metricQueries).toEqual([{
          id: "q",
          expression: `SELECT MAX(${metricName}) FROM "AWS/RDS" WHERE DBClusterIdentifier = '${cluster}'`,
          period: 60,
          label: suffix,
          returnData: true,
        }]);
        expect(a.inputs?.metricName).toBeUndefined();
      }
    }
  });

  it("refuses a lag query on something that is not a cluster identifier", () => {
    expect(() => auroraLagQuery("AuroraGlobalDBRPOLag", "x' OR '1'='1")).toThrow(/not an RDS cluster identifier/);
  });

  it("alarms on the Redis global datastore lag above the RPO in seconds, over every member node", () => {
    const a = alarm("us-west-2", "redis-replication-lag");
    expect(a.inputs?.threshold).toBe(30);
    const queries = a.inputs?.metricQueries as { id: string; expression?: string; metric?: { metricName: string; dimensions: Record<string, string> } }[];
    const members = queries.filter((q) => q.metric).map((q) => q.metric!);
    expect(members.every((m) => m.metricName === "GlobalDatastoreReplicationLag")).toBe(true);
    expect(members.map((m) => m.dimensions.CacheClusterId)).toEqual(["001", "002", "003"].map((n) => `${fixtureDataStores("us-west-2").replicationGroupId}-${n}`));
    expect(queries.find((q) => q.expression)!.expression).toBe("MAX([n1, n2, n3])");
  });

  it("rolls serving alarms into a region-unhealthy composite that needs two of three AZs lost, not one", () => {
    for (const region of REGIONS) {
      const composite = plan.ofType(COMPOSITE).find((c) => plan.regionOf(c) === region && String(c.inputs?.alarmName).endsWith("region-unhealthy"))!;
      const rule = String(composite.inputs?.alarmRule);
      const name = (suffix: string) => String(alarm(region, suffix).inputs?.name);
      expect(rule).toContain(`ALARM("${name("latency-p99")}")`);
      expect(rule).toContain(`ALARM("${name("error-rate")}")`);
      expect(rule).toContain(`(ALARM("${name("healthy-hosts-az1")}") AND ALARM("${name("healthy-hosts-az3")}"))`);
      expect(rule).not.toMatch(/OR ALARM\("[^"]*healthy-hosts-az\d"\) OR/);
      expect(rule).not.toContain("lag");
      const deps = composite.propertyDependencies!.alarmRule!.map((u) => plan.byUrn(u).inputs?.name);
      expect(deps).toEqual(expect.arrayContaining([name("latency-p99"), name("error-rate"), name("healthy-hosts-az2")]));
    }
  });

  it("rolls the lag alarms into a separate data-at-risk composite", () => {
    for (const region of REGIONS) {
      const composite = plan.ofType(COMPOSITE).find((c) => plan.regionOf(c) === region && String(c.inputs?.alarmName).endsWith("data-at-risk"))!;
      const rule = String(composite.inputs?.alarmRule);
      for (const suffix of ["aurora-rpo-lag", "aurora-replication-lag", "redis-replication-lag"]) {
        expect(rule).toContain(`ALARM("${alarm(region, suffix).inputs?.name}")`);
      }
    }
  });

  it("notifies a KMS-encrypted SNS topic whose key lets CloudWatch publish", () => {
    for (const region of REGIONS) {
      const topic = plan.ofType("aws:sns/topic:Topic").find((t) => plan.regionOf(t) === region)!;
      const key = plan.byUrn(topic.propertyDependencies!.kmsMasterKeyId![0]);
      expect(key.type).toBe("aws:kms/key:Key");
      expect(plan.regionOf(key)).toBe(region);
      const policy = JSON.parse(String(key.inputs?.policy));
      const cw = policy.Statement.find((s: { Principal: { Service?: string } }) => s.Principal.Service === "cloudwatch.amazonaws.com");
      expect(cw.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
      for (const c of plan.ofType(COMPOSITE).filter((x) => plan.regionOf(x) === region)) {
        expect(c.inputs?.alarmActions).toEqual([topic.outputs?.arn]);
      }
      // Per-AZ losses notify on their own: one AZ down is worth a page even if the region serves.
      expect(alarm(region, "healthy-hosts-az2").inputs?.alarmActions).toEqual([topic.outputs?.arn]);
      expect(alarm(region, "latency-p99").inputs?.alarmActions).toBeUndefined();
    }
  });

  it("exposes alarm names, the topic and detection settings in the topology", () => {
    const monitoring = plan.outputs.monitoring as Record<string, RegionMonitoringTopology>;
    expect(Object.keys(monitoring).sort()).toEqual(REGIONS);
    expect(monitoring["us-east-1"]).toMatchObject({
      regionUnhealthyAlarm: "ha-prod-use1-region-unhealthy",
      dataAtRiskAlarm: "ha-prod-use1-data-at-risk",
      routingAlarm: "ha-prod-use1-routing-latency",
      periodSeconds: 60,
      evaluationPeriods: 3,
      thresholds: { latencyP99Seconds: 0.8, error5xxPercent: 2, minHealthyHostsPerAz: 1, replicationLagSeconds: 30 },
    });
    expect(monitoring["us-east-1"].alarms["healthyHosts.az3"]).toBe("ha-prod-use1-healthy-hosts-az3");
  });
});

describe("HealthMonitoring without the data tier and with other settings", () => {
  it("creates no lag alarms and no data-at-risk composite when no data stores are wired", async () => {
    const plan = await planTiers("dev", { dataStores: false });
    expect(plan.ofType(ALARM).filter((a) => /lag$/.test(String(a.inputs?.name)))).toEqual([]);
    expect(plan.ofType(COMPOSITE).map((c) => String(c.inputs?.alarmName)).sort()).toEqual(["ha-dev-use1-region-unhealthy", "ha-dev-usw2-region-unhealthy"]);
  });

  it("uses the configured period and evaluation periods, and both AZs of a 2-AZ cell for the region rule", async () => {
    const plan = await planTiers("dev", { overrides: { "ha-blueprint:monitoring": { periodSeconds: 120, evaluationPeriods: 5 } } });
    for (const a of plan.ofType(ALARM)) {
      expect(a.inputs?.evaluationPeriods).toBe(5);
      expect(a.inputs?.datapointsToAlarm).toBe(5);
      const periods = a.inputs?.metricQueries
        ? (a.inputs.metricQueries as { metric?: { period: number }; period?: number }[]).map((q) => q.metric?.period ?? q.period).filter((p) => p !== undefined)
        : [a.inputs?.period];
      expect(new Set(periods)).toEqual(new Set([120]));
    }
    const rule = String(plan.ofType(COMPOSITE).find((c) => String(c.inputs?.alarmName) === "ha-dev-use1-region-unhealthy")!.inputs?.alarmRule);
    expect(rule).toContain('(ALARM("ha-dev-use1-healthy-hosts-az1") AND ALARM("ha-dev-use1-healthy-hosts-az2"))');
  });

  it("alarms only on replication lag for Aurora MySQL, which publishes no RPO lag", async () => {
    const plan = await planTiers("dev", { overrides: { "ha-blueprint:database": { engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.08.0" } } });
    const lag = plan.ofType(ALARM).map((a) => String(a.inputs?.name)).filter((n) => n.includes("aurora"));
    expect(lag.map((n) => n.replace(/^ha-dev-[a-z0-9]+-/, "")).sort()).toEqual(["aurora-replication-lag", "aurora-replication-lag"]);
  });

  it("subscribes every configured target, not only e-mail", async () => {
    const plan = await planTiers("dev", { overrides: { "ha-blueprint:monitoring": { alarmSubscriptions: [{ protocol: "https", endpoint: "https://oncall.acme.io/hook" }] } } });
    const subs = plan.ofType("aws:sns/topicSubscription:TopicSubscription");
    expect(subs.map((s) => [plan.regionOf(s), s.inputs?.protocol, s.inputs?.endpoint]).sort()).toEqual([
      ["us-east-1", "https", "https://oncall.acme.io/hook"],
      ["us-west-2", "https", "https://oncall.acme.io/hook"],
    ]);
  });

  it("subscribes the configured e-mail to each region's topic", async () => {
    const plan = await planTiers("dev", { overrides: { "ha-blueprint:monitoring": { alarmEmail: "oncall@example.com" } } });
    const subs = plan.ofType("aws:sns/topicSubscription:TopicSubscription");
    expect(subs.map((s) => [plan.regionOf(s), s.inputs?.protocol, s.inputs?.endpoint]).sort()).toEqual([
      ["us-east-1", "email", "oncall@example.com"],
      ["us-west-2", "email", "oncall@example.com"],
    ]);
  });
});

describe("the alarm topic's key and the RDS patching signal", () => {
  let plan: TierPlan;
  beforeAll(async () => {
    plan = await planTiers("prod");
  });

  it("lets CloudWatch and the health rule use the topic key only for this account's alarms and rule", () => {
    for (const region of REGIONS) {
      const topic = plan.ofType("aws:sns/topic:Topic").find((t) => plan.regionOf(t) === region)!;
      const [key] = (topic.propertyDependencies?.kmsMasterKeyId ?? []).map((u) => plan.byUrn(u));
      const statements = JSON.parse(String(key.inputs?.policy)).Statement as Record<string, any>[];
      const services = statements.filter((st) => st.Principal?.Service);
      expect(services.map((st) => st.Principal.Service).sort()).toEqual(["cloudwatch.amazonaws.com", "events.amazonaws.com"]);
      for (const st of services) {
        expect(st.Condition.StringEquals["aws:SourceAccount"]).toBe("123456789012");
        expect(st.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
      }
      const cw = services.find((st) => st.Principal.Service === "cloudwatch.amazonaws.com")!;
      expect(cw.Condition.ArnLike["aws:SourceArn"]).toBe(`arn:aws:cloudwatch:${region}:123456789012:alarm:*`);
      const rules = plan.ofType("aws:cloudwatch/eventRule:EventRule").filter((r) => plan.regionOf(r) === region && (r.propertyDependencies?.eventPattern ?? []).length === 0);
      expect(rules.map((r) => String(r.inputs?.name).replace(/^ha-prod-[a-z0-9]+-/, "")).sort()).toEqual(["backup-job-failures", "rds-health-events"]);
      expect([...services.find((st) => st.Principal.Service === "events.amazonaws.com")!.Condition.ArnEquals["aws:SourceArn"]].sort())
        .toEqual(rules.map((r) => `arn:aws:events:${region}:123456789012:rule/${r.inputs?.name}`).sort());
    }
  });

  it("sends AWS Health scheduled changes for RDS in each region to that region's alarm topic", () => {
    for (const region of REGIONS) {
      const rule = plan.ofType("aws:cloudwatch/eventRule:EventRule").find((r) => plan.regionOf(r) === region && String(r.inputs?.name).includes("rds-health"))!;
      expect(JSON.parse(String(rule.inputs?.eventPattern))).toEqual(RDS_HEALTH_EVENT_PATTERN);
      expect(RDS_HEALTH_EVENT_PATTERN.detail.eventTypeCategory).toContain("scheduledChange");
      const target = plan.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => (t.propertyDependencies?.rule ?? []).includes(rule.urn))!;
      const [topic] = (target.propertyDependencies?.arn ?? []).map((u) => plan.byUrn(u));
      expect(topic.type).toBe("aws:sns/topic:Topic");
      expect(plan.regionOf(topic)).toBe(region);
      const policy = plan.ofType("aws:sns/topicPolicy:TopicPolicy").find((p) => (p.propertyDependencies?.arn ?? []).includes(topic.urn))!;
      const statements = JSON.parse(String(policy.inputs?.policy)).Statement as Record<string, any>[];
      const events = statements.find((st) => st.Principal?.Service === "events.amazonaws.com")!;
      expect(events.Condition.ArnEquals["aws:SourceArn"]).toContain(`arn:aws:events:${region}:123456789012:rule/${rule.inputs?.name}`);
    }
  });

  it("sends failed, aborted or expired backup, copy and restore jobs (restore tests included) to the alarm topic", () => {
    for (const region of REGIONS) {
      const rule = plan.ofType("aws:cloudwatch/eventRule:EventRule").find((r) => plan.regionOf(r) === region && String(r.inputs?.name).endsWith("backup-job-failures"))!;
      const pattern = JSON.parse(String(rule.inputs?.eventPattern));
      expect(pattern).toEqual(BACKUP_FAILURE_EVENT_PATTERN);
      expect(pattern["detail-type"]).toContain("Restore Job State Change");
      // Restore events report `status`, backup and copy events `state`: both must be matched.
      expect(pattern.detail.$or).toEqual(expect.arrayContaining([{ status: ["FAILED", "ABORTED"] }, expect.objectContaining({ state: expect.arrayContaining(["FAILED"]) })]));
      const target = plan.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => (t.propertyDependencies?.rule ?? []).includes(rule.urn))!;
      expect((target.propertyDependencies?.arn ?? []).map((u) => plan.byUrn(u).type)).toEqual(["aws:sns/topic:Topic"]);
    }
  });
});

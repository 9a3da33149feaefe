import { beforeAll, describe, expect, it } from "vitest";
import type { RoutingTopology } from "../../components/topology";
import type { ExportedResource } from "../../plan/stackExport";
import { fixtureEndpoint, planTiers, type TierPlan } from "../helpers/tiers";

const REGIONS = ["us-east-1", "us-west-2"];
const ROUTE53 = {
  mode: "route53",
  route53: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "app.example.com", failureThreshold: 2, checkerRegions: ["us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1"] },
};
const HC = "aws:route53/healthCheck:HealthCheck";

describe("GlobalTrafficManager in route53 mode (prod with a hosted zone)", () => {
  let plan: TierPlan;
  const checks = (type: string) => plan.ofType(HC).filter((h) => h.inputs?.type === type);
  const inRegion = (list: ExportedResource[], region: string, key: string) => list.find((r) => r.inputs?.[key] === region)!;

  beforeAll(async () => {
    plan = await planTiers("prod", { overrides: { "ha-blueprint:routing": ROUTE53 } });
  });

  it("creates no Global Accelerator resources", () => {
    expect(plan.resources.filter((r) => r.type.startsWith("aws:globalaccelerator/"))).toEqual([]);
  });

  it("checks each region's ALB over HTTPS every 10 s with the configured threshold, checker regions and latency measurement", () => {
    const endpointChecks = checks("HTTPS");
    expect(endpointChecks).toHaveLength(2);
    expect(endpointChecks.map((h) => h.inputs?.fqdn).sort()).toEqual(REGIONS.map((r) => fixtureEndpoint(r).albDnsName).sort());
    for (const h of endpointChecks) {
      expect(h.inputs).toMatchObject({
        port: 443,
        resourcePath: "/healthz",
        requestInterval: 10,
        failureThreshold: 2,
        measureLatency: true,
        enableSni: true,
        regions: ["us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1"],
      });
      expect([10, 30]).toContain(h.inputs?.requestInterval);
      expect((h.inputs?.regions as string[]).length).toBeGreaterThanOrEqual(3);
    }
  });

  it("reads each region's own routing alarm, which is one Route 53 can evaluate", () => {
    const alarmChecks = checks("CLOUDWATCH_METRIC");
    expect(alarmChecks.map((h) => h.inputs?.cloudwatchAlarmRegion).sort()).toEqual(REGIONS);
    const alarms = plan.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    for (const h of alarmChecks) {
      const region = String(h.inputs?.cloudwatchAlarmRegion);
      expect(h.inputs?.insufficientDataHealthStatus).toBe("Healthy");
      const alarm = alarms.find((a) => a.inputs?.name === h.inputs?.cloudwatchAlarmName)!;
      expect(plan.regionOf(alarm)).toBe(region);
      // the check is created after the alarm it reads
      expect(h.propertyDependencies?.cloudwatchAlarmName).toEqual([alarm.urn]);
      // Route 53 reads one standard-resolution metric with a standard statistic: no percentiles,
      // no metric math (and composites have no metric at all).
      expect(alarm.inputs?.metricQueries).toBeUndefined();
      expect(alarm.inputs?.extendedStatistic).toBeUndefined();
      expect(["Average", "Minimum", "Maximum", "Sum", "SampleCount"]).toContain(alarm.inputs?.statistic);
      expect(Number(alarm.inputs?.period) % 60).toBe(0);
      expect(alarm.inputs?.dimensions).toEqual({ LoadBalancer: fixtureEndpoint(region).albArnSuffix });
    }
  });

  it("combines the endpoint and alarm checks of each region in a calculated check that needs both", () => {
    for (const calc of checks("CALCULATED")) {
      expect(calc.inputs?.childHealthThreshold).toBe(2);
      const children = calc.propertyDependencies!.childHealthchecks!.map((u) => plan.byUrn(u));
      expect(children.map((c) => c.inputs?.type).sort()).toEqual(["CLOUDWATCH_METRIC", "HTTPS"]);
      // Both children watch the same region: its ALB and its alarm.
      const endpoint = children.find((c) => c.inputs?.type === "HTTPS")!;
      const alarm = children.find((c) => c.inputs?.type === "CLOUDWATCH_METRIC")!;
      expect(endpoint.inputs?.fqdn).toBe(fixtureEndpoint(String(alarm.inputs?.cloudwatchAlarmRegion)).albDnsName);
    }
    expect(checks("CALCULATED")).toHaveLength(2);
  });

  it("publishes one latency alias record per region that evaluates target health and carries that region's calculated check", () => {
    const records = plan.ofType("aws:route53/record:Record");
    expect(records).toHaveLength(2);
    for (const region of REGIONS) {
      const record = records.find((r) => r.inputs?.setIdentifier === region)!;
      expect(record.inputs).toMatchObject({
        zoneId: "Z0123456789ABCDEFGHIJ",
        name: "app.example.com",
        type: "A",
        latencyRoutingPolicies: [{ region }],
        aliases: [{ name: fixtureEndpoint(region).albDnsName, zoneId: fixtureEndpoint(region).albZoneId, evaluateTargetHealth: true }],
      });
      const calc = plan.byUrn(record.propertyDependencies!.healthCheckId![0]);
      expect(calc.inputs?.type).toBe("CALCULATED");
      const alarmCheck = calc.propertyDependencies!.childHealthchecks!.map((u) => plan.byUrn(u)).find((c) => c.inputs?.type === "CLOUDWATCH_METRIC")!;
      expect(alarmCheck.inputs?.cloudwatchAlarmRegion).toBe(region);
    }
  });

  it("exposes the record name and every health check id per region in the topology", () => {
    const routing = plan.outputs.routing as RoutingTopology;
    expect(routing.mode).toBe("route53");
    expect(routing.route53!.recordName).toBe("app.example.com");
    for (const region of REGIONS) {
      const r = routing.route53!.regions[region];
      const calc = inRegion(plan.ofType("aws:route53/record:Record"), region, "setIdentifier").propertyDependencies!.healthCheckId![0];
      expect(r.healthCheckId).toBe(plan.byUrn(calc).id);
      expect(r.recordFqdn).toBe("app.example.com");
      expect(r.alarmName).toMatch(/routing-latency$/);
    }
  });
});

describe("GlobalTrafficManager route53 mode without HTTPS", () => {
  it("checks over HTTP on the ALB's port when it has no 443 listener", async () => {
    const plan = await planTiers("dev", {
      overrides: { "ha-blueprint:routing": { mode: "route53", route53: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "dev.example.com", requestIntervalSeconds: 30 } } },
      endpoints: REGIONS.map((r) => fixtureEndpoint(r, "dev", [80])),
    });
    const endpointChecks = plan.ofType(HC).filter((h) => h.inputs?.fqdn);
    expect(endpointChecks.map((h) => [h.inputs?.type, h.inputs?.port, h.inputs?.requestInterval, h.inputs?.failureThreshold])).toEqual([
      ["HTTP", 80, 30, 3],
      ["HTTP", 80, 30, 3],
    ]);
  });
});

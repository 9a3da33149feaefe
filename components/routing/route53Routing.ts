import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionalEndpoint } from "../contracts";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import type { RoutingTopology } from "../topology";

/** Regions Route 53 runs health checkers in; a check must use at least three of them. */
export const ROUTE53_CHECKER_REGIONS = [
  "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
] as const;

export interface Route53RoutingArgs {
  readonly stack: string;
  /** Public hosted zone holding the record. */
  readonly hostedZoneId: pulumi.Input<string>;
  /** e.g. `app.example.com`; one latency alias record per region under this name. */
  readonly recordName: string;
  readonly endpoints: RegionalEndpoint[];
  /** Per region, the single-metric, standard-statistic alarm the CLOUDWATCH_METRIC check reads. */
  readonly regionAlarmNames: Record<string, pulumi.Input<string>>;
  /** 10 (fast) or 30 seconds; immutable after creation. @default 10 */
  readonly requestIntervalSeconds?: number;
  /** Consecutive failures before unhealthy, 1..10. @default 3 */
  readonly failureThreshold?: number;
  /** At least three checker regions. @default ["us-east-1", "us-west-2", "eu-west-1"] */
  readonly checkerRegions?: string[];
}

/**
 * Route 53 latency routing across the regional ALBs. Each region's record carries a CALCULATED
 * health check that is healthy only while both children are: an endpoint check of the ALB on the
 * deep health path, and a CLOUDWATCH_METRIC check on the region's routing alarm. The alias also
 * evaluates the ALB's own target health. All three are data-plane: no record edit moves traffic.
 */
export class Route53LatencyRouting extends pulumi.ComponentResource {
  public readonly fqdn: pulumi.Output<string>;
  public readonly healthCheckIds: Record<string, pulumi.Output<string>> = {};
  public readonly topology: pulumi.Output<NonNullable<RoutingTopology["route53"]>>;

  constructor(name: string, args: Route53RoutingArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:routing:Route53LatencyRouting", name, {}, opts);
    const requestInterval = args.requestIntervalSeconds ?? 10;
    const failureThreshold = args.failureThreshold ?? 3;
    const checkerRegions = args.checkerRegions ?? ["us-east-1", "us-west-2", "eu-west-1"];
    validate(name, args, requestInterval, failureThreshold, checkerRegions);
    const parent = { parent: this };

    const regions = args.endpoints.map((endpoint) => {
      const region = endpoint.region;
      const tag = (role: string) => tierTags("entry", physicalName({ stack: args.stack, region, role }));
      // The record is an alias, so HTTPS is checked when the ALB has a 443 listener; Route 53 does
      // not validate the certificate, which is issued for the record name, not the ALB's name.
      const https = endpoint.listenerPorts.includes(443);
      const endpointCheck = new aws.route53.HealthCheck(`${name}-${region}-endpoint`, {
        type: https ? "HTTPS" : "HTTP",
        fqdn: endpoint.albDnsName,
        port: https ? 443 : endpoint.listenerPorts[0],
        resourcePath: endpoint.healthPath,
        ...(https ? { enableSni: true } : {}),
        requestInterval,
        failureThreshold,
        regions: checkerRegions,
        measureLatency: true,
        tags: tag("endpoint-check"),
      }, parent);
      const alarmName = args.regionAlarmNames[region];
      const alarmCheck = new aws.route53.HealthCheck(`${name}-${region}-alarm`, {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: alarmName,
        cloudwatchAlarmRegion: region,
        // No traffic means no latency data. "LastKnownStatus" would keep a drained region drained
        // forever (no traffic, no new data), so missing data counts as healthy.
        insufficientDataHealthStatus: "Healthy",
        tags: tag("alarm-check"),
      }, parent);
      const calculated = new aws.route53.HealthCheck(`${name}-${region}-health`, {
        type: "CALCULATED",
        childHealthchecks: [endpointCheck.id, alarmCheck.id],
        childHealthThreshold: 2,
        tags: tag("region-health"),
      }, parent);
      const record = new aws.route53.Record(`${name}-${region}-record`, {
        zoneId: args.hostedZoneId,
        name: args.recordName,
        type: "A",
        setIdentifier: region,
        latencyRoutingPolicies: [{ region }],
        healthCheckId: calculated.id,
        aliases: [{ name: endpoint.albDnsName, zoneId: endpoint.albZoneId, evaluateTargetHealth: true }],
      }, parent);
      this.healthCheckIds[region] = calculated.id;
      return pulumi.all([record.fqdn, endpointCheck.id, alarmCheck.id, calculated.id, pulumi.output(alarmName)])
        .apply(([recordFqdn, endpointHealthCheckId, alarmHealthCheckId, healthCheckId, alarm]) => [region, {
          setIdentifier: region, recordFqdn, endpointHealthCheckId, alarmHealthCheckId, healthCheckId, alarmName: alarm,
        }] as const);
    });

    this.fqdn = regions[0].apply(([, r]) => r.recordFqdn);
    this.topology = pulumi.all([pulumi.output(args.hostedZoneId), pulumi.all(regions)]).apply(([hostedZoneId, list]) => ({
      hostedZoneId,
      recordName: args.recordName,
      requestIntervalSeconds: requestInterval,
      failureThreshold,
      checkerRegions,
      regions: Object.fromEntries(list),
    }));
    this.registerOutputs({ fqdn: this.fqdn, healthCheckIds: this.healthCheckIds });
  }
}

function validate(name: string, args: Route53RoutingArgs, interval: number, threshold: number, checkers: string[]): void {
  if (interval !== 10 && interval !== 30) {
    throw new Error(`Route53LatencyRouting ${name}: requestIntervalSeconds is ${interval}; Route 53 allows 10 or 30`);
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) {
    throw new Error(`Route53LatencyRouting ${name}: failureThreshold is ${threshold}; Route 53 allows 1..10`);
  }
  const unknown = checkers.filter((r) => !(ROUTE53_CHECKER_REGIONS as readonly string[]).includes(r));
  if (new Set(checkers).size < 3 || unknown.length > 0) {
    throw new Error(`Route53LatencyRouting ${name}: checkerRegions must name at least 3 distinct Route 53 checker regions (${ROUTE53_CHECKER_REGIONS.join(", ")})${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}`);
  }
  for (const e of args.endpoints) {
    if (!args.regionAlarmNames[e.region]) {
      throw new Error(`Route53LatencyRouting ${name}: no routing alarm for ${e.region}; pass HealthMonitoring.routingAlarmName per region`);
    }
    if (e.listenerPorts.length === 0) throw new Error(`Route53LatencyRouting ${name}: ${e.region} has no listener ports`);
  }
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionalEndpoint } from "../contracts";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import type { RoutingTopology } from "../topology";
import { Route53LatencyRouting, type Route53RoutingArgs } from "./route53Routing";

export type RoutingMode = "accelerator" | "route53";

export interface GlobalTrafficManagerArgs {
  readonly stack: string;
  /**
   * `accelerator`: Global Accelerator with one endpoint group per region; no DNS TTL, failover
   * follows the ALB target health. `route53`: latency alias records gated by health checks.
   * @default "accelerator"
   */
  readonly mode?: RoutingMode;
  /** One entry per region, each that region's ALB. */
  readonly endpoints: RegionalEndpoint[];
  /**
   * Traffic dial per region in percent (accelerator mode). Managed here, not ignored: a drill
   * records its dial in stack config so `pulumi up` keeps the drill's state instead of undoing it.
   * @default - 100 for every region
   */
  readonly trafficDials?: Record<string, number>;
  /** Preserve the client IP for ALB endpoints. @default true */
  readonly clientIpPreservation?: boolean;
  /** `DUAL_STACK` needs dual-stack ALBs. @default "IPV4" */
  readonly ipAddressType?: "IPV4" | "DUAL_STACK";
  /** Hosted zone, record and health-check settings; required in route53 mode. */
  readonly route53?: Omit<Route53RoutingArgs, "stack" | "endpoints" | "regionAlarmNames">;
  /**
   * Per region, the single-metric alarm a Route 53 CLOUDWATCH_METRIC check reads
   * (`HealthMonitoring.routingAlarmName`); required in route53 mode.
   */
  readonly regionAlarmNames?: Record<string, pulumi.Input<string>>;
}

/**
 * The global entry in front of the regional ALBs. Health checks alone move traffic in an
 * unplanned failure; dials and record edits are control-plane calls kept for planned drills.
 */
export class GlobalTrafficManager extends pulumi.ComponentResource {
  public readonly mode: RoutingMode;
  /** What clients resolve: the accelerator's DNS name or the latency record's FQDN. */
  public readonly dnsName: pulumi.Output<string>;
  /** Endpoint group ARN per region (accelerator mode): what a drill's dial change targets. */
  public readonly endpointGroupArns: Record<string, pulumi.Output<string>> = {};
  public readonly topology: pulumi.Output<RoutingTopology>;

  constructor(name: string, args: GlobalTrafficManagerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:routing:GlobalTrafficManager", name, {}, opts);
    this.mode = args.mode ?? "accelerator";
    const trafficDials = args.trafficDials ?? {};
    const clientIpPreservation = args.clientIpPreservation ?? true;
    const ipAddressType = args.ipAddressType ?? "IPV4";
    validateEndpoints(`GlobalTrafficManager ${name}`, args.endpoints, this.mode);

    if (this.mode === "route53") {
      if (!args.route53) throw new Error(`GlobalTrafficManager ${name}: mode route53 needs route53 (hostedZoneId, recordName)`);
      const dns = new Route53LatencyRouting(`${name}-dns`, {
        ...args.route53,
        stack: args.stack,
        endpoints: args.endpoints,
        regionAlarmNames: args.regionAlarmNames ?? {},
      }, { parent: this });
      this.dnsName = dns.fqdn;
      this.topology = dns.topology.apply((route53): RoutingTopology => ({ mode: "route53", route53 }));
      this.registerOutputs({ dnsName: this.dnsName });
      return;
    }

    for (const region of Object.keys(trafficDials)) {
      const dial = trafficDials[region];
      if (!args.endpoints.some((e) => e.region === region)) {
        throw new Error(`GlobalTrafficManager ${name}: trafficDials names ${region}, which has no endpoint`);
      }
      if (!Number.isInteger(dial) || dial < 0 || dial > 100) {
        throw new Error(`GlobalTrafficManager ${name}: trafficDials.${region} is ${dial}; use an integer 0..100`);
      }
    }
    const ports = listenerPorts(`GlobalTrafficManager ${name}`, args.endpoints);
    const acceleratorName = physicalName({ stack: args.stack, role: "accelerator" }, 64);
    const accelerator = new aws.globalaccelerator.Accelerator(`${name}-accelerator`, {
      name: acceleratorName,
      enabled: true,
      ipAddressType,
      tags: tierTags("entry", acceleratorName),
    }, { parent: this });
    const listener = new aws.globalaccelerator.Listener(`${name}-listener`, {
      acceleratorArn: accelerator.arn,
      protocol: "TCP",
      // Sessions live in the global datastore, so any region may take any connection.
      clientAffinity: "NONE",
      portRanges: ports.map((port) => ({ fromPort: port, toPort: port })),
    }, { parent: this });

    const groups = args.endpoints.map((endpoint) => {
      const dial = trafficDials[endpoint.region] ?? 100;
      const group = new aws.globalaccelerator.EndpointGroup(`${name}-${endpoint.region}`, {
        listenerArn: listener.arn,
        endpointGroupRegion: endpoint.region,
        trafficDialPercentage: dial,
        // Health-check settings of the group do not apply to ALB endpoints (GA follows the ALB's
        // target health), so none are set here; the fast check lives on the target group.
        endpointConfigurations: [{
          endpointId: endpoint.albArn,
          // Explicit weight: an omitted weight is sent as AWS's default 128 and reads back as drift.
          weight: 128,
          clientIpPreservationEnabled: clientIpPreservation,
        }],
      }, {
        parent: this,
        // The dial is runtime state, like the writer region: the Region switch plan, the drain and
        // drills move it. Config sets the initial dial; `pulumi up` never moves it back.
        ignoreChanges: ["trafficDialPercentage"],
      });
      this.endpointGroupArns[endpoint.region] = group.arn;
      return { region: endpoint.region, group, endpointId: pulumi.output(endpoint.albArn), dial };
    });

    this.dnsName = accelerator.dnsName;
    this.topology = pulumi.all([
      accelerator.arn, accelerator.dnsName, accelerator.dualStackDnsName, accelerator.hostedZoneId, accelerator.ipSets, listener.arn,
      pulumi.all(groups.map((g) => pulumi.all([g.group.arn, g.endpointId]))),
    ]).apply(([arn, dnsName, dualStackDnsName, hostedZoneId, ipSets, listenerArn, groupArns]): RoutingTopology => ({
      mode: "accelerator",
      accelerator: {
        arn,
        dnsName,
        ...(dualStackDnsName ? { dualStackDnsName } : {}),
        hostedZoneId,
        ipSets: (ipSets ?? []).map((s) => ({ ipFamily: s.ipFamily, ipAddresses: s.ipAddresses })),
        listenerArn,
        listenerPorts: ports,
        endpointGroups: Object.fromEntries(groups.map((g, i) => [g.region, {
          arn: groupArns[i][0],
          endpointId: groupArns[i][1],
          trafficDialPercentage: g.dial,
        }])),
      },
    }));
    this.registerOutputs({ dnsName: this.dnsName, endpointGroupArns: this.endpointGroupArns });
  }
}

/**
 * Checks the endpoints before anything is declared: one per region, and in accelerator mode the
 * same listener ports everywhere (one listener forwards them all). Exported so a caller that
 * declares other parts first can fail before any of them exist.
 */
export function validateEndpoints(what: string, endpoints: RegionalEndpoint[], mode: RoutingMode = "accelerator"): void {
  if (endpoints.length === 0) throw new Error(`${what}: endpoints is empty; pass one RegionalEndpoint per region`);
  const regions = endpoints.map((e) => e.region);
  const twice = regions.find((r, i) => regions.indexOf(r) !== i);
  if (twice) throw new Error(`${what}: endpoints lists ${twice} twice; one endpoint per region`);
  if (mode === "accelerator") listenerPorts(what, endpoints);
}

/** The ports every region's ALB listens on; the accelerator forwards each unchanged. */
function listenerPorts(what: string, endpoints: RegionalEndpoint[]): number[] {
  const key = (e: RegionalEndpoint) => [...new Set(e.listenerPorts)].sort((a, b) => a - b);
  const first = key(endpoints[0]);
  if (first.length === 0) throw new Error(`${what}: ${endpoints[0].region} has no listener ports`);
  for (const e of endpoints.slice(1)) {
    if (key(e).join(",") !== first.join(",")) {
      throw new Error(`${what}: ${e.region} listens on ${key(e).join(", ")} but ${endpoints[0].region} on ${first.join(", ")}; the regions must expose the same ports`);
    }
  }
  return first;
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionConfig } from "../../config/schema";
import { physicalName } from "../naming";
import { RegionalNetwork } from "../network/regionalNetwork";
import { tierTags } from "../tags";

export interface RegionalCellArgs {
  readonly region: RegionConfig;
  readonly stack: string;
  readonly natGateways: "zonal" | "regional";
  readonly flowLogRetentionDays: number;
}

/**
 * Everything one region needs to serve all traffic alone. The cell's children inherit the
 * regional provider given in `opts.providers`, so no child can land in another region by accident.
 */
export class RegionalCell extends pulumi.ComponentResource {
  public readonly region: string;
  public readonly network: RegionalNetwork;
  /**
   * The security group every app-tier workload (EKS nodes and pods) carries. It is the contract
   * between tiers: the data tier admits exactly this group, the app tier adds the ALB's ingress.
   */
  public readonly appSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: RegionalCellArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:stack:RegionalCell", name, {}, opts);
    this.region = args.region.name;
    this.network = new RegionalNetwork(`${name}-network`, {
      region: args.region.name,
      stack: args.stack,
      cidr: args.region.cidr,
      availabilityZones: resolveAvailabilityZones(name, args.region, this),
      natGateways: args.natGateways,
      flowLogRetentionDays: args.flowLogRetentionDays,
    }, { parent: this });
    const appSgName = physicalName({ stack: args.stack, region: args.region.name, role: "app-workloads" });
    const appSg = new aws.ec2.SecurityGroup(`${name}-app-sg`, {
      name: appSgName,
      description: "App-tier workloads (EKS nodes and pods); the data tier admits only this group",
      vpcId: this.network.vpcId,
      tags: tierTags("app", appSgName),
    }, { parent: this });
    new aws.vpc.SecurityGroupEgressRule(`${name}-app-sg-egress`, {
      securityGroupId: appSg.id,
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
      description: "Outbound to AWS APIs, the data tier and the internet through the AZ's NAT",
      tags: tierTags("app", `${appSgName}-egress`),
    }, { parent: this });
    this.appSecurityGroupId = appSg.id;
    this.registerOutputs({ vpcId: this.network.vpcId, appSecurityGroupId: this.appSecurityGroupId });
  }
}

/**
 * AZ names for the cell: pinned in config, or the first `azCount` zones AWS reports as available
 * that need no opt-in (Local and Wavelength Zones do).
 */
function resolveAvailabilityZones(name: string, region: RegionConfig, parent: pulumi.Resource): pulumi.Input<string>[] {
  if (region.availabilityZones) return region.availabilityZones;
  const zones = aws.getAvailabilityZonesOutput({
    state: "available",
    filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
  }, { parent });
  return Array.from({ length: region.azCount }, (_, i) =>
    zones.names.apply((names) => {
      const sorted = [...names].sort();
      if (sorted.length <= i) {
        throw new pulumi.RunError(`${name}: region ${region.name} has ${sorted.length} available AZs, but azCount is ${region.azCount}`);
      }
      return sorted[i];
    }));
}

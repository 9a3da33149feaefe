import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { tierTags } from "../tags";

export interface PrivateZoneArgs {
  /** The zone's name, e.g. `prod.ha-blueprint.internal`. */
  readonly zoneName: string;
  /** Every region's VPC: the zone resolves inside each of them. */
  readonly vpcs: { readonly region: string; readonly vpcId: pulumi.Input<string> }[];
  /** Delete records made outside Pulumi (a drill's repoint) with the zone. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * A Route 53 private hosted zone associated with the VPC of every region, for names that must
 * resolve the same everywhere and move at run time (the session store's writer). Route 53 is
 * global; answers come from each VPC's own Resolver (the data plane), so resolution keeps working
 * when a region or the Route 53 control plane is impaired. Changing a record is a control-plane
 * call in us-east-1, and accelerated recovery does not cover private zones (Route 53 Developer
 * Guide, "Enabling accelerated recovery for managing public DNS records").
 */
export class PrivateZone extends pulumi.ComponentResource {
  public readonly zoneId: pulumi.Output<string>;
  public readonly zoneName: string;

  constructor(name: string, args: PrivateZoneArgs, opts: pulumi.ComponentResourceOptions = {}) {
    if (args.vpcs.length === 0) throw new Error(`PrivateZone ${name}: at least one VPC is needed`);
    super("ha:network:PrivateZone", name, {}, opts);
    const zone = new aws.route53.Zone(`${name}-zone`, {
      name: args.zoneName,
      comment: "ha-blueprint: names that follow the writer regions",
      // Inline associations: every VPC is part of the zone's definition, so none can be left out.
      vpcs: args.vpcs.map((v) => ({ vpcId: v.vpcId, vpcRegion: v.region })),
      forceDestroy: args.forceDestroy ?? false,
      tags: tierTags("network", args.zoneName),
    }, { parent: this });
    this.zoneId = zone.zoneId;
    this.zoneName = args.zoneName;
    this.registerOutputs({ zoneId: this.zoneId });
  }
}

import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName, regionCode } from "../naming";
import { tierTags } from "../tags";
import { cidrsOverlap } from "./cidr";

/** One region's side of the mesh: its VPC and the route tables that must reach the other regions. */
export interface PeeringRegion {
  readonly region: string;
  /** The region's explicit AWS provider: each side of a link is managed in its own region. */
  readonly provider: pulumi.ProviderResource;
  readonly vpcId: pulumi.Input<string>;
  /** Plain: it is the destination of the peer's routes and must be known to check overlaps. */
  readonly vpcCidr: string;
  /** Route tables of the workload (private) subnets, one per AZ. */
  readonly privateRouteTableIds: pulumi.Input<string>[];
  /** Route tables of the data (isolated) subnets: the return path of cross-region connections. */
  readonly isolatedRouteTableIds: pulumi.Input<string>[];
}

export interface InterRegionPeeringArgs {
  readonly stack: string;
  /** Every region of the stack; a link is created for every pair (full mesh). */
  readonly regions: PeeringRegion[];
}

/** One link of the mesh, for the topology output and for tests. */
export interface PeeringLink {
  readonly requesterRegion: string;
  readonly accepterRegion: string;
  readonly connectionId: pulumi.Output<string>;
}

/**
 * Private connectivity between the regional cells: an inter-Region VPC peering connection for
 * every pair of regions (requested from the first region of the pair, accepted in the second),
 * and a route to the peer VPC's CIDR over that connection in every private and isolated route
 * table on both sides.
 *
 * Why peering and not Transit Gateway: a global datastore allows at most three regions, so the
 * mesh has at most three links; peering has no hourly charge, no bandwidth cap per link and no
 * extra hop, and is not a device that can fail on its own (Amazon VPC Peering Guide, "VPC
 * peering basics"). Transit Gateway peering would add an attachment charge per VPC and per peer
 * and a data-processing charge per GB, worth it only past a handful of VPCs. Inter-Region peering
 * cannot reference the peer's security groups, so the data tier admits the peer's workload CIDRs
 * (VPC Peering Guide, "Update your security groups to reference peer security groups").
 *
 * No peering DNS option is set: RDS and ElastiCache endpoints of resources that are not publicly
 * accessible resolve to their private addresses from anywhere, and the option only changes how
 * EC2 public hostnames resolve across the link (VPC Peering Guide, "Enable DNS resolution for a
 * VPC peering connection").
 */
export class InterRegionPeering extends pulumi.ComponentResource {
  public readonly links: PeeringLink[] = [];
  /** Per region, its links as the topology output lists them. */
  public readonly byRegion: Record<string, { peerRegion: string; connectionId: pulumi.Output<string>; peerCidr: string }[]> = {};

  constructor(name: string, args: InterRegionPeeringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const regions = args.regions;
    regions.forEach((a, i) => regions.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a.vpcCidr, b.vpcCidr)) {
        throw new Error(`InterRegionPeering ${name}: ${a.region} (${a.vpcCidr}) and ${b.region} (${b.vpcCidr}) overlap; peered VPCs need distinct CIDRs`);
      }
    }));
    super("ha:network:InterRegionPeering", name, {}, opts);
    for (const r of regions) this.byRegion[r.region] = [];

    regions.forEach((requester, i) => {
      for (const accepter of regions.slice(i + 1)) {
        const key = `${name}-${requester.region}-${accepter.region}`;
        const linkName = physicalName({ stack: args.stack, role: `peering-${regionCode(requester.region)}-${regionCode(accepter.region)}` });
        const connection = new aws.ec2.VpcPeeringConnection(`${key}-request`, {
          vpcId: requester.vpcId,
          peerVpcId: accepter.vpcId,
          peerRegion: accepter.region,
          // Inter-Region requests cannot be auto-accepted from the requester side.
          autoAccept: false,
          tags: tierTags("network", linkName, { Side: "requester" }),
        }, { parent: this, provider: requester.provider });
        const acceptance = new aws.ec2.VpcPeeringConnectionAccepter(`${key}-accept`, {
          vpcPeeringConnectionId: connection.id,
          autoAccept: true,
          tags: tierTags("network", linkName, { Side: "accepter" }),
        }, { parent: this, provider: accepter.provider });

        // Routes wait for the acceptance: until then the connection is pending and has no path.
        const routesTo = (from: PeeringRegion, to: PeeringRegion) => {
          const tables = [
            ...from.privateRouteTableIds.map((id, k) => ({ id, role: `private-az${k + 1}` })),
            ...from.isolatedRouteTableIds.map((id, k) => ({ id, role: from.isolatedRouteTableIds.length > 1 ? `isolated-${k + 1}` : "isolated" })),
          ];
          for (const table of tables) {
            new aws.ec2.Route(`${name}-${from.region}-${table.role}-to-${to.region}`, {
              routeTableId: table.id,
              destinationCidrBlock: to.vpcCidr,
              vpcPeeringConnectionId: connection.id,
            }, { parent: this, provider: from.provider, dependsOn: [acceptance] });
          }
        };
        routesTo(requester, accepter);
        routesTo(accepter, requester);

        this.links.push({ requesterRegion: requester.region, accepterRegion: accepter.region, connectionId: connection.id });
        this.byRegion[requester.region].push({ peerRegion: accepter.region, connectionId: connection.id, peerCidr: accepter.vpcCidr });
        this.byRegion[accepter.region].push({ peerRegion: requester.region, connectionId: connection.id, peerCidr: requester.vpcCidr });
      }
    });
    this.registerOutputs({ connectionIds: this.links.map((l) => l.connectionId) });
  }
}

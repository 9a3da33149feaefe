import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags, type Tier } from "../tags";

/**
 * What a data-tier component needs from one region's cell: the regional provider, the isolated
 * subnets of every AZ and the app tier's workload security group (the only client it admits).
 */
export interface DataRegion {
  readonly region: string;
  /** The region's explicit AWS provider; every regional child is created through it. */
  readonly provider: pulumi.ProviderResource;
  readonly vpcId: pulumi.Input<string>;
  /** One isolated subnet per AZ (no route out of the VPC). The length is the AZ count. */
  readonly isolatedSubnetIds: pulumi.Input<string>[];
  /** The AZ of each isolated subnet, in the same order. */
  readonly availabilityZones: pulumi.Input<string>[];
  /** The app-tier workload security group: the in-region source admitted on the store's port. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /**
   * The workload (private subnet) CIDRs of every other region, admitted on the store's port over
   * the inter-Region peering: inter-Region peering cannot reference a peer's security group.
   */
  readonly peerWorkloadCidrs: PeerWorkloadCidrs[];
}

export interface PeerWorkloadCidrs {
  readonly region: string;
  /** Plain, so the rules are known at plan time. */
  readonly cidrs: string[];
}

/** The shape of a RegionalCell that `dataRegionOf` reads (structural, so there is no import cycle). */
export interface CellLike {
  readonly region: string;
  readonly appSecurityGroupId: pulumi.Input<string>;
  readonly network: {
    readonly vpcId: pulumi.Input<string>;
    readonly isolatedSubnetIds: pulumi.Input<string>[];
    readonly availabilityZones: pulumi.Input<string>[];
    readonly privateSubnetCidrs: string[];
  };
}

/** The data tier's view of one cell; `allCells` gives the other regions' workload CIDRs. */
export function dataRegionOf(cell: CellLike, provider: pulumi.ProviderResource, allCells: CellLike[] = [cell]): DataRegion {
  return {
    region: cell.region,
    provider,
    vpcId: cell.network.vpcId,
    isolatedSubnetIds: cell.network.isolatedSubnetIds,
    availabilityZones: cell.network.availabilityZones,
    appSecurityGroupId: cell.appSecurityGroupId,
    peerWorkloadCidrs: allCells.filter((c) => c.region !== cell.region).map((c) => ({ region: c.region, cidrs: c.network.privateSubnetCidrs })),
  };
}

export interface StoreGuardArgs {
  readonly stack: string;
  readonly region: string;
  readonly tier: Extract<Tier, "database" | "sessions">;
  /** Short role used in physical names, e.g. `aurora` or `sessions`. */
  readonly role: string;
  /** What the key and group protect, for their descriptions. */
  readonly what: string;
  readonly vpcId: pulumi.Input<string>;
  readonly port: number;
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** Other regions' workload CIDRs, admitted on the port over the peering. */
  readonly peerWorkloadCidrs: PeerWorkloadCidrs[];
}

/**
 * The two things every regional store needs around it: a customer-managed KMS key in its own
 * region (encrypted cross-region members cannot use another region's key) and a security group
 * that admits, on the store's port only, the app tier's group of its own region and the workload
 * subnets of every other region (they write here while this region holds the writer). The group
 * has no egress rule: the provider removes AWS's default allow-all egress, and a data store never
 * opens connections (responses to admitted connections are allowed, security groups are stateful).
 */
export function createStoreGuard(name: string, args: StoreGuardArgs, parent: pulumi.Resource): { key: aws.kms.Key; securityGroup: aws.ec2.SecurityGroup } {
  return { key: createStoreKey(name, args, parent), securityGroup: createStoreSecurityGroup(name, args, parent) };
}

/** A customer-managed key in the store's own region, rotated yearly, with an alias naming the store. */
export function createStoreKey(name: string, args: Pick<StoreGuardArgs, "stack" | "region" | "tier" | "role" | "what">, parent: pulumi.Resource): aws.kms.Key {
  const opts = { parent };
  const keyName = physicalName({ stack: args.stack, region: args.region, role: `${args.role}-key` });
  const key = new aws.kms.Key(`${name}-key`, {
    description: `Encrypts ${args.what} at rest (${args.region})`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    tags: tierTags(args.tier, keyName),
  }, opts);
  new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${keyName}`, targetKeyId: key.keyId }, opts);
  return key;
}

/** The store's security group: its port, from the region's app tier and the peers' workload subnets only; no egress. */
export function createStoreSecurityGroup(name: string, args: StoreGuardArgs, parent: pulumi.Resource): aws.ec2.SecurityGroup {
  const opts = { parent };
  const sgName = physicalName({ stack: args.stack, region: args.region, role: args.role });
  const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
    name: sgName,
    description: `${args.what}: admits the app-tier workloads of every region on ${args.port}`,
    vpcId: args.vpcId,
    tags: tierTags(args.tier, sgName),
  }, opts);
  new aws.vpc.SecurityGroupIngressRule(`${name}-sg-from-app`, {
    securityGroupId: securityGroup.id,
    referencedSecurityGroupId: args.appSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: args.port,
    toPort: args.port,
    description: `App-tier workloads to ${args.what}`,
    tags: tierTags(args.tier, `${sgName}-from-app`),
  }, opts);
  for (const peer of args.peerWorkloadCidrs) {
    peer.cidrs.forEach((cidr, k) => {
      new aws.vpc.SecurityGroupIngressRule(`${name}-sg-from-${peer.region}-${k + 1}`, {
        securityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: args.port,
        toPort: args.port,
        cidrIpv4: cidr,
        description: `App-tier workloads of ${peer.region} (subnet ${k + 1}) over the inter-Region peering`,
        tags: tierTags(args.tier, `${sgName}-from-${peer.region}-${k + 1}`),
      }, opts);
    });
  }
  return securityGroup;
}

/**
 * A store's members in one region, grouped under one component that carries the region's
 * provider (`opts.providers`), so every child, including those the guard helpers create, lands
 * in that region.
 */
export class RegionalMember extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
  }

  complete(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

/**
 * A generated password for a Redis-compatible store's user or AUTH token: 64 characters with at
 * least one lower, upper and digit, and only the special characters both ElastiCache AUTH tokens
 * and MemoryDB passwords accept.
 */
export const REDIS_PASSWORD_RECIPE = {
  length: 64,
  special: true,
  overrideSpecial: "!&#$^<>-",
  minLower: 1,
  minUpper: 1,
  minNumeric: 1,
} as const;

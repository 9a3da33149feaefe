import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { DSQL_DATABASE, DSQL_PORT, dsqlPlacementProblems } from "./kinds";
import { createStoreKey, createStoreSecurityGroup, RegionalMember, type DataRegion } from "./regionInput";

export interface DsqlMultiRegionArgs {
  readonly stack: string;
  /** The peered regions: each gets a cluster, an interface endpoint and a peering to the others. */
  readonly regions: DataRegion[];
  /** A third Region of the same DSQL Region set; it holds the log witness, no cluster. */
  readonly witnessRegion: string;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default "customer-managed-key" */
  readonly encryption?: "customer-managed-key" | "aws-owned-key";
  /** The PostgreSQL role workloads log in as (IAM, `dsql:DbConnect`). @default "app" */
  readonly databaseRole?: string;
}

/** One region's peer: what the app tier, backups and the topology read. */
export interface DsqlRegionalPeer {
  readonly region: string;
  readonly identifier: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /**
   * The host pods connect to: `<identifier>.<service>.<region>.on.aws`, where `<service>` is the
   * `dsql-xxxx` part of the cluster's VPC endpoint service name. With private DNS on the interface
   * endpoint it resolves to the endpoint's addresses in this VPC (Aurora DSQL User Guide,
   * "Managing and connecting to Amazon Aurora DSQL clusters using AWS PrivateLink").
   */
  readonly endpoint: pulumi.Output<string>;
  readonly vpcEndpointServiceName: pulumi.Output<string>;
  readonly vpcEndpointId: pulumi.Output<string>;
  /** The customer-managed key, when encryption is customer-managed-key. */
  readonly kmsKeyArn?: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
}

/**
 * The database as Aurora DSQL multi-Region: one `aws.dsql.Cluster` per stack region, all with the
 * same witness Region, and an `aws.dsql.ClusterPeering` from every cluster to the others. Every
 * region reads and writes its own cluster; a commit is durable in two of the three Regions (the
 * peers and the witness) before it returns, so losing one Region loses no acknowledged write and
 * needs no promotion. Losing a peer and the witness together stops writes in the survivor.
 *
 * Clusters are created with the witness first and reach ACTIVE only once peered (Aurora DSQL User
 * Guide, "Configuring multi-Region clusters"); the peerings depend on both clusters, so Pulumi
 * creates them after every cluster exists. Pods reach their cluster privately through an
 * interface VPC endpoint and authenticate with IAM tokens (no password exists anywhere).
 */
export class DsqlMultiRegion extends pulumi.ComponentResource {
  public readonly witnessRegion: string;
  public readonly port = DSQL_PORT;
  public readonly databaseName = DSQL_DATABASE;
  public readonly databaseRole: string;
  public readonly encryption: "customer-managed-key" | "aws-owned-key";
  public readonly deletionProtection: boolean;
  public readonly peers: Record<string, DsqlRegionalPeer> = {};
  private readonly keys: Record<string, aws.kms.Key | undefined> = {};

  constructor(name: string, args: DsqlMultiRegionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const problems = dsqlPlacementProblems(args.regions.map((r) => r.region), args.witnessRegion);
    if (problems.length > 0) throw new Error(`DsqlMultiRegion ${name}: ${problems.map((p) => `${p.key} ${p.message}`).join("; ")}`);
    if (args.regions.length < 2) throw new Error(`DsqlMultiRegion ${name}: ${args.regions.length} region given; a multi-Region cluster peers two`);
    const role = args.databaseRole ?? "app";
    if (role === "admin") throw new Error(`DsqlMultiRegion ${name}: databaseRole admin needs dsql:DbConnectAdmin; workloads use a custom role`);
    super("ha:data:DsqlMultiRegion", name, {}, opts);
    this.witnessRegion = args.witnessRegion;
    this.databaseRole = role;
    this.encryption = args.encryption ?? "customer-managed-key";
    this.deletionProtection = args.deletionProtection ?? true;

    const clusters = args.regions.map((r) => ({ r, ...this.regionalCluster(`${name}-${r.region}`, r, args) }));
    for (const { r, holder, cluster } of clusters) {
      const others = clusters.filter((c) => c.r !== r);
      // Each cluster names its peers; the peering resource is the provider's way to call
      // UpdateCluster with the peers' ARNs once all clusters exist.
      const peering = new aws.dsql.ClusterPeering(`${name}-${r.region}-peering`, {
        identifier: cluster.identifier,
        clusters: others.map((o) => o.cluster.arn),
        witnessRegion: args.witnessRegion,
      }, { parent: holder, provider: r.provider });
      // The endpoint comes after the peering: a multi-Region cluster stays PENDING_SETUP, and
      // serves no connection, until it is peered.
      this.privateAccess(`${name}-${r.region}`, r, args, holder, cluster, peering);
    }
    this.registerOutputs({ witnessRegion: this.witnessRegion });
  }

  private regionalCluster(name: string, r: DataRegion, args: DsqlMultiRegionArgs): { holder: RegionalMember; cluster: aws.dsql.Cluster; key?: aws.kms.Key } {
    const holder = new RegionalMember("ha:data:DsqlRegion", name, { parent: this, providers: [r.provider] });
    const at = { parent: holder };
    const guard = { stack: args.stack, region: r.region, tier: "database" as const, role: "dsql", what: "the Aurora DSQL cluster" };
    const key = this.encryption === "customer-managed-key" ? createStoreKey(name, guard, holder) : undefined;
    if (key) this.keys[r.region] = key;
    const clusterTag = physicalName({ stack: args.stack, region: r.region, role: "dsql" });
    const cluster = new aws.dsql.Cluster(`${name}-cluster`, {
      deletionProtectionEnabled: this.deletionProtection,
      // The key is regional: every peer is encrypted with a key of its own region.
      kmsEncryptionKey: key ? key.arn : "AWS_OWNED_KMS_KEY",
      multiRegionProperties: { witnessRegion: args.witnessRegion },
      tags: tierTags("database", clusterTag),
    }, {
      ...at,
      // The peers are written by the ClusterPeering resources; the cluster itself must not
      // propose to remove them on the next `pulumi up`.
      ignoreChanges: ["multiRegionProperties.clusters"],
    });

    return { holder, cluster, ...(key ? { key } : {}) };
  }

  /** The region's interface endpoint to its cluster, and the peer record the app tier reads. */
  private privateAccess(name: string, r: DataRegion, args: DsqlMultiRegionArgs, holder: RegionalMember, cluster: aws.dsql.Cluster, peering: aws.dsql.ClusterPeering): void {
    const at = { parent: holder };
    // Only this region's workloads use this endpoint: every region writes its own cluster, so the
    // peers' subnets are not admitted.
    const securityGroup = createStoreSecurityGroup(name, {
      stack: args.stack, region: r.region, tier: "database", role: "dsql-endpoint", what: "the Aurora DSQL interface endpoint",
      vpcId: r.vpcId, port: DSQL_PORT, appSecurityGroupId: r.appSecurityGroupId, peerWorkloadCidrs: [],
    }, holder);
    const endpointName = physicalName({ stack: args.stack, region: r.region, role: "dsql-endpoint" });
    const endpoint = new aws.ec2.VpcEndpoint(`${name}-endpoint`, {
      vpcId: r.vpcId,
      serviceName: cluster.vpcEndpointServiceName,
      vpcEndpointType: "Interface",
      // One ENI per AZ: an AZ loss leaves the endpoint reachable in the others.
      subnetIds: r.isolatedSubnetIds,
      securityGroupIds: [securityGroup.id],
      privateDnsEnabled: true,
      tags: tierTags("database", endpointName),
    }, { ...at, dependsOn: [peering] });

    const service = cluster.vpcEndpointServiceName.apply((s) => s.slice(s.lastIndexOf(".") + 1));
    this.peers[r.region] = {
      region: r.region,
      identifier: cluster.identifier,
      arn: cluster.arn,
      endpoint: pulumi.interpolate`${cluster.identifier}.${service}.${r.region}.on.aws`,
      vpcEndpointServiceName: cluster.vpcEndpointServiceName,
      vpcEndpointId: endpoint.id,
      ...(this.keys[r.region] ? { kmsKeyArn: this.keys[r.region]!.arn } : {}),
      securityGroupId: securityGroup.id,
    };
    holder.complete({ identifier: cluster.identifier, endpoint: this.peers[r.region].endpoint });
  }
}

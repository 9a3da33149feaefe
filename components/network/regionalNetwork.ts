import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { planSubnets } from "./cidr";
import { createLogGroupKey } from "../monitoring/logEncryption";

export interface RegionalNetworkArgs {
  /** The region this network lives in; the caller's regional provider must point there too. */
  readonly region: string;
  /** The Pulumi stack name, used in physical names. */
  readonly stack: string;
  /** VPC CIDR (/16../21), carved into per-AZ public, private and isolated subnets. */
  readonly cidr: string;
  /**
   * Availability zones, one entry per AZ the cell spans. The length is the AZ count (plain, because
   * it decides how many resources exist); the names may be Outputs of `aws.getAvailabilityZones`.
   */
  readonly availabilityZones: pulumi.Input<string>[];
  /**
   * `zonal`: a NAT gateway in every AZ and a private route table per AZ that uses the NAT of its own
   * AZ, so losing one AZ never cuts another AZ's egress. `regional`: one NAT gateway with
   * `availabilityMode: "regional"`, which AWS runs in every AZ that has workloads.
   * @default "zonal"
   */
  readonly natGateways?: "zonal" | "regional";
  /** Retention of the flow-log group in days. @default 90 */
  readonly flowLogRetentionDays?: number;
}

/**
 * A VPC across N AZs: per AZ a public subnet (ALB, NAT), a private subnet (EKS nodes and pods) and
 * an isolated subnet (Aurora, ElastiCache; no route out), an internet gateway, NAT per AZ (or a
 * regional NAT), per-AZ private route tables, a closed default security group and VPC flow logs in a
 * log group encrypted with a customer managed key.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidr: string;
  public readonly availabilityZones: pulumi.Output<string>[];
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly isolatedSubnetIds: pulumi.Output<string>[];
  public readonly natGatewayIds: pulumi.Output<string>[];
  /** One per AZ: the route tables of the private (workload) subnets. */
  public readonly privateRouteTableIds: pulumi.Output<string>[];
  /** The one route table of the isolated (data) subnets. */
  public readonly isolatedRouteTableIds: pulumi.Output<string>[];
  /** Plain CIDRs of the private subnets: where EKS nodes and pods take their addresses. */
  public readonly privateSubnetCidrs: string[];
  /** Plain CIDRs of the isolated subnets: where the data stores live. */
  public readonly isolatedSubnetCidrs: string[];

  constructor(name: string, args: RegionalNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:network:RegionalNetwork", name, {}, opts);

    const natMode = args.natGateways ?? "zonal";
    const flowLogRetentionDays = args.flowLogRetentionDays ?? 90;
    const azCount = args.availabilityZones.length;
    if (azCount < 2) {
      throw new Error(`RegionalNetwork ${name}: availabilityZones has ${azCount} entry; at least 2 AZs are needed`);
    }
    const plan = planSubnets(args.cidr, azCount);
    const tags = (role: string, extra: Record<string, string> = {}) =>
      tierTags("network", physicalName({ stack: args.stack, region: args.region, role }), extra);
    const parent = { parent: this };

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: tags("vpc"),
    }, parent);

    // The default security group admits all traffic between its members; strip its rules so
    // nothing can use it by accident (Security Hub EC2.2).
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: tags("default-sg-closed"),
    }, parent);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);

    const publicRouteTable = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tags("public-rt") }, parent);
    new aws.ec2.Route(`${name}-public-default`, {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    }, parent);
    const isolatedRouteTable = new aws.ec2.RouteTable(`${name}-isolated-rt`, { vpcId: vpc.id, tags: tags("isolated-rt") }, parent);

    const regionalNat = natMode === "regional"
      ? new aws.ec2.NatGateway(`${name}-nat-regional`, {
        availabilityMode: "regional",
        connectivityType: "public",
        vpcId: vpc.id,
        tags: tags("nat-regional"),
      }, { parent: this, dependsOn: [igw] })
      : undefined;

    const azs: pulumi.Output<string>[] = [];
    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    const isolatedSubnets: aws.ec2.Subnet[] = [];
    const natGateways: aws.ec2.NatGateway[] = regionalNat ? [regionalNat] : [];
    const privateRouteTables: aws.ec2.RouteTable[] = [];

    plan.forEach((cidrs, i) => {
      const az = pulumi.output(args.availabilityZones[i]);
      const key = `az${i + 1}`;
      azs.push(az);

      const publicSubnet = new aws.ec2.Subnet(`${name}-${key}-public`, {
        vpcId: vpc.id,
        cidrBlock: cidrs.public,
        availabilityZone: az,
        mapPublicIpOnLaunch: false,
        // Discovery tag for internet-facing load balancers created by Kubernetes controllers.
        tags: tags(`${key}-public`, { "ha:subnet-tier": "public", "kubernetes.io/role/elb": "1" }),
      }, parent);
      const privateSubnet = new aws.ec2.Subnet(`${name}-${key}-private`, {
        vpcId: vpc.id,
        cidrBlock: cidrs.private,
        availabilityZone: az,
        tags: tags(`${key}-private`, { "ha:subnet-tier": "private", "kubernetes.io/role/internal-elb": "1" }),
      }, parent);
      const isolatedSubnet = new aws.ec2.Subnet(`${name}-${key}-isolated`, {
        vpcId: vpc.id,
        cidrBlock: cidrs.isolated,
        availabilityZone: az,
        tags: tags(`${key}-isolated`, { "ha:subnet-tier": "isolated" }),
      }, parent);
      publicSubnets.push(publicSubnet);
      privateSubnets.push(privateSubnet);
      isolatedSubnets.push(isolatedSubnet);

      new aws.ec2.RouteTableAssociation(`${name}-${key}-public-rta`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRouteTable.id,
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-${key}-isolated-rta`, {
        subnetId: isolatedSubnet.id,
        routeTableId: isolatedRouteTable.id,
      }, parent);

      let nat = regionalNat;
      if (!nat) {
        const eip = new aws.ec2.Eip(`${name}-${key}-nat-eip`, { domain: "vpc", tags: tags(`${key}-nat-eip`) }, { parent: this, dependsOn: [igw] });
        nat = new aws.ec2.NatGateway(`${name}-${key}-nat`, {
          availabilityMode: "zonal",
          connectivityType: "public",
          subnetId: publicSubnet.id,
          allocationId: eip.allocationId,
          tags: tags(`${key}-nat`),
        }, { parent: this, dependsOn: [igw] });
        natGateways.push(nat);
      }

      const privateRouteTable = new aws.ec2.RouteTable(`${name}-${key}-private-rt`, { vpcId: vpc.id, tags: tags(`${key}-private-rt`) }, parent);
      new aws.ec2.Route(`${name}-${key}-private-default`, {
        routeTableId: privateRouteTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat.id,
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-${key}-private-rta`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRouteTable.id,
      }, parent);
      privateRouteTables.push(privateRouteTable);
    });

    // Flow logs name every peer address of every workload: a customer key, usable only by
    // CloudWatch Logs for this group, keeps reading them an IAM decision the account makes.
    const flowLogGroupName = `/ha/${args.stack}/${args.region}/vpc-flow-logs`;
    const flowLogKey = createLogGroupKey(`${name}-flow-logs-key`, {
      region: args.region,
      logGroupName: flowLogGroupName,
      description: `Encrypts the ${args.region} VPC flow logs of stack ${args.stack}`,
      tags: tags("flow-logs-key"),
    }, parent);
    const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
      name: flowLogGroupName,
      retentionInDays: flowLogRetentionDays,
      kmsKeyId: flowLogKey.arn,
      tags: tags("flow-logs"),
    }, parent);
    const flowLogRole = new aws.iam.Role(`${name}-flow-logs-role`, {
      // IAM is global: the region in the name keeps the two cells' roles apart.
      name: physicalName({ stack: args.stack, region: args.region, role: "vpc-flow-logs" }, 64),
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: tags("vpc-flow-logs-role"),
    }, parent);
    new aws.iam.RolePolicy(`${name}-flow-logs-policy`, {
      role: flowLogRole.id,
      policy: flowLogGroup.arn.apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
          Resource: [arn, `${arn}:*`],
        }],
      })),
    }, parent);
    new aws.ec2.FlowLog(`${name}-flow-log`, {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      tags: tags("flow-log"),
    }, parent);

    this.vpcId = vpc.id;
    this.vpcCidr = args.cidr;
    this.availabilityZones = azs;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.isolatedSubnetIds = isolatedSubnets.map((s) => s.id);
    this.natGatewayIds = natGateways.map((n) => n.id);
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);
    this.isolatedRouteTableIds = [isolatedRouteTable.id];
    this.privateSubnetCidrs = plan.map((c) => c.private);
    this.isolatedSubnetCidrs = plan.map((c) => c.isolated);
    this.registerOutputs({
      vpcId: this.vpcId,
      availabilityZones: this.availabilityZones,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      natGatewayIds: this.natGatewayIds,
    });
  }
}

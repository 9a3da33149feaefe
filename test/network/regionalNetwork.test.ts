import { beforeAll, describe, expect, it } from "vitest";
import { cidrsOverlap } from "../../components/network/cidr";
import { planStack, type Plan } from "../helpers/plan";

describe("RegionalNetwork in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("creates one VPC per configured region, each through that region's provider", () => {
    const vpcs = plan.ofType("aws:ec2/vpc:Vpc");
    expect(vpcs.map((v) => plan.regionOf(v)).sort()).toEqual(["us-east-1", "us-west-2"]);
  });

  it("puts a public, a private and an isolated subnet in each of the three AZs of every region", () => {
    const subnets = plan.ofType("aws:ec2/subnet:Subnet");
    for (const region of ["us-east-1", "us-west-2"]) {
      const mine = subnets.filter((s) => plan.regionOf(s) === region);
      const byTier = (tier: string) => mine.filter((s) => (s.inputs?.tags as Record<string, string>)["ha:subnet-tier"] === tier);
      for (const tier of ["public", "private", "isolated"]) {
        const azs = byTier(tier).map((s) => s.inputs?.availabilityZone);
        expect(new Set(azs).size, `${region} ${tier}`).toBe(3);
        expect(azs.every((az) => String(az).startsWith(region))).toBe(true);
      }
    }
  });

  it("has no overlapping subnet CIDRs across both regions", () => {
    const cidrs = plan.ofType("aws:ec2/subnet:Subnet").map((s) => String(s.inputs?.cidrBlock));
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(cidrs[i], cidrs[j]), `${cidrs[i]} vs ${cidrs[j]}`).toBe(false);
    }
  });

  it("places one zonal NAT gateway in each AZ's public subnet", () => {
    for (const region of ["us-east-1", "us-west-2"]) {
      const nats = plan.ofType("aws:ec2/natGateway:NatGateway").filter((n) => plan.regionOf(n) === region);
      expect(nats).toHaveLength(3);
      const azs = nats.map((n) => {
        const subnet = plan.byUrn(n.propertyDependencies!.subnetId![0]);
        expect(subnet.type).toBe("aws:ec2/subnet:Subnet");
        expect((subnet.inputs?.tags as Record<string, string>)["ha:subnet-tier"]).toBe("public");
        return subnet.inputs?.availabilityZone;
      });
      expect(new Set(azs).size).toBe(3);
    }
  });

  it("routes each private subnet's default route through the NAT gateway of its own AZ", () => {
    const assocs = plan.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation");
    const routes = plan.ofType("aws:ec2/route:Route");
    const privateSubnets = plan.ofType("aws:ec2/subnet:Subnet").filter((s) => (s.inputs?.tags as Record<string, string>)["ha:subnet-tier"] === "private");
    expect(privateSubnets).toHaveLength(6);
    for (const subnet of privateSubnets) {
      const assoc = assocs.find((a) => a.propertyDependencies?.subnetId?.[0] === subnet.urn)!;
      const tableUrn = assoc.propertyDependencies!.routeTableId![0];
      const defaults = routes.filter((r) => r.propertyDependencies?.routeTableId?.[0] === tableUrn && r.inputs?.destinationCidrBlock === "0.0.0.0/0");
      expect(defaults).toHaveLength(1);
      const nat = plan.byUrn(defaults[0].propertyDependencies!.natGatewayId![0]);
      const natSubnet = plan.byUrn(nat.propertyDependencies!.subnetId![0]);
      expect(natSubnet.inputs?.availabilityZone).toBe(subnet.inputs?.availabilityZone);
    }
  });

  it("gives isolated subnets no route out of the VPC except to the peer region over the peering", () => {
    const isolatedTables = plan.ofType("aws:ec2/routeTable:RouteTable").filter((t) => String((t.inputs?.tags as Record<string, string>).Name).endsWith("isolated-rt"));
    expect(isolatedTables).toHaveLength(2);
    const routes = plan.ofType("aws:ec2/route:Route").filter((r) => isolatedTables.some((t) => r.propertyDependencies?.routeTableId?.[0] === t.urn));
    expect(routes).toHaveLength(2);
    for (const route of routes) {
      expect(Object.keys(route.inputs!).sort()).toEqual(["destinationCidrBlock", "routeTableId", "vpcPeeringConnectionId"]);
      expect(plan.byUrn(route.propertyDependencies!.vpcPeeringConnectionId![0]).type).toBe("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
      expect(["10.20.0.0/16", "10.21.0.0/16"]).toContain(route.inputs?.destinationCidrBlock);
    }
  });

  it("encrypts every log group of the plan (flow logs, control plane, functions) with a customer key that only that region's CloudWatch Logs may use, for that group", () => {
    const groups = plan.ofType("aws:cloudwatch/logGroup:LogGroup");
    expect(groups.filter((g) => String(g.inputs?.name).endsWith("/vpc-flow-logs"))).toHaveLength(2);
    expect(groups.filter((g) => /^\/aws\/eks\/.+\/cluster$/.test(String(g.inputs?.name)))).toHaveLength(2);
    // Every function of the plan (restore validation, recovery) logs to a group declared here.
    const functions = plan.ofType("aws:lambda/function:Function");
    expect(functions.length).toBeGreaterThan(2);
    expect(groups.filter((g) => String(g.inputs?.name).startsWith("/aws/lambda/"))).toHaveLength(functions.length);
    for (const fn of functions) {
      expect(groups.map((g) => g.inputs?.name), String(fn.inputs?.name)).toContain((fn.inputs?.loggingConfig as { logGroup?: string } | undefined)?.logGroup);
    }
    for (const group of groups) {
      const keys = (group.propertyDependencies?.kmsKeyId ?? []).map((urn) => plan.byUrn(urn));
      expect(keys.map((k) => k.type), String(group.inputs?.name)).toEqual(["aws:kms/key:Key"]);
      const region = plan.regionOf(group);
      expect(plan.regionOf(keys[0])).toBe(region);
      const statements = JSON.parse(String(keys[0].inputs?.policy)).Statement as Record<string, any>[];
      const logs = statements.filter((st) => st.Principal?.Service);
      expect(logs).toHaveLength(1);
      expect(logs[0].Principal.Service).toBe(`logs.${region}.amazonaws.com`);
      expect(logs[0].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe(`arn:aws:logs:${region}:123456789012:log-group:${group.inputs?.name}`);
    }
  });

  it("turns on VPC flow logs for all traffic in every VPC", () => {
    const logs = plan.ofType("aws:ec2/flowLog:FlowLog");
    expect(logs).toHaveLength(2);
    for (const l of logs) {
      expect(l.inputs?.trafficType).toBe("ALL");
      expect(l.propertyDependencies?.vpcId).toHaveLength(1);
    }
  });
});

describe("RegionalNetwork with a regional NAT gateway", () => {
  it("creates one regional NAT per VPC and points every private route table at it", async () => {
    const plan = await planStack("dev", { "ha-blueprint:network": { natGateways: "regional" } });
    const nats = plan.ofType("aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(2);
    expect(nats.every((n) => n.inputs?.availabilityMode === "regional" && n.inputs?.subnetId === undefined)).toBe(true);
    expect(plan.ofType("aws:ec2/eip:Eip")).toHaveLength(0);
    const privateDefaults = plan.ofType("aws:ec2/route:Route").filter((r) => r.propertyDependencies?.natGatewayId?.length);
    expect(privateDefaults).toHaveLength(4);
  });
});

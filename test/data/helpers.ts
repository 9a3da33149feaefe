import { expect } from "vitest";
import { isSecretValue, type ExportedResource } from "../../plan/stackExport";
import { nameOf, type Plan } from "../helpers/plan";

/** Queries over the data tier's part of a plan graph. */

export const T = {
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  cluster: "aws:rds/cluster:Cluster",
  instance: "aws:rds/clusterInstance:ClusterInstance",
  dbSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  paramGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  globalReplicationGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  kmsKey: "aws:kms/key:Key",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  subnet: "aws:ec2/subnet:Subnet",
  password: "random:index/randomPassword:RandomPassword",
  memorydbMultiRegion: "aws:memorydb/multiRegionCluster:MultiRegionCluster",
  memorydbCluster: "aws:memorydb/cluster:Cluster",
  memorydbSubnetGroup: "aws:memorydb/subnetGroup:SubnetGroup",
  memorydbAcl: "aws:memorydb/acl:Acl",
  memorydbUser: "aws:memorydb/user:User",
  dsqlCluster: "aws:dsql/cluster:Cluster",
  dsqlPeering: "aws:dsql/clusterPeering:ClusterPeering",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  configMap: "kubernetes:core/v1:ConfigMap",
} as const;

/** The app's environment ConfigMap in a region (the one carrying APP_REGION). */
export function appEnv(plan: Plan, region: string): Record<string, string> {
  const found = plan.ofType(T.configMap).map((c) => c.inputs?.data as Record<string, string> | undefined).filter((d) => d?.APP_REGION === region);
  expect(found, `app environment in ${region}`).toHaveLength(1);
  return found[0]!;
}

export function tags(r: ExportedResource): Record<string, string> {
  return (r.inputs?.tags ?? {}) as Record<string, string>;
}

/** Resources of a type whose provider points at `region`. */
export function inRegion(plan: Plan, type: string, region: string): ExportedResource[] {
  return plan.ofType(type).filter((r) => plan.regionOf(r) === region);
}

/** The one resource an input refers to, through the recorded propertyDependencies edge. */
export function ref(plan: Plan, r: ExportedResource, key: string): ExportedResource {
  const urns = r.propertyDependencies?.[key] ?? [];
  expect(urns, `${nameOf(r)}.${key} should refer to exactly one resource`).toHaveLength(1);
  return plan.byUrn(urns[0]);
}

/** All resources an input refers to. */
export function refs(plan: Plan, r: ExportedResource, key: string): ExportedResource[] {
  return (r.propertyDependencies?.[key] ?? []).map((u) => plan.byUrn(u));
}

export function isSecret(v: unknown): boolean {
  return isSecretValue(v);
}

/** Isolated subnets of a region, as the network component tags them. */
export function isolatedSubnets(plan: Plan, region: string): ExportedResource[] {
  return inRegion(plan, T.subnet, region).filter((s) => tags(s)["ha:subnet-tier"] === "isolated");
}

/** The app-tier workload security group of a region (created by its RegionalCell). */
export function appSecurityGroup(plan: Plan, region: string): ExportedResource {
  const found = inRegion(plan, T.securityGroup, region).filter((g) => tags(g)["ha:tier"] === "app");
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every resource below `root` in the parent tree. */
export function descendants(plan: Plan, root: ExportedResource): ExportedResource[] {
  const out: ExportedResource[] = [];
  const walk = (urn: string) => {
    for (const r of plan.resources.filter((x) => x.parent === urn)) {
      out.push(r);
      walk(r.urn);
    }
  };
  walk(root.urn);
  return out;
}

/** Asserts the naming convention: every child's logical name starts with its parent's. */
export function expectChildNamesPrefixed(plan: Plan, root: ExportedResource): void {
  for (const r of descendants(plan, root)) {
    const parentName = nameOf(plan.byUrn(r.parent!));
    expect(nameOf(r).startsWith(`${parentName}-`), `${nameOf(r)} under ${parentName}`).toBe(true);
  }
}

export function countBy<T>(items: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/** Private (workload) subnets of a region, as the network component tags them. */
export function privateSubnets(plan: Plan, region: string): ExportedResource[] {
  return inRegion(plan, T.subnet, region).filter((s) => tags(s)["ha:subnet-tier"] === "private");
}

/**
 * Asserts what a data store's security group admits: its own region's app-tier group, and the
 * workload subnets of every other region by CIDR (inter-Region peering cannot reference groups),
 * all on `port` only, with no egress rule.
 */
export function expectStoreAdmitsWorkloadsOfEveryRegion(plan: Plan, sg: ExportedResource, region: string, regions: string[], port: number): void {
  expect(sg.inputs?.ingress).toBeUndefined();
  expect(sg.inputs?.egress).toBeUndefined();
  const rules = plan.ofType(T.ingress).filter((r) => ref(plan, r, "securityGroupId").urn === sg.urn);
  for (const rule of rules) expect(rule.inputs, nameOf(rule)).toMatchObject({ ipProtocol: "tcp", fromPort: port, toPort: port });
  const bySg = rules.filter((r) => r.inputs?.referencedSecurityGroupId !== undefined);
  expect(bySg).toHaveLength(1);
  expect(ref(plan, bySg[0], "referencedSecurityGroupId").urn).toBe(appSecurityGroup(plan, region).urn);
  const expectedCidrs = regions.filter((r) => r !== region).flatMap((peer) => privateSubnets(plan, peer).map((s) => String(s.inputs?.cidrBlock))).sort();
  expect(expectedCidrs.length).toBeGreaterThan(0);
  expect(rules.filter((r) => r.inputs?.cidrIpv4 !== undefined).map((r) => String(r.inputs?.cidrIpv4)).sort()).toEqual(expectedCidrs);
  expect(rules.every((r) => r.inputs?.cidrIpv6 === undefined && r.inputs?.prefixListId === undefined)).toBe(true);
  expect(plan.ofType(T.egress).filter((r) => r.propertyDependencies?.securityGroupId?.[0] === sg.urn)).toEqual([]);
}

/** Asserts a store's security group admits its own region's app-tier group on `port` and nothing else: no CIDR, no egress. */
export function expectStoreAdmitsOnlyItsRegion(plan: Plan, sg: ExportedResource, region: string, port: number): void {
  expect(sg.inputs?.ingress).toBeUndefined();
  expect(sg.inputs?.egress).toBeUndefined();
  const rules = plan.ofType(T.ingress).filter((r) => ref(plan, r, "securityGroupId").urn === sg.urn);
  expect(rules).toHaveLength(1);
  expect(rules[0].inputs).toMatchObject({ ipProtocol: "tcp", fromPort: port, toPort: port });
  expect(ref(plan, rules[0], "referencedSecurityGroupId").urn).toBe(appSecurityGroup(plan, region).urn);
  expect(plan.ofType(T.egress).filter((r) => r.propertyDependencies?.securityGroupId?.[0] === sg.urn)).toEqual([]);
}

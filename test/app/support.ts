import type { ExportedResource } from "../../plan/stackExport";
import { nameOf, type Plan } from "../helpers/plan";

/** Queries over one region's app tier in a plan graph. */

export const T = {
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  attachment: "aws:autoscaling/attachment:Attachment",
  asgTag: "aws:autoscaling/tag:Tag",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  addon: "aws:eks/addon:Addon",
  k8sProvider: "pulumi:providers:kubernetes",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
} as const;

export const REGIONS = ["us-east-1", "us-west-2"];

/** The AppTier component of a region (logical name `ha-<region>-app` in the real program). */
export function appTierOf(plan: Plan, region: string): ExportedResource {
  return plan.byName(`ha-${region}-app`);
}

/** Resources of a type whose parent is the region's AppTier. */
export function appChildren(plan: Plan, region: string, type: string): ExportedResource[] {
  const tier = appTierOf(plan, region);
  return plan.ofType(type).filter((r) => r.parent === tier.urn);
}

export function only(list: ExportedResource[], what: string): ExportedResource {
  if (list.length !== 1) throw new Error(`expected exactly one ${what}, found ${list.length}`);
  return list[0];
}

export function inputs(r: ExportedResource): Record<string, any> {
  return (r.inputs ?? {}) as Record<string, any>;
}

export function tagsOf(r: ExportedResource): Record<string, string> {
  return (inputs(r).tags ?? {}) as Record<string, string>;
}

/** The resources an input points at, through the recorded property dependency edge. */
export function refsOf(plan: Plan, r: ExportedResource, key: string): ExportedResource[] {
  return (r.propertyDependencies?.[key] ?? []).map((urn) => plan.byUrn(urn));
}

export function azsOfSubnets(plan: Plan, r: ExportedResource, key: string): string[] {
  return refsOf(plan, r, key)
    .filter((s) => s.type === T.subnet)
    .map((s) => String(inputs(s).availabilityZone))
    .sort();
}

/** AZs of the region's VPC subnets of one tier (public, private, isolated). */
export function regionAzs(plan: Plan, region: string, tier = "private"): string[] {
  return plan
    .ofType(T.subnet)
    .filter((s) => plan.regionOf(s) === region && tagsOf(s)["ha:subnet-tier"] === tier)
    .map((s) => String(inputs(s).availabilityZone))
    .sort();
}

/** The URN part of a `urn::id` provider reference. */
export function providerUrnOf(r: ExportedResource): string | undefined {
  return r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : undefined;
}

export { nameOf };

import { GLOBAL, isUnknown, type GraphNode, type ResourceGraph } from "../../graph/model";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { asList, asString, field, list } from "../engine/values";
import { perGraph } from "../../graph/memo";

/** Type tokens of `@pulumi/aws` 7.48 and `@pulumi/kubernetes` 4.34 the rules read. */
export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  mainRouteTableAssociation: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  flowLog: "aws:ec2/flowLog:FlowLog",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  /** `aws.lb.*` and `aws.alb.*` are distinct tokens for the same AWS resources. */
  loadBalancers: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  targetGroups: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  targetGroupAttachments: ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment"],
  listeners: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  listenerRules: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
  classicLoadBalancer: "aws:elb/loadBalancer:LoadBalancer",
  autoscalingGroup: "aws:autoscaling/group:Group",
  asgTag: "aws:autoscaling/tag:Tag",
  asgAttachment: "aws:autoscaling/attachment:Attachment",
  asgTrafficSource: "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment",
  eksCluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  fargateProfile: "aws:eks/fargateProfile:FargateProfile",
  eksAddon: "aws:eks/addon:Addon",
  karpenterNodePools: ["kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodePool", "kubernetes:karpenter.sh/v1alpha5:Provisioner"],
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  ecsService: "aws:ecs/service:Service",
  appAutoscalingTarget: "aws:appautoscaling/target:Target",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  replicaSet: "kubernetes:apps/v1:ReplicaSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  pod: "kubernetes:core/v1:Pod",
  service: "kubernetes:core/v1:Service",
  hpas: ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"],
  pdbs: ["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"],
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  rdsCluster: "aws:rds/cluster:Cluster",
  clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsInstance: "aws:rds/instance:Instance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  serverlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
  globalReplicationGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  memorydbMultiRegionCluster: "aws:memorydb/multiRegionCluster:MultiRegionCluster",
  memorydbCluster: "aws:memorydb/cluster:Cluster",
  memorydbSubnetGroup: "aws:memorydb/subnetGroup:SubnetGroup",
  dsqlCluster: "aws:dsql/cluster:Cluster",
  dsqlPeering: "aws:dsql/clusterPeering:ClusterPeering",
  backupVault: "aws:backup/vault:Vault",
  backupPlan: "aws:backup/plan:Plan",
  backupSelection: "aws:backup/selection:Selection",
  vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  kmsKey: "aws:kms/key:Key",
  kmsReplicaKey: "aws:kms/replicaKey:ReplicaKey",
  accelerator: "aws:globalaccelerator/accelerator:Accelerator",
  gaListener: "aws:globalaccelerator/listener:Listener",
  endpointGroup: "aws:globalaccelerator/endpointGroup:EndpointGroup",
  record: "aws:route53/record:Record",
  healthCheck: "aws:route53/healthCheck:HealthCheck",
  metricAlarms: ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"],
  dynamoTable: "aws:dynamodb/table:Table",
  efs: "aws:efs/fileSystem:FileSystem",
  ebsVolume: "aws:ebs/volume:Volume",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  /** `aws.s3.Bucket` and the deprecated `aws.s3.BucketV2` are distinct tokens for the same bucket. */
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  bucketVersionings: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  bucketReplication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  bucketLoggings: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
} as const;

export const minAzsSpec = {
  type: "integer",
  minimum: 1,
  default: 2,
  description: "Distinct availability zones required (prod policy config raises it to 3).",
} as const satisfies PolicyConfigJSONSchema;

export const minRegionsSpec = {
  type: "integer",
  minimum: 1,
  default: 2,
  description: "Distinct regions required.",
} as const satisfies PolicyConfigJSONSchema;

/** A region a resource is attributed to, or undefined for global or unattributable resources. */
export function regionalOf(graph: ResourceGraph, n: GraphNode): string | undefined {
  const r = graph.regionOf(n);
  return r && r !== GLOBAL ? r : undefined;
}

/** The AZs of a set of subnets (or subnet groups), and how many of them a preview cannot place. */
export function azSpan(graph: ResourceGraph, nodes: readonly GraphNode[]): { azs: string[]; unknown: number } {
  const azs = new Set<string>();
  let unknown = 0;
  for (const n of nodes) {
    const found = graph.azsOf(n);
    if (found.length === 0) unknown++;
    found.forEach((az) => azs.add(az));
  }
  return { azs: [...azs].sort(), unknown };
}

/** Subnets an input names: direct Subnet references, or the subnets of a referenced subnet group. */
export function subnetsOf(graph: ResourceGraph, n: GraphNode, key: string): GraphNode[] {
  return graph.refs(n, key).filter((d) => d.type === T.subnet || d.type === T.rdsSubnetGroup || d.type === T.cacheSubnetGroup);
}

/**
 * The subnets an input places a resource in, and whether some entries could not be placed: a
 * known list naming subnets outside the graph (another stack's), or an unknown list with no edge.
 */
export function placedSubnets(graph: ResourceGraph, n: GraphNode, path: string): { subnets: GraphNode[]; unplaced: boolean } {
  const subnets = graph.refs(n, path).filter((s) => s.type === T.subnet || s.type === T.rdsSubnetGroup || s.type === T.cacheSubnetGroup);
  const declared = asList(graph.prop(n, path));
  if (isUnknown(declared)) return { subnets, unplaced: subnets.length === 0 };
  return { subnets, unplaced: declared.length > subnets.length };
}

/** Number of entries of a list input, or undefined when a preview does not know the list. */
export function countOf(v: unknown): number | undefined {
  const l = asList(v);
  return isUnknown(l) ? undefined : l.length;
}

const PRIVATE_V4 = [
  [10 << 24, 8],
  [(172 << 24) | (16 << 16), 12],
  [(192 << 24) | (168 << 16), 16],
  [(100 << 24) | (64 << 16), 10],
] as const;

/** True for CIDRs inside RFC 1918 / RFC 6598 space (or IPv6 ULA); false for anything reachable from the internet. */
export function isPrivateCidr(cidr: string): boolean {
  if (cidr.includes(":")) return /^f[cd][0-9a-f]{2}:/i.test(cidr);
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) return false;
  const ip = ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0;
  const prefix = +m[5];
  return PRIVATE_V4.some(([base, bits]) => prefix >= bits && (ip >>> (32 - bits)) === (base >>> (32 - bits)));
}

export const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/** One ingress permission of a security group, wherever it is declared. */
export interface Ingress {
  /** The resource that declares it: the group (inline rules) or a rule resource. */
  readonly declaredBy: GraphNode;
  readonly cidrs: string[];
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly protocol?: string;
}

function ports(from: unknown, to: unknown): { fromPort?: number; toPort?: number } {
  return { fromPort: typeof from === "number" ? from : undefined, toPort: typeof to === "number" ? to : undefined };
}

/** Ingress permissions of a group: inline `ingress`, `ec2.SecurityGroupRule` and `vpc.SecurityGroupIngressRule` resources. */
export function ingressOf(graph: ResourceGraph, sg: GraphNode): Ingress[] {
  const out: Ingress[] = [];
  const inline = asList(graph.prop(sg, "ingress"));
  if (!isUnknown(inline)) {
    for (const r of inline) {
      const cidrs = [...strings(field(r, "cidrBlocks")), ...strings(field(r, "ipv6CidrBlocks"))];
      out.push({ declaredBy: sg, cidrs, ...ports(field(r, "fromPort"), field(r, "toPort")), protocol: str(field(r, "protocol")) });
    }
  }
  for (const rule of graph.incoming(sg, "securityGroupId", [T.securityGroupRule, T.ingressRule])) {
    if (rule.type === T.securityGroupRule) {
      if (graph.prop(rule, "type") !== "ingress") continue;
      const cidrs = [...strings(graph.prop(rule, "cidrBlocks")), ...strings(graph.prop(rule, "ipv6CidrBlocks"))];
      out.push({ declaredBy: rule, cidrs, ...ports(graph.prop(rule, "fromPort"), graph.prop(rule, "toPort")), protocol: str(graph.prop(rule, "protocol")) });
    } else {
      const cidrs = [graph.prop(rule, "cidrIpv4"), graph.prop(rule, "cidrIpv6")].filter((c): c is string => typeof c === "string");
      out.push({ declaredBy: rule, cidrs, ...ports(graph.prop(rule, "fromPort"), graph.prop(rule, "toPort")), protocol: str(graph.prop(rule, "ipProtocol")) });
    }
  }
  return out;
}

function strings(v: unknown): string[] {
  const l = asList(v);
  return isUnknown(l) ? [] : l.filter((x): x is string => typeof x === "string");
}

function str(v: unknown): string | undefined {
  const s = asString(v);
  return typeof s === "string" ? s : undefined;
}

/** A string-keyed map input (labels, selectors); undefined when absent or unknown. */
export function labelsOf(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v) || isUnknown(v)) return undefined;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === "string")) as Record<string, string>;
}

/** Whether every key/value of `selector` appears in `labels` (a Service selector, or matchLabels). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !labels || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * Whether a Kubernetes LabelSelector (`matchLabels` and `matchExpressions`, ANDed) selects pods
 * with `labels`. An empty selector selects every pod where the API says so (a policy/v1
 * PodDisruptionBudget); pass `emptyMatchesAll` for those. undefined when the selector is unknown.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined, emptyMatchesAll = false): boolean | undefined {
  if (isUnknown(selector)) return undefined;
  if (!selector || typeof selector !== "object" || Array.isArray(selector) || !labels) return false;
  const matchLabels = field(selector, "matchLabels");
  const expressions = asList(field(selector, "matchExpressions"));
  if (isUnknown(matchLabels) || isUnknown(expressions)) return undefined;
  const ml = labelsOf(matchLabels) ?? {};
  if (Object.keys(ml).length === 0 && expressions.length === 0) return emptyMatchesAll;
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  return expressions.every((e) => {
    const key = field(e, "key");
    const op = field(e, "operator");
    const values = asList(field(e, "values"));
    if (typeof key !== "string" || isUnknown(values)) return false;
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    if (op === "In") return has && values.includes(labels[key]);
    if (op === "NotIn") return !has || !values.includes(labels[key]);
    if (op === "Exists") return has;
    if (op === "DoesNotExist") return !has;
    return false;
  });
}

/** Types that mark a region as serving users: its entry and compute. */
const SERVING_TYPES = [...T.loadBalancers, T.classicLoadBalancer, T.eksCluster, T.ecsService, T.autoscalingGroup, T.instance] as const;

/**
 * The regions the stack serves users from (load balancers and compute), sorted. A multi-region
 * data store must have a member in each: a region without one has no local data to serve with.
 */
export const servingRegions = perGraph((graph: ResourceGraph): string[] => {
  const regions = new Set<string>();
  for (const n of graph.ofType(...SERVING_TYPES)) {
    const r = regionalOf(graph, n);
    if (r) regions.add(r);
  }
  return [...regions].sort();
});

/**
 * How a span of AZs reads in a message: the known AZs, and the placements the graph cannot name
 * (a subnet without an AZ input, a preview), which are unknown, never zero.
 */
export function azsText(azs: readonly string[], unknown: number): string {
  const known = `${azs.length} availability zone(s) (${list(azs)})`;
  return unknown > 0 ? `${known} plus ${unknown} placement(s) whose AZ the graph does not say` : known;
}

import { GLOBAL, plain, type GraphNode, type ResourceGraph, plainNumber as num } from "../graph/model";

/**
 * The serving resources of each tier and how they hang together, read once from the graph
 * (domain-independent): which node groups belong to which EKS cluster, which instances to which
 * Aurora cluster, which cluster writes, which Redis group is the global primary, where backups are
 * copied, which ALB each entry points at. Relationships come from graph edges only.
 */

export const T = {
  alb: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  eks: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  asg: "aws:autoscaling/group:Group",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  hpa: ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"],
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  cluster: "aws:rds/cluster:Cluster",
  instance: "aws:rds/clusterInstance:ClusterInstance",
  rdsInstance: "aws:rds/instance:Instance",
  dsqlCluster: "aws:dsql/cluster:Cluster",
  memorydbCluster: "aws:memorydb/cluster:Cluster",
  memorydbMultiRegion: "aws:memorydb/multiRegionCluster:MultiRegionCluster",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  globalReplicationGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  vault: "aws:backup/vault:Vault",
  plan: "aws:backup/plan:Plan",
  selection: "aws:backup/selection:Selection",
  accelerator: "aws:globalaccelerator/accelerator:Accelerator",
  listener: "aws:globalaccelerator/listener:Listener",
  endpointGroup: "aws:globalaccelerator/endpointGroup:EndpointGroup",
  record: "aws:route53/record:Record",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  k8sProvider: "pulumi:providers:kubernetes",
  ecsService: "aws:ecs/service:Service",
  fargateProfile: "aws:eks/fargateProfile:FargateProfile",
} as const;

/** A Deployment that serves traffic (see `servingDeployments`). */
export interface Deployment {
  readonly node: GraphNode;
  readonly cluster?: GraphNode;
  /** Steady-state pods: the HPA's minReplicas when one targets it, else spec.replicas. */
  readonly replicas: number;
  readonly hpa?: GraphNode;
  /** A zone topology spread with DoNotSchedule: the spread is enforced, not best effort. */
  readonly zoneSpread: "enforced" | "preferred" | "none";
}

export interface EntryPoint {
  /** A GA endpoint group or a Route 53 record. */
  readonly node: GraphNode;
  readonly region?: string;
  /** Resources that must be alive for this entry to route at all (accelerator, listener). */
  readonly requires: GraphNode[];
  /** The regional load balancers it sends traffic to. */
  readonly targets: GraphNode[];
  /** Unhealthy targets stop receiving traffic by themselves (GA always; Route 53 with a health check). */
  readonly healthChecked: boolean;
  readonly trafficDial?: number;
}

export interface BackupPlanInfo {
  readonly plan: GraphNode;
  readonly region?: string;
  readonly targetVaults: GraphNode[];
  readonly copyVaults: GraphNode[];
  /** Copy destinations named by ARN whose vault is not in this graph (another stack), by region. */
  readonly externalCopyRegions: string[];
  readonly selections: GraphNode[];
}

export interface Inventory {
  readonly albs: GraphNode[];
  readonly eksClusters: GraphNode[];
  /** Node capacity (managed node groups and ASGs), with the EKS cluster each belongs to. */
  readonly nodePools: { node: GraphNode; cluster?: GraphNode; minSize: number }[];
  readonly deployments: Deployment[];
  readonly globalClusters: GraphNode[];
  /**
   * Database clusters: Aurora clusters with their instances; RDS DB instances (their own single
   * unit, Multi-AZ or not); Aurora DSQL clusters (`multiWriter`: every peer takes writes, serverless
   * and Multi-AZ, counted as one unit).
   */
  readonly dbClusters: { node: GraphNode; global?: GraphNode; instances: GraphNode[]; multiWriter?: boolean }[];
  /** The cluster that takes writes (globalClusterMembers.isWriter, else inputs, else config). */
  readonly writerCluster?: GraphNode;
  /** Session stores: ElastiCache replication groups, and MemoryDB clusters (`multiWriter` members of a multi-Region cluster). */
  readonly replicationGroups: { node: GraphNode; global?: GraphNode; primary: boolean; multiWriter?: boolean }[];
  readonly backupPlans: BackupPlanInfo[];
  readonly vaults: GraphNode[];
  readonly entries: EntryPoint[];
  /** How clients reach the regions. */
  readonly entryKind: "accelerator" | "route53" | "none";
}

/** The EKS cluster behind a Kubernetes object: its provider is built from the cluster's outputs. */
export function clusterOfK8s(graph: ResourceGraph, n: GraphNode): GraphNode | undefined {
  const provider = graph.providerOf(n);
  if (!provider || provider.type !== T.k8sProvider) return undefined;
  return [...Object.values(provider.propertyDependencies).flat(), ...provider.dependencies]
    .map((u) => graph.get(u))
    .find((d): d is GraphNode => !!d && d.type === T.eks);
}

function labelsOf(v: unknown): Record<string, unknown> {
  const p = plain(v);
  return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/**
 * Deployments that take traffic: selected by a Service of the same cluster. Add-ons (the cluster
 * autoscaler, controllers) have no Service and do not count as app capacity. A graph without any
 * Service (a hand-written one) counts every Deployment.
 */
function servingDeployments(graph: ResourceGraph, deployments: GraphNode[]): GraphNode[] {
  const services = graph.ofType(T.service);
  if (services.length === 0) return deployments;
  return deployments.filter((d) => {
    const labels = labelsOf(graph.prop(d, "spec.template.metadata.labels"));
    const cluster = clusterOfK8s(graph, d);
    return services.some((s) => {
      const selector = Object.entries(labelsOf(graph.prop(s, "spec.selector")));
      return selector.length > 0 && clusterOfK8s(graph, s) === cluster && selector.every(([k, v]) => plain(labels[k]) === plain(v));
    });
  });
}

function deploymentsOf(graph: ResourceGraph): Deployment[] {
  const hpas = graph.ofType(...T.hpa);
  return servingDeployments(graph, graph.ofType(T.deployment)).map((node) => {
    const name = graph.prop(node, "metadata.name");
    const cluster = clusterOfK8s(graph, node);
    const namespace = graph.prop(node, "metadata.namespace");
    // An HPA scales a Deployment of its own cluster and namespace: the same name elsewhere is another app.
    const hpa = hpas.find((h) =>
      graph.refs(h, "spec").includes(node) ||
      (typeof name === "string" && graph.prop(h, "spec.scaleTargetRef.name") === name && graph.prop(h, "spec.scaleTargetRef.kind") === "Deployment" &&
        clusterOfK8s(graph, h) === cluster && (graph.prop(h, "metadata.namespace") ?? namespace) === namespace));
    const replicas = (hpa && num(graph.prop(hpa, "spec.minReplicas"))) ?? num(graph.prop(node, "spec.replicas")) ?? 1;
    const constraints = plain(graph.prop(node, "spec.template.spec.topologySpreadConstraints"));
    const zone = Array.isArray(constraints)
      ? constraints.map((c) => plain(c) as Record<string, unknown>).filter((c) => c && plain(c.topologyKey) === "topology.kubernetes.io/zone")
      : [];
    const zoneSpread = zone.some((c) => plain(c.whenUnsatisfiable) === "DoNotSchedule") ? "enforced" : zone.length > 0 ? "preferred" : "none";
    return { node, cluster, replicas, hpa, zoneSpread };
  });
}

function arnRegion(v: unknown): string | undefined {
  const p = plain(v);
  return typeof p === "string" && p.startsWith("arn:") ? p.split(":")[3] || undefined : undefined;
}

function writerOf(graph: ResourceGraph, clusters: GraphNode[], globals: GraphNode[], writerRegion?: string): GraphNode | undefined {
  // A deployed stack knows: the global cluster reports which member writes (this changes with a switchover).
  for (const g of globals) {
    const members = plain(g.outputs.globalClusterMembers);
    if (!Array.isArray(members)) continue;
    const writerArn = plain(members.map((m) => plain(m) as Record<string, unknown>).find((m) => plain(m?.isWriter) === true)?.dbClusterArn);
    const found = writerArn ? clusters.find((c) => plain(c.outputs.arn) === writerArn) : undefined;
    if (found) return found;
  }
  if (writerRegion) {
    const inRegion = clusters.find((c) => graph.regionOf(c) === writerRegion);
    if (inRegion) return inRegion;
  }
  for (const g of globals) {
    const source = graph.refs(g, "sourceDbClusterIdentifier").find((c) => clusters.includes(c));
    if (source) return source;
  }
  // Secondaries omit the credentials and the database name; the primary carries them.
  const primary = clusters.find((c) => ["masterUsername", "masterPassword", "masterPasswordWo", "manageMasterUserPassword", "databaseName"].some((k) => c.inputs[k] !== undefined));
  return primary ?? (clusters.length === 1 ? clusters[0] : undefined);
}

export function buildInventory(graph: ResourceGraph, opts: { writerRegion?: string } = {}): Inventory {
  const albs = graph.ofType(...T.alb);
  const eksClusters = graph.ofType(T.eks);
  const ecsServices = graph.ofType(T.ecsService);
  const nodePools = [
    // Fargate capacity is placed per task in the service's (or profile's) subnets: one unit per AZ.
    ...ecsServices.filter((s) => plain(graph.prop(s, "launchType")) === "FARGATE" || graph.prop(s, "capacityProviderStrategies") !== undefined)
      .map((node) => ({ node, cluster: undefined, minSize: Math.max(1, num(graph.prop(node, "desiredCount")) ?? 1) })),
    ...graph.ofType(T.fargateProfile).map((node) => ({ node, cluster: graph.refs(node, "clusterName").find((c) => c.type === T.eks), minSize: 3 })),
    ...graph.ofType(T.nodeGroup).map((node) => ({
      node,
      cluster: graph.refs(node, "clusterName").find((c) => c.type === T.eks),
      minSize: num(graph.prop(node, "scalingConfig.minSize")) ?? num(graph.prop(node, "scalingConfig.desiredSize")) ?? 1,
    })),
    ...graph.ofType(T.asg).map((node) => ({ node, cluster: undefined, minSize: num(graph.prop(node, "minSize")) ?? 1 })),
  ];
  const globalClusters = graph.ofType(T.globalCluster);
  const instances = graph.ofType(T.instance);
  const dbClusters: Inventory["dbClusters"][number][] = graph.ofType(T.cluster).map((node) => ({
    node,
    global: graph.refs(node, "globalClusterIdentifier").find((g) => g.type === T.globalCluster),
    instances: instances.filter((i) => graph.refs(i, "clusterIdentifier").includes(node)),
  }));
  // A DB instance that replicates another is a read replica, not a writer of its own.
  const rdsInstances = graph.ofType(T.rdsInstance).map((node) => ({ node, instances: [node] }));
  const replicaOf = (n: GraphNode) => typeof plain(graph.prop(n, "replicateSourceDb")) === "string" && plain(graph.prop(n, "replicateSourceDb")) !== "";
  const dsql = graph.ofType(T.dsqlCluster).map((node) => ({ node, instances: [] as GraphNode[], multiWriter: true }));
  const writerCluster = writerOf(graph, [...dbClusters, ...rdsInstances.filter((r) => !replicaOf(r.node))].map((c) => c.node), globalClusters, opts.writerRegion);
  dbClusters.push(...rdsInstances, ...dsql);

  const grgs = graph.ofType(T.globalReplicationGroup);
  const primaries = new Set(grgs.flatMap((g) => graph.refs(g, "primaryReplicationGroupId")));
  const replicationGroups: Inventory["replicationGroups"][number][] = graph.ofType(T.replicationGroup).map((node) => {
    const global = grgs.find((g) => primaries.has(node) ? graph.refs(g, "primaryReplicationGroupId").includes(node) : graph.refs(node, "globalReplicationGroupId").includes(g));
    return { node, global, primary: primaries.has(node) || !global };
  });
  const mrcs = graph.ofType(T.memorydbMultiRegion);
  for (const node of graph.ofType(T.memorydbCluster)) {
    const name = plain(graph.prop(node, "multiRegionClusterName"));
    const global = graph.refs(node, "multiRegionClusterName").find((g) => g.type === T.memorydbMultiRegion) ?? mrcs.find((g) => name !== undefined && plain(g.outputs.multiRegionClusterName) === name);
    replicationGroups.push({ node, global, primary: true, multiWriter: !!global });
  }

  const vaults = graph.ofType(T.vault);
  const selections = graph.ofType(T.selection);
  const backupPlans = graph.ofType(T.plan).map((plan): BackupPlanInfo => {
    const region = graph.regionOf(plan);
    const ruleVaults = graph.refs(plan, "rules").filter((v) => v.type === T.vault);
    const rules = plain(graph.prop(plan, "rules"));
    const copyArns = Array.isArray(rules)
      ? rules.flatMap((r) => {
        const actions = plain((plain(r) as Record<string, unknown>)?.copyActions);
        return Array.isArray(actions) ? actions.map((a) => plain((plain(a) as Record<string, unknown>)?.destinationVaultArn)) : [];
      })
      : [];
    const known = new Set(vaults.map((v) => plain(v.outputs.arn)).filter(Boolean));
    return {
      plan,
      region,
      // The target vault lives in the plan's region; a vault elsewhere on the rules edge is a copy destination.
      targetVaults: ruleVaults.filter((v) => graph.regionOf(v) === region),
      copyVaults: ruleVaults.filter((v) => graph.regionOf(v) !== region),
      externalCopyRegions: copyArns.filter((a) => !known.has(a)).map(arnRegion).filter((r): r is string => !!r && r !== region),
      selections: selections.filter((s) => graph.refs(s, "planId").includes(plan)),
    };
  });

  const entries: EntryPoint[] = [];
  for (const group of graph.ofType(T.endpointGroup)) {
    const listener = graph.refs(group, "listenerArn").find((l) => l.type === T.listener);
    const accelerator = listener && graph.refs(listener, "acceleratorArn").find((a) => a.type === T.accelerator);
    const targets = graph.refs(group, "endpointConfigurations").filter((t) => T.alb.includes(t.type as never));
    const region = plain(graph.prop(group, "endpointGroupRegion"));
    entries.push({
      node: group,
      region: typeof region === "string" ? region : targets.map((t) => graph.regionOf(t)).find((r) => r && r !== GLOBAL),
      requires: [listener, accelerator].filter((x): x is GraphNode => !!x),
      targets,
      // GA health-checks every endpoint; for ALB endpoints it uses the target group's health.
      healthChecked: true,
      trafficDial: num(graph.prop(group, "trafficDialPercentage")) ?? 100,
    });
  }
  for (const record of graph.ofType(T.record)) {
    const targets = graph.refs(record, "aliases").filter((t) => T.alb.includes(t.type as never));
    if (targets.length === 0) continue;
    const aliases = plain(graph.prop(record, "aliases"));
    const evaluates = Array.isArray(aliases) && aliases.some((a) => plain((plain(a) as Record<string, unknown>)?.evaluateTargetHealth) === true);
    const latency = plain(graph.prop(record, "latencyRoutingPolicies"));
    const latencyRegion = Array.isArray(latency) ? plain((plain(latency[0]) as Record<string, unknown>)?.region) : undefined;
    entries.push({
      node: record,
      region: typeof latencyRegion === "string" ? latencyRegion : targets.map((t) => graph.regionOf(t)).find((r) => r && r !== GLOBAL),
      requires: graph.refs(record, "healthCheckId"),
      targets,
      healthChecked: evaluates || graph.prop(record, "healthCheckId") !== undefined,
    });
  }
  const entryKind = graph.ofType(T.endpointGroup).length > 0 ? "accelerator" : entries.length > 0 ? "route53" : "none";

  // An ECS service is both the workload and (on Fargate) its capacity: its tasks are the pods.
  const ecsDeployments: Deployment[] = ecsServices.map((node) => ({ node, replicas: num(graph.prop(node, "desiredCount")) ?? 1, zoneSpread: "preferred" }));
  return { albs, eksClusters, nodePools, deployments: [...deploymentsOf(graph), ...ecsDeployments], globalClusters, dbClusters, writerCluster, replicationGroups, backupPlans, vaults, entries, entryKind };
}

/** Nodes per Redis replication group: numCacheClusters, or shards x (1 + replicas) in cluster mode. */
export function cacheNodeCount(graph: ResourceGraph, rg: GraphNode, fallback = 1): number {
  const n = num(graph.prop(rg, "numCacheClusters"));
  if (n !== undefined) return n;
  if (rg.type === T.memorydbCluster) return (num(graph.prop(rg, "numShards")) ?? 1) * (1 + (num(graph.prop(rg, "numReplicasPerShard")) ?? 1));
  const shards = num(graph.prop(rg, "numNodeGroups"));
  const replicas = num(graph.prop(rg, "replicasPerNodeGroup"));
  if (shards !== undefined || replicas !== undefined) return (shards ?? 1) * (1 + (replicas ?? 0));
  const members = plain(graph.prop(rg, "memberClusters"));
  return Array.isArray(members) && members.length > 0 ? members.length : fallback;
}

export { num as numberOf };

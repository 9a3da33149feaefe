import type { GraphNode, ResourceGraph } from "../../graph/model";
import { asBool, asList, asString, field, isUnknown } from "../engine/values";
import { azSpan, regionalOf, T } from "./common";
import { addToGroup } from "../../graph/groups";
import { perGraph } from "../../graph/memo";

/**
 * Where an EKS cluster's pods can land. Managed node groups are one kind of node capacity; so
 * are self-managed Auto Scaling groups tagged `kubernetes.io/cluster/<name>`, Fargate profiles
 * (AWS runs each pod on its own capacity in the profile's subnets), Karpenter node pools and EKS
 * Auto Mode (both provision nodes on demand). A cluster that uses any of these has nodes.
 */

export const CLUSTER_TAG = /^kubernetes\.io\/cluster\/(.+)$/;

export interface NodeCapacity {
  readonly nodeGroups: GraphNode[];
  /** Self-managed node groups: Auto Scaling groups tagged for the cluster. */
  readonly selfManaged: GraphNode[];
  readonly fargateProfiles: GraphNode[];
  readonly karpenterPools: GraphNode[];
  readonly autoMode: boolean;
}

interface CapacityIndex {
  readonly asgsByCluster: Map<string, GraphNode[]>;
  readonly karpenterByCluster: Map<string, GraphNode[]>;
  readonly clusterTagged: Set<string>;
}

/** Tag keys of an Auto Scaling group: its `tags` list, and `aws.autoscaling.Tag` resources on it. */
function asgTagKeys(graph: ResourceGraph, asg: GraphNode, tagResources: Map<string, GraphNode[]>): string[] {
  const keys: string[] = [];
  const tags = asList(graph.prop(asg, "tags"));
  if (!isUnknown(tags)) for (const t of tags) if (typeof field(t, "key") === "string") keys.push(field(t, "key") as string);
  for (const t of tagResources.get(asg.urn) ?? []) {
    const key = asString(graph.prop(t, "tag.key"));
    if (typeof key === "string") keys.push(key);
  }
  return keys;
}

/** The EKS cluster a Kubernetes resource is deployed to: the cluster its provider is built from. */
export function clusterOfK8s(graph: ResourceGraph, n: GraphNode): GraphNode | undefined {
  const provider = graph.providerOf(n);
  if (!provider) return undefined;
  return [...Object.values(provider.propertyDependencies).flat(), ...provider.dependencies]
    .map((u) => graph.get(u))
    .find((d): d is GraphNode => !!d && d.type === T.eksCluster);
}

const indexOf = perGraph((graph): CapacityIndex => {
  const clusters = graph.ofType(T.eksCluster);
  const byName = new Map<string, GraphNode>();
  for (const c of clusters) {
    const name = asString(graph.prop(c, "name"));
    if (typeof name === "string") byName.set(name, c);
  }
  const tagResources = new Map<string, GraphNode[]>();
  for (const t of graph.ofType(T.asgTag)) {
    for (const asg of graph.refs(t, "autoscalingGroupName").filter((a) => a.type === T.autoscalingGroup)) {
      addToGroup(tagResources, asg.urn, t);
    }
  }
  const asgsByCluster = new Map<string, GraphNode[]>();
  const clusterTagged = new Set<string>();
  for (const asg of graph.ofType(T.autoscalingGroup)) {
    const owners = new Set<GraphNode>();
    for (const key of asgTagKeys(graph, asg, tagResources)) {
      const m = CLUSTER_TAG.exec(key);
      if (!m) continue;
      clusterTagged.add(asg.urn);
      const byTag = byName.get(m[1]);
      if (byTag) owners.add(byTag);
    }
    // A tag key built from the cluster's (unknown) name still carries the edge to the cluster.
    if (clusterTagged.has(asg.urn) && owners.size === 0) graph.refs(asg, "tags").filter((d) => d.type === T.eksCluster).forEach((c) => owners.add(c));
    for (const c of owners) addToGroup(asgsByCluster, c.urn, asg);
  }
  const karpenterByCluster = new Map<string, GraphNode[]>();
  for (const pool of graph.ofType(...T.karpenterNodePools)) {
    const cluster = clusterOfK8s(graph, pool) ?? (() => {
      const region = regionalOf(graph, pool);
      const same = clusters.filter((c) => region !== undefined && regionalOf(graph, c) === region);
      return same.length === 1 ? same[0] : undefined;
    })();
    if (cluster) addToGroup(karpenterByCluster, cluster.urn, pool);
  }
  return { asgsByCluster, karpenterByCluster, clusterTagged };
});

export function capacityOf(graph: ResourceGraph, cluster: GraphNode): NodeCapacity {
  const index = indexOf(graph);
  return {
    nodeGroups: graph.incoming(cluster, "clusterName", [T.nodeGroup]),
    selfManaged: index.asgsByCluster.get(cluster.urn) ?? [],
    fargateProfiles: graph.incoming(cluster, "clusterName", [T.fargateProfile]),
    karpenterPools: index.karpenterByCluster.get(cluster.urn) ?? [],
    autoMode: asBool(graph.prop(cluster, "computeConfig.enabled")) === true,
  };
}

/** Whether an Auto Scaling group carries a `kubernetes.io/cluster/<name>` tag (a self-managed node group). */
export function isClusterNodeGroup(graph: ResourceGraph, asg: GraphNode): boolean {
  return indexOf(graph).clusterTagged.has(asg.urn);
}

/** Capacity that provisions nodes on demand wherever pods need them (Auto Mode, Karpenter). */
export function provisionsOnDemand(c: NodeCapacity): boolean {
  return c.autoMode || c.karpenterPools.length > 0;
}

/** The subnets node capacity places nodes (or Fargate pods) in. */
export function capacitySubnets(graph: ResourceGraph, c: NodeCapacity): GraphNode[] {
  const subnets = (n: GraphNode, key: string) => graph.refs(n, key).filter((s) => s.type === T.subnet);
  return [
    ...c.nodeGroups.flatMap((g) => subnets(g, "subnetIds")),
    ...c.selfManaged.flatMap((g) => subnets(g, "vpcZoneIdentifiers")),
    ...c.fargateProfiles.flatMap((p) => subnets(p, "subnetIds")),
  ];
}

/** The AZs a cluster has node capacity in (empty when it provisions on demand or is unknown). */
export function capacityAzs(graph: ResourceGraph, cluster: GraphNode): string[] {
  return azSpan(graph, capacitySubnets(graph, capacityOf(graph, cluster))).azs;
}

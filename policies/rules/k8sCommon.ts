import type { GraphNode, ResourceGraph } from "../../graph/model";
import { asList, asNumber, asString, isUnknown } from "../engine/values";
import { azSpan, labelsOf, regionalOf, T } from "./common";

/** Helpers shared by the Kubernetes rules: workload identity, HPA targets, cluster AZs. */

export const ZONE_KEY = "topology.kubernetes.io/zone";
const LEGACY_ZONE_KEY = "failure-domain.beta.kubernetes.io/zone";

export function isZoneKey(k: unknown): boolean {
  return k === ZONE_KEY || k === LEGACY_ZONE_KEY;
}

export function templateLabels(graph: ResourceGraph, dep: GraphNode): Record<string, string> | undefined {
  return labelsOf(graph.prop(dep, "spec.template.metadata.labels"));
}

export function containersOf(graph: ResourceGraph, dep: GraphNode): unknown[] {
  const l = asList(graph.prop(dep, "spec.template.spec.containers"));
  return isUnknown(l) ? [] : l;
}

/** A namespace as far as the graph can say: a literal name, or the Namespace resource it comes from. */
function namespaceOf(graph: ResourceGraph, n: GraphNode): { name?: string; node?: GraphNode; unknown: boolean } {
  const ns = asString(graph.prop(n, "metadata.namespace"));
  const node = graph.refs(n, "metadata").find((d) => d.type === "kubernetes:core/v1:Namespace");
  if (isUnknown(ns)) return { node, unknown: !node };
  return { name: ns ?? "default", node, unknown: false };
}

/** Whether two namespaced resources may share a namespace (unknown counts as yes). */
export function sameNamespace(graph: ResourceGraph, a: GraphNode, b: GraphNode): boolean {
  const x = namespaceOf(graph, a);
  const y = namespaceOf(graph, b);
  if (x.node && y.node) return x.node === y.node;
  if (x.unknown || y.unknown) return true;
  const nameOf = (s: { name?: string; node?: GraphNode }) => s.name ?? asString(s.node ? graph.prop(s.node, "metadata.name") : undefined);
  const nx = nameOf(x);
  const ny = nameOf(y);
  return typeof nx !== "string" || typeof ny !== "string" || nx === ny;
}

/** HPAs whose scaleTargetRef is this Deployment (by graph edge, or by literal name in the same namespace). */
export function hpasOf(graph: ResourceGraph, dep: GraphNode): GraphNode[] {
  const name = asString(graph.prop(dep, "metadata.name"));
  return graph.ofType(...T.hpas).filter((h) => {
    if (graph.prop(h, "spec.scaleTargetRef.kind") !== "Deployment") return false;
    if (graph.refs(h, "spec").includes(dep)) return true;
    const target = asString(graph.prop(h, "spec.scaleTargetRef.name"));
    return typeof target === "string" && typeof name === "string" && target === name && sameNamespace(graph, h, dep);
  });
}

/**
 * The fewest pods a Deployment runs in steady state: an HPA's minReplicas (default 1) when one
 * scales it, else `spec.replicas` (default 1). undefined when a preview does not know.
 */
export function minimumReplicas(graph: ResourceGraph, dep: GraphNode, hpas = hpasOf(graph, dep)): number | undefined {
  if (hpas.length > 0) {
    const mins = hpas.map((h) => asNumber(graph.prop(h, "spec.minReplicas")) ?? 1);
    return mins.some(isUnknown) ? undefined : Math.min(...(mins as number[]));
  }
  const r = asNumber(graph.prop(dep, "spec.replicas")) ?? 1;
  return isUnknown(r) ? undefined : r;
}

/**
 * The AZs the Deployment's cluster has nodes in: the EKS cluster behind its Kubernetes provider,
 * else every node group of its region.
 */
export function clusterAzs(graph: ResourceGraph, dep: GraphNode): string[] {
  const provider = graph.providerOf(dep);
  let clusters: GraphNode[] = [];
  if (provider) {
    clusters = [...Object.values(provider.propertyDependencies).flat(), ...provider.dependencies]
      .map((u) => graph.get(u))
      .filter((n): n is GraphNode => !!n && n.type === T.eksCluster);
  }
  const region = regionalOf(graph, dep);
  const groups = clusters.length > 0
    ? clusters.flatMap((c) => graph.incoming(c, "clusterName", [T.nodeGroup]))
    : graph.ofType(T.nodeGroup).filter((g) => region !== undefined && regionalOf(graph, g) === region);
  return azSpan(graph, groups.flatMap((g) => graph.refs(g, "subnetIds").filter((s) => s.type === T.subnet))).azs;
}

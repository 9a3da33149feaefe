import type { GraphNode, ResourceGraph } from "../../graph/model";
import { asList, asNumber, asString, isUnknown } from "../engine/values";
import { azSpan, labelsOf, regionalOf, selects, T } from "./common";

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

/** A namespace bucket key: cluster plus the Namespace resource or literal name; undefined when unknown. */
function namespaceKey(graph: ResourceGraph, n: GraphNode): string | undefined {
  // Namespaces are per cluster: the Kubernetes provider is part of the key.
  const cluster = n.provider ?? "";
  const ns = namespaceOf(graph, n);
  if (ns.node) {
    const name = asString(graph.prop(ns.node, "metadata.name"));
    return typeof name === "string" ? `${cluster}|name:${name}` : `${cluster}|node:${ns.node.urn}`;
  }
  return ns.unknown ? undefined : `${cluster}|name:${ns.name}`;
}

interface K8sIndex {
  readonly hpasByTarget: Map<string, GraphNode[]>;
  readonly byNamespace: Map<string, GraphNode[]>;
  readonly unknownNamespace: GraphNode[];
}

const INDEX = new WeakMap<ResourceGraph, K8sIndex>();

/** One pass over HPAs and namespaced workloads per graph, so no rule pairs every resource with every other. */
function indexOf(graph: ResourceGraph): K8sIndex {
  const cached = INDEX.get(graph);
  if (cached) return cached;
  const hpasByTarget = new Map<string, GraphNode[]>();
  const byNamespace = new Map<string, GraphNode[]>();
  const unknownNamespace: GraphNode[] = [];
  const push = <K>(m: Map<K, GraphNode[]>, k: K, n: GraphNode) => m.set(k, [...(m.get(k) ?? []), n]);
  for (const n of graph.ofType(T.deployment, ...T.pdbs, T.service)) {
    const key = namespaceKey(graph, n);
    if (key === undefined) unknownNamespace.push(n);
    else push(byNamespace, key, n);
  }
  for (const h of graph.ofType(...T.hpas)) {
    if (graph.prop(h, "spec.scaleTargetRef.kind") !== "Deployment") continue;
    const targets = new Set(graph.refs(h, "spec").filter((d) => d.type === T.deployment));
    const name = asString(graph.prop(h, "spec.scaleTargetRef.name"));
    const key = namespaceKey(graph, h);
    const candidates = key === undefined ? graph.ofType(T.deployment) : [...(byNamespace.get(key) ?? []), ...unknownNamespace];
    if (typeof name === "string") {
      for (const d of candidates) if (d.type === T.deployment && graph.prop(d, "metadata.name") === name) targets.add(d);
    }
    for (const d of targets) push(hpasByTarget, d.urn, h);
  }
  const index = { hpasByTarget, byNamespace, unknownNamespace };
  INDEX.set(graph, index);
  return index;
}

/** HPAs whose scaleTargetRef is this Deployment (by graph edge, or by literal name in the same namespace). */
export function hpasOf(graph: ResourceGraph, dep: GraphNode): GraphNode[] {
  return indexOf(graph).hpasByTarget.get(dep.urn) ?? [];
}

/** Workloads of `types` that may share `n`'s namespace (all of them when the namespace is unknown). */
export function sameNamespaceAs(graph: ResourceGraph, n: GraphNode, types: readonly string[]): GraphNode[] {
  const index = indexOf(graph);
  const key = namespaceKey(graph, n);
  const pool = key === undefined ? [...index.byNamespace.values()].flat() : index.byNamespace.get(key) ?? [];
  return [...pool, ...index.unknownNamespace].filter((m) => m !== n && types.includes(m.type));
}

/**
 * Whether a Service in the Deployment's namespace selects its pods: such a Deployment serves
 * traffic (kube-score judges probes the same way). Unknown labels count as serving.
 */
export function isServing(graph: ResourceGraph, dep: GraphNode): boolean {
  const labels = templateLabels(graph, dep);
  if (!labels) return true;
  return sameNamespaceAs(graph, dep, [T.service]).some((svc) => selects(labelsOf(graph.prop(svc, "spec.selector")), labels));
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

const GROUPS_BY_REGION = new WeakMap<ResourceGraph, Map<string, GraphNode[]>>();

function nodeGroupsByRegion(graph: ResourceGraph): Map<string, GraphNode[]> {
  let m = GROUPS_BY_REGION.get(graph);
  if (!m) {
    m = new Map();
    for (const g of graph.ofType(T.nodeGroup)) {
      const r = regionalOf(graph, g);
      if (r) m.set(r, [...(m.get(r) ?? []), g]);
    }
    GROUPS_BY_REGION.set(graph, m);
  }
  return m;
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
    : region === undefined ? [] : nodeGroupsByRegion(graph).get(region) ?? [];
  return azSpan(graph, groups.flatMap((g) => graph.refs(g, "subnetIds").filter((s) => s.type === T.subnet))).azs;
}

import type { GraphNode, ResourceGraph } from "../../graph/model";
import { asList, asNumber, asString, field, isUnknown } from "../engine/values";
import { labelsOf, regionalOf, selects, T } from "./common";
import { capacityAzs, clusterOfK8s } from "./nodeCapacity";
import { addToGroup } from "../../graph/groups";
import { perGraph } from "../../graph/memo";

/**
 * Helpers shared by the Kubernetes rules: what a workload is, where its pod template lives, which
 * HPAs scale it, which Services select it, and the AZs of the nodes it can run on.
 */

/** Workloads that keep a replica count: they need replicas, a PDB and a spread over zones. */
export const REPLICATED: readonly string[] = [T.deployment, T.statefulSet, T.replicaSet];
/** Everything that runs pods: probes, resources and hardening apply to all of them. */
export const POD_WORKLOADS: readonly string[] = [...REPLICATED, T.daemonSet, T.pod];

/** `scaleTargetRef.kind` (and ownerReference kinds) to type tokens. */
export const KIND_TYPES: Readonly<Record<string, string>> = {
  Deployment: T.deployment,
  StatefulSet: T.statefulSet,
  ReplicaSet: T.replicaSet,
  DaemonSet: T.daemonSet,
  Pod: T.pod,
};

export const ZONE_KEY = "topology.kubernetes.io/zone";
const LEGACY_ZONE_KEY = "failure-domain.beta.kubernetes.io/zone";
export const HOST_KEY = "kubernetes.io/hostname";

export function isZoneKey(k: unknown): boolean {
  return k === ZONE_KEY || k === LEGACY_ZONE_KEY;
}

/** `Deployment`, `StatefulSet`, ... for messages. */
export function kindOf(n: GraphNode): string {
  return n.type.slice(n.type.lastIndexOf(":") + 1);
}

/** Where a workload's pod spec lives: a Pod's own `spec`, else its template's. */
export function podSpecPath(n: GraphNode): string {
  return n.type === T.pod ? "spec" : "spec.template.spec";
}

export function podLabels(graph: ResourceGraph, n: GraphNode): Record<string, string> | undefined {
  return labelsOf(graph.prop(n, n.type === T.pod ? "metadata.labels" : "spec.template.metadata.labels"));
}

/** Containers of the pod spec; `withInit` adds init containers (they run with the same privileges). */
export function containersOf(graph: ResourceGraph, n: GraphNode, withInit = false): unknown[] {
  const list = (key: string) => {
    const l = asList(graph.prop(n, `${podSpecPath(n)}.${key}`));
    return isUnknown(l) ? [] : l;
  };
  return withInit ? [...list("initContainers"), ...list("containers")] : list("containers");
}

export function containerName(c: unknown): string {
  const name = field(c, "name");
  return typeof name === "string" ? name : "?";
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
  readonly targetsByHpa: Map<string, GraphNode[]>;
  readonly byNamespace: Map<string, GraphNode[]>;
  readonly unknownNamespace: GraphNode[];
}

const NAMESPACED = [...POD_WORKLOADS, ...T.pdbs, T.service, T.pvc];

/**
 * The workloads an HPA's scaleTargetRef names: by graph edge (a name taken from the workload's
 * output), else by kind and literal name among the workloads sharing its namespace.
 */
function hpaTargets(graph: ResourceGraph, h: GraphNode, byNamespace: Map<string, GraphNode[]>, unknownNamespace: GraphNode[]): GraphNode[] {
  const kind = asString(graph.prop(h, "spec.scaleTargetRef.kind"));
  const type = typeof kind === "string" ? KIND_TYPES[kind] : undefined;
  const edge = graph.refs(h, "spec").filter((d) => (type ? d.type === type : REPLICATED.includes(d.type)));
  if (edge.length > 0) return edge;
  const name = asString(graph.prop(h, "spec.scaleTargetRef.name"));
  if (!type || typeof name !== "string") return [];
  const key = namespaceKey(graph, h);
  const candidates = key === undefined ? graph.ofType(type) : [...(byNamespace.get(key) ?? []), ...unknownNamespace];
  return candidates.filter((d) => d.type === type && graph.prop(d, "metadata.name") === name);
}

/** One pass over HPAs and namespaced workloads per graph, so no rule pairs every resource with every other. */
const indexOf = perGraph((graph): K8sIndex => {
  const hpasByTarget = new Map<string, GraphNode[]>();
  const targetsByHpa = new Map<string, GraphNode[]>();
  const byNamespace = new Map<string, GraphNode[]>();
  const unknownNamespace: GraphNode[] = [];
  for (const n of graph.ofType(...NAMESPACED)) {
    const key = namespaceKey(graph, n);
    if (key === undefined) unknownNamespace.push(n);
    else addToGroup(byNamespace, key, n);
  }
  for (const h of graph.ofType(...T.hpas)) {
    const targets = hpaTargets(graph, h, byNamespace, unknownNamespace);
    targetsByHpa.set(h.urn, targets);
    for (const d of targets) addToGroup(hpasByTarget, d.urn, h);
  }
  return { hpasByTarget, targetsByHpa, byNamespace, unknownNamespace };
});

/** PersistentVolumeClaims by namespace and name, built once per graph. */
const claimsByName = perGraph((graph) => {
  const named = new Map<string, GraphNode>();
  const unknownNamespace: GraphNode[] = [];
  for (const pvc of graph.ofType(T.pvc)) {
    const key = namespaceKey(graph, pvc);
    const name = asString(graph.prop(pvc, "metadata.name"));
    if (key === undefined || typeof name !== "string") unknownNamespace.push(pvc);
    else named.set(`${key}|${name}`, pvc);
  }
  return { named, unknownNamespace };
});

/** The PersistentVolumeClaim a workload's volume names (`claimName`), in its own namespace. */
export function claimNamed(graph: ResourceGraph, w: GraphNode, name: string): GraphNode | undefined {
  const { named, unknownNamespace } = claimsByName(graph);
  const key = namespaceKey(graph, w);
  return (key !== undefined ? named.get(`${key}|${name}`) : undefined) ?? unknownNamespace.find((p) => graph.prop(p, "metadata.name") === name);
}

/** HPAs whose scaleTargetRef is this workload. */
export function hpasOf(graph: ResourceGraph, w: GraphNode): GraphNode[] {
  return indexOf(graph).hpasByTarget.get(w.urn) ?? [];
}

/** The workloads an HPA scales (empty when its scaleTargetRef names nothing in the stack). */
export function targetsOf(graph: ResourceGraph, hpa: GraphNode): GraphNode[] {
  return indexOf(graph).targetsByHpa.get(hpa.urn) ?? [];
}

/** Resources of `types` that may share `n`'s namespace (all of them when the namespace is unknown). */
export function sameNamespaceAs(graph: ResourceGraph, n: GraphNode, types: readonly string[]): GraphNode[] {
  const index = indexOf(graph);
  const key = namespaceKey(graph, n);
  const pool = key === undefined ? [...index.byNamespace.values()].flat() : index.byNamespace.get(key) ?? [];
  return [...pool, ...index.unknownNamespace].filter((m) => m !== n && types.includes(m.type));
}

/**
 * Whether a Service in the workload's namespace selects its pods: such a workload serves traffic
 * (kube-score judges probes the same way). Unknown labels count as serving.
 */
export function isServing(graph: ResourceGraph, w: GraphNode): boolean {
  const labels = podLabels(graph, w);
  if (!labels) return true;
  return sameNamespaceAs(graph, w, [T.service]).some((svc) => selects(labelsOf(graph.prop(svc, "spec.selector")), labels));
}

/**
 * The fewest pods a replicated workload runs in steady state: an HPA's minReplicas (default 1)
 * when one scales it, else `spec.replicas` (default 1). undefined when a preview does not know.
 */
export function minimumReplicas(graph: ResourceGraph, w: GraphNode, hpas = hpasOf(graph, w)): number | undefined {
  if (hpas.length > 0) {
    const mins = hpas.map((h) => asNumber(graph.prop(h, "spec.minReplicas")) ?? 1);
    return mins.some(isUnknown) ? undefined : Math.min(...(mins as number[]));
  }
  const r = asNumber(graph.prop(w, "spec.replicas")) ?? 1;
  return isUnknown(r) ? undefined : r;
}

/** The most pods a replicated workload may run: its HPA's maxReplicas, else its minimum. */
export function maximumReplicas(graph: ResourceGraph, w: GraphNode, hpas = hpasOf(graph, w)): number | undefined {
  if (hpas.length > 0) {
    const maxes = hpas.map((h) => asNumber(graph.prop(h, "spec.maxReplicas")));
    if (maxes.every((m): m is number => typeof m === "number")) return Math.max(...maxes);
  }
  return minimumReplicas(graph, w, hpas);
}

const clustersByRegion = perGraph((graph) => {
  const m = new Map<string, GraphNode[]>();
  for (const c of graph.ofType(T.eksCluster)) {
    const r = regionalOf(graph, c);
    if (r) addToGroup(m, r, c);
  }
  return m;
});

function clustersOfRegion(graph: ResourceGraph, region: string): GraphNode[] {
  return clustersByRegion(graph).get(region) ?? [];
}

/**
 * The AZs the workload's cluster has node capacity in: the EKS cluster behind its Kubernetes
 * provider, else every cluster of its region. Empty when nothing in the graph says.
 */
export function clusterAzs(graph: ResourceGraph, w: GraphNode): string[] {
  const own = clusterOfK8s(graph, w);
  const region = regionalOf(graph, w);
  const clusters = own ? [own] : region === undefined ? [] : clustersOfRegion(graph, region);
  return [...new Set(clusters.flatMap((c) => capacityAzs(graph, c)))].sort();
}

/**
 * Whether a workload can never run more than one pod (spec.replicas 1 without an HPA, or every HPA
 * capped at 1). A PDB or a spread over such a workload protects nothing: ha-k8s-min-replicas
 * reports the root cause, and the rules that depend on it say "not applicable" until it is fixed.
 * False when a preview does not know the counts.
 */
export function runsOnePodAtMost(graph: ResourceGraph, w: GraphNode, hpas = hpasOf(graph, w)): boolean {
  if (hpas.length > 0) {
    const maxes = hpas.map((h) => asNumber(graph.prop(h, "spec.maxReplicas")));
    return maxes.every((m) => typeof m === "number" && m <= 1);
  }
  const r = asNumber(graph.prop(w, "spec.replicas")) ?? 1;
  return typeof r === "number" && r <= 1;
}

export const ONE_POD_NOT_APPLICABLE = "runs one pod at most; not applicable until it runs 2 or more (ha-k8s-min-replicas reports the replica count)";

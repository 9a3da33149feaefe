import type { GraphNode } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asNumber, asString, isUnknown } from "../engine/values";
import { T } from "./common";
import { hpasOf, KIND_TYPES, kindOf, REPLICATED, sameNamespaceAs, targetsOf } from "./k8sCommon";

/** HorizontalPodAutoscalers: bounds that can absorb a failed region, a real target, and no tug of war over replicas. */

/** R18. An HPA pinned to one size cannot absorb a failed region's traffic. */
export const hpaBounds = defineResourceRule<{ minReplicas: number }>({
  name: "ha-k8s-hpa-bounds",
  description: "Every HorizontalPodAutoscaler keeps at least the minimum pods and can grow (maxReplicas > minReplicas).",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-score horizontalpodautoscaler-replicas", "Polaris hpaMinAvailability", "Polaris hpaMaxAvailability", "REL11-BP05"],
  remediation: "set spec.minReplicas to at least the floor and spec.maxReplicas high enough to carry the other region's load",
  scope: "resource",
  types: T.hpas,
  config: {
    minReplicas: { type: "integer", minimum: 1, default: 2, description: "Lowest acceptable minReplicas." },
  },
  check(hpa, { graph, config, report, limit }) {
    const min = asNumber(graph.prop(hpa, "spec.minReplicas")) ?? 1;
    const max = asNumber(graph.prop(hpa, "spec.maxReplicas"));
    if (typeof min === "number" && min < config.minReplicas) report(hpa, `may scale down to ${min} pod(s), below ${limit("minReplicas")}`, `raise spec.minReplicas to ${config.minReplicas}`);
    if (typeof min === "number" && typeof max === "number" && max <= min) report(hpa, `has maxReplicas ${max} <= minReplicas ${min}, so it cannot scale out when the other region fails`, "raise spec.maxReplicas well above minReplicas (enough for both regions' load)");
  },
});

/** Workloads of a custom kind (Argo Rollouts, ...) an HPA may target: any Kubernetes resource of that kind and name in its namespace. */
function customTargets(nodes: readonly GraphNode[], kind: string, name: string, graph: Parameters<typeof sameNamespaceAs>[0]): GraphNode[] {
  return nodes.filter((n) => n.type.startsWith("kubernetes:") && kindOf(n) === kind && graph.prop(n, "metadata.name") === name);
}

/** An HPA whose target does not exist scales nothing: the workload it was meant for runs at its fixed size. */
export const hpaTargetExists = defineStackRule({
  name: "ha-k8s-hpa-target-exists",
  description: "Every HorizontalPodAutoscaler's scaleTargetRef names a workload of the stack (by kind and name in its namespace).",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-score horizontalpodautoscaler-has-target", "kube-linter dangling-horizontalpodautoscaler", "REL11-BP05"],
  remediation: "point spec.scaleTargetRef at the workload (kind and metadata.name, ideally taken from the workload's output)",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    let all: GraphNode[] | undefined;
    for (const hpa of graph.ofType(...T.hpas)) {
      if (targetsOf(graph, hpa).length > 0) continue;
      const kind = asString(graph.prop(hpa, "spec.scaleTargetRef.kind"));
      const name = asString(graph.prop(hpa, "spec.scaleTargetRef.name"));
      if (isUnknown(kind) || isUnknown(name)) {
        undecided(hpa, "scaleTargetRef is unknown");
        continue;
      }
      if (typeof kind !== "string" || typeof name !== "string") {
        report(hpa, "has no scaleTargetRef kind and name, so it scales nothing", "set spec.scaleTargetRef { apiVersion, kind, name } of the workload it scales");
        continue;
      }
      if (!KIND_TYPES[kind]) {
        all ??= graph.nodes.filter((n) => n.type.startsWith("kubernetes:"));
        const candidates = customTargets(all, kind, name, graph).filter((t) => sameNamespaceAs(graph, hpa, [t.type]).includes(t));
        if (candidates.length > 0) continue;
      }
      report(hpa, `targets ${kind} "${name}", which no workload in its namespace is, so nothing is autoscaled`, `set spec.scaleTargetRef to the ${kind}'s kind and metadata.name (or create that ${kind})`);
    }
  },
});

/** Whether ignoreChanges keeps Pulumi off a property path (`spec.replicas`, `spec["replicas"]`, a parent path, or `*`). */
export function ignoresPath(ignoreChanges: readonly string[], path: string): boolean {
  const norm = (p: string) => p.replace(/\["([^"]+)"\]/g, ".$1").replace(/^\./, "");
  const target = norm(path);
  return ignoreChanges.some((raw) => {
    const p = norm(raw);
    return p === "*" || p === target || target.startsWith(`${p}.`);
  });
}

/**
 * A workload an HPA scales must not also pin spec.replicas: every `pulumi up` sets the count back
 * to the pinned value, cutting the capacity the HPA added, possibly mid-failover. Leave replicas
 * unset, or keep it as the initial size with ignoreChanges ["spec.replicas"].
 */
export const hpaPinnedReplicas = defineStackRule({
  name: "ha-k8s-hpa-replicas-unpinned",
  description: "No Deployment, StatefulSet or ReplicaSet that an HPA scales pins spec.replicas unless ignoreChanges keeps Pulumi from resetting it.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured", "REL11-BP05"],
  remediation: "remove spec.replicas, or add ignoreChanges: [\"spec.replicas\"] so updates leave the HPA's count alone",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const w of graph.ofType(...REPLICATED)) {
      const hpas = hpasOf(graph, w);
      if (hpas.length === 0) continue;
      const replicas = graph.prop(w, "spec.replicas");
      if (replicas === undefined || isUnknown(replicas) || ignoresPath(w.ignoreChanges, "spec.replicas")) continue;
      report(w, `pins spec.replicas ${String(replicas)} while HPA ${hpas[0].name} scales it, so every update resets the pod count the HPA chose`);
    }
  },
});

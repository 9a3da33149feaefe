import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asNumber, isUnknown } from "../engine/values";
import { selectorMatches, T } from "./common";
import { kindOf, minimumReplicas, ONE_POD_NOT_APPLICABLE, podLabels, REPLICATED, runsOnePodAtMost, sameNamespaceAs } from "./k8sCommon";

/** PodDisruptionBudgets: every replicated workload has one, and each one lets drains make progress. */

/** policy/v1 reads an empty selector as "every pod in the namespace"; policy/v1beta1 as none. */
function pdbSelects(graph: ResourceGraph, pdb: GraphNode, labels: Record<string, string> | undefined): boolean | undefined {
  return selectorMatches(graph.prop(pdb, "spec.selector"), labels, pdb.type === T.pdbs[0]);
}

/**
 * S11. Node drains during upgrades evict every pod at once unless a PDB limits it. A PDB over one
 * pod protects nothing (its only pod is evicted or the drain blocks), so a workload that runs one
 * pod at most is left to ha-k8s-min-replicas and reported here as not applicable; kube-score and
 * Polaris likewise report the replica count and skip the PDB.
 */
export const deploymentHasPdb = defineStackRule({
  name: "ha-k8s-deployment-has-pdb",
  description: "Every Deployment, StatefulSet and ReplicaSet that may run two or more pods is selected by a PodDisruptionBudget in its own namespace whose selector matches its pod labels (one-pod workloads: not applicable, ha-k8s-min-replicas reports them).",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-score deployment-has-poddisruptionbudget", "kube-score statefulset-has-poddisruptionbudget", "Polaris missingPodDisruptionBudget"],
  remediation: "add a PodDisruptionBudget whose selector matches the pod template labels (e.g. maxUnavailable: 1)",
  scope: "stack",
  config: {},
  check({ graph, report, undecided, notApplicable }) {
    for (const w of graph.ofType(...REPLICATED)) {
      if (runsOnePodAtMost(graph, w)) {
        notApplicable(w, ONE_POD_NOT_APPLICABLE);
        continue;
      }
      const labels = podLabels(graph, w);
      if (!labels) {
        undecided(w, "pod template labels are unknown");
        continue;
      }
      const verdicts = sameNamespaceAs(graph, w, T.pdbs).map((p) => pdbSelects(graph, p, labels));
      if (verdicts.includes(true)) continue;
      if (verdicts.includes(undefined)) undecided(w, "a PodDisruptionBudget selector is unknown");
      else report(w, `is a ${kindOf(w)} selected by no PodDisruptionBudget in its own namespace (a PDB elsewhere, or one whose selector misses its pod labels, does not count), so a node drain may evict all of its pods at once`);
    }
  },
});

function percent(v: unknown): number | undefined {
  return typeof v === "string" && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** S12. A PDB that allows no eviction blocks node drains and upgrades (and gets overridden in a hurry). */
export const pdbAllowsEviction = defineStackRule({
  name: "ha-k8s-pdb-allows-eviction",
  description: "No PodDisruptionBudget forbids all evictions: not maxUnavailable 0, not minAvailable 100% or at least the pods its workloads keep.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-linter pdb-max-unavailable", "kube-linter pdb-min-available", "Polaris pdbDisruptionsIsZero", "Polaris pdbMinAvailableGreaterThanHPAMinReplicas"],
  remediation: "use maxUnavailable: 1 (or a minAvailable below the workload's minimum replicas)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const pdb of graph.ofType(...T.pdbs)) {
      const maxUnavailable = graph.prop(pdb, "spec.maxUnavailable");
      const minAvailable = graph.prop(pdb, "spec.minAvailable");
      if (maxUnavailable === 0 || maxUnavailable === "0" || percent(maxUnavailable) === 0) {
        report(pdb, "sets maxUnavailable 0, so no pod may ever be evicted", "set maxUnavailable: 1");
        continue;
      }
      if (percent(minAvailable) === 100) {
        report(pdb, "sets minAvailable 100%, so no pod may ever be evicted", "use maxUnavailable: 1 instead of minAvailable 100%");
        continue;
      }
      const min = asNumber(minAvailable);
      if (typeof min !== "number") continue;
      for (const w of sameNamespaceAs(graph, pdb, REPLICATED)) {
        if (pdbSelects(graph, pdb, podLabels(graph, w)) !== true) continue;
        const replicas = minimumReplicas(graph, w);
        if (replicas !== undefined && min >= replicas) {
          report(pdb, `requires minAvailable ${min} while ${kindOf(w)} ${w.name} keeps as few as ${replicas} pod(s), so evictions are blocked`, `lower minAvailable below ${replicas} (or use maxUnavailable: 1)`);
        }
      }
    }
  },
});

/** A PDB with neither field is a PDB in name only; with both, the API server rejects it. */
export const pdbHasPolicy = defineResourceRule({
  name: "ha-k8s-pdb-has-policy",
  description: "Every PodDisruptionBudget sets exactly one of minAvailable and maxUnavailable.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-score poddisruptionbudget-has-policy"],
  remediation: "set maxUnavailable: 1 (or a minAvailable below the workload's replicas)",
  scope: "resource",
  types: T.pdbs,
  config: {},
  check(pdb, { graph, report }) {
    const min = graph.prop(pdb, "spec.minAvailable");
    const max = graph.prop(pdb, "spec.maxUnavailable");
    if (isUnknown(min) || isUnknown(max)) return;
    if (min === undefined && max === undefined) report(pdb, "sets neither minAvailable nor maxUnavailable, so it sets no disruption budget");
    else if (min !== undefined && max !== undefined) report(pdb, "sets both minAvailable and maxUnavailable, which the API server rejects", "keep only one of minAvailable and maxUnavailable");
  },
});

const EVICTION_POLICIES = new Set(["IfHealthyBudget", "AlwaysAllow"]);

/** (P2) With the default IfHealthyBudget, a crash-looping pod counts against the budget and can stall a drain. */
export const pdbUnhealthyEviction = defineResourceRule({
  name: "ha-k8s-pdb-unhealthy-eviction",
  description: "Every PodDisruptionBudget sets unhealthyPodEvictionPolicy explicitly (AlwaysAllow lets drains evict pods that are not ready).",
  severity: "low",
  kind: "redundancy",
  advisoryEverywhere: true,
  anchors: ["kube-linter pdb-unhealthy-pod-eviction-policy"],
  remediation: "set spec.unhealthyPodEvictionPolicy: AlwaysAllow",
  scope: "resource",
  types: [T.pdbs[0]],
  config: {},
  check(pdb, { graph, report }) {
    const policy = graph.prop(pdb, "spec.unhealthyPodEvictionPolicy");
    if (isUnknown(policy)) return;
    if (policy === undefined) report(pdb, "leaves unhealthyPodEvictionPolicy at its default (IfHealthyBudget), so pods that never become ready can block a node drain");
    else if (typeof policy !== "string" || !EVICTION_POLICIES.has(policy)) report(pdb, `sets unhealthyPodEvictionPolicy ${JSON.stringify(policy)}, which is neither IfHealthyBudget nor AlwaysAllow`);
  },
});

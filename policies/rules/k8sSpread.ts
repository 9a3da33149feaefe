import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asList, asNumber, field, isUnknown, list } from "../engine/values";
import { selectorMatches } from "./common";
import { clusterAzs, HOST_KEY, hpasOf, isZoneKey, kindOf, maximumReplicas, ONE_POD_NOT_APPLICABLE, POD_WORKLOADS, podLabels, podSpecPath, REPLICATED, runsOnePodAtMost, ZONE_KEY } from "./k8sCommon";

/**
 * Spreading pods over failure domains: zones (an AZ outage), nodes (a node drain or failure), and
 * the validity of the topologySpreadConstraints that express both.
 */

const WHEN = new Set(["DoNotSchedule", "ScheduleAnyway"]);

/** What is wrong with one topologySpreadConstraint, as the API server and kube-score judge it, with its fix. */
export function tscProblems(c: unknown): Array<{ problem: string; fix: string }> {
  const problems: Array<{ problem: string; fix: string }> = [];
  const skew = field(c, "maxSkew");
  const minDomains = field(c, "minDomains");
  const key = field(c, "topologyKey");
  const when = field(c, "whenUnsatisfiable");
  const selector = field(c, "labelSelector");
  if (!isUnknown(skew)) {
    const n = asNumber(skew);
    if (n === undefined) problems.push({ problem: "has no maxSkew", fix: "set maxSkew: 1" });
    else if (typeof n === "number" && (n < 1 || !Number.isInteger(n))) problems.push({ problem: `has maxSkew ${n} (must be an integer of at least 1)`, fix: "set maxSkew: 1" });
  }
  if (minDomains !== undefined && !isUnknown(minDomains)) {
    const n = asNumber(minDomains);
    if (typeof n !== "number" || n < 1) problems.push({ problem: `has minDomains ${JSON.stringify(minDomains)} (must be at least 1)`, fix: "set minDomains to the number of zones, or remove it" });
  }
  if (!isUnknown(key) && (typeof key !== "string" || key === "")) problems.push({ problem: "has no topologyKey", fix: `set topologyKey ("${ZONE_KEY}" or "${HOST_KEY}")` });
  if (!isUnknown(when) && (typeof when !== "string" || !WHEN.has(when))) {
    problems.push({ problem: when === undefined ? "has no whenUnsatisfiable" : `has whenUnsatisfiable ${JSON.stringify(when)} (must be DoNotSchedule or ScheduleAnyway)`, fix: "set whenUnsatisfiable to DoNotSchedule or ScheduleAnyway" });
  }
  if (!isUnknown(selector) && (selector === undefined || selector === null)) problems.push({ problem: "has no labelSelector, so it counts no pods in any domain", fix: "set labelSelector.matchLabels to the pod labels" });
  return problems;
}

function listOr(v: unknown): unknown[] {
  const l = asList(v);
  return isUnknown(l) ? [] : l;
}

interface Spread {
  readonly constraints: unknown[] | "unknown";
  /** Pod anti-affinity terms, required and preferred. */
  readonly antiAffinity: unknown[];
}

function spreadOf(graph: ResourceGraph, w: GraphNode): Spread {
  const spec = podSpecPath(w);
  const tscs = asList(graph.prop(w, `${spec}.topologySpreadConstraints`));
  return {
    constraints: isUnknown(tscs) ? "unknown" : tscs,
    antiAffinity: [
      ...listOr(graph.prop(w, `${spec}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`)),
      ...listOr(graph.prop(w, `${spec}.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution`)).map((p) => field(p, "podAffinityTerm")),
    ],
  };
}

/** Whether the workload spreads its own pods over the domains of `isKey`, by a valid constraint or an anti-affinity. */
function spreadsOver(graph: ResourceGraph, w: GraphNode, spread: Spread, isKey: (k: unknown) => boolean): boolean {
  const labels = podLabels(graph, w);
  // Unknown labels or selectors get the benefit of the doubt; a known mismatch does not. An empty
  // LabelSelector matches every pod, the workload's own included.
  const ownPods = (selector: unknown) => labels === undefined || selectorMatches(selector, labels, true) !== false;
  const byConstraint = spread.constraints !== "unknown" && spread.constraints.some((c) => isKey(field(c, "topologyKey")) && tscProblems(c).length === 0 && ownPods(field(c, "labelSelector")));
  const byAffinity = spread.antiAffinity.some((t) => isKey(field(t, "topologyKey")) && ownPods(field(t, "labelSelector")));
  return byConstraint || byAffinity;
}

/**
 * R15. Without a zone spread the scheduler may put every pod in one AZ. A stack rule: whether the
 * workload may run more than one pod depends on its HPAs, and a one-pod workload has nothing to
 * spread (ha-k8s-min-replicas reports it; here it is not applicable).
 */
export const zoneSpread = defineStackRule({
  name: "ha-k8s-zone-spread",
  description: "Every Deployment, StatefulSet and ReplicaSet that may run two or more pods spreads them over zones with a valid topologySpreadConstraint on topology.kubernetes.io/zone (selecting its own pods) or a zone pod anti-affinity.",
  severity: "high",
  kind: "redundancy",
  anchors: ["Polaris topologySpreadConstraint", "kube-score pod-topology-spread-constraints", "kube-linter no-anti-affinity"],
  remediation: `add topologySpreadConstraints [{ maxSkew: 1, topologyKey: "${ZONE_KEY}", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: <pod labels> } }]`,
  scope: "stack",
  config: {},
  check({ graph, report, undecided, notApplicable }) {
    for (const w of graph.ofType(...REPLICATED)) {
      if (runsOnePodAtMost(graph, w)) {
        notApplicable(w, ONE_POD_NOT_APPLICABLE);
        continue;
      }
      const spread = spreadOf(graph, w);
      if (spread.constraints === "unknown") {
        undecided(w, "topologySpreadConstraints are unknown");
        continue;
      }
      if (!spreadsOver(graph, w, spread, isZoneKey)) {
        report(w, "has no valid zone topologySpreadConstraint or zone anti-affinity that selects its own pods, so the scheduler may place them all in one AZ");
      }
    }
  },
});

/**
 * A zone spread puts at most one pod per zone only while there are no more pods than zones; past
 * that, several pods share a zone and may share a node. Such workloads (counting the HPA's
 * maxReplicas) also spread over hostnames. With no AZ known for the cluster, any two pods may share
 * a node.
 */
export const nodeSpread = defineStackRule({
  name: "ha-k8s-node-spread",
  description: "Every Deployment, StatefulSet and ReplicaSet that may run more pods than its cluster has zones also spreads them over nodes (a kubernetes.io/hostname topologySpreadConstraint or pod anti-affinity).",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-score deployment-has-host-podantiaffinity", "kube-linter no-anti-affinity", "REL10-BP01"],
  remediation: `add a podAntiAffinity term (preferred is enough) or a topologySpreadConstraint with topologyKey "${HOST_KEY}" selecting the pod labels`,
  scope: "stack",
  config: {},
  check({ graph, report, undecided, notApplicable }) {
    for (const w of graph.ofType(...REPLICATED)) {
      if (runsOnePodAtMost(graph, w)) {
        notApplicable(w, ONE_POD_NOT_APPLICABLE);
        continue;
      }
      const pods = maximumReplicas(graph, w);
      if (pods === undefined) {
        undecided(w, "replica count is unknown");
        continue;
      }
      const azs = clusterAzs(graph, w);
      const zones = Math.max(1, azs.length);
      if (pods <= zones) continue;
      const spread = spreadOf(graph, w);
      if (spread.constraints === "unknown") {
        undecided(w, "topologySpreadConstraints are unknown");
        continue;
      }
      if (!spreadsOver(graph, w, spread, (k) => k === HOST_KEY)) {
        const source = hpasOf(graph, w).length > 0 ? "its HPA's maxReplicas" : "spec.replicas";
        const where = azs.length > 0 ? `${azs.length} zone(s) (${list(azs)})` : "zones the graph cannot name";
        report(w, `may run ${pods} pods (${source}) over ${where} with no hostname spread, so several of its pods can share one node and fall with it`);
      }
    }
  },
});

/** An invalid constraint is rejected by the API server (the rollout fails) or counts no pods. */
export const topologySpreadValid = defineResourceRule({
  name: "ha-k8s-topology-spread-valid",
  description: "Every topologySpreadConstraint of a pod workload is valid: maxSkew and minDomains at least 1, a topologyKey, a labelSelector and whenUnsatisfiable DoNotSchedule or ScheduleAnyway.",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-score pod-topology-spread-constraints", "Polaris topologySpreadConstraint"],
  remediation: "give each constraint maxSkew >= 1, a topologyKey, a labelSelector on the pod labels and whenUnsatisfiable DoNotSchedule or ScheduleAnyway",
  scope: "resource",
  types: POD_WORKLOADS,
  config: {},
  check(w, { graph, report }) {
    const tscs = asList(graph.prop(w, `${podSpecPath(w)}.topologySpreadConstraints`));
    if (isUnknown(tscs)) return;
    tscs.forEach((c, i) => {
      const key = field(c, "topologyKey");
      for (const { problem, fix } of tscProblems(c)) {
        report(w, `${kindOf(w)} topologySpreadConstraints[${i}]${typeof key === "string" && key ? ` (${key})` : ""} ${problem}`, `${fix} in topologySpreadConstraints[${i}]`);
      }
    });
  },
});

import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, field, isUnknown, list } from "../engine/values";
import { labelsOf, selects, T } from "./common";
import { clusterAzs, containersOf, hpasOf, isServing, isZoneKey, minimumReplicas, sameNamespaceAs, templateLabels } from "./k8sCommon";

/**
 * R14. One pod is one failure; fewer pods than AZs leaves an AZ without capacity. Deployments no
 * Service selects (leader-elected controllers such as the cluster autoscaler) serve no traffic:
 * they need a standby, not a pod per AZ.
 */
export const minReplicas = defineStackRule<{ minReplicas: number; perAz: boolean; minReplicasNotServing: number }>({
  name: "ha-k8s-min-replicas",
  description: "Every Deployment a Service selects keeps at least the minimum number of pods (its HPA's minReplicas when scaled) and one per availability zone of its cluster; other Deployments keep a standby.",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-linter minimum-three-replicas", "kube-score deployment-replicas", "Polaris deploymentMissingReplicas", "REL10-BP01"],
  remediation: "raise spec.replicas (or the HPA's minReplicas) to at least one pod per AZ",
  scope: "stack",
  config: {
    minReplicas: { type: "integer", minimum: 1, default: 2, description: "Pod floor per serving Deployment (prod policy config raises it to 3)." },
    perAz: { type: "boolean", default: true, description: "Also require at least one pod per AZ of a serving Deployment's cluster." },
    minReplicasNotServing: { type: "integer", minimum: 1, default: 2, description: "Pod floor for Deployments no Service selects (controllers)." },
  },
  check({ graph, config, report, undecided }) {
    for (const dep of graph.ofType(T.deployment)) {
      const hpas = hpasOf(graph, dep);
      const min = minimumReplicas(graph, dep, hpas);
      if (min === undefined) {
        undecided(dep, "replica count is unknown");
        continue;
      }
      const serving = isServing(graph, dep);
      const azs = serving && config.perAz ? clusterAzs(graph, dep) : [];
      const floor = serving ? config.minReplicas : config.minReplicasNotServing;
      const needed = Math.max(floor, azs.length);
      if (min < needed) {
        const source = hpas.length > 0 ? `HPA ${hpas[0].name} minReplicas` : "spec.replicas";
        const why = azs.length > floor ? `one per AZ (${list(azs)})` : serving ? `the floor of ${floor}` : `a standby for a Deployment no Service selects (floor ${floor})`;
        report(dep, `runs as few as ${min} pod(s) (${source}); at least ${needed} are required: ${why}`);
      }
    }
  },
});

/** R15. Without a zone spread the scheduler may put every pod in one AZ. */
export const zoneSpread = defineResourceRule({
  name: "ha-k8s-zone-spread",
  description: "Every Deployment's pods are spread over zones by a topologySpreadConstraint on topology.kubernetes.io/zone (selecting its own pods) or a zone pod anti-affinity.",
  severity: "high",
  kind: "redundancy",
  anchors: ["Polaris topologySpreadConstraint", "kube-score pod-topology-spread-constraints", "kube-linter no-anti-affinity"],
  remediation: "add topologySpreadConstraints [{ maxSkew: 1, topologyKey: \"topology.kubernetes.io/zone\", whenUnsatisfiable: \"DoNotSchedule\", labelSelector: { matchLabels: <pod labels> } }]",
  scope: "resource",
  types: [T.deployment],
  config: {},
  check(dep, { graph, report, undecided }) {
    const labels = templateLabels(graph, dep);
    const tscs = asList(graph.prop(dep, "spec.template.spec.topologySpreadConstraints"));
    const anti = [
      ...asListOr(graph.prop(dep, "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution")),
      ...asListOr(graph.prop(dep, "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution")).map((p) => field(p, "podAffinityTerm")),
    ];
    if (isUnknown(tscs)) {
      undecided(dep, "topologySpreadConstraints are unknown");
      return;
    }
    const ownPods = (selector: unknown) => {
      const matchLabels = labelsOf(field(selector, "matchLabels"));
      return labels === undefined || selects(matchLabels, labels);
    };
    const spread = tscs.some((c) => {
      const skew = asNumber(field(c, "maxSkew"));
      const when = field(c, "whenUnsatisfiable");
      return isZoneKey(field(c, "topologyKey")) && typeof skew === "number" && skew >= 1
        && (when === undefined || when === "DoNotSchedule" || when === "ScheduleAnyway") && ownPods(field(c, "labelSelector"));
    });
    const antiAffinity = anti.some((t) => isZoneKey(field(t, "topologyKey")) && ownPods(field(t, "labelSelector")));
    if (!spread && !antiAffinity) {
      report(dep, "has no zone topologySpreadConstraint or zone anti-affinity that selects its own pods, so the scheduler may place them all in one AZ");
    }
  },
});

function asListOr(v: unknown): unknown[] {
  const l = asList(v);
  return isUnknown(l) ? [] : l;
}

/** S11. Node drains during upgrades evict every pod at once unless a PDB limits it. */
export const deploymentHasPdb = defineStackRule({
  name: "ha-k8s-deployment-has-pdb",
  description: "Every Deployment that runs two or more pods (or is scaled by an HPA) is selected by a PodDisruptionBudget in its namespace.",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-score deployment-has-poddisruptionbudget", "Polaris missingPodDisruptionBudget"],
  remediation: "add a PodDisruptionBudget whose selector.matchLabels match the pod template labels (e.g. maxUnavailable: 1)",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    for (const dep of graph.ofType(T.deployment)) {
      const hpas = hpasOf(graph, dep);
      const min = minimumReplicas(graph, dep, hpas);
      if (hpas.length === 0 && min !== undefined && min < 2) continue;
      const labels = templateLabels(graph, dep);
      if (!labels) {
        undecided(dep, "pod template labels are unknown");
        continue;
      }
      const covered = sameNamespaceAs(graph, dep, T.pdbs).some((p) => selects(labelsOf(graph.prop(p, "spec.selector.matchLabels")), labels));
      if (!covered) report(dep, "is selected by no PodDisruptionBudget, so a node drain may evict all of its pods at once");
    }
  },
});

function percent(v: unknown): number | undefined {
  return typeof v === "string" && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** S12. A PDB that allows no eviction blocks node drains and upgrades (and gets overridden in a hurry). */
export const pdbAllowsEviction = defineStackRule({
  name: "ha-k8s-pdb-allows-eviction",
  description: "No PodDisruptionBudget forbids all evictions: not maxUnavailable 0, not minAvailable 100% or at least the pods its Deployments keep.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-linter pdb-max-unavailable", "kube-linter pdb-min-available", "Polaris pdbDisruptionsIsZero", "Polaris pdbMinAvailableGreaterThanHPAMinReplicas"],
  remediation: "use maxUnavailable: 1 (or a minAvailable below the Deployment's minimum replicas)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const pdb of graph.ofType(...T.pdbs)) {
      const maxUnavailable = graph.prop(pdb, "spec.maxUnavailable");
      const minAvailable = graph.prop(pdb, "spec.minAvailable");
      if (maxUnavailable === 0 || maxUnavailable === "0" || percent(maxUnavailable) === 0) {
        report(pdb, "sets maxUnavailable 0, so no pod may ever be evicted");
        continue;
      }
      if (percent(minAvailable) === 100) {
        report(pdb, "sets minAvailable 100%, so no pod may ever be evicted");
        continue;
      }
      const min = asNumber(minAvailable);
      if (typeof min !== "number") continue;
      const selector = labelsOf(graph.prop(pdb, "spec.selector.matchLabels"));
      for (const dep of sameNamespaceAs(graph, pdb, [T.deployment])) {
        if (!selects(selector, templateLabels(graph, dep))) continue;
        const replicas = minimumReplicas(graph, dep);
        if (replicas !== undefined && min >= replicas) {
          report(pdb, `requires minAvailable ${min} while Deployment ${dep.name} keeps as few as ${replicas} pod(s), so evictions are blocked`);
        }
      }
    }
  },
});

/**
 * R16. Readiness takes a failing pod out of its Service; liveness restarts a stuck one. A
 * Deployment no Service selects has no endpoints to leave, so it needs liveness only.
 */
export const probes = defineStackRule({
  name: "ha-k8s-probes",
  description: "Every container of a Deployment has a liveness probe, containers of Deployments a Service selects also a readiness probe, and the two differ.",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-score pod-probes", "kube-score pod-probes-identical", "Polaris readinessProbeMissing", "CKV_K8S_8", "CKV_K8S_9", "REL11-BP01"],
  remediation: "add a readinessProbe on the deep health path and a cheaper livenessProbe (different path or thresholds)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const dep of graph.ofType(T.deployment)) {
    const serving = isServing(graph, dep);
    for (const c of containersOf(graph, dep)) {
      const name = String(field(c, "name") ?? "?");
      const readiness = field(c, "readinessProbe");
      const liveness = field(c, "livenessProbe");
      if (!readiness && serving) report(dep, `container ${name} has no readinessProbe, so its Service keeps sending traffic to a pod that cannot serve`);
      if (!liveness) report(dep, `container ${name} has no livenessProbe`);
      if (readiness && liveness && JSON.stringify(readiness) === JSON.stringify(liveness)) {
        report(dep, `container ${name} uses identical readiness and liveness probes, so a dependency outage restarts every pod`);
      }
    }
    }
  },
});

/** R17. Without requests the scheduler cannot keep spare capacity; without a memory limit one pod can starve a node. */
export const resources = defineResourceRule<{ requireCpuLimit: boolean }>({
  name: "ha-k8s-resources",
  description: "Every container of a Deployment requests CPU and memory and sets a memory limit.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-score container-resources", "Polaris cpuRequestsMissing", "kube-linter unset-memory-requirements", "CKV_K8S_10", "CKV_K8S_12", "CKV_K8S_13"],
  remediation: "set resources.requests.cpu, resources.requests.memory and resources.limits.memory",
  scope: "resource",
  types: [T.deployment],
  config: {
    requireCpuLimit: { type: "boolean", default: false, description: "Also require a CPU limit (off: CPU limits cause throttling)." },
  },
  check(dep, { graph, config, report }) {
    for (const c of containersOf(graph, dep)) {
      const name = String(field(c, "name") ?? "?");
      const missing = ["requests.cpu", "requests.memory", "limits.memory", ...(config.requireCpuLimit ? ["limits.cpu"] : [])]
        .filter((p) => field(c, `resources.${p}`) === undefined);
      if (missing.length > 0) report(dep, `container ${name} does not set resources ${list(missing)}`);
    }
  },
});

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
  check(hpa, { graph, config, report }) {
    const min = asNumber(graph.prop(hpa, "spec.minReplicas")) ?? 1;
    const max = asNumber(graph.prop(hpa, "spec.maxReplicas"));
    if (typeof min === "number" && min < config.minReplicas) report(hpa, `may scale down to ${min} pod(s); at least ${config.minReplicas} are required`);
    if (typeof min === "number" && typeof max === "number" && max <= min) report(hpa, `has maxReplicas ${max} <= minReplicas ${min}, so it cannot scale out when the other region fails`);
  },
});

/** R18 (P2). A Recreate rollout is a planned outage of the region. */
export const rolloutSafety = defineResourceRule({
  name: "ha-k8s-rollout-safety",
  description: "Deployments roll out with RollingUpdate and never allow all pods to be unavailable at once.",
  severity: "low",
  kind: "redundancy",
  advisoryEverywhere: true,
  anchors: ["kube-score deployment-strategy", "kube-linter no-rolling-update-strategy"],
  remediation: "use strategy RollingUpdate with maxUnavailable 0 or a small number",
  scope: "resource",
  types: [T.deployment],
  config: {},
  check(dep, { graph, report }) {
    if (graph.prop(dep, "spec.strategy.type") === "Recreate") report(dep, "uses the Recreate strategy, which stops every pod before starting new ones");
    if (percent(graph.prop(dep, "spec.strategy.rollingUpdate.maxUnavailable")) === 100) report(dep, "allows 100% of pods to be unavailable during a rollout");
  },
});

/** R19. Pods run as non-root, unprivileged, from a pinned image. */
export const podHardening = defineResourceRule<{ requireReadOnlyRootFilesystem: boolean }>({
  name: "sec-k8s-pod-hardening",
  description: "Deployment pods run as non-root without privilege or privilege escalation, share no host namespaces, use pinned images and (by default) a read-only root filesystem.",
  severity: "high",
  kind: "security",
  anchors: ["kube-linter run-as-non-root", "kube-linter privilege-escalation-container", "kube-linter latest-tag", "CKV_K8S_14", "CKV_K8S_16", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23"],
  remediation: "set securityContext { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }, no hostNetwork/hostPID/hostIPC, and an image tag other than latest (or a digest)",
  scope: "resource",
  types: [T.deployment],
  config: {
    requireReadOnlyRootFilesystem: { type: "boolean", default: true, description: "Require readOnlyRootFilesystem on every container." },
  },
  check(dep, { graph, config, report }) {
    const pod = graph.prop(dep, "spec.template.spec");
    for (const key of ["hostNetwork", "hostPID", "hostIPC"]) if (asBool(field(pod, key)) === true) report(dep, `shares the node's ${key.slice(4)} namespace (${key}: true)`);
    const podNonRoot = asBool(field(pod, "securityContext.runAsNonRoot")) === true;
    for (const c of containersOf(graph, dep)) {
      const name = String(field(c, "name") ?? "?");
      const sc = field(c, "securityContext");
      if (!podNonRoot && asBool(field(sc, "runAsNonRoot")) !== true) report(dep, `container ${name} may run as root (runAsNonRoot not set)`);
      if (asBool(field(sc, "privileged")) === true) report(dep, `container ${name} is privileged`);
      if (asBool(field(sc, "allowPrivilegeEscalation")) !== false) report(dep, `container ${name} allows privilege escalation (allowPrivilegeEscalation not false)`);
      if (config.requireReadOnlyRootFilesystem && asBool(field(sc, "readOnlyRootFilesystem")) !== true) report(dep, `container ${name} has a writable root filesystem`);
      const image = asString(field(c, "image"));
      if (typeof image === "string" && !/@sha256:[a-f0-9]{64}$/.test(image) && (!/:[^/:]+$/.test(image) || /:latest$/.test(image))) {
        report(dep, `container ${name} uses an unpinned image ${image}`);
      }
    }
  },
});

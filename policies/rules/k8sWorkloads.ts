import { defineResourceRule, defineStackRule } from "../engine/types";
import { asList, field, isUnknown, list } from "../engine/values";
import { T } from "./common";
import { clusterAzs, containerName, containersOf, hpasOf, isServing, kindOf, minimumReplicas, POD_WORKLOADS, REPLICATED, runsOnePodAtMost } from "./k8sCommon";
import { ebsPinnedVolumes, ephemeralDatastore } from "./k8sData";

/**
 * R14. One pod is one failure; fewer pods than AZs leaves an AZ without capacity. Workloads no
 * Service selects (leader-elected controllers such as the cluster autoscaler) serve no traffic:
 * they need a standby, not a pod per AZ. DaemonSets run one pod per node by construction.
 */
export const minReplicas = defineStackRule<{ minReplicas: number; perAz: boolean; minReplicasNotServing: number }>({
  name: "ha-k8s-min-replicas",
  description: "Every Deployment, StatefulSet and ReplicaSet a Service selects keeps at least the minimum number of pods (its HPA's minReplicas when scaled) and one per availability zone of its cluster; other replicated workloads keep a standby (datastores kept in the pod and one-pod workloads on ReadWriteOnce EBS are left to their own rules).",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-linter minimum-three-replicas", "kube-score deployment-replicas", "Polaris deploymentMissingReplicas", "REL10-BP01"],
  remediation: "raise spec.replicas (or the HPA's minReplicas) to at least one pod per AZ",
  scope: "stack",
  config: {
    minReplicas: { type: "integer", minimum: 1, default: 2, description: "Pod floor per serving workload (prod policy config raises it to 3)." },
    perAz: { type: "boolean", default: true, description: "Also require at least one pod per AZ of a serving workload's cluster." },
    minReplicasNotServing: { type: "integer", minimum: 1, default: 2, description: "Pod floor for workloads no Service selects (controllers)." },
  },
  check({ graph, config, report, undecided, limit, notApplicable }) {
    for (const w of graph.ofType(...REPLICATED)) {
      const hpas = hpasOf(graph, w);
      // More copies of a pod that keeps its data in itself, or of one pinned to a ReadWriteOnce EBS
      // volume, are no fix: the rule that owns the root cause reports it, with the fix that works.
      if (ephemeralDatastore(graph, w)) {
        notApplicable(w, "keeps a datastore's data in the pod; not applicable until the data is on a volume (ha-k8s-datastore-persistent reports it)");
        continue;
      }
      if (runsOnePodAtMost(graph, w, hpas) && ebsPinnedVolumes(graph, w).length > 0) {
        notApplicable(w, "runs one pod on a ReadWriteOnce EBS volume; not applicable until its data is replicated or on shared storage (ha-k8s-rwo-volume-single-pod reports it)");
        continue;
      }
      const min = minimumReplicas(graph, w, hpas);
      if (min === undefined) {
        undecided(w, "replica count is unknown");
        continue;
      }
      const serving = isServing(graph, w);
      const azs = serving && config.perAz ? clusterAzs(graph, w) : [];
      const floor = serving ? config.minReplicas : config.minReplicasNotServing;
      const needed = Math.max(floor, azs.length);
      if (min < needed) {
        const source = hpas.length > 0 ? `HPA ${hpas[0].name} minReplicas` : "spec.replicas";
        const why = azs.length > floor ? `one per AZ (${list(azs)}), set by \`ha-k8s-min-replicas.perAz\`` : serving ? limit("minReplicas") : `a standby for a ${kindOf(w)} no Service selects, ${limit("minReplicasNotServing")}`;
        report(w, `runs as few as ${min} pod(s) (${source}); at least ${needed} are required: ${why}`, hpas.length > 0 ? `raise HPA ${hpas[0].name} spec.minReplicas to ${needed}` : `raise spec.replicas to ${needed}`);
      }
    }
  },
});

/** R18. A Pod with no controller is not rescheduled when its node dies: it is a single point of failure in itself. */
export const noBarePods = defineResourceRule({
  name: "ha-k8s-no-bare-pods",
  description: "No Pod is created without a controller (ownerReferences): a bare Pod is not recreated when its node fails.",
  severity: "high",
  kind: "redundancy",
  anchors: ["kubernetes-core-v1-pod-disallow-pod", "pulumi/examples pods-are-prohibited", "REL11-BP03"],
  remediation: "run the pod from a Deployment (or a StatefulSet for stable identity) with at least two replicas",
  scope: "resource",
  types: [T.pod],
  config: {},
  check(pod, { graph, report }) {
    const owners = asList(graph.prop(pod, "metadata.ownerReferences"));
    if (!isUnknown(owners) && owners.length === 0) report(pod, "is a bare Pod with no controller, so nothing recreates it when its node or AZ fails");
  },
});

/**
 * R16. Readiness takes a failing pod out of its Service; liveness restarts a stuck one. A workload
 * no Service selects has no endpoints to leave, so it needs liveness only.
 */
export const probes = defineStackRule({
  name: "ha-k8s-probes",
  description: "Every container of a pod workload (Deployment, StatefulSet, ReplicaSet, DaemonSet, Pod) has a liveness probe, containers a Service selects also a readiness probe, and the two differ.",
  severity: "high",
  kind: "redundancy",
  anchors: ["kube-score pod-probes", "kube-score pod-probes-identical", "Polaris readinessProbeMissing", "CKV_K8S_8", "CKV_K8S_9", "REL11-BP01"],
  remediation: "add a readinessProbe on the deep health path and a cheaper livenessProbe (different path or thresholds)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const w of graph.ofType(...POD_WORKLOADS)) {
      const serving = isServing(graph, w);
      for (const c of containersOf(graph, w)) {
        const name = containerName(c);
        const readiness = field(c, "readinessProbe");
        const liveness = field(c, "livenessProbe");
        if (isUnknown(readiness) || isUnknown(liveness)) continue;
        if (!readiness && serving) report(w, `container ${name} has no readinessProbe, so its Service keeps sending traffic to a pod that cannot serve`, `add a readinessProbe to container ${name} on the app's deep health path`);
        if (!liveness) report(w, `container ${name} has no livenessProbe, so a hung process is never restarted`, `add a livenessProbe to container ${name} (a cheap check, not the deep health path)`);
        if (readiness && liveness && JSON.stringify(readiness) === JSON.stringify(liveness)) {
          report(w, `container ${name} uses identical readiness and liveness probes, so a dependency outage restarts every pod`, `make container ${name}'s livenessProbe cheaper than its readinessProbe (another path, or a tcpSocket check)`);
        }
      }
    }
  },
});

/** R17. Without requests the scheduler cannot keep spare capacity; without a memory limit one pod can starve a node. */
export const resources = defineResourceRule<{ requireCpuLimit: boolean }>({
  name: "ha-k8s-resources",
  description: "Every container (init containers included) of a pod workload requests CPU and memory and sets a memory limit.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["kube-score container-resources", "Polaris cpuRequestsMissing", "kube-linter unset-memory-requirements", "CKV_K8S_10", "CKV_K8S_12", "CKV_K8S_13"],
  remediation: "set resources.requests.cpu, resources.requests.memory and resources.limits.memory",
  scope: "resource",
  types: POD_WORKLOADS,
  config: {
    requireCpuLimit: { type: "boolean", default: false, description: "Also require a CPU limit (off: CPU limits cause throttling)." },
  },
  check(w, { graph, config, report }) {
    for (const c of containersOf(graph, w, true)) {
      const name = containerName(c);
      const missing = ["requests.cpu", "requests.memory", "limits.memory", ...(config.requireCpuLimit ? ["limits.cpu"] : [])]
        .filter((p) => field(c, `resources.${p}`) === undefined);
      if (missing.length > 0) report(w, `container ${name} does not set resources ${list(missing)}`, `set resources.${missing.join(", resources.")} on container ${name}`);
    }
  },
});

function percent(v: unknown): number | undefined {
  return typeof v === "string" && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

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
    if (graph.prop(dep, "spec.strategy.type") === "Recreate") report(dep, "uses the Recreate strategy, which stops every pod before starting new ones", "use strategy.type RollingUpdate");
    if (percent(graph.prop(dep, "spec.strategy.rollingUpdate.maxUnavailable")) === 100) report(dep, "allows 100% of pods to be unavailable during a rollout", "lower strategy.rollingUpdate.maxUnavailable (0 or 25%)");
  },
});

import { editContainer, type RuleCase } from "./cases";

/** Firing cases for the Kubernetes workload kinds and semantics (see cases.ts for the shape). */

const tsc = (g: Parameters<RuleCase["mutate"]>[0], w: string, i: number, patch: Record<string, unknown>, drop: string[] = []) => {
  const list = JSON.parse(JSON.stringify((g.get(w).inputs as any).spec.template.spec.topologySpreadConstraints));
  Object.assign(list[i], patch);
  for (const k of drop) delete list[i][k];
  g.set(w, "spec.template.spec.topologySpreadConstraints", list);
};

const podTemplate = (labels: Record<string, string>) => ({
  metadata: { labels },
  spec: {
    securityContext: { runAsNonRoot: true },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } }],
    containers: [{
      name: "c",
      image: "public.ecr.aws/nginx/nginx:1.27.3",
      livenessProbe: { tcpSocket: { port: 80 } },
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
    }],
  },
});

export const K8S_CASES: RuleCase[] = [
  { rule: "ha-k8s-min-replicas", when: "a StatefulSet's HPA may drop to one pod", offender: "queue-west", about: /StatefulSet|HPA queue-hpa-west minReplicas/, mutate: (g) => g.set("queue-hpa-west", "spec.minReplicas", 1) },
  {
    rule: "ha-k8s-min-replicas",
    when: "a ReplicaSet runs one pod",
    offender: "rs-east",
    about: /runs as few as 1 pod/,
    mutate: (g) => g.add("kubernetes:apps/v1:ReplicaSet", "rs-east", { metadata: { name: "rs", namespace: "kube-system" }, spec: { replicas: 1, selector: { matchLabels: { app: "rs" } }, template: podTemplate({ app: "rs" }) } }, { provider: "k8s-east" }),
  },
  { rule: "ha-k8s-no-bare-pods", when: "a Pod has no controller", offender: "migrate-east", about: /bare Pod/, mutate: (g) => g.set("migrate-east", "metadata.ownerReferences", undefined) },
  { rule: "ha-k8s-zone-spread", when: "a StatefulSet spreads over hosts only", offender: "queue-east", about: /zone topologySpreadConstraint/, mutate: (g) => g.set("queue-east", "spec.template.spec.topologySpreadConstraints", [(g.get("queue-east").inputs as any).spec.template.spec.topologySpreadConstraints[1]]) },
  { rule: "ha-k8s-zone-spread", when: "the only zone constraint is invalid (maxSkew 0)", offender: "app-east", about: /no valid zone topologySpreadConstraint/, mutate: (g) => tsc(g, "app-east", 0, { maxSkew: 0 }) },
  { rule: "ha-k8s-zone-spread", when: "the zone constraint's matchExpressions select other pods", offender: "queue-west", about: /selects its own pods/, mutate: (g) => tsc(g, "queue-west", 0, { labelSelector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["queue"] }] } }) },
  { rule: "ha-k8s-node-spread", when: "a StatefulSet scaled to 6 pods over 3 zones loses its hostname constraint", offender: "queue-east", about: /may run 6 pods \(its HPA's maxReplicas\) over 3 zone\(s\).*no hostname spread/, mutate: (g) => g.set("queue-east", "spec.template.spec.topologySpreadConstraints", [(g.get("queue-east").inputs as any).spec.template.spec.topologySpreadConstraints[0]]) },
  { rule: "ha-k8s-node-spread", when: "the app Deployment (up to 12 pods) loses its hostname anti-affinity", offender: "app-west", about: /may run 12 pods.*no hostname spread/, mutate: (g) => g.set("app-west", "spec.template.spec.affinity", undefined) },
  { rule: "ha-k8s-topology-spread-valid", when: "a constraint has maxSkew 0", offender: "queue-east", about: /topologySpreadConstraints\[1\] \(kubernetes.io\/hostname\) has maxSkew 0.*Fix: set maxSkew: 1/, mutate: (g) => tsc(g, "queue-east", 1, { maxSkew: 0 }) },
  { rule: "ha-k8s-topology-spread-valid", when: "a constraint has minDomains 0", offender: "queue-east", about: /has minDomains 0/, mutate: (g) => tsc(g, "queue-east", 1, { minDomains: 0 }) },
  { rule: "ha-k8s-topology-spread-valid", when: "a constraint has no topologyKey", offender: "app-west", about: /has no topologyKey/, mutate: (g) => tsc(g, "app-west", 0, {}, ["topologyKey"]) },
  { rule: "ha-k8s-topology-spread-valid", when: "a constraint has no labelSelector", offender: "controller-east", about: /has no labelSelector/, mutate: (g) => tsc(g, "controller-east", 0, {}, ["labelSelector"]) },
  { rule: "ha-k8s-topology-spread-valid", when: "a constraint has an unknown whenUnsatisfiable", offender: "queue-west", about: /whenUnsatisfiable "Sometimes"/, mutate: (g) => tsc(g, "queue-west", 0, { whenUnsatisfiable: "Sometimes" }) },
  { rule: "ha-k8s-deployment-has-pdb", when: "a StatefulSet loses its PDB", offender: "queue-west", about: /StatefulSet selected by no PodDisruptionBudget/, mutate: (g) => g.remove("queue-pdb-west") },
  {
    rule: "ha-k8s-deployment-has-pdb",
    when: "a two-replica controller has no PDB",
    offender: "controller-east",
    about: /selected by no PodDisruptionBudget/,
    mutate: (g) => { g.set("controller-east", "spec.replicas", 2); g.remove("controller-pdb-east"); },
  },
  {
    rule: "ha-k8s-deployment-has-pdb",
    when: "the only PDB matching the app's labels sits in another namespace",
    offender: "app-east",
    about: /in its own namespace/,
    mutate: (g) => g.link("pdb-east", "metadata", []).set("pdb-east", "metadata", { name: "web", namespace: "other" }),
  },
  { rule: "ha-k8s-deployment-has-pdb", when: "the PDB's selector misses the pod labels", offender: "app-west", about: /selector misses its pod labels/, mutate: (g) => g.set("pdb-west", "spec.selector", { matchLabels: { app: "web-canary" } }) },
  {
    rule: "ha-k8s-node-spread",
    when: "the app's hostname anti-affinity selects other pods",
    offender: "app-east",
    about: /no hostname spread/,
    mutate: (g) => {
      const aff = JSON.parse(JSON.stringify((g.get("app-east").inputs as any).spec.template.spec.affinity));
      const terms = aff.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution ?? aff.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      for (const t of terms) (t.podAffinityTerm ?? t).labelSelector = { matchLabels: { app: "batch" } };
      g.set("app-east", "spec.template.spec.affinity", aff);
    },
  },
  { rule: "ha-k8s-resources", when: "the rule asks for CPU limits and a container sets none", offender: "app-east", about: /limits\.cpu/, config: { "ha-k8s-resources": { requireCpuLimit: true } }, mutate: () => undefined },
  { rule: "ha-k8s-pdb-has-policy", when: "a PDB sets neither minAvailable nor maxUnavailable", offender: "pdb-east", about: /neither minAvailable nor maxUnavailable/, mutate: (g) => g.set("pdb-east", "spec.maxUnavailable", undefined) },
  { rule: "ha-k8s-pdb-has-policy", when: "a PDB sets both", offender: "queue-pdb-east", about: /both minAvailable and maxUnavailable/, mutate: (g) => g.set("queue-pdb-east", "spec.maxUnavailable", 1) },
  { rule: "ha-k8s-pdb-allows-eviction", when: "a StatefulSet's PDB requires all its pods", offender: "queue-pdb-east", about: /minAvailable 3 while StatefulSet queue-east keeps as few as 3/, mutate: (g) => g.set("queue-pdb-east", "spec.minAvailable", 3) },
  { rule: "ha-k8s-pdb-unhealthy-eviction", when: "a PDB leaves unhealthyPodEvictionPolicy at its default", offender: "pdb-west", about: /IfHealthyBudget/, mutate: (g) => g.set("pdb-west", "spec.unhealthyPodEvictionPolicy", undefined) },
  { rule: "ha-k8s-pdb-unhealthy-eviction", when: "a PDB sets an unknown unhealthyPodEvictionPolicy", offender: "queue-pdb-west", about: /"Always"/, mutate: (g) => g.set("queue-pdb-west", "spec.unhealthyPodEvictionPolicy", "Always") },
  { rule: "ha-k8s-probes", when: "a DaemonSet container has no liveness probe", offender: "agent-east", about: /container agent has no livenessProbe/, mutate: (g) => editContainer(g, "agent-east", (c) => delete c.livenessProbe) },
  { rule: "ha-k8s-probes", when: "a StatefulSet a Service selects has no readiness probe", offender: "queue-west", about: /container queue has no readinessProbe/, mutate: (g) => editContainer(g, "queue-west", (c) => delete c.readinessProbe) },
  { rule: "ha-k8s-probes", when: "a Pod has no liveness probe", offender: "migrate-west", about: /container migrate has no livenessProbe/, mutate: (g) => editContainer(g, "migrate-west", (c) => delete c.livenessProbe) },
  { rule: "ha-k8s-resources", when: "an init container requests nothing", offender: "queue-east", about: /container init does not set resources requests.cpu, requests.memory, limits.memory/, mutate: (g) => editContainer(g, "queue-east", (c) => delete c.resources, "initContainers") },
  { rule: "ha-k8s-resources", when: "a DaemonSet container has no memory limit", offender: "agent-west", about: /container agent does not set resources limits.memory/, mutate: (g) => editContainer(g, "agent-west", (c) => ((c.resources as any) = { requests: { cpu: "10m", memory: "32Mi" } })) },
  { rule: "ha-k8s-hpa-target-exists", when: "an HPA names a StatefulSet that does not exist", offender: "queue-hpa-east", about: /targets StatefulSet "queue-v2", which no workload/, mutate: (g) => g.set("queue-hpa-east", "spec.scaleTargetRef.name", "queue-v2") },
  { rule: "ha-k8s-hpa-target-exists", when: "an HPA names the right name with the wrong kind", offender: "hpa-west", about: /targets StatefulSet "web"/, mutate: (g) => g.link("hpa-west", "spec", []).set("hpa-west", "spec", { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "web" }, minReplicas: 3, maxReplicas: 12 }) },
  { rule: "ha-k8s-hpa-replicas-unpinned", when: "an HPA-scaled StatefulSet pins spec.replicas without ignoreChanges", offender: "queue-west", about: /pins spec.replicas 3 while HPA queue-hpa-west scales it/, mutate: (g) => g.set("queue-west", "spec.replicas", 3) },
  { rule: "ha-k8s-hpa-replicas-unpinned", when: "the HPA-scaled app Deployment pins spec.replicas", offender: "app-east", about: /pins spec.replicas 3/, mutate: (g) => g.set("app-east", "spec.replicas", 3) },
  { rule: "sec-k8s-pod-hardening", when: "a DaemonSet shares the node's network namespace", offender: "agent-east", about: /hostNetwork: true/, mutate: (g) => g.set("agent-east", "spec.template.spec.hostNetwork", true) },
  { rule: "sec-k8s-pod-hardening", when: "an init container is privileged", offender: "queue-west", about: /container init is privileged/, mutate: (g) => editContainer(g, "queue-west", (c) => ((c.securityContext as any).privileged = true), "initContainers") },
  { rule: "sec-k8s-pod-hardening", when: "a Pod may run as root", offender: "migrate-east", about: /container migrate may run as root/, mutate: (g) => g.set("migrate-east", "spec.securityContext", {}) },
];

import { defineResourceRule } from "../engine/types";
import { asBool, asString, field } from "../engine/values";
import { containerName, containersOf, POD_WORKLOADS, podSpecPath } from "./k8sCommon";

/** R19. Pods run as non-root, unprivileged, from a pinned image; init containers too, they run with the same rights. */
export const podHardening = defineResourceRule<{ requireReadOnlyRootFilesystem: boolean }>({
  name: "sec-k8s-pod-hardening",
  description: "Pods of every workload kind run as non-root without privilege or privilege escalation, share no host namespaces, use pinned images and (by default) a read-only root filesystem.",
  severity: "high",
  kind: "security",
  anchors: ["kube-linter run-as-non-root", "kube-linter privilege-escalation-container", "kube-linter latest-tag", "CKV_K8S_14", "CKV_K8S_16", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23"],
  remediation: "set securityContext { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }, no hostNetwork/hostPID/hostIPC, and an image tag other than latest (or a digest)",
  scope: "resource",
  types: POD_WORKLOADS,
  config: {
    requireReadOnlyRootFilesystem: { type: "boolean", default: true, description: "Require readOnlyRootFilesystem on every container." },
  },
  check(w, { graph, config, report }) {
    const pod = graph.prop(w, podSpecPath(w));
    for (const key of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (asBool(field(pod, key)) === true) report(w, `shares the node's ${key.slice(4)} namespace (${key}: true)`, `remove ${key}: true`);
    }
    const podNonRoot = asBool(field(pod, "securityContext.runAsNonRoot")) === true;
    for (const c of containersOf(graph, w, true)) {
      const name = containerName(c);
      const sc = field(c, "securityContext");
      if (!podNonRoot && asBool(field(sc, "runAsNonRoot")) !== true) report(w, `container ${name} may run as root (runAsNonRoot not set)`, `set securityContext.runAsNonRoot: true on the pod or on container ${name}`);
      if (asBool(field(sc, "privileged")) === true) report(w, `container ${name} is privileged`, `remove securityContext.privileged: true from container ${name}`);
      if (asBool(field(sc, "allowPrivilegeEscalation")) !== false) report(w, `container ${name} allows privilege escalation (allowPrivilegeEscalation not false)`, `set securityContext.allowPrivilegeEscalation: false on container ${name}`);
      if (config.requireReadOnlyRootFilesystem && asBool(field(sc, "readOnlyRootFilesystem")) !== true) report(w, `container ${name} has a writable root filesystem`, `set securityContext.readOnlyRootFilesystem: true on container ${name} (mount an emptyDir where it writes)`);
      const image = asString(field(c, "image"));
      if (typeof image === "string" && !/@sha256:[a-f0-9]{64}$/.test(image) && (!/:[^/:]+$/.test(image) || /:latest$/.test(image))) {
        report(w, `container ${name} uses an unpinned image ${image}`, `pin container ${name}'s image to a version tag or a digest`);
      }
    }
  },
});

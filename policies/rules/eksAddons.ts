import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, asNumber, asString, field, isUnknown, list } from "../engine/values";
import { T } from "./common";
import { capacityAzs } from "./nodeCapacity";

/**
 * Add-ons every pod depends on. CoreDNS answers every in-cluster name lookup: EKS deploys two
 * replicas by default (EKS user guide, "Scale CoreDNS Pods"), and the managed add-on takes
 * `replicaCount` or `autoScaling { enabled, minReplicas, maxReplicas }` in configurationValues.
 * Fewer replicas than AZs leaves an AZ loss able to take name resolution down with it.
 */

const COREDNS_DEFAULT_REPLICAS = 2;

function configurationOf(graph: ResourceGraph, addon: GraphNode): Record<string, unknown> | "unknown" | "invalid" {
  const raw = graph.prop(addon, "configurationValues");
  if (isUnknown(raw)) return "unknown";
  if (raw === undefined || raw === "") return {};
  if (typeof raw === "object" && raw !== null) return raw as Record<string, unknown>;
  try {
    const parsed = JSON.parse(String(raw)) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : "invalid";
  } catch {
    return "invalid";
  }
}

/** The fewest CoreDNS replicas the configuration allows; undefined when it cannot be read. */
export function corednsFloor(config: Record<string, unknown>): { floor: number; source: string } | undefined {
  const autoscaling = asBool(field(config, "autoScaling.enabled")) === true;
  if (autoscaling) {
    const min = asNumber(field(config, "autoScaling.minReplicas"));
    if (typeof min === "number") return { floor: min, source: "autoScaling.minReplicas" };
    if (min !== undefined) return undefined;
  }
  const count = asNumber(field(config, "replicaCount"));
  if (typeof count === "number") return { floor: count, source: "replicaCount" };
  if (count !== undefined) return undefined;
  return { floor: COREDNS_DEFAULT_REPLICAS, source: "the add-on default" };
}

export const corednsReplicas = defineStackRule<{ minReplicas: number; perAz: boolean }>({
  name: "ha-eks-coredns-replicas",
  description: "The CoreDNS add-on of every EKS cluster keeps at least the minimum number of replicas (EKS deploys 2 by default), and one per AZ the cluster has nodes in (`perAz`, this blueprint's choice).",
  severity: "high",
  kind: "redundancy",
  anchors: ["EKS user guide: Scale CoreDNS Pods", "REL10-BP01"],
  remediation: "set configurationValues replicaCount (or autoScaling.minReplicas) to at least one per AZ",
  scope: "stack",
  config: {
    minReplicas: { type: "integer", minimum: 1, default: 2, description: "CoreDNS replica floor." },
    perAz: { type: "boolean", default: true, description: "Also require one replica per AZ of the cluster's node capacity." },
  },
  check({ graph, config, report, undecided, limit }) {
    for (const addon of graph.ofType(T.eksAddon)) {
      if (asString(graph.prop(addon, "addonName")) !== "coredns") continue;
      const values = configurationOf(graph, addon);
      if (values === "unknown") {
        undecided(addon, "configurationValues are unknown");
        continue;
      }
      if (values === "invalid") {
        report(addon, "has configurationValues that are not a JSON object, which EKS rejects", "give configurationValues as JSON.stringify({ replicaCount: ... })");
        continue;
      }
      const floor = corednsFloor(values);
      if (!floor) {
        undecided(addon, "CoreDNS replica settings are unknown");
        continue;
      }
      const cluster = graph.refs(addon, "clusterName").find((c) => c.type === T.eksCluster);
      const azs = config.perAz && cluster ? capacityAzs(graph, cluster) : [];
      const needed = Math.max(config.minReplicas, azs.length);
      if (floor.floor < needed) {
        const why = azs.length > config.minReplicas ? `one per AZ (${list(azs)}), a house rule set by \`ha-eks-coredns-replicas.perAz\`` : limit("minReplicas");
        report(addon, `runs as few as ${floor.floor} CoreDNS replica(s) (${floor.source}); at least ${needed} are required: ${why}`, `set ${floor.source === "autoScaling.minReplicas" ? "autoScaling.minReplicas" : "replicaCount"} to ${needed} in configurationValues`);
      }
    }
  },
});

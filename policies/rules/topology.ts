import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, list, shortType } from "../engine/values";
import { minRegionsSpec, regionalOf, T } from "./common";
import { REPLICATED } from "./k8sCommon";
import { addToGroup } from "../../graph/groups";

/** Tiers whose loss is an outage: where these run is where the service runs. */
const SERVING_TIERS = new Set(["entry", "app", "database", "sessions"]);

/**
 * S01. Everything that serves users must exist in at least two regions; no existing rule set
 * checks this (none of the catalogues in the anchors column of docs/policies.md), so it is ours.
 */
export const minRegions = defineStackRule<{ minRegions: number; allowedRegions: string[] }>({
  name: "ha-min-regions",
  description: "The serving tiers (entry, app, database, sessions) run in at least the minimum number of regions, all of them allowed.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL13-BP02"],
  remediation: "deploy a full regional cell (network, app, data, backup) in a second region",
  scope: "stack",
  config: {
    minRegions: minRegionsSpec,
    allowedRegions: { type: "array", items: { type: "string" }, default: [], description: "If not empty, the only regions resources may run in." },
  },
  check({ graph, config, report, limit }) {
    const byRegion = new Map<string, GraphNode[]>();
    const regional = graph.managed().filter((n) => n.type.startsWith("aws:") || n.type.startsWith("kubernetes:"));
    const serving = regional.filter((n) => SERVING_TIERS.has(graph.tierOf(n) ?? ""));
    for (const n of serving.length > 0 ? serving : regional) {
      const r = regionalOf(graph, n);
      if (r) addToGroup(byRegion, r, n);
    }
    if (byRegion.size === 0) return;
    if (byRegion.size < config.minRegions) {
      const [region, nodes] = [...byRegion.entries()][0];
      report(
        nodes[0],
        `the stack's serving resources run in ${byRegion.size} region (${list([...byRegion.keys()])}), ${nodes.length} of them in ${region}, below ${limit("minRegions")}, so losing ${region} is a full outage`,
      );
    }
    if (config.allowedRegions.length > 0) {
      for (const [region, nodes] of byRegion) {
        if (!config.allowedRegions.includes(region)) {
          report(nodes[0], `runs in ${region}, which is not an allowed region (${list(config.allowedRegions)})`, `move it to one of ${list(config.allowedRegions)}`);
        }
      }
    }
  },
});

/**
 * Per tier, the resource kinds each serving region needs its own copy of. `also` adds resources of
 * other kinds that play the part (an EKS cluster on Auto Mode is its own node capacity).
 */
const COUNTERPARTS: ReadonlyArray<{ tier: string; what: string; types: readonly string[]; also?: (graph: ResourceGraph) => GraphNode[] }> = [
  { tier: "network", what: "VPC", types: [T.vpc] },
  { tier: "network", what: "NAT gateway", types: [T.nat] },
  { tier: "entry", what: "load balancer", types: [...T.loadBalancers, T.classicLoadBalancer] },
  { tier: "app", what: "EKS cluster", types: [T.eksCluster] },
  {
    tier: "app",
    what: "node capacity (EKS node group, Auto Scaling group, Fargate profile, Karpenter node pool or Auto Mode)",
    types: [T.nodeGroup, T.autoscalingGroup, T.fargateProfile, ...T.karpenterNodePools],
    also: (graph) => graph.ofType(T.eksCluster).filter((c) => asBool(graph.prop(c, "computeConfig.enabled")) === true),
  },
  { tier: "app", what: "Kubernetes workload (Deployment, StatefulSet or ReplicaSet)", types: REPLICATED },
  { tier: "database", what: "Aurora/RDS cluster", types: [T.rdsCluster] },
  { tier: "database", what: "Aurora DSQL cluster", types: [T.dsqlCluster] },
  { tier: "sessions", what: "ElastiCache replication group", types: [T.replicationGroup] },
  { tier: "sessions", what: "MemoryDB cluster", types: [T.memorydbCluster] },
  { tier: "backup", what: "AWS Backup vault", types: [T.backupVault] },
  { tier: "monitoring", what: "CloudWatch alarm", types: T.metricAlarms },
];

/**
 * S02. A region that lacks one tier is not a cell: failing over to it fails. Judged per resource
 * kind, so a stack that never had (say) a cache is not asked for one.
 */
export const tierInEveryRegion = defineStackRule<{ ignoreTypes: string[] }>({
  name: "ha-tier-in-every-region",
  description: "Every serving region has its own copy of each tier's key resources (VPC, NAT, load balancer, EKS, node capacity, Kubernetes workloads, Aurora or DSQL database cluster, ElastiCache or MemoryDB cache, backup vault, alarms).",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL13-BP02", "REL13-BP04"],
  remediation: "declare the missing tier in that region's cell so each region can serve all traffic alone",
  scope: "stack",
  config: {
    ignoreTypes: { type: "array", items: { type: "string" }, default: [], description: "Type tokens not required in every region." },
  },
  check({ graph, config, report, undecided }) {
    const families = COUNTERPARTS.map((c) => ({ ...c, types: c.types.filter((t) => !config.ignoreTypes.includes(t)) }));
    const present = families.map((f) => {
      const byRegion = new Map<string, GraphNode>();
      for (const n of [...graph.ofType(...f.types), ...(f.also?.(graph) ?? [])]) {
        const r = regionalOf(graph, n);
        if (r) {
          if (!byRegion.has(r)) byRegion.set(r, n);
        } else if (REPLICATED.includes(n.type)) {
          undecided(n, "region of the workload's Kubernetes provider is not known");
        }
      }
      return { family: f, byRegion };
    });
    const regions = new Set(present.flatMap((p) => [...p.byRegion.keys()]));
    if (regions.size < 2) return; // ha-min-regions speaks for single-region stacks
    for (const { family, byRegion } of present) {
      if (byRegion.size === 0) continue;
      for (const region of regions) {
        if (byRegion.has(region)) continue;
        const [otherRegion, example] = [...byRegion.entries()][0];
        report(
          example,
          `the ${family.tier} tier's ${family.what} (${shortType(example.type)}) exists in ${otherRegion} but has no counterpart in ${region}, so ${region} cannot serve alone`,
          `add the ${family.what} to the ${region} cell`,
        );
      }
    }
  },
});

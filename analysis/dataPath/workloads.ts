import { GLOBAL, isUnknown, plain, type GraphNode, type ResourceGraph } from "../../graph/model";
import { clusterOfK8s } from "../inventory";

/**
 * The application's side of the data path: every workload (Kubernetes pod controllers, ECS
 * services, Lambda functions) with the settings it is started with and where its traffic leaves
 * from (subnets and security groups of the nodes or tasks). Settings are read the way the runtime
 * would: literal `env`, `envFrom` ConfigMaps and `configMapKeyRef`s; Secret references are listed
 * as invisible, because their values are not in the graph.
 */

const K8S_WORKLOADS = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:core/v1:Pod",
];
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const FARGATE = "aws:eks/fargateProfile:FargateProfile";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SUBNET = "aws:ec2/subnet:Subnet";
const ECS_SERVICE = "aws:ecs/service:Service";
const ECS_TASK = "aws:ecs/taskDefinition:TaskDefinition";
const LAMBDA = "aws:lambda/function:Function";

/** One setting a workload starts with. `value` is undefined when the graph cannot show it. */
export interface Setting {
  readonly key: string;
  readonly value?: string;
  /** Where it comes from, e.g. `ConfigMap app/app-config-1a2b`, `env`, `Secret app/app-secret`. */
  readonly from: string;
  /** Why the value is not visible (a Secret, an unknown at preview). */
  readonly hidden?: string;
}

export interface Workload {
  readonly node: GraphNode;
  readonly label: string;
  readonly region?: string;
  readonly settings: Setting[];
  /** Subnets the workload's traffic leaves from (node, task or function subnets). */
  readonly subnets: GraphNode[];
  /** Security groups the traffic carries; `unknownGroups` counts groups the graph does not hold. */
  readonly securityGroups: GraphNode[];
  readonly unknownGroups: number;
  /** Why the placement is not known, when it is not. */
  readonly placementGap?: string;
}

function str(v: unknown): string | undefined {
  const p = plain(v);
  return typeof p === "string" ? p : undefined;
}

function list(v: unknown): Record<string, unknown>[] {
  const p = plain(v);
  return Array.isArray(p) ? p.map((x) => plain(x) as Record<string, unknown>).filter((x) => x && typeof x === "object") : [];
}

function record(v: unknown): Record<string, unknown> {
  const p = plain(v);
  return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

function metaName(graph: ResourceGraph, n: GraphNode): string | undefined {
  return str(n.outputs.metadata && (plain(n.outputs.metadata) as Record<string, unknown>).name) ?? str(graph.prop(n, "metadata.name"));
}

function valueSetting(key: string, raw: unknown, from: string): Setting {
  const p = plain(raw);
  if (isUnknown(p)) return { key, from, hidden: "unknown until the deployment runs" };
  if (typeof p === "string") return { key, value: p, from };
  if (typeof p === "number" || typeof p === "boolean") return { key, value: String(p), from };
  return { key, from, hidden: "not a plain value" };
}

/** The ConfigMaps and Secrets a pod spec names, found through the recorded edges or by name. */
function k8sObjects(graph: ResourceGraph, workload: GraphNode, type: string): Map<string, GraphNode> {
  const byName = new Map<string, GraphNode>();
  const namespace = str(graph.prop(workload, "metadata.namespace"));
  const cluster = clusterOfK8s(graph, workload);
  const candidates = [...graph.refs(workload, "spec"), ...graph.ofType(type)].filter((n) => n.type === type);
  for (const n of candidates) {
    const name = metaName(graph, n);
    if (!name || byName.has(name)) continue;
    const ns = str(graph.prop(n, "metadata.namespace"));
    if (namespace && ns && ns !== namespace) continue;
    if (cluster && clusterOfK8s(graph, n) && clusterOfK8s(graph, n) !== cluster) continue;
    byName.set(name, n);
  }
  return byName;
}

function podSettings(graph: ResourceGraph, workload: GraphNode): Setting[] {
  const podSpec = record(graph.prop(workload, workload.type.endsWith(":Pod") ? "spec" : "spec.template.spec"));
  const configMaps = k8sObjects(graph, workload, CONFIG_MAP);
  const secrets = k8sObjects(graph, workload, SECRET);
  const out: Setting[] = [];
  const fromConfigMap = (name: string | undefined, key?: string) => {
    const cm = name ? configMaps.get(name) : undefined;
    const label = `ConfigMap ${name ?? "?"}`;
    if (!cm) {
      if (key) out.push({ key, from: label, hidden: "the ConfigMap is not in this graph" });
      return;
    }
    const data = record(graph.prop(cm, "data"));
    for (const [k, v] of Object.entries(data)) if (!key || k === key) out.push(valueSetting(k, v, label));
  };
  for (const c of [...list(podSpec.containers), ...list(podSpec.initContainers)]) {
    for (const e of list(c.env)) {
      const name = str(e.name);
      if (!name) continue;
      const from = record(e.valueFrom);
      if (e.value !== undefined) out.push(valueSetting(name, e.value, "env"));
      else if (from.configMapKeyRef) fromConfigMap(str(record(from.configMapKeyRef).name), name);
      else if (from.secretKeyRef) out.push({ key: name, from: `Secret ${str(record(from.secretKeyRef).name) ?? "?"}`, hidden: "a Secret's values are not in the graph" });
    }
    for (const e of list(c.envFrom)) {
      if (e.configMapRef) fromConfigMap(str(record(e.configMapRef).name));
      if (e.secretRef) {
        const name = str(record(e.secretRef).name);
        out.push({ key: "*", from: `Secret ${name ?? "?"}${name && secrets.has(name) ? "" : " (not in this graph)"}`, hidden: "a Secret's values are not in the graph" });
      }
    }
  }
  return out;
}

function jsonArray(v: unknown): Record<string, unknown>[] {
  const p = plain(v);
  if (typeof p === "string") {
    try {
      const parsed = JSON.parse(p);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return list(p);
}

/**
 * Security groups a node group's nodes carry: those its launch template names. EKS also attaches
 * the cluster security group, whose rules EKS manages outside the graph: counted as unknown.
 */
function nodeGroupSecurityGroups(graph: ResourceGraph, group: GraphNode): { groups: GraphNode[]; unknown: number } {
  const templates = graph.refs(group, "launchTemplate").filter((t) => t.type === LAUNCH_TEMPLATE);
  const groups = templates.flatMap((t) => graph.refs(t, "vpcSecurityGroupIds")).filter((g) => g.type === "aws:ec2/securityGroup:SecurityGroup");
  return { groups: [...new Set(groups)], unknown: 1 };
}

function k8sPlacement(graph: ResourceGraph, workload: GraphNode): Pick<Workload, "subnets" | "securityGroups" | "unknownGroups" | "placementGap"> {
  const cluster = clusterOfK8s(graph, workload);
  if (!cluster) return { subnets: [], securityGroups: [], unknownGroups: 0, placementGap: "the Kubernetes provider is not tied to an EKS cluster in this graph" };
  const pools = graph.ofType(NODE_GROUP, FARGATE).filter((g) => graph.refs(g, "clusterName").includes(cluster));
  const subnets = [...new Set(pools.flatMap((g) => graph.refs(g, "subnetIds").filter((s) => s.type === SUBNET)))];
  const sgs = pools.filter((g) => g.type === NODE_GROUP).map((g) => nodeGroupSecurityGroups(graph, g));
  const groups = [...new Set(sgs.flatMap((s) => s.groups))];
  const unknown = sgs.length ? Math.max(...sgs.map((s) => s.unknown)) : 1;
  return subnets.length
    ? { subnets, securityGroups: groups, unknownGroups: unknown }
    : { subnets, securityGroups: groups, unknownGroups: unknown, placementGap: `no node group or Fargate profile of ${cluster.name} names its subnets` };
}

function subnetsAndGroups(graph: ResourceGraph, n: GraphNode, subnetPath: string, sgPath: string): Pick<Workload, "subnets" | "securityGroups" | "unknownGroups" | "placementGap"> {
  const subnets = graph.refs(n, subnetPath.split(".")[0]).filter((s) => s.type === SUBNET);
  const groups = graph.refs(n, sgPath.split(".")[0]).filter((g) => g.type === "aws:ec2/securityGroup:SecurityGroup");
  const named = plain(graph.prop(n, sgPath));
  const unknown = Math.max(0, (Array.isArray(named) ? named.length : 0) - groups.length);
  return subnets.length ? { subnets, securityGroups: groups, unknownGroups: unknown } : { subnets, securityGroups: groups, unknownGroups: unknown, placementGap: "not placed in VPC subnets" };
}

export function findWorkloads(graph: ResourceGraph): Workload[] {
  const out: Workload[] = [];
  const regionOf = (n: GraphNode) => {
    const r = graph.regionOf(n);
    return r && r !== GLOBAL ? r : undefined;
  };
  for (const node of graph.ofType(...K8S_WORKLOADS)) {
    // Workloads without settings stay in: their region then cannot show how it reaches the data.
    const settings = podSettings(graph, node);
    const ns = str(graph.prop(node, "metadata.namespace")) ?? "default";
    out.push({ node, label: `${node.type.split(":").pop()} ${ns}/${metaName(graph, node) ?? node.name}`, region: regionOf(node), settings, ...k8sPlacement(graph, node) });
  }
  for (const service of graph.ofType(ECS_SERVICE)) {
    const task = graph.refs(service, "taskDefinition").find((t) => t.type === ECS_TASK);
    if (!task) continue;
    const settings = jsonArray(graph.prop(task, "containerDefinitions")).flatMap((c) =>
      list(c.environment).map((e) => valueSetting(String(e.name), e.value, "task definition environment")));
    if (settings.length === 0) continue;
    out.push({ node: service, label: `ECS service ${service.name}`, region: regionOf(service), settings, ...subnetsAndGroups(graph, service, "networkConfiguration.subnets", "networkConfiguration.securityGroups") });
  }
  for (const fn of graph.ofType(LAMBDA)) {
    const vars = record(graph.prop(fn, "environment.variables"));
    const settings = Object.entries(vars).map(([k, v]) => valueSetting(k, v, "function environment"));
    if (settings.length === 0) continue;
    out.push({ node: fn, label: `Lambda ${fn.name}`, region: regionOf(fn), settings, ...subnetsAndGroups(graph, fn, "vpcConfig.subnetIds", "vpcConfig.securityGroupIds") });
  }
  return out;
}

/** What a setting's name says it is for. */
export type Intent = "write" | "read" | "any";

export function intentOf(key: string): Intent {
  if (/(WRITE|WRITER|PRIMARY|MASTER|LEADER|(^|_)RW($|_))/i.test(key)) return "write";
  if (/(READ|READER|REPLICA|(^|_)RO($|_))/i.test(key)) return "read";
  return "any";
}

import { GLOBAL, plain, type GraphNode, type ResourceGraph, plainString as str, plainNumber as num, plainRecords as list } from "../graph/model";
import { NetworkIndex } from "./dataPath/network";
import { clusterOfK8s, T, type Inventory } from "./inventory";

/**
 * The load balancer's own path, read once from the resources (configuration, not a failure domain):
 * - the HTTPS listener: a port the global entry forwards to must have a listener; 443 must be an
 *   HTTPS listener with a certificate of the load balancer's own region (ACM certificates are
 *   regional: "To use a certificate with Elastic Load Balancing for the same site in a different
 *   Region, you must request a new certificate for each Region", ACM User Guide, "Supported Regions");
 * - a forwarding listener must forward to a target group of its own region that has targets
 *   registered (an Auto Scaling attachment, a target-group attachment, a TargetGroupBinding or an
 *   ECS service's load balancer), when the graph registers targets at all;
 * - the target group's port (and a numbered health-check port) must be what the region's workload
 *   serves: a Service's NodePort for `instance` targets, a container port for `ip` targets;
 * - the security groups: the load balancer's groups must let that port out, and the nodes' groups
 *   (their launch template's `vpcSecurityGroupIds`) must let it in from the load balancer (its
 *   group, or a CIDR that holds every one of its subnets). With VPC CNI, pods use the node's
 *   groups, so `ip` targets are judged the same way (ELB User Guide, "Target security groups").
 * Each finding names the property, the resource and the region.
 */

type Rec = Record<string, unknown>;

/** Every string inside a value (an ARN may sit in a list of objects, as in an ECS service's loadBalancers). */
function stringsIn(v: unknown, out: string[] = []): string[] {
  const p = plain(v);
  if (typeof p === "string") out.push(p);
  else if (Array.isArray(p)) p.forEach((x) => stringsIn(x, out));
  else if (p && typeof p === "object") Object.values(p).forEach((x) => stringsIn(x, out));
  return out;
}
const arnRegion = (arn: string | undefined) => (arn?.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined);

const LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const TARGET_GROUP = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];
const REGISTRATIONS: [string, string][] = [
  ["aws:autoscaling/attachment:Attachment", "lbTargetGroupArn"],
  ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "targetGroupArn"],
  ["aws:alb/targetGroupAttachment:TargetGroupAttachment", "targetGroupArn"],
  ["aws:ecs/service:Service", "loadBalancers"],
  ["kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "spec.targetGroupARN"],
];

function region(graph: ResourceGraph, n: GraphNode): string | undefined {
  const r = graph.regionOf(n);
  return r && r !== GLOBAL ? r : undefined;
}

/** The target groups a listener's default actions forward to: by ARN first (what AWS uses), else the recorded edge. */
function forwardedGroups(graph: ResourceGraph, l: GraphNode, byArn: Map<string, GraphNode>): { arns: string[]; groups: GraphNode[] } {
  const arns: string[] = [];
  for (const a of list(graph.prop(l, "defaultActions"))) {
    if (str(a.type) !== "forward") continue;
    const one = str(a.targetGroupArn);
    if (one) arns.push(one);
    for (const tg of list((plain(a.forward) as Rec | undefined)?.targetGroups)) if (str(tg.arn)) arns.push(str(tg.arn)!);
  }
  const groups = arns.length > 0 ? arns.map((a) => byArn.get(a)).filter((g): g is GraphNode => !!g) : graph.refs(l, "defaultActions").filter((t) => TARGET_GROUP.includes(t.type));
  return { arns, groups };
}

/** The ports the global entry sends to each load balancer (after port overrides). */
function entryPorts(graph: ResourceGraph): Map<GraphNode, Set<number>> {
  const out = new Map<GraphNode, Set<number>>();
  for (const group of graph.ofType(T.endpointGroup)) {
    const listener = graph.refs(group, "listenerArn").find((l) => l.type === T.listener);
    if (!listener) continue;
    const overrides = new Map(list(graph.prop(group, "portOverrides")).map((o) => [num(o.listenerPort), num(o.endpointPort)]));
    const ports = new Set<number>();
    for (const r of list(graph.prop(listener, "portRanges"))) {
      const from = num(r.fromPort), to = num(r.toPort);
      if (from === undefined || to === undefined) continue;
      for (let p = from; p <= to && p - from < 1024; p++) ports.add(overrides.get(p) ?? p);
    }
    for (const alb of graph.refs(group, "endpointConfigurations").filter((t) => T.alb.includes(t.type as never))) {
      const set = out.get(alb) ?? new Set<number>();
      ports.forEach((p) => set.add(p));
      out.set(alb, set);
    }
  }
  return out;
}

/** What the workloads of a region serve: NodePorts of its Services and container ports of its Deployments. */
function servedPorts(graph: ResourceGraph, inv: Inventory, regionName: string): { nodePorts: Set<number>; containerPorts: Set<number> } {
  const nodePorts = new Set<number>();
  const containerPorts = new Set<number>();
  for (const s of graph.ofType(T.service)) {
    const cluster = clusterOfK8s(graph, s);
    if ((cluster ? region(graph, cluster) : region(graph, s)) !== regionName) continue;
    for (const p of list(graph.prop(s, "spec.ports"))) if (num(p.nodePort) !== undefined) nodePorts.add(num(p.nodePort)!);
  }
  for (const d of inv.deployments) {
    if ((d.cluster ? region(graph, d.cluster) : region(graph, d.node)) !== regionName) continue;
    for (const c of list(graph.prop(d.node, "spec.template.spec.containers"))) {
      for (const p of list(c.ports)) if (num(p.containerPort) !== undefined) containerPorts.add(num(p.containerPort)!);
    }
  }
  return { nodePorts, containerPorts };
}

/** The security groups of the nodes behind a target group: the launch templates of its registered node groups (or of the region's). */
function nodeGroupsOf(graph: ResourceGraph, inv: Inventory, regionName: string): { groups: GraphNode[]; complete: boolean } {
  const groups: GraphNode[] = [];
  let complete = true;
  for (const pool of inv.nodePools.filter((p) => p.node.type === T.nodeGroup && region(graph, p.node) === regionName)) {
    const lt = graph.refs(pool.node, "launchTemplate").find((t) => t.type === "aws:ec2/launchTemplate:LaunchTemplate");
    const sgs = lt ? graph.refs(lt, "vpcSecurityGroupIds").filter((g) => g.type === "aws:ec2/securityGroup:SecurityGroup") : [];
    // Groups in the launch template replace EKS's default, so they are the nodes' groups (EKS User
    // Guide, "Customize managed nodes with launch templates", security groups); an id there the graph
    // does not hold (the EKS cluster group) admits only its own members, never the load balancer.
    // Without launch-template groups the nodes carry the EKS cluster group alone: not judged.
    if (sgs.length === 0) complete = false;
    for (const g of sgs) if (!groups.includes(g)) groups.push(g);
  }
  return { groups, complete };
}

export function loadBalancerPathFindings(graph: ResourceGraph, inv: Inventory): string[] {
  const out: string[] = [];
  const listeners = graph.ofType(...LISTENER);
  const targetGroups = graph.ofType(...TARGET_GROUP);
  const byArn = new Map<string, GraphNode>();
  for (const tg of targetGroups) for (const a of [str(tg.outputs.arn), tg.id]) if (a) byArn.set(a, tg);
  const registered = new Set<GraphNode>();
  let anyRegistration = false;
  for (const [type, key] of REGISTRATIONS) {
    for (const r of graph.ofType(type)) {
      const found = [...graph.refs(r, key).filter((t) => TARGET_GROUP.includes(t.type)), ...stringsIn(graph.prop(r, key)).map((a) => byArn.get(a)).filter((t): t is GraphNode => !!t)];
      if (found.length > 0 || graph.prop(r, key) !== undefined) anyRegistration = true;
      found.forEach((tg) => registered.add(tg));
    }
  }
  const ports = entryPorts(graph);
  let net: NetworkIndex | undefined;
  // Indexed once, so a stack with many load balancers stays linear.
  const listenersOf = new Map<GraphNode, GraphNode[]>();
  for (const l of listeners) for (const alb of graph.refs(l, "loadBalancerArn")) listenersOf.set(alb, [...(listenersOf.get(alb) ?? []), l]);
  const perRegion = new Map<string, RegionFacts>();
  const factsOf = (r: string) => perRegion.get(r) ?? perRegion.set(r, { served: servedPorts(graph, inv, r), nodes: nodeGroupsOf(graph, inv, r), nodeCidrs: [] }).get(r)!;

  for (const alb of inv.albs) {
    const albRegion = region(graph, alb);
    if (!albRegion) continue;
    const own = listenersOf.get(alb) ?? [];
    if (own.length === 0) continue;
    const at = (p: number) => own.find((l) => num(graph.prop(l, "port")) === p);
    for (const p of [...(ports.get(alb) ?? [])].sort((a, b) => a - b)) {
      // No listener at all is the entry-port check's finding; a partial miss is this one's.
      if (!at(p) && own.some((l) => ports.get(alb)!.has(num(graph.prop(l, "port")) ?? -1))) {
        out.push(`load balancer ${alb.name} (${albRegion}) has no listener on port ${p}, which the global entry forwards to it: requests on ${p} are refused`);
      }
    }
    for (const l of own) {
      const port = num(graph.prop(l, "port"));
      const protocol = str(graph.prop(l, "protocol")) ?? "HTTP";
      if (port === 443 && protocol !== "HTTPS") {
        out.push(`listener ${l.name} (${albRegion}) listens on 443 with protocol ${protocol}: clients speak TLS on 443, so nothing is answered (set protocol HTTPS with a certificate)`);
      }
      if (protocol === "HTTPS") {
        const cert = str(graph.prop(l, "certificateArn"));
        const certNode = graph.refs(l, "certificateArn").find((c) => c.type.startsWith("aws:acm/"));
        const certRegion = arnRegion(cert) ?? (certNode ? region(graph, certNode) : undefined);
        if (!cert && !certNode && graph.prop(l, "certificateArn") === undefined) {
          out.push(`listener ${l.name} (${albRegion}) is HTTPS on ${port} without certificateArn: it cannot be created`);
        } else if (certRegion && certRegion !== albRegion) {
          out.push(`listener ${l.name} (${albRegion}): certificateArn is an ACM certificate of ${certRegion}; a certificate is regional, so the load balancer cannot use it (request one in ${albRegion})`);
        }
      }
      for (const a of list(graph.prop(l, "defaultActions")).filter((x) => str(x.type) === "redirect")) {
        const to = num((plain(a.redirect) as Rec | undefined)?.port);
        if (to !== undefined && !at(to)) out.push(`listener ${l.name} (${albRegion}) redirects to port ${to}, where load balancer ${alb.name} has no listener`);
      }
      const { arns, groups } = forwardedGroups(graph, l, byArn);
      for (const arn of arns) {
        const r = arnRegion(arn);
        if (r && r !== albRegion) out.push(`listener ${l.name} (${albRegion}) forwards to target group ${arn.split("/")[1] ?? arn} of ${r}: a load balancer forwards only to target groups of its own region`);
        else if (!byArn.has(arn) && targetGroups.some((t) => region(graph, t) === albRegion)) out.push(`listener ${l.name} (${albRegion}) forwards to ${arn}, which is no target group in the graph`);
      }
      for (const tg of groups) {
        if (anyRegistration && !registered.has(tg)) {
          const with_ = targetGroups.find((t) => registered.has(t) && region(graph, t) === albRegion);
          out.push(`listener ${l.name} (${albRegion}) forwards to target group ${tg.name}, which has no targets registered${with_ ? ` (the app's nodes are registered with ${with_.name})` : ""}: every request gets 503`);
          continue;
        }
        net ??= new NetworkIndex(graph);
        out.push(...targetGroupFindings(graph, inv, net, alb, tg, albRegion, factsOf(albRegion)));
      }
    }
  }
  return [...new Set(out)];
}

/** The target group's port against what the workload serves, and the security groups between the load balancer and the nodes. */
interface RegionFacts {
  readonly served: { nodePorts: Set<number>; containerPorts: Set<number> };
  readonly nodes: { groups: GraphNode[]; complete: boolean };
  nodeCidrs: string[];
}

function targetGroupFindings(graph: ResourceGraph, inv: Inventory, net: NetworkIndex, alb: GraphNode, tg: GraphNode, regionName: string, facts: RegionFacts): string[] {
  const out: string[] = [];
  const port = num(graph.prop(tg, "port"));
  if (port === undefined) return out;
  const targetType = str(graph.prop(tg, "targetType")) ?? "instance";
  if (targetType !== "instance" && targetType !== "ip") return out;
  const served = facts.served;
  const [servedSet, what] = targetType === "instance" ? [served.nodePorts, "NodePort"] : [served.containerPorts, "container port"];
  const hcPort = num(graph.prop(tg, "healthCheck.port"));
  for (const [key, p] of [["port", port], ["healthCheck.port", hcPort]] as const) {
    if (p !== undefined && servedSet.size > 0 && !servedSet.has(p)) {
      out.push(`target group ${tg.name} (${regionName}): ${key} ${p} is not what the workload of ${regionName} serves for ${targetType} targets (${what} ${[...servedSet].join(", ")}): every target turns unhealthy`);
    }
  }
  const nodes = facts.nodes;
  const albGroups = graph.refs(alb, "securityGroups").filter((g) => g.type === "aws:ec2/securityGroup:SecurityGroup");
  if (albGroups.length === 0 || nodes.groups.length === 0) return out;
  const albCidrs = graph.refs(alb, "subnets").map((s) => net.cidrOf(s)).filter((c): c is string => !!c);
  for (const p of new Set([port, hcPort ?? port])) {
    if (facts.nodeCidrs.length === 0) facts.nodeCidrs = inv.nodePools.filter((x) => region(graph, x.node) === regionName).flatMap((x) => graph.refs(x.node, "subnetIds")).map((s) => net.cidrOf(s)).filter((c): c is string => !!c);
    const nodeCidrs = facts.nodeCidrs;
    const outOk = net.admits(albGroups, "egress", p, undefined, nodes.groups, true) || (nodeCidrs.length > 0 && nodeCidrs.every((c) => net.admits(albGroups, "egress", p, c, [], true)));
    if (!outOk) out.push(`load balancer ${alb.name} (${regionName}): its security groups ${albGroups.map((g) => g.name).join(", ")} allow no egress on ${p} to the nodes (${nodes.groups.map((g) => g.name).join(", ")}): no request or health check reaches a target`);
    if (!nodes.complete) continue;
    const inOk = net.admits(nodes.groups, "ingress", p, undefined, albGroups, true) || (albCidrs.length > 0 && albCidrs.every((c) => net.admits(nodes.groups, "ingress", p, c, [], true)));
    if (!inOk) out.push(`nodes of ${regionName} (security groups ${nodes.groups.map((g) => g.name).join(", ")}) admit nothing on ${p} from load balancer ${alb.name} (groups ${albGroups.map((g) => g.name).join(", ")}): no request or health check reaches a target`);
  }
  return out;
}

import { parseCidr } from "../../components/network/cidr";
import { plain, type GraphNode, type ResourceGraph } from "../../graph/model";
import { addToGroup } from "../../graph/groups";

/**
 * Whether a workload's subnets reach a data store over the network, read from the resources that
 * decide it: the route table of each source subnet (and of each store subnet, for the answer),
 * the route to the destination (the VPC's own local route, or a VPC peering connection that joins
 * both VPCs and is accepted), and the security groups of the store (an ingress rule for the source
 * on the store's port) and of the source (egress). The checks do not depend on a failure domain:
 * each answer lists the resources it relies on, and a domain breaks it by removing one of them.
 */

const T = {
  subnet: "aws:ec2/subnet:Subnet",
  vpc: "aws:ec2/vpc:Vpc",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  routeTable: "aws:ec2/routeTable:RouteTable",
  defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  mainRta: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
  route: "aws:ec2/route:Route",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
} as const;

interface Rule {
  /** The rule resource, or the security group for an inline rule. */
  readonly node: GraphNode;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: string[];
  readonly groups: GraphNode[];
  /** Named a peer group, a prefix list or a value the graph does not hold. */
  readonly opaque: boolean;
}

interface RouteEntry {
  readonly node: GraphNode;
  readonly destination: string;
  readonly peering?: GraphNode;
  /** A target this model does not follow (transit gateway, NAT, gateway, instance...). */
  readonly other?: string;
}

/** One source subnet's path to one of the store's subnets: what it relies on, or why there is none. */
export interface HopReach {
  readonly destination: GraphNode;
  readonly relies: GraphNode[];
  /** Set when the path does not exist in the graph at all. */
  readonly problem?: string;
  /** Set when the graph cannot tell. */
  readonly unknown?: string;
}

/** One source subnet's paths to every subnet of the store (the writer may move between them). */
export interface SubnetReach {
  readonly subnet: GraphNode;
  readonly paths: HopReach[];
  /** Set when no path can be judged at all (the source's own placement is not known). */
  readonly unknown?: string;
}

function str(v: unknown): string | undefined {
  const p = plain(v);
  return typeof p === "string" && p ? p : undefined;
}

function num(v: unknown, fallback: number): number {
  const p = plain(v);
  if (typeof p === "number") return p;
  return typeof p === "string" && /^-?\d+$/.test(p) ? Number(p) : fallback;
}

function strings(v: unknown): string[] {
  const p = plain(v);
  if (typeof p === "string" && p) return [p];
  return Array.isArray(p) ? p.flatMap(strings) : [];
}

/** `outer` contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  if ("error" in a || "error" in b || a.prefix > b.prefix) return false;
  const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
  return ((b.base & mask) >>> 0) === a.base;
}

function prefixOf(cidr: string): number {
  const c = parseCidr(cidr);
  return "error" in c ? -1 : c.prefix;
}

function protocolAllows(protocol: string): boolean {
  return ["tcp", "6", "-1", "all"].includes(protocol.toLowerCase());
}

export class NetworkIndex {
  private readonly tableOfSubnet = new Map<string, { table?: GraphNode; via?: GraphNode }>();
  private readonly routesOfTable = new Map<string, RouteEntry[]>();
  private readonly rulesOfGroup = new Map<string, { ingress: Rule[]; egress: Rule[] }>();
  private readonly peeringById = new Map<string, GraphNode>();
  private readonly acceptersOf = new Map<string, GraphNode[]>();
  private readonly mainTableOfVpc = new Map<string, GraphNode>();

  constructor(readonly graph: ResourceGraph) {
    for (const rta of graph.ofType(T.rta)) {
      const subnet = graph.refs(rta, "subnetId").find((s) => s.type === T.subnet);
      const table = graph.refs(rta, "routeTableId").find((t) => t.type === T.routeTable || t.type === T.defaultRouteTable);
      if (subnet) this.tableOfSubnet.set(subnet.urn, { table, via: rta });
    }
    for (const t of graph.ofType(T.defaultRouteTable)) {
      const vpc = graph.refs(t, "defaultRouteTableId").concat(graph.refs(t, "vpcId")).find((v) => v.type === T.vpc);
      if (vpc) this.mainTableOfVpc.set(vpc.urn, t);
    }
    for (const m of graph.ofType(T.mainRta)) {
      const vpc = graph.refs(m, "vpcId").find((v) => v.type === T.vpc);
      const table = graph.refs(m, "routeTableId").find((t) => t.type === T.routeTable);
      if (vpc && table) this.mainTableOfVpc.set(vpc.urn, table);
    }
    for (const p of graph.ofType(T.peering)) {
      for (const id of [p.id, str(p.outputs.id)]) if (id) this.peeringById.set(id, p);
    }
    for (const a of graph.ofType(T.accepter)) {
      const target = graph.refs(a, "vpcPeeringConnectionId").find((p) => p.type === T.peering) ?? this.peeringById.get(str(graph.prop(a, "vpcPeeringConnectionId")) ?? "");
      if (target) addToGroup(this.acceptersOf, target.urn, a);
    }
    const routesBy = (table: GraphNode, e: RouteEntry) => addToGroup(this.routesOfTable, table.urn, e);
    for (const r of graph.ofType(T.route)) {
      const table = graph.refs(r, "routeTableId").find((t) => t.type === T.routeTable || t.type === T.defaultRouteTable);
      const destination = str(graph.prop(r, "destinationCidrBlock"));
      if (table && destination) routesBy(table, this.routeEntry(r, r, "vpcPeeringConnectionId", ["transitGatewayId", "natGatewayId", "gatewayId", "networkInterfaceId", "vpcEndpointId", "egressOnlyGatewayId", "localGatewayId", "carrierGatewayId", "coreNetworkArn"], destination));
    }
    for (const table of graph.ofType(T.routeTable, T.defaultRouteTable)) {
      const inline = plain(graph.prop(table, "routes"));
      if (!Array.isArray(inline)) continue;
      for (const raw of inline) {
        const route = plain(raw) as Record<string, unknown>;
        const destination = str(route?.cidrBlock);
        if (!destination) continue;
        const pcx = str(route.vpcPeeringConnectionId);
        const other = ["transitGatewayId", "natGatewayId", "gatewayId", "networkInterfaceId", "vpcEndpointId"].find((k) => str(route[k]));
        routesBy(table, { node: table, destination, ...(pcx ? { peering: this.peeringById.get(pcx) } : {}), ...(other && !pcx ? { other } : {}) });
      }
    }
  }

  private routeEntry(r: GraphNode, n: GraphNode, peeringKey: string, otherKeys: string[], destination: string): RouteEntry {
    const peering = this.graph.refs(n, peeringKey).find((p) => p.type === T.peering) ?? this.peeringById.get(str(this.graph.prop(n, peeringKey)) ?? "");
    if (peering || str(this.graph.prop(n, peeringKey))) return { node: r, destination, peering };
    const other = otherKeys.find((k) => this.graph.prop(n, k) !== undefined);
    return { node: r, destination, other: other ?? "no target" };
  }

  cidrOf(subnet: GraphNode): string | undefined {
    return str(this.graph.prop(subnet, "cidrBlock"));
  }

  vpcOf(subnet: GraphNode): GraphNode | undefined {
    return this.graph.refs(subnet, "vpcId").find((v) => v.type === T.vpc);
  }

  vpcCidr(vpc: GraphNode | undefined): string | undefined {
    return vpc ? str(this.graph.prop(vpc, "cidrBlock")) : undefined;
  }

  /** The route table a subnet uses: its association, else its VPC's main table. */
  tableOf(subnet: GraphNode): { table?: GraphNode; relies: GraphNode[] } {
    const assoc = this.tableOfSubnet.get(subnet.urn);
    if (assoc?.table) return { table: assoc.table, relies: [assoc.via!, assoc.table] };
    const vpc = this.vpcOf(subnet);
    const main = vpc && this.mainTableOfVpc.get(vpc.urn);
    return { table: main, relies: main ? [main] : [] };
  }

  /** Longest-prefix route of `table` that covers `destination`. */
  routeFor(table: GraphNode, destination: string): RouteEntry | undefined {
    return (this.routesOfTable.get(table.urn) ?? [])
      .filter((r) => cidrContains(r.destination, destination))
      .sort((a, b) => prefixOf(b.destination) - prefixOf(a.destination))[0];
  }

  /** A peering connection joins `a` and `b` and is accepted; what its acceptance relies on. */
  peeringJoins(p: GraphNode, a: GraphNode, b: GraphNode): { ok: boolean; relies: GraphNode[]; problem?: string } {
    const ends = [...this.graph.refs(p, "vpcId"), ...this.graph.refs(p, "peerVpcId")].filter((v) => v.type === T.vpc);
    if (!(ends.includes(a) && ends.includes(b))) return { ok: false, relies: [p], problem: `${p.name} does not join these two VPCs` };
    if (plain(this.graph.prop(p, "autoAccept")) === true || str(p.outputs.acceptStatus) === "active") return { ok: true, relies: [p] };
    const accepters = (this.acceptersOf.get(p.urn) ?? []).filter((x) => plain(this.graph.prop(x, "autoAccept")) === true || str(x.outputs.acceptStatus) === "active");
    if (accepters.length === 0) return { ok: false, relies: [p], problem: `${p.name} is never accepted (no accepter with autoAccept in the peer region)` };
    return { ok: true, relies: [p, accepters[0]] };
  }

  private rules(sg: GraphNode): { ingress: Rule[]; egress: Rule[] } {
    const cached = this.rulesOfGroup.get(sg.urn);
    if (cached) return cached;
    const out = { ingress: [] as Rule[], egress: [] as Rule[] };
    const g = this.graph;
    for (const dir of ["ingress", "egress"] as const) {
      for (const raw of (Array.isArray(plain(g.prop(sg, dir))) ? (plain(g.prop(sg, dir)) as unknown[]) : [])) {
        const r = plain(raw) as Record<string, unknown>;
        if (!r) continue;
        const groups = strings(r.securityGroups);
        out[dir].push({
          node: sg, protocol: str(r.protocol) ?? "-1", fromPort: num(r.fromPort, 0), toPort: num(r.toPort, 65535),
          cidrs: strings(r.cidrBlocks), groups: g.refs(sg, dir).filter((x) => x.type === T.sg && groups.length > 0), opaque: strings(r.prefixListIds).length > 0,
        });
      }
    }
    this.rulesOfGroup.set(sg.urn, out);
    return out;
  }

  /** Builds the per-group rule lists from standalone rule resources, once. */
  private standaloneLoaded = false;
  private loadStandalone(): void {
    if (this.standaloneLoaded) return;
    this.standaloneLoaded = true;
    const g = this.graph;
    const push = (sg: GraphNode | undefined, dir: "ingress" | "egress", rule: Rule) => {
      if (!sg) return;
      this.rules(sg)[dir].push(rule);
    };
    for (const [type, dir] of [[T.ingress, "ingress"], [T.egress, "egress"]] as const) {
      for (const r of g.ofType(type)) {
        const sg = g.refs(r, "securityGroupId").find((x) => x.type === T.sg);
        const ref = g.refs(r, "referencedSecurityGroupId").filter((x) => x.type === T.sg);
        const protocol = str(g.prop(r, "ipProtocol")) ?? "-1";
        const all = protocol === "-1";
        push(sg, dir, {
          node: r, protocol, fromPort: all ? 0 : num(g.prop(r, "fromPort"), 0), toPort: all ? 65535 : num(g.prop(r, "toPort"), 65535),
          cidrs: strings(g.prop(r, "cidrIpv4")), groups: ref,
          opaque: g.prop(r, "prefixListId") !== undefined || (g.prop(r, "referencedSecurityGroupId") !== undefined && ref.length === 0),
        });
      }
    }
    for (const r of g.ofType(T.sgRule)) {
      const sg = g.refs(r, "securityGroupId").find((x) => x.type === T.sg);
      const dir = str(g.prop(r, "type")) === "egress" ? "egress" : "ingress";
      const source = g.refs(r, "sourceSecurityGroupId").filter((x) => x.type === T.sg);
      push(sg, dir, {
        node: r, protocol: str(g.prop(r, "protocol")) ?? "-1", fromPort: num(g.prop(r, "fromPort"), 0), toPort: num(g.prop(r, "toPort"), 65535),
        cidrs: strings(g.prop(r, "cidrBlocks")), groups: source, opaque: strings(g.prop(r, "prefixListIds")).length > 0,
      });
    }
  }

  /**
   * The rule of `groups` that lets traffic from `cidr` (and from `sourceGroups`, which only count
   * inside one region) in on `port`.
   */
  admits(groups: GraphNode[], direction: "ingress" | "egress", port: number, cidr: string | undefined, peerGroups: GraphNode[], sameRegion: boolean): Rule | undefined {
    this.loadStandalone();
    for (const sg of groups) {
      for (const rule of this.rules(sg)[direction]) {
        if (!protocolAllows(rule.protocol)) continue;
        if (!(rule.fromPort <= port && port <= rule.toPort) && rule.protocol !== "-1" && rule.protocol.toLowerCase() !== "all") continue;
        if (cidr && rule.cidrs.some((c) => cidrContains(c, cidr))) return rule;
        if (sameRegion && rule.groups.some((x) => peerGroups.includes(x))) return rule;
      }
    }
    return undefined;
  }
}

export interface ReachTarget {
  /** The store's subnets (where its nodes live) and security groups. */
  readonly subnets: GraphNode[];
  readonly securityGroups: GraphNode[];
  readonly port: number;
  readonly region?: string;
}

export interface ReachSource {
  readonly subnets: GraphNode[];
  readonly securityGroups: GraphNode[];
  /** Groups the graph cannot show (the EKS cluster security group): assumed to allow egress. */
  readonly unknownGroups: number;
  readonly region?: string;
}

/** Per source subnet, what its path to the target relies on, or why there is none. */
export function reachability(net: NetworkIndex, from: ReachSource, to: ReachTarget): SubnetReach[] {
  return from.subnets.map((subnet) => subnetReach(net, subnet, from, to));
}

function subnetReach(net: NetworkIndex, subnet: GraphNode, from: ReachSource, to: ReachTarget): SubnetReach {
  const srcCidr = net.cidrOf(subnet);
  const srcVpc = net.vpcOf(subnet);
  if (!srcCidr || !srcVpc) return { subnet, paths: [], unknown: `${subnet.name} has no known CIDR or VPC` };
  if (to.subnets.length === 0) return { subnet, paths: [], unknown: "the store's subnets are not in this graph" };
  const sameRegion = !!from.region && from.region === to.region;
  return { subnet, paths: to.subnets.map((dst) => hopReach(net, subnet, srcCidr, srcVpc, dst, from, to, sameRegion)) };
}

function hopReach(net: NetworkIndex, subnet: GraphNode, srcCidr: string, srcVpc: GraphNode, dst: GraphNode, from: ReachSource, to: ReachTarget, sameRegion: boolean): HopReach {
  const relies: GraphNode[] = [];
  const dstCidr = net.cidrOf(dst);
  const dstVpc = net.vpcOf(dst);
  if (!dstCidr || !dstVpc) return { destination: dst, relies, unknown: `${dst.name} has no known CIDR or VPC` };
  if (dstVpc !== srcVpc) {
    const there = hop(net, subnet, srcVpc, dstVpc, dstCidr, "to the store");
    if ("problem" in there || "unknown" in there) return { destination: dst, relies, ...there };
    const back = hop(net, dst, dstVpc, srcVpc, srcCidr, "back to the workload");
    if ("problem" in back || "unknown" in back) return { destination: dst, relies, ...back };
    if (there.peering !== back.peering) return { destination: dst, relies, problem: `the routes of ${subnet.name} and ${dst.name} use different peering connections` };
    relies.push(...there.relies, ...back.relies);
  }
  const ingress = net.admits(to.securityGroups, "ingress", to.port, srcCidr, from.securityGroups, sameRegion || dstVpc === srcVpc);
  if (!ingress) {
    if (to.securityGroups.length === 0) return { destination: dst, relies, unknown: "the store's security groups are not in this graph" };
    const names = to.securityGroups.map((g) => g.name).join(", ");
    return { destination: dst, relies, problem: `${names} admits nothing from ${srcCidr} (${subnet.name}) on port ${to.port}${sameRegion ? "" : " (a security-group reference does not work across regions: the rule needs the CIDR)"}` };
  }
  relies.push(ingress.node);
  // Groups the graph does not show (the EKS cluster group allows all egress) also let the traffic out.
  if (from.unknownGroups === 0) {
    const egress = net.admits(from.securityGroups, "egress", to.port, dstCidr, to.securityGroups, sameRegion || dstVpc === srcVpc);
    if (!egress) return { destination: dst, relies, problem: `the workload's security groups (${from.securityGroups.map((g) => g.name).join(", ") || "none"}) allow no egress to ${dstCidr} on port ${to.port}` };
    relies.push(egress.node);
  }
  return { destination: dst, relies: [...new Set(relies)] };
}

const TARGET_NAMES: Record<string, string> = {
  natGatewayId: "a NAT gateway", gatewayId: "an internet gateway", networkInterfaceId: "a network interface",
  vpcEndpointId: "a VPC endpoint", egressOnlyGatewayId: "an egress-only gateway", localGatewayId: "a local gateway", carrierGatewayId: "a carrier gateway",
};

function hop(net: NetworkIndex, subnet: GraphNode, fromVpc: GraphNode, toVpc: GraphNode, destination: string, what: string):
  { relies: GraphNode[]; peering: GraphNode } | { problem: string } | { unknown: string } {
  const { table, relies } = net.tableOf(subnet);
  if (!table) return { unknown: `the route table of ${subnet.name} is not in this graph` };
  const route = net.routeFor(table, destination);
  const localCidr = net.vpcCidr(fromVpc);
  if (!route) {
    if (localCidr && cidrContains(localCidr, destination)) return { problem: `${destination} lies inside ${subnet.name}'s own VPC but belongs to another VPC (overlapping CIDRs)` };
    return { problem: `route table ${table.name} (of ${subnet.name}) has no route ${what} (${destination})` };
  }
  if (!route.peering) {
    return route.other && /transitGateway|coreNetwork/.test(route.other)
      ? { unknown: `route table ${table.name} sends ${destination} to a ${route.other.replace(/Id$|Arn$/, "")}, which this model does not follow` }
      : { problem: `route table ${table.name} sends ${destination} to ${TARGET_NAMES[route.other ?? ""] ?? route.other ?? "nowhere"}, not over a peering connection ${what}` };
  }
  const joined = net.peeringJoins(route.peering, fromVpc, toVpc);
  if (!joined.ok) return { problem: joined.problem! };
  return { relies: [...relies, route.node, ...joined.relies], peering: route.peering };
}

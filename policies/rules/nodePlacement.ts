import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, asList, field, isUnknown, list } from "../engine/values";
import { T, WORLD } from "./common";
import { capacityOf } from "./nodeCapacity";
import { perGraph } from "../../graph/memo";

/**
 * Subnets that route the internet through an internet gateway are public. Only a default route
 * (0.0.0.0/0 or ::/0) to an internet gateway makes a subnet public: routes to a NAT gateway, a
 * VPC peering connection (the peer region's CIDR), a transit gateway or an egress-only gateway
 * do not.
 */

function isIgw(graph: ResourceGraph, holder: GraphNode, key: string, literal: unknown): boolean {
  if (graph.refs(holder, key).some((g) => g.type === T.internetGateway)) return true;
  return typeof literal === "string" && literal.startsWith("igw-");
}

/** Route tables with a default route to an internet gateway, from ec2.Route resources and inline routes. */
function internetTables(graph: ResourceGraph): Set<string> {
  const out = new Set<string>();
  for (const route of graph.ofType(T.route)) {
    const dest = graph.prop(route, "destinationCidrBlock") ?? graph.prop(route, "destinationIpv6CidrBlock");
    if (typeof dest !== "string" || !WORLD.has(dest) || !isIgw(graph, route, "gatewayId", graph.prop(route, "gatewayId"))) continue;
    graph.refs(route, "routeTableId").forEach((t) => out.add(t.urn));
  }
  for (const table of graph.ofType(T.routeTable, T.defaultRouteTable)) {
    const routes = asList(graph.prop(table, "routes"));
    if (isUnknown(routes)) continue;
    // An inline route's gateway is an IGW by its literal id, or (unknown at preview) by the table's edge to one.
    const igwEdge = graph.refs(table, "routes").some((g) => g.type === T.internetGateway);
    const igwRoute = routes.some((r) => {
      const dest = field(r, "cidrBlock") ?? field(r, "ipv6CidrBlock");
      const gw = field(r, "gatewayId");
      return typeof dest === "string" && WORLD.has(dest) && gw !== undefined && ((typeof gw === "string" && gw.startsWith("igw-")) || igwEdge);
    });
    if (igwRoute) out.add(table.urn);
  }
  return out;
}

/** Subnets whose route table (explicitly associated, else their VPC's main table) routes the internet through an IGW. */
export const publicSubnets = perGraph((graph): Set<string> => {
  const tables = internetTables(graph);
  const out = new Set<string>();
  const associated = new Set<string>();
  for (const a of graph.ofType(T.routeTableAssociation)) {
    const table = graph.refs(a, "routeTableId")[0];
    for (const s of graph.refs(a, "subnetId").filter((x) => x.type === T.subnet)) {
      associated.add(s.urn);
      if (table && tables.has(table.urn)) out.add(s.urn);
    }
  }
  // Unassociated subnets use their VPC's main route table.
  const publicMain = new Set<string>();
  for (const m of graph.ofType(T.mainRouteTableAssociation)) {
    const table = graph.refs(m, "routeTableId")[0];
    if (table && tables.has(table.urn)) graph.refs(m, "vpcId").forEach((v) => publicMain.add(v.urn));
  }
  for (const d of graph.ofType(T.defaultRouteTable)) {
    if (tables.has(d.urn)) graph.refs(d, "defaultRouteTableId").filter((v) => v.type === T.vpc).forEach((v) => publicMain.add(v.urn));
  }
  for (const s of graph.ofType(T.subnet)) {
    if (!associated.has(s.urn) && graph.refs(s, "vpcId").some((v) => publicMain.has(v.urn))) out.add(s.urn);
  }
  return out;
});

/** Worker nodes in a public subnet are one security-group mistake from the internet, and bypass the NAT design. */
export const nodesPrivateSubnets = defineStackRule({
  name: "sec-nodes-private-subnets",
  description: "EKS worker nodes (managed node groups, self-managed node Auto Scaling groups, Fargate profiles) run in private subnets: none routes the internet through an internet gateway or assigns public IPs on launch.",
  severity: "high",
  kind: "security",
  anchors: ["FSBP EC2.15", "EKS Best Practices Guide (network security: private worker nodes)"],
  remediation: "place the nodes in the VPC's private subnets (default route through a NAT gateway)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    const open = publicSubnets(graph);
    for (const cluster of graph.ofType(T.eksCluster)) {
      const c = capacityOf(graph, cluster);
      const placed: Array<[GraphNode, string]> = [
        ...c.nodeGroups.map((g): [GraphNode, string] => [g, "subnetIds"]),
        ...c.selfManaged.map((g): [GraphNode, string] => [g, "vpcZoneIdentifiers"]),
        ...c.fargateProfiles.map((p): [GraphNode, string] => [p, "subnetIds"]),
      ];
      for (const [n, key] of placed) {
        const subnets = graph.refs(n, key).filter((s) => s.type === T.subnet);
        const viaIgw = subnets.filter((s) => open.has(s.urn));
        const publicIps = subnets.filter((s) => !open.has(s.urn) && asBool(graph.prop(s, "mapPublicIpOnLaunch")) === true);
        if (viaIgw.length > 0) {
          report(n, `runs nodes in public subnet(s) ${list(viaIgw.map((s) => s.name))}, whose default route goes to an internet gateway`, `move ${key} to the private subnets of the same AZs`);
        }
        if (publicIps.length > 0) {
          report(n, `runs nodes in subnet(s) ${list(publicIps.map((s) => s.name))} that assign public IPs on launch (mapPublicIpOnLaunch)`, `set mapPublicIpOnLaunch: false on ${list(publicIps.map((s) => s.name))} or use private subnets`);
        }
      }
    }
  },
});

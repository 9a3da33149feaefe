import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, asList, asString, field, isUnknown, list } from "../engine/values";
import { azSpan, azsText, ingressOf, isPrivateCidr, minAzsSpec, subnetsOf, T, WORLD } from "./common";

/** S07. Subnets in one AZ make every tier placed in them share that AZ's fate. */
export const vpcMultiAz = defineStackRule<{ minAzs: number }>({
  name: "ha-vpc-multi-az",
  description: "Every VPC has subnets in at least the minimum number of availability zones.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL02-BP03", "REL10-BP01"],
  remediation: "add subnets (public, private, isolated) in more availability zones",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided, limit }) {
    for (const vpc of graph.ofType(T.vpc)) {
      const subnets = graph.incoming(vpc, "vpcId", [T.subnet]);
      if (subnets.length === 0) continue;
      const { azs, unknown } = azSpan(graph, subnets);
      if (azs.length >= config.minAzs) continue;
      if (unknown > 0 && azs.length + unknown >= config.minAzs) undecided(vpc, `${unknown} subnet AZ(s) unknown`);
      else report(vpc, `has subnets in ${azsText(azs, unknown)}, below ${limit("minAzs")}`);
    }
  },
});

/** S07/S10. Data-tier subnet groups and the EKS control plane pick AZs from the subnets they are given. */
export const subnetGroupsMultiAz = defineStackRule<{ minAzs: number }>({
  name: "ha-subnet-groups-multi-az",
  description: "DB subnet groups, ElastiCache subnet groups and EKS cluster subnets span at least the minimum number of availability zones.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL10-BP01", "FSBP RDS.15"],
  remediation: "list one subnet per availability zone (all of the region's isolated or private subnets)",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided, limit }) {
    const judge = (n: GraphNode, subnets: GraphNode[], what: string) => {
      if (subnets.length === 0) return;
      const { azs, unknown } = azSpan(graph, subnets);
      if (azs.length >= config.minAzs) return;
      if (unknown > 0 && azs.length + unknown >= config.minAzs) undecided(n, `${unknown} subnet AZ(s) unknown`);
      else report(n, `${what} cover ${azsText(azs, unknown)}, below ${limit("minAzs")}`);
    };
    for (const g of graph.ofType(T.rdsSubnetGroup, T.cacheSubnetGroup)) judge(g, graph.refs(g, "subnetIds").filter((s) => s.type === T.subnet), "its subnets");
    for (const c of graph.ofType(T.eksCluster)) judge(c, subnetsOf(graph, c, "vpcConfig"), "its control-plane subnets (vpcConfig.subnetIds)");
  },
});

interface DefaultRoute {
  readonly declaredBy: GraphNode;
  readonly table: GraphNode;
  readonly nat: GraphNode;
}

/** Default routes through NAT gateways, from `ec2.Route` resources and inline route-table routes. */
function natDefaultRoutes(graph: ResourceGraph): DefaultRoute[] {
  const out: DefaultRoute[] = [];
  for (const route of graph.ofType(T.route)) {
    if (graph.prop(route, "destinationCidrBlock") !== "0.0.0.0/0") continue;
    const nat = graph.refs(route, "natGatewayId").find((n) => n.type === T.nat);
    const table = graph.refs(route, "routeTableId").find((n) => n.type === T.routeTable);
    if (nat && table) out.push({ declaredBy: route, table, nat });
  }
  for (const table of graph.ofType(T.routeTable)) {
    const routes = asList(graph.prop(table, "routes"));
    if (isUnknown(routes) || !routes.some((r) => field(r, "cidrBlock") === "0.0.0.0/0" && field(r, "natGatewayId") !== undefined)) continue;
    for (const nat of graph.refs(table, "routes").filter((n) => n.type === T.nat)) out.push({ declaredBy: table, table, nat });
  }
  return out;
}

/**
 * S08. A zonal NAT gateway lives in one AZ. Private subnets of another AZ routed through it lose
 * egress with that AZ. A regional NAT gateway (availabilityMode "regional") spans AZs by itself.
 */
export const natNoSinglePoint = defineStackRule({
  name: "ha-nat-no-single-point",
  description: "Private subnets reach the internet through a regional NAT gateway or through a zonal NAT gateway in their own availability zone.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "CKV2_AWS_35"],
  remediation: "create one zonal NAT gateway per AZ and route each AZ's private route table to the NAT of the same AZ (or use one regional NAT gateway)",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    for (const { declaredBy, table, nat } of natDefaultRoutes(graph)) {
      const mode = asString(graph.prop(nat, "availabilityMode"));
      if (mode === "regional") continue;
      if (isUnknown(mode)) {
        undecided(nat, "availabilityMode is unknown");
        continue;
      }
      const natAzs = graph.azsOf(nat);
      const subnets = graph.incoming(table, "routeTableId", [T.routeTableAssociation]).flatMap((a) => graph.refs(a, "subnetId").filter((s) => s.type === T.subnet));
      const { azs, unknown } = azSpan(graph, subnets);
      if (natAzs.length === 0 || unknown > 0) {
        if (subnets.length > 0) undecided(table, "AZ of the NAT gateway or of the routed subnets is unknown");
        continue;
      }
      const foreign = azs.filter((az) => !natAzs.includes(az));
      if (foreign.length > 0) {
        report(
          declaredBy,
          `sends 0.0.0.0/0 from subnets in ${list(foreign)} through NAT gateway ${nat.name} in ${list(natAzs)}: losing ${list(natAzs)} cuts the egress of ${list(foreign)}`,
        );
      }
    }
  },
});

/** R08. Flow logs are how an AZ or routing failure is diagnosed afterwards. */
export const vpcFlowLogs = defineStackRule({
  name: "sec-vpc-flow-logs",
  description: "Every VPC has a flow log.",
  severity: "low",
  kind: "security",
  advisoryEverywhere: true,
  anchors: ["FSBP EC2.6", "AwsSolutions-VPC7", "CKV2_AWS_11"],
  remediation: "add an aws.ec2.FlowLog for the VPC (traffic type ALL)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const vpc of graph.ofType(T.vpc)) {
      if (graph.incoming(vpc, "vpcId", [T.flowLog]).length === 0) report(vpc, "has no flow log");
    }
  },
});

/** Security groups attached to internet-facing load balancers: the only place 0.0.0.0/0 may enter. */
function publicLbGroups(graph: ResourceGraph): Set<string> {
  const out = new Set<string>();
  for (const lb of graph.ofType(...T.loadBalancers, T.classicLoadBalancer)) {
    if (asBool(graph.prop(lb, "internal")) === true) continue;
    for (const sg of graph.refs(lb, "securityGroups")) out.add(sg.urn);
  }
  return out;
}

function webPortsOnly(fromPort?: number, toPort?: number, protocol?: string): boolean {
  return (protocol === "tcp" || protocol === "6") && fromPort !== undefined && fromPort === toPort && (fromPort === 80 || fromPort === 443);
}

/** R07. The internet may reach the public load balancer on 80/443 and nothing else. */
export const noWorldIngress = defineStackRule({
  name: "sec-sg-no-world-ingress",
  description: "No security group admits 0.0.0.0/0 or ::/0, except TCP 80/443 on a group attached to an internet-facing load balancer.",
  severity: "critical",
  kind: "security",
  anchors: ["FSBP EC2.18", "FSBP EC2.19", "AwsSolutions-EC23", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"],
  remediation: "admit a security group or a private CIDR instead of the whole internet",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    const allowed = publicLbGroups(graph);
    for (const sg of graph.ofType(T.securityGroup, T.defaultSecurityGroup)) {
      for (const rule of ingressOf(graph, sg)) {
        const open = rule.cidrs.filter((c) => WORLD.has(c));
        if (open.length === 0) continue;
        if (allowed.has(sg.urn) && webPortsOnly(rule.fromPort, rule.toPort, rule.protocol)) continue;
        const allTraffic = rule.protocol === "-1" || rule.protocol === "all" || rule.fromPort === undefined;
        const ports = allTraffic ? "all ports and protocols" : rule.fromPort === rule.toPort ? `${rule.protocol} port ${rule.fromPort}` : `${rule.protocol} ports ${rule.fromPort}-${rule.toPort}`;
        report(rule.declaredBy, `admits ${list(open)} on ${ports} into security group ${sg.name}${allowed.has(sg.urn) ? "" : ", which is not an internet-facing load balancer's group"}`);
      }
    }
  },
});

/** S09. Databases and caches are reached only from the app tier, never from the internet. */
export const dataTierPrivate = defineStackRule({
  name: "sec-data-tier-private",
  description: "Aurora and RDS instances are not publicly accessible, and the security groups of databases and caches admit only security groups or private CIDRs.",
  severity: "critical",
  kind: "security",
  anchors: ["FSBP RDS.2", "AwsSolutions-RDS8", "CKV_AWS_17"],
  remediation: "set publiclyAccessible false and admit only the app tier's security group",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const db of graph.ofType(T.clusterInstance, T.rdsInstance)) {
      if (asBool(graph.prop(db, "publiclyAccessible")) === true) report(db, "is publicly accessible", "set publiclyAccessible: false");
    }
    const guarded: Array<[GraphNode, string]> = [
      ...graph.ofType(T.rdsCluster, T.rdsInstance).map((n): [GraphNode, string] => [n, "vpcSecurityGroupIds"]),
      ...graph.ofType(T.replicationGroup).map((n): [GraphNode, string] => [n, "securityGroupIds"]),
    ];
    const seen = new Set<string>();
    for (const [store, key] of guarded) {
      for (const sg of graph.refs(store, key).filter((s) => s.type === T.securityGroup)) {
        for (const rule of ingressOf(graph, sg)) {
          const exposed = rule.cidrs.filter((c) => !isPrivateCidr(c));
          const id = `${rule.declaredBy.urn}|${store.urn}`;
          if (exposed.length === 0 || seen.has(id)) continue;
          seen.add(id);
          report(rule.declaredBy, `admits ${list(exposed)} into security group ${sg.name} of data store ${store.name}`, "admit the app tier's security group (or the peer region's private CIDRs) instead");
        }
      }
    }
  },
});

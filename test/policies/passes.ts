import type { RuleCase } from "./cases";

/**
 * Passing cases beyond "the correct stack passes": changes that look risky but keep the property,
 * and designs other rule sets misjudge (the peered two-region network in particular). The rule
 * must not object, in final state or as a first preview sees it.
 */
export type PassCase = Omit<RuleCase, "offender" | "about">;

type G = Parameters<RuleCase["mutate"]>[0];

/**
 * Full-mesh inter-Region peering as the prod stack builds it: a peering connection (and its
 * accepter), a route to the peer VPC's CIDR in every private and isolated route table, and
 * CIDR-based ingress from the peer's private subnets on the data-tier groups (cross-region
 * peering cannot reference security groups).
 */
export function peered(g: G): void {
  g.add("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "peer-east-west", { peerRegion: "us-west-2", autoAccept: false }, { provider: "aws-east", refs: { vpcId: ["vpc-east"], peerVpcId: ["vpc-west"] } });
  g.add("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "peer-east-west-accepter", { autoAccept: true }, { provider: "aws-west", refs: { vpcPeeringConnectionId: ["peer-east-west"] } });
  for (const [r, peerCidr] of [["east", "10.21.0.0/16"], ["west", "10.20.0.0/16"]] as const) {
    for (const az of ["a", "b", "c"]) {
      g.add("aws:ec2/route:Route", `peer-route-${r}-${az}`, { destinationCidrBlock: peerCidr }, { provider: `aws-${r}`, refs: { routeTableId: [`rt-${r}-${az}`], vpcPeeringConnectionId: ["peer-east-west"] } });
      // The isolated (data) subnets get their own route table with only the peering route.
      g.add("aws:ec2/routeTable:RouteTable", `rt-data-${r}-${az}`, {}, { provider: `aws-${r}`, refs: { vpcId: [`vpc-${r}`] } });
      g.add("aws:ec2/route:Route", `peer-data-route-${r}-${az}`, { destinationCidrBlock: peerCidr }, { provider: `aws-${r}`, refs: { routeTableId: [`rt-data-${r}-${az}`], vpcPeeringConnectionId: ["peer-east-west"] } });
      g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", `rta-data-${r}-${az}`, {}, { provider: `aws-${r}`, refs: { routeTableId: [`rt-data-${r}-${az}`], subnetId: [`isolated-${r}-${az}`] } });
    }
    for (const [sg, port] of [[`db-sg-${r}`, 5432], [`cache-sg-${r}`, 6379]] as const) {
      g.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${sg}-from-peer`, { ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: peerCidr }, { provider: `aws-${r}`, refs: { securityGroupId: [sg] } });
    }
  }
}

/**
 * The rest of the prod design being built alongside this pack: a Route 53 private hosted zone
 * associated with both VPCs holding a CNAME whose records a drill repoints (ignoreChanges), and
 * the app Services on externalTrafficPolicy Local. (The elasticache-global kind no longer keeps
 * its `sessions-writer` record; no rule ever required one, and a private CNAME must not read as a
 * global entry either way.)
 */
export function privateZoneAndLocalTraffic(g: G): void {
  g.add("aws:route53/zone:Zone", "internal-zone", { name: "internal.example", vpcs: [{ vpcId: "vpc-east-id", vpcRegion: "us-east-1" }] }, { provider: "aws-east", refs: { vpcs: ["vpc-east"] } });
  g.add("aws:route53/zoneAssociation:ZoneAssociation", "internal-zone-west", { vpcRegion: "us-west-2" }, { provider: "aws-east", refs: { zoneId: ["internal-zone"], vpcId: ["vpc-west"] } });
  g.add("aws:route53/record:Record", "sessions-writer", { name: "sessions-writer.internal.example", type: "CNAME", ttl: 30, records: ["cache-east.internal"] }, { provider: "aws-east", refs: { zoneId: ["internal-zone"] } });
  g.ignoreChanges("sessions-writer", ["records"]);
  for (const r of ["east", "west"]) g.set(`svc-${r}`, "spec.type", "NodePort").set(`svc-${r}`, "spec.externalTrafficPolicy", "Local");
}

export const PASSES: PassCase[] = [
  { rule: "ha-nat-no-single-point", when: "private and isolated route tables route the peer VPC over the peering connection", mutate: peered },
  { rule: "sec-nodes-private-subnets", when: "private route tables also route the peer VPC over the peering connection", mutate: peered },
  { rule: "sec-sg-no-world-ingress", when: "data-tier groups admit the peer region's private CIDR", mutate: peered },
  { rule: "sec-data-tier-private", when: "data-tier groups admit the peer region's private CIDR", mutate: peered },
  { rule: "ha-vpc-multi-az", when: "the VPCs are peered", mutate: peered },
  {
    rule: "ha-global-entrypoint-health-checked",
    when: "a private hosted zone CNAME (ignoreChanges on its records) names the session writer",
    mutate: (g) => {
      g.add("aws:route53/zone:Zone", "internal-zone", { name: "internal.example", vpcs: [{ vpcId: "vpc-east-id", vpcRegion: "us-east-1" }, { vpcId: "vpc-west-id", vpcRegion: "us-west-2" }] }, { provider: "aws-east", refs: { vpcs: ["vpc-east", "vpc-west"] } });
      g.add("aws:route53/record:Record", "sessions-writer", { name: "sessions-writer.internal.example", type: "CNAME", ttl: 30, records: ["cache-east.example"] }, { provider: "aws-east", refs: { zoneId: ["internal-zone"] } });
      g.ignoreChanges("sessions-writer", ["records"]);
    },
  },
  { rule: "ha-k8s-hpa-replicas-unpinned", when: "an HPA-scaled Deployment keeps its initial size under ignoreChanges", mutate: (g) => { g.set("app-west", "spec.replicas", 3); g.ignoreChanges("app-west", ["spec.replicas"]); } },
  { rule: "ha-k8s-hpa-replicas-unpinned", when: "ignoreChanges names a parent path in bracket form", mutate: (g) => { g.set("queue-west", "spec.replicas", 3); g.ignoreChanges("queue-west", ['spec["replicas"]']); } },
  { rule: "ha-redis-multi-az-failover", when: "a secondary leaves automatic failover to the primary", mutate: (g) => g.set("cache-west", "automaticFailoverEnabled", undefined) },
  {
    rule: "ha-eks-nodegroups-span-azs",
    when: "a cluster's node groups are replaced by a Fargate profile over every AZ",
    mutate: (g) => { for (const az of ["a", "b", "c"]) g.remove(`ng-west-${az}`); },
  },
  {
    rule: "ha-eks-nodegroups-span-azs",
    when: "a cluster runs on EKS Auto Mode without node groups",
    mutate: (g) => { for (const az of ["a", "b", "c"]) g.remove(`ng-east-${az}`); g.remove("selfmanaged-east-tg").remove("selfmanaged-east"); g.set("eks-east", "computeConfig", { enabled: true, nodePools: ["general-purpose"] }); },
  },
  {
    rule: "ha-tier-in-every-region",
    when: "one region's nodes come from Karpenter instead of node groups",
    mutate: (g) => {
      for (const az of ["a", "b", "c"]) g.remove(`ng-west-${az}`);
      g.remove("fargate-west");
      g.add("kubernetes:karpenter.sh/v1:NodePool", "general-west", { metadata: { name: "general" }, spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" } } } } }, { provider: "k8s-west" });
    },
  },
  {
    rule: "ha-k8s-deployment-has-pdb",
    when: "a policy/v1 PDB with an empty selector covers its whole namespace",
    mutate: (g) => { g.remove("queue-pdb-west"); g.add("kubernetes:policy/v1:PodDisruptionBudget", "ns-pdb-west", { metadata: { name: "all", namespace: "app" }, spec: { maxUnavailable: 1, selector: {} } }, { provider: "k8s-west", refs: { metadata: ["ns-west"] } }); },
  },
  { rule: "ha-k8s-node-spread", when: "a Deployment with no spread at all runs no more pods than zones (2 over 3)", mutate: (g) => g.set("controller-east", "spec.template.spec.topologySpreadConstraints", undefined) },
  {
    rule: "sec-public-entry-tls",
    when: "port 80 only redirects to HTTPS",
    mutate: (g) => g.add("aws:lb/listener:Listener", "http-east", { port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }, { provider: "aws-east", refs: { loadBalancerArn: ["alb-east"] } }),
  },
  { rule: "sec-public-entry-tls", when: "an internal load balancer serves plain HTTP", mutate: (g) => g.set("alb-west", "internal", true).set("listener-west", "protocol", "HTTP").set("listener-west", "certificateArn", undefined) },
  { rule: "ha-asg-health-and-azs", when: "a per-AZ self-managed node group (tagged for its cluster) has one subnet and one node", mutate: (g) => g.link("selfmanaged-east", "vpcZoneIdentifiers", ["private-east-a"]).set("selfmanaged-east", "minSize", 1) },
  { rule: "ha-rds-instance-backup-retention", when: "a read replica keeps no backups of its own", mutate: (g) => g.set("reports-db-east", "backupRetentionPeriod", undefined).set("reports-db-east", "replicateSourceDb", "reports-source") },
  {
    rule: "ha-s3-cross-region-replication",
    when: "a BucketV2 replicates inline (replicationConfigurations) to the other region",
    mutate: (g) => g.add("aws:s3/bucketV2:BucketV2", "legacy-west", { versionings: [{ enabled: true }], replicationConfigurations: [{ role: "arn:aws:iam::111122223333:role/r", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-east" } }] }] }, { provider: "aws-west", refs: { replicationConfigurations: ["assets-east"] } }),
  },
  { rule: "ha-s3-cross-region-replication", when: "the stack is single-region", mutate: (g) => { g.set("aws-west", "region", "us-east-1"); } },
  { rule: "ha-s3-versioning", when: "the stack is single-region", mutate: (g) => { g.set("aws-west", "region", "us-east-1"); g.remove("assets-west-versioning"); } },
  { rule: "ha-retention-within-limits", when: "retentions sit on the limits", mutate: (g) => g.set("db-west", "backupRetentionPeriod", 35).set("reports-db-east", "backupRetentionPeriod", 0).set("worker-logs-east", "retentionInDays", 3653) },
];

import type { RuleCase } from "./cases";

/** Firing cases for the AWS stateful and compute services and the entry point (see cases.ts). */

type G = Parameters<RuleCase["mutate"]>[0];

/** Routes the internet of a route table through the internet gateway. */
function publicRoute(g: G, table: string, igw: string, provider: string): void {
  g.add("aws:ec2/route:Route", `${table}-igw`, { destinationCidrBlock: "0.0.0.0/0" }, { provider, refs: { routeTableId: [table], gatewayId: [igw] } });
}

export const AWS_CASES: RuleCase[] = [
  { rule: "ha-rds-instance-multi-az", when: "the instance runs in one AZ", offender: "reports-db-east", about: /single AZ/, mutate: (g) => g.set("reports-db-east", "multiAz", undefined) },
  { rule: "ha-rds-instance-backup-retention", when: "backups are left unset (RDS's API default: 1 day, not 0)", offender: "reports-db-east", about: /1 day\(s\) \(unset: RDS's API default of 1 day\), below this pack's minimum of 7/, mutate: (g) => g.set("reports-db-east", "backupRetentionPeriod", undefined) },
  { rule: "ha-rds-instance-backup-retention", when: "backups are turned off explicitly", offender: "reports-db-east", about: /automated backups off \(backupRetentionPeriod 0\)/, mutate: (g) => g.set("reports-db-east", "backupRetentionPeriod", 0) },
  { rule: "ha-rds-instance-backup-retention", when: "backups are kept 3 days in prod", offender: "reports-db-east", about: /3 day\(s\), below this pack.s minimum of 7, set by `ha-rds-instance-backup-retention.minBackupRetentionDays`/, mutate: (g) => g.set("reports-db-east", "backupRetentionPeriod", 3) },
  { rule: "sec-rds-instance-encryption", when: "the instance is unencrypted and names no key", offender: "reports-db-east", about: /does not encrypt its storage/, mutate: (g) => g.set("reports-db-east", "storageEncrypted", undefined).link("reports-db-east", "kmsKeyId", []) },
  { rule: "ha-rds-instance-deletion-protection", when: "deletion protection is off", offender: "reports-db-east", about: /deletion protection off/, mutate: (g) => g.set("reports-db-east", "deletionProtection", false) },
  {
    rule: "ha-elasticache-cluster-redundancy",
    when: "a standalone Redis cluster holds data",
    offender: "cache-node-east",
    about: /standalone redis cluster, which is one node/,
    mutate: (g) => g.add("aws:elasticache/cluster:Cluster", "cache-node-east", { engine: "redis", nodeType: "cache.r7g.large", numCacheNodes: 1, snapshotRetentionLimit: 7 }, { provider: "aws-east" }),
  },
  { rule: "ha-elasticache-cluster-redundancy", when: "a Memcached cluster keeps its nodes in one AZ", offender: "memcache-east", about: /azMode defaults to "single-az"/, mutate: (g) => g.set("memcache-east", "azMode", undefined) },
  { rule: "ha-elasticache-cluster-redundancy", when: "a Memcached cluster has one node", offender: "memcache-east", about: /Memcached cluster of 1 node/, mutate: (g) => g.set("memcache-east", "numCacheNodes", 1) },
  {
    rule: "ha-redis-snapshots",
    when: "a standalone Redis cluster keeps no snapshots",
    offender: "cache-node-west",
    about: /snapshotRetentionLimit defaults to 0/,
    mutate: (g) => g.add("aws:elasticache/cluster:Cluster", "cache-node-west", { engine: "valkey", nodeType: "cache.r7g.large" }, { provider: "aws-west" }),
  },
  { rule: "ha-ecs-min-tasks", when: "a service leaves desiredCount at its default 0", offender: "worker-east", about: /desiredCount defaults to 0/, mutate: (g) => g.set("worker-east", "desiredCount", undefined) },
  { rule: "ha-ecs-min-tasks", when: "a service's scaling target may scale in to one task", offender: "worker-west", about: /minCapacity/, mutate: (g) => g.set("worker-west-scaling", "minCapacity", 1) },
  {
    rule: "ha-ecs-multi-az",
    when: "a service's tasks run in one AZ",
    offender: "worker-east",
    about: /1 availability zone\(s\) \(us-east-1a\)/,
    mutate: (g) => g.link("worker-east", "networkConfiguration", ["private-east-a"]).set("worker-east", "networkConfiguration", { assignPublicIp: false, subnets: ["private-east-a-id"] }),
  },
  { rule: "ha-ecs-circuit-breaker", when: "a service has no circuit breaker", offender: "worker-west", about: /no deployment circuit breaker/, mutate: (g) => g.set("worker-west", "deploymentCircuitBreaker", undefined) },
  { rule: "ha-ecs-circuit-breaker", when: "the circuit breaker does not roll back", offender: "worker-east", about: /without rollback.*Fix: set deploymentCircuitBreaker.rollback: true/, mutate: (g) => g.set("worker-east", "deploymentCircuitBreaker.rollback", false) },
  { rule: "ha-eks-coredns-replicas", when: "CoreDNS runs one replica", offender: "coredns-east", about: /1 CoreDNS replica\(s\) \(replicaCount\); at least 3 are required: one per AZ/, mutate: (g) => g.set("coredns-east", "configurationValues", JSON.stringify({ replicaCount: 1 })) },
  { rule: "ha-eks-coredns-replicas", when: "CoreDNS autoscaling may drop below one replica per AZ", offender: "coredns-west", about: /\(autoScaling.minReplicas\)/, mutate: (g) => g.set("coredns-west", "configurationValues", JSON.stringify({ autoScaling: { enabled: true, minReplicas: 2, maxReplicas: 10 } })) },
  { rule: "ha-eks-coredns-replicas", when: "CoreDNS configurationValues are not JSON", offender: "coredns-east", about: /not a JSON object/, mutate: (g) => g.set("coredns-east", "configurationValues", "replicaCount: 3") },
  {
    rule: "ha-asg-health-and-azs",
    when: "an ASG attached through aws.autoscaling.Attachment keeps EC2 health checks",
    offender: "selfmanaged-east",
    about: /attached to a load balancer but uses the default EC2 health checks/,
    mutate: (g) => g.set("selfmanaged-east", "healthCheckType", undefined),
  },
  {
    rule: "ha-asg-health-and-azs",
    when: "an ASG registered through inline trafficSources keeps EC2 health checks",
    offender: "web-asg-west",
    about: /attached to a load balancer but uses EC2 health checks/,
    mutate: (g) => g.add("aws:autoscaling/group:Group", "web-asg-west", { minSize: 2, maxSize: 4, healthCheckType: "EC2", trafficSources: [{ identifier: "tg-west-arn", type: "elbv2" }] }, { provider: "aws-west", refs: { vpcZoneIdentifiers: ["private-west-a", "private-west-b", "private-west-c"] } }),
  },
  {
    rule: "ha-eks-nodegroups-span-azs",
    when: "the only node capacity left is a self-managed group in one AZ",
    offender: "eks-east",
    about: /node capacity in 1 availability zone\(s\) \(us-east-1a\)/,
    mutate: (g) => { for (const az of ["a", "b", "c"]) g.remove(`ng-east-${az}`); g.link("selfmanaged-east", "vpcZoneIdentifiers", ["private-east-a"]); },
  },
  {
    rule: "sec-nodes-private-subnets",
    when: "a node group runs in a subnet routed to the internet gateway",
    offender: "ng-east-a",
    about: /public subnet\(s\) public-east-a, whose default route goes to an internet gateway/,
    mutate: (g) => {
      g.add("aws:ec2/routeTable:RouteTable", "rt-public-east", {}, { provider: "aws-east", refs: { vpcId: ["vpc-east"] } });
      publicRoute(g, "rt-public-east", "igw-east", "aws-east");
      g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", "rta-public-east-a", {}, { provider: "aws-east", refs: { routeTableId: ["rt-public-east"], subnetId: ["public-east-a"] } });
      g.link("ng-east-a", "subnetIds", ["public-east-a"]);
    },
  },
  { rule: "sec-nodes-private-subnets", when: "a Fargate profile's subnet assigns public IPs", offender: "fargate-west", about: /assign public IPs on launch/, mutate: (g) => g.set("private-west-b", "mapPublicIpOnLaunch", true) },
  {
    rule: "sec-nodes-private-subnets",
    when: "a self-managed node group's subnet uses a main route table with an IGW route",
    offender: "selfmanaged-east",
    about: /public subnet\(s\) private-east-c/,
    mutate: (g) => {
      g.remove("rta-east-c");
      g.add("aws:ec2/routeTable:RouteTable", "rt-main-east", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-east-id" }] }, { provider: "aws-east", refs: { vpcId: ["vpc-east"], routes: ["igw-east"] } });
      g.set("rt-main-east", "routes", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-east-id" }]);
      g.add("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "main-east", {}, { provider: "aws-east", refs: { vpcId: ["vpc-east"], routeTableId: ["rt-main-east"] } });
    },
  },
  {
    rule: "sec-public-entry-tls",
    when: "port 80 forwards instead of redirecting",
    offender: "http-east",
    about: /serves plain HTTP on port 80/,
    mutate: (g) => g.add("aws:lb/listener:Listener", "http-east", { port: 80, protocol: "HTTP", defaultActions: [{ type: "forward" }] }, { provider: "aws-east", refs: { loadBalancerArn: ["alb-east"], defaultActions: ["tg-east"] } }),
  },
  { rule: "sec-public-entry-tls", when: "the HTTPS listener keeps the default TLS policy", offender: "listener-west", about: /ELBSecurityPolicy-2016-08 \(the default\)/, mutate: (g) => g.set("listener-west", "sslPolicy", undefined) },
  { rule: "sec-public-entry-tls", when: "the HTTPS listener allows TLS 1.1", offender: "listener-east", about: /ELBSecurityPolicy-TLS13-1-1-2021-06/, mutate: (g) => g.set("listener-east", "sslPolicy", "ELBSecurityPolicy-TLS13-1-1-2021-06") },
  { rule: "sec-public-entry-tls", when: "the HTTPS listener has no certificate", offender: "listener-east", about: /without a certificateArn/, mutate: (g) => g.set("listener-east", "certificateArn", undefined) },
  {
    rule: "sec-public-entry-tls",
    when: "the only listener is plain HTTP",
    offender: "alb-west",
    about: /no HTTPS listener/,
    mutate: (g) => g.set("listener-west", "protocol", "HTTP").set("listener-west", "port", 80).set("listener-west", "certificateArn", undefined).set("listener-west", "sslPolicy", undefined),
  },
  {
    rule: "sec-public-entry-tls",
    when: "a redirecting HTTP listener has a rule that forwards",
    offender: "http-west",
    about: /listener rules \(http-west-api\) that answer over plain HTTP/,
    mutate: (g) => {
      g.add("aws:lb/listener:Listener", "http-west", { port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }, { provider: "aws-west", refs: { loadBalancerArn: ["alb-west"] } });
      g.add("aws:lb/listenerRule:ListenerRule", "http-west-api", { priority: 10, actions: [{ type: "forward" }], conditions: [{ pathPattern: { values: ["/api/*"] } }] }, { provider: "aws-west", refs: { listenerArn: ["http-west"], actions: ["tg-west"] } });
    },
  },
  {
    rule: "sec-public-entry-tls",
    when: "an internet-facing classic load balancer listens on plain HTTP",
    offender: "clb-east",
    about: /classic load balancer with a plain HTTP listener on port 80/,
    mutate: (g) => g.add("aws:elb/loadBalancer:LoadBalancer", "clb-east", { crossZoneLoadBalancing: true, listeners: [{ lbPort: 80, lbProtocol: "http", instancePort: 8080, instanceProtocol: "http" }] }, { provider: "aws-east", refs: { subnets: ["public-east-a", "public-east-b", "public-east-c"] } }),
  },
  { rule: "ha-retention-within-limits", when: "a cluster keeps backups 40 days", offender: "db-west", about: /backupRetentionPeriod 40, which AWS rejects \(allowed: 1 to 35 days\).*Fix: set backupRetentionPeriod to 35/, mutate: (g) => g.set("db-west", "backupRetentionPeriod", 40) },
  { rule: "ha-retention-within-limits", when: "an RDS instance keeps backups 36 days", offender: "reports-db-east", about: /backupRetentionPeriod 36/, mutate: (g) => g.set("reports-db-east", "backupRetentionPeriod", 36) },
  { rule: "ha-retention-within-limits", when: "a log group keeps events 45 days", offender: "worker-logs-east", about: /retentionInDays 45.*Fix: set retentionInDays to 30/, mutate: (g) => g.set("worker-logs-east", "retentionInDays", 45) },
  { rule: "ha-s3-versioning", when: "a bucket loses its versioning", offender: "assets-west", about: /no versioning configuration/, mutate: (g) => g.remove("assets-west-versioning") },
  { rule: "ha-s3-versioning", when: "a bucket suspends versioning", offender: "assets-east", about: /versioning Suspended/, mutate: (g) => g.set("assets-east-versioning", "versioningConfiguration.status", "Suspended") },
  {
    rule: "ha-s3-versioning",
    when: "a BucketV2 declares inline versionings disabled",
    offender: "legacy-west",
    about: /versioning Suspended/,
    mutate: (g) => g.add("aws:s3/bucketV2:BucketV2", "legacy-west", { versionings: [{ enabled: false }], replicationConfigurations: [{ role: "arn:aws:iam::111122223333:role/r", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-east" } }] }] }, { provider: "aws-west", refs: { replicationConfigurations: ["assets-east"] } }),
  },
  { rule: "ha-s3-cross-region-replication", when: "the data bucket is not replicated", offender: "assets-east", about: /is not replicated/, mutate: (g) => g.remove("assets-east-replication") },
  {
    rule: "ha-s3-cross-region-replication",
    when: "the replica bucket is in the same region",
    offender: "assets-east",
    about: /replicates only within us-east-1/,
    mutate: (g) => {
      g.add("aws:s3/bucket:Bucket", "assets-east-copy", { bucket: "assets-east-copy" }, { provider: "aws-east", outputs: { arn: "arn:aws:s3:::assets-east-copy" } });
      g.add("aws:s3/bucketVersioning:BucketVersioning", "assets-east-copy-versioning", { versioningConfiguration: { status: "Enabled" } }, { provider: "aws-east", refs: { bucket: ["assets-east-copy"] } });
      g.link("assets-east-replication", "rules", ["assets-east-copy"]).set("assets-east-replication", "rules", [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-east-copy" } }]);
    },
  },
];

import type { PolicyPackConfig } from "@pulumi/policy";
import type { StackBuilder } from "./mixedStack";

type GraphBuilder = StackBuilder;

/**
 * One firing case per rule (several for some): a single change to the correct mixed stack
 * (test/policies/mixedStack.ts), the rule expected to object, the resource it must name, and what
 * the finding must be about (`about` is matched against the message and its fix hint, so a rule
 * that checks several properties cannot pass a case by objecting to another one). `config`
 * overrides the policy config.
 */
export interface RuleCase {
  readonly rule: string;
  readonly when: string;
  readonly mutate: (g: GraphBuilder) => void;
  readonly offender: string;
  readonly about?: RegExp;
  readonly config?: PolicyPackConfig;
}

type Container = Record<string, unknown>;

/** Edits the first container (or init container) of a workload's pod spec. */
export function editContainer(g: GraphBuilder, w: string, edit: (c: Container) => void, key: "containers" | "initContainers" = "containers"): void {
  const pod = g.get(w).type === "kubernetes:core/v1:Pod" ? "spec" : "spec.template.spec";
  const spec = pod.split(".").reduce((o: any, k) => o[k], g.get(w).inputs as any);
  const containers = JSON.parse(JSON.stringify(spec[key])) as Container[];
  edit(containers[0]);
  g.set(w, `${pod}.${key}`, containers);
}

function removeAll(g: GraphBuilder, pattern: RegExp): void {
  for (const n of g.names()) if (pattern.test(n)) g.remove(n);
}

export const CASES: RuleCase[] = [
  { rule: "ha-min-regions", when: "the second region's provider points at the first region", offender: "", mutate: (g) => g.set("aws-west", "region", "us-east-1") },
  { rule: "ha-min-regions", when: "a region is outside allowedRegions", offender: "alb-west", config: { "ha-min-regions": { allowedRegions: ["us-east-1"] } }, mutate: () => undefined },
  { rule: "ha-tier-in-every-region", when: "one region lost its cache replication group", offender: "cache-east", mutate: (g) => g.remove("cache-west") },
  { rule: "ha-tier-in-every-region", when: "one region lost its alarms", offender: "alarm-5xx-east", mutate: (g) => g.remove("alarm-5xx-west") },
  { rule: "ha-global-entrypoint", when: "the accelerator lost one region's endpoint group", offender: "ga", mutate: (g) => g.remove("eg-west") },
  { rule: "ha-global-entrypoint", when: "no global entry point exists", offender: "alb-east", mutate: (g) => removeAll(g, /^(ga|ga-listener|eg-.*)$/) },
  { rule: "ha-global-entrypoint-health-checked", when: "an endpoint's ALB lost its listener to the target group", offender: "eg-west", mutate: (g) => g.remove("listener-west") },
  { rule: "ha-global-entrypoint-health-checked", when: "an endpoint group has no endpoints", offender: "eg-west", mutate: (g) => g.link("eg-west", "endpointConfigurations", []).set("eg-west", "endpointConfigurations", []) },
  { rule: "ha-active-active-traffic", when: "a traffic dial is 0", offender: "eg-west", mutate: (g) => g.set("eg-west", "trafficDialPercentage", 0) },
  { rule: "ha-vpc-multi-az", when: "a VPC lost its third AZ", offender: "vpc-west", mutate: (g) => ["public", "private", "isolated"].forEach((k) => g.set(`${k}-west-c`, "availabilityZone", "us-west-2b")) },
  { rule: "ha-subnet-groups-multi-az", when: "a DB subnet group spans two AZs in prod", offender: "dbsubnets-west", mutate: (g) => g.link("dbsubnets-west", "subnetIds", ["isolated-west-a", "isolated-west-b"]) },
  { rule: "ha-nat-no-single-point", when: "an AZ routes through another AZ's NAT gateway", offender: "route-west-b", mutate: (g) => g.link("route-west-b", "natGatewayId", ["nat-west-a"]) },
  {
    rule: "ha-nat-no-single-point",
    when: "an inline route sends two AZs through one NAT",
    offender: "rt-east-b",
    mutate: (g) => {
      g.remove("route-east-b");
      g.set("rt-east-b", "routes", [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-east-a-id" }]).link("rt-east-b", "routes", ["nat-east-a"]).set("rt-east-b", "routes", [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-east-a-id" }]);
    },
  },
  { rule: "ha-lb-multi-az", when: "the ALB lost one AZ's subnet", offender: "alb-west", mutate: (g) => g.link("alb-west", "subnets", ["public-west-a", "public-west-b"]) },
  { rule: "ha-lb-cross-zone", when: "a target group turns cross-zone off", offender: "tg-west", mutate: (g) => g.set("tg-west", "loadBalancingCrossZoneEnabled", "false") },
  {
    rule: "ha-lb-cross-zone",
    when: "an NLB leaves cross-zone at its default",
    offender: "nlb-east",
    mutate: (g) => g.add("aws:lb/loadBalancer:LoadBalancer", "nlb-east", { loadBalancerType: "network", internal: true, enableDeletionProtection: true }, { provider: "aws-east", refs: { subnets: ["private-east-a", "private-east-b", "private-east-c"] } }),
  },
  { rule: "ha-lb-deletion-protection", when: "the ALB leaves deletion protection at its default", offender: "alb-east", mutate: (g) => g.set("alb-east", "enableDeletionProtection", undefined) },
  { rule: "ha-target-group-health-check", when: "the target group health check is disabled", offender: "tg-east", mutate: (g) => g.set("tg-east", "healthCheck.enabled", false) },
  { rule: "ha-target-group-health-check", when: "the HTTP health check has no path", offender: "tg-east", mutate: (g) => g.set("tg-east", "healthCheck.path", undefined) },
  { rule: "ha-eks-nodegroups-span-azs", when: "a cluster lost one AZ's node group (and its Fargate profile)", offender: "eks-west", about: /node capacity in 2 availability zone\(s\) \(us-west-2a, us-west-2b\)/, mutate: (g) => g.remove("ng-west-c").remove("fargate-west") },
  { rule: "ha-eks-nodegroups-span-azs", when: "a node group may scale to zero", offender: "ng-east-b", mutate: (g) => g.set("ng-east-b", "scalingConfig.minSize", 0) },
  { rule: "ha-nodegroup-scaling", when: "a node group cannot grow", offender: "ng-east-a", mutate: (g) => g.set("ng-east-a", "scalingConfig.maxSize", 1) },
  { rule: "ha-nodegroup-scaling", when: "a node group with a launch template offers one instance type", offender: "ng-west-a", mutate: (g) => g.set("ng-west-a", "instanceTypes", ["m6i.large"]) },
  {
    rule: "ha-asg-health-and-azs",
    when: "an Auto Scaling group sits in one AZ with one instance and EC2 health checks",
    offender: "asg-east",
    mutate: (g) => g.add("aws:autoscaling/group:Group", "asg-east", { minSize: 1, maxSize: 2 }, { provider: "aws-east", refs: { vpcZoneIdentifiers: ["private-east-a"], targetGroupArns: ["tg-east"] } }),
  },
  { rule: "ha-k8s-min-replicas", when: "the HPA may drop to two pods in a three-AZ prod region", offender: "app-west", mutate: (g) => g.set("hpa-west", "spec.minReplicas", 2) },
  { rule: "ha-k8s-min-replicas", when: "a Deployment without HPA runs one replica", offender: "app-east", mutate: (g) => { g.remove("hpa-east"); g.set("app-east", "spec.replicas", 1); } },
  { rule: "ha-k8s-min-replicas", when: "a controller no Service selects runs one replica", offender: "controller-west", mutate: (g) => g.set("controller-west", "spec.replicas", 1) },
  { rule: "ha-k8s-min-replicas", when: "a Deployment left without Service and HPA runs one replica", offender: "app-west", mutate: (g) => { g.remove("svc-west"); g.remove("hpa-west"); g.set("app-west", "spec.replicas", 1); } },
  { rule: "ha-k8s-zone-spread", when: "the zone spread constraint is removed", offender: "app-east", mutate: (g) => g.set("app-east", "spec.template.spec.topologySpreadConstraints", undefined) },
  {
    rule: "ha-k8s-zone-spread",
    when: "the spread constraint selects other pods",
    offender: "app-west",
    mutate: (g) => g.set("app-west", "spec.template.spec.topologySpreadConstraints", [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "other" } } }]),
  },
  { rule: "ha-k8s-deployment-has-pdb", when: "the PDB is removed", offender: "app-east", mutate: (g) => g.remove("pdb-east") },
  { rule: "ha-k8s-pdb-allows-eviction", when: "the PDB sets maxUnavailable 0", offender: "pdb-east", mutate: (g) => g.set("pdb-east", "spec.maxUnavailable", 0) },
  { rule: "ha-k8s-pdb-allows-eviction", when: "the PDB requires every pod", offender: "pdb-west", mutate: (g) => g.set("pdb-west", "spec.maxUnavailable", undefined).set("pdb-west", "spec.minAvailable", 3) },
  { rule: "ha-k8s-probes", when: "a container lacks a readiness probe", offender: "app-west", mutate: (g) => editContainer(g, "app-west", (c) => delete c.readinessProbe) },
  { rule: "ha-k8s-probes", when: "a controller has no liveness probe", offender: "controller-east", mutate: (g) => editContainer(g, "controller-east", (c) => delete c.livenessProbe) },
  { rule: "ha-k8s-probes", when: "readiness and liveness probes are identical", offender: "app-east", mutate: (g) => editContainer(g, "app-east", (c) => (c.livenessProbe = c.readinessProbe)) },
  { rule: "ha-k8s-resources", when: "a container has no memory limit", offender: "app-east", mutate: (g) => editContainer(g, "app-east", (c) => ((c.resources as any).limits = {})) },
  { rule: "ha-k8s-hpa-bounds", when: "the HPA cannot scale out", offender: "hpa-east", mutate: (g) => g.set("hpa-east", "spec.maxReplicas", 3) },
  { rule: "ha-k8s-rollout-safety", when: "a Deployment uses Recreate", offender: "app-east", mutate: (g) => g.set("app-east", "spec.strategy", { type: "Recreate" }) },
  { rule: "ha-aurora-global-topology", when: "the secondary region's cluster is gone", offender: "gdb", mutate: (g) => removeAll(g, /^db-west(-\d)?$/) },
  { rule: "ha-aurora-global-topology", when: "the secondary also sets masterUsername", offender: "gdb", mutate: (g) => g.set("db-west", "masterUsername", "app_admin") },
  {
    rule: "ha-aurora-global-topology",
    when: "an Aurora cluster stands outside the global cluster",
    offender: "db-east",
    mutate: (g) => g.link("db-east", "globalClusterIdentifier", []).set("db-east", "globalClusterIdentifier", undefined),
  },
  { rule: "ha-aurora-multi-az-instances", when: "a cluster lost its reader", offender: "db-west", mutate: (g) => g.remove("db-west-2") },
  { rule: "ha-aurora-multi-az-instances", when: "both instances share an AZ", offender: "db-east", mutate: (g) => g.set("db-east-2", "availabilityZone", "us-east-1a") },
  { rule: "ha-aurora-backup-retention", when: "backup retention is left at the 1-day default", offender: "db-east", mutate: (g) => g.set("db-east", "backupRetentionPeriod", undefined) },
  { rule: "ha-aurora-deletion-protection", when: "the global cluster has deletion protection off", offender: "gdb", mutate: (g) => g.set("gdb", "deletionProtection", false) },
  { rule: "ha-aurora-backtrack-compat", when: "a global member enables Backtrack", offender: "db-east", mutate: (g) => g.set("db-east", "backtrackWindow", 3600) },
  { rule: "ha-redis-global-topology", when: "the secondary replication group is gone", offender: "sessions", mutate: (g) => g.remove("cache-west") },
  { rule: "ha-redis-global-topology", when: "the primary uses a burstable node", offender: "sessions", mutate: (g) => g.set("cache-east", "nodeType", "cache.t4g.medium") },
  { rule: "ha-redis-multi-az-failover", when: "the primary has one node", offender: "cache-east", mutate: (g) => g.set("cache-east", "numCacheClusters", 1) },
  { rule: "ha-redis-multi-az-failover", when: "automatic failover is off on the primary", offender: "cache-east", about: /automatic failover off/, mutate: (g) => g.set("cache-east", "automaticFailoverEnabled", false) },
  {
    rule: "ha-redis-multi-az-failover",
    when: "a secondary that leaves failover unset follows a primary with failover off",
    offender: "cache-west",
    about: /automatic failover off/,
    mutate: (g) => g.set("cache-east", "automaticFailoverEnabled", false).set("cache-west", "automaticFailoverEnabled", undefined),
  },
  { rule: "ha-redis-multi-az-failover", when: "a global secondary leaves Multi-AZ unset (not assumed from the primary)", offender: "cache-west", about: /global datastore secondary that does not set multiAzEnabled/, mutate: (g) => g.set("cache-west", "multiAzEnabled", undefined) },
  { rule: "ha-redis-snapshots", when: "the primary keeps no snapshots", offender: "cache-east", mutate: (g) => g.set("cache-east", "snapshotRetentionLimit", 0) },
  { rule: "ha-backup-coverage", when: "no selection covers either Aurora member", offender: "db-west", mutate: (g) => removeAll(g, /^selection-/) },
  {
    rule: "ha-backup-coverage",
    when: "a DynamoDB table is in no selection",
    offender: "table-east",
    mutate: (g) => g.add("aws:dynamodb/table:Table", "table-east", { billingMode: "PAY_PER_REQUEST" }, { provider: "aws-east" }),
  },
  {
    rule: "ha-backup-cross-region-copy",
    when: "the plan lost its copy action",
    offender: "plan-east",
    mutate: (g) => g.set("plan-east", "rules", [{ ruleName: "daily", targetVaultName: "vault-east-id", schedule: "cron(0 5 * * ? *)", lifecycle: { deleteAfter: 35 } }]).link("plan-east", "rules", ["vault-east"]).set("plan-east", "rules", [{ ruleName: "daily", targetVaultName: "vault-east-id", schedule: "cron(0 5 * * ? *)", lifecycle: { deleteAfter: 35 } }]),
  },
  {
    rule: "ha-backup-cross-region-copy",
    when: "the copy lands in the same region",
    offender: "plan-west",
    mutate: (g) => {
      const rules = [{ ruleName: "daily", targetVaultName: "vault-west-id", schedule: "cron(0 5 * * ? *)", lifecycle: { deleteAfter: 35 }, copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:vault-west", lifecycle: { deleteAfter: 35 } }] }];
      g.link("plan-west", "rules", ["vault-west"]).set("plan-west", "rules", rules);
    },
  },
  {
    rule: "ha-backup-retention",
    when: "copies are kept 7 days in prod",
    offender: "plan-east",
    mutate: (g) => {
      const rules = JSON.parse(JSON.stringify((g.get("plan-east").inputs as any).rules));
      rules[0].copyActions[0].lifecycle.deleteAfter = 7;
      g.set("plan-east", "rules", rules);
    },
  },
  { rule: "ha-backup-vault-lock", when: "a vault has no lock", offender: "vault-west", mutate: (g) => g.remove("vaultlock-west") },
  {
    rule: "sec-sg-no-world-ingress",
    when: "the app group admits SSH from anywhere",
    offender: "ssh-east",
    mutate: (g) => g.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh-east", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }, { provider: "aws-east", refs: { securityGroupId: ["app-sg-east"] } }),
  },
  {
    rule: "sec-sg-no-world-ingress",
    when: "the ALB group admits a non-web port from anywhere",
    offender: "alb-sg-west",
    mutate: (g) => g.set("alb-sg-west", "ingress", [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }]),
  },
  { rule: "sec-data-tier-private", when: "a DB instance is publicly accessible", offender: "db-east-1", mutate: (g) => g.set("db-east-1", "publiclyAccessible", true) },
  {
    rule: "sec-data-tier-private",
    when: "the cache group admits a public CIDR",
    offender: "cache-public-west",
    mutate: (g) => g.add("aws:ec2/securityGroupRule:SecurityGroupRule", "cache-public-west", { type: "ingress", protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["203.0.113.0/24"] }, { provider: "aws-west", refs: { securityGroupId: ["cache-sg-west"] } }),
  },
  { rule: "sec-eks-control-plane", when: "the API endpoint is public to the world", offender: "eks-east", mutate: (g) => g.set("eks-east", "vpcConfig.endpointPublicAccess", undefined) },
  { rule: "sec-eks-control-plane", when: "secrets are not envelope-encrypted", offender: "eks-west", mutate: (g) => g.link("eks-west", "encryptionConfig", []) },
  { rule: "sec-launch-template-basics", when: "IMDSv2 is optional", offender: "lt-east", mutate: (g) => g.set("lt-east", "metadataOptions.httpTokens", "optional") },
  { rule: "sec-launch-template-basics", when: "an EBS volume is unencrypted", offender: "lt-west", mutate: (g) => g.set("lt-west", "blockDeviceMappings", [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }]) },
  { rule: "sec-k8s-pod-hardening", when: "the image is latest", offender: "app-east", mutate: (g) => editContainer(g, "app-east", (c) => (c.image = "nginx:latest")) },
  { rule: "sec-k8s-pod-hardening", when: "privilege escalation is allowed", offender: "app-west", mutate: (g) => editContainer(g, "app-west", (c) => ((c.securityContext as any).allowPrivilegeEscalation = true)) },
  { rule: "sec-aurora-encryption", when: "the global cluster is unencrypted", offender: "gdb", mutate: (g) => g.set("gdb", "storageEncrypted", false) },
  { rule: "sec-redis-encryption-auth", when: "the primary turns transit encryption off (the secondary inherits it)", offender: "cache-west", mutate: (g) => g.set("cache-east", "transitEncryptionEnabled", false) },
  { rule: "sec-redis-encryption-auth", when: "no AUTH token is set", offender: "cache-east", mutate: (g) => g.set("cache-east", "authToken", undefined) },
  { rule: "sec-backup-vault-encryption", when: "a vault has no customer key", offender: "vault-east", mutate: (g) => g.link("vault-east", "kmsKeyArn", []) },
  { rule: "sec-kms-key-rotation", when: "a key does not rotate", offender: "kms-east", mutate: (g) => g.set("kms-east", "enableKeyRotation", false) },
  { rule: "sec-vpc-flow-logs", when: "a VPC has no flow log", offender: "vpc-east", mutate: (g) => g.remove("flow-east") },
];

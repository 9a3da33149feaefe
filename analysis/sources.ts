/**
 * The pages the model's figures come from. Every constant in constants.ts (and every budget term
 * that is not a constant) names one of these by its short reference; terminal output prints the
 * reference, and docs/sources.md (generated from this list and the constants: `npx tsx
 * analysis/sourcesDoc.ts`) holds one section per reference with the full citation. A test fails
 * when a reference has no section, so no output points at a page the repository does not describe.
 *
 * `url` is the page as it was read; `says` is what the model takes from it, in one or two sentences.
 * Re-check the live page before a figure becomes a published goal: documentation changes.
 */

export interface Source {
  readonly title: string;
  /** Absent for this project's own estimates and defaults (there is no page to link). */
  readonly url?: string;
  readonly says: string;
}

export const SOURCES = {
  "elb-health-checks": {
    title: "Elastic Load Balancing User Guide (Application Load Balancers), Health checks for your target groups",
    url: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    says: "A target is marked unhealthy after UnhealthyThresholdCount consecutive failed checks, one every HealthCheckIntervalSeconds (5 to 300 s, default 30; threshold 2 to 10, default 2). Global Accelerator uses the ALB's health for ALB endpoints.",
  },
  "ga-workshop-failover": {
    title: "AWS Global Accelerator workshop, Failover",
    url: "https://intro-to-global-accelerator.workshop.aws/en/failover.html",
    says: "Traffic moves to a healthy endpoint group up to about 30 s after the ALB reports its targets unhealthy.",
  },
  "ga-failover": {
    title: "AWS Global Accelerator Developer Guide, How failover works for unhealthy endpoints",
    url: "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html",
    says: "After a recovery, routing returns to the healthy endpoints in \"about 30 seconds\". No figure is published for traffic-dial changes.",
  },
  "ga-api": {
    title: "AWS Global Accelerator API Reference",
    url: "https://docs.aws.amazon.com/global-accelerator/latest/api/Welcome.html",
    says: "Global Accelerator is a global service whose API (create and update calls, traffic dials included) is served from us-west-2.",
  },
  "route53-health-checks": {
    title: "Amazon Route 53 Developer Guide, How Route 53 determines whether a health check is healthy; Values for health checks",
    url: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
    says: "An endpoint turns unhealthy after FailureThreshold (1 to 10, default 3) failed checks, one every RequestInterval (10 or 30 s); an HTTP(S) check must connect within 4 s and get a response within 2 s. Values: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html",
  },
  "route53-faq": {
    title: "Amazon Route 53 FAQ",
    url: "https://aws.amazon.com/route53/faqs/",
    says: "Alias records to an ELB load balancer have a fixed 60 s TTL; record changes are designed to reach every authoritative server \"within 60 seconds under normal conditions\".",
  },
  "route53-record-changes": {
    title: "Amazon Route 53 Developer Guide, Changing resource record sets (API: ChangeResourceRecordSets, GetChange)",
    url: "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html",
    says: "Changes generally propagate to all Route 53 name servers within 60 seconds; GetChange reports PENDING until then and INSYNC once they have (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html).",
  },
  "route53-ttl": {
    title: "Amazon Route 53 Developer Guide, Values that you specify when you create or edit records: TTL",
    url: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-basic.html",
    says: "Resolvers cache a record's answer for its TTL, so a changed record reaches clients only once their cached answer expires.",
  },
  "route53-resilience": {
    title: "Amazon Route 53 Developer Guide, Resilience in Amazon Route 53",
    url: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/disaster-recovery-resiliency.html",
    says: "The data plane (DNS answers, health checks) is global; the control plane that changes records runs in us-east-1.",
  },
  "cloudwatch-alarms": {
    title: "Amazon CloudWatch User Guide, Using Amazon CloudWatch alarms",
    url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
    says: "An alarm changes state after the metric breaches for its evaluation periods, so the time to ALARM is period x evaluation periods.",
  },
  "aurora-global-dr": {
    title: "Amazon Aurora User Guide, Using switchover or failover in Amazon Aurora Global Database (aurora-global-database-disaster-recovery.html)",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html",
    says: "A failover promotes a secondary, which \"assumes the primary role within a few minutes\"; a switchover (RPO 0) synchronizes the secondaries before roles change and lasts in proportion to AuroraGlobalDBRPOLag; keep the client DNS cache TTL low, \"such as 5 seconds\"; rebuilding the other secondaries after a failover takes \"a few minutes to several hours\"; rds.global_db_rpo (Aurora PostgreSQL) accepts 20 to 2147483647 s.",
  },
  "aurora-global-database": {
    title: "Amazon Aurora User Guide, Using Amazon Aurora Global Database",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html",
    says: "Storage-level replication to the secondary regions, with a lag \"typically under a second\".",
  },
  "aurora-write-forwarding": {
    title: "Amazon Aurora User Guide, Using write forwarding in an Aurora PostgreSQL global database",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-write-forwarding-apg.html",
    says: "Secondaries can forward writes to the writer; no latency figure is published (the metric is AuroraForwardingReplicaDMLLatency).",
  },
  "aurora-ha": {
    title: "Amazon Aurora User Guide, High availability for Amazon Aurora (Concepts.AuroraHighAvailability.html)",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
    says: "Storage keeps six copies across three AZs; with a replica, service is \"typically restored in less than 60 seconds, and often less than 30 seconds\"; with no replica the instance is recreated, \"typically less than 10 minutes\".",
  },
  "rds-failover-state": {
    title: "Amazon RDS API Reference, FailoverState",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverState.html",
    says: "A global cluster's FailoverState is `pending` while the primary and the chosen secondary are verified, then `switching-over` or `failing-over`; no duration is published.",
  },
  "elasticache-multi-az": {
    title: "Amazon ElastiCache User Guide, Minimizing downtime in ElastiCache by using Multi-AZ with Valkey and Redis OSS (AutoFailover)",
    url: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html",
    says: "With Multi-AZ the primary role fails over to a read replica (replication is asynchronous; the least-lagging replica is promoted) and writes resume once the promotion completes; detection time is not published.",
  },
  "dr-workshop-elasticache": {
    title: "AWS disaster recovery workshop, ElastiCache global datastore",
    url: "https://disaster-recovery.workshop.aws/en/services/databases/elasticache/global-datastore.html",
    says: "\"RTO: 1 minute\" for promoting a secondary region; \"RPO: Generally less than 1 second\".",
  },
  "arc-region-switch": {
    title: "Amazon Application Recovery Controller (ARC) Developer Guide, Region switch",
    url: "https://docs.aws.amazon.com/r53recovery/latest/dg/region-switch.html",
    says: "AWS's multi-Region recovery orchestration: an ungraceful failover waits for a person to choose retry, skip or ungraceful, and plans can hold manual approval steps. No figure is published for the human decision (the model assumes 15 min, inside the 5 to 30 min such a gate typically adds).",
  },
  "aws-crossregion-failover-sample": {
    title: "AWS guidance in aws-solutions-library-samples (cross-Region failover sample), issue #9",
    says: "In a real outage a switchover \"will fail and ... could take some time to return an error\"; no figure is given, so the model assumes 300 s.",
  },
  "aws-post-event-summaries": {
    title: "AWS Post-Event Summaries",
    url: "https://aws.amazon.com/premiumsupport/technology/pes/",
    says: "AWS publishes a summary of widespread service events; 2017-2025 hold 5 such us-east-1 events in about 9 years (0.56 a year). Only public events count: a floor, not a forecast.",
  },
  "k8s-taint-based-evictions": {
    title: "Kubernetes documentation, Taints and Tolerations: taint-based evictions; kube-controller-manager --node-monitor-grace-period",
    url: "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions",
    says: "A node is marked NotReady after the node-monitor grace period (50 s since Kubernetes v1.32, 40 s before: kube-controller-manager reference, https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/, and kubernetes/kubernetes#127352), and its pods tolerate not-ready and unreachable for 300 s by default before they are evicted.",
  },
  "dsql-resilience": {
    title: "Amazon Aurora DSQL User Guide, Resilience in Amazon Aurora DSQL",
    url: "https://docs.aws.amazon.com/aurora-dsql/latest/userguide/disaster-recovery-resiliency.html",
    says: "Single- and multi-Region clusters are active-active with no failover; replication is always synchronous, so recovery loses no data to lag; a multi-Region cluster offers two strongly consistent Regional endpoints with zero replication lag on commit; the witness Region stores only encrypted transaction logs and has no endpoint.",
  },
  "dsql-what-is": {
    title: "Amazon Aurora DSQL User Guide, What is Amazon Aurora DSQL",
    url: "https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html",
    says: "The active-active design offers 99.99 % single-Region and 99.999 % multi-Region availability (a design figure; the service SLA is the commitment).",
  },
  "dsql-multi-region": {
    title: "Amazon Aurora DSQL User Guide, Configuring multi-Region clusters; API MultiRegionProperties",
    url: "https://docs.aws.amazon.com/aurora-dsql/latest/userguide/configuring-multi-region-clusters.html",
    says: "Peered clusters share a witness Region that \"helps maintain cluster consistency and quorum\" (https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_MultiRegionProperties.html): a commit needs two of the three Regions, so a peer that has lost both the other peer and the witness stops taking writes.",
  },
  "memorydb-multi-region": {
    title: "Amazon MemoryDB Developer Guide, MemoryDB Multi-Region",
    url: "https://docs.aws.amazon.com/memorydb/latest/devguide/multi-region.html",
    says: "Active-active: each Regional cluster serves local reads and writes; replication is asynchronous and data \"is typically propagated within a second\"; writes made while a Region is isolated propagate when it returns; conflicts resolve with CRDTs, last writer wins per key (strings) or sub-key; up to 99.999 % availability.",
  },
  "memorydb-multi-az": {
    title: "Amazon MemoryDB Developer Guide, Minimizing downtime in MemoryDB with Multi-AZ; Consistency",
    url: "https://docs.aws.amazon.com/memorydb/latest/devguide/autofailover.html",
    says: "Successful writes are stored in a distributed Multi-AZ transaction log before they return (https://docs.aws.amazon.com/memorydb/latest/devguide/consistency.html); a failed primary fails over to a consistent replica, so no data is lost; no failover duration is published.",
  },
  "arc-region-switch-triggers": {
    title: "ARC Region switch API reference, Trigger and TriggerCondition",
    url: "https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Trigger.html",
    says: "A trigger executes a plan (activate or deactivate a target Region) when its associated CloudWatch alarms meet their conditions (red or green), with a minimum delay between executions; up to 10 conditions. Region switch evaluates a plan on change and every 30 minutes and records each execution's actual recovery time (https://docs.aws.amazon.com/r53recovery/latest/dg/region-switch-plans.html).",
  },
  "arc-region-switch-blocks": {
    title: "ARC Region switch, execution blocks (API ExecutionBlockConfiguration; Aurora global database block: GlobalAuroraConfiguration)",
    url: "https://docs.aws.amazon.com/arc-region-switch/latest/api/API_ExecutionBlockConfiguration.html",
    says: "A workflow runs its steps in order (a Parallel block runs its children side by side). The Aurora global database block calls SwitchoverGlobalCluster for `switchoverOnly` or FailoverGlobalCluster (AllowDataLoss) for `failover` or an ungraceful `failover` (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_GlobalAuroraConfiguration.html); a manual approval block waits for a person; there is no ElastiCache or Global Accelerator block, so those run as custom action Lambdas. No block duration is published beyond the services' own.",
  },
  "sla-rds": { title: "Amazon RDS SLA", url: "https://aws.amazon.com/rds/sla/", says: "99.95 % monthly uptime for a Multi-AZ DB instance; 99.5 % for a Single-AZ DB instance." },
  "k8s-hpa": {
    title: "Kubernetes documentation, Horizontal Pod Autoscaling",
    url: "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
    says: "The controller runs every --horizontal-pod-autoscaler-sync-period, 15 s by default.",
  },
  "cluster-autoscaler-faq": {
    title: "kubernetes/autoscaler, Cluster Autoscaler FAQ",
    url: "https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md",
    says: "Scale-up decision latency SLO: at most 30 s for clusters under 100 nodes.",
  },
  "community-node-provisioning": {
    title: "Community reports on EKS node provisioning",
    says: "A managed node group scaled by Cluster Autoscaler adds ready nodes in 3 to 5 minutes (Karpenter 45 to 90 s). A soft prior only: measure it in your account.",
  },
  "project-estimates": {
    title: "This project's estimates (no published figure)",
    says: "Where nothing is published, the model uses an estimate tagged E: clients reconnect within seconds (15 s), an automated trigger decides within 0 to 60 s (30 s), paging and acknowledgement take 5 min. Replace them with drill measurements.",
  },
  "blueprint-defaults": {
    title: "ha-blueprint stack config defaults (config/schema.ts)",
    says: "When neither the topology nor the stack config sets them, the model uses the blueprint's defaults: monitoring.periodSeconds 60, monitoring.evaluationPeriods 3, sessionStore.writerRecordTtlSeconds 10.",
  },
  "sla-elb": { title: "Elastic Load Balancing SLA (2022-07-25)", url: "https://aws.amazon.com/elasticloadbalancing/sla/", says: "99.99 % monthly uptime per load balancer deployed in more than one AZ." },
  "sla-compute": { title: "Amazon Compute SLA", url: "https://aws.amazon.com/compute/sla/", says: "99.99 % monthly region-level uptime for instances spread over two or more AZs." },
  "sla-aurora": { title: "Amazon Aurora SLA (2022-05-19)", url: "https://aws.amazon.com/rds/aurora/sla/", says: "99.99 % monthly uptime for a cluster with instances in two or more AZs; 99.9 % in one AZ." },
  "sla-elasticache": { title: "Amazon ElastiCache SLA", url: "https://aws.amazon.com/elasticache/sla/", says: "99.99 % monthly uptime for Valkey/Redis OSS Multi-AZ configurations; 99.5 % for a single-AZ configuration." },
  "sla-global-accelerator": { title: "AWS Global Accelerator SLA (2022-05-19)", url: "https://aws.amazon.com/global-accelerator/sla/", says: "99.99 % monthly uptime per accelerator." },
  "sla-route53": { title: "Amazon Route 53 SLA", url: "https://aws.amazon.com/route53/sla/", says: "100 % availability of DNS query answering (not of health checks or record changes)." },
  "sla-eks": { title: "Amazon EKS SLA (2022-05-04)", url: "https://aws.amazon.com/eks/sla/", says: "99.95 % monthly uptime of the Kubernetes API endpoint: the control path, not the data path." },
} as const satisfies Record<string, Source>;

export type SourceRef = keyof typeof SOURCES;

/** The file and section a reference resolves to. */
export const SOURCES_DOC = "docs/sources.md";
export const sourceLink = (ref: SourceRef): string => `${SOURCES_DOC}#${ref}`;

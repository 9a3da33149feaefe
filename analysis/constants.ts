/**
 * The one table of timings and SLAs the RTO/RPO budget, the availability estimate and the drill
 * simulator are computed from. Every entry names its source and a confidence tag, so a number in a
 * report can be traced back to the page it came from (docs/analysis-model.md tables the figures,
 * docs/sources.md the pages).
 *
 * Confidence tags:
 * - `A`   AWS official: user guide, API reference, SLA page, post-event summary.
 * - `A-w` AWS-authored but informal: workshop, blog, FAQ wording.
 * - `U`   upstream project docs or source (Kubernetes, Pulumi).
 * - `C`   community or third party; a soft prior only.
 * - `E`   this project's estimate where no source publishes a number; replace with drill measurements.
 *
 * `value` is the default the model uses; `floor` the tightest documented value. Re-check the live
 * page before turning a number into a published goal: SLAs and docs change.
 *
 * `ref` names the page in analysis/sources.ts; docs/sources.md has a section per page.
 */

import type { SourceRef } from "./sources";

export type Confidence = "A" | "A-w" | "U" | "C" | "E";

/** What each tag means, in the words the terminal legend prints. */
export const CONFIDENCE_LABELS: Record<Confidence, string> = {
  A: "AWS documentation",
  "A-w": "AWS workshop/FAQ",
  U: "upstream project docs",
  C: "community reports",
  E: "this project's estimate",
};

/** One line for any output that shows the tags. */
export const CONFIDENCE_LEGEND = `Tags: ${(Object.entries(CONFIDENCE_LABELS) as [Confidence, string][]).map(([t, l]) => `${t} ${l}`).join(", ")}.`;

export interface TimingConstant {
  /** The page the figure comes from: a section of docs/sources.md. */
  readonly ref: SourceRef;
  /** Seconds. */
  readonly value: number;
  readonly floor?: number;
  readonly source: string;
  readonly confidence: Confidence;
  readonly note?: string;
}

export interface SlaConstant {
  readonly ref: SourceRef;
  /** Monthly uptime commitment as a fraction, e.g. 0.9999. */
  readonly value: number;
  readonly scope: string;
  readonly source: string;
  readonly confidence: Confidence;
}

export const AURORA_DR = "Aurora User Guide, Using switchover or failover in Amazon Aurora Global Database (aurora-global-database-disaster-recovery.html)";
const AURORA_HA = "Aurora User Guide, High availability for Amazon Aurora (Concepts.AuroraHighAvailability.html)";
const EC_AUTOFAILOVER = "ElastiCache User Guide, Minimizing downtime with Multi-AZ (AutoFailover)";
const DR_WORKSHOP_EC = "AWS DR workshop, ElastiCache global datastore (disaster-recovery.workshop.aws/en/services/databases/elasticache/global-datastore.html)";
const ALB_HC = "ELB User Guide, Health checks for your target groups";
const R53_HC = "Route 53 Developer Guide, How Route 53 determines whether a health check is healthy / Values for health checks";

export const TIMINGS = {
  albHealthCheckIntervalDefault: { ref: "elb-health-checks", value: 30, floor: 5, source: `${ALB_HC} (HealthCheckIntervalSeconds 5..300, default 30)`, confidence: "A" },
  albUnhealthyThresholdDefault: { ref: "elb-health-checks", value: 2, floor: 2, source: `${ALB_HC} (UnhealthyThresholdCount 2..10, default 2)`, confidence: "A" },
  gaEndpointGroupEvaluation: {
    ref: "ga-workshop-failover",
    value: 30,
    floor: 0,
    source: "Global Accelerator workshop, failover (intro-to-global-accelerator.workshop.aws/en/failover.html): traffic moves up to 30 s after the ALB reports unhealthy",
    confidence: "A-w",
  },
  gaTrafficDialPropagation: {
    ref: "ga-failover",
    value: 30,
    source: "Global Accelerator Developer Guide, How failover works: routing returns to normal in \"about 30 seconds\"; no figure is published for dial changes",
    confidence: "E",
    note: "Dial changes are control-plane calls in us-west-2; measure in drills.",
  },
  route53RequestIntervalDefault: { ref: "route53-health-checks", value: 30, floor: 10, source: `${R53_HC} (RequestInterval 10 or 30)`, confidence: "A" },
  route53FailureThresholdDefault: { ref: "route53-health-checks", value: 3, floor: 1, source: `${R53_HC} (FailureThreshold 1..10, default 3)`, confidence: "A" },
  route53CheckTimeout: { ref: "route53-health-checks", value: 6, source: `${R53_HC}: HTTP(S) connect within 4 s, then a response within 2 s`, confidence: "A" },
  route53AliasTtl: { ref: "route53-faq", value: 60, source: "Route 53 FAQ: alias records to ELB have a fixed 60 s TTL", confidence: "A-w" },
  clientDnsCache: {
    ref: "aurora-global-dr",
    value: 5,
    source: `${AURORA_DR}: keep the client DNS cache TTL low, "such as 5 seconds"`,
    confidence: "A",
  },
  appReconnect: {
    ref: "project-estimates",
    value: 15,
    floor: 5,
    source: "no published figure: connection pools notice the failure and reconnect within seconds (estimate; measure in drills)",
    confidence: "E",
  },
  writeForwardingReconnect: {
    ref: "aurora-write-forwarding",
    value: 0,
    source: "Aurora User Guide, Using write forwarding in an Aurora PostgreSQL global database: no published latency; measure AuroraForwardingReplicaDMLLatency",
    confidence: "E",
    note: "Counted as 0: forwarded writes fail until promotion ends, which the promotion term already covers.",
  },
  decisionAutomated: {
    ref: "project-estimates",
    value: 30,
    floor: 0,
    source: "no published figure: an automated trigger decides within 0-60 s of detection (estimate); neither Aurora nor ElastiCache fails over across regions by itself",
    confidence: "E",
  },
  decisionHuman: {
    ref: "arc-region-switch",
    value: 900,
    source: "AWS multi-Region guidance (ARC Region switch): an ungraceful failover waits for a person to choose retry, skip or ungraceful; a human approval gate adds 5-30 min (no published figure)",
    confidence: "E",
    note: "Replace with the time your on-call needs to decide, measured in drills.",
  },
  noAlarmDetection: {
    ref: "project-estimates",
    value: 1800,
    source: "no alarm in the graph outside the lost region (CloudWatch is regional: the lost region's alarms cannot page): nobody is paged, and a region loss is noticed when users' reports reach on-call; no published figure (estimate: 30 min)",
    confidence: "E",
  },
  pageAcknowledge: {
    ref: "project-estimates",
    value: 300,
    source: "no published figure: the time from the alarm's notification to an on-call engineer acknowledging it; measure it in your paging tool",
    confidence: "E",
  },
  route53ChangePropagation: {
    ref: "route53-record-changes",
    value: 60,
    source: "Route 53 Developer Guide, Changing resource record sets: changes generally propagate to all Route 53 name servers within 60 seconds; GetChange reports INSYNC when they have",
    confidence: "A",
  },
  cloudwatchAlarmPeriodDefault: { ref: "blueprint-defaults", value: 60, source: "ha-blueprint default monitoring.periodSeconds (CloudWatch alarm period)", confidence: "E" },
  cloudwatchAlarmEvaluationsDefault: { ref: "blueprint-defaults", value: 3, source: "ha-blueprint default monitoring.evaluationPeriods", confidence: "E" },
  sessionWriterRecordTtlDefault: { ref: "blueprint-defaults", value: 10, source: "ha-blueprint default sessionStore.writerRecordTtlSeconds", confidence: "E" },
  auroraGlobalFailover: {
    ref: "aurora-global-dr",
    value: 180,
    floor: 60,
    source: `${AURORA_DR}: the secondary "assumes the primary role within a few minutes" (marketing/workshop: under a minute)`,
    confidence: "A",
  },
  auroraGlobalSwitchover: {
    ref: "aurora-global-dr",
    value: 180,
    floor: 60,
    source: `${AURORA_DR}: duration "directly proportional" to AuroraGlobalDBRPOLag, database briefly unavailable; no figure, so the failover figure is used`,
    confidence: "A",
    note: "Measure in drills and feed the result back here.",
  },
  elasticacheGlobalPromote: { ref: "dr-workshop-elasticache", value: 60, floor: 60, source: `${DR_WORKSHOP_EC}: "RTO: 1 minute"`, confidence: "A-w" },
  auroraInRegionFailover: {
    ref: "aurora-ha",
    value: 60,
    floor: 30,
    source: `${AURORA_HA}: service "typically restored in less than 60 seconds, and often less than 30 seconds"`,
    confidence: "A",
  },
  auroraNoReplicaRecovery: { ref: "aurora-ha", value: 600, source: `${AURORA_HA}: with no replica the instance is recreated, "typically less than 10 minutes"`, confidence: "A" },
  elasticacheInRegionFailover: {
    ref: "elasticache-multi-az",
    value: 30,
    floor: 5,
    source: `${EC_AUTOFAILOVER}: writes resume "a few seconds" after promotion starts; detection time is not published`,
    confidence: "E",
  },
  k8sEviction: {
    ref: "k8s-taint-based-evictions",
    value: 350,
    floor: 0,
    source: "Kubernetes docs: kube-controller-manager --node-monitor-grace-period 50 s (40 s before v1.32) + default not-ready/unreachable toleration 300 s; 0 when replicas are pre-spread over AZs",
    confidence: "U",
  },
  hpaSync: { ref: "k8s-hpa", value: 15, source: "Kubernetes docs, Horizontal Pod Autoscaling: --horizontal-pod-autoscaler-sync-period 15 s", confidence: "U" },
  clusterAutoscalerDecision: { ref: "cluster-autoscaler-faq", value: 30, source: "kubernetes/autoscaler FAQ: scale-up decision SLO <= 30 s below 100 nodes", confidence: "U" },
  nodeProvisioning: { ref: "community-node-provisioning", value: 240, floor: 45, source: "community reports: managed node group + Cluster Autoscaler 3-5 min (Karpenter 45-90 s)", confidence: "C" },
  auroraReplicationLagTypical: { ref: "aurora-global-database", value: 1, source: `Aurora User Guide, Using Amazon Aurora Global Database: replication "typically under a second"`, confidence: "A" },
  elasticacheReplicationLagTypical: { ref: "dr-workshop-elasticache", value: 1, source: `${DR_WORKSHOP_EC}: "RPO: Generally less than 1 second"`, confidence: "A-w" },
  elasticacheInRegionLagTypical: {
    ref: "elasticache-multi-az",
    value: 1,
    source: `${EC_AUTOFAILOVER}: asynchronous replication, the least-lagging replica is promoted; no figure published`,
    confidence: "E",
  },
  dsqlCommitRpo: {
    ref: "dsql-resilience",
    value: 0,
    source: "Aurora DSQL User Guide, Resilience in Amazon Aurora DSQL: replication is always synchronous; a multi-Region cluster has two strongly consistent Regional endpoints with zero replication lag on commit, so a Region loss loses no committed transaction",
    confidence: "A",
  },
  dsqlWitnessLoss: {
    ref: "dsql-multi-region",
    value: 0,
    source: "Aurora DSQL User Guide, Configuring multi-Region clusters: the witness Region keeps the quorum; while both peers run, losing the witness stops nothing (a commit needs two of the three Regions)",
    confidence: "A",
    note: "Losing a peer and the witness together stops writes in the other peer: analyze reports that double failure as what it does.",
  },
  memorydbMultiRegionLagTypical: {
    ref: "memorydb-multi-region",
    value: 1,
    source: "MemoryDB Developer Guide, MemoryDB Multi-Region: replication between Regions is asynchronous and data \"is typically propagated within a second\" (typical, not a bound); conflicts resolve last-writer-wins per key (strings) or sub-key",
    confidence: "A",
  },
  memorydbInRegionRpo: {
    ref: "memorydb-multi-az",
    value: 0,
    source: "MemoryDB Developer Guide, Minimizing downtime in MemoryDB with Multi-AZ: writes are stored in a Multi-AZ transaction log before they are acknowledged, and a failover goes to a consistent replica, so no data is lost",
    confidence: "A",
  },
  memorydbInRegionFailover: {
    ref: "memorydb-multi-az",
    value: 30,
    floor: 5,
    source: "MemoryDB Developer Guide, Minimizing downtime in MemoryDB with Multi-AZ: the primary role fails over to a replica automatically; no duration is published (estimate, as for ElastiCache)",
    confidence: "E",
  },
  arcTriggerStart: {
    ref: "arc-region-switch-triggers",
    value: 60,
    floor: 0,
    source: "ARC Region switch, Trigger: a trigger executes the plan once its alarm conditions are met; no latency from the alarm's ALARM state to the execution's start is published (estimate)",
    confidence: "E",
    note: "Measure it: each plan execution records its own start and recovery time.",
  },
  arcCustomAction: {
    ref: "arc-region-switch-blocks",
    value: 60,
    source: "ARC Region switch, Custom action Lambda execution block: runs your function (for example a datastore failover); its duration is the function's, bounded by the block's timeout; none is published (estimate)",
    confidence: "E",
  },
  arcScalingBlock: {
    ref: "arc-region-switch-blocks",
    value: 30,
    source: "ARC Region switch, EKS resource scaling / EC2 Auto Scaling / ECS execution blocks: the block waits until the target share of capacity runs; with capacity already provisioned that is one check (estimate; add node provisioning when it must scale)",
    confidence: "E",
  },
  arcRoutingBlock: {
    ref: "arc-region-switch-blocks",
    value: 30,
    source: "ARC Region switch, Route 53 health check and ARC routing control execution blocks: a data-plane state change plus the health check's evaluation; no duration is published (estimate)",
    confidence: "E",
  },
  globalDbRpoMinimum: { ref: "aurora-global-dr", value: 20, source: `${AURORA_DR}, Managing RPOs for Aurora PostgreSQL: rds.global_db_rpo 20..2147483647 s`, confidence: "A" },
} as const satisfies Record<string, TimingConstant>;

export const SLAS = {
  elb: { ref: "sla-elb", value: 0.9999, scope: "per load balancer, Multi-AZ", source: "Elastic Load Balancing SLA (2022-07-25)", confidence: "A" },
  ec2Region: { ref: "sla-compute", value: 0.9999, scope: "instances spread over >= 2 AZs", source: "Amazon Compute SLA", confidence: "A" },
  auroraMultiAz: { ref: "sla-aurora", value: 0.9999, scope: "Aurora cluster with instances in >= 2 AZs", source: "Amazon Aurora SLA (2022-05-19)", confidence: "A" },
  auroraSingleAz: { ref: "sla-aurora", value: 0.999, scope: "Aurora cluster in one AZ", source: "Amazon Aurora SLA (2022-05-19)", confidence: "A" },
  elasticacheMultiAz: { ref: "sla-elasticache", value: 0.9999, scope: "Valkey/Redis OSS Multi-AZ", source: "Amazon ElastiCache SLA", confidence: "A" },
  elasticacheSingleAz: { ref: "sla-elasticache", value: 0.995, scope: "single-AZ configuration", source: "Amazon ElastiCache SLA", confidence: "A" },
  globalAccelerator: { ref: "sla-global-accelerator", value: 0.9999, scope: "per accelerator, Multi-AZ", source: "AWS Global Accelerator SLA (2022-05-19)", confidence: "A" },
  route53: { ref: "sla-route53", value: 1, scope: "DNS query answering only", source: "Amazon Route 53 SLA", confidence: "A" },
  dsqlMultiRegion: { ref: "dsql-what-is", value: 0.99999, scope: "Aurora DSQL multi-Region cluster (designed availability)", source: "Aurora DSQL User Guide, What is Aurora DSQL: 99.99 % single-Region and 99.999 % multi-Region availability", confidence: "A" },
  dsqlSingleRegion: { ref: "dsql-what-is", value: 0.9999, scope: "Aurora DSQL single-Region cluster (designed availability)", source: "Aurora DSQL User Guide, What is Aurora DSQL: 99.99 % single-Region availability", confidence: "A" },
  memorydbMultiRegion: { ref: "memorydb-multi-region", value: 0.99999, scope: "MemoryDB Multi-Region (\"up to\", designed availability)", source: "MemoryDB Developer Guide, MemoryDB Multi-Region: up to 99.999 % availability", confidence: "A" },
  memorydbRegional: { ref: "project-estimates", value: 0.9999, scope: "one MemoryDB Multi-AZ cluster (no single-Region figure found: the ElastiCache Multi-AZ SLA stands in)", source: "project estimate: MemoryDB publishes 99.999 % for Multi-Region only; a Regional member is taken at the ElastiCache Multi-AZ SLA", confidence: "E" },
  rdsSingleAz: { ref: "sla-rds", value: 0.995, scope: "RDS Single-AZ DB instance", source: "Amazon RDS SLA: 99.5 % for a Single-AZ instance", confidence: "A" },
  rdsMultiAz: { ref: "sla-rds", value: 0.9995, scope: "RDS Multi-AZ DB instance", source: "Amazon RDS SLA: 99.95 % for a Multi-AZ instance", confidence: "A" },
  eksControlPlane: { ref: "sla-eks", value: 0.9995, scope: "Kubernetes API endpoint (control path, not the data path)", source: "Amazon EKS SLA (2022-05-04)", confidence: "A" },
} as const satisfies Record<string, SlaConstant>;

export const EVENTS = {
  regionEventsPerYear: {
    ref: "aws-post-event-summaries",
    value: 0.56,
    source: "AWS post-event summaries 2017-2025 (aws.amazon.com/premiumsupport/technology/pes): 5 published us-east-1 events in ~9 years",
    confidence: "A",
    note: "Only public, widespread events: a floor, not a forecast.",
  },
} as const;

/** Seconds in an average (Julian) year, the base of the per-year downtime terms. */
export const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/** Control planes a drill step depends on, to flag in timelines (data-plane paths need none). */
export const CONTROL_PLANES = {
  globalAccelerator: { ref: "ga-api", region: "us-west-2", source: "Global Accelerator API reference: all create/update calls go to us-west-2" },
  route53: { ref: "route53-resilience", region: "us-east-1", source: "Route 53 resilience docs: record changes are control-plane calls in us-east-1" },
} as const;

export type TimingKey = keyof typeof TIMINGS;
export type SlaKey = keyof typeof SLAS;

/** `"Aurora ... [A]"`: how JSON and Markdown cite a constant (the terminal prints `ref` and the tag). */
export function cite(key: TimingKey): string {
  const c: TimingConstant = TIMINGS[key];
  return `${c.source} [${c.confidence}]`;
}

// ------------------------------------------------------------------------------------------------
// Drill-only timings (owned by drills/; kept apart from TIMINGS so the analysis model can change
// independently). The drill simulator and the cloud model used by the drill tests read these.
// ------------------------------------------------------------------------------------------------

export const DRILL_TIMINGS = {
  route53ChangePropagation: {
    ref: "route53-faq",
    value: 60,
    floor: 0,
    source: "Route 53 FAQ: record changes are designed to reach every authoritative server \"within 60 seconds under normal conditions\"; GetChange reports INSYNC then",
    confidence: "A-w",
    note: "Resolvers keep the old answer for up to the record TTL after INSYNC.",
  },
  auroraGlobalVerification: {
    ref: "rds-failover-state",
    value: 10,
    source: "RDS API Reference, FailoverState: `pending` while the primary and the chosen secondary are verified; no duration is published",
    confidence: "E",
  },
  auroraSwitchoverUnreachablePrimary: {
    ref: "aws-crossregion-failover-sample",
    value: 300,
    source: "AWS guidance (aws-solutions-library-samples crossregion-failover issue #9): in a real outage a switchover \"will fail and ... could take some time to return an error\"; no figure",
    confidence: "E",
  },
  auroraOldPrimaryRebuild: {
    ref: "aurora-global-dr",
    value: 1800,
    source: `${AURORA_DR}: rebuilding the other secondaries after a failover takes "a few minutes to several hours"`,
    confidence: "A",
  },
} as const satisfies Record<string, TimingConstant>;

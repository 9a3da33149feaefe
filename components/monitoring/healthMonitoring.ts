import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionalDataStores, RegionalEndpoint } from "../contracts";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import type { RegionMonitoringTopology } from "../topology";
import { alarmRef, anyOf, atLeast, azLossThreshold } from "./alarmRules";
import { MetricAlarmFactory } from "./metricAlarms";

export interface HealthMonitoringArgs {
  /** The region; the caller's provider (via `opts.providers`) must point there too. */
  readonly region: string;
  readonly stack: string;
  /** This region's ALB and target group (CloudWatch dimensions come from the ARN suffixes). */
  readonly endpoint: RegionalEndpoint;
  /** The cell's AZs; one healthy-host alarm per entry (the length is plain, names may be Outputs). */
  readonly availabilityZones: pulumi.Input<string>[];
  /** p99 `TargetResponseTime` budget in milliseconds. */
  readonly latencyP99Ms: number;
  /** 5xx share of requests, in percent, that makes the region unhealthy. */
  readonly error5xxPercent: number;
  /** Healthy targets an AZ needs to count as serving. @default 1 */
  readonly minHealthyHostsPerAz?: number;
  /** The region-loss RPO objective; replication lag above it puts data at risk. */
  readonly rpoSeconds: number;
  /**
   * This region's Aurora cluster and Redis replication group. Without it the lag alarms and the
   * data-at-risk composite are not created.
   * @default - no data-tier alarms
   */
  readonly dataStores?: RegionalDataStores;
  /** Nodes in the region's replication group (`<id>-001`..), to find the node that reports lag. @default 2 */
  readonly sessionNodeCount?: number;
  /** Alarm period in seconds (a multiple of 60 so Route 53 can read the routing alarm). @default 60 */
  readonly periodSeconds?: number;
  /** Breaching periods before an alarm fires. @default 3 */
  readonly evaluationPeriods?: number;
  /** AZs the cell is sized to lose while still serving. @default 1 */
  readonly toleratedAzLosses?: number;
  /** E-mail subscribed to the topic (the recipient must confirm). @default - no subscription */
  readonly alarmEmail?: string;
  /** Further subscribers of the topic (on-call webhook, queue, function). @default [] */
  readonly alarmSubscriptions?: readonly { readonly protocol: "https" | "sqs" | "lambda"; readonly endpoint: string }[];
  /**
   * The Aurora engine: `AuroraGlobalDBRPOLag` exists for Aurora PostgreSQL only, so MySQL stacks
   * alarm on the replication lag alone. @default "aurora-postgresql"
   */
  readonly auroraEngine?: "aurora-postgresql" | "aurora-mysql";
}

/**
 * AWS Health events about RDS in this region: scheduled changes (required minor-version upgrades,
 * end of standard support, maintenance) and account notifications reach the alarm topic, so a
 * patch a global database needs is seen before AWS applies it (AWS Health User Guide, "Monitoring
 * AWS Health events with Amazon EventBridge"; docs/runbooks/engine-patching.md).
 */
export const RDS_HEALTH_EVENT_PATTERN = {
  source: ["aws.health"],
  "detail-type": ["AWS Health Event"],
  detail: { service: ["RDS"], eventTypeCategory: ["scheduledChange", "accountNotification", "issue"] },
};

/**
 * AWS Backup jobs of this region that did not finish: a backup, a cross-region copy or a restore
 * (restore tests included). Backup and copy events carry `state`, restore events `status` (AWS
 * Backup Developer Guide, "Monitoring AWS Backup events using Amazon EventBridge"), hence `$or`.
 */
export const BACKUP_FAILURE_EVENT_PATTERN = {
  source: ["aws.backup"],
  "detail-type": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
  detail: { $or: [{ state: ["FAILED", "ABORTED", "EXPIRED"] }, { status: ["FAILED", "ABORTED"] }] },
};

/** EventBridge rules that notify the alarm topic, by logical role. */
const TOPIC_RULES = { "rds-health-events": RDS_HEALTH_EVENT_PATTERN, "backup-job-failures": BACKUP_FAILURE_EVENT_PATTERN } as const;

/**
 * "Cascading" health of one region: not just up, but within its latency, error, capacity and
 * replication budgets. Metric alarms roll up into two composites, `region-unhealthy` (serving) and
 * `data-at-risk` (replication lag), which notify a KMS-encrypted SNS topic. A separate
 * single-metric `routing` alarm is what a Route 53 CLOUDWATCH_METRIC health check can read.
 */
export class HealthMonitoring extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly regionUnhealthyAlarmName: pulumi.Output<string>;
  public readonly dataAtRiskAlarmName: pulumi.Output<string> | undefined;
  /** Route 53-readable: standard statistic, single metric, standard resolution. */
  public readonly routingAlarmName: pulumi.Output<string>;
  public readonly topology: pulumi.Output<RegionMonitoringTopology>;

  constructor(name: string, args: HealthMonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:monitoring:HealthMonitoring", name, {}, opts);

    const minHealthyHosts = args.minHealthyHostsPerAz ?? 1;
    const sessionNodeCount = args.sessionNodeCount ?? 2;
    const periodSeconds = args.periodSeconds ?? 60;
    const evaluationPeriods = args.evaluationPeriods ?? 3;
    const toleratedAzLosses = args.toleratedAzLosses ?? 1;
    const azCount = args.availabilityZones.length;
    if (periodSeconds < 60 || periodSeconds % 60 !== 0) {
      throw new Error(`HealthMonitoring ${name}: periodSeconds is ${periodSeconds}; use a multiple of 60 (Route 53 reads standard-resolution alarms only)`);
    }
    if (azCount < 1) throw new Error(`HealthMonitoring ${name}: availabilityZones is empty`);
    const latencySeconds = args.latencyP99Ms / 1000;
    const nameOf = (role: string) => physicalName({ stack: args.stack, region: args.region, role }, 255);
    const parent = { parent: this };

    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);
    const ruleNames = Object.keys(TOPIC_RULES).map((role) => physicalName({ stack: args.stack, region: args.region, role }, 64));
    // Known before the rules exist, so the key policy (which the topic needs first) can name them.
    const ruleArns = pulumi.all([partition.partition, identity.accountId])
      .apply(([part, account]) => ruleNames.map((rule) => `arn:${part}:events:${args.region}:${account}:rule/${rule}`));
    const key = new aws.kms.Key(`${name}-topic-key`, {
      description: `Encrypts the ${args.region} alarm topic of stack ${args.stack}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.all([identity.accountId, partition.partition, ruleArns]).apply(([account, part, arns]) =>
        topicKeyPolicy(part, account, args.region, arns)),
      tags: tierTags("monitoring", nameOf("alarm-topic-key")),
    }, parent);
    const topicName = nameOf("alarms");
    const topic = new aws.sns.Topic(`${name}-topic`, {
      name: topicName,
      kmsMasterKeyId: key.arn,
      tags: tierTags("monitoring", topicName),
    }, parent);
    if (args.alarmEmail) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail }, parent);
    }
    (args.alarmSubscriptions ?? []).forEach((sub, i) => {
      new aws.sns.TopicSubscription(`${name}-subscription-${i + 1}`, { topic: topic.arn, protocol: sub.protocol, endpoint: sub.endpoint }, parent);
    });
    const rules = Object.entries(TOPIC_RULES).map(([role, pattern], i) => {
      const rule = new aws.cloudwatch.EventRule(`${name}-${role}`, {
        name: ruleNames[i],
        description: role === "rds-health-events"
          ? "AWS Health scheduled changes and notices for RDS (minor-version patching of the global database)"
          : "AWS Backup backup, copy and restore jobs that failed, were aborted or expired",
        eventPattern: JSON.stringify(pattern),
        tags: tierTags("monitoring", ruleNames[i]),
      }, parent);
      new aws.cloudwatch.EventTarget(`${name}-${role}-topic`, { rule: rule.name, arn: topic.arn }, parent);
      return rule;
    });
    new aws.sns.TopicPolicy(`${name}-topic-policy`, {
      arn: topic.arn,
      policy: pulumi.all([topic.arn, ruleArns, identity.accountId]).apply(([topicArn, arns, account]) => topicPolicy(topicArn, arns, account)),
    }, { parent: this, dependsOn: rules });

    const alarms = new MetricAlarmFactory(name, this, { periodSeconds, evaluationPeriods, nameOf });
    const lb = { LoadBalancer: args.endpoint.albArnSuffix };

    const latencyP99 = alarms.single("latency-p99", {
      description: `p99 target response time above ${args.latencyP99Ms} ms`,
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: lb,
      extendedStatistic: "p99",
      comparisonOperator: "GreaterThanThreshold",
      threshold: latencySeconds,
      treatMissingData: "notBreaching",
      // Few requests make a noisy p99; wait for a meaningful sample instead of flapping.
      evaluateLowSampleCountPercentiles: "ignore",
    });
    const errorRate = alarms.math("error-rate", {
      description: `ALB and target 5xx above ${args.error5xxPercent} % of requests`,
      threshold: args.error5xxPercent,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      // ELB 5xx are counted in the denominator too: when no target can be chosen, RequestCount
      // stays flat while HTTPCode_ELB_5XX_Count rises, and the rate must still reach 100 %.
      expression: "100 * (FILL(t5xx, 0) + FILL(e5xx, 0)) / (FILL(req, 0) + FILL(e5xx, 0))",
      metrics: {
        t5xx: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum", dimensions: lb },
        e5xx: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", stat: "Sum", dimensions: lb },
        req: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", stat: "Sum", dimensions: lb },
      },
    });
    const hostAlarms = args.availabilityZones.map((az, i) => alarms.single(`healthy-hosts-az${i + 1}`, {
      description: `fewer than ${minHealthyHosts} healthy targets in AZ ${i + 1}`,
      namespace: "AWS/ApplicationELB",
      metricName: "HealthyHostCount",
      dimensions: { AvailabilityZone: az, TargetGroup: args.endpoint.targetGroupArnSuffix, LoadBalancer: args.endpoint.albArnSuffix },
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: minHealthyHosts,
      // The ALB reports this every minute while the target group exists; silence means trouble.
      treatMissingData: "breaching",
      notify: topic.arn,
    }));
    // Route 53 cannot read percentiles, metric math or composites; a mean above the p99 budget
    // is a coarser but readable "up yet too slow" signal.
    const routing = alarms.single("routing-latency", {
      description: `mean target response time above the ${args.latencyP99Ms} ms p99 budget (read by Route 53)`,
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: lb,
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: latencySeconds,
      treatMissingData: "notBreaching",
    });

    const lagAlarms = args.dataStores ? dataLagAlarms(alarms, args.dataStores, args.rpoSeconds, sessionNodeCount, args.auroraEngine ?? "aurora-postgresql") : undefined;

    const hostLossAt = azLossThreshold(azCount, toleratedAzLosses);
    const regionUnhealthy = new aws.cloudwatch.CompositeAlarm(`${name}-region-unhealthy`, {
      alarmName: nameOf("region-unhealthy"),
      alarmDescription: `Region ${args.region} cannot serve within budget: p99 latency, 5xx rate, or healthy hosts lost in ${hostLossAt} of ${azCount} AZs`,
      alarmRule: pulumi.all([latencyP99.name, errorRate.name, pulumi.all(hostAlarms.map((a) => a.name))]).apply(([l, e, hosts]) =>
        anyOf([alarmRef(l), alarmRef(e), atLeast(hostLossAt, hosts)])),
      alarmActions: [topic.arn],
      okActions: [topic.arn],
      tags: tierTags("monitoring", nameOf("region-unhealthy")),
    }, parent);
    const dataAtRisk = lagAlarms
      ? new aws.cloudwatch.CompositeAlarm(`${name}-data-at-risk`, {
        alarmName: nameOf("data-at-risk"),
        alarmDescription: `Replication into ${args.region} lags beyond the ${args.rpoSeconds} s region-loss RPO`,
        alarmRule: pulumi.all(Object.values(lagAlarms).map((a) => a.name)).apply((names) => anyOf(names.map(alarmRef))),
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        tags: tierTags("monitoring", nameOf("data-at-risk")),
      }, parent)
      : undefined;

    this.topicArn = topic.arn;
    this.regionUnhealthyAlarmName = regionUnhealthy.alarmName;
    this.dataAtRiskAlarmName = dataAtRisk?.alarmName;
    this.routingAlarmName = routing.name;
    const named: Record<string, pulumi.Output<string>> = {
      latencyP99: latencyP99.name,
      error5xxRate: errorRate.name,
      routingLatency: routing.name,
      ...Object.fromEntries(hostAlarms.map((a, i) => [`healthyHosts.az${i + 1}`, a.name])),
      ...Object.fromEntries(Object.entries(lagAlarms ?? {}).map(([role, a]) => [role, a.name])),
    };
    this.topology = pulumi.all([topic.arn, regionUnhealthy.alarmName, dataAtRisk?.alarmName, routing.name, pulumi.all(named)])
      .apply(([topicArn, unhealthy, atRisk, routingName, names]): RegionMonitoringTopology => ({
        topicArn,
        regionUnhealthyAlarm: unhealthy,
        ...(atRisk ? { dataAtRiskAlarm: atRisk } : {}),
        routingAlarm: routingName,
        alarms: names,
        periodSeconds,
        evaluationPeriods,
        thresholds: {
          latencyP99Seconds: latencySeconds,
          error5xxPercent: args.error5xxPercent,
          minHealthyHostsPerAz: minHealthyHosts,
          replicationLagSeconds: args.rpoSeconds,
        },
      }));
    this.registerOutputs({ topicArn: this.topicArn, regionUnhealthyAlarmName: this.regionUnhealthyAlarmName, routingAlarmName: this.routingAlarmName });
  }
}

/**
 * Lag alarms exist in every region, whichever is the writer: the metrics only have data on a
 * secondary, and creating them everywhere keeps the program unchanged by a switchover.
 *
 * Aurora publishes `AuroraGlobalDBReplicationLag` (both engines) and `AuroraGlobalDBRPOLag`
 * (Aurora PostgreSQL only) in milliseconds, from each secondary cluster, in the secondary's region
 * (Aurora User Guide, "Cluster-level metrics for Amazon Aurora" and "Monitoring an Amazon Aurora
 * global database"). Consoles and AWS samples show them under `DBClusterIdentifier` and also
 * under `SourceRegion`; a plain metric alarm must name the exact dimension set, and with
 * `notBreaching` a set the service does not publish is silent for ever. A Metrics Insights query
 * `FROM "AWS/RDS"` (not `SCHEMA(...)`) matches the metric regardless of its dimensions and returns
 * one aggregated series (CloudWatch User Guide, "Query components and syntax in CloudWatch Metrics
 * Insights"); the WHERE on this cluster's identifier keeps it to this cluster, so the alarm sees
 * the lag whichever set AWS publishes it under.
 */
function dataLagAlarms(alarms: MetricAlarmFactory, data: RegionalDataStores, rpoSeconds: number, nodes: number, engine: "aurora-postgresql" | "aurora-mysql"): Record<string, aws.cloudwatch.MetricAlarm> | undefined {
  // Only the single-writer kinds replicate to a secondary that can fall behind; Aurora DSQL
  // commits synchronously across Regions, and MemoryDB Multi-Region lag is per region pair.
  const result: Record<string, aws.cloudwatch.MetricAlarm> = {};
  if (data.databaseKind === "aurora-global") Object.assign(result, auroraLagAlarms(alarms, data, rpoSeconds, engine));
  if (data.sessionStoreKind === "elasticache-global") Object.assign(result, { redisReplicationLag: redisLagAlarm(alarms, data, rpoSeconds, nodes) });
  return Object.keys(result).length > 0 ? result : undefined;
}

function auroraLagAlarms(alarms: MetricAlarmFactory, data: RegionalDataStores, rpoSeconds: number, engine: "aurora-postgresql" | "aurora-mysql"): Record<string, aws.cloudwatch.MetricAlarm> {
  const aurora = (role: string, metricName: string) => alarms.insights(role, {
    description: `${metricName} above the ${rpoSeconds} s region-loss RPO`,
    query: pulumi.output(data.auroraClusterIdentifier).apply((id) => auroraLagQuery(metricName, id!)),
    threshold: rpoSeconds * 1000, // both metrics are in milliseconds
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  });
  return {
    ...(engine === "aurora-postgresql" ? { auroraRpoLag: aurora("aurora-rpo-lag", "AuroraGlobalDBRPOLag") } : {}),
    auroraReplicationLag: aurora("aurora-replication-lag", "AuroraGlobalDBReplicationLag"),
  };
}

function redisLagAlarm(alarms: MetricAlarmFactory, data: RegionalDataStores, rpoSeconds: number, nodes: number): aws.cloudwatch.MetricAlarm {
  // The lag is reported by the node that is primary in this region, which moves on an in-region
  // failover, so take the maximum over every member cluster (`<group>-001`, `-002`, ...).
  const members = Object.fromEntries(Array.from({ length: nodes }, (_, i) => [
    `n${i + 1}`,
    {
      namespace: "AWS/ElastiCache",
      metricName: "GlobalDatastoreReplicationLag",
      stat: "Maximum",
      dimensions: { CacheClusterId: pulumi.interpolate`${data.replicationGroupId}-${String(i + 1).padStart(3, "0")}` },
    },
  ]));
  return alarms.math("redis-replication-lag", {
    description: `GlobalDatastoreReplicationLag above the ${rpoSeconds} s region-loss RPO`,
    threshold: rpoSeconds, // this metric is in seconds
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    expression: `MAX([${Object.keys(members).join(", ")}])`,
    metrics: members,
  });
}

/** One series: the largest lag any dimension set of this cluster reports. */
export function auroraLagQuery(metricName: string, clusterIdentifier: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(clusterIdentifier)) throw new Error(`not an RDS cluster identifier: ${clusterIdentifier}`);
  return `SELECT MAX(${metricName}) FROM "AWS/RDS" WHERE DBClusterIdentifier = '${clusterIdentifier}'`;
}

/**
 * The account administers the key. CloudWatch alarms and the stack's event rules may encrypt messages
 * to the topic with it, and only on this account's behalf: `aws:SourceAccount` and `aws:SourceArn`
 * (this region's alarms, the named rules) stop another account's alarm or rule from using the key
 * through the service (confused deputy;
 * SNS Developer Guide, "Enable compatibility between event sources from AWS services and
 * encrypted topics"; IAM User Guide, "The confused deputy problem").
 */
export function topicKeyPolicy(partition: string, account: string, region: string, ruleArns: string[]): string {
  const use = ["kms:Decrypt", "kms:GenerateDataKey*"];
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchAlarmsOfThisAccountPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: use,
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      },
      {
        Sid: "OwnEventRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: use,
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account }, ArnEquals: { "aws:SourceArn": ruleArns } },
      },
    ],
  });
}

/** Who may publish to the topic: this account (its alarms, as in the default policy) and the stack's own event rules. */
export function topicPolicy(topicArn: string, ruleArns: string[], account: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountOwnsTopic",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic"],
        Resource: topicArn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
      {
        Sid: "OwnEventRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
      },
    ],
  });
}

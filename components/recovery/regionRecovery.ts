import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/parse";
import { alarmRef } from "../monitoring/alarmRules";
import { createLogGroupKey } from "../monitoring/logEncryption";
import { physicalName } from "../naming";
import * as aws from "../sdk/aws";
import { tierTags } from "../tags";
import { lambdaArchive } from "./bundle";
import { dataKindsOf, type DataKinds } from "./kinds";
import { METRIC_NAMESPACE, PROBE_METRIC, type ProbeTarget } from "./lambdas/probe";
import { lostAlarmKey, planTriggers, planWorkflows, type PlanRegion } from "./planDocument";

/**
 * Recovery on AWS's own orchestrator, derived from the same config and tiers as the rest of the
 * stack (docs/components/recovery.md has every field's source):
 * - an ARC Region switch plan with a deactivate workflow per region (scale the survivor, promote
 *   the single-writer database, move sessions and dials) and an activate workflow (dial back),
 *   run by an execution role that can touch only this stack's resources;
 * - triggers on alarms evaluated OUTSIDE the region they judge: a probe Lambda in each region
 *   checks every other region's entry and regional AWS API; both must fail for the same
 *   consecutive minutes (composite AND) before the plan runs, and runs are spaced by a minimum delay;
 * - the cascading-health drain: a region over its latency/5xx budget loses its dial, with
 *   hysteresis, never below one healthy region;
 * - paging from the surviving region (the probe alarms notify the observer region's topic);
 * - zonal autoshift with practice runs on every ALB and EKS cluster.
 */

export interface RecoveryRegionInput {
  readonly region: string;
  readonly provider: aws.Provider;
  readonly albArn: pulumi.Input<string>;
  readonly albArnSuffix: pulumi.Input<string>;
  readonly albDnsName: pulumi.Input<string>;
  readonly healthPath: string;
  readonly https: boolean;
  readonly clusterName: pulumi.Input<string>;
  readonly availabilityZones: pulumi.Input<string>[];
  readonly auroraClusterArn?: pulumi.Input<string>;
  readonly replicationGroupId?: pulumi.Input<string>;
  readonly endpointGroupArn?: pulumi.Input<string>;
  /** The region's alarm topic (HealthMonitoring): pages from here survive the other region. */
  readonly topicArn?: pulumi.Input<string>;
  /** The region's "cannot serve within budget" composite alarm: blocks autoshift practice runs. */
  readonly unhealthyAlarmName?: pulumi.Input<string>;
}

export interface RegionRecoveryArgs {
  readonly config: StackConfig;
  readonly stack: string;
  readonly regions: RecoveryRegionInput[];
  readonly globalClusterIdentifier?: pulumi.Input<string>;
  readonly globalReplicationGroupId?: pulumi.Input<string>;
  /** The provider the plan and IAM are declared through (the writer region's). */
  readonly planProvider: aws.Provider;
}

export interface RecoveryTopology {
  readonly planArn?: string;
  readonly planName?: string;
  readonly recoveryApproach?: string;
  readonly automaticTriggers: boolean;
  readonly ungracefulDatabaseFailover: "approval" | "automatic";
  readonly approvalRoleArn?: string;
  /** Region -> composite alarm ARN that judges it from outside. */
  readonly lostAlarms: Record<string, string>;
  readonly zonalAutoshift: Record<string, string[]>;
  readonly probeFailureMinutes: number;
  readonly minMinutesBetweenExecutions: number;
}

const LAMBDA_RUNTIME = "nodejs22.x";
/** Days the recovery functions' logs are kept (the same as the other functions of the stack). */
const LOG_RETENTION_DAYS = 90;
/** Seconds the session failover may wait for ElastiCache (global datastore promotion is minutes). */
const SESSION_WAIT_SECONDS = 600;

export class RegionRecovery extends pulumi.ComponentResource {
  public readonly planArn?: pulumi.Output<string>;
  public readonly executionRoleArn?: pulumi.Output<string>;
  public readonly topology: pulumi.Output<RecoveryTopology>;

  constructor(name: string, args: RegionRecoveryArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:recovery:RegionRecovery", name, {}, opts);
    const { config, stack } = args;
    const rec = config.recovery;
    const kinds = dataKindsOf(config);
    const dials = config.routing.mode === "accelerator" && args.regions.every((r) => r.endpointGroupArn);
    const account = aws.getCallerIdentityOutput({}, { parent: this, provider: args.planProvider }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this, provider: args.planProvider }).partition;
    const nameOf = (role: string, region?: string, max = 63) => physicalName({ stack, region, role }, max);
    const endpointGroups = pulumi.all(Object.fromEntries(args.regions.filter((r) => r.endpointGroupArn).map((r) => [r.region, r.endpointGroupArn!])));
    const alarmArn = (region: string, alarm: pulumi.Input<string>) => pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarm}`;

    // ---- Functions: one copy per region, each with its own least-privilege role ----
    const fn = (region: RecoveryRegionInput, role: string, source: Parameters<typeof lambdaArchive>[0], env: Record<string, pulumi.Input<string>>, statements: pulumi.Input<object[]>, timeout: number) => {
      const fname = nameOf(role, region.region, 64);
      const parent = { parent: this, provider: region.provider };
      // Its own log group under its own customer key (components/monitoring/logEncryption.ts), declared
      // here so retention and encryption are ours, not the group Lambda would create on first write.
      const logGroupName = `/aws/lambda/${fname}`;
      const logKey = createLogGroupKey(`${name}-${region.region}-${role}-logs-key`, {
        region: region.region,
        logGroupName,
        description: `Encrypts the logs of ${fname}`,
        tags: tierTags("monitoring", nameOf(`${role}-logs-key`, region.region, 255)),
      }, parent);
      const logGroup = new aws.cloudwatch.LogGroup(`${name}-${region.region}-${role}-logs`, {
        name: logGroupName,
        retentionInDays: LOG_RETENTION_DAYS,
        kmsKeyId: logKey.arn,
        tags: tierTags("monitoring", fname),
      }, parent);
      const iamRole = new aws.iam.Role(`${name}-${region.region}-${role}-role`, {
        name: nameOf(`${role}-fn`, region.region, 64),
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        tags: tierTags("monitoring", fname),
      }, parent);
      const policy = new aws.iam.RolePolicy(`${name}-${region.region}-${role}-policy`, {
        role: iamRole.id,
        policy: pulumi.all([statements, logGroup.arn]).apply(([s, logArn]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [...(s as object[]), { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logArn}:*` }],
          })),
      }, parent);
      return new aws.lambda.Function(`${name}-${region.region}-${role}`, {
        name: fname,
        description: `ha-blueprint ${stack}: ${role} (components/recovery/lambdas/${source}.ts)`,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        handler: "index.handler",
        code: lambdaArchive(source),
        role: iamRole.arn,
        timeout,
        memorySize: 256,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        environment: { variables: { SELF_REGION: region.region, ...env } },
        tags: tierTags("monitoring", fname),
      }, { ...parent, dependsOn: [logGroup, policy] });
    };
    const gaStatements = endpointGroups.apply((groups) => [
      { Effect: "Allow", Action: ["globalaccelerator:DescribeEndpointGroup", "globalaccelerator:UpdateEndpointGroup"], Resource: Object.values(groups) },
    ]);

    const regional: Record<string, { dialActivate?: aws.lambda.Function; dialDeactivate?: aws.lambda.Function; sessions?: aws.lambda.Function; lostAlarm?: aws.cloudwatch.CompositeAlarm }> = {};
    for (const r of args.regions) regional[r.region] = {};

    if (rec.enabled && dials) {
      for (const r of args.regions) {
        const env = { ENDPOINT_GROUPS: endpointGroups.apply((g) => JSON.stringify(g)) };
        regional[r.region].dialActivate = fn(r, "dial-activate", "trafficDial", { ...env, DIAL_ACTION: "activate" }, gaStatements, 60);
        regional[r.region].dialDeactivate = fn(r, "dial-deactivate", "trafficDial", { ...env, DIAL_ACTION: "deactivate" }, gaStatements, 60);
      }
    }
    if (rec.enabled && kinds.sessionFailover && args.globalReplicationGroupId) {
      const grg = args.globalReplicationGroupId;
      for (const r of args.regions) {
        const statements = pulumi.all([partition, account, grg, pulumi.all(args.regions.map((x) => pulumi.all([x.region, x.replicationGroupId ?? ""])))]).apply(([p, acct, id, groups]) => [
          { Effect: "Allow", Action: ["elasticache:DescribeGlobalReplicationGroups"], Resource: "*" },
          {
            Effect: "Allow",
            Action: ["elasticache:FailoverGlobalReplicationGroup"],
            Resource: [`arn:${p}:elasticache::${acct}:globalreplicationgroup:${id}`, ...groups.filter(([, g]) => g).map(([reg, g]) => `arn:${p}:elasticache:${reg}:${acct}:replicationgroup:${g}`)],
          },
        ]);
        regional[r.region].sessions = fn(r, "session-failover", "sessionFailover", { GLOBAL_REPLICATION_GROUP_ID: grg, WAIT_SECONDS: String(SESSION_WAIT_SECONDS) }, statements, SESSION_WAIT_SECONDS + 60);
      }
    }

    // ---- Outside-region judgement: each region probes the others; both signals must fail ----
    if (rec.enabled) {
      for (const observer of args.regions) {
        const others = args.regions.filter((r) => r.region !== observer.region);
        const parent = { parent: this, provider: observer.provider };
        const targets = pulumi.all(others.map((t) => pulumi.all([t.albDnsName, pulumi.all(t.availabilityZones)]).apply(([dns, azs]): ProbeTarget => ({
          region: t.region,
          url: `${t.https ? "https" : "http"}://${dns}${t.healthPath.startsWith("/") ? "" : "/"}${t.healthPath}`,
          availabilityZones: azs,
        }))));
        const probe = fn(observer, "probe", "probe", { PROBE_TARGETS: targets.apply((t) => JSON.stringify(t)) }, [
          { Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } } },
          // DescribeAvailabilityZones has no resource-level permissions (Service Authorization Reference, EC2).
          { Effect: "Allow", Action: ["ec2:DescribeAvailabilityZones"], Resource: "*" },
        ], 30);
        const schedule = new aws.cloudwatch.EventRule(`${name}-${observer.region}-probe-schedule`, {
          name: nameOf("recovery-probe", observer.region, 64),
          description: `Probe the other regions of ${stack} from ${observer.region} every minute`,
          scheduleExpression: "rate(1 minute)",
          tags: tierTags("monitoring", nameOf("recovery-probe", observer.region)),
        }, parent);
        new aws.cloudwatch.EventTarget(`${name}-${observer.region}-probe-target`, { rule: schedule.name, arn: probe.arn }, parent);
        new aws.lambda.Permission(`${name}-${observer.region}-probe-invoke`, { action: "lambda:InvokeFunction", function: probe.name, principal: "events.amazonaws.com", sourceArn: schedule.arn }, parent);

        for (const target of others) {
          const signal = (probeKind: "entry" | "regional-api") =>
            new aws.cloudwatch.MetricAlarm(`${name}-${observer.region}-judges-${target.region}-${probeKind}`, {
              name: nameOf(`${target.region}-${probeKind}-from-outside`, observer.region, 255),
              alarmDescription: `${target.region}'s ${probeKind === "entry" ? "load balancer health path" : "regional EC2 API"} failed every probe from ${observer.region} for ${rec.probeFailureMinutes} min`,
              namespace: METRIC_NAMESPACE,
              metricName: PROBE_METRIC,
              dimensions: { TargetRegion: target.region, Probe: probeKind },
              statistic: "Maximum",
              period: 60,
              evaluationPeriods: rec.probeFailureMinutes,
              datapointsToAlarm: rec.probeFailureMinutes,
              comparisonOperator: "LessThanThreshold",
              threshold: 1,
              // No datapoint = no observed failure (throttled, inconclusive, or the probe itself down).
              treatMissingData: "notBreaching",
              ...(observer.topicArn ? { alarmActions: [observer.topicArn], okActions: [observer.topicArn] } : {}),
              tags: tierTags("monitoring", nameOf(`${target.region}-${probeKind}`, observer.region)),
            }, parent);
          const entry = signal("entry");
          const api = signal("regional-api");
          regional[target.region].lostAlarm = new aws.cloudwatch.CompositeAlarm(`${name}-${observer.region}-judges-${target.region}-lost`, {
            alarmName: nameOf(`${target.region}-lost`, observer.region, 255),
            alarmDescription: `${target.region} is lost as seen from ${observer.region}: its entry AND its regional API failed for ${rec.probeFailureMinutes} consecutive minutes. Cannot tell a partition between the two regions from a loss of ${target.region}.`,
            alarmRule: pulumi.all([entry.name, api.name]).apply(([e, a]) => `${alarmRef(e)} AND ${alarmRef(a)}`),
            ...(observer.topicArn ? { alarmActions: [observer.topicArn], okActions: [observer.topicArn] } : {}),
            tags: tierTags("monitoring", nameOf(`${target.region}-lost`, observer.region)),
          }, parent);
        }
      }
    }

    // ---- Cascading-health drain (accelerator dials only; Route 53 mode fails health checks instead) ----
    const budgetSeconds = config.monitoring.latencyP99Ms / 1000;
    if (rec.enabled && rec.drain.enabled && dials) {
      for (const r of args.regions) {
        const parent = { parent: this, provider: r.provider };
        const lb = { LoadBalancer: r.albArnSuffix };
        const errorRate = (id: string) => ({
          metricQueries: [
            ...(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"] as const).map((m, i) => ({
              id: ["t5xx", "e5xx", "req"][i],
              returnData: false,
              metric: { namespace: "AWS/ApplicationELB", metricName: m, stat: "Sum", period: 60, dimensions: lb },
            })),
            { id, expression: "100 * (FILL(t5xx, 0) + FILL(e5xx, 0)) / (FILL(req, 0) + FILL(e5xx, 0))", label: "5xx percent", returnData: true },
          ],
        });
        const alarm = (role: string, spec: Partial<aws.cloudwatch.MetricAlarmArgs>) =>
          new aws.cloudwatch.MetricAlarm(`${name}-${r.region}-${role}`, {
            name: nameOf(role, r.region, 255),
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            evaluationPeriods: 1,
            ...spec,
            tags: tierTags("monitoring", nameOf(role, r.region)),
          } as aws.cloudwatch.MetricAlarmArgs, parent);
        const over = { evaluationPeriods: rec.drain.drainAfterMinutes, datapointsToAlarm: rec.drain.drainAfterMinutes, treatMissingData: "notBreaching" };
        // Under 80 % of the budget, or no traffic at all (a drained region has none), for longer.
        const under = { evaluationPeriods: rec.drain.restoreAfterMinutes, datapointsToAlarm: rec.drain.restoreAfterMinutes, treatMissingData: "breaching", comparisonOperator: "LessThanThreshold" };
        const slow = alarm("drain-latency", { ...over, alarmDescription: `p99 over ${config.monitoring.latencyP99Ms} ms for ${rec.drain.drainAfterMinutes} min`, namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: lb, extendedStatistic: "p99", period: 60, threshold: budgetSeconds, evaluateLowSampleCountPercentiles: "ignore" });
        const failing = alarm("drain-errors", { ...over, alarmDescription: `5xx over ${config.monitoring.error5xxPercent} % for ${rec.drain.drainAfterMinutes} min`, threshold: config.monitoring.error5xxPercent, ...errorRate("rate") });
        const fast = alarm("restore-latency", { ...under, alarmDescription: `p99 under 80 % of the budget for ${rec.drain.restoreAfterMinutes} min`, namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: lb, extendedStatistic: "p99", period: 60, threshold: budgetSeconds * 0.8 });
        const clean = alarm("restore-errors", { ...under, alarmDescription: `5xx under 80 % of the budget for ${rec.drain.restoreAfterMinutes} min`, threshold: config.monitoring.error5xxPercent * 0.8, ...errorRate("rate") });
        const drainName = nameOf("drain", r.region, 255);
        const restoreName = nameOf("restore", r.region, 255);
        const notify = r.topicArn ? { alarmActions: [r.topicArn], okActions: [r.topicArn] } : {};
        const drain = new aws.cloudwatch.CompositeAlarm(`${name}-${r.region}-drain`, {
          alarmName: drainName,
          alarmDescription: `${r.region} is up but over its latency or 5xx budget: the drain function sets its dial to 0 unless it is the last healthy region`,
          alarmRule: pulumi.all([slow.name, failing.name]).apply(([a, b]) => `${alarmRef(a)} OR ${alarmRef(b)}`),
          ...notify,
          tags: tierTags("monitoring", drainName),
        }, parent);
        const restore = new aws.cloudwatch.CompositeAlarm(`${name}-${r.region}-restore`, {
          alarmName: restoreName,
          alarmDescription: `${r.region} has been back under 80 % of its budget (or without traffic) for ${rec.drain.restoreAfterMinutes} min: its dial goes back to 100`,
          alarmRule: pulumi.all([fast.name, clean.name]).apply(([a, b]) => `${alarmRef(a)} AND ${alarmRef(b)}`),
          tags: tierTags("monitoring", restoreName),
        }, parent);
        const drainFn = fn(r, "drain", "drain", { ENDPOINT_GROUPS: endpointGroups.apply((g) => JSON.stringify(g)), DRAIN_ALARM: drainName, RESTORE_ALARM: restoreName }, gaStatements, 60);
        const rule = new aws.cloudwatch.EventRule(`${name}-${r.region}-drain-rule`, {
          name: nameOf("recovery-drain", r.region, 64),
          description: `Drain or restore ${r.region}'s dial when its drain/restore alarm turns ALARM`,
          eventPattern: pulumi.all([drain.alarmName, restore.alarmName]).apply(([d, s]) =>
            JSON.stringify({ source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: [d, s], state: { value: ["ALARM"] } } })),
          tags: tierTags("monitoring", nameOf("recovery-drain", r.region)),
        }, parent);
        new aws.cloudwatch.EventTarget(`${name}-${r.region}-drain-target`, { rule: rule.name, arn: drainFn.arn }, parent);
        new aws.lambda.Permission(`${name}-${r.region}-drain-invoke`, { action: "lambda:InvokeFunction", function: drainFn.name, principal: "events.amazonaws.com", sourceArn: rule.arn }, parent);
      }
    }

    // ---- Zonal autoshift on every ALB and EKS cluster, with practice runs ----
    const autoshift: Record<string, pulumi.Output<string>[]> = {};
    if (rec.zonalAutoshift.enabled) {
      for (const r of args.regions) {
        const parent = { parent: this, provider: r.provider };
        // Practice runs need an outcome alarm: it stops a practice run that hurts (ARC zonal autoshift docs).
        const outcome = new aws.cloudwatch.MetricAlarm(`${name}-${r.region}-practice-outcome`, {
          name: nameOf("autoshift-practice-outcome", r.region, 255),
          alarmDescription: `5xx over ${config.monitoring.error5xxPercent} % during a zonal autoshift practice run`,
          comparisonOperator: "GreaterThanThreshold",
          threshold: config.monitoring.error5xxPercent,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: "notBreaching",
          metricQueries: [
            ...(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"] as const).map((m, i) => ({
              id: ["t5xx", "e5xx", "req"][i],
              returnData: false,
              metric: { namespace: "AWS/ApplicationELB", metricName: m, stat: "Sum", period: 60, dimensions: { LoadBalancer: r.albArnSuffix } },
            })),
            { id: "rate", expression: "100 * (FILL(t5xx, 0) + FILL(e5xx, 0)) / (FILL(req, 0) + FILL(e5xx, 0))", label: "5xx percent", returnData: true },
          ],
          ...(r.topicArn ? { alarmActions: [r.topicArn] } : {}),
          tags: tierTags("monitoring", nameOf("autoshift-practice-outcome", r.region)),
        }, parent);
        const blocking = r.unhealthyAlarmName ? [{ alarmIdentifier: alarmArn(r.region, r.unhealthyAlarmName), type: "CLOUDWATCH" }] : [];
        const clusterArn = pulumi.interpolate`arn:${partition}:eks:${r.region}:${account}:cluster/${r.clusterName}`;
        autoshift[r.region] = [r.albArn, clusterArn].map((resourceArn, i) =>
          new aws.arczonalshift.ZonalAutoshiftConfiguration(`${name}-${r.region}-autoshift-${i === 0 ? "alb" : "eks"}`, {
            resourceArn,
            zonalAutoshiftStatus: "ENABLED",
            outcomeAlarms: [{ alarmIdentifier: outcome.arn, type: "CLOUDWATCH" }],
            ...(blocking.length > 0 ? { blockingAlarms: blocking } : {}),
            ...(rec.zonalAutoshift.blockedWindows.length > 0 ? { blockedWindows: rec.zonalAutoshift.blockedWindows } : {}),
          }, parent).resourceArn);
      }
    }

    // ---- The Region switch plan (a plan covers two Regions) ----
    let planName: string | undefined;
    let approvalRoleArn: pulumi.Output<string> | undefined;
    if (rec.enabled && args.regions.length !== 2) {
      pulumi.log.warn(`${name}: an ARC Region switch plan covers exactly two Regions; this stack has ${args.regions.length}, so no plan is declared (probes, drain and autoshift still are)`, this);
    }
    if (rec.enabled && args.regions.length === 2) {
      planName = nameOf("region-switch", undefined, 32);
      const planParent = { parent: this, provider: args.planProvider };
      const planArnPattern = pulumi.interpolate`arn:${partition}:arc-region-switch::${account}:plan/${planName}/*`;
      const needsApproval = kinds.database === "aurora-global" && rec.ungracefulDatabaseFailover === "approval";
      if (needsApproval) {
        const approver = new aws.iam.Role(`${name}-approver`, {
          name: nameOf("region-switch-approver", undefined, 64),
          description: "People who may approve the data-loss step of the Region switch plan assume this role",
          assumeRolePolicy: pulumi.interpolate`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:${partition}:iam::${account}:root"},"Action":"sts:AssumeRole"}]}`,
          tags: tierTags("monitoring", nameOf("region-switch-approver")),
        }, planParent);
        new aws.iam.RolePolicy(`${name}-approver-policy`, {
          role: approver.id,
          policy: planArnPattern.apply((arn) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["arc-region-switch:ApprovePlanExecutionStep", "arc-region-switch:GetPlanExecution", "arc-region-switch:ListPlanExecutionEvents"], Resource: arn }],
          })),
        }, planParent);
        approvalRoleArn = approver.arn;
      }

      const executionRole = new aws.iam.Role(`${name}-execution-role`, {
        name: nameOf("region-switch-execution", undefined, 64),
        description: `ARC Region switch executes ${planName} with this role`,
        // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_trust_policy.html
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "arc-region-switch.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        tags: tierTags("monitoring", nameOf("region-switch-execution")),
      }, planParent);
      this.executionRoleArn = executionRole.arn;

      const functionArns = Object.values(regional).flatMap((x) => [x.dialActivate, x.dialDeactivate, x.sessions].filter((f): f is aws.lambda.Function => !!f).map((f) => f.arn));
      const lostAlarmArns = Object.values(regional).flatMap((x) => (x.lostAlarm ? [x.lostAlarm.arn] : []));
      const clusterNames = pulumi.all(args.regions.map((r) => pulumi.all([r.region, r.clusterName])));
      const auroraArns = pulumi.all(args.regions.map((r) => r.auroraClusterArn ?? ""));
      const policy = pulumi
        .all([partition, account, clusterNames, auroraArns, pulumi.all(functionArns), pulumi.all(lostAlarmArns), args.globalClusterIdentifier ?? ""])
        .apply(([p, acct, clusters, aurora, fns, alarms, gcId]) => {
          const statements: object[] = [
            // EKS resource scaling (https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_eks.html).
            { Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: clusters.map(([reg, c]) => `arn:${p}:eks:${reg}:${acct}:cluster/${c}`) },
            { Effect: "Allow", Action: ["eks:ListAssociatedAccessPolicies"], Resource: clusters.map(([reg, c]) => `arn:${p}:eks:${reg}:${acct}:access-entry/${c}/*`) },
          ];
          if (kinds.database === "aurora-global" && gcId) {
            statements.push(
              { Effect: "Allow", Action: ["rds:DescribeGlobalClusters", "rds:DescribeDBClusters"], Resource: [`arn:${p}:rds::${acct}:global-cluster:${gcId}`, ...aurora.filter(Boolean)] },
              { Effect: "Allow", Action: ["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"], Resource: [`arn:${p}:rds::${acct}:global-cluster:${gcId}`, ...aurora.filter(Boolean)] },
            );
          }
          if (fns.length > 0) statements.push({ Effect: "Allow", Action: ["lambda:InvokeFunction", "lambda:GetFunction", "lambda:GetFunctionConcurrency"], Resource: fns });
          // Triggers: ARC reads the alarms they name with this role.
          if (alarms.length > 0) statements.push({ Effect: "Allow", Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"], Resource: alarms });
          return JSON.stringify({ Version: "2012-10-17", Statement: statements });
        });
      const executionPolicy = new aws.iam.RolePolicy(`${name}-execution-policy`, { role: executionRole.id, policy }, planParent);

      // EKS resource scaling acts through an access entry with ARC's scaling access policy
      // (https://docs.aws.amazon.com/r53recovery/latest/dg/eks-resource-scaling-block.html).
      const access = args.regions.map((r) => {
        const parent = { parent: this, provider: r.provider };
        const entry = new aws.eks.AccessEntry(`${name}-${r.region}-arc-access`, {
          clusterName: r.clusterName,
          principalArn: executionRole.arn,
          type: "STANDARD",
          tags: tierTags("monitoring", nameOf("region-switch-access", r.region)),
        }, parent);
        return new aws.eks.AccessPolicyAssociation(`${name}-${r.region}-arc-scaling`, {
          clusterName: r.clusterName,
          principalArn: executionRole.arn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonARCRegionSwitchScalingPolicy`,
          accessScope: { type: "namespace", namespaces: [config.app.namespace] },
        }, { ...parent, dependsOn: [entry] });
      });

      const [a, b] = args.regions.map((r): PlanRegion => ({
        name: r.region,
        eksClusterArn: pulumi.interpolate`arn:${partition}:eks:${r.region}:${account}:cluster/${r.clusterName}`,
        auroraClusterArn: r.auroraClusterArn,
        dialActivateArn: regional[r.region].dialActivate?.arn,
        dialDeactivateArn: regional[r.region].dialDeactivate?.arn,
        sessionFailoverArn: regional[r.region].sessions?.arn,
        lostAlarmArn: regional[r.region].lostAlarm?.arn,
      }));
      const document = {
        regions: [a, b] as const,
        kinds,
        globalClusterIdentifier: args.globalClusterIdentifier,
        namespace: config.app.namespace,
        workloadName: config.app.name,
        ungracefulDatabaseFailover: rec.ungracefulDatabaseFailover,
        approvalRoleArn,
        automaticTriggers: rec.automaticTriggers,
        minMinutesBetweenExecutions: rec.minMinutesBetweenExecutions,
        dials,
      };
      const plan = new aws.arcregionswitch.Plan(`${name}-plan`, {
        name: planName,
        description: describePlan(kinds, rec.ungracefulDatabaseFailover),
        executionRole: executionRole.arn,
        // Both regions serve traffic; a deactivate workflow moves it (and a single writer) away.
        recoveryApproach: "activeActive",
        regions: args.regions.map((r) => r.region),
        recoveryTimeObjectiveMinutes: Math.max(1, Math.ceil(config.objectives.regionLoss.rtoSeconds / 60)),
        associatedAlarms: [
          ...args.regions.filter((r) => regional[r.region].lostAlarm).map((r) => ({ mapBlockKey: lostAlarmKey(r.region), alarmType: "trigger", resourceIdentifier: regional[r.region].lostAlarm!.arn })),
          ...args.regions.filter((r) => r.unhealthyAlarmName).map((r) => ({ mapBlockKey: `${r.region}-health`, alarmType: "applicationHealth", resourceIdentifier: alarmArn(r.region, r.unhealthyAlarmName!) })),
        ],
        workflows: planWorkflows(document),
        triggers: planTriggers(document),
        tags: tierTags("monitoring", planName),
      }, { ...planParent, dependsOn: [executionPolicy, ...access] });
      this.planArn = plan.arn;
    }

    this.topology = pulumi
      .all([this.planArn, approvalRoleArn, pulumi.all(Object.fromEntries(Object.entries(regional).filter(([, x]) => x.lostAlarm).map(([r, x]) => [r, x.lostAlarm!.arn]))), pulumi.all(Object.fromEntries(Object.entries(autoshift).map(([r, arns]) => [r, pulumi.all(arns)])))])
      .apply(([planArn, approver, lost, shifts]): RecoveryTopology => ({
        ...(planArn ? { planArn, planName, recoveryApproach: "activeActive" } : {}),
        automaticTriggers: rec.enabled && rec.automaticTriggers,
        ungracefulDatabaseFailover: rec.ungracefulDatabaseFailover,
        ...(approver ? { approvalRoleArn: approver } : {}),
        lostAlarms: lost,
        zonalAutoshift: shifts,
        probeFailureMinutes: rec.probeFailureMinutes,
        minMinutesBetweenExecutions: rec.minMinutesBetweenExecutions,
      }));
    this.registerOutputs({ planArn: this.planArn, topology: this.topology });
  }
}

function describePlan(kinds: DataKinds, ungraceful: "approval" | "automatic"): string {
  const db = kinds.multiWriterDatabase
    ? "every region writes locally (no promotion)"
    : ungraceful === "automatic"
      ? "the Aurora global database fails over without approval (the stack accepts its replication lag as data loss)"
      : "the Aurora global database switches over; failing over with data loss needs an approval";
  return `ha-blueprint: move traffic away from a lost or drained region; ${db}`.slice(0, 1024);
}

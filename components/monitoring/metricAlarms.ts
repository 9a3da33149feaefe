import * as aws from "../sdk/aws";
import type * as pulumi from "@pulumi/pulumi";
import { tierTags } from "../tags";

type Dimensions = Record<string, pulumi.Input<string>>;
type Comparison = "GreaterThanThreshold" | "LessThanThreshold";
type MissingData = "breaching" | "notBreaching";

interface Common {
  readonly description: string;
  readonly comparisonOperator: Comparison;
  readonly threshold: number;
  readonly treatMissingData: MissingData;
  /** Topic to notify on ALARM and OK. @default - none: a composite alarm notifies instead */
  readonly notify?: pulumi.Input<string>;
}

export interface SingleMetric extends Common {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Dimensions;
  /** One of Average, Minimum, Maximum, Sum, SampleCount (the statistics Route 53 can read). */
  readonly statistic?: "Average" | "Minimum" | "Maximum" | "Sum" | "SampleCount";
  /** A percentile such as `p99`; excludes `statistic`. */
  readonly extendedStatistic?: string;
  readonly evaluateLowSampleCountPercentiles?: "ignore" | "evaluate";
}

export interface MetricMath extends Common {
  /** The returned expression over the ids of `metrics`. */
  readonly expression: string;
  readonly metrics: Record<string, { namespace: string; metricName: string; stat: string; dimensions: Dimensions }>;
}

/**
 * A CloudWatch Metrics Insights query that returns one series (aggregated, no GROUP BY). It matches
 * every dimension set that carries the WHERE dimensions, so an alarm keeps seeing data whichever
 * extra dimensions (e.g. `SourceRegion`) the service publishes alongside (CloudWatch User Guide,
 * "Create alarms on Metrics Insights queries").
 */
export interface InsightsQuery extends Common {
  readonly query: pulumi.Input<string>;
}

export interface AlarmSettings {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly nameOf: (role: string) => string;
}

/**
 * Declares a component's metric alarms with one period and evaluation policy: an alarm fires after
 * `evaluationPeriods` consecutive breaching periods, so detection takes period x evaluationPeriods.
 */
export class MetricAlarmFactory {
  constructor(
    private readonly name: string,
    private readonly parent: pulumi.Resource,
    private readonly settings: AlarmSettings,
  ) {}

  single(role: string, spec: SingleMetric): aws.cloudwatch.MetricAlarm {
    if (!spec.statistic === !spec.extendedStatistic) {
      throw new Error(`alarm ${role}: set exactly one of statistic and extendedStatistic`);
    }
    return this.alarm(role, spec, {
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      period: this.settings.periodSeconds,
      ...(spec.statistic ? { statistic: spec.statistic } : { extendedStatistic: spec.extendedStatistic }),
      ...(spec.evaluateLowSampleCountPercentiles ? { evaluateLowSampleCountPercentiles: spec.evaluateLowSampleCountPercentiles } : {}),
    });
  }

  math(role: string, spec: MetricMath): aws.cloudwatch.MetricAlarm {
    const period = this.settings.periodSeconds;
    return this.alarm(role, spec, {
      metricQueries: [
        ...Object.entries(spec.metrics).map(([id, m]) => ({
          id,
          returnData: false,
          metric: { namespace: m.namespace, metricName: m.metricName, stat: m.stat, period, dimensions: m.dimensions },
        })),
        { id: "result", expression: spec.expression, label: role, returnData: true },
      ],
    });
  }

  insights(role: string, spec: InsightsQuery): aws.cloudwatch.MetricAlarm {
    return this.alarm(role, spec, {
      metricQueries: [{ id: "q", expression: spec.query, period: this.settings.periodSeconds, label: role, returnData: true }],
    });
  }

  private alarm(role: string, spec: Common, metric: Partial<aws.cloudwatch.MetricAlarmArgs>): aws.cloudwatch.MetricAlarm {
    const alarmName = this.settings.nameOf(role);
    return new aws.cloudwatch.MetricAlarm(`${this.name}-${role}`, {
      name: alarmName,
      alarmDescription: spec.description,
      comparisonOperator: spec.comparisonOperator,
      threshold: spec.threshold,
      evaluationPeriods: this.settings.evaluationPeriods,
      datapointsToAlarm: this.settings.evaluationPeriods,
      treatMissingData: spec.treatMissingData,
      ...metric,
      ...(spec.notify ? { alarmActions: [spec.notify], okActions: [spec.notify] } : {}),
      tags: tierTags("monitoring", alarmName),
    }, { parent: this.parent });
  }
}

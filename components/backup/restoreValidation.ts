import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { createLogGroupKey } from "../monitoring/logEncryption";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { restoreValidationBundle } from "./restoreValidation/bundle";

/** How long AWS Backup keeps a test-restored cluster for the validation before deleting it. */
export const VALIDATION_WINDOW_HOURS = 2;

/** Runtime of the validation function: it brings its own code and uses the runtime's AWS SDK v3. */
export const VALIDATION_RUNTIME = "nodejs22.x";

export interface RestoreValidationArgs {
  readonly stack: string;
  readonly region: string;
  readonly restoreTestingPlanArn: pulumi.Input<string>;
  /** What the restored cluster must look like (the restore-test metadata overrides). */
  readonly engine: string;
  readonly subnetGroupName: pulumi.Input<string>;
  readonly securityGroupId: pulumi.Input<string>;
  /** The region's alarm topic: a FAILED validation is published there. @default - no notification */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

/**
 * The EventBridge pattern of a completed Aurora restore job started by one restore testing plan
 * (AWS Backup Developer Guide, "Restore testing validation" and "Monitoring AWS Backup events using
 * Amazon EventBridge": detail `status`, `resourceType`, `restoreTestingPlanArn`).
 */
export function restoreCompletedPattern(restoreTestingPlanArn: string): Record<string, unknown> {
  return {
    source: ["aws.backup"],
    "detail-type": ["Restore Job State Change"],
    detail: { status: ["COMPLETED"], resourceType: ["Aurora"], restoreTestingPlanArn: [restoreTestingPlanArn] },
  };
}

/** The function may read restored clusters of its region and report results; nothing else. */
export function validationPolicy(partition: string, dnsSuffix: string, account: string, region: string, logGroupArn: string, alarmTopicArn?: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      ...(alarmTopicArn ? [
        { Sid: "NotifyFailures", Effect: "Allow", Action: "sns:Publish", Resource: alarmTopicArn },
        // The topic is KMS-encrypted: publishing needs its key, through SNS only.
        {
          Sid: "TopicKeyThroughSns",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
          Condition: { StringEquals: { "kms:ViaService": `sns.${region}.${dnsSuffix}` } },
        },
      ] : []),
      { Sid: "ReadRestoredClusters", Effect: "Allow", Action: "rds:DescribeDBClusters", Resource: `arn:${partition}:rds:${region}:${account}:cluster:*` },
      // PutRestoreValidationResult names the restore job, which has no ARN to scope to.
      { Sid: "ReportValidation", Effect: "Allow", Action: "backup:PutRestoreValidationResult", Resource: "*" },
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
    ],
  });
}

/**
 * The validation hook of one region's restore testing plan: an EventBridge rule on the plan's
 * completed Aurora restore jobs invokes a small function (restoreValidation/handler.ts, bundled
 * from this repository) that checks the restored cluster and reports SUCCESSFUL or FAILED with
 * PutRestoreValidationResult, so the restore-testing job shows whether the restore is usable, not
 * only that it finished; a FAILED verdict is also published to the region's alarm topic. Its log
 * group has its own customer key.
 */
export function createRestoreValidation(name: string, args: RestoreValidationArgs, opts: pulumi.CustomResourceOptions): aws.lambda.Function {
  const nameOf = (role: string, max: number) => physicalName({ stack: args.stack, region: args.region, role }, max);
  const functionName = nameOf("restore-validation", 64);
  const invoke = { parent: opts.parent, ...(opts.provider ? { provider: opts.provider } : {}) };
  const identity = aws.getCallerIdentityOutput({}, invoke);
  const partition = aws.getPartitionOutput({}, invoke);

  const logGroupName = `/aws/lambda/${functionName}`;
  const logKey = createLogGroupKey(`${name}-logs-key`, {
    region: args.region,
    logGroupName,
    description: `Encrypts the logs of ${functionName}`,
    tags: tierTags("backup", nameOf("restore-validation-logs-key", 255)),
  }, opts);
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
    name: logGroupName,
    retentionInDays: 90,
    kmsKeyId: logKey.arn,
    tags: tierTags("backup", nameOf("restore-validation-logs", 255)),
  }, opts);

  const role = new aws.iam.Role(`${name}-role`, {
    name: nameOf("restore-validation", 64),
    description: "Assumed by the restore-test validation function",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags: tierTags("backup", nameOf("restore-validation-role", 255)),
  }, opts);
  const policy = new aws.iam.RolePolicy(`${name}-policy`, {
    role: role.id,
    policy: pulumi.all([partition.partition, partition.dnsSuffix, identity.accountId, logGroup.arn, args.alarmTopicArn])
      .apply(([part, suffix, account, logArn, topicArn]) => validationPolicy(part, suffix, account, args.region, logArn, topicArn)),
  }, opts);

  const fn = new aws.lambda.Function(`${name}-function`, {
    name: functionName,
    description: "Checks clusters restored by AWS Backup restore testing and reports the result",
    runtime: VALIDATION_RUNTIME,
    architectures: ["arm64"],
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(restoreValidationBundle()) }),
    role: role.arn,
    timeout: 60,
    memorySize: 256,
    environment: {
      variables: {
        RESTORE_TESTING_PLAN_ARN: args.restoreTestingPlanArn,
        EXPECTED_ENGINE: args.engine,
        EXPECTED_SUBNET_GROUP: args.subnetGroupName,
        EXPECTED_SECURITY_GROUP_ID: args.securityGroupId,
        ...(args.alarmTopicArn ? { ALARM_TOPIC_ARN: args.alarmTopicArn } : {}),
      },
    },
    loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
    tags: tierTags("backup", functionName),
  }, { ...opts, dependsOn: [policy, logGroup] });

  const ruleName = nameOf("restore-validation", 64);
  const rule = new aws.cloudwatch.EventRule(`${name}-rule`, {
    name: ruleName,
    description: "Completed Aurora restores of this region's restore testing plan",
    eventPattern: pulumi.output(args.restoreTestingPlanArn).apply((arn) => JSON.stringify(restoreCompletedPattern(arn))),
    tags: tierTags("backup", ruleName),
  }, opts);
  const permission = new aws.lambda.Permission(`${name}-invoke`, {
    function: fn.name,
    action: "lambda:InvokeFunction",
    principal: "events.amazonaws.com",
    sourceArn: rule.arn,
  }, opts);
  new aws.cloudwatch.EventTarget(`${name}-target`, { rule: rule.name, arn: fn.arn }, { ...opts, dependsOn: [permission] });
  return fn;
}

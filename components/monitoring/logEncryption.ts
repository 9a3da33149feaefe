import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A customer managed KMS key for one CloudWatch Logs log group. CloudWatch Logs encrypts with the
 * key itself, so the key policy must let the regional service principal `logs.<region>.<suffix>`
 * use it, and only for that log group: the `kms:EncryptionContext:aws:logs:arn` condition names it
 * (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management
 * Service", step 2). The account root keeps administration, so IAM policies decide who else may
 * read the logs. One key per log group keeps a compromised or deleted key to one group.
 */
export interface LogGroupKeyArgs {
  /** The region of the log group; the caller's provider (inherited through `parent`) must point there. */
  readonly region: string;
  /** Exact log-group name the key may encrypt. */
  readonly logGroupName: string;
  readonly description: string;
  readonly tags: Record<string, string>;
}

export function logGroupKeyPolicy(partition: string, dnsSuffix: string, account: string, region: string, logGroupName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsEncryptsThisGroup",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.${dnsSuffix}` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}` } },
      },
    ],
  });
}

export function createLogGroupKey(name: string, args: LogGroupKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const invokeOpts = { parent: opts.parent, ...(opts.provider ? { provider: opts.provider } : {}) };
  const identity = aws.getCallerIdentityOutput({}, invokeOpts);
  const partition = aws.getPartitionOutput({}, invokeOpts);
  return new aws.kms.Key(name, {
    description: args.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: pulumi.all([partition.partition, partition.dnsSuffix, identity.accountId])
      .apply(([part, suffix, account]) => logGroupKeyPolicy(part, suffix, account, args.region, args.logGroupName)),
    tags: args.tags,
  }, opts);
}

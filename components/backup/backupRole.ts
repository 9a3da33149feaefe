import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { tierTags } from "../tags";

/** AWS-managed policies the AWS Backup service role needs to back up and to restore (also for restore tests). */
export const BACKUP_MANAGED_POLICIES = {
  backup: "AWSBackupServiceRolePolicyForBackup",
  restores: "AWSBackupServiceRolePolicyForRestores",
} as const;

export interface BackupRoleResources {
  readonly arn: pulumi.Output<string>;
  /** Selections depend on these, so AWS Backup never assumes a role that cannot act yet. */
  readonly attachments: pulumi.Resource[];
}

/**
 * The service role AWS Backup assumes in one region. IAM is global, so `roleName` must carry the
 * region (physicalName does) to keep the regions' roles apart.
 */
export function backupRole(name: string, roleName: string, opts: pulumi.CustomResourceOptions, regions: string[] = []): BackupRoleResources {
  const role = new aws.iam.Role(name, {
    name: roleName,
    description: "Assumed by AWS Backup to take, copy and test-restore recovery points",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags: tierTags("backup", roleName),
  }, opts);
  const partition = aws.getPartitionOutput({}, { parent: opts.parent, provider: opts.provider });
  const attachments = Object.entries(BACKUP_MANAGED_POLICIES).map(([key, policy]) => new aws.iam.RolePolicyAttachment(`${name}-${key}`, {
    role: role.name,
    policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/service-role/${policy}`,
  }, opts));
  // The managed policies leave KMS to the key policies; the source Aurora clusters' keys use the
  // default key policy (IAM decides), so the role itself may use any key of the account, only
  // through AWS Backup and RDS in the stack's regions: reading a snapshot to copy it to another
  // region, and encrypting the copy or a restored cluster.
  const kms = regions.length === 0 ? [] : [new aws.iam.RolePolicy(`${name}-kms`, {
    role: role.id,
    policy: pulumi.all([partition.dnsSuffix, aws.getCallerIdentityOutput({}, { parent: opts.parent, provider: opts.provider }).accountId])
      .apply(([suffix, account]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "KeysThroughBackupAndRds",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:CallerAccount": account,
              "kms:ViaService": regions.flatMap((r) => [`backup.${r}.${suffix}`, `rds.${r}.${suffix}`]),
            },
          },
        }],
      })),
  }, opts)];
  return { arn: role.arn, attachments: [...attachments, ...kms] };
}

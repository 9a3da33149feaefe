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
  readonly attachments: aws.iam.RolePolicyAttachment[];
}

/**
 * The service role AWS Backup assumes in one region. IAM is global, so `roleName` must carry the
 * region (physicalName does) to keep the regions' roles apart.
 */
export function backupRole(name: string, roleName: string, opts: pulumi.CustomResourceOptions): BackupRoleResources {
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
  return { arn: role.arn, attachments };
}

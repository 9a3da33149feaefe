import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import type { RegionBackupTopology } from "../topology";
import { backupRole, type BackupRoleResources } from "./backupRole";
import { createRestoreValidation, VALIDATION_WINDOW_HOURS } from "./restoreValidation";

/** AWS Backup keeps continuous (point-in-time) recovery points for at most 35 days. */
export const CONTINUOUS_RETENTION_LIMIT_DAYS = 35;

export interface BackupRegion {
  readonly region: string;
  /** The region's explicit provider: vault, key, plan and selection are regional. */
  readonly provider: aws.Provider;
  /**
   * Aurora clusters of this region, selected by ARN. Empty or omitted: the plan exists but selects
   * nothing yet (the data tier is wired separately).
   * @default []
   */
  readonly auroraClusterArns?: pulumi.Input<string>[];
  /**
   * Aurora DSQL clusters of this region. AWS Backup takes full backups of DSQL clusters, one per
   * Region of a multi-Region cluster, and copies them across Regions (AWS Backup Developer Guide,
   * "Amazon Aurora DSQL backups"); the account must have opted in to Aurora DSQL protection.
   * @default []
   */
  readonly dsqlClusterArns?: pulumi.Input<string>[];
  /**
   * Restore-testing metadata overrides, e.g. the DB subnet group a test restore should use. Without
   * them AWS Backup infers defaults such as the default VPC, which the blueprint does not create.
   * @default - inferred by AWS Backup
   */
  readonly restoreMetadataOverrides?: Record<string, pulumi.Input<string>>;
  /**
   * What a test-restored Aurora cluster of this region must look like; with it, the restore
   * testing plan gets a validation hook (restoreValidation.ts) that checks each restore and
   * reports the result to AWS Backup.
   * @default - no validation hook
   */
  readonly restoreValidation?: {
    readonly engine: string;
    readonly subnetGroupName: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    /** The region's alarm topic, told about FAILED validations. @default - none */
    readonly alarmTopicArn?: pulumi.Input<string>;
  };
}

export interface VaultLockSettings {
  readonly enabled: boolean;
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  /** Set: compliance mode after this many days (irreversible). Omitted: governance mode. */
  readonly changeableForDays?: number;
}

export interface BackupPlanArgs {
  readonly stack: string;
  /** Two or more regions; every region's recovery points are copied to every other region's vault. */
  readonly regions: BackupRegion[];
  /** @default "cron(0 5 * * ? *)" */
  readonly schedule?: string;
  /** Days recovery points stay in the source vault (at most 35 with continuous backup). @default 35 */
  readonly retentionDays?: number;
  /** Days cross-region copies stay in the destination vault. @default 35 */
  readonly copyRetentionDays?: number;
  /** Continuous backup for point-in-time restore (Aurora); copies to other regions are snapshots. @default true */
  readonly continuousBackup?: boolean;
  /** @default - no vault lock */
  readonly vaultLock?: VaultLockSettings;
  /** A restore-testing plan per region that restores Aurora recovery points on a schedule. @default true */
  readonly restoreTesting?: boolean;
  /** @default "cron(0 6 ? * SAT *)" */
  readonly restoreTestingSchedule?: string;
  /**
   * Delete recovery points with the vault on `pulumi destroy`. Off: the vault is retained (Pulumi
   * forgets it) so a destroy never takes the backups with it.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/**
 * AWS Backup across the stack's regions: per region a vault with its own KMS key (whose policy lets
 * every region's backup role copy into it and restore from it), a plan whose rule copies every
 * recovery point to the other regions' vaults, the IAM role, an optional vault lock, a selection
 * of the region's Aurora clusters and a restore-testing plan with a validation hook. ElastiCache
 * is not here: AWS Backup cannot back it up (the session store keeps its own snapshots).
 */
export class BackupPlan extends pulumi.ComponentResource {
  public readonly vaultArns: Record<string, pulumi.Output<string>> = {};
  public readonly planIds: Record<string, pulumi.Output<string>> = {};
  public readonly topology: Record<string, pulumi.Output<RegionBackupTopology>> = {};

  constructor(name: string, args: BackupPlanArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:backup:BackupPlan", name, {}, opts);
    const schedule = args.schedule ?? "cron(0 5 * * ? *)";
    const retentionDays = args.retentionDays ?? 35;
    const copyRetentionDays = args.copyRetentionDays ?? 35;
    const continuousBackup = args.continuousBackup ?? true;
    const vaultLock = args.vaultLock?.enabled ? args.vaultLock : undefined;
    const restoreTesting = args.restoreTesting ?? true;
    const restoreTestingSchedule = args.restoreTestingSchedule ?? "cron(0 6 ? * SAT *)";
    const forceDestroy = args.forceDestroy ?? false;
    validate(name, args.regions, retentionDays, copyRetentionDays, continuousBackup, vaultLock);
    const anyAurora = args.regions.some((r) => (r.auroraClusterArns ?? []).length > 0);

    const regionNames = args.regions.map((r) => r.region);
    // Roles first: every vault key's policy names every region's role (copies into a vault are
    // made by the source region's role).
    const roles: Record<string, BackupRoleResources> = {};
    for (const r of args.regions) {
      roles[r.region] = backupRole(`${name}-${r.region}-role`, physicalName({ stack: args.stack, region: r.region, role: "backup" }, 64), { parent: this, provider: r.provider }, regionNames);
    }
    const vaults = args.regions.map((r) => {
      const at = { parent: this, provider: r.provider };
      const nameOf = (role: string, max: number) => physicalName({ stack: args.stack, region: r.region, role }, max);
      const identity = aws.getCallerIdentityOutput({}, at);
      const partition = aws.getPartitionOutput({}, at);
      const key = new aws.kms.Key(`${name}-${r.region}-key`, {
        description: `Encrypts the ${r.region} backup vault of stack ${args.stack}, including copies from other regions`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([partition.partition, partition.dnsSuffix, identity.accountId, pulumi.all(regionNames.map((n) => roles[n].arn))])
          .apply(([part, suffix, account, roleArns]) => vaultKeyPolicy(part, suffix, account, r.region, roleArns)),
        tags: tierTags("backup", nameOf("backup-vault-key", 255)),
        // A retained vault is only worth something while its key lives: keep them together.
      }, { ...at, retainOnDelete: !forceDestroy });
      const vaultName = nameOf("vault", 50);
      const vault = new aws.backup.Vault(`${name}-${r.region}-vault`, {
        name: vaultName,
        kmsKeyArn: key.arn,
        forceDestroy,
        tags: tierTags("backup", vaultName),
      }, { ...at, retainOnDelete: !forceDestroy });
      if (vaultLock) {
        new aws.backup.VaultLockConfiguration(`${name}-${r.region}-lock`, {
          backupVaultName: vault.name,
          minRetentionDays: vaultLock.minRetentionDays,
          maxRetentionDays: vaultLock.maxRetentionDays,
          ...(vaultLock.changeableForDays !== undefined ? { changeableForDays: vaultLock.changeableForDays } : {}),
        }, at);
      }
      this.vaultArns[r.region] = vault.arn;
      return { r, at, nameOf, vault };
    });

    for (const { r, at, nameOf, vault } of vaults) {
      const others = vaults.filter((v) => v.r.region !== r.region);
      const role = roles[r.region];
      const planName = nameOf("backup-plan", 50);
      const plan = new aws.backup.Plan(`${name}-${r.region}-plan`, {
        name: planName,
        rules: [{
          ruleName: "daily-with-cross-region-copy",
          targetVaultName: vault.name,
          schedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: 60,
          completionWindow: 24 * 60,
          enableContinuousBackup: continuousBackup,
          lifecycle: { deleteAfter: retentionDays },
          copyActions: others.map((o) => ({ destinationVaultArn: o.vault.arn, lifecycle: { deleteAfter: copyRetentionDays } })),
          recoveryPointTags: { "ha:stack": args.stack, "ha:source-region": r.region },
        }],
        tags: tierTags("backup", planName),
      }, at);

      const auroraClusters = r.auroraClusterArns ?? [];
      if (auroraClusters.length > 0) {
        new aws.backup.Selection(`${name}-${r.region}-aurora`, {
          name: nameOf("aurora", 50),
          planId: plan.id,
          iamRoleArn: role.arn,
          resources: auroraClusters,
        }, { ...at, dependsOn: role.attachments });
      }
      const dsqlClusters = r.dsqlClusterArns ?? [];
      if (dsqlClusters.length > 0) {
        // Same rule and copy actions: each region backs up its own peer and copies it to the
        // others, so every region holds a recovery point of the other for a multi-Region restore.
        new aws.backup.Selection(`${name}-${r.region}-dsql`, {
          name: nameOf("dsql", 50),
          planId: plan.id,
          iamRoleArn: role.arn,
          resources: dsqlClusters,
        }, { ...at, dependsOn: role.attachments });
      }
      const clusters = [...auroraClusters, ...dsqlClusters];

      let restorePlanName: pulumi.Output<string> | undefined;
      if (restoreTesting) {
        // Restore-testing names allow only letters, digits and underscores.
        const testName = nameOf("restore-test", 50).replace(/-/g, "_");
        const restorePlan = new aws.backup.RestoreTestingPlan(`${name}-${r.region}-restore-test`, {
          name: testName,
          scheduleExpression: restoreTestingSchedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindowHours: 24,
          recoveryPointSelection: {
            algorithm: "LATEST_WITHIN_WINDOW",
            // This vault also holds the other regions' copies, so a test here proves a
            // cross-region restore, not just a local one.
            includeVaults: [vault.arn],
            recoveryPointTypes: continuousBackup ? ["CONTINUOUS", "SNAPSHOT"] : ["SNAPSHOT"],
            selectionWindowDays: 7,
          },
          tags: tierTags("backup", testName),
        }, at);
        restorePlanName = restorePlan.name;
        if (anyAurora) {
          new aws.backup.RestoreTestingSelection(`${name}-${r.region}-restore-test-aurora`, {
            name: "aurora_clusters",
            restoreTestingPlanName: restorePlan.name,
            protectedResourceType: "Aurora",
            iamRoleArn: role.arn,
            // Every Aurora recovery point in the vault, including copies of other regions' clusters.
            protectedResourceArns: ["*"],
            ...(r.restoreMetadataOverrides ? { restoreMetadataOverrides: r.restoreMetadataOverrides } : {}),
            // The restored cluster stays this long for the validation hook, then AWS Backup deletes it.
            ...(r.restoreValidation ? { validationWindowHours: VALIDATION_WINDOW_HOURS } : {}),
          }, { ...at, dependsOn: role.attachments });
          if (r.restoreValidation) {
            createRestoreValidation(`${name}-${r.region}-restore-validation`, {
              stack: args.stack,
              region: r.region,
              restoreTestingPlanArn: restorePlan.arn,
              ...r.restoreValidation,
            }, at);
          }
        }
      }

      this.planIds[r.region] = plan.id;
      this.topology[r.region] = pulumi.all([vault.name, vault.arn, plan.id, plan.arn, pulumi.all(others.map((o) => o.vault.arn)), pulumi.all(clusters), restorePlanName])
        .apply(([vaultName, vaultArn, planId, planArn, copyArns, selected, restoreName]): RegionBackupTopology => ({
          vaultName,
          vaultArn,
          planId,
          planArn,
          copyDestinationVaultArns: copyArns,
          continuousBackup,
          retentionDays,
          copyRetentionDays,
          vaultLocked: !!vaultLock,
          ...(restoreName ? { restoreTestingPlanName: restoreName } : {}),
          selectedResourceArns: selected,
        }));
    }
    this.registerOutputs({ vaultArns: this.vaultArns, planIds: this.planIds });
  }
}

function validate(name: string, regions: BackupRegion[], retention: number, copyRetention: number, continuous: boolean, lock?: VaultLockSettings): void {
  const names = regions.map((r) => r.region);
  if (new Set(names).size < 2 || names.length !== new Set(names).size) {
    throw new Error(`BackupPlan ${name}: regions must list at least 2 distinct regions (got ${names.join(", ") || "none"}); copies must leave the source region`);
  }
  if (continuous && retention > CONTINUOUS_RETENTION_LIMIT_DAYS) {
    throw new Error(`BackupPlan ${name}: retentionDays is ${retention}; continuous backups are kept at most ${CONTINUOUS_RETENTION_LIMIT_DAYS} days`);
  }
  if (lock) {
    for (const [key, days] of [["retentionDays", retention], ["copyRetentionDays", copyRetention]] as const) {
      if (days < lock.minRetentionDays || days > lock.maxRetentionDays) {
        throw new Error(`BackupPlan ${name}: ${key} is ${days}, outside the vault lock's ${lock.minRetentionDays}..${lock.maxRetentionDays} days`);
      }
    }
  }
}

/**
 * The vault key of `region`: the account administers it; the backup roles of every stack region
 * may use it through AWS Backup and RDS in this region only (copies arrive from the other regions'
 * roles, restores and restore tests read them), and may hand RDS the grants it needs to encrypt a
 * copied snapshot or a restored cluster (AWS Backup Developer Guide, "Encryption for backups in
 * AWS Backup" and "Creating backup copies across AWS Regions": the destination vault's key encrypts
 * a cross-region copy of an RDS or Aurora snapshot).
 */
export function vaultKeyPolicy(partition: string, dnsSuffix: string, account: string, region: string, backupRoleArns: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "BackupRolesCopyAndRestore",
        Effect: "Allow",
        Principal: { AWS: backupRoleArns },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": [`backup.${region}.${dnsSuffix}`, `rds.${region}.${dnsSuffix}`] } },
      },
      {
        Sid: "BackupRolesGrantToServices",
        Effect: "Allow",
        Principal: { AWS: backupRoleArns },
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  });
}

import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule } from "../engine/types";
import { asString, effectiveBool, effectiveNumber, isSet } from "../engine/values";
import { T } from "./common";

/**
 * Standalone RDS DB instances (`aws.rds.Instance`, not Aurora cluster instances). Their provider
 * defaults are all unsafe: multiAz false, backupRetentionPeriod 0 (automated backups off),
 * storageEncrypted false, deletionProtection false (`@pulumi/aws` 7.48 rds/instance.d.ts).
 * A read replica (`replicateSourceDb`) takes its data, encryption and backups from its source,
 * so the backup and encryption rules judge the source only.
 */

function isReplica(graph: ResourceGraph, db: GraphNode): boolean {
  return isSet(graph, db, "replicateSourceDb");
}

function isAuroraEngine(graph: ResourceGraph, db: GraphNode): boolean {
  const engine = asString(graph.prop(db, "engine"));
  return typeof engine === "string" && engine.startsWith("aurora");
}

/** Without Multi-AZ the instance lives in one AZ; losing it means a restore, not a failover. */
export const rdsInstanceMultiAz = defineResourceRule({
  name: "ha-rds-instance-multi-az",
  description: "Every RDS DB instance that is not a read replica runs Multi-AZ (multiAz defaults to false).",
  severity: "critical",
  kind: "redundancy",
  anchors: ["FSBP RDS.5", "CKV_AWS_157", "awsguard rds-instance-multi-az-enabled", "REL10-BP01"],
  remediation: "set multiAz: true",
  scope: "resource",
  types: [T.rdsInstance],
  config: {},
  check(db, { graph, report }) {
    if (isReplica(graph, db) || isAuroraEngine(graph, db)) return;
    if (effectiveBool(graph, db, "multiAz", false) === false) report(db, "runs in a single AZ (multiAz defaults to false), so an AZ failure stops the database until it is restored");
  },
});

/** Retention 0 disables automated backups and point-in-time restore altogether. */
export const rdsInstanceBackupRetention = defineResourceRule<{ minBackupRetentionDays: number }>({
  name: "ha-rds-instance-backup-retention",
  description: "Every RDS DB instance that is not a read replica keeps automated backups for at least the minimum number of days (unset, RDS applies its API default of 1 day; 0 turns them off).",
  severity: "high",
  kind: "size",
  anchors: ["AwsSolutions-RDS13", "FSBP RDS.11", "awsguard rds-instance-backup-enabled", "REL09-BP03"],
  remediation: "set backupRetentionPeriod to at least the configured number of days",
  scope: "resource",
  types: [T.rdsInstance],
  config: {
    minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Minimum automated backup retention in days." },
  },
  check(db, { graph, config, report, limit }) {
    if (isReplica(graph, db)) return;
    // Unset, the provider sends nothing and RDS applies its API default of one day ("If you create
    // a DB instance using the Amazon RDS API or the AWS CLI and if you don't set the backup
    // retention period, the default backup retention period is one day": RDS user guide, Backup
    // retention period). A default is not an explicit 0.
    const unset = graph.prop(db, "backupRetentionPeriod") === undefined;
    const days = effectiveNumber(graph, db, "backupRetentionPeriod", 1);
    if (typeof days !== "number" || days >= config.minBackupRetentionDays) return;
    report(
      db,
      days === 0 ? "has automated backups off (backupRetentionPeriod 0), so there is no point-in-time restore" : `keeps automated backups for ${days} day(s)${unset ? " (unset: RDS's API default of 1 day)" : ""}, below ${limit("minBackupRetentionDays")}`,
      `set backupRetentionPeriod: ${config.minBackupRetentionDays} (or more, up to 35)`,
    );
  },
});

export const rdsInstanceEncryption = defineResourceRule({
  name: "sec-rds-instance-encryption",
  description: "Every RDS DB instance that is not a read replica encrypts its storage (storageEncrypted defaults to false).",
  severity: "critical",
  kind: "security",
  anchors: ["AwsSolutions-RDS2", "awsguard rds-storage-encrypted"],
  remediation: "set storageEncrypted: true (with a kmsKeyId from the instance's region)",
  scope: "resource",
  types: [T.rdsInstance],
  config: {},
  check(db, { graph, report }) {
    if (isReplica(graph, db)) return;
    // A KMS key implies encryption, as for clusters.
    if (effectiveBool(graph, db, "storageEncrypted", false) === false && !isSet(graph, db, "kmsKeyId")) {
      report(db, "does not encrypt its storage (storageEncrypted defaults to false), and encryption cannot be turned on later without a snapshot restore");
    }
  },
});

export const rdsInstanceDeletionProtection = defineResourceRule({
  name: "ha-rds-instance-deletion-protection",
  description: "Every RDS DB instance has deletion protection enabled.",
  severity: "high",
  kind: "protection",
  anchors: ["AwsSolutions-RDS10", "REL09-BP01"],
  remediation: "set deletionProtection: true",
  scope: "resource",
  types: [T.rdsInstance],
  config: {},
  check(db, { graph, report }) {
    if (effectiveBool(graph, db, "deletionProtection", false) === false) report(db, "has deletion protection off (the default)");
  },
});

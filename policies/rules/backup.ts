import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asList, asNumber, asString, field, isSet, isUnknown, list } from "../engine/values";
import { regionalOf, T } from "./common";
import { auroraMembers } from "./aurora";

/**
 * Stateful resource types AWS Backup supports (ElastiCache and MemoryDB are not: their rules are
 * ha-redis-snapshots and ha-memorydb-snapshots). Aurora DSQL is (AWS Backup "Aurora DSQL backups").
 */
const STATEFUL = [T.rdsCluster, T.rdsInstance, T.dynamoTable, T.efs, T.ebsVolume, T.dsqlCluster];

function globToRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** A stand-in ARN for resources whose ARN a preview does not know yet, for matching selection patterns. */
function arnOf(graph: ResourceGraph, n: GraphNode): string | undefined {
  const arn = asString(graph.prop(n, "arn"));
  if (typeof arn === "string") return arn;
  const region = regionalOf(graph, n) ?? "*";
  const id = asString(graph.prop(n, "clusterIdentifier")) ?? asString(graph.prop(n, "identifier")) ?? n.name;
  const name = typeof id === "string" ? id : n.name;
  if (n.type === T.rdsCluster) return `arn:aws:rds:${region}:*:cluster:${name}`;
  if (n.type === T.rdsInstance) return `arn:aws:rds:${region}:*:db:${name}`;
  if (n.type === T.dsqlCluster) return `arn:aws:dsql:${region}:*:cluster/${name}`;
  return undefined;
}

function tagsOf(graph: ResourceGraph, n: GraphNode): Record<string, unknown> {
  const t = graph.prop(n, "tagsAll") ?? graph.prop(n, "tags");
  return t && typeof t === "object" && !Array.isArray(t) ? (t as Record<string, unknown>) : {};
}

/** Whether a backup selection picks a resource: by reference, ARN pattern, selection tag or condition. */
function selects(graph: ResourceGraph, sel: GraphNode, target: GraphNode): boolean {
  if (graph.refs(sel, "notResources").includes(target)) return false;
  if (graph.refs(sel, "resources").includes(target)) return true;
  const patterns = asList(graph.prop(sel, "resources"));
  const arn = arnOf(graph, target);
  if (!isUnknown(patterns) && arn) {
    for (const p of patterns) {
      if (typeof p !== "string" || !p.includes("*")) continue;
      const parts = p.split(":");
      if (parts.length > 4) parts[4] = "*"; // any account: the plan's own
      if (globToRegex(parts.join(":")).test(arn) || globToRegex(p).test(arn)) return true;
    }
  }
  const tags = tagsOf(graph, target);
  const selTags = asList(graph.prop(sel, "selectionTags"));
  if (!isUnknown(selTags) && selTags.some((t) => field(t, "type") === "STRINGEQUALS" && tags[String(field(t, "key"))] === field(t, "value"))) return true;
  const equals = asList(graph.prop(sel, "conditions.stringEquals") ?? graph.prop(sel, "conditions.0.stringEquals"));
  if (!isUnknown(equals) && equals.length > 0) {
    return equals.every((c) => tags[String(field(c, "key")).replace(/^aws:ResourceTag\//, "")] === field(c, "value"));
  }
  return false;
}

/**
 * S16. Every stateful resource is in a backup plan of its own region. A global database secondary
 * holds the same data as the primary, so one covered member covers its global cluster.
 */
export const backupCoverage = defineStackRule({
  name: "ha-backup-coverage",
  description: "Every stateful resource (Aurora/RDS, Aurora DSQL, DynamoDB, EFS, EBS) is selected by an AWS Backup selection in its region; one covered member covers an Aurora global cluster, one covered peer its DSQL peers.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL09-BP01", "REL09-BP03", "Config aurora-resources-protected-by-backup-plan", "NIST.800.53.R5-RDSInBackupPlan", "CKV2_AWS_8"],
  remediation: "add an aws.backup.Selection in the resource's region that lists it (resources) or matches its tags",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    // Selections that name resources are found through the reverse edge; only selections by
    // pattern, tag or condition have to be tried against each resource (few per stack).
    const byRule = graph.ofType(T.backupSelection).filter((s) => {
      const patterns = asList(graph.prop(s, "resources"));
      return isSet(graph, s, "selectionTags") || isSet(graph, s, "conditions") || (!isUnknown(patterns) && patterns.some((p) => typeof p === "string" && p.includes("*")));
    });
    const covered = (n: GraphNode) => {
      const region = regionalOf(graph, n);
      const sameRegion = (s: GraphNode) => {
        const sr = regionalOf(graph, s);
        return !sr || !region || sr === region;
      };
      return graph.incoming(n, "resources", [T.backupSelection]).some((s) => sameRegion(s) && !graph.refs(s, "notResources").includes(n))
        || byRule.some((s) => sameRegion(s) && selects(graph, s, n));
    };
    const coveredGlobal = new Set<string>();
    for (const gc of graph.ofType(T.globalCluster)) {
      const members = auroraMembers(graph, gc);
      if (members.some(covered)) members.forEach((m) => coveredGlobal.add(m.urn));
    }
    // DSQL peers commit synchronously: they hold the same data, so one covered peer covers its peering.
    for (const p of graph.ofType(T.dsqlPeering)) {
      const peers = [...graph.refs(p, "identifier"), ...graph.refs(p, "clusters")].filter((c) => c.type === T.dsqlCluster);
      if (peers.some(covered)) peers.forEach((m) => coveredGlobal.add(m.urn));
    }
    for (const n of graph.ofType(...STATEFUL)) {
      if (coveredGlobal.has(n.urn) || covered(n)) continue;
      report(n, `is selected by no AWS Backup selection in ${regionalOf(graph, n) ?? "its region"}`);
    }
  },
});

/** Vaults a plan's rules name (targetVaultName and copyActions), through the `rules` edge. */
function planVaults(graph: ResourceGraph, plan: GraphNode): GraphNode[] {
  return graph.refs(plan, "rules").filter((v) => v.type === T.backupVault);
}

function arnRegion(arn: unknown): string | undefined {
  return typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined;
}

/** S17. A backup in the failed region is gone with it; copies must land in another region. */
export const backupCrossRegionCopy = defineStackRule({
  name: "ha-backup-cross-region-copy",
  description: "Every backup plan that selects resources copies its recovery points into a vault in another region.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL09-BP01", "REL13-BP02", "Config aurora-resources-protected-by-backup-plan crossRegionList"],
  remediation: "add rules[].copyActions with destinationVaultArn of a vault in another region",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    for (const plan of graph.ofType(T.backupPlan)) {
      if (graph.incoming(plan, "planId", [T.backupSelection]).length === 0) continue;
      const region = regionalOf(graph, plan);
      const rules = asList(graph.prop(plan, "rules"));
      if (isUnknown(rules)) {
        undecided(plan, "rules are unknown");
        continue;
      }
      const copies = rules.flatMap((r) => {
        const c = asList(field(r, "copyActions"));
        return isUnknown(c) ? [] : c;
      });
      if (copies.length === 0) {
        report(plan, "has no copyActions, so its recovery points stay in the region they protect");
        continue;
      }
      const literal = copies.map((c) => arnRegion(field(c, "destinationVaultArn"))).filter((r): r is string => !!r);
      const viaGraph = planVaults(graph, plan).map((v) => regionalOf(graph, v)).filter((r): r is string => !!r);
      const destinations = new Set([...literal, ...viaGraph]);
      if (!region) continue;
      if (![...destinations].some((r) => r !== region)) {
        report(plan, `copies recovery points only within ${region} (${list([...destinations])})`, "point copyActions[].destinationVaultArn at a vault in another region");
      }
    }
  },
});

/** R28. A schedule and a retention per rule; copies kept long enough to restore from after a region loss. */
export const backupRetention = defineResourceRule<{ minRetentionDays: number; minCopyRetentionDays: number }>({
  name: "ha-backup-retention",
  description: "Every backup plan rule has a schedule (or continuous backup) and keeps recovery points and their cross-region copies for at least the minimum number of days.",
  severity: "medium",
  kind: "size",
  anchors: ["Config aurora-resources-protected-by-backup-plan minRetentionDays", "REL09-BP03"],
  remediation: "set rules[].schedule, rules[].lifecycle.deleteAfter and copyActions[].lifecycle.deleteAfter",
  scope: "resource",
  types: [T.backupPlan],
  config: {
    minRetentionDays: { type: "integer", minimum: 1, default: 7, description: "Minimum days a recovery point is kept." },
    minCopyRetentionDays: { type: "integer", minimum: 1, default: 35, description: "Minimum days a cross-region copy is kept." },
  },
  check(plan, { graph, config, report, limit }) {
    const rules = asList(graph.prop(plan, "rules"));
    if (isUnknown(rules)) return;
    for (const r of rules) {
      const name = String(field(r, "ruleName") ?? "?");
      if (field(r, "schedule") === undefined && field(r, "enableContinuousBackup") !== true) report(plan, `rule ${name} has no schedule`, `set rules[].schedule (e.g. "cron(0 5 * * ? *)") on rule ${name}`);
      const keep = asNumber(field(r, "lifecycle.deleteAfter"));
      if (typeof keep === "number" && keep < config.minRetentionDays) report(plan, `rule ${name} keeps recovery points ${keep} day(s), below ${limit("minRetentionDays")}`, `set lifecycle.deleteAfter of rule ${name} to ${config.minRetentionDays} or more`);
      const copies = asList(field(r, "copyActions"));
      if (isUnknown(copies)) continue;
      for (const c of copies) {
        const days = asNumber(field(c, "lifecycle.deleteAfter"));
        if (typeof days === "number" && days < config.minCopyRetentionDays) report(plan, `rule ${name} keeps cross-region copies ${days} day(s), below ${limit("minCopyRetentionDays")}`, `set copyActions[].lifecycle.deleteAfter of rule ${name} to ${config.minCopyRetentionDays} or more`);
      }
    }
  },
});

/** R29. Vaults encrypt with a customer key. */
export const backupVaultEncryption = defineResourceRule({
  name: "sec-backup-vault-encryption",
  description: "Backup vaults encrypt recovery points with a customer-managed KMS key.",
  severity: "high",
  kind: "security",
  anchors: ["FSBP Backup.1", "CKV_AWS_166", "REL09-BP02"],
  remediation: "set kmsKeyArn to a KMS key in the vault's region",
  scope: "resource",
  types: [T.backupVault],
  config: {},
  check(v, { graph, report }) {
    if (!isSet(graph, v, "kmsKeyArn")) report(v, "uses the AWS-managed key instead of a customer-managed KMS key (kmsKeyArn unset)");
  },
});

/** R29 (lock). A vault lock keeps an attacker or a mistake from deleting recovery points early. */
export const backupVaultLock = defineStackRule({
  name: "ha-backup-vault-lock",
  description: "Every backup vault has a vault lock configuration.",
  severity: "medium",
  kind: "protection",
  anchors: ["Config aurora-resources-protected-by-backup-plan backupVaultLockCheck", "REL09-BP02"],
  remediation: "add an aws.backup.VaultLockConfiguration (governance mode, or compliance mode with changeableForDays)",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const v of graph.ofType(T.backupVault)) {
      if (graph.incoming(v, "backupVaultName", [T.vaultLock]).length === 0) report(v, "has no vault lock, so recovery points can be deleted before their retention ends");
    }
  },
});

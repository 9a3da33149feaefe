import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, effectiveBool, effectiveNumber, field, isSet, isUnknown, list } from "../engine/values";
import { azSpan, minRegionsSpec, regionalOf, T } from "./common";

function isAurora(graph: ResourceGraph, c: GraphNode): boolean {
  const engine = asString(graph.prop(c, "engine"));
  return typeof engine !== "string" || engine.startsWith("aurora");
}

/** Member clusters of a global cluster: by `globalClusterIdentifier`, plus a `sourceDbClusterIdentifier` source. */
export function auroraMembers(graph: ResourceGraph, gc: GraphNode): GraphNode[] {
  const members = graph.incoming(gc, "globalClusterIdentifier", [T.rdsCluster]);
  for (const s of graph.refs(gc, "sourceDbClusterIdentifier")) if (s.type === T.rdsCluster && !members.includes(s)) members.push(s);
  return members;
}

/** Writer ARNs the global cluster reports (its `globalClusterMembers` output, once deployed). */
function writerArns(graph: ResourceGraph, gc: GraphNode): Set<string> | undefined {
  const members = asList(graph.prop(gc, "globalClusterMembers"));
  if (isUnknown(members)) return undefined;
  const writers = members.filter((m) => asBool(field(m, "isWriter")) === true).map((m) => field(m, "dbClusterArn")).filter((a): a is string => typeof a === "string");
  return writers.length > 0 ? new Set(writers) : undefined;
}

/**
 * A member that creates the data (holds the master user or restores a snapshot), as opposed to a
 * secondary. Once deployed, AWS reports masterUsername on secondaries too, so outputs cannot tell
 * them apart that way: the global cluster's own writer flag decides wherever it is recorded.
 */
function isPrimaryMember(graph: ResourceGraph, gc: GraphNode, c: GraphNode): boolean {
  const writers = writerArns(graph, gc);
  const arn = asString(graph.prop(c, "arn"));
  if (writers && typeof arn === "string") return writers.has(arn);
  if (isSet(graph, c, "replicationSourceIdentifier")) return false;
  return isSet(graph, c, "masterUsername") || isSet(graph, c, "snapshotIdentifier") || graph.refs(gc, "sourceDbClusterIdentifier").includes(c);
}

/**
 * S13. One writer, secondaries in other regions, consistent engine, keys from the member's own
 * region. `manageMasterUserPassword` is not supported for global database members.
 */
export const auroraGlobalTopology = defineStackRule<{ minRegions: number; requireGlobal: boolean }>({
  name: "ha-aurora-global-topology",
  description: "Each Aurora global cluster has members in at least the minimum number of regions with exactly one primary, matching engines and same-region KMS keys, and no Aurora cluster stands outside a global cluster.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL13-BP02", "Aurora global database docs"],
  remediation: "attach a secondary rds.Cluster in another region (globalClusterIdentifier, no masterUsername) to the global cluster",
  scope: "stack",
  config: {
    minRegions: minRegionsSpec,
    requireGlobal: { type: "boolean", default: true, description: "Every Aurora cluster must belong to a global cluster." },
  },
  check({ graph, config, report, limit }) {
    const inGlobal = new Set<string>();
    for (const gc of graph.ofType(T.globalCluster)) {
      const members = auroraMembers(graph, gc);
      members.forEach((m) => inGlobal.add(m.urn));
      const regions = [...new Set(members.map((m) => regionalOf(graph, m)).filter((r): r is string => !!r))];
      if (regions.length < config.minRegions) {
        report(gc, `has members in ${regions.length} region(s) (${list(regions)}), below ${limit("minRegions")} for a regional failover`, "attach a secondary rds.Cluster in another region (globalClusterIdentifier, no masterUsername)");
      }
      const primaries = members.filter((m) => isPrimaryMember(graph, gc, m));
      if (members.length > 0 && primaries.length !== 1) {
        if (primaries.length === 0) report(gc, "has no primary member (none sets masterUsername, snapshotIdentifier or is the sourceDbClusterIdentifier)", "give exactly one member masterUsername (or make it the global cluster's sourceDbClusterIdentifier)");
        else report(gc, `has ${primaries.length} primary members (${list(primaries.map((p) => p.name))}); secondaries must omit masterUsername and databaseName`, "remove masterUsername and databaseName from every member but the writer");
      }
      const engine = asString(graph.prop(gc, "engine"));
      for (const m of members) {
        const own = asString(graph.prop(m, "engine"));
        if (typeof engine === "string" && typeof own === "string" && own !== engine) report(m, `uses engine ${own} but global cluster ${gc.name} uses ${engine}`, `set engine to ${engine}`);
        if (asBool(graph.prop(m, "manageMasterUserPassword")) === true) {
          report(m, "sets manageMasterUserPassword, which Aurora global database members do not support", "generate the password (masterPasswordWo or a random secret) instead");
        }
        const region = regionalOf(graph, m);
        for (const key of graph.refs(m, "kmsKeyId").filter((k) => k.type === T.kmsKey || k.type === T.kmsReplicaKey)) {
          const keyRegion = regionalOf(graph, key);
          if (region && keyRegion && keyRegion !== region) report(m, `is in ${region} but encrypts with KMS key ${key.name} from ${keyRegion}`, "use a key (or multi-region replica key) in the cluster's own region");
        }
      }
    }
    if (!config.requireGlobal) return;
    for (const c of graph.ofType(T.rdsCluster)) {
      if (!inGlobal.has(c.urn) && isAurora(graph, c) && !isSet(graph, c, "globalClusterIdentifier")) {
        report(c, "is an Aurora cluster outside any global cluster, so its data lives in one region only", "make it a member of an rds.GlobalCluster (globalClusterIdentifier) with a secondary in another region");
      }
    }
  },
});

/** S14. Aurora fails over inside a region only to a reader in another AZ. */
export const auroraMultiAzInstances = defineStackRule<{ minInstances: number }>({
  name: "ha-aurora-multi-az-instances",
  description: "Every Aurora cluster has at least the minimum number of instances, in distinct AZs (explicit availabilityZone values, else a DB subnet group over several AZs).",
  severity: "critical",
  kind: "redundancy",
  anchors: ["FSBP RDS.15", "REL10-BP01", "aws-rds-cluster-disallow-single-availability-zone"],
  remediation: "add rds.ClusterInstances (writer plus a reader) with distinct availabilityZone values",
  scope: "stack",
  config: {
    minInstances: { type: "integer", minimum: 1, default: 2, description: "Instances per cluster (writer plus readers)." },
  },
  check({ graph, config, report, undecided, limit }) {
    for (const c of graph.ofType(T.rdsCluster)) {
      if (!isAurora(graph, c) || graph.prop(c, "engineMode") === "serverless") continue;
      const instances = graph.incoming(c, "clusterIdentifier", [T.clusterInstance]);
      if (instances.length < config.minInstances) {
        report(c, `has ${instances.length} instance(s) in distinct AZs, below ${limit("minInstances")} so a reader can take over when the writer's AZ fails`, `add rds.ClusterInstances up to ${config.minInstances}, each in a different availabilityZone`);
        continue;
      }
      const explicit = instances.map((i) => asString(graph.prop(i, "availabilityZone")));
      if (explicit.some(isUnknown)) {
        undecided(c, "instance AZs are unknown");
        continue;
      }
      const azs = new Set(explicit.filter((a): a is string => typeof a === "string"));
      if (explicit.every((a) => typeof a === "string")) {
        if (azs.size < Math.min(2, instances.length)) report(c, `places all ${instances.length} instances in ${list([...azs])}`, "give the instances distinct availabilityZone values");
        continue;
      }
      const groups = [...graph.refs(c, "dbSubnetGroupName"), ...instances.flatMap((i) => graph.refs(i, "dbSubnetGroupName"))].filter((g) => g.type === T.rdsSubnetGroup);
      const span = azSpan(graph, groups);
      if (groups.length > 0 && span.azs.length < 2) {
        if (span.unknown > 0) undecided(c, "AZs of its DB subnet group are unknown");
        else report(c, `leaves instance placement to a DB subnet group in ${list(span.azs)} only`, "add subnets of other AZs to the DB subnet group (or pin distinct availabilityZone values)");
      }
    }
  },
});

/** R20. Point-in-time restore reaches back only as far as the retention. */
export const auroraBackupRetention = defineResourceRule<{ minBackupRetentionDays: number }>({
  name: "ha-aurora-backup-retention",
  description: "Aurora and RDS Multi-AZ DB clusters keep automated backups for at least the minimum number of days (default 1 when unset).",
  severity: "medium",
  kind: "size",
  anchors: ["CKV_AWS_133", "REL09-BP03"],
  remediation: "set backupRetentionPeriod to at least the configured number of days",
  scope: "resource",
  types: [T.rdsCluster],
  config: {
    minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Minimum automated backup retention in days." },
  },
  check(c, { graph, config, report, limit }) {
    const days = effectiveNumber(graph, c, "backupRetentionPeriod", 1);
    if (typeof days === "number" && days < config.minBackupRetentionDays) {
      report(c, `keeps automated backups for ${days} day(s)${graph.prop(c, "backupRetentionPeriod") === undefined ? " (the default)" : ""}, below ${limit("minBackupRetentionDays")}`, `set backupRetentionPeriod: ${config.minBackupRetentionDays} or more (at most 35)`);
    }
  },
});

/** R21. A deleted global cluster or member takes a region's copy of the data with it. */
export const auroraDeletionProtection = defineResourceRule({
  name: "ha-aurora-deletion-protection",
  description: "Aurora clusters and global clusters have deletion protection enabled.",
  severity: "high",
  kind: "protection",
  anchors: ["FSBP RDS.7", "CKV_AWS_139", "AwsSolutions-RDS10", "CT.RDS.PR.3"],
  remediation: "set deletionProtection: true",
  scope: "resource",
  types: [T.rdsCluster, T.globalCluster],
  config: {},
  check(c, { graph, report }) {
    if (effectiveBool(graph, c, "deletionProtection", false) === false) report(c, "has deletion protection off (the default)");
  },
});

/** R22. Storage encryption cannot be turned on later without a snapshot restore. */
export const auroraEncryption = defineResourceRule({
  name: "sec-aurora-encryption",
  description: "Aurora clusters and global clusters encrypt storage at rest.",
  severity: "critical",
  kind: "security",
  anchors: ["FSBP RDS.27", "CKV_AWS_96", "CKV_AWS_140", "AwsSolutions-RDS2"],
  remediation: "set storageEncrypted: true (with a kmsKeyId from the cluster's own region)",
  scope: "resource",
  types: [T.rdsCluster, T.globalCluster],
  config: {},
  check(c, { graph, report }) {
    const enc = effectiveBool(graph, c, "storageEncrypted", false);
    // A cluster given a KMS key is encrypted even without the flag.
    if (enc === false && !isSet(graph, c, "kmsKeyId")) report(c, "does not encrypt its storage (storageEncrypted defaults to false)");
  },
});

/** R24. Backtrack is unsupported for global database members; other packs demand it wrongly. */
export const auroraBacktrackCompat = defineResourceRule({
  name: "ha-aurora-backtrack-compat",
  description: "Aurora clusters in a global database do not enable Backtrack, which global databases do not support.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["AWS Prescriptive Guidance (Aurora global databases)", "contrast FSBP RDS.14", "contrast AwsSolutions-RDS14", "contrast CKV_AWS_326"],
  remediation: "remove backtrackWindow; use point-in-time restore and AWS Backup instead",
  scope: "resource",
  types: [T.rdsCluster],
  config: {},
  check(c, { graph, report }) {
    const window = asNumber(graph.prop(c, "backtrackWindow"));
    if (typeof window === "number" && window > 0 && isSet(graph, c, "globalClusterIdentifier")) {
      report(c, `sets backtrackWindow ${window} on a global database member`, "remove backtrackWindow (use point-in-time restore and AWS Backup instead)");
    }
  },
});

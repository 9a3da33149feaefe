import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, asList, asString, field, isUnknown, list } from "../engine/values";
import { regionalOf, T } from "./common";
import { perGraph } from "../../graph/memo";

/**
 * S3 buckets in a multi-region design. A bucket lives in one region: its objects survive a region
 * loss only as replicas in a bucket elsewhere, and replication (and recovery from a bad write)
 * needs versioning. Judged only when the stack spans two or more regions; buckets that only
 * receive logs, or that are themselves replication destinations, need no replica of their own.
 */

const regionCount = perGraph((graph): number => {
  const regions = new Set<string>();
  for (const r of graph.managed()) {
    if (!r.type.startsWith("aws:")) continue;
    const region = regionalOf(graph, r);
    if (region) regions.add(region);
  }
  return regions.size;
});

/** "Enabled", "Suspended", "Disabled", "unknown" or undefined (never configured). */
function versioningOf(graph: ResourceGraph, bucket: GraphNode): string | undefined {
  for (const v of graph.incoming(bucket, "bucket", T.bucketVersionings)) {
    const status = asString(graph.prop(v, "versioningConfiguration.status"));
    if (isUnknown(status)) return "unknown";
    if (typeof status === "string") return status;
  }
  // Inline: `versioning` on aws.s3.Bucket, a `versionings` list on the deprecated BucketV2.
  const v2 = asList(graph.prop(bucket, "versionings"));
  const inline = isUnknown(v2) ? v2 : v2.length > 0 ? asBool(field(v2[0], "enabled")) : asBool(graph.prop(bucket, "versioning.enabled"));
  if (isUnknown(inline)) return "unknown";
  return inline === true ? "Enabled" : inline === false ? "Suspended" : undefined;
}

interface Replication {
  readonly destinations: GraphNode[];
  readonly unresolved: boolean;
  readonly enabledRules: number;
}

/** Enabled replication rules of a bucket (a BucketReplicationConfig on it, or its inline configuration). */
function replicationOf(graph: ResourceGraph, bucket: GraphNode): Replication {
  const destinations: GraphNode[] = [];
  let unresolved = false;
  let enabledRules = 0;
  const visit = (holder: GraphNode, rulesPath: string) => {
    const rules = asList(graph.prop(holder, rulesPath));
    if (isUnknown(rules)) {
      unresolved = true;
      return;
    }
    for (const r of rules) {
      if (field(r, "status") !== "Enabled") continue;
      enabledRules++;
    }
    const found = graph.refs(holder, rulesPath).filter((d) => (T.buckets as readonly string[]).includes(d.type) && d !== bucket);
    if (enabledRules > 0 && found.length === 0) unresolved = true;
    destinations.push(...found);
  };
  for (const c of graph.incoming(bucket, "bucket", [T.bucketReplication])) visit(c, "rules");
  if (graph.prop(bucket, "replicationConfiguration") !== undefined) visit(bucket, "replicationConfiguration.rules");
  const v2 = asList(graph.prop(bucket, "replicationConfigurations"));
  if (isUnknown(v2)) unresolved = true;
  else v2.forEach((_, i) => visit(bucket, `replicationConfigurations.${i}.rules`));
  return { destinations, unresolved, enabledRules };
}

interface BucketRoles {
  readonly destinations: Set<string>;
  readonly logTargets: Set<string>;
}

/** Buckets that receive replicas or only logs (S3 server access logs, load balancer access logs). */
const rolesOf = perGraph((graph): BucketRoles => {
  const isBucket = (d: GraphNode) => (T.buckets as readonly string[]).includes(d.type);
  const destinations = new Set<string>();
  for (const c of graph.ofType(T.bucketReplication)) graph.refs(c, "rules").filter(isBucket).forEach((b) => destinations.add(b.urn));
  for (const b of graph.ofType(...T.buckets)) {
    for (const key of ["replicationConfiguration", "replicationConfigurations"]) graph.refs(b, key).filter((d) => isBucket(d) && d !== b).forEach((d) => destinations.add(d.urn));
  }
  const logTargets = new Set<string>();
  for (const l of graph.ofType(...T.bucketLoggings)) graph.refs(l, "targetBucket").filter(isBucket).forEach((b) => logTargets.add(b.urn));
  for (const b of graph.ofType(...T.buckets)) {
    for (const key of ["logging", "loggings"]) graph.refs(b, key).filter((d) => isBucket(d) && d !== b).forEach((d) => logTargets.add(d.urn));
  }
  for (const lb of graph.ofType(...T.loadBalancers, T.classicLoadBalancer)) graph.refs(lb, "accessLogs").filter(isBucket).forEach((b) => logTargets.add(b.urn));
  return { destinations, logTargets };
});

export const s3Versioning = defineStackRule({
  name: "ha-s3-versioning",
  description: "In a stack that spans two or more regions, every S3 bucket has versioning enabled (replication requires it, and it is the way back from a bad write or delete).",
  severity: "medium",
  kind: "redundancy",
  anchors: ["NIST.800.53.R5-S3BucketVersioningEnabled", "CKV_AWS_21", "REL09-BP01"],
  remediation: "add an aws.s3.BucketVersioning with versioningConfiguration.status \"Enabled\"",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    if (regionCount(graph) < 2) return;
    for (const bucket of graph.ofType(...T.buckets)) {
      const status = versioningOf(graph, bucket);
      if (status === "unknown") undecided(bucket, "versioning status is unknown");
      else if (status !== "Enabled") report(bucket, status === undefined ? "has no versioning configuration, so objects are unversioned" : `has versioning ${status}`);
    }
  },
});

export const s3CrossRegionReplication = defineStackRule({
  name: "ha-s3-cross-region-replication",
  description: "In a stack that spans two or more regions, every S3 bucket that holds data (not a log target or a replica) replicates to a bucket in another region.",
  severity: "high",
  kind: "redundancy",
  anchors: ["NIST.800.53.R5-S3BucketReplicationEnabled", "CKV_AWS_144", "REL10-BP01", "REL09-BP01"],
  remediation: "add an aws.s3.BucketReplicationConfig with an Enabled rule whose destination bucket is in the other region",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    if (regionCount(graph) < 2) return;
    const roles = rolesOf(graph);
    for (const bucket of graph.ofType(...T.buckets)) {
      if (roles.destinations.has(bucket.urn) || roles.logTargets.has(bucket.urn)) continue;
      const region = regionalOf(graph, bucket);
      const { destinations, unresolved, enabledRules } = replicationOf(graph, bucket);
      if (enabledRules === 0 && !unresolved) {
        report(bucket, `is not replicated, so its objects live only in ${region ?? "its region"}`);
        continue;
      }
      const regions = [...new Set(destinations.map((d) => regionalOf(graph, d)).filter((r): r is string => !!r))];
      if (regions.some((r) => r !== region)) continue;
      if (unresolved || regions.length === 0) undecided(bucket, "region of its replication destination is unknown");
      else report(bucket, `replicates only within ${list(regions)}, so a loss of ${region} loses the bucket and its replica together`, "point the replication rule's destination.bucket at a bucket in another region");
    }
  },
});

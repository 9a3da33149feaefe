import type { GraphNode } from "../graph/model";

/**
 * On this blueprint's own plan a finding is fixed in the stack file, not in the resource: the
 * `ha-blueprint:` key (config/schema.ts) that sets what the rule judges. Elsewhere the message's
 * resource property is the fix. Only keys that exist in the schema are listed.
 */
const STACK_KEYS: Readonly<Record<string, string | ((message: string) => string | undefined)>> = {
  "ha-vpc-multi-az": "ha-blueprint:regions[].azCount",
  "ha-subnet-groups-multi-az": "ha-blueprint:regions[].azCount",
  "ha-lb-multi-az": "ha-blueprint:regions[].azCount",
  "ha-eks-nodegroups-span-azs": "ha-blueprint:regions[].azCount",
  // The multi-writer kinds (CONTRACT-DATA-KINDS: sessionStore.kind, database.kind, database.dsql.witnessRegion).
  "ha-memorydb-multi-az": (m) => (/numReplicasPerShard/.test(m) ? "ha-blueprint:sessionStore.replicasPerShard" : "ha-blueprint:regions[].azCount"),
  "ha-memorydb-multi-region": (m) => (/regional cluster in|region\(s\)/.test(m) ? "ha-blueprint:regions" : undefined),
  "ha-dsql-multi-region": (m) => (/witness/.test(m) ? "ha-blueprint:database.dsql.witnessRegion" : /no peer in|region\(s\)/.test(m) ? "ha-blueprint:regions" : undefined),
  "ha-dsql-deletion-protection": "ha-blueprint:database.deletionProtection",
  "ha-nat-no-single-point": "ha-blueprint:network.natGateways",
  "ha-nodegroup-scaling": "ha-blueprint:app.eks.instanceTypes",
  "ha-k8s-min-replicas": "ha-blueprint:app.replicasPerRegion",
  "ha-k8s-hpa-bounds": "ha-blueprint:app.replicasPerRegion",
  "ha-aurora-multi-az-instances": "ha-blueprint:database.instancesPerRegion",
  "ha-aurora-backup-retention": "ha-blueprint:database.backupRetentionDays",
  "ha-aurora-deletion-protection": "ha-blueprint:database.deletionProtection",
  "ha-redis-multi-az-failover": "ha-blueprint:sessionStore.nodesPerRegion",
  "ha-redis-snapshots": "ha-blueprint:sessionStore.snapshotRetentionDays",
  "ha-memorydb-snapshots": "ha-blueprint:sessionStore.snapshotRetentionDays",
  "ha-backup-retention": (m) => (/cross-region copies/.test(m) ? "ha-blueprint:backup.copyRetentionDays" : /keeps recovery points/.test(m) ? "ha-blueprint:backup.retentionDays" : undefined),
  "ha-min-regions": "ha-blueprint:regions",
  "ha-tier-in-every-region": "ha-blueprint:regions",
};

/** This program's Pulumi project (Pulumi.yaml `name`), the second field of every URN it creates. */
export const BLUEPRINT_PROJECT = "ha-blueprint";

/**
 * Whether a resource comes from this blueprint's program. The URN says so in every mode (a resource
 * policy sees no provider of a Kubernetes resource's cluster, but always its URN).
 */
export function isOwnPlan(n: GraphNode): boolean {
  return n.urn.split("::")[1] === BLUEPRINT_PROJECT;
}

/** The stack-file key behind a rule's finding (its message) on this blueprint's plan, if the schema has one. */
export function stackKeyFor(rule: string, message: string): string | undefined {
  const key = STACK_KEYS[rule];
  return typeof key === "function" ? key(message) : key;
}

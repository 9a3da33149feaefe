/**
 * The data-store kinds and the AWS facts that decide where and how each can run. Pure (no Pulumi
 * runtime), so config validation, components and tests share one copy. Every list names its
 * source; when AWS extends one, change it here.
 */

export const DATABASE_KINDS = ["aurora-global", "aurora-dsql"] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export const SESSION_STORE_KINDS = ["memorydb-multi-region", "elasticache-global"] as const;
export type SessionStoreKind = (typeof SESSION_STORE_KINDS)[number];

/** Kinds where every region takes writes locally, so losing a region needs no promotion. */
export function isMultiWriter(kind: DatabaseKind | SessionStoreKind): boolean {
  return kind === "aurora-dsql" || kind === "memorydb-multi-region";
}

// ---- MemoryDB Multi-Region ----
// MemoryDB Developer Guide, "Prerequisites and limitations" of MemoryDB Multi-Region
// (https://docs.aws.amazon.com/memorydb/latest/devguide/multi-region.prereq.html): the Regions,
// "R7g nodes of size XL and above", "Valkey engine version 7.3 and above", up to five Regions.

/** Regions where MemoryDB Multi-Region is offered. */
export const MEMORYDB_MULTI_REGION_REGIONS: readonly string[] = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "eu-west-1", "eu-central-1", "eu-west-2",
  "ap-northeast-1", "ap-southeast-2", "ap-south-1", "ap-northeast-2", "ap-southeast-1",
];

/** A multi-Region cluster replicates between at most this many Regions. */
export const MEMORYDB_MULTI_REGION_MAX_REGIONS = 5;

/** MemoryDB listens on 6379 unless told otherwise; the blueprint keeps the default. */
export const MEMORYDB_PORT = 6379;

const R7G_XL_AND_UP = /^db\.r7g\.(xlarge|[1-9]\d*xlarge)$/;

/** Why a node type cannot run MemoryDB Multi-Region, or undefined when it can. */
export function memorydbNodeTypeProblem(nodeType: string): string | undefined {
  if (/^cache\./.test(nodeType)) return "is an ElastiCache node type; MemoryDB node types start with db. (e.g. db.r7g.xlarge)";
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType)) return "is not a MemoryDB node type; expected e.g. db.r7g.xlarge";
  if (!R7G_XL_AND_UP.test(nodeType)) return "is not allowed: MemoryDB Multi-Region runs on R7g nodes of size xlarge and above (db.r7g.xlarge, db.r7g.2xlarge, ...)";
  return undefined;
}

/** Why a Valkey version cannot run MemoryDB Multi-Region (7.3 and newer), or undefined. */
export function memorydbVersionProblem(engineVersion: string): string | undefined {
  if (!/^\d+\.\d+$/.test(engineVersion)) return "is not a MemoryDB engine version; quote a major.minor such as \"7.3\"";
  const [major, minor] = engineVersion.split(".").map(Number);
  return major > 7 || (major === 7 && minor >= 3) ? undefined : "is too old: MemoryDB Multi-Region needs Valkey 7.3 or newer";
}

// ---- Aurora DSQL multi-Region ----
// Aurora DSQL User Guide, "What is Amazon Aurora DSQL?", Region availability: multi-Region
// clusters are created within one Region set; a cluster spanning two sets (e.g. us-east-1 and
// eu-west-1) is refused. The witness belongs to the same set. The AWS Backup Developer Guide,
// "Amazon Aurora DSQL backups", lists the same groups and adds the Canada Regions to the
// Americas group. A multi-Region cluster has two peered Regions and one witness Region
// (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/configuring-multi-region-clusters.html).

export const DSQL_REGION_SETS: Readonly<Record<string, readonly string[]>> = {
  americas: ["us-east-1", "us-east-2", "us-west-2", "ca-central-1", "ca-west-1"],
  europe: ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"],
  "asia-pacific": ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"],
};

/** Peered clusters (Regions with an endpoint) in one multi-Region cluster. */
export const DSQL_MAX_PEERS = 2;

/** PostgreSQL wire port and the one database every DSQL cluster has. */
export const DSQL_PORT = 5432;
export const DSQL_DATABASE = "postgres";

/** The Region set a Region belongs to, or undefined when DSQL multi-Region is not offered there. */
export function dsqlRegionSetOf(region: string): string | undefined {
  return Object.entries(DSQL_REGION_SETS).find(([, regions]) => regions.includes(region))?.[0];
}

/** `<identifier>.dsql.<region>.on.aws`: the cluster's PostgreSQL endpoint (Aurora DSQL User Guide, "Accessing Aurora DSQL"). */
export function dsqlEndpoint(identifier: string, region: string): string {
  return `${identifier}.dsql.${region}.on.aws`;
}

/**
 * Why a set of peer Regions and a witness cannot form one DSQL multi-Region cluster, as
 * `[key, message]` pairs, or an empty list.
 */
export function dsqlPlacementProblems(peers: readonly string[], witness: string): { key: "witnessRegion" | "regions"; message: string }[] {
  const problems: { key: "witnessRegion" | "regions"; message: string }[] = [];
  if (peers.includes(witness)) {
    problems.push({ key: "witnessRegion", message: `is one of the stack's regions (${peers.join(", ")}); the witness must be a third Region that holds no cluster` });
  }
  if (peers.length > DSQL_MAX_PEERS) {
    problems.push({ key: "regions", message: `lists ${peers.length} regions; an Aurora DSQL multi-Region cluster peers at most ${DSQL_MAX_PEERS} Regions (plus a witness)` });
  }
  const sets = new Map<string, string[]>();
  for (const region of [...peers, witness]) {
    const set = dsqlRegionSetOf(region) ?? "none";
    sets.set(set, [...(sets.get(set) ?? []), region]);
  }
  const unsupported = sets.get("none");
  if (unsupported) {
    problems.push({ key: unsupported.includes(witness) && !peers.includes(witness) ? "witnessRegion" : "regions", message: `${unsupported.join(", ")} ${unsupported.length === 1 ? "is" : "are"} in no Aurora DSQL multi-Region Region set (${describeSets()})` });
  } else if (sets.size > 1) {
    problems.push({ key: "regions", message: `peers and witness span the Region sets ${[...sets.entries()].map(([set, rs]) => `${set} (${rs.join(", ")})`).join(" and ")}; an Aurora DSQL multi-Region cluster stays within one set (${describeSets()})` });
  }
  return problems;
}

function describeSets(): string {
  return Object.entries(DSQL_REGION_SETS).map(([set, regions]) => `${set}: ${regions.join(", ")}`).join("; ");
}

/**
 * Pure rules about the data-tier engines: ports, parameter-group families, log types, placement of
 * instances and nodes over AZs. Kept apart from the components so tests and the schema can use
 * them without the Pulumi runtime.
 */

export type AuroraEngine = "aurora-postgresql" | "aurora-mysql";
export type CacheEngine = "redis" | "valkey";

/** Default listener port of each Aurora engine. */
export function auroraPort(engine: AuroraEngine): number {
  return engine === "aurora-postgresql" ? 5432 : 3306;
}

/** ElastiCache (Redis OSS and Valkey) default port. */
export const CACHE_PORT = 6379;

/**
 * Cluster parameter-group family for an engine version: `aurora-postgresql16` for "16.6",
 * `aurora-mysql8.0` for "8.0.mysql_aurora.3.08.0" (Aurora MySQL 3), `aurora-mysql5.7` for 2.x.
 */
export function auroraParameterGroupFamily(engine: AuroraEngine, engineVersion: string): string {
  const [major, minor] = engineVersion.split(".");
  if (engine === "aurora-postgresql") return `aurora-postgresql${major}`;
  return `aurora-mysql${major}.${minor ?? "0"}`;
}

/** CloudWatch log types each engine can export (what an operator needs after an incident). */
export function auroraLogExports(engine: AuroraEngine): string[] {
  return engine === "aurora-postgresql" ? ["postgresql"] : ["audit", "error", "slowquery"];
}

/**
 * Cluster parameters every regional cluster gets: TLS is enforced for every client connection,
 * and PostgreSQL's managed RPO bound when one is configured. The bound is set on every member,
 * not only the first writer: a promoted secondary keeps its own parameter group, so a bound set
 * only on the old writer lapses at the first switchover (Aurora User Guide, "Managing RPOs for
 * Aurora PostgreSQL-based global databases").
 */
export function auroraClusterParameters(
  engine: AuroraEngine,
  options: { readonly globalDbRpoSeconds?: number },
): { name: string; value: string; applyMethod: "immediate" | "pending-reboot" }[] {
  const params: { name: string; value: string; applyMethod: "immediate" | "pending-reboot" }[] =
    engine === "aurora-postgresql"
      ? [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]
      : [{ name: "require_secure_transport", value: "ON", applyMethod: "immediate" }];
  if (engine === "aurora-postgresql" && options.globalDbRpoSeconds !== undefined) {
    params.push({ name: "rds.global_db_rpo", value: String(options.globalDbRpoSeconds), applyMethod: "immediate" });
  }
  return params;
}

/** Index of the AZ that member `i` of `count` goes to: round-robin, so every AZ is used before any repeats. */
export function zoneIndexFor(i: number, zoneCount: number): number {
  if (zoneCount < 1) throw new Error("zoneIndexFor: at least one AZ is needed");
  return i % zoneCount;
}

/**
 * Aurora promotion tier of instance `i` (0 = the intended writer). Tier 1 goes to the instance in
 * the next AZ, so the preferred failover target never shares the writer's AZ; RDS allows 0..15.
 */
export function promotionTierFor(i: number): number {
  return Math.min(i, 15);
}

/** Whether an instance class can join an Aurora global database (memory-optimised only). */
export function isGlobalDatabaseInstanceClass(instanceClass: string): boolean {
  return /^db\.(r\d+[a-z]*|x\d+[a-z]*)\.[a-z0-9]+$/.test(instanceClass);
}

/** Why a node type cannot join a global datastore, or undefined when it can. */
export function globalDatastoreNodeTypeProblem(nodeType: string): string | undefined {
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType)) return "is not an ElastiCache node type; expected e.g. cache.r7g.large";
  if (/^cache\.t\d/.test(nodeType)) return "is not allowed: global datastores do not support burstable cache.t* nodes";
  if (/\.(micro|small|medium)$/.test(nodeType)) return "is not allowed: global datastores need node size large or bigger";
  if (!/^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\./.test(nodeType)) {
    return "is not allowed: global datastores support the m5, m6g, m7g, r5, r6g, r6gd, r7g and c7gn families";
  }
  return undefined;
}

function versionAtLeast(version: string, minimum: number[]): boolean {
  const parts = version.split(".").map((p) => parseInt(p, 10));
  for (let i = 0; i < minimum.length; i++) {
    const v = Number.isNaN(parts[i]) || parts[i] === undefined ? 0 : parts[i];
    if (v !== minimum[i]) return v > minimum[i];
  }
  return true;
}

/**
 * Why an engine version cannot run a global database with write forwarding, or undefined.
 * Aurora PostgreSQL global write forwarding needs 14.9+, 15.4+ or 16+.
 */
export function auroraVersionProblem(engine: AuroraEngine, engineVersion: string): string | undefined {
  if (engine !== "aurora-postgresql") return undefined;
  const major = parseInt(engineVersion.split(".")[0], 10);
  // A bare major resolves to the newest minor AWS offers, which has forwarding from 14 on.
  if (isMajorOnly(engineVersion)) return major >= 14 ? undefined : "is too old: Aurora PostgreSQL global write forwarding needs 14.9+, 15.4+ or 16 and newer";
  const ok = major >= 16 || (major === 15 && versionAtLeast(engineVersion, [15, 4])) || (major === 14 && versionAtLeast(engineVersion, [14, 9]));
  return ok ? undefined : "is too old: Aurora PostgreSQL global write forwarding needs 14.9+, 15.4+ or 16 and newer";
}

/** "16": a major version whose minor is resolved from AWS at deploy time. */
export function isMajorOnly(engineVersion: string): boolean {
  return /^\d+$/.test(engineVersion);
}

/** Why an engine version cannot form a global datastore, or undefined (Valkey 7.2+, Redis OSS 5.0.6+). */
export function cacheVersionProblem(engine: CacheEngine, engineVersion: string): string | undefined {
  if (engine === "valkey") {
    return versionAtLeast(engineVersion, [7, 2]) ? undefined : "is too old: Valkey global datastores need 7.2 or newer";
  }
  return versionAtLeast(engineVersion, [5, 0, 6]) ? undefined : "is too old: Redis OSS global datastores need 5.0.6 or newer";
}

/**
 * How a bare major is resolved from AWS (dev and staging; prod pins a full version): the version
 * AWS designates as the default of that major (`defaultOnly`), among versions that can join a
 * global database (RDS API Reference, DescribeDBEngineVersions, filter `engine-mode`: "global").
 * Not `latest`: the provider sorts the matches by their `CreateTime` and takes the last
 * (terraform-provider-aws, rds engine_version data source, `sortEngineVersions`; "best-effort" in
 * the aws.rds.getEngineVersion docs), which can land on a special build such as `-limitless`.
 * With `defaultOnly` and a major, RDS returns that major's one default, so no sort is involved.
 */
export function engineVersionLookup(engine: AuroraEngine, major: string): {
  engine: AuroraEngine; version: string; defaultOnly: true; filters: { name: string; values: string[] }[];
} {
  return { engine, version: major, defaultOnly: true, filters: [{ name: "engine-mode", values: ["global"] }] };
}

/** Why a version AWS returned for a bare major cannot be used, or undefined. */
export function resolvedVersionProblem(version: string, supportsGlobalDatabases: boolean): string | undefined {
  if (/limitless/i.test(version)) return `${version} is an Aurora Limitless Database build, which cannot join a global database`;
  if (!supportsGlobalDatabases) return `${version} does not support global databases`;
  return undefined;
}

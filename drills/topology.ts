import * as fs from "node:fs";
import { z } from "zod";
import type { BudgetSettings, RegionBudgetSettings, Setting } from "../analysis/budget";
import { TIMINGS } from "../analysis/constants";
import type { StackConfig } from "../config/parse";
import { describeJsonError } from "../graph/json";

/**
 * The ONE place that reads the stack's `topology` output for drills and the budget. The tier
 * components fill the per-tier fields; their names live here only, so a rename is a one-file change.
 * Fields the drill needs are optional in the schema and required by the accessors below, which
 * name every missing field at once.
 */

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TopologyError";
  }
}

const positiveInt = z.number().int().positive();

const regionSchema = z.object({
  name: z.string().min(1),
  isWriter: z.boolean().optional(),
  availabilityZones: z.array(z.string()).min(1),
  app: z
    .object({
      albArn: z.string().optional(),
      targetGroupArn: z.string().optional(),
      healthCheck: z
        .object({ intervalSeconds: positiveInt.optional(), unhealthyThreshold: positiveInt.optional(), healthyThreshold: positiveInt.optional() })
        .optional(),
      listenerPorts: z.array(positiveInt).optional(),
      /** The ALB's own DNS name: the drill asks each region's app whether it writes through it. */
      albDnsName: z.string().optional(),
      /** Pods the region runs in steady state: the healthy-target floor the drill checks. */
      replicas: positiveInt.optional(),
      capacity: z.enum(["provisioned", "scalable"]).optional(),
    })
    .optional(),
  database: z
    .object({
      clusterIdentifier: z.string().optional(),
      clusterArn: z.string().optional(),
      readerEndpoint: z.string().optional(),
      instanceCount: positiveInt.optional(),
      /** The cluster's security group: the fence rewrites its app ingress rules. */
      securityGroupId: z.string().optional(),
    })
    .optional(),
  sessions: z
    .object({
      kind: z.enum(["elasticache-global", "memorydb-multi-region"]).optional(),
      replicationGroupId: z.string().optional(),
      nodeCount: positiveInt.optional(),
      primaryEndpoint: z.string().optional(),
      securityGroupId: z.string().optional(),
    })
    .optional(),
});

const objective = z.object({ rtoSeconds: z.number().positive(), rpoSeconds: z.number().nonnegative() });

export const topologySchema = z.object({
  version: z.literal(1),
  stack: z.string().min(1),
  environment: z.string().optional(),
  writerRegion: z.string().min(1),
  objectives: z.object({ availabilityPercent: z.number(), azLoss: objective, regionLoss: objective }),
  regions: z.array(regionSchema).min(1),
  database: z
    .object({
      globalClusterIdentifier: z.string().optional(),
      endpoint: z.string().optional(),
      engine: z.string().optional(),
      port: positiveInt.optional(),
      globalDbRpoSeconds: positiveInt.optional(),
      /** Regions whose parameter group sets rds.global_db_rpo: the bound holds only while one of them writes. */
      rpoBoundRegions: z.array(z.string()).optional(),
      initialWriterRegion: z.string().optional(),
    })
    .optional(),
  sessions: z
    .object({
      /** Absent in topologies older than the data kinds (issue 17): those were all ElastiCache. */
      kind: z.enum(["elasticache-global", "memorydb-multi-region"]).optional(),
      globalReplicationGroupId: z.string().optional(),
      port: positiveInt.optional(),
      /** The private CNAME every region writes sessions through; the drill repoints it. */
      writerRecord: z
        .object({
          hostedZoneId: z.string().min(1),
          name: z.string().min(1),
          type: z.literal("CNAME"),
          ttlSeconds: z.number().int().nonnegative(),
          targets: z.record(z.string(), z.string()),
        })
        .optional(),
    })
    .optional(),
  /** components/recovery: the Region switch plan the drill starts, and what zonal autoshift covers. */
  recovery: z
    .object({
      planArn: z.string().optional(),
      planName: z.string().optional(),
      automaticTriggers: z.boolean().optional(),
      ungracefulDatabaseFailover: z.enum(["approval", "automatic"]).optional(),
      probeFailureMinutes: positiveInt.optional(),
      zonalAutoshift: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  routing: z
    .object({
      mode: z.enum(["accelerator", "route53"]).optional(),
      acceleratorArn: z.string().optional(),
      /** Region name to Global Accelerator endpoint group ARN. */
      endpointGroupArns: z.record(z.string(), z.string()).optional(),
      /** Region name to Route 53 health check id. */
      healthCheckIds: z.record(z.string(), z.string()).optional(),
      failureThreshold: positiveInt.optional(),
      requestInterval: positiveInt.optional(),
    })
    .optional(),
});

export type DrillTopology = z.output<typeof topologySchema>;
export type RegionTopology = DrillTopology["regions"][number];

function pathText(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

type Loose = Record<string, unknown>;
const isLoose = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Maps the stack's `topology` output (components/topology.ts) onto the flat fields the drill reads:
 * the global writer endpoint, and the accelerator's or Route 53's per-region ids.
 */
export function normalizeTopology(raw: unknown): unknown {
  if (!isLoose(raw)) return raw;
  const out: Loose = { ...raw };
  if (isLoose(raw.database)) {
    out.database = { ...raw.database, endpoint: raw.database.endpoint ?? raw.database.writerEndpoint };
  }
  if (Array.isArray(raw.regions)) {
    out.regions = raw.regions.map((r) => {
      if (!isLoose(r) || !isLoose(r.app) || !isLoose(r.app.capacity)) return r;
      const capacity = r.app.capacity;
      const nodes = isLoose(capacity.nodesPerAz) ? Number(capacity.nodesPerAz.min) * Number(capacity.azCount) : undefined;
      // Targets are what the ALB health-checks: nodes for `instance` targets, pods for `ip`.
      const replicas = r.app.targetType === "instance" ? nodes : capacity.hpaMinReplicas;
      return { ...r, app: { ...r.app, capacity: capacity.mode, replicas } };
    });
  }
  const routing = raw.routing;
  if (isLoose(routing) && (isLoose(routing.accelerator) || isLoose(routing.route53))) {
    const flat: Loose = { mode: routing.mode };
    if (isLoose(routing.accelerator)) {
      flat.acceleratorArn = routing.accelerator.arn;
      const groups = isLoose(routing.accelerator.endpointGroups) ? routing.accelerator.endpointGroups : {};
      flat.endpointGroupArns = Object.fromEntries(Object.entries(groups).map(([region, g]) => [region, isLoose(g) ? g.arn : undefined]));
    }
    if (isLoose(routing.route53)) {
      const regions = isLoose(routing.route53.regions) ? routing.route53.regions : {};
      flat.healthCheckIds = Object.fromEntries(Object.entries(regions).map(([region, r]) => [region, isLoose(r) ? r.healthCheckId : undefined]));
      flat.failureThreshold = routing.route53.failureThreshold;
      flat.requestInterval = routing.route53.requestIntervalSeconds;
    }
    out.routing = flat;
  }
  return out;
}

/** Validates a topology object; `origin` names where it came from in error messages. */
export function parseTopology(raw: unknown, origin: string): DrillTopology {
  const result = topologySchema.safeParse(normalizeTopology(raw));
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `topology.${pathText(i.path)}: ${i.message}`);
  const shown = problems.slice(0, 3).join("; ");
  throw new TopologyError(`${origin} is not a usable topology: ${shown}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`);
}

const TOPOLOGY_SOURCES = "`pulumi stack output topology --json`, `pulumi stack export`, or `ha-blueprint plan --out`";

/** The topology output of a state's root stack resource (stack export or checkpoint). */
function fromStateResources(resources: unknown[], origin: string, kind: string): DrillTopology {
  const root = resources.find((r) => (r as { type?: unknown })?.type === "pulumi:pulumi:Stack") as { outputs?: Record<string, unknown> } | undefined;
  if (!root?.outputs?.topology) {
    throw new TopologyError(`${origin}: the ${kind} has no pulumi:pulumi:Stack resource with a topology output (deploy the stack first, or give ${TOPOLOGY_SOURCES})`);
  }
  return parseTopology(root.outputs.topology, origin);
}

/**
 * Finds the topology in any of: `pulumi stack export` JSON (root Stack resource's outputs),
 * `pulumi stack output --json` (all outputs) or `pulumi stack output topology --json`.
 */
export function extractTopology(doc: unknown, origin: string): DrillTopology {
  const obj = doc as Record<string, unknown> | null;
  if (!obj || typeof obj !== "object") throw new TopologyError(`${origin}: expected a JSON object`);
  const deployment = obj.deployment as { resources?: unknown } | undefined;
  if (deployment && Array.isArray(deployment.resources)) return fromStateResources(deployment.resources, origin, "stack export");
  const latest = (obj.checkpoint as { latest?: { resources?: unknown } } | undefined)?.latest;
  if (latest && Array.isArray(latest.resources)) return fromStateResources(latest.resources, origin, "checkpoint");
  if (Array.isArray(obj.steps)) {
    throw new TopologyError(`${origin} is \`pulumi preview --json\` output, which holds no deployed identifiers; give ${TOPOLOGY_SOURCES}`);
  }
  if ("topology" in obj && !("regions" in obj)) return parseTopology(obj.topology, origin);
  if (!("regions" in obj) && !("writerRegion" in obj)) {
    throw new TopologyError(`${origin} holds no topology (no regions, writerRegion or topology output); give ${TOPOLOGY_SOURCES}`);
  }
  return parseTopology(obj, origin);
}

/** True for a plan written by `ha-blueprint plan` (mock runtime): its identifiers are not real. */
export function isOfflinePlan(doc: unknown): boolean {
  const version = (doc as { deployment?: { manifest?: { version?: unknown } } } | null)?.deployment?.manifest?.version;
  return typeof version === "string" && version.includes("mock runtime");
}

export function readTopologyFile(file: string): { topology: DrillTopology; offlinePlan: boolean } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new TopologyError(`cannot read topology file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TopologyError(`${file} is not JSON (${describeJsonError(text, err)}); write it with \`ha-blueprint plan --out\` or \`pulumi stack output topology --json\``);
  }
  return { topology: extractTopology(doc, file), offlinePlan: isOfflinePlan(doc) };
}

export function regionOf(t: DrillTopology, name: string): RegionTopology {
  const r = t.regions.find((x) => x.name === name);
  if (!r) throw new TopologyError(`region ${name} is not in the topology (regions: ${t.regions.map((x) => x.name).join(", ")})`);
  return r;
}

/** Everything a region drill talks to, resolved from the topology. */
export interface RegionTargets {
  readonly region: string;
  readonly availabilityZones: readonly string[];
  readonly auroraClusterId: string;
  readonly auroraClusterArn: string;
  /** ElastiCache replication group of the region; "" when the session store is not elasticache-global. */
  readonly replicationGroupId: string;
  readonly endpointGroupArn?: string;
  readonly healthCheckId?: string;
  readonly albArn?: string;
  readonly targetGroupArn?: string;
  /** Data security groups: the fence rewrites their app ingress while the region must take no writes. */
  readonly dbSecurityGroupId?: string;
  readonly cacheSecurityGroupId?: string;
  /** Healthy targets the region must have before it takes all traffic. */
  readonly minHealthyTargets: number;
}

/** The session-writer CNAME (components/topology.ts SessionWriterRecordTopology). */
export interface WriterRecordTargets {
  readonly hostedZoneId: string;
  readonly name: string;
  readonly type: "CNAME";
  readonly ttlSeconds: number;
  /** Region -> that region's replication-group primary endpoint. */
  readonly targets: Readonly<Record<string, string>>;
}

export interface DrillTargets {
  readonly stack: string;
  readonly routingMode: "accelerator" | "route53";
  readonly globalClusterId: string;
  /**
   * `elasticache-global`: one primary region, promoted by the drill (FailoverGlobalReplicationGroup).
   * `memorydb-multi-region`: every region writes its own cluster; the drill has nothing to move.
   */
  readonly sessionStoreKind: SessionStoreKind;
  /** ElastiCache global datastore; "" when the session store is not elasticache-global. */
  readonly globalReplicationGroupId: string;
  readonly globalWriterEndpoint?: string;
  readonly databasePort: number;
  readonly sessionsPort: number;
  readonly writerRecord?: WriterRecordTargets;
  /** `rds.global_db_rpo` in seconds, when configured. */
  readonly globalDbRpoSeconds?: number;
  /** Regions whose parameter group carries the bound (see rpoBoundAssumed). */
  readonly rpoBoundRegions: readonly string[];
  /** True when the topology did not list rpoBoundRegions and the initial writer region was assumed. */
  readonly rpoBoundAssumed: boolean;
  readonly regions: Readonly<Record<string, RegionTargets>>;
  /** Placeholders used in place of missing fields (simulation only). */
  readonly placeholders: readonly string[];
}

export type SessionStoreKind = "elasticache-global" | "memorydb-multi-region";

/** True when the session store has a single primary region the drill must promote. */
export const hasSessionPrimary = (targets: Pick<DrillTargets, "sessionStoreKind">): boolean => targets.sessionStoreKind === "elasticache-global";

/** Aurora PostgreSQL and Valkey/Redis default ports, used when an older topology lacks them. */
const DEFAULT_PORTS = { database: 5432, sessions: 6379 } as const;

/**
 * Resolves the identifiers a drill needs for `regions`. Strict (execute): every missing field is an
 * error, listed together. Lenient (simulate): missing ids become placeholders, listed as warnings.
 * `regionDrill` adds what moving the writer between regions needs: routing ids, the data security
 * groups (fencing) and, in topologies older than the data kinds, the session-writer record (repoint).
 * The ElastiCache ids are needed only when the session store is an ElastiCache global datastore:
 * MemoryDB Multi-Region has no primary region to promote. A topology without `sessions.kind`
 * predates the kinds and is ElastiCache with its writer record; a newer ElastiCache topology has
 * no record (workloads write to whichever primary candidate is master), so nothing is repointed.
 */
export function drillTargets(t: DrillTopology, regions: readonly string[], opts: { lenient?: boolean; regionDrill?: boolean } = {}): DrillTargets {
  const missing: string[] = [];
  const placeholders: string[] = [];
  const need = (value: string | undefined, field: string, what: string, fallback: string): string => {
    if (value) return value;
    if (opts.lenient) {
      placeholders.push(`topology.${field} (${what}) is missing: simulating with "${fallback}"`);
      return fallback;
    }
    missing.push(`topology.${field} is missing (${what})`);
    return "";
  };
  const region = !!opts.regionDrill;
  const sessionStoreKind: SessionStoreKind = t.sessions?.kind ?? t.regions.find((r) => r.sessions?.kind)?.sessions?.kind ?? "elasticache-global";
  const elastiCache = sessionStoreKind === "elasticache-global";
  const legacyRecord = elastiCache && t.sessions?.kind === undefined;
  const routingMode = t.routing?.mode ?? "accelerator";
  const resolved: Record<string, RegionTargets> = {};
  for (const name of regions) {
    const r = regionOf(t, name);
    const i = t.regions.indexOf(r);
    const clusterId = need(r.database?.clusterIdentifier, `regions[${i}].database.clusterIdentifier`, `Aurora cluster of ${name}`, `${t.stack}-${name}-aurora`);
    const rgId = elastiCache ? need(r.sessions?.replicationGroupId, `regions[${i}].sessions.replicationGroupId`, `ElastiCache replication group of ${name}`, `${t.stack}-${name}-sessions`) : "";
    resolved[name] = {
      region: name,
      availabilityZones: r.availabilityZones,
      auroraClusterId: clusterId,
      auroraClusterArn: need(r.database?.clusterArn, `regions[${i}].database.clusterArn`, `Aurora cluster ARN of ${name}`, `arn:aws:rds:${name}:000000000000:cluster:${clusterId}`),
      replicationGroupId: rgId,
      endpointGroupArn:
        region && routingMode === "accelerator"
          ? need(t.routing?.endpointGroupArns?.[name], `routing.endpointGroupArns["${name}"]`, `Global Accelerator endpoint group of ${name}`, `arn:aws:globalaccelerator::000000000000:accelerator/sim/listener/sim/endpoint-group/${name}`)
          : t.routing?.endpointGroupArns?.[name],
      healthCheckId:
        region && routingMode === "route53"
          ? need(t.routing?.healthCheckIds?.[name], `routing.healthCheckIds["${name}"]`, `Route 53 health check of ${name}`, `sim-${name}`)
          : t.routing?.healthCheckIds?.[name],
      albArn: r.app?.albArn,
      targetGroupArn: r.app?.targetGroupArn,
      dbSecurityGroupId: region
        ? need(r.database?.securityGroupId, `regions[${i}].database.securityGroupId`, `Aurora security group of ${name} (fencing)`, `sg-sim-${name}-aurora`)
        : r.database?.securityGroupId,
      cacheSecurityGroupId: region
        ? need(r.sessions?.securityGroupId, `regions[${i}].sessions.securityGroupId`, `session store security group of ${name} (fencing)`, `sg-sim-${name}-sessions`)
        : r.sessions?.securityGroupId,
      minHealthyTargets: r.app?.replicas ?? r.availabilityZones.length,
    };
  }
  let writerRecord: WriterRecordTargets | undefined = t.sessions?.writerRecord;
  if (region && legacyRecord && !writerRecord) {
    need(undefined, "sessions.writerRecord", "the session-writer CNAME the drill repoints", "a simulated private zone record");
    if (opts.lenient) {
      const all = t.regions.map((r) => r.name);
      writerRecord = {
        hostedZoneId: "ZSIMULATED",
        name: `sessions-writer.${t.stack}.ha-blueprint.internal`,
        type: "CNAME",
        ttlSeconds: 30,
        targets: Object.fromEntries(all.map((n) => [n, t.regions.find((r) => r.name === n)?.sessions?.primaryEndpoint ?? `master.${t.stack}-${n}-sessions.sim.cache.amazonaws.com`])),
      };
    }
  }
  if (region && writerRecord) {
    for (const name of regions) {
      if (!writerRecord.targets[name]) missing.push(`topology.sessions.writerRecord.targets["${name}"] is missing (the primary endpoint of ${name}'s replication group)`);
    }
  }
  const bound = t.database?.globalDbRpoSeconds;
  const listed = t.database?.rpoBoundRegions;
  // Older topologies did not list the regions; the bound was set on the initial writer's group only.
  const assumed = bound !== undefined && listed === undefined;
  const targets: DrillTargets = {
    stack: t.stack,
    routingMode,
    globalClusterId: need(t.database?.globalClusterIdentifier, "database.globalClusterIdentifier", "Aurora global cluster", `${t.stack}-global`),
    sessionStoreKind,
    globalReplicationGroupId: elastiCache ? need(t.sessions?.globalReplicationGroupId, "sessions.globalReplicationGroupId", "ElastiCache global datastore", `sim-${t.stack}-sessions`) : "",
    globalWriterEndpoint: t.database?.endpoint,
    databasePort: t.database?.port ?? DEFAULT_PORTS.database,
    sessionsPort: t.sessions?.port ?? DEFAULT_PORTS.sessions,
    writerRecord,
    globalDbRpoSeconds: bound,
    rpoBoundRegions: bound === undefined ? [] : (listed ?? [t.database?.initialWriterRegion ?? t.writerRegion]),
    rpoBoundAssumed: assumed,
    regions: resolved,
    placeholders,
  };
  if (missing.length > 0) {
    throw new TopologyError(
      `the topology of stack ${t.stack} lacks what the drill needs:\n${missing.map((m) => `  - ${m}`).join("\n")}\n` +
        "Deploy a stack whose tiers publish these fields, or use --simulate to rehearse with placeholders.",
    );
  }
  return targets;
}

function pick<T>(candidates: Array<[T | undefined, string]>, fallback: Setting<T>): Setting<T> {
  for (const [value, from] of candidates) if (value !== undefined) return { value, from };
  return fallback;
}

/**
 * Budget settings from the topology, falling back to the stack config (when the caller has it) and
 * then to AWS defaults; each setting says which one it came from.
 */
export function budgetSettings(t: DrillTopology, config?: StackConfig): BudgetSettings {
  const cfg = "stack config ha-blueprint:";
  const regions: RegionBudgetSettings[] = t.regions.map((r, i) => ({
    name: r.name,
    availabilityZones: r.availabilityZones.length,
    albIntervalSeconds: pick(
      [[r.app?.healthCheck?.intervalSeconds, `topology regions[${i}].app.healthCheck.intervalSeconds`], [config?.app.healthCheck.intervalSeconds, `${cfg}app.healthCheck.intervalSeconds`]],
      { value: TIMINGS.albHealthCheckIntervalDefault.value, from: "ALB default HealthCheckIntervalSeconds" },
    ),
    albUnhealthyThreshold: pick(
      [[r.app?.healthCheck?.unhealthyThreshold, `topology regions[${i}].app.healthCheck.unhealthyThreshold`], [config?.app.healthCheck.unhealthyThreshold, `${cfg}app.healthCheck.unhealthyThreshold`]],
      { value: TIMINGS.albUnhealthyThresholdDefault.value, from: "ALB default UnhealthyThresholdCount" },
    ),
  }));
  const writer = t.regions.find((r) => r.name === t.writerRegion) ?? t.regions[0];
  const mode = pick<"accelerator" | "route53">([[t.routing?.mode, "topology routing.mode"], [config?.routing.mode, `${cfg}routing.mode`]], {
    value: "accelerator",
    from: "blueprint default routing.mode",
  });
  const r53 = config?.routing.route53;
  return {
    writerRegion: t.writerRegion,
    regions,
    routing: {
      mode,
      // The routing tier creates its Route 53 checks with a 10 s interval; topology says so when it can.
      requestIntervalSeconds: pick([[t.routing?.requestInterval, "topology routing.requestInterval"]], {
        value: TIMINGS.route53RequestIntervalDefault.value,
        from: "Route 53 default RequestInterval",
      }),
      failureThreshold: pick([[t.routing?.failureThreshold, "topology routing.failureThreshold"], [r53?.failureThreshold, `${cfg}routing.route53.failureThreshold`]], {
        value: TIMINGS.route53FailureThresholdDefault.value,
        from: "Route 53 default FailureThreshold",
      }),
    },
    database: {
      instancesPerRegion: pick([[writer.database?.instanceCount, "topology writer region database.instanceCount"], [config?.database.instancesPerRegion, `${cfg}database.instancesPerRegion`]], {
        value: 2,
        from: "blueprint default database.instancesPerRegion",
      }),
      globalDbRpoSeconds: (() => {
        const s = pick<number | undefined>([[t.database?.globalDbRpoSeconds, "topology database.globalDbRpoSeconds"], [config?.database.globalDbRpoSeconds, `${cfg}database.globalDbRpoSeconds`]], { value: undefined, from: "" });
        return s.value === undefined ? undefined : { value: s.value, from: s.from };
      })(),
    },
    sessions: {
      nodesPerRegion: pick([[writer.sessions?.nodeCount, "topology writer region sessions.nodeCount"], [config?.sessionStore.nodesPerRegion, `${cfg}sessionStore.nodesPerRegion`]], {
        value: 2,
        from: "blueprint default sessionStore.nodesPerRegion",
      }),
    },
    app: {
      capacity: pick<"provisioned" | "scalable">([[writer.app?.capacity, "topology writer region app.capacity"], [config?.app.failoverHeadroom.capacity, `${cfg}app.failoverHeadroom.capacity`]], {
        value: "scalable",
        from: "assumed scalable (capacity mode unknown)",
      }),
      replicasPerRegion: pick([[writer.app?.replicas, "topology writer region app.replicas"], [config?.app.replicasPerRegion, `${cfg}app.replicasPerRegion`]], {
        value: writer.availabilityZones.length,
        from: "assumed one pod per AZ",
      }),
    },
    objectives: t.objectives,
  };
}

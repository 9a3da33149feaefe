import { z } from "zod";
import { parseCidr, cidrsOverlap } from "../components/network/cidr";
import { auroraVersionProblem, cacheVersionProblem, globalDatastoreNodeTypeProblem } from "../components/data/engine";
import {
  DATABASE_KINDS, MEMORYDB_MULTI_REGION_MAX_REGIONS, MEMORYDB_MULTI_REGION_REGIONS, SESSION_STORE_KINDS,
  dsqlPlacementProblems, memorydbNodeTypeProblem, memorydbVersionProblem,
} from "../components/data/kinds";
import { isAwsRegion } from "./regions";
import { appEnvIssues, appEnvSchema, appSecretEnvSchema } from "./appEnv";

/**
 * The stack configuration, one schema for every environment. Environments differ in sizes and
 * strictness, never in shape: dev runs the same two-region, multi-AZ topology as prod.
 *
 * Keys are read from the `ha-blueprint:` namespace of `stacks/Pulumi.<stack>.yaml`. Every object
 * is strict, so a typo such as `azCuont` is rejected instead of silently ignored.
 */

export const PROJECT = "ha-blueprint";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Commercial, GovCloud, China and European Sovereign Cloud region names, e.g. `us-east-1`, `us-gov-west-1`. */
const REGION_NAME = /^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

const regionName = z
  .string()
  .regex(REGION_NAME, { message: "is not an AWS region name; expected something like us-east-1" })
  .refine(isAwsRegion, { message: "is not an AWS Region (see config/regions.ts for the list; add new Regions there)" });

const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if ("error" in parsed) {
    ctx.addIssue({ code: "custom", message: parsed.error });
    return;
  }
  if (parsed.prefix < 16 || parsed.prefix > 21) {
    ctx.addIssue({
      code: "custom",
      message:
        "prefix must be between /16 and /21 (a VPC is at most /16 in AWS; /21 still leaves /27 public subnets, the smallest an ALB accepts)",
    });
    return;
  }
  if (!isPrivateIpv4Cidr(value)) {
    ctx.addIssue({
      code: "custom",
      message: "is not a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16); public addresses in a VPC shadow the internet hosts that own them",
    });
  }
});

const azName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d+[a-z]$/, {
  message: "is not an availability zone name; expected something like us-east-1a",
});

export const regionSchema = z.strictObject({
  /** AWS region, e.g. `us-east-1`. */
  name: regionName,
  /** VPC CIDR; must not overlap any other region's CIDR (the cells may be peered later). */
  cidr,
  /** How many AZs the cell spans (2..6; prod needs at least 3). @default 3 */
  azCount: z.number().int().min(2, { message: "must be at least 2: one AZ is a single point of failure" }).max(6).default(3),
  /**
   * Pin the AZ names instead of asking AWS (`aws.getAvailabilityZones`). Useful to avoid an AZ
   * with capacity trouble for a given instance type. Length must equal `azCount`.
   * @default - the first `azCount` available, opt-in-not-required AZs of the region
   */
  availabilityZones: z.array(azName).optional(),
});

const retentionDays = z.number().int().min(1).max(36500);

/** A DNS name of two or more labels, e.g. `prod.ha-blueprint.internal`. */
const dnsName = z.string().regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
  message: "is not a lower-case DNS name such as prod.ha-blueprint.internal",
});

export const networkSchema = z.strictObject({
  /**
   * `zonal`: one zonal NAT gateway per AZ, each private route table uses the NAT in its own AZ.
   * `regional`: one regional NAT gateway (availabilityMode "regional"), which AWS spreads over AZs.
   * There is deliberately no "single" option: one zonal NAT is an AZ single point of failure.
   * @default "zonal"
   */
  natGateways: z.enum(["zonal", "regional"]).default("zonal"),
  /** Retention of the VPC flow-log group, in days. @default 90 */
  flowLogRetentionDays: retentionDays.default(90),
  /**
   * Private hosted zone associated with every region's VPC, for the stack's private service
   * names. Nothing on a recovery path changes it: its control plane is in us-east-1 only.
   * @default - `<stack>.ha-blueprint.internal`
   */
  privateZoneName: dnsName.optional(),
});

const disruptionObjective = z
  .strictObject({
    /** Recovery time objective in seconds (> 0: no failover is instantaneous). */
    rtoSeconds: z.number().int().positive({ message: "must be a positive number of seconds" }),
    /** Recovery point objective in seconds (0 = no acknowledged write may be lost). */
    rpoSeconds: z.number().int().nonnegative({ message: "must be 0 or a positive number of seconds" }),
  });

/**
 * Mirrors an AWS Resilience Hub policy: an availability target plus RTO/RPO per disruption type.
 */
export const objectivesSchema = z
  .strictObject({
    /** Availability target in percent, e.g. 99.99. Must be above 90 and below 100. */
    availabilityPercent: z
      .number()
      .gt(90, { message: "must be above 90 percent; lower targets need no multi-region design" })
      .lt(100, { message: "must be below 100 percent; no composite of AWS services reaches 100" }),
    /** Loss of one availability zone in one region. */
    azLoss: disruptionObjective,
    /** Loss of a whole region. */
    regionLoss: disruptionObjective,
  })
  .superRefine((o, ctx) => {
    if (o.azLoss.rtoSeconds > o.regionLoss.rtoSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["azLoss", "rtoSeconds"],
        message: `exceeds regionLoss.rtoSeconds (${o.regionLoss.rtoSeconds}); an AZ loss is the smaller disruption and recovers no slower`,
      });
    }
    if (o.azLoss.rpoSeconds > o.regionLoss.rpoSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["azLoss", "rpoSeconds"],
        message: `exceeds regionLoss.rpoSeconds (${o.regionLoss.rpoSeconds}); in-region replicas lose no more than cross-region ones`,
      });
    }
  });

/** Global databases need memory-optimised classes; burstable (db.t*) classes are not supported. */
const auroraInstanceClass = z
  .string()
  .regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, { message: "is not an RDS instance class; expected e.g. db.r6g.large" })
  .refine((v) => /^db\.(r\d+[a-z]*|x\d+[a-z]*)\./.test(v), {
    message:
      "is not allowed: Aurora global databases require memory-optimised classes (db.r5 and newer, db.x2g); burstable db.t* and general-purpose classes are not supported",
  });

/**
 * Aurora DSQL multi-Region settings: the stack's regions are the peered clusters, the witness is
 * a third Region of the same DSQL Region set (components/data/kinds.ts).
 */
export const dsqlSchema = z.strictObject({
  /** The witness Region: stores a window of the encrypted transaction log, has no endpoint. Required. */
  witnessRegion: regionName,
  /**
   * `customer-managed-key`: each cluster is encrypted with a KMS key the stack creates in its own
   * region (you control rotation, policy and audit). `aws-owned-key`: DSQL's own key, no KMS cost.
   * @default "customer-managed-key"
   */
  encryption: z.enum(["customer-managed-key", "aws-owned-key"]).default("customer-managed-key"),
  /**
   * The PostgreSQL role the workload logs in as (IAM authentication, `dsql:DbConnect`). Never
   * `admin`: that role needs `dsql:DbConnectAdmin`, which workloads do not get.
   * @default "app"
   */
  databaseRole: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: "must be a lower-case PostgreSQL role name (letters, digits, _; at most 63)" })
    .refine((v) => v !== "admin", { message: "must not be admin: workloads connect as a custom role with dsql:DbConnect, never with DbConnectAdmin" })
    .default("app"),
});

/** Keys of `database` that only Aurora global databases use; refused for aurora-dsql. */
export const AURORA_ONLY_DATABASE_KEYS = [
  "engine", "engineVersion", "instanceClass", "instancesPerRegion", "databaseName", "masterUsername",
  "backupRetentionDays", "preferredBackupWindow", "globalDbRpoSeconds",
] as const;

export const databaseSchema = z.strictObject({
  /**
   * `aurora-global`: an Aurora global database; one region writes, the others read and forward
   * writes; losing the writer region needs a promotion. `aurora-dsql`: Aurora DSQL multi-Region;
   * every region reads and writes its own cluster with synchronous commit (needs `dsql`).
   * @default "aurora-global"
   */
  kind: z.enum(DATABASE_KINDS).default("aurora-global"),
  /** Aurora DSQL settings; required with kind aurora-dsql, refused otherwise. */
  dsql: dsqlSchema.optional(),
  /** @default "aurora-postgresql" */
  engine: z.enum(["aurora-postgresql", "aurora-mysql"]).default("aurora-postgresql"),
  /**
   * Engine version; quote it in YAML. Prod must pin a full version ("16.9"): a bare major ("16", dev
   * and staging only) resolves at every `pulumi up` to the newest minor AWS offers that can join a
   * global database, so what a new region's member would get drifts over time. The version is
   * ignored after creation; minor upgrades go through the global cluster
   * (docs/runbooks/engine-patching.md). Global write forwarding needs APG 14.9+/15.4+/16+; Aurora
   * Limitless builds (`-limitless`) cannot join a global database.
   * @default "16"
   */
  engineVersion: z.string().regex(/^\d+(\.\d+)*([.-][a-z0-9_.-]+)?$/, { message: "is not an engine version; quote it, e.g. \"16\" or \"16.9\"" }).default("16"),
  /** @default "db.r6g.large" */
  instanceClass: auroraInstanceClass.default("db.r6g.large"),
  /** Instances per regional cluster, each in a distinct AZ (at least 2: writer + a reader in another AZ). @default 2 */
  instancesPerRegion: z.number().int().min(2, { message: "must be at least 2 so a reader in another AZ can take over" }).max(16).default(2),
  /** @default "app" */
  databaseName: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, { message: "must start with a letter and hold letters, digits and _ (max 63)" }).default("app"),
  /** @default "app_admin" */
  masterUsername: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/, { message: "must start with a letter and hold letters, digits and _ (max 16)" }).default("app_admin"),
  /** Automated backup retention in days (AWS allows 1..35; prod needs at least 7). @default 7 */
  backupRetentionDays: z.number().int().min(1).max(35).default(7),
  /** UTC window hh:mm-hh:mm for automated backups. @default "03:00-04:00" */
  preferredBackupWindow: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: "must look like 03:00-04:00 (UTC)" }).default("03:00-04:00"),
  /** @default - true in prod, false elsewhere */
  deletionProtection: z.boolean().optional(),
  /**
   * Aurora PostgreSQL `rds.global_db_rpo` (seconds, >= 20): commits on the writer block while no
   * secondary is within this lag. Trades write availability for a bounded RPO, so it needs at
   * least two secondary regions (three regions): with one, that secondary is a single point of
   * failure for every write. Set on every member's parameter group, so it survives a switchover.
   * @default - unset (RPO unbounded but typically under a second)
   */
  globalDbRpoSeconds: z.number().int().min(20, { message: "must be at least 20 (the minimum rds.global_db_rpo)" }).optional(),
}).superRefine((d, ctx) => {
  if (/limitless/i.test(d.engineVersion)) {
    ctx.addIssue({ code: "custom", path: ["engineVersion"], message: "is an Aurora Limitless Database build, which cannot join a global database; pin a regular version such as \"16.9\"" });
    return;
  }
  if (d.engine === "aurora-mysql" && !/^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/.test(d.engineVersion)) {
    ctx.addIssue({ code: "custom", path: ["engineVersion"], message: `must be an Aurora MySQL version such as "8.0.mysql_aurora.3.08.0" (got "${d.engineVersion}")` });
    return;
  }
  const problem = auroraVersionProblem(d.engine, d.engineVersion);
  if (problem) ctx.addIssue({ code: "custom", path: ["engineVersion"], message: problem });
  if (d.globalDbRpoSeconds !== undefined && d.engine !== "aurora-postgresql") {
    ctx.addIssue({ code: "custom", path: ["globalDbRpoSeconds"], message: "needs engine aurora-postgresql (rds.global_db_rpo is an Aurora PostgreSQL parameter)" });
  }
  if (d.kind === "aurora-dsql" && !d.dsql) {
    ctx.addIssue({ code: "custom", path: ["dsql"], message: "is required with kind aurora-dsql: set dsql.witnessRegion to a third Region of the same DSQL Region set" });
  }
});

const windowDaily = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: "must look like 05:00-06:00 (UTC)" });
const windowWeekly = z
  .string()
  .regex(/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/, {
    message: "must look like sun:07:00-sun:08:00 (UTC)",
  });

/** Keys of `sessionStore` each kind uses; a key of the other kind is refused, never ignored. */
export const SESSION_STORE_KEYS = {
  "memorydb-multi-region": ["kind", "engineVersion", "nodeType", "numShards", "replicasPerShard", "snapshotRetentionDays", "snapshotWindow", "maintenanceWindow"],
  "elasticache-global": ["kind", "engine", "engineVersion", "nodeType", "nodesPerRegion", "snapshotRetentionDays", "snapshotWindow", "maintenanceWindow"],
} as const;

/**
 * The session store. Node types and versions differ per kind (MemoryDB `db.*`, ElastiCache
 * `cache.*`), so their defaults are resolved per kind after validation.
 */
export const sessionStoreSchema = z.strictObject({
  /**
   * `memorydb-multi-region`: MemoryDB Multi-Region (Valkey); every region reads and writes its own
   * cluster, replication is asynchronous with last-writer-wins conflict resolution.
   * `elasticache-global`: an ElastiCache global datastore; one primary region takes writes, the app
   * finds it among every region's primary endpoint; losing it needs a promotion.
   * @default "memorydb-multi-region"
   */
  kind: z.enum(SESSION_STORE_KINDS).default("memorydb-multi-region"),
  /** elasticache-global only. @default "valkey" */
  engine: z.enum(["redis", "valkey"]).optional(),
  /** Quote it in YAML. @default - "7.3" (MemoryDB Valkey) or "8.0" (ElastiCache) */
  engineVersion: z.string().regex(/^\d+(\.\d+)*$/, { message: "is not an engine version; quote it, e.g. \"7.3\"" }).optional(),
  /** @default - "db.r7g.xlarge" (MemoryDB Multi-Region) or "cache.r7g.large" (ElastiCache) */
  nodeType: z.string().optional(),
  /** memorydb-multi-region only: shards per regional cluster (the same in every region). @default 1 */
  numShards: z.number().int().min(1).max(500).optional(),
  /** memorydb-multi-region only: replicas per shard, each in another AZ than its primary (1..5). @default 1 */
  replicasPerShard: z.number().int().min(1, { message: "must be at least 1: a shard without a replica loses its data and writes with its AZ" }).max(5).optional(),
  /** elasticache-global only: nodes per regional replication group (primary + replicas). @default 2 */
  nodesPerRegion: z.number().int().min(2, { message: "must be at least 2 for automatic failover" }).max(6).optional(),
  /** Daily snapshot retention in days: the store's own snapshots are the session backup. @default 1 */
  snapshotRetentionDays: z.number().int().min(1, { message: "must be at least 1: 0 disables backups" }).max(35).default(1),
  /** UTC window for snapshots. @default "05:00-06:00" */
  snapshotWindow: windowDaily.default("05:00-06:00"),
  /** Weekly UTC maintenance window; must not overlap the daily snapshot window. @default "sun:07:00-sun:08:00" */
  maintenanceWindow: windowWeekly.default("sun:07:00-sun:08:00"),
}).superRefine((c, ctx) => {
  if (c.kind === "memorydb-multi-region") {
    if (c.nodeType !== undefined) {
      const problem = memorydbNodeTypeProblem(c.nodeType);
      if (problem) ctx.addIssue({ code: "custom", path: ["nodeType"], message: problem });
    }
    if (c.engineVersion !== undefined) {
      const problem = memorydbVersionProblem(c.engineVersion);
      if (problem) ctx.addIssue({ code: "custom", path: ["engineVersion"], message: problem });
    }
  } else {
    if (c.nodeType !== undefined) {
      const problem = /^db\./.test(c.nodeType)
        ? "is a MemoryDB node type; ElastiCache node types start with cache. (e.g. cache.r7g.large)"
        : globalDatastoreNodeTypeProblem(c.nodeType);
      if (problem) ctx.addIssue({ code: "custom", path: ["nodeType"], message: problem });
    }
    const problem = cacheVersionProblem(c.engine ?? "valkey", c.engineVersion ?? "8.0");
    if (problem) ctx.addIssue({ code: "custom", path: ["engineVersion"], message: problem });
  }
  if (dailyWindowsOverlap(c.snapshotWindow, c.maintenanceWindow.replace(/(mon|tue|wed|thu|fri|sat|sun):/g, ""))) {
    ctx.addIssue({ code: "custom", path: ["maintenanceWindow"], message: `overlaps snapshotWindow ${c.snapshotWindow}; ${c.kind === "memorydb-multi-region" ? "MemoryDB" : "ElastiCache"} rejects overlapping windows` });
  }
}).transform((c) => {
  const memorydb = c.kind === "memorydb-multi-region";
  const numShards = memorydb ? c.numShards ?? 1 : 1;
  const replicasPerShard = memorydb ? c.replicasPerShard ?? 1 : (c.nodesPerRegion ?? 2) - 1;
  return {
    kind: c.kind,
    engine: memorydb ? "valkey" as const : c.engine ?? "valkey",
    engineVersion: c.engineVersion ?? (memorydb ? "7.3" : "8.0"),
    nodeType: c.nodeType ?? (memorydb ? "db.r7g.xlarge" : "cache.r7g.large"),
    numShards,
    replicasPerShard,
    /** Nodes of one region's member, either kind. */
    nodesPerRegion: numShards * (1 + replicasPerShard),
    snapshotRetentionDays: c.snapshotRetentionDays,
    snapshotWindow: c.snapshotWindow,
    maintenanceWindow: c.maintenanceWindow,
  };
});

/** Whether two `hh:mm-hh:mm` windows share a minute of the day (windows may wrap midnight). */
function dailyWindowsOverlap(a: string, b: string): boolean {
  const minutes = (w: string) => {
    const [from, to] = w.split("-").map((t) => { const [h, m] = t.split(":").map(Number); return h * 60 + m; });
    const set = new Set<number>();
    for (let t = from; t !== to; t = (t + 1) % 1440) set.add(t);
    return set;
  };
  const mb = minutes(b);
  return [...minutes(a)].some((t) => mb.has(t));
}

const k8sQuantity = z.string().regex(/^\d+(\.\d+)?(m|Mi|Gi|Ki|M|G|K)?$/, { message: "is not a Kubernetes quantity, e.g. 250m or 512Mi" });

/** A DNS-1123 label: Kubernetes namespace and object names. */
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  message: "must be a DNS-1123 label: lower-case letters, digits and -, at most 63, starting and ending alphanumeric",
});

/** Instance families whose attribute letters after the generation digit include `g` (m7g, c6gn, r6gd, t4g) are Graviton. */
export function isGravitonInstanceType(instanceType: string): boolean {
  return /^[a-z]+\d+[a-z-]*g[a-z-]*\./.test(instanceType);
}

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** True when the whole CIDR lies inside one RFC 1918 private block. */
export function isPrivateIpv4Cidr(text: string): boolean {
  const c = parseCidr(text);
  if ("error" in c) return false;
  return RFC1918.some((block) => {
    const b = parseCidr(block) as { base: number; prefix: number };
    return c.prefix >= b.prefix && cidrsOverlap(text, block);
  });
}

/**
 * The placeholder workload: nginx-unprivileged from the NGINX-maintained ECR Public repository.
 * Its documentation (github.com/nginx/docker-nginx-unprivileged) gives the facts the pod security
 * context relies on: it listens on 8080, runs without the root user, keeps its PID file and every
 * temp path under /tmp. The app tier mounts /tmp as an emptyDir and a server block for healthPath.
 */
export const DEFAULT_APP_IMAGE = "public.ecr.aws/nginx/nginx-unprivileged:1.28.0-alpine";

export const appSchema = z.strictObject({
  /** Name of the Deployment, Service, HPA and PDB, and the `app.kubernetes.io/name` label. @default "app" */
  name: k8sName.default("app"),
  /** Kubernetes namespace of the workload. @default "app" */
  namespace: k8sName
    .refine((v) => !["default", "kube-system", "kube-public", "kube-node-lease"].includes(v), {
      message: "must not be a namespace Kubernetes or EKS own (default, kube-system, kube-public, kube-node-lease)",
    })
    .default("app"),
  /**
   * Container image; must be pinned by a tag other than `latest` or by digest. The default is a
   * placeholder web server that really starts under the tier's pod security context:
   * nginx-unprivileged (listens on 8080, runs as a non-root user, writes only under /tmp), with a
   * generated server block that answers `healthPath` on `containerPort`. Set your own service
   * image, which must do the same: listen on containerPort as a non-root user, answer healthPath,
   * and write only to /tmp.
   */
  image: z
    .string()
    .min(1)
    .refine((v) => /@sha256:[a-f0-9]{64}$/.test(v) || (/:[^/:]+$/.test(v) && !/:latest$/.test(v)), {
      message: "must be pinned: use a version tag (not latest) or a @sha256 digest",
    })
    .default(DEFAULT_APP_IMAGE),
  /** Port the container listens on. @default 8080 */
  containerPort: z.number().int().min(1024, { message: "must be 1024 or higher: the container runs as a non-root user" }).max(65535).default(8080),
  /**
   * Fixed NodePort of the Service; the ALB target group sends traffic and health checks to it on
   * every node. Must lie in the cluster's NodePort range. @default 30080
   */
  nodePort: z.number().int().min(30000, { message: "must be in the Kubernetes NodePort range 30000-32767" }).max(32767, { message: "must be in the Kubernetes NodePort range 30000-32767" }).default(30080),
  /**
   * Readiness path (the pods' readiness probe and the ALB health check): 200 when this pod can
   * serve with what its own region has (its process, this region's database and session
   * endpoints). It must not check another region's writer: a lost remote writer would take the
   * surviving region's pods out of its load balancer (docs/components/app-tier.md, probe contract).
   * @default "/healthz"
   */
  healthPath: z.string().regex(/^\/[\x21-\x7e]*$/, { message: "must be an absolute path like /healthz" }).default("/healthz"),
  /**
   * Where the app says whether it can write: 200 when writes succeed, 503 when they cannot (e.g.
   * an Aurora global writer in a lost region). Not a probe: routing and alarms read it, so a
   * region that cannot write keeps serving reads. Given to the pods as APP_WRITES_HEALTH_PATH.
   * @default "/healthz/writes"
   */
  writesHealthPath: z.string().regex(/^\/[\x21-\x7e]*$/, { message: "must be an absolute path like /healthz/writes" }).default("/healthz/writes"),
  /**
   * Pods one region needs to serve its own share of traffic in steady state (both regions up). The
   * sizing derives the HPA and node-group bounds from it (see failoverHeadroom). @default 3
   */
  replicasPerRegion: z.number().int().min(2).max(1000).default(3),
  /** @default "250m" */
  cpuRequest: k8sQuantity.default("250m"),
  /** @default "256Mi" */
  memoryRequest: k8sQuantity.default("256Mi"),
  /** No CPU limit is set on purpose: a CPU limit throttles pods exactly when a failover spike arrives. @default "512Mi" */
  memoryLimit: k8sQuantity.default("512Mi"),
  /** Target average CPU utilisation for the HPA, in percent. @default 60 */
  targetCpuUtilizationPercent: z.number().int().min(10).max(95).default(60),
  /** UID and GID the container runs as (the pod never runs as root). @default 10001 */
  runAsUser: z.number().int().min(1, { message: "must not be 0: the pod runs as a non-root user" }).max(2147483647).default(10001),
  /**
   * Seconds a terminating pod keeps serving (preStop sleep) so kube-proxy on every node drops it
   * before the container gets SIGTERM. @default 10
   */
  preStopSleepSeconds: z.number().int().min(0).max(120).default(10),
  /** Target-group deregistration delay: how long a draining node keeps in-flight requests. @default 30 */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  /**
   * What share of the total traffic one region must carry alone when the other is lost, and how.
   * `provisioned`: the minimum sizes already carry it (static stability, nothing scales during the
   * event). `scalable`: the maximum sizes allow it (cheaper; relies on autoscaling in the event).
   */
  failoverHeadroom: z
    .strictObject({
      /** Share of the total traffic, in percent, one region must be able to serve alone. @default 100 */
      sharePercent: z.number().int().min(50).max(200).default(100),
      /** @default "provisioned" */
      capacity: z.enum(["provisioned", "scalable"]).default("provisioned"),
      /**
       * How far above the failover need the HPA maximum (and the node groups) may still scale, in
       * percent: room for retry storms and cold caches right after a failover. @default 50
       */
      burstPercent: z.number().int().min(0).max(300).default(50),
    })
    .prefault({}),
  eks: z
    .strictObject({
      /** Kubernetes version. Quote it. 1.30 or newer (the pods use the preStop sleep action). @default "1.33" */
      version: z
        .string()
        .regex(/^1\.\d{2}$/, { message: "must be a quoted Kubernetes minor version such as \"1.33\"" })
        .refine((v) => Number(v.split(".")[1]) >= 30, { message: "must be 1.30 or newer (the pods use the preStop sleep action, beta and on by default since 1.30)" })
        .default("1.33"),
      /** Instance types for the managed node groups (two or more give capacity options); same vCPU/memory so the autoscaler's sizing holds. */
      instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "is not an EC2 instance type" })).min(1).default(["m6i.large", "m5.large"]),
      /** EKS-optimised AMI family of the nodes; must match the instance types' architecture. @default "AL2023_x86_64_STANDARD" */
      amiType: z.enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"]).default("AL2023_x86_64_STANDARD"),
      /** Pods one node can hold for this app (used to size node groups from replicas). @default 4 */
      podsPerNode: z.number().int().min(1).max(110).default(4),
      /** Lower bound of nodes in each AZ's node group, whatever the sizing computes. @default 1 */
      minNodesPerAz: z.number().int().min(1).max(100).default(1),
      /** Encrypted gp3 root volume size of each node, in GiB. @default 50 */
      nodeVolumeSizeGiB: z.number().int().min(20).max(16384).default(50),
      /**
       * Public API endpoint, restricted to `publicAccessCidrs`. `pulumi up` talks to the Kubernetes
       * API to deploy the workload, so the machine that runs it must reach the endpoint. Set false
       * for a private-only endpoint; then `pulumi up` must run from a network routed into the VPC
       * (VPN, Direct Connect, a runner in a peered VPC) listed in `privateAccessCidrs`.
       * @default true
       */
      publicEndpoint: z.boolean().default(true),
      /**
       * CIDRs allowed to reach the public endpoint: the egress addresses of the operators and CI
       * runners that run `pulumi up` and kubectl. Required while the public endpoint is on;
       * never 0.0.0.0/0.
       */
      publicAccessCidrs: z.array(z.string()).default([]),
      /**
       * Private CIDRs (VPN, CI runners in a peered VPC) allowed to reach the private API endpoint on
       * 443. Required when the public endpoint is off: it is the deployment path.
       * @default - none: only the cluster's own nodes
       */
      privateAccessCidrs: z.array(z.string()).default([]),
      /**
       * IAM role or user ARNs that administer the cluster (EKS access entries with
       * AmazonEKSClusterAdminPolicy): the CI role that runs `pulumi up` and the platform team's role.
       * Required in prod. When set, the cluster is created with
       * `bootstrapClusterCreatorAdminPermissions: false`: only these principals are admins, whoever
       * ran the first `pulumi up`, so list the deploying principal too. The flag only acts at cluster
       * creation and is ignored afterwards: a cluster created without principals keeps its creator
       * as admin (import that bootstrap entry before listing the creator, or its entry collides).
       * Write role ARNs without the path's `assumed-role`/session part (`arn:aws:iam::<acct>:role/<name>`).
       * @default - none: the creator of the cluster is its only admin (dev)
       */
      adminPrincipalArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, { message: "is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>; an sts assumed-role ARN is a session, not a principal)" }))
        .refine((list) => new Set(list).size === list.length, { message: "lists a principal twice" })
        .default([]),
      /** Retention of the control-plane log group, in days. @default 90 */
      logRetentionDays: retentionDays.default(90),
      /**
       * Cluster Autoscaler image. Its minor version must match the cluster's.
       * @default - registry.k8s.io/autoscaling/cluster-autoscaler:v<eks.version>.0
       */
      clusterAutoscalerImage: z
        .string()
        .refine((v) => /@sha256:[a-f0-9]{64}$/.test(v) || (/:[^/:]+$/.test(v) && !/:latest$/.test(v)), { message: "must be pinned: use a version tag (not latest) or a @sha256 digest" })
        .optional(),
    })
    .prefault({}),
  /**
   * ACM certificate ARN per region for the ALB's HTTPS listener (ACM certificates are regional),
   * e.g. `{ "us-east-1": "arn:aws:acm:us-east-1:...:certificate/..." }`. With certificates the ALB
   * and the global entry serve 443 and port 80 only redirects. Required in prod.
   * @default - HTTP only (dev and staging)
   */
  certificateArns: z.record(z.string(), z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, { message: "is not an ACM certificate ARN" })).default({}),
  /** TLS policy of the HTTPS listener (TLS 1.2 and 1.3 only). @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  sslPolicy: z.string().regex(/^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)[A-Za-z0-9-]*$/, { message: "must be an ELB security policy that allows only TLS 1.2 or newer, e.g. ELBSecurityPolicy-TLS13-1-2-2021-06" }).default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
  /**
   * Protocol from the ALB to the pods (target group, its health check, the readiness probe).
   * `HTTPS` re-encrypts inside the VPC; the image must then serve TLS on `containerPort` (any
   * certificate: ALB does not verify target certificates). The placeholder image serves HTTP only.
   * @default "HTTP"
   */
  backendProtocol: z.enum(["HTTP", "HTTPS"]).default("HTTP"),
  /**
   * Existing S3 bucket per region for ALB access logs, in that region, SSE-S3 encrypted, whose
   * policy lets ELB log delivery write (Elastic Load Balancing User Guide, "Enable access logs for
   * your Application Load Balancer"). Required for every region in prod.
   * @default - access logs off (dev and staging)
   */
  accessLogBuckets: z.record(z.string(), z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "is not an S3 bucket name" })).default({}),
  /**
   * AWS WAF web ACL (AWS managed rule groups: common rule set, known bad inputs, Amazon IP
   * reputation list) associated with each region's internet-facing ALB. Cannot be false in prod.
   * @default - true in prod, false elsewhere
   */
  waf: z.boolean().optional(),
  /** Deletion protection of the EKS cluster and the ALBs. @default - true in prod, false elsewhere */
  deletionProtection: z.boolean().optional(),
  // The app's own variables and secrets, documented with .describe() in config/appEnv.ts.
  env: appEnvSchema,
  secretEnv: appSecretEnvSchema,
  /** ALB target-group health check: the fast, deep check GA uses for ALB endpoints. */
  healthCheck: z
    .strictObject({
      /** Seconds between checks (ALB allows 5..300). @default 10 */
      intervalSeconds: z.number().int().min(5).max(300).default(10),
      /** Seconds without a response that fail a check (2..120, below the interval). @default 5 */
      timeoutSeconds: z.number().int().min(2).max(120).default(5),
      /** Consecutive successes before a target is healthy (2..10). @default 3 */
      healthyThreshold: z.number().int().min(2).max(10).default(3),
      /** Consecutive failures before a target is unhealthy (2..10). @default 3 */
      unhealthyThreshold: z.number().int().min(2).max(10).default(3),
    })
    .refine((h) => h.timeoutSeconds < h.intervalSeconds, { path: ["timeoutSeconds"], message: "must be less than intervalSeconds (ELB rejects a timeout as long as the interval)" })
    .prefault({}),
});

const route53CheckerRegions = [
  "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
] as const;

/**
 * The global entry. `accelerator`: Global Accelerator, two anycast IPs, one endpoint group per
 * region with the region's ALB; failover follows the ALB target health (no DNS TTL). `route53`:
 * latency alias records per region, each gated by a calculated health check over an HTTPS check
 * of the ALB and a CloudWatch alarm check, so a region that is up but too slow loses its traffic.
 */
export const routingSchema = z
  .strictObject({
    /** @default "accelerator" */
    mode: z.enum(["accelerator", "route53"]).default("accelerator"),
    /**
     * Global Accelerator traffic dial per region in percent (0..100), the source of truth for
     * `pulumi up`: a drill that drains a region writes the new dial here (Automation API) so the
     * next update keeps it. Regions not listed get 100. Accelerator mode only.
     * @default - 100 for every region
     */
    trafficDials: z.record(regionName, z.number().int().min(0, { message: "must be between 0 and 100 percent" }).max(100, { message: "must be between 0 and 100 percent" })).default({}),
    /** Keep the client source IP for ALB endpoints (GA then adds a `GlobalAccelerator` security group to the VPC). @default true */
    clientIpPreservation: z.boolean().default(true),
    route53: z
      .strictObject({
        /** Public hosted zone that holds `recordName`. */
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: "is not a Route 53 hosted zone id (Z...)" }),
        /** Record name, e.g. `app.example.com`. Alias records to an ALB have a fixed 60 s TTL. */
        recordName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}\.?$/i, { message: "is not a DNS name" }),
        /**
         * Seconds between checks by each checker: 10 (fast, extra charge) or 30. Route 53 cannot
         * change it after creation, so changing it replaces the health check.
         * @default 10
         */
        requestIntervalSeconds: z
          .number()
          .refine((v) => v === 10 || v === 30, { message: "must be 10 or 30 (the only intervals Route 53 offers)" })
          .default(10),
        /** Consecutive failed checks before a region is unhealthy (Route 53 allows 1..10). @default 3 */
        failureThreshold: z.number().int().min(1, { message: "must be between 1 and 10" }).max(10, { message: "must be between 1 and 10" }).default(3),
        /** Route 53 checker regions (at least 3). @default - us-east-1, us-west-2, eu-west-1 */
        checkerRegions: z
          .array(z.enum(route53CheckerRegions))
          .min(3, { message: "needs at least 3 checker regions (Route 53 rejects fewer)" })
          .refine((list) => new Set(list).size === list.length, { message: "lists a checker region twice" })
          .default(["us-east-1", "us-west-2", "eu-west-1"]),
      })
      .optional(),
  })
  .superRefine((r, ctx) => {
    // 100 is the neutral dial, so a stack file that lists it keeps working after a mode switch.
    const turned = Object.entries(r.trafficDials).filter(([, dial]) => dial !== 100);
    if (r.mode === "route53" && turned.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["trafficDials"],
        message: `turns ${turned.map(([region]) => region).join(", ")} below 100, but dials only exist in mode accelerator; route53 mode moves traffic by health checks`,
      });
    }
  });

export const monitoringSchema = z.strictObject({
  /** p99 `TargetResponseTime` budget in milliseconds; above it for `evaluationPeriods` the region is unhealthy. @default 1000 */
  latencyP99Ms: z.number().int().positive().default(1000),
  /** 5xx share of requests (ALB and targets), in percent, that makes a region unhealthy. @default 5 */
  error5xxPercent: z.number().positive().max(100).default(5),
  /** Minimum healthy targets per AZ; below it the AZ counts as lost. @default 1 */
  minHealthyHostsPerAz: z.number().int().min(1).default(1),
  /**
   * Alarm period in seconds. A multiple of 60: Route 53 CLOUDWATCH_METRIC health checks only read
   * standard-resolution metrics.
   * @default 60
   */
  periodSeconds: z
    .number()
    .int()
    .min(60, { message: "must be at least 60 (Route 53 alarm health checks need standard resolution)" })
    .max(3600)
    .refine((v) => v % 60 === 0, { message: "must be a multiple of 60 (Route 53 alarm health checks need standard resolution)" })
    .default(60),
  /** Consecutive breaching periods before an alarm fires; detection time is periodSeconds x this. @default 3 */
  evaluationPeriods: z.number().int().min(1).max(10).default(3),
  /** E-mail subscribed to the alarm topics (needs confirmation by the recipient). Prod needs this or `alarmSubscriptions`. */
  alarmEmail: z.string().email().optional(),
  /**
   * Further subscribers of every region's alarm topic: an on-call webhook (`https`, which must
   * confirm the subscription), a queue (`sqs`, its ARN; its queue policy must let
   * sns.amazonaws.com send) or a function (`lambda`, its ARN; its resource policy must let
   * sns.amazonaws.com invoke it). Prod needs at least one target here or in `alarmEmail`: alarms
   * nobody receives page nobody.
   * @default []
   */
  alarmSubscriptions: z
    .array(z.strictObject({
      protocol: z.enum(["https", "sqs", "lambda"]),
      endpoint: z.string().min(1),
    }).superRefine((sub, ctx) => {
      const ok = sub.protocol === "https"
        ? /^https:\/\/[^\s/]+(\/\S*)?$/.test(sub.endpoint)
        : new RegExp(`^arn:aws[a-z-]*:${sub.protocol}:[a-z0-9-]+:\\d{12}:\\S+$`).test(sub.endpoint);
      if (!ok) {
        ctx.addIssue({ code: "custom", path: ["endpoint"], message: sub.protocol === "https" ? "is not an https:// URL" : `is not an ${sub.protocol} ARN (arn:aws:${sub.protocol}:<region>:<account>:...)` });
      }
    }))
    .default([]),
});

/**
 * Automatic recovery on AWS's own orchestrator (components/recovery): the ARC Region switch plan,
 * its triggers, the cascading-health drain and zonal autoshift. Defaults lose no data: a trigger
 * only ever switches the Aurora global database over; failing it over with data loss needs a
 * person to approve the plan's approval step, unless `ungracefulDatabaseFailover: automatic`.
 */
export const recoverySchema = z.strictObject({
  /** Declare the Region switch plan, triggers and drain. @default true */
  enabled: z.boolean().default(true),
  /** Let the outside-region alarms execute the plan without a person. @default true */
  automaticTriggers: z.boolean().default(true),
  /**
   * What an execution that cannot reach the old writer does to an `aurora-global` database:
   * `approval` waits at a manual approval step before `FailoverGlobalCluster(AllowDataLoss)`;
   * `automatic` fails over without asking (the stack accepts losing the replication lag).
   * @default approval
   */
  ungracefulDatabaseFailover: z.enum(["approval", "automatic"]).default("approval"),
  /** Minimum minutes between two automatic executions (ARC trigger field): no flapping. @default 60 */
  minMinutesBetweenExecutions: z.number().int().min(5).max(1440).default(60),
  /** Consecutive failed one-minute probes from the other region before its alarm turns red. @default 3 */
  probeFailureMinutes: z.number().int().min(2).max(10).default(3),
  /** Cascading-health drain: a slow or failing region loses its traffic dial, with hysteresis. */
  drain: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Minutes over budget (monitoring.latencyP99Ms / error5xxPercent) before the drain. @default 5 */
      drainAfterMinutes: z.number().int().min(2).max(60).default(5),
      /** Minutes back under 80 % of the budget before the dial is restored. @default 15 */
      restoreAfterMinutes: z.number().int().min(5).max(240).default(15),
    })
    .prefault({}),
  /** ARC zonal autoshift on every regional ALB, with practice runs. */
  zonalAutoshift: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** `Day:HH:MM-Day:HH:MM` windows when practice runs must not start (ARC format). */
      blockedWindows: z.array(z.string().regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):\d{2}:\d{2}-(Mon|Tue|Wed|Thu|Fri|Sat|Sun):\d{2}:\d{2}$/, { message: "must look like Mon:00:00-Mon:08:00" })).default([]),
    })
    .prefault({}),
});

/** Vault lock bounds prod gets when `backup.vaultLock` is not written. */
export const DEFAULT_VAULT_LOCK_BOUNDS = { minRetentionDays: 7, maxRetentionDays: 36500 } as const;

/** AWS Backup keeps continuous (point-in-time) recovery points for at most 35 days. */
export const CONTINUOUS_BACKUP_MAX_DAYS = 35;

export const backupSchema = z
  .strictObject({
    /** AWS Backup schedule (cron in UTC); also the cadence of the cross-region snapshot copies. @default "cron(0 5 * * ? *)" */
    schedule: z.string().regex(/^(cron|rate)\(.+\)$/, { message: "must be a cron(...) or rate(...) expression" }).default("cron(0 5 * * ? *)"),
    /** Days recovery points are kept in the source region (at most 35 with continuous backup). @default 35 */
    retentionDays: retentionDays.default(35),
    /** Days the cross-region copies are kept (copies are snapshots, so the 35-day limit does not apply). @default 35 */
    copyRetentionDays: retentionDays.default(35),
    /** Continuous backup (point-in-time restore) where supported (Aurora). @default true */
    continuousBackup: z.boolean().default(true),
    /** Vault lock. @default - on in prod (governance mode, 7..36500 days), off elsewhere */
    vaultLock: z
      .strictObject({
        enabled: z.boolean(),
        minRetentionDays: z.number().int().min(1).default(7),
        maxRetentionDays: z.number().int().min(1).default(36500),
        /** Set to switch to compliance mode after this many days (irreversible afterwards). */
        changeableForDays: z.number().int().min(3).optional(),
      })
      .optional(),
    /** Restore testing plan: restores a recent recovery point on a schedule. @default true */
    restoreTesting: z.boolean().default(true),
    /** When restore tests run (cron in UTC). @default "cron(0 6 ? * SAT *)" (weekly) */
    restoreTestingSchedule: z.string().regex(/^(cron|rate)\(.+\)$/, { message: "must be a cron(...) or rate(...) expression" }).default("cron(0 6 ? * SAT *)"),
  })
  .superRefine((b, ctx) => {
    if (b.continuousBackup && b.retentionDays > CONTINUOUS_BACKUP_MAX_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["retentionDays"],
        message: `must be at most ${CONTINUOUS_BACKUP_MAX_DAYS} while continuousBackup is on (AWS Backup keeps point-in-time recovery points for at most 35 days); keep longer history in copyRetentionDays`,
      });
    }
  });

export const stackConfigSchema = z
  .strictObject({
    environment: z.enum(ENVIRONMENTS),
    regions: z.array(regionSchema).min(2, { message: "needs at least 2 regions for an active-active design" }).max(3, {
      message: "allows at most 3 regions (an ElastiCache global datastore has at most 2 secondary regions)",
    }),
    /**
     * The region whose Aurora cluster and ElastiCache group are created as primaries (single-writer
     * kinds), and whose provider manages the MemoryDB multi-Region cluster object. This is program
     * shape: never change it on a live stack (it would move ForceNew credentials between clusters).
     */
    writerRegion: regionName,
    /**
     * The region that writes now, recorded by `ha-blueprint drill` after a switchover or failover.
     * Runtime state: it changes the topology output (and what alarms and drills treat as the
     * writer), never the clusters. @default - writerRegion
     */
    currentWriterRegion: regionName.optional(),
    network: networkSchema.prefault({}),
    objectives: objectivesSchema,
    database: databaseSchema.prefault({}),
    sessionStore: sessionStoreSchema.prefault({}),
    app: appSchema.prefault({}),
    routing: routingSchema.prefault({}),
    monitoring: monitoringSchema.prefault({}),
    backup: backupSchema.prefault({}),
    recovery: recoverySchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    const names = c.regions.map((r) => r.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) {
        ctx.addIssue({ code: "custom", path: ["regions", i, "name"], message: "is listed twice; regions must be distinct" });
      }
    });
    if (c.currentWriterRegion && !names.includes(c.currentWriterRegion)) {
      ctx.addIssue({ code: "custom", path: ["currentWriterRegion"], message: `is not one of the configured regions (${names.join(", ")})` });
    }
    if (!names.includes(c.writerRegion)) {
      ctx.addIssue({ code: "custom", path: ["writerRegion"], message: `is not one of the configured regions (${names.join(", ")})` });
    }
    c.regions.forEach((r, i) => {
      c.regions.slice(i + 1).forEach((other, j) => {
        if (cidrsOverlap(r.cidr, other.cidr)) {
          ctx.addIssue({
            code: "custom",
            path: ["regions", i + 1 + j, "cidr"],
            message: `overlaps ${r.name}'s ${r.cidr}; region CIDRs must not overlap`,
          });
        }
      });
      if (c.environment === "prod" && r.azCount < 3) {
        ctx.addIssue({ code: "custom", path: ["regions", i, "azCount"], message: "must be at least 3 in prod" });
      }
      if (r.availabilityZones && r.availabilityZones.length !== r.azCount) {
        ctx.addIssue({
          code: "custom",
          path: ["regions", i, "availabilityZones"],
          message: `lists ${r.availabilityZones.length} zones but azCount is ${r.azCount}`,
        });
      }
      r.availabilityZones?.forEach((az, k) => {
        if (!az.startsWith(r.name)) {
          ctx.addIssue({ code: "custom", path: ["regions", i, "availabilityZones", k], message: `is not a zone of ${r.name}` });
        }
        if (r.availabilityZones!.indexOf(az) !== k) {
          ctx.addIssue({ code: "custom", path: ["regions", i, "availabilityZones", k], message: "is listed twice" });
        }
      });
    });
    for (const region of Object.keys(c.routing.trafficDials)) {
      if (!names.includes(region)) {
        ctx.addIssue({ code: "custom", path: ["routing", "trafficDials", region], message: `names a region that is not configured (${names.join(", ")})` });
      }
    }
    for (const [region, arn] of Object.entries(c.app.certificateArns)) {
      if (!names.includes(region)) {
        ctx.addIssue({ code: "custom", path: ["app", "certificateArns", region], message: `names a region that is not configured (${names.join(", ")})` });
      } else if (arn.split(":")[3] !== region) {
        ctx.addIssue({ code: "custom", path: ["app", "certificateArns", region], message: `is a certificate in ${arn.split(":")[3]}; an ALB can only use an ACM certificate from its own region (${region})` });
      }
    }
    if (c.environment === "prod" && names.some((n) => c.app.certificateArns[n] === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["app", "certificateArns"],
        message: `must name an ACM certificate for every region in prod (missing: ${names.filter((n) => c.app.certificateArns[n] === undefined).join(", ")}); prod serves HTTPS only`,
      });
    }
    const withCertificate = names.filter((n) => c.app.certificateArns[n] !== undefined);
    if (withCertificate.length > 0 && withCertificate.length < names.length && c.environment !== "prod") {
      ctx.addIssue({
        code: "custom",
        path: ["app", "certificateArns"],
        message: `must name a certificate for every region or for none (missing: ${names.filter((n) => !withCertificate.includes(n)).join(", ")}); the global entry point forwards the same ports to every region`,
      });
    }
    for (const region of Object.keys(c.app.accessLogBuckets)) {
      if (!names.includes(region)) {
        ctx.addIssue({ code: "custom", path: ["app", "accessLogBuckets", region], message: `names a region that is not configured (${names.join(", ")})` });
      }
    }
    if (c.app.backendProtocol === "HTTPS" && c.app.image.startsWith(`${DEFAULT_APP_IMAGE.split(":")[0]}:`)) {
      ctx.addIssue({ code: "custom", path: ["app", "backendProtocol"], message: "needs an app.image that serves TLS on containerPort; the placeholder image serves HTTP only" });
    }
    c.app.eks.privateAccessCidrs.forEach((v, k) => {
      const parsed = parseCidr(v);
      if ("error" in parsed) {
        ctx.addIssue({ code: "custom", path: ["app", "eks", "privateAccessCidrs", k], message: parsed.error });
      } else if (!isPrivateIpv4Cidr(v)) {
        ctx.addIssue({ code: "custom", path: ["app", "eks", "privateAccessCidrs", k], message: "is not a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16); the private endpoint is only reachable from inside the VPC or networks routed into it" });
      }
    });
    const arm = c.app.eks.amiType.includes("ARM_64");
    c.app.eks.instanceTypes.forEach((t, k) => {
      if (isGravitonInstanceType(t) !== arm) {
        ctx.addIssue({
          code: "custom",
          path: ["app", "eks", "instanceTypes", k],
          message: `does not match amiType ${c.app.eks.amiType}: ${arm ? "ARM AMIs need Graviton types such as m7g.large" : "x86_64 AMIs need Intel or AMD types such as m6i.large; set amiType AL2023_ARM_64_STANDARD for Graviton"}`,
        });
      }
    });
    if (c.routing.mode === "route53" && !c.routing.route53) {
      ctx.addIssue({ code: "custom", path: ["routing", "route53"], message: "is required when routing.mode is route53 (hostedZoneId and recordName)" });
    }
    if (c.database.globalDbRpoSeconds !== undefined && c.regions.length < 3) {
      ctx.addIssue({
        code: "custom",
        path: ["database", "globalDbRpoSeconds"],
        message: `needs at least two secondary regions, but the stack has ${c.regions.length - 1}: Aurora blocks every commit on the writer while no secondary is within the bound, so a lone secondary that is down or lagging stops all writes; remove the key (the lag is then unbounded, typically under a second) or add a third region`,
      });
    }
    dataKindIssues(c, names).forEach((issue) => ctx.addIssue({ code: "custom", ...issue }));
    appEnvIssues(c.app).forEach((issue) => ctx.addIssue({ code: "custom", ...issue }));
    if (c.app.writesHealthPath === c.app.healthPath) {
      ctx.addIssue({ code: "custom", path: ["app", "writesHealthPath"], message: "equals app.healthPath; readiness (local dependencies) and write health are separate answers" });
    }
    if (!c.app.eks.publicEndpoint && c.app.eks.privateAccessCidrs.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["app", "eks", "privateAccessCidrs"],
        message: "must list the network that runs pulumi up (VPN, Direct Connect or a peered runner VPC) when publicEndpoint is false: with a private-only endpoint nothing else can reach the Kubernetes API, and every Kubernetes resource would fail to apply",
      });
    }
    if (c.app.eks.publicEndpoint) {
      if (c.app.eks.publicAccessCidrs.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["app", "eks", "publicAccessCidrs"],
          message: "list the egress CIDRs of the machines that run pulumi up and kubectl (e.g. [\"198.51.100.7/32\"]); the public EKS endpoint admits only these (or set publicEndpoint: false and privateAccessCidrs)",
        });
      }
      c.app.eks.publicAccessCidrs.forEach((v, k) => {
        if (v === "0.0.0.0/0" || v === "::/0") {
          ctx.addIssue({ code: "custom", path: ["app", "eks", "publicAccessCidrs", k], message: "opens the EKS API to the internet; list your own CIDRs" });
        } else if ("error" in parseCidr(v)) {
          ctx.addIssue({ code: "custom", path: ["app", "eks", "publicAccessCidrs", k], message: (parseCidr(v) as { error: string }).error });
        }
      });
    }
    if (c.environment === "prod") {
      if (c.app.eks.adminPrincipalArns.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["app", "eks", "adminPrincipalArns"],
          message: "must list the IAM roles that administer the clusters in prod (the CI role that runs pulumi up and the platform team's role, e.g. [\"arn:aws:iam::<account>:role/<ci-role>\"]); without them only the cluster's creator can reach Kubernetes",
        });
      }
      if (!c.monitoring.alarmEmail && c.monitoring.alarmSubscriptions.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["monitoring", "alarmSubscriptions"],
          message: "must name a notification target in prod (or set monitoring.alarmEmail): an https on-call webhook, an sqs queue or a lambda function ARN; alarms nobody receives page nobody",
        });
      }
      if (c.database.kind === "aurora-global" && !/^\d+\.\d+(\.\d+)?$/.test(c.database.engineVersion) && !/^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/.test(c.database.engineVersion)) {
        ctx.addIssue({
          code: "custom",
          path: ["database", "engineVersion"],
          message: "must be pinned to a full version in prod (e.g. \"16.9\"): a bare major resolves to whatever minor AWS offers on the day of each pulumi up",
        });
      }
      const noLogs = names.filter((n) => c.app.accessLogBuckets[n] === undefined);
      if (noLogs.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["app", "accessLogBuckets"],
          message: `must name an access-log bucket for every region in prod (missing: ${noLogs.join(", ")}); a bucket in that region whose policy lets ELB log delivery write`,
        });
      }
      if (c.app.waf === false) {
        ctx.addIssue({ code: "custom", path: ["app", "waf"], message: "cannot be false in prod: every internet-facing ALB gets the AWS managed rule groups" });
      }
      if (c.database.backupRetentionDays < 7) {
        ctx.addIssue({ code: "custom", path: ["database", "backupRetentionDays"], message: "must be at least 7 in prod" });
      }
      if (c.database.deletionProtection === false) {
        ctx.addIssue({ code: "custom", path: ["database", "deletionProtection"], message: "cannot be false in prod" });
      }
    }
    if (c.backup.vaultLock && c.backup.vaultLock.minRetentionDays > c.backup.vaultLock.maxRetentionDays) {
      ctx.addIssue({ code: "custom", path: ["backup", "vaultLock", "minRetentionDays"], message: "exceeds maxRetentionDays" });
    }
    // A locked vault rejects recovery points whose lifecycle falls outside its bounds, so the
    // backup (and the other region's copy into it) would fail at run time, not at deploy time.
    const lock = c.backup.vaultLock ?? (c.environment === "prod" ? { enabled: true, ...DEFAULT_VAULT_LOCK_BOUNDS } : undefined);
    if (lock?.enabled) {
      for (const key of ["retentionDays", "copyRetentionDays"] as const) {
        const days = c.backup[key];
        if (days < lock.minRetentionDays || days > lock.maxRetentionDays) {
          ctx.addIssue({
            code: "custom",
            path: ["backup", key],
            message: `must lie within the vault lock's ${lock.minRetentionDays}..${lock.maxRetentionDays} days${c.backup.vaultLock ? "" : " (prod locks vaults by default)"}, or locked vaults reject the recovery points`,
          });
        }
      }
    }
    if (c.routing.mode === "accelerator" && names.every((n) => (c.routing.trafficDials[n] ?? 100) === 0)) {
      ctx.addIssue({ code: "custom", path: ["routing", "trafficDials"], message: "sets every region's dial to 0; at least one region must take traffic" });
    }
  });

/**
 * Where the chosen data-store kinds can run: MemoryDB Multi-Region only in its Regions, Aurora
 * DSQL peers and witness within one Region set, no more peers than DSQL supports.
 */
function dataKindIssues(c: { database: { kind: string; dsql?: { witnessRegion: string }; globalDbRpoSeconds?: number }; sessionStore: { kind: string } }, names: string[]): { path: PropertyKey[]; message: string }[] {
  const issues: { path: PropertyKey[]; message: string }[] = [];
  // A name that is no AWS Region already has its own line; it says nothing about the kinds.
  names = names.filter(isAwsRegion);
  if (c.sessionStore.kind === "memorydb-multi-region") {
    const outside = names.filter((n) => !MEMORYDB_MULTI_REGION_REGIONS.includes(n));
    if (outside.length > 0) {
      issues.push({
        path: ["sessionStore", "kind"],
        message: `cannot run in ${outside.join(", ")}: MemoryDB Multi-Region is offered in ${MEMORYDB_MULTI_REGION_REGIONS.join(", ")}; use kind elasticache-global there`,
      });
    }
    if (names.length > MEMORYDB_MULTI_REGION_MAX_REGIONS) {
      issues.push({ path: ["sessionStore", "kind"], message: `spans ${names.length} regions; MemoryDB Multi-Region replicates between at most ${MEMORYDB_MULTI_REGION_MAX_REGIONS}` });
    }
  }
  if (c.database.kind === "aurora-dsql" && c.database.dsql && isAwsRegion(c.database.dsql.witnessRegion)) {
    for (const problem of dsqlPlacementProblems(names, c.database.dsql.witnessRegion)) {
      issues.push({ path: problem.key === "witnessRegion" ? ["database", "dsql", "witnessRegion"] : ["regions"], message: problem.message });
    }
  }
  return issues;
}

/**
 * Settings written in the stack file that the chosen kind does not use: path, the value written
 * and why. Checked on the raw input (before defaults), so a key the kind would ignore is refused
 * instead of silently doing nothing.
 */
export function inapplicableKindKeys(raw: Record<string, unknown>): { path: string[]; value: unknown; message: string }[] {
  const out: { path: string[]; value: unknown; message: string }[] = [];
  const asObject = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const db = asObject(raw.database);
  if (db) {
    const kind = db.kind ?? "aurora-global";
    if (kind === "aurora-dsql") {
      for (const key of AURORA_ONLY_DATABASE_KEYS) {
        if (key in db) out.push({ path: ["database", key], value: db[key], message: `does not apply to database.kind aurora-dsql (it uses kind, dsql, deletionProtection)` });
      }
    } else if (kind === "aurora-global" && "dsql" in db) {
      out.push({ path: ["database", "dsql"], value: undefined, message: "applies only to database.kind aurora-dsql (this stack uses aurora-global)" });
    }
  }
  const sessions = asObject(raw.sessionStore);
  if (sessions) {
    const kind = sessions.kind ?? "memorydb-multi-region";
    if (kind === "memorydb-multi-region" || kind === "elasticache-global") {
      const allowed: readonly string[] = SESSION_STORE_KEYS[kind];
      for (const key of Object.keys(sessions)) {
        const known = Object.values(SESSION_STORE_KEYS).some((keys) => (keys as readonly string[]).includes(key));
        if (known && !allowed.includes(key)) {
          out.push({ path: ["sessionStore", key], value: sessions[key], message: `does not apply to sessionStore.kind ${kind} (it uses ${allowed.join(", ")})` });
        }
      }
    }
  }
  return out;
}

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type ParsedStackConfig = z.output<typeof stackConfigSchema>;
export type RegionConfig = z.output<typeof regionSchema>;
/** The validated `app` section (defaults applied), as the app tier receives it. */
export type AppConfig = z.output<typeof appSchema>;

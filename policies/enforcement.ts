import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import { ENVIRONMENTS, type Environment } from "../config/schema";
import { configDefaults, type Rule, type RuleKind } from "./engine/types";
import { RULES } from "./rules";

/**
 * Enforcement per environment. Environments differ in size and strictness, never in shape, so:
 * - redundancy and security rules are mandatory everywhere (dev runs the same two-region,
 *   multi-AZ shape as prod; a single point of failure in dev is a bug in the blueprint);
 * - values AWS rejects (validity) are mandatory everywhere: the update would fail half-way;
 * - protection (deletion protection, vault lock), size rules (retention days, replica floors) and
 *   hardening that needs per-environment material (TLS certificates) are mandatory in prod and
 *   advisory in staging and dev, which run smaller and without a domain on purpose;
 * - catalogue P2 rules (`advisoryEverywhere`) are advisory everywhere.
 * Thresholds tighten in the environments whose config promises more (three AZs in prod and staging).
 */

const LEVELS: Record<Environment, Record<RuleKind, EnforcementLevel>> = {
  prod: { redundancy: "mandatory", security: "mandatory", validity: "mandatory", protection: "mandatory", size: "mandatory", hardening: "mandatory" },
  staging: { redundancy: "mandatory", security: "mandatory", validity: "mandatory", protection: "advisory", size: "advisory", hardening: "advisory" },
  dev: { redundancy: "mandatory", security: "mandatory", validity: "mandatory", protection: "advisory", size: "advisory", hardening: "advisory" },
};

const THREE_AZS = {
  "ha-vpc-multi-az": { minAzs: 3 },
  "ha-subnet-groups-multi-az": { minAzs: 3 },
  "ha-lb-multi-az": { minAzs: 3 },
  "ha-eks-nodegroups-span-azs": { minAzs: 3 },
  "ha-memorydb-multi-az": { minAzs: 3 },
} as const;

const THRESHOLDS: Record<Environment, Record<string, Record<string, unknown>>> = {
  prod: { ...THREE_AZS, "ha-k8s-min-replicas": { minReplicas: 3 }, "ha-k8s-hpa-bounds": { minReplicas: 3 } },
  staging: { ...THREE_AZS, "ha-k8s-min-replicas": { minReplicas: 3 }, "ha-k8s-hpa-bounds": { minReplicas: 3 } },
  dev: {},
};

export const DEFAULT_ENVIRONMENT: Environment = "prod";

export function isEnvironment(v: unknown): v is Environment {
  return typeof v === "string" && (ENVIRONMENTS as readonly string[]).includes(v);
}

export function levelFor(rule: Rule, env: Environment): EnforcementLevel {
  return rule.advisoryEverywhere ? "advisory" : LEVELS[env][rule.kind];
}

/** The policy config of an environment, in the `--policy-pack-config` file format. */
export function packConfigFor(env: Environment, rules: readonly Rule[] = RULES): PolicyPackConfig {
  return Object.fromEntries(rules.map((r) => [r.name, { enforcementLevel: levelFor(r, env), ...(THRESHOLDS[env][r.name] ?? {}) }]));
}

/**
 * The level and thresholds a rule runs with: rule defaults, then the environment's config, then
 * the user's policy config (same format as `pulumi preview --policy-pack-config`, `all` included).
 */
export function resolveRule(rule: Rule, env: Environment, user: PolicyPackConfig = {}): { level: EnforcementLevel; config: object } {
  const envEntry = packConfigFor(env, [rule])[rule.name] as { enforcementLevel: EnforcementLevel };
  const { enforcementLevel: envLevel, ...envThresholds } = envEntry;
  const all = user.all;
  const own = user[rule.name];
  const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
  const ownLevel = typeof own === "string" ? own : own?.enforcementLevel;
  const ownThresholds = own && typeof own === "object" ? Object.fromEntries(Object.entries(own).filter(([k]) => k !== "enforcementLevel")) : {};
  return {
    level: (ownLevel ?? allLevel ?? envLevel) as EnforcementLevel,
    config: { ...configDefaults(rule.config), ...envThresholds, ...ownThresholds },
  };
}

/**
 * Profiles: `blueprint` (this project's own stacks: the environment's levels and thresholds) and
 * `foreign`, for stacks this blueprint did not write. The foreign profile keeps every universal HA
 * and security rule mandatory and drops the house rules, the choices this blueprint makes for
 * itself: two serving regions and a global entry, cross-region backup copies and their 35-day
 * retention, three AZs and three pods in prod, several instance types per node group, a health
 * path other than "/", CoreDNS per AZ, read-only root filesystems, the ECS circuit breaker, vault
 * locks. Protection, size and hardening rules report without blocking; every threshold is the
 * rule's default (never prod's raised one).
 */
export const PROFILES = ["blueprint", "foreign"] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(v: unknown): v is Profile {
  return typeof v === "string" && (PROFILES as readonly string[]).includes(v);
}

/** House rules and house thresholds, as the foreign profile sets them. */
const FOREIGN_OVERRIDES: Record<string, Record<string, unknown>> = {
  "ha-min-regions": { enforcementLevel: "disabled" },
  "ha-tier-in-every-region": { enforcementLevel: "disabled" },
  "ha-global-entrypoint": { enforcementLevel: "disabled" },
  "ha-active-active-traffic": { enforcementLevel: "disabled" },
  "ha-backup-cross-region-copy": { enforcementLevel: "disabled" },
  "ha-backup-vault-lock": { enforcementLevel: "disabled" },
  "ha-ecs-circuit-breaker": { enforcementLevel: "advisory" },
  "ha-aurora-global-topology": { requireGlobal: false },
  "ha-redis-global-topology": { requireGlobal: false },
  "ha-memorydb-multi-region": { requireMultiRegion: false },
  "ha-nodegroup-scaling": { minInstanceTypes: 1 },
  "ha-target-group-health-check": { requireExplicitPath: false },
  "ha-eks-coredns-replicas": { perAz: false },
  "sec-k8s-pod-hardening": { requireReadOnlyRootFilesystem: false },
  "ha-backup-retention": { minCopyRetentionDays: 7 },
};

/** The foreign profile in `--policy-pack-config` format: every rule's level and every threshold, explicit. */
export function foreignProfileConfig(rules: readonly Rule[] = RULES): PolicyPackConfig {
  return Object.fromEntries(rules.map((r) => [r.name, { enforcementLevel: levelFor(r, "dev"), ...(configDefaults(r.config) as object), ...(FOREIGN_OVERRIDES[r.name] ?? {}) }]));
}

/**
 * A user's policy config laid over a profile's: per rule, the user's settings replace the
 * profile's one by one; a user `all` level replaces the profile's per-rule levels.
 */
export function overlayPolicyConfig(base: PolicyPackConfig, user: PolicyPackConfig = {}): PolicyPackConfig {
  const out: Record<string, unknown> = {};
  const userAll = user.all !== undefined;
  for (const [name, entry] of Object.entries(base)) {
    if (name === "all") continue;
    const e = { ...(entry as Record<string, unknown>) };
    if (userAll) delete e.enforcementLevel;
    out[name] = e;
  }
  for (const [name, entry] of Object.entries(user)) {
    const prev = (out[name] ?? {}) as Record<string, unknown>;
    out[name] = typeof entry === "string" ? (name === "all" ? entry : { ...prev, enforcementLevel: entry }) : { ...prev, ...(entry as object) };
  }
  return out as PolicyPackConfig;
}

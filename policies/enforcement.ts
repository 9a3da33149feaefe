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

import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { Rule } from "./engine/types";

/**
 * Validation of policy config in the `--policy-pack-config` format, wherever it enters: the CLI's
 * `--policy-config` file, `checkGraph`'s option, the pack's initial config, and the config the
 * engine hands each policy (`getConfig()`). A typo must not silently turn a rule off or leave a
 * threshold at its default: an unknown rule, an unknown enforcement level, an unknown threshold
 * and a threshold of the wrong type are errors that name the rule and the key.
 */

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[], source = "policy config") {
    super(`${source}: ${problems.join("; ")}`);
    this.name = "PolicyConfigError";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  return typeof v === "string" ? `the string ${JSON.stringify(v)}` : `${typeof v} ${JSON.stringify(v)}`;
}

/** The JSON-schema subset our rule configs use: type, enum, minimum/maximum, items. */
function schemaProblems(schema: PolicyConfigJSONSchema, value: unknown, where: string): string[] {
  const type = schema.type;
  const types = Array.isArray(type) ? type : type ? [type] : [];
  const fits = (t: string) =>
    t === "integer" ? Number.isInteger(value)
    : t === "number" ? typeof value === "number" && Number.isFinite(value)
    : t === "array" ? Array.isArray(value)
    : t === "object" ? isObject(value)
    : t === "null" ? value === null
    : typeof value === t;
  if (types.length > 0 && !types.some(fits)) return [`${where} must be ${types.join(" or ")}, not ${describeValue(value)}`];
  const problems: string[] = [];
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) problems.push(`${where} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, not ${JSON.stringify(value)}`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${where} must be at least ${schema.minimum}, not ${value}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${where} must be at most ${schema.maximum}, not ${value}`);
  }
  if (Array.isArray(value) && schema.items && !Array.isArray(schema.items) && typeof schema.items === "object") {
    value.forEach((item, i) => problems.push(...schemaProblems(schema.items as PolicyConfigJSONSchema, item, `${where}[${i}]`)));
  }
  return problems;
}

function levelProblem(level: unknown, where: string): string | undefined {
  if (typeof level === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(level)) return undefined;
  return `${where} has unknown enforcement level ${JSON.stringify(level)} (use ${ENFORCEMENT_LEVELS.join(", ")})`;
}

/** Problems with one rule's thresholds (enforcementLevel excluded), e.g. what `getConfig()` returns. */
export function ruleConfigProblems(rule: Rule, props: Record<string, unknown>): string[] {
  const spec = rule.config as Record<string, PolicyConfigJSONSchema>;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (key === "enforcementLevel") continue;
    const schema = spec[key];
    if (!schema) {
      const known = Object.keys(spec);
      problems.push(`${rule.name} has unknown setting "${key}" (${known.length ? `known: ${known.join(", ")}` : "it takes no settings"})`);
      continue;
    }
    problems.push(...schemaProblems(schema, value, `${rule.name}.${key}`));
  }
  return problems;
}

/** Every problem of a whole policy config document. */
export function policyConfigProblems(config: unknown, rules: readonly Rule[]): string[] {
  if (!isObject(config)) return [`must be a JSON object of policy name to enforcement level or settings, not ${describeValue(config)}`];
  const byName = new Map(rules.map((r) => [r.name, r]));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(config)) {
    const rule = byName.get(name);
    if (name !== "all" && !rule) {
      problems.push(`unknown rule "${name}"`);
      continue;
    }
    if (typeof entry === "string") {
      const p = levelProblem(entry, `"${name}"`);
      if (p) problems.push(p);
      continue;
    }
    if (!isObject(entry)) {
      problems.push(`"${name}" must be an enforcement level or an object of settings, not ${describeValue(entry)}`);
      continue;
    }
    if (entry.enforcementLevel !== undefined) {
      const p = levelProblem(entry.enforcementLevel, `"${name}"`);
      if (p) problems.push(p);
    }
    if (name === "all") {
      // The engine applies only the level of `all`; thresholds there would be silently dropped.
      const extra = Object.keys(entry).filter((k) => k !== "enforcementLevel");
      if (extra.length > 0) problems.push(`"all" takes only an enforcement level, not ${extra.map((k) => `"${k}"`).join(", ")}`);
      continue;
    }
    problems.push(...ruleConfigProblems(rule!, entry));
  }
  return problems;
}

/** Throws a PolicyConfigError naming every problem; returns the config typed when it is valid. */
export function validatePolicyConfig(config: unknown, rules: readonly Rule[], source?: string): PolicyPackConfig {
  const problems = policyConfigProblems(config, rules);
  if (problems.length > 0) throw new PolicyConfigError(problems, source);
  return config as PolicyPackConfig;
}

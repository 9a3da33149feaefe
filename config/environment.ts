import { z } from "zod";
import { ENVIRONMENTS, type Environment } from "./schema";

/**
 * The environment's name and its strictness, two settings. The name (`qa`, `perf`, `eu-prod`) is
 * free: it goes into the `ha:environment` tag and the topology output. The strictness is one of the
 * three rule sets the blueprint knows (dev, staging, prod): validation, environment-dependent
 * defaults (deletion protection, vault lock), policy enforcement and `policies/config/<strictness>.json`.
 *
 * Why `config.environment` stays the rule set (and the free name is `config.environmentName`):
 * every rule in the code base reads `config.environment === "prod"` (config, components, the
 * checker); keeping its meaning keeps each of them right for a stack named `qa`, including rules
 * written concurrently on other branches, and its type stays `Environment`, so the compiler catches
 * any code that would compare it with a free name.
 */

/** A lower-case label: it ends up in tags and may end up in resource names. */
export const environmentNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/, { message: "must be a lower-case name of letters, digits and - (at most 32), e.g. qa or perf-eu" })
  .describe("Name of the environment, e.g. `dev`, `qa`, `perf-eu`: the `ha:environment` tag of every resource and the topology output. Free; its rules come from `strictness`.");

export const strictnessSchema = z
  .enum(ENVIRONMENTS)
  .describe("Which rules the stack follows: `dev`, `staging` or `prod` (validation, defaults such as deletion protection and vault lock, policy enforcement, `policies/config/<strictness>.json`). Defaults to `environment` when that is one of the three; required otherwise. Never looser than an environment named like a rule set (an environment `prod` cannot run with `dev` rules).");

/** The top-level keys this module owns, for the config reference (docs/config.md). */
export const environmentSettingsSchema = z.strictObject({
  environment: environmentNameSchema,
  strictness: strictnessSchema.optional(),
});

const ORDER: Record<Environment, number> = { dev: 0, staging: 1, prod: 2 };

export interface EnvironmentSettings {
  /** The free name. */
  readonly name: string;
  /** The rule set. */
  readonly strictness: Environment;
}

/**
 * Resolves `environment` and `strictness` from the stack file's raw values. Returns the settings
 * or one problem line per mistake (key, value and what is allowed).
 */
export function resolveEnvironment(environment: unknown, strictness: unknown): EnvironmentSettings | { problems: string[] } {
  const problems: string[] = [];
  const allowed = ENVIRONMENTS.map((e) => JSON.stringify(e)).join(", ");
  const show = (v: unknown) => (v === undefined ? "missing" : JSON.stringify(v));
  const name = environmentNameSchema.safeParse(environment);
  if (environment === undefined) problems.push("ha-blueprint:environment: missing; name the environment, e.g. dev, staging, prod or qa");
  else if (!name.success) problems.push(`ha-blueprint:environment: ${show(environment)} ${name.error.issues[0].message}`);
  const tier = strictness === undefined ? undefined : strictnessSchema.safeParse(strictness);
  if (tier && !tier.success) problems.push(`ha-blueprint:strictness: ${show(strictness)} is not allowed (allowed: ${allowed})`);
  if (problems.length > 0 || !name.success) return { problems };
  const named = (ENVIRONMENTS as readonly string[]).includes(name.data) ? (name.data as Environment) : undefined;
  const chosen = tier?.success ? tier.data : named;
  if (!chosen) {
    return { problems: [`ha-blueprint:strictness: missing; environment "${name.data}" is not dev, staging or prod, so set strictness to the rules it follows (allowed: ${allowed})`] };
  }
  if (named && ORDER[chosen] < ORDER[named]) {
    return { problems: [`ha-blueprint:strictness: "${chosen}" is looser than the environment's own name "${named}"; an environment named ${named} follows at least ${named} rules (remove strictness or raise it)`] };
  }
  return { name: name.data, strictness: chosen };
}

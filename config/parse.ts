import type { z } from "zod";
import { secretConfigKeys } from "./appEnv";
import { resolveEnvironment } from "./environment";
import { DEFAULT_VAULT_LOCK_BOUNDS, PROJECT, inapplicableKindKeys, stackConfigSchema, type Environment, type ParsedStackConfig } from "./schema";

/** A user mistake in the stack configuration; the CLI prints `message` and exits 2, never a stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: string[], readonly source?: string) {
    super(
      problems.length === 1
        ? `${source ? `${source}: ` : ""}${problems[0]}`
        : `${source ? `${source}: ` : ""}invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export interface VaultLockConfig {
  readonly enabled: boolean;
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  readonly changeableForDays?: number;
}

/** The validated configuration with environment-dependent defaults resolved. */
export type StackConfig = Omit<ParsedStackConfig, "database" | "backup"> & {
  readonly database: ParsedStackConfig["database"] & { readonly deletionProtection: boolean };
  readonly backup: Omit<ParsedStackConfig["backup"], "vaultLock"> & { readonly vaultLock: VaultLockConfig };
  /**
   * The environment's free name (`qa`), for tags and the topology output. `environment` is its
   * strictness (dev, staging or prod), which every rule reads (config/environment.ts).
   */
  readonly environmentName: string;
  /** Project config keys that `app.secretEnv` reads with `fromConfig` (values never parsed here). */
  readonly secretConfigKeys: string[];
  /** Regions other than the writer, in configured order. */
  readonly secondaryRegions: string[];
};

/** Namespaces whose keys belong to providers or the Pulumi engine and are validated there. */
const FOREIGN_NAMESPACES = new Set(["aws", "kubernetes", "random", "pulumi"]);

/**
 * Pulumi hands config to a program as strings (objects as JSON text); a stack file read with a
 * YAML parser gives real values. Accept both, so tests, the CLI and `pulumi up` share one path.
 */
function decodeValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function formatPath(path: PropertyKey[]): string {
  let out = `${PROJECT}:${String(path[0])}`;
  for (const seg of path.slice(1)) {
    out += typeof seg === "number" ? `[${seg}]` : `.${String(seg)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** Keys whose values may be credentials: a message never repeats them. */
const SECRET_KEY = /pass(word)?|secret|token|credential|private.?key|api.?key|auth/i;

function looksSecret(path: PropertyKey[], value: unknown): boolean {
  if (path.some((seg) => typeof seg === "string" && SECRET_KEY.test(seg))) return true;
  return !!value && typeof value === "object" && "secure" in (value as Record<string, unknown>);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => {
      const path = [...issue.path, k];
      // An unknown key's value is never echoed: it may be a secret written in plain text.
      const hint = looksSecret(path, valueAt(input, path))
        ? "; the blueprint generates passwords and tokens itself (never write them into the stack file)"
        : "; check the spelling";
      return `${formatPath(path)}: unknown key${hint}`;
    });
  }
  if (issue.code === "invalid_union" || issue.code === "invalid_value") {
    const value = valueAt(input, issue.path);
    const allowed = issue.code === "invalid_value" ? ` (allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")})` : "";
    return [`${formatPath(issue.path)}: ${describeValue(value)} is not allowed${allowed}`];
  }
  const value = valueAt(input, issue.path);
  if (looksSecret(issue.path, value)) return [`${formatPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, "")} (value hidden)`];
  if (value === undefined && issue.code === "invalid_type") {
    return [`${formatPath(issue.path)}: missing; ${issue.message.replace(/^Invalid input: /, "")}`];
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  if (value === undefined) return [`${formatPath(issue.path)}: missing; ${message}`];
  return [`${formatPath(issue.path)}: ${describeValue(value)} ${message}`];
}

/**
 * Validates raw stack config (keys like `ha-blueprint:regions`, values as YAML objects or Pulumi's
 * JSON strings) and resolves the environment-dependent defaults. Pure: throws ConfigError, declares
 * nothing.
 */
export function parseConfig(raw: Record<string, unknown>, source?: string): StackConfig {
  const own: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw ?? {})) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? "" : key.slice(0, colon);
    const name = colon < 0 ? key : key.slice(colon + 1);
    if (namespace === PROJECT) {
      own[name] = decodeValue(value);
    } else if (!FOREIGN_NAMESPACES.has(namespace)) {
      problems.push(`${key}: unknown key; project keys are written ${PROJECT}:<name>`);
    }
  }
  const awsRegion = raw?.["aws:region"];
  const regions = decodeValue(own.regions);
  if (typeof awsRegion === "string" && Array.isArray(regions)) {
    const names = regions.map((r) => (r && typeof r === "object" ? (r as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === "string");
    if (names.length > 0 && !names.includes(awsRegion)) {
      problems.push(`aws:region: "${awsRegion}" is not one of the stack's regions (${names.join(", ")}); set it to the writer region, the one the stack's global resources are created through`);
    }
  }
  // The free environment name and its strictness; the schema sees the strictness as `environment`.
  const env = resolveEnvironment(own.environment, own.strictness);
  delete own.strictness;
  if ("problems" in env) problems.push(...env.problems);
  own.environment = "problems" in env ? "dev" : env.strictness;
  // Secret config values named by app.secretEnv: checked for presence, never read or echoed.
  const secretKeys = secretConfigKeys(decodeValue(own.app));
  for (const key of secretKeys) {
    if (key in stackConfigSchema.shape || key === "strictness") {
      problems.push(`${PROJECT}:app.secretEnv: fromConfig "${key}" names a blueprint setting; choose another key for the secret`);
      continue;
    }
    if (!(key in own)) {
      problems.push(`${PROJECT}:app.secretEnv: fromConfig "${key}" is not set in the stack; run pulumi config set --secret ${key} <value>`);
    }
    delete own[key];
  }
  for (const key of inapplicableKindKeys(own)) {
    problems.push(`${formatPath(key.path)}: ${key.value === undefined ? "" : `${describeValue(key.value)} `}${key.message}`);
  }
  const result = stackConfigSchema.safeParse(own);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(issue, own));
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, source);
  return resolveDefaults(result.data, "problems" in env ? "" : env.name, secretKeys);
}

function resolveDefaults(c: ParsedStackConfig, environmentName: string, secretConfigKeys: string[]): StackConfig {
  const prod = c.environment === "prod";
  return {
    ...c,
    database: { ...c.database, deletionProtection: c.database.deletionProtection ?? prod },
    backup: {
      ...c.backup,
      vaultLock: c.backup.vaultLock ?? { enabled: prod, ...DEFAULT_VAULT_LOCK_BOUNDS },
    },
    secondaryRegions: c.regions.map((r) => r.name).filter((n) => n !== c.writerRegion),
    environmentName,
    secretConfigKeys,
  };
}

export function isProd(env: Environment): boolean {
  return env === "prod";
}

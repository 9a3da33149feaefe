import { z } from "zod";

/**
 * The app's own environment variables (`app.env`) and secrets (`app.secretEnv`), validated here;
 * components/app/appEnv.ts turns them into ConfigMap and Secret entries.
 *
 * Shape, as a deployer writes it in the stack file:
 *
 * ```yaml
 * ha-blueprint:app:
 *   env:
 *     LOG_LEVEL: info
 *     FEATURE_CHECKOUT_V2: "true"        # quoted: values are text, exactly as written
 *   secretEnv:
 *     STRIPE_API_KEY: { fromConfig: stripeApiKey }   # pulumi config set --secret stripeApiKey ...
 *     PARTNER_TOKEN:
 *       secretsManagerArn: arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-AbCdEf
 *       jsonKey: token                   # optional: one key of a JSON secret
 * ```
 */

/** POSIX-style names: what every shell and runtime reads without quoting. */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every variable the blueprint itself gives the workload, over all data-store kinds
 * (components/app/workload.ts). An app variable of the same name would silently shadow or be
 * shadowed by it, so it is refused. test/app/appContract.test.ts fails when the plan gives a
 * variable that is missing here.
 */
export const BLUEPRINT_ENV_VARS = [
  "APP_REGION", "APP_PORT", "APP_HEALTH_PATH", "APP_WRITES_HEALTH_PATH",
  "DATABASE_KIND", "DATABASE_WRITER_HOST", "DATABASE_READER_HOST", "DATABASE_PORT", "DATABASE_NAME",
  "DATABASE_USER", "DATABASE_AUTH", "DATABASE_IAM_REGIONS",
  "SESSION_STORE_KIND", "REDIS_WRITER_HOST", "REDIS_READER_HOST", "REDIS_PRIMARY_CANDIDATES", "REDIS_PORT",
  "REDIS_TLS", "REDIS_CLUSTER_MODE", "REDIS_USER", "REDIS_PASSWORD", "REDIS_AUTH_TOKEN",
] as const;

/** A Pulumi config key of this project, as given to `pulumi config set --secret <key>`. */
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** The Region of a Secrets Manager ARN (the invoke reads the secret there). */
export function secretsManagerArnRegion(arn: string): string {
  return SECRETS_MANAGER_ARN.exec(arn)?.[1] ?? "";
}

/**
 * Plain values only, as text: YAML would turn `1.10` into 1.1 and `on` into true, so a number or
 * boolean is refused with "quote it" rather than converted into something not written.
 */
export const appEnvSchema = z
  .record(z.string(), z.string({ message: "must be a string; quote it in YAML (\"8080\", \"true\") so the pod gets exactly what is written" }).max(32768))
  .describe("The app's own environment variables: name -> plain text value (quote numbers and booleans). Names must not be one the blueprint sets (see docs/app-contract.md). Never put a credential here: values land in a ConfigMap; use `secretEnv`.")
  .default({});

/**
 * One object with both sources optional (instead of a union), so a mistake is reported per key and
 * a value written in plain text is reported as a wrong type with its value hidden.
 */
export const appSecretSourceSchema = z
  .strictObject({
    fromConfig: z.string().regex(CONFIG_KEY, { message: "is not a config key; write the key given to pulumi config set --secret, e.g. stripeApiKey" }).optional()
      .describe("A secret config value of this stack: `pulumi config set --secret <key> <value>` stores `ha-blueprint:<key>` encrypted in the stack file."),
    secretsManagerArn: z.string().regex(SECRETS_MANAGER_ARN, { message: "is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>)" }).optional()
      .describe("A Secrets Manager secret, read at each `pulumi up` (the deployer needs secretsmanager:GetSecretValue, and kms:Decrypt for a customer-managed key)."),
    jsonKey: z.string().min(1).optional()
      .describe("With `secretsManagerArn`: take this key of a JSON secret string instead of the whole string."),
  })
  .superRefine((s, ctx) => {
    const given = [s.fromConfig, s.secretsManagerArn].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: "custom", message: "needs exactly one source: fromConfig or secretsManagerArn" });
    if (s.jsonKey !== undefined && s.secretsManagerArn === undefined) ctx.addIssue({ code: "custom", path: ["jsonKey"], message: "applies only with secretsManagerArn" });
  });

export const appSecretEnvSchema = z
  .record(z.string(), appSecretSourceSchema)
  .describe("The app's secret environment variables: name -> `{ fromConfig: <key> }` or `{ secretsManagerArn: <arn>, jsonKey?: <key> }`. Values reach the pods only through a Kubernetes Secret and stay Pulumi secrets (never in a ConfigMap, an output or a log).")
  .default({});

export type AppSecretSource = z.output<typeof appSecretSourceSchema>;

/** Names that collide with the blueprint's variables or with each other. */
export function appEnvIssues(app: { env: Record<string, string>; secretEnv: Record<string, AppSecretSource> }): { path: PropertyKey[]; message: string }[] {
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const reserved = new Set<string>(BLUEPRINT_ENV_VARS);
  for (const key of ["env", "secretEnv"] as const) {
    // Checked here rather than as the record's key schema, whose message would not name the key.
    const invalid = Object.keys(app[key]).filter((n) => !ENV_VAR_NAME.test(n));
    if (invalid.length > 0) {
      issues.push({ path: ["app", key], message: `names ${invalid.map((n) => JSON.stringify(n)).join(", ")}, not environment variable names (letters, digits and _, not starting with a digit)` });
    }
    const taken = Object.keys(app[key]).filter((n) => reserved.has(n));
    if (taken.length > 0) {
      issues.push({ path: ["app", key], message: `sets ${taken.join(", ")}, which the blueprint sets itself (docs/app-contract.md); rename ${taken.length === 1 ? "it" : "them"}` });
    }
  }
  const both = Object.keys(app.env).filter((n) => n in app.secretEnv);
  if (both.length > 0) issues.push({ path: ["app", "secretEnv"], message: `sets ${both.join(", ")}, also set in app.env; a variable is either plain or secret` });
  return issues;
}

/** The config keys `app.secretEnv` reads through `fromConfig` (raw stack input, before validation). */
export function secretConfigKeys(rawApp: unknown): string[] {
  const secretEnv = rawApp && typeof rawApp === "object" ? (rawApp as { secretEnv?: unknown }).secretEnv : undefined;
  if (!secretEnv || typeof secretEnv !== "object") return [];
  // One secret may feed several variables: each key once.
  return [...new Set(Object.values(secretEnv as Record<string, unknown>)
    .map((s) => (s && typeof s === "object" ? (s as { fromConfig?: unknown }).fromConfig : undefined))
    .filter((k): k is string => typeof k === "string" && CONFIG_KEY.test(k)))];
}

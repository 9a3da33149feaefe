/**
 * The `pulumi stack export` format (deployment version 3), as far as ha-blueprint reads and writes
 * it. `plan` writes it; `check` and `analyze` read it, from our plans and from real exports alike.
 */

/** Property-value signature key and the values that mark secrets, resource references and assets. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** Pulumi's sentinel for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Written where a secret's value would be; the plan never encrypts, so it never carries the value. */
export const REDACTED_CIPHERTEXT = "ha-blueprint:redacted";

export interface ExportedResource {
  urn: string;
  custom: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[] | null>;
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  deleteBeforeReplace?: boolean;
  customTimeouts?: Record<string, number>;
  aliases?: unknown[];
}

export interface StackExport {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    secrets_providers?: unknown;
    metadata?: unknown;
    resources: ExportedResource[];
  };
}

export function isSecretValue(v: unknown): v is { [SIG_KEY]: string; value?: unknown; ciphertext?: string; plaintext?: string } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Replaces every secret's value with a redacted ciphertext, recursively. */
export function redactSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return { [SIG_KEY]: SECRET_SIG, ciphertext: REDACTED_CIPHERTEXT };
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

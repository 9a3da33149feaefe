import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseConfig, type StackConfig } from "./parse";
import { STACK_DIR } from "./paths";

export { STACK_DIR };

export function stackFilePath(stack: string, dir = STACK_DIR): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function listStacks(dir = STACK_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export interface LoadedStack {
  readonly name: string;
  readonly file: string;
  /** The `config:` map exactly as written, keys like `ha-blueprint:regions`. */
  readonly rawConfig: Record<string, unknown>;
  readonly config: StackConfig;
}

/** The region of resources that name none: the stack's `aws:region`, else its writer region. */
export function defaultRegionOf(stack: LoadedStack): string {
  return String(stack.rawConfig["aws:region"] ?? stack.config.writerRegion);
}

/** Reads and validates `stacks/Pulumi.<stack>.yaml`. Every failure is a ConfigError with a one-line cause. */
export function loadStack(stack: string, dir = STACK_DIR): LoadedStack {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new ConfigError([`stack name "${stack}" may only hold letters, digits, _, . and -`]);
  }
  const file = stackFilePath(stack, dir);
  if (!fs.existsSync(file)) {
    const known = listStacks(dir);
    throw new ConfigError([`unknown stack "${stack}": ${file} does not exist (known stacks: ${known.join(", ") || "none"})`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as Error).message.split("\n")[0]}`]);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError([`${file} is not a Pulumi stack file (expected a mapping with a config: section)`]);
  }
  const extra = Object.keys(doc).filter((k) => !["config", "secretsprovider", "encryptionsalt", "encryptedkey", "environment"].includes(k));
  if (extra.length > 0) {
    throw new ConfigError([`${file}: unknown top-level key(s) ${extra.join(", ")}; stack settings go under config:`]);
  }
  const rawConfig = (doc as { config?: unknown }).config;
  if (rawConfig === null || typeof rawConfig !== "object" || Array.isArray(rawConfig)) {
    throw new ConfigError([`${file} has no config: mapping`]);
  }
  // The program creates one explicit provider per region; a default provider would put resources in
  // whatever region `aws:region` names. Pulumi refuses default providers only if the file says so.
  const disabled = (rawConfig as Record<string, unknown>)["pulumi:disable-default-providers"];
  const list = Array.isArray(disabled) ? disabled : typeof disabled === "string" ? (() => { try { return JSON.parse(disabled); } catch { return [disabled]; } })() : [];
  const missing = ["aws", "kubernetes"].filter((p) => !(Array.isArray(list) && (list.includes(p) || list.includes("*"))));
  if (missing.length > 0) {
    throw new ConfigError([`${path.relative(process.cwd(), file) || file}: pulumi:disable-default-providers must list ${missing.join(" and ")} (e.g. ["aws", "kubernetes"]): every resource must use one of the blueprint's per-region providers`]);
  }
  const config = parseConfig(rawConfig as Record<string, unknown>, path.relative(process.cwd(), file) || file);
  // A secret read by app.secretEnv must be encrypted in the file (`pulumi config set --secret`
  // writes `{ secure: <ciphertext> }`); plain text here would sit in Git. The value is never shown.
  for (const key of config.secretConfigKeys) {
    const value = (rawConfig as Record<string, unknown>)[`ha-blueprint:${key}`];
    if (!(value && typeof value === "object" && "secure" in value)) {
      throw new ConfigError([`${path.relative(process.cwd(), file) || file}: ha-blueprint:${key} is plain text (value hidden); app.secretEnv reads it as a secret, so set it with pulumi config set --secret ${key} <value>`]);
    }
  }
  return { name: stack, file, rawConfig: rawConfig as Record<string, unknown>, config };
}

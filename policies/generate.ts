import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS, type Environment } from "../config/schema";
import { configDefaults, type Rule } from "./engine/types";
import { foreignProfileConfig, levelFor, packConfigFor } from "./enforcement";
import { RULES } from "./rules";

/**
 * Generated artefacts of the pack: the rule table in docs/policies.md and the per-environment
 * policy config files. `npx tsx policies/generate.ts` rewrites them; a test fails when they are
 * stale, so the docs always describe the rules that run.
 */

export const ROOT = path.resolve(__dirname, "..");
export const DOC_FILE = path.join(ROOT, "docs", "policies.md");
export const CONFIG_DIR = path.join(ROOT, "policies", "config");
export const TABLE_BEGIN = "<!-- BEGIN GENERATED RULE TABLE (npx tsx policies/generate.ts) -->";
export const TABLE_END = "<!-- END GENERATED RULE TABLE -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function thresholds(rule: Rule): string {
  const d = configDefaults(rule.config) as Record<string, unknown>;
  const keys = Object.keys(d);
  return keys.length === 0 ? "-" : keys.map((k) => `\`${k}\`=${JSON.stringify(d[k])}`).join(", ");
}

export function renderRuleTable(rules: readonly Rule[] = RULES): string {
  const envs = ENVIRONMENTS as readonly Environment[];
  const rows = rules.map((r) =>
    `| \`${r.name}\` | ${r.severity} | ${cell(r.description)} | ${cell(r.anchors.join("; "))} | ${r.kind}, ${r.scope} | ${envs.map((e) => levelFor(r, e)).join(" / ")} | ${cell(thresholds(r))} |`);
  return [
    "| rule | severity | what it checks | anchors | kind, scope | dev / staging / prod | thresholds (defaults) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function renderConfigFile(env: Environment): string {
  return `${JSON.stringify(packConfigFor(env), null, 2)}\n`;
}

/** policies/config/foreign.json: the foreign profile, for `pulumi preview --policy-pack-config`. */
export function renderForeignConfigFile(): string {
  return `${JSON.stringify(foreignProfileConfig(), null, 2)}\n`;
}

/** The doc with its generated block replaced (the text around the markers is hand-written). */
export function renderDoc(current: string): string {
  const start = current.indexOf(TABLE_BEGIN);
  const end = current.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${DOC_FILE} lacks the generated-table markers`);
  return `${current.slice(0, start)}${TABLE_BEGIN}\n${renderRuleTable()}\n${current.slice(end)}`;
}

if (require.main === module) {
  fs.writeFileSync(DOC_FILE, renderDoc(fs.readFileSync(DOC_FILE, "utf8")));
  fs.mkdirSync(CONFIG_DIR, { recursive: true });
  for (const env of ENVIRONMENTS) fs.writeFileSync(path.join(CONFIG_DIR, `${env}.json`), renderConfigFile(env));
  fs.writeFileSync(path.join(CONFIG_DIR, "foreign.json"), renderForeignConfigFile());
  process.stdout.write(`wrote ${path.relative(ROOT, DOC_FILE)} and policies/config/{${[...ENVIRONMENTS, "foreign"].join(",")}}.json\n`);
}

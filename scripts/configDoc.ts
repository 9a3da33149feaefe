import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { z } from "zod";
import { environmentSettingsSchema } from "../config/environment";
import { PROJECT, stackConfigSchema } from "../config/schema";

/**
 * docs/config.md, generated: the structure, types, bounds and defaults come from the zod schema
 * (`z.toJSONSchema`), the explanations from the TSDoc comment above each key in config/*.ts (or a
 * `.describe()` text). The comments stay the one place a key is explained: writing them again as
 * `.describe()` strings would duplicate every one and let the two drift. TSDoc is not available at
 * runtime, so the TypeScript parser reads it from the source, following the schema variables a
 * key refers to. `npm run generate:config-doc` rewrites the file; test/config/configDoc.test.ts
 * fails while the committed file differs.
 */

export const ROOT = path.resolve(__dirname, "..");
export const CONFIG_DOC = path.join(ROOT, "docs", "config.md");
const SOURCES = ["config/schema.ts", "config/appEnv.ts", "config/environment.ts"].map((f) => path.join(ROOT, f));

interface Doc { readonly text: string; readonly default?: string; /** The default is prose (`@default - ...`), not a value. */ readonly prose?: boolean }

/** `/** ... *\/` right before a node: its text and its `@default`. */
function leadingDoc(node: ts.Node, source: ts.SourceFile): Doc | undefined {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const block = ranges.map((r) => source.text.slice(r.pos, r.end)).filter((c) => c.startsWith("/**")).pop();
  if (!block) return undefined;
  const lines = block.replace(/^\/\*\*/, "").replace(/\*\/$/, "").split("\n").map((l) => l.replace(/^\s*\* ?/, "").trim());
  const body = lines.join("\n");
  const at = body.search(/(^|\n)@default\b|@default\b/);
  const text = (at < 0 ? body : body.slice(0, at)).replace(/\s+/g, " ").trim();
  const def = at < 0 ? undefined : body.slice(at).replace(/^\s*@default\s*/, "").replace(/\s+/g, " ").trim();
  return { text, ...(def ? { default: def.replace(/^- /, ""), prose: def.startsWith("- ") } : {}) };
}

/** Key path (dots, no array or map segments) -> its TSDoc, read from the schema sources. */
export function schemaComments(): Map<string, Doc> {
  const vars = new Map<string, { init: ts.Expression; source: ts.SourceFile }>();
  const files = SOURCES.map((f) => ts.createSourceFile(f, fs.readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true));
  for (const source of files) {
    source.forEachChild((stmt) => {
      if (!ts.isVariableStatement(stmt)) return;
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer) vars.set(d.name.text, { init: d.initializer, source });
      }
    });
  }
  const out = new Map<string, Doc>();
  /** The object literal of the first `z.strictObject({...})` / `z.object({...})` an expression builds on. */
  const objectOf = (expr: ts.Node, source: ts.SourceFile, seen: Set<string>): { literal: ts.ObjectLiteralExpression; source: ts.SourceFile } | undefined => {
    if (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)) return undefined;
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)
      && ["strictObject", "object"].includes(expr.expression.name.text) && expr.arguments[0] && ts.isObjectLiteralExpression(expr.arguments[0])) {
      return { literal: expr.arguments[0], source };
    }
    if (ts.isIdentifier(expr) && vars.has(expr.text) && !seen.has(expr.text)) {
      const v = vars.get(expr.text)!;
      return objectOf(v.init, v.source, new Set([...seen, expr.text]));
    }
    let found: ReturnType<typeof objectOf>;
    expr.forEachChild((child) => {
      if (!found && !ts.isObjectLiteralExpression(child)) found = objectOf(child, source, seen);
    });
    return found;
  };
  const walk = (literal: ts.ObjectLiteralExpression, source: ts.SourceFile, prefix: string) => {
    for (const p of literal.properties) {
      const shorthand = ts.isShorthandPropertyAssignment(p);
      if (!shorthand && !(ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))) continue;
      const key = `${prefix}${(p.name as ts.Identifier).text}`;
      const doc = leadingDoc(p, source);
      if (doc) out.set(key, doc);
      const inner = objectOf(shorthand ? p.name : (p as ts.PropertyAssignment).initializer, source, new Set());
      if (inner) walk(inner.literal, inner.source, `${key}.`);
    }
  };
  const root = vars.get("stackConfigSchema")!;
  walk(objectOf(root.init, root.source, new Set())!.literal, root.source, "");
  const env = vars.get("environmentSettingsSchema")!;
  walk(objectOf(env.init, env.source, new Set())!.literal, env.source, "");
  return out;
}

type Json = Record<string, unknown> & { type?: string; properties?: Record<string, Json>; items?: Json; additionalProperties?: Json | boolean; anyOf?: Json[] };

function typeOf(s: Json): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "any"}`;
  if (s.type === "object" && s.properties) return "object";
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object") return `map of ${typeOf(s.additionalProperties)}`;
  const bounds = [s.minimum !== undefined ? `>= ${s.minimum}` : "", s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : "",
    s.maximum !== undefined ? `<= ${s.maximum}` : "", s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : ""].filter(Boolean);
  return `${s.type ?? "any"}${bounds.length ? ` (${bounds.join(", ")})` : ""}`;
}

interface Row { readonly key: string; readonly type: string; readonly required: boolean; readonly default: string; readonly prose: boolean; readonly text: string }

function rows(schema: Json, comments: Map<string, Doc>): Row[] {
  const out: Row[] = [];
  const visit = (s: Json, display: string, lookup: string, required: boolean) => {
    const doc = comments.get(lookup);
    const def = doc?.default ?? (s.default !== undefined && !(typeof s.default === "object" && s.default !== null && Object.keys(s.default).length === 0) ? JSON.stringify(s.default) : "");
    const text = [doc?.text, typeof s.description === "string" && s.description !== doc?.text ? s.description : undefined].filter(Boolean).join(" ");
    out.push({ key: display, type: typeOf(s), required: required && s.default === undefined, default: def, prose: !!doc?.prose, text });
    if (s.type === "object" && s.properties) {
      const req = new Set((s.required as string[] | undefined) ?? []);
      for (const [k, v] of Object.entries(s.properties)) visit(v, `${display}.${k}`, `${lookup}.${k}`, req.has(k));
    } else if (s.type === "array" && s.items?.type === "object") {
      const req = new Set((s.items.required as string[] | undefined) ?? []);
      for (const [k, v] of Object.entries(s.items.properties ?? {})) visit(v, `${display}[].${k}`, `${lookup}.${k}`, req.has(k));
    } else if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && s.additionalProperties.properties) {
      const inner = s.additionalProperties;
      const req = new Set((inner.required as string[] | undefined) ?? []);
      for (const [k, v] of Object.entries(inner.properties ?? {})) visit(v, `${display}.<NAME>.${k}`, `${lookup}.${k}`, req.has(k));
    }
  };
  const req = new Set((schema.required as string[] | undefined) ?? []);
  for (const [k, v] of Object.entries(schema.properties ?? {})) visit(v, k, k, req.has(k));
  return out;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderConfigDoc(): string {
  const io = { io: "input", unrepresentable: "any" } as const;
  const main = z.toJSONSchema(stackConfigSchema, io) as Json;
  const env = z.toJSONSchema(environmentSettingsSchema, io) as Json;
  // environment and strictness are resolved before the schema (config/environment.ts).
  const schema: Json = {
    ...main,
    properties: { ...env.properties, ...Object.fromEntries(Object.entries(main.properties ?? {}).filter(([k]) => k !== "environment")) },
    required: [...((env.required as string[]) ?? []), ...((main.required as string[]) ?? [])],
  };
  const all = rows(schema, schemaComments());
  // Scalars of the top level share one table; each object or list gets its own.
  const nested = new Set(all.filter((r) => /[.[]/.test(r.key)).map((r) => r.key.split(/[.[]/)[0]));
  const sectionOf = (key: string) => (nested.has(key.split(/[.[]/)[0]) ? key.split(/[.[]/)[0] : "top level");
  const sections = [...new Set(all.map((r) => sectionOf(r.key)))];
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated by scripts/configDoc.ts from config/schema.ts (npm run generate:config-doc); do not edit. -->",
    "",
    `Every key lives in the \`${PROJECT}:\` namespace of \`stacks/Pulumi.<stack>.yaml\`. Every object is strict: an`,
    "unknown key is refused, never ignored. `Required` means the stack file must set it; everything else has",
    "the default shown. Cross-key rules (a prod stack needs three AZs, certificates for every region, ...)",
    "are in config/schema.ts; `ha-blueprint plan` names the key and the rule of any mistake.",
    "",
    ...sections.map((s) => `- [${s === "top level" ? "Top level" : `\`${s}\``}](#${s.toLowerCase().replace(/ /g, "-")})`),
    "",
  ];
  for (const section of sections) {
    lines.push(`## ${section}`, "", "| Key | Type | Required | Default | Description |", "|---|---|---|---|---|");
    for (const r of all.filter((x) => sectionOf(x.key) === section)) {
      lines.push(`| \`${r.key}\` | ${cell(r.type)} | ${r.required ? "yes" : ""} | ${r.default ? cell(r.prose ? r.default : `\`${r.default}\``) : ""} | ${cell(r.text)} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

if (require.main === module) {
  fs.writeFileSync(CONFIG_DOC, renderConfigDoc());
  process.stdout.write(`wrote ${path.relative(ROOT, CONFIG_DOC)}\n`);
}

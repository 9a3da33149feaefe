import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allBudgets } from "../../analysis/budget";
import { CONTROL_PLANES, DRILL_TIMINGS, EVENTS, SLAS, TIMINGS } from "../../analysis/constants";
import { DOC_FILE, renderSourcesDoc, sectionsOf } from "../../analysis/sourcesDoc";
import { SOURCES } from "../../analysis/sources";
import { defaultSettings, prodSettings } from "../drills/fixtures";

/** Every short source reference the output prints resolves to a section of docs/sources.md. */

const ROOT = path.resolve(__dirname, "../..");
const doc = fs.readFileSync(DOC_FILE, "utf8");
const sections = sectionsOf(doc);

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
}

describe("docs/sources.md", () => {
  it("is the generated document (run `npx tsx analysis/sourcesDoc.ts` when this fails)", () => {
    expect(doc).toBe(renderSourcesDoc());
  });

  it("has a section for every source, and every constant cites one of them", () => {
    for (const ref of Object.keys(SOURCES)) expect(sections.has(ref), ref).toBe(true);
    const cited = [TIMINGS, DRILL_TIMINGS, SLAS, EVENTS, CONTROL_PLANES].flatMap((table) => Object.values(table).map((c) => c.ref as string));
    for (const ref of cited) expect(sections.has(ref), ref).toBe(true);
    // And no section is left over: each is cited by a constant or a budget term.
    const budgetRefs = [prodSettings(), defaultSettings()].flatMap((s) => Object.values(allBudgets(s)).flatMap((b) => [...b.rto.paths.flatMap((p) => p.terms), ...b.rpo.terms, ...b.preparation].map((t) => t.ref as string)));
    for (const ref of sections) expect([...cited, ...budgetRefs], ref).toContain(ref);
  });

  it("resolves every budget term's reference, in both routing modes and with an automated trigger", () => {
    const variants = [
      prodSettings(),
      defaultSettings(),
      prodSettings({ routing: { mode: { value: "route53", from: "test" } } }),
      prodSettings({ decision: "automated", trigger: "ARC Region switch plan test" }),
    ];
    for (const s of variants) {
      for (const b of Object.values(allBudgets(s))) {
        for (const t of [...b.rto.paths.flatMap((p) => p.terms), ...b.rpo.terms, ...b.preparation]) {
          expect(sections.has(t.ref), `${b.disruption} ${t.id}: ${t.ref}`).toBe(true);
          expect(t.source.length).toBeGreaterThan(10);
        }
      }
    }
  });

  it("resolves every docs/sources.md#... link written in the code", () => {
    const links = ["analysis", "cli", "drills", "graph", "policies"].flatMap(files).flatMap((f) =>
      [...fs.readFileSync(path.join(ROOT, f), "utf8").matchAll(/docs\/sources\.md#([a-z0-9-]+)/g)].map((m) => ({ f, ref: m[1] })));
    for (const { f, ref } of links) expect(sections.has(ref), `${f}: ${ref}`).toBe(true);
  });
});

describe("docs/analysis-model.md", () => {
  it("lists every term the model uses with its tag (source or project estimate), as generated", async () => {
    const fs = await import("node:fs");
    const { MODEL_DOC_FILE, withConstantsTable } = await import("../../analysis/sourcesDoc");
    const { TIMINGS, SLAS } = await import("../../analysis/constants");
    const doc = fs.readFileSync(MODEL_DOC_FILE, "utf8");
    expect(doc).toBe(withConstantsTable(doc));
    for (const [k, c] of [...Object.entries(TIMINGS), ...Object.entries(SLAS)]) {
      expect(doc).toMatch(new RegExp(`^\\| \`${k}\` \\| [^|]+ \\|[^|]*\\| ${c.confidence.replace("-", "\\-")} \\|`, "m"));
    }
  });
});

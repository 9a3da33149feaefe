import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config/paths";
import { CONFIDENCE_LABELS, CONTROL_PLANES, DRILL_TIMINGS, EVENTS, SLAS, TIMINGS, type Confidence } from "./constants";
import { SOURCES, SOURCES_DOC, type Source, type SourceRef } from "./sources";
import { addToGroup } from "../graph/groups";

/**
 * docs/sources.md, generated from analysis/sources.ts and the constants that cite each page:
 * `npx tsx analysis/sourcesDoc.ts` rewrites it, and a test fails when it is stale or when any
 * reference the output prints has no section.
 */

export const DOC_FILE = path.join(PROJECT_ROOT, SOURCES_DOC);

interface Use {
  readonly key: string;
  readonly figure: string;
  readonly confidence?: Confidence;
  readonly text: string;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function uses(): Map<SourceRef, Use[]> {
  const out = new Map<SourceRef, Use[]>();
  const add = (ref: SourceRef, u: Use) => addToGroup(out, ref, u);
  for (const [k, c] of Object.entries(TIMINGS)) {
    add(c.ref, { key: `TIMINGS.${k}`, figure: `${c.value}${"floor" in c ? ` (floor ${c.floor})` : ""}`, confidence: c.confidence, text: `${c.source}${"note" in c ? ` (${c.note})` : ""}` });
  }
  for (const [k, c] of Object.entries(DRILL_TIMINGS)) {
    add(c.ref, { key: `DRILL_TIMINGS.${k}`, figure: String(c.value), confidence: c.confidence, text: `${c.source}${"note" in c ? ` (${c.note})` : ""}` });
  }
  for (const [k, c] of Object.entries(SLAS)) add(c.ref, { key: `SLAS.${k}`, figure: `${(c.value * 100).toFixed(2)} %`, confidence: c.confidence, text: `${c.source}: ${c.scope}` });
  for (const [k, c] of Object.entries(EVENTS)) add(c.ref, { key: `EVENTS.${k}`, figure: `${c.value} a year`, confidence: c.confidence, text: `${c.source} (${c.note})` });
  for (const [k, c] of Object.entries(CONTROL_PLANES)) add(c.ref, { key: `CONTROL_PLANES.${k}`, figure: c.region, text: c.source });
  return out;
}

export function renderSourcesDoc(): string {
  const used = uses();
  const lines = [
    "# Sources",
    "",
    "<!-- Generated from analysis/sources.ts and analysis/constants.ts: run `npx tsx analysis/sourcesDoc.ts`. -->",
    "",
    "Every figure behind the RTO/RPO budget, the availability estimate and the drill simulator names",
    "the page it comes from. The terminal output prints a short reference (for example",
    "`aurora-global-dr`); each reference is a section below, with the page, what the model takes from",
    "it, and the figures that cite it. `--format json` and `--format markdown` print the full citation",
    "next to each figure. Re-check the live page before a figure becomes a published goal.",
    "",
    `Tags: ${(Object.entries(CONFIDENCE_LABELS) as [Confidence, string][]).map(([t, l]) => `**${t}** ${l}`).join(", ")}. ` +
      "See [the analysis model](analysis-model.md) for how the figures combine.",
    "",
    "| Reference | Page |",
    "|---|---|",
    ...(Object.entries(SOURCES) as [SourceRef, Source][]).map(([ref, s]) => `| [${ref}](#${ref}) | ${cell(s.title)} |`),
  ];
  for (const [ref, s] of Object.entries(SOURCES) as [SourceRef, Source][]) {
    lines.push("", `## ${ref}`, "", `**${s.title}**`, "", s.url ? `<${s.url}>` : "No page to link: see the text below.", "", s.says);
    const u = used.get(ref) ?? [];
    if (u.length > 0) {
      lines.push("", "| Figure | Value (timings in s) | Tag | Citation in the code |", "|---|---|---|---|");
      for (const x of u) lines.push(`| \`${x.key}\` | ${x.figure} | ${x.confidence ?? ""} | ${cell(x.text)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Section names (`## name`) of a sources document. */
export function sectionsOf(doc: string): Set<string> {
  return new Set([...doc.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));
}

if (require.main === module) {
  fs.writeFileSync(DOC_FILE, renderSourcesDoc());
  process.stdout.write(`wrote ${SOURCES_DOC}\n`);
}

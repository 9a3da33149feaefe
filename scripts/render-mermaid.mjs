#!/usr/bin/env node
// Renders every ```mermaid block of a Markdown file (a drill report, `analyze --format markdown`)
// with the current `mermaid` package in headless Chromium, one PNG per diagram, so a person can
// look at what GitHub or a wiki will draw. Not part of `npm test` (CI has no Chromium).
//
//   node scripts/render-mermaid.mjs <file.md> [out-dir]      (default out-dir: /tmp/ha-mermaid)
//
// Needs the devDependencies `mermaid` and `playwright-core`, and a Chromium: CHROMIUM=<path>, else
// /usr/bin/chromium (Debian: apt-get install chromium). Exit 1 when a diagram fails to render
// (Mermaid's own parse or layout error is printed), 2 on bad arguments.
import { mkdirSync, readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const [file, outDir = path.join(tmpdir(), "ha-mermaid")] = process.argv.slice(2);
if (!file || !existsSync(file)) {
  process.stderr.write(`render-mermaid: give a Markdown file${file ? ` (cannot read ${file})` : ""}: node scripts/render-mermaid.mjs <file.md> [out-dir]\n`);
  process.exit(2);
}
const blocks = [...readFileSync(file, "utf8").matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
if (blocks.length === 0) {
  process.stderr.write(`render-mermaid: ${file} holds no \`\`\`mermaid block\n`);
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  process.stderr.write(`render-mermaid: no Chromium at ${executablePath} (set CHROMIUM=<path>, or apt-get install chromium)\n`);
  process.exit(2);
}

const { chromium } = require("playwright-core");
const mermaidJs = pathToFileURL(require.resolve("mermaid/dist/mermaid.min.js")).href;
const mermaidVersion = require("mermaid/package.json").version;
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir), removed on close.
});
let failed = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff"><div id="out"></div></body></html>`);
  await page.addScriptTag({ url: mermaidJs }).catch(async () => page.addScriptTag({ content: readFileSync(new URL(mermaidJs), "utf8") }));
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" }));
  const base = path.basename(file).replace(/\.[^.]+$/, "");
  for (const [i, text] of blocks.entries()) {
    const result = await page.evaluate(async (src) => {
      try {
        const { svg } = await window.mermaid.render(`d${Math.random().toString(36).slice(2)}`, src);
        document.getElementById("out").innerHTML = svg;
        return { ok: true };
      } catch (err) {
        return { ok: false, error: String(err && err.message ? err.message : err) };
      }
    }, text);
    const kind = text.trim().split(/\s/)[0];
    if (!result.ok) {
      failed++;
      process.stderr.write(`diagram ${i + 1} (${kind}): ${result.error}\n`);
      continue;
    }
    const png = path.join(outDir, `${base}-${i + 1}-${kind}.png`);
    await page.locator("#out svg").screenshot({ path: png });
    process.stdout.write(`${png}\n`);
  }
} finally {
  await browser.close();
}
process.stderr.write(`mermaid ${mermaidVersion}: ${blocks.length - failed} of ${blocks.length} diagrams rendered\n`);
process.exit(failed > 0 ? 1 : 0);

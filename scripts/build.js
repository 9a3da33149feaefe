#!/usr/bin/env node
// Builds the CLI ahead of time: every TypeScript file the CLI can load is transpiled, one file to
// one file, into dist/ (CommonJS, same layout), so `bin/ha-blueprint.js` runs on plain `node`
// without a TypeScript loader and still loads only the invoked command (each command's modules are
// loaded lazily; one file per module keeps `instanceof` on shared error classes working).
// Type-checking stays with `npm run typecheck`; esbuild only strips types (it is what tsx uses).
// Runs from `npm ci` (prepare), `npm run build`, vitest's global setup, and the binary itself when
// the sources changed since the last build.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".build-stamp.json");
/** Directories (and top-level files) whose .ts the CLI loads; tests and benches stay on tsx. */
const SOURCES = ["analysis", "cli", "components", "config", "drills", "graph", "plan", "policies", "text", "program.ts"];

function listSources() {
  const files = [];
  const walk = (rel) => {
    const abs = path.join(ROOT, rel);
    const stat = fs.statSync(abs, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
    } else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) {
      files.push({ rel, mtimeMs: stat.mtimeMs, size: stat.size });
    }
  };
  for (const s of SOURCES) walk(s);
  return files;
}

/** The sources' fingerprint: any added, removed or edited file changes it. */
function fingerprint(files) {
  return files.map((f) => `${f.rel}:${f.size}:${Math.trunc(f.mtimeMs)}`).join("\n");
}

/** True when dist/ was built from the sources as they are now. */
function isFresh() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, "utf8"));
    return stamp.fingerprint === fingerprint(listSources());
  } catch {
    return false;
  }
}

function build() {
  const esbuild = require("esbuild");
  const files = listSources();
  // Build into a fresh directory, then swap it in, so a process starting mid-build never loads a
  // half-written tree.
  const tmp = `${DIST}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: files.map((f) => f.rel),
    outdir: tmp,
    outbase: ".",
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    // `await import("./commands/x")` must stay a CommonJS require: an ES import() would resolve
    // extensionless paths with the ESM rules and fail.
    supported: { "dynamic-import": false },
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "error",
    // experimentalDecorators in tsconfig.json: esbuild reads it from there.
    tsconfig: path.join(ROOT, "tsconfig.json"),
  });
  fs.writeFileSync(path.join(tmp, ".build-stamp.json"), `${JSON.stringify({ fingerprint: fingerprint(files), files: files.length })}\n`);
  // Another process (a second CLI started at the same moment) may have swapped in its build
  // meanwhile: keep that one if it is fresh; otherwise replace it.
  if (isFresh()) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return files.length;
  }
  const old = `${DIST}.old-${process.pid}`;
  try {
    fs.renameSync(DIST, old);
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  try {
    fs.renameSync(tmp, DIST);
  } catch (err) {
    // Lost the race to a concurrent build of the same sources: use it.
    if (!isFresh()) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
  return files.length;
}

/** Builds dist/ unless it already matches the sources. */
function ensureBuilt() {
  if (!isFresh()) build();
}

/** The fingerprint of the TypeScript sources the CLI runs (what a cached plan was computed by). */
function sourceFingerprint() {
  return fingerprint(listSources());
}

module.exports = { build, ensureBuilt, isFresh, sourceFingerprint, DIST };

if (require.main === module) {
  if (process.argv.includes("--if-stale") && isFresh()) process.exit(0);
  const n = build();
  if (!process.argv.includes("--quiet")) process.stdout.write(`built ${n} files into dist/\n`);
}

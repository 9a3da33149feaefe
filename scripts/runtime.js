"use strict";
// The copy of the CLI a process runs: always the build in dist/, rebuilt first when it is missing
// or older than the TypeScript sources (esbuild, about half a second), so an edited checkout never
// runs stale code and there is one way the CLI is loaded. Shared by bin/ha-blueprint.js and by
// test preloads that must patch the very modules the CLI loads.
const { ensureBuilt, DIST } = require("./build.js");

let ready = false;

/** The directory holding the built CLI (dist/), built first if need be. */
function builtCli() {
  if (!ready) {
    try {
      ensureBuilt();
    } catch {
      process.stderr.write("ha-blueprint: cannot build the CLI from its TypeScript sources (esbuild says why above)\n");
      process.exit(70);
    }
    ready = true;
  }
  return DIST;
}

module.exports = { builtCli };

"use strict";
// Which copy of the CLI a process runs: the ahead-of-time build in dist/ when it matches the
// sources, else the TypeScript sources through tsx. Shared by bin/ha-blueprint.js and by test
// preloads that must patch the very modules the CLI loads.
const path = require("node:path");
const { isFresh, DIST } = require("./build.js");

const ROOT = path.resolve(__dirname, "..");

let chosen;

/** `HA_BLUEPRINT_FROM_SOURCE=1` forces the sources (e.g. to debug with tsx's source maps). */
function cliRoot() {
  if (!chosen) {
    if (!process.env.HA_BLUEPRINT_FROM_SOURCE && isFresh()) chosen = { root: DIST, fromSource: false };
    else {
      require("tsx/cjs");
      chosen = { root: ROOT, fromSource: true };
    }
  }
  return chosen;
}

module.exports = { cliRoot };

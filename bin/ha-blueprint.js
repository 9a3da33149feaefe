#!/usr/bin/env node
"use strict";
// Runs the CLI built ahead of time in dist/ on plain node (`npm ci` builds it through the prepare
// script; `npm run build` rebuilds it). If dist/ is missing or older than the TypeScript sources,
// it is rebuilt first (about half a second), so an edited checkout never runs stale code.
// Before anything else loads: a compile cache that is written only when something changed, and
// the Pulumi SDK's eagerly loaded but unused modules deferred (scripts/startup.js says why).
const { compileCache, deferSdkModules } = require("../scripts/startup.js");
compileCache();
deferSdkModules();

const { builtCli } = require("../scripts/runtime.js");

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") process.exit(process.exitCode || 0);
    throw err;
  });
}

const { main } = require(`${builtCli()}/cli/main`);

function finish(code) {
  // Exit only once stdout has drained: a large plan piped to another program must arrive whole.
  process.stdout.write("", () => process.exit(code));
}

main(process.argv.slice(2)).then(finish, (err) => {
  process.stderr.write(`ha-blueprint: internal error: ${(err && err.stack) || String(err)}\n`);
  process.exit(70);
});

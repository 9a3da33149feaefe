#!/usr/bin/env node
"use strict";
// Runs the CLI built ahead of time in dist/ on plain node (`npm ci` builds it through the prepare
// script; `npm run build` rebuilds it). If dist/ is missing or older than the TypeScript sources,
// it is rebuilt first (about half a second), so an edited checkout never runs stale code.
// Keep V8's compiled code between runs: compiling the ~1,100 modules of the Pulumi SDKs is a
// third of a plan's start-up. Node 22.1+ has this built in; on Node 20, v8-compile-cache does the
// same (cache under the OS temp directory; DISABLE_V8_COMPILE_CACHE=1 turns it off).
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
else require("v8-compile-cache");

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

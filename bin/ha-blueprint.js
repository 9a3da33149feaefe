#!/usr/bin/env node
"use strict";
// Runs the CLI built ahead of time in dist/ on plain node (`npm ci` builds it through the prepare
// script; `npm run build` rebuilds it). If dist/ is missing or older than the TypeScript sources,
// the CLI runs from source through tsx instead (slower start, same behaviour), so an edited
// checkout never runs stale code.
const { cliRoot } = require("../scripts/runtime.js");

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") process.exit(process.exitCode || 0);
    throw err;
  });
}

const { root, fromSource } = cliRoot();
const { main } = require(`${root}/cli/main`);

function finish(code) {
  // Exit only once stdout has drained: a large plan piped to another program must arrive whole.
  process.stdout.write("", () => {
    if (!fromSource) process.exit(code);
    // From source, let tsx finish writing its transpile cache (asynchronous writes that an
    // immediate exit would cut off, leaving empty cache files and a full re-transpile next run);
    // the timer only forces the exit if something else keeps the process alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  });
}

main(process.argv.slice(2)).then(finish, (err) => {
  process.stderr.write(`ha-blueprint: internal error: ${(err && err.stack) || String(err)}\n`);
  process.exit(70);
});

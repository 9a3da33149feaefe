#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx ha-blueprint` works right after `npm ci`, no build
// step. Commands lazy-load heavy modules with require(), which this hook covers.
require("tsx/cjs");
const { main } = require("../cli/main.ts");
// Exit only once stdout has drained: a large plan piped to another program must arrive whole.
const exitAfterFlush = (code) => process.stdout.write("", () => process.exit(code));
main(process.argv.slice(2)).then(
  (code) => exitAfterFlush(code),
  (err) => {
    process.stderr.write(`ha-blueprint: internal error: ${(err && err.stack) || String(err)}\n`);
    process.exit(70);
  },
);

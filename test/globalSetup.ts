// Tests that spawn bin/ha-blueprint.js must run the CLI a user runs after `npm ci`: the build in
// dist/. Rebuild it once, before any test file starts, when the sources changed since the last build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../scripts/build.js") as { ensureBuilt(): void };

export default function setup(): void {
  ensureBuilt();
}

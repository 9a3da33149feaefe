import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Tests that spawn bin/ha-blueprint.js must run the CLI a user runs after `npm ci`: the build in
// dist/. Rebuild it once, before any test file starts, when the sources changed since the last build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../scripts/build.js") as { ensureBuilt(): void };

export default function setup(): () => void {
  ensureBuilt();
  // The plan cache of this run's spawned CLIs (HA_BLUEPRINT_PLAN_CACHE in vitest.config.mts, the
  // same main process): gone with the run.
  const planCache = path.join(os.tmpdir(), `ha-blueprint-test-plans-${process.pid}`);
  return () => fs.rmSync(planCache, { recursive: true, force: true });
}

import * as os from "node:os";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file runs in a forked worker; the files of a worker share their modules (isolate: false),
    // so the Pulumi SDKs load once per worker, not once per file, and test/helpers/plan.ts plans each
    // config once per worker. The Pulumi runtime is global: plan/run.ts resets the mock runtime at
    // every plan and runs one plan at a time, and files run one after another within a worker.
    pool: "forks",
    isolate: false,
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: {
      // The CLI's plan cache (cli/planCache.ts) for the processes the tests spawn: one per run,
      // so a run starts cold and the repository's .ha-blueprint/ is left alone.
      HA_BLUEPRINT_PLAN_CACHE: path.join(os.tmpdir(), `ha-blueprint-test-plans-${process.pid}`),
    },
    // On CI also write a machine-readable report; .ci/run turns it into "N passed, N failed".
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/results.json" }]] : ["default"],
  },
});

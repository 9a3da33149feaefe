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
    // At least two workers, also on two cores (vitest's default keeps one core for its main process,
    // which here mostly waits): plans are shared between workers through the plan cache below, so a
    // second worker costs little more than its own load of the SDKs.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: {
      // The plan cache (cli/planCache.ts) of this run: shared by the workers (test/helpers/plan.ts)
      // and the CLI processes the tests spawn; one per run, so a run starts cold and the
      // repository's .ha-blueprint/ is left alone.
      HA_BLUEPRINT_PLAN_CACHE: path.join(os.tmpdir(), `ha-blueprint-test-plans-${process.pid}`),
    },
    // On CI also write a machine-readable report; .ci/run turns it into "N passed, N failed".
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/results.json" }]] : ["default"],
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file runs the Pulumi runtime (global state) in its own process.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

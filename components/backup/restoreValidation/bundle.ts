import * as fs from "node:fs";
import * as path from "node:path";

let cached: string | undefined;

/**
 * The validation function's code as one CommonJS file, built from handler.ts with esbuild at plan
 * time (a few milliseconds, memoised per process). The AWS SDK stays external: the Lambda Node.js
 * runtime provides it. Deterministic output, so an unchanged handler never updates the function.
 */
export function restoreValidationBundle(): string {
  if (cached !== undefined) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  // The sources under `pulumi up`; the CLI runs from dist/, where the handler is already JavaScript.
  const entry = ["handler.ts", "handler.js"].map((f) => path.join(__dirname, f)).find((f) => fs.existsSync(f));
  if (!entry) throw new Error(`restore validation: no handler.ts or handler.js beside ${__filename}`);
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  cached = result.outputFiles[0].text;
  return cached;
}

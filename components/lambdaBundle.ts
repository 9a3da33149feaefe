import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config/paths";

const bundles = new Map<string, string>();

/**
 * One Lambda handler of this repository as a single CommonJS file, built with esbuild at program
 * run time (milliseconds, memoised per process). The AWS SDK v3 stays external: the Lambda Node.js
 * runtimes ship it (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included).
 *
 * The entry is always the TypeScript source under the project root, whether the program runs from
 * the sources (`pulumi up`, tests) or from the CLI's build in dist/: the same handler gives the same
 * archive, so an offline plan, a real preview and the next `up` agree and an unchanged handler never
 * updates its function. Only a tree without sources falls back to the compiled file beside the caller.
 *
 * @param sourcePath the handler's path from the project root, without extension (e.g. `components/backup/restoreValidation/handler`)
 * @param compiledDir the caller's `__dirname`, for the fallback
 */
export function bundleHandler(sourcePath: string, compiledDir?: string): string {
  const hit = bundles.get(sourcePath);
  if (hit !== undefined) return hit;
  const candidates = [path.join(PROJECT_ROOT, `${sourcePath}.ts`)];
  if (compiledDir) candidates.push(path.join(compiledDir, `${path.basename(sourcePath)}.js`));
  const entry = candidates.find((f) => fs.existsSync(f));
  if (!entry) throw new Error(`Lambda handler ${sourcePath} not found (looked for ${candidates.join(", ")})`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    // Smaller code to upload, and no source-path comments that differ between checkouts.
    minify: true,
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  bundles.set(sourcePath, code);
  return code;
}

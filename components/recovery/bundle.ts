import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/**
 * Bundles one of ./lambdas into a single CommonJS file with esbuild, at program run time, so the
 * code ARC and EventBridge invoke is the TypeScript the tests cover. The AWS SDK v3 stays
 * external: the Lambda Node.js runtimes ship it
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included).
 * Works from the sources (tsx, vitest) and from dist/ (the CLI's per-file build keeps the layout).
 */
const cache = new Map<string, string>();

export function bundledSource(name: "trafficDial" | "sessionFailover" | "probe" | "drain"): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const dir = path.join(__dirname, "lambdas");
  const entry = [".ts", ".js"].map((ext) => path.join(dir, `${name}${ext}`)).find((f) => fs.existsSync(f));
  if (!entry) throw new Error(`recovery Lambda source ${name} not found in ${dir}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const out = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    // Smaller code to upload (and a smaller plan graph: the archive text is part of the inputs).
    minify: true,
    legalComments: "none",
    logLevel: "error",
  });
  const code = out.outputFiles[0].text;
  cache.set(name, code);
  return code;
}

export function lambdaArchive(name: Parameters<typeof bundledSource>[0]): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundledSource(name)) });
}

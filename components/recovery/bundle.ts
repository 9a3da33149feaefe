import * as pulumi from "@pulumi/pulumi";
import { bundleHandler } from "../lambdaBundle";

/**
 * One of ./lambdas as a single CommonJS file (see bundleHandler): the code ARC and EventBridge
 * invoke is the TypeScript the tests cover, the same from the sources and from dist/.
 */
export function bundledSource(name: "trafficDial" | "sessionFailover" | "probe" | "drain"): string {
  return bundleHandler(`components/recovery/lambdas/${name}`, `${__dirname}/lambdas`);
}

export function lambdaArchive(name: Parameters<typeof bundledSource>[0]): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundledSource(name)) });
}

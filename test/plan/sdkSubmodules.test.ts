import { describe, expect, it } from "vitest";
import * as aws from "../../components/sdk/aws";
import * as k8s from "../../components/sdk/kubernetes";

/**
 * The components import the provider SDKs by submodule (start-up time). What the package roots do
 * besides loading modules must still happen: the runtime can rebuild each provider from a
 * resource reference the engine sends back.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getResourcePackage } = require("@pulumi/pulumi/runtime/rpc") as {
  getResourcePackage(pkg: string, version: string): { constructProvider(name: string, type: string, urn: string): unknown } | undefined;
};

describe("provider SDKs by submodule", () => {
  it("registers the aws and kubernetes packages as their roots do", () => {
    for (const [pkg, Provider] of [["aws", aws.Provider], ["kubernetes", k8s.Provider]] as const) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const version = require(`@pulumi/${pkg}/package.json`).version as string;
      const registered = getResourcePackage(pkg, version);
      expect(registered, pkg).toBeDefined();
      expect(() => registered!.constructProvider("p", "pulumi:providers:other", "urn:x")).toThrow(/unknown provider type/);
      expect(typeof Provider).toBe("function");
    }
  });

  it("exposes the same classes as the package roots", async () => {
    const root = await import("@pulumi/aws");
    expect(aws.ec2.Vpc).toBe(root.ec2.Vpc);
    expect(aws.rds.GlobalCluster).toBe(root.rds.GlobalCluster);
    expect(aws.Provider).toBe(root.Provider);
  });
});

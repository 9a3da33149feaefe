/**
 * The parts of @pulumi/kubernetes the components use, imported by submodule (the package root
 * loads every API group). Same classes and types as the root import: code still reads `k8s.core.v1`.
 */
export * as apps from "@pulumi/kubernetes/apps";
export * as autoscaling from "@pulumi/kubernetes/autoscaling";
export * as core from "@pulumi/kubernetes/core";
export * as policy from "@pulumi/kubernetes/policy";
export * as rbac from "@pulumi/kubernetes/rbac";
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";

export { Provider };
export type { ProviderArgs } from "@pulumi/kubernetes/provider";

// What the package root does besides loading its modules: lets the runtime rebuild a provider from
// a resource reference the engine sends back. Registering the same version twice is a no-op.
pulumi.runtime.registerResourcePackage("kubernetes", {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  version: require("@pulumi/kubernetes/package.json").version as string,
  constructProvider: (name: string, type: string, urn: string) => {
    if (type !== "pulumi:providers:kubernetes") throw new Error(`unknown provider type ${type}`);
    return new Provider(name, undefined, { urn });
  },
});

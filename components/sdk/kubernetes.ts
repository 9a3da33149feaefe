/**
 * The parts of @pulumi/kubernetes the components use, imported by submodule (the package root
 * loads every API group). Same classes and types as the root import: code still reads `k8s.core.v1`.
 */
export * as apps from "@pulumi/kubernetes/apps";
export * as autoscaling from "@pulumi/kubernetes/autoscaling";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as policy from "@pulumi/kubernetes/policy";
export * as rbac from "@pulumi/kubernetes/rbac";
import { Provider } from "@pulumi/kubernetes/provider";
import { registerProviderPackage } from "./providerPackage";

export { Provider };
export type { ProviderArgs } from "@pulumi/kubernetes/provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports
registerProviderPackage("kubernetes", require("@pulumi/kubernetes/package.json").version as string, Provider);

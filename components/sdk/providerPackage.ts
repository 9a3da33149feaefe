import * as pulumi from "@pulumi/pulumi";

/**
 * What a provider SDK's package root does besides loading its modules, for code that imports the
 * SDK by submodule: lets the runtime rebuild a provider from a resource reference the engine sends
 * back. Registering the same version twice is a no-op (the root may be loaded too).
 */
export function registerProviderPackage(
  pkg: string,
  version: string,
  Provider: new (name: string, args: undefined, opts: pulumi.CustomResourceOptions) => pulumi.ProviderResource,
): void {
  pulumi.runtime.registerResourcePackage(pkg, {
    version,
    constructProvider: (name: string, type: string, urn: string) => {
      if (type !== `pulumi:providers:${pkg}`) throw new Error(`unknown provider type ${type}`);
      return new Provider(name, undefined, { urn });
    },
  });
}

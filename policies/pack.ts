import type { PolicyPackArgs, PolicyPackConfig } from "@pulumi/policy";
import type { Environment } from "../config/schema";
import { validatePolicyConfig } from "./configValidation";
import { toPolicies } from "./crossguard";
import { DEFAULT_ENVIRONMENT, isEnvironment, packConfigFor } from "./enforcement";
import { RULES } from "./rules";

/**
 * What `policies/index.ts` hands to `new PolicyPack`. The environment whose enforcement the pack
 * starts with comes from HA_BLUEPRINT_ENVIRONMENT (default prod, the strictest); a
 * `--policy-pack-config policies/config/<env>.json` file overrides it per stack.
 */
export function packEnvironment(env = process.env.HA_BLUEPRINT_ENVIRONMENT): Environment {
  if (env === undefined || env === "") return DEFAULT_ENVIRONMENT;
  if (!isEnvironment(env)) throw new Error(`HA_BLUEPRINT_ENVIRONMENT must be dev, staging or prod, not "${env}"`);
  return env;
}

export function packArgs(env = packEnvironment()): PolicyPackArgs {
  return {
    description: "Blocks single points of failure in an active-active, two-region AWS service: regions, AZs, NAT, data-tier topology, Kubernetes workloads, backups, and security basics.",
    displayName: "ha-blueprint high availability",
    enforcementLevel: "advisory",
    policies: toPolicies(RULES, env),
  };
}

/** The pack's own config, validated like any other: a bad generated entry stops the pack at start. */
export function packInitialConfig(env = packEnvironment()): PolicyPackConfig {
  return validatePolicyConfig(packConfigFor(env), RULES, `initial config of the ${env} pack`);
}

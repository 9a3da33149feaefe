import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig } from "./config/parse";
import { deployReadinessWarnings } from "./config/readiness";
import { ActiveActiveStack } from "./components";

/**
 * The Pulumi program: validate the stack config, then declare the active-active stack.
 * `index.ts` runs it under `pulumi up`; `ha-blueprint plan` runs it under the mock runtime.
 */
export function buildProgram(warn: (message: string) => void = (m) => void pulumi.log.warn(m)): Record<string, pulumi.Input<unknown>> {
  let config;
  try {
    config = parseConfig(pulumi.runtime.allConfig(), `stack ${pulumi.getStack()}`);
  } catch (err) {
    // RunError makes the Pulumi CLI print the message without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  // Placeholders in the shipped stack files plan fine offline but cannot work in AWS: say so.
  for (const warning of deployReadinessWarnings(config)) warn(warning);
  const stack = new ActiveActiveStack("ha", { config, stack: pulumi.getStack(), project: pulumi.getProject() });
  return { topology: stack.topology };
}

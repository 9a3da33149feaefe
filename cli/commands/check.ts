import * as fs from "node:fs";
import type { PolicyPackConfig } from "@pulumi/policy";
import { defaultRegionOf, loadStack } from "../../config/load";
import type { Environment } from "../../config/schema";
import { describeJsonError } from "../../graph/json";
import type { GraphFormat } from "../../graph/load";
import { ResourceGraph } from "../../graph/model";
import { checkGraph, type CheckResult } from "../../policies/check";
import { policyConfigProblems } from "../../policies/configValidation";
import { renderCheckText } from "../../policies/render";
import { RULES } from "../../policies/rules";
import { CliError } from "../errors";
import { loadState, stateSourceName } from "../stateInput";
import { terminalWidth } from "../../text/terminal";

export interface CheckCommandOptions {
  /** A state file, or `-` for stdin. Without it, `--stack` is planned offline and checked. */
  readonly state?: string;
  readonly stack?: string;
  readonly stacksDir?: string;
  readonly format: string;
  /** A policy config file in `--policy-pack-config` format. */
  readonly policyConfig?: string;
  /** Judge the state of another stack than `--stack` by `--stack`'s rules (warns). */
  readonly allowStackMismatch?: boolean;
  /** Text: the URN of every advisory finding too. */
  readonly verbose?: boolean;
}

/** Reads and validates `--policy-config`: a bad rule name, level or threshold is exit 2 with one line. */
function readPolicyConfig(file: string): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read policy config ${file}: ${(err as Error).message.replace(/\s+/g, " ")}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliError(`policy config ${file} is not valid JSON: ${describeJsonError(text, err)}`);
  }
  const problems = policyConfigProblems(doc, RULES);
  if (problems.length > 0) throw new CliError(`policy config ${file}: ${problems.join("; ")}`);
  return doc as PolicyPackConfig;
}

export function renderJson(result: CheckResult, source: string, format?: GraphFormat): string {
  return `${JSON.stringify({
    violations: result.violations.map((v) => ({ policy: v.policy, urn: v.urn, message: v.message, enforcementLevel: v.enforcementLevel, severity: v.severity })),
    summary: { source, format, ...result.summary, undecidedChecks: result.undecided },
  }, null, 2)}\n`;
}

/** Runs the check and returns the exit code: 0 clean, 1 mandatory violations (2 is thrown as CliError). */
export async function checkCommand(opts: CheckCommandOptions): Promise<number> {
  if (opts.format !== "text" && opts.format !== "json") throw new CliError(`--format must be text or json, not "${opts.format}"`);
  if (!opts.state && !opts.stack) throw new CliError("give --state <file|-> (a plan, `pulumi stack export` or `pulumi preview --json`), or --stack <name> to plan and check that stack");
  const stack = opts.stack ? loadStack(opts.stack, opts.stacksDir) : undefined;
  const environment = stack?.config.environment as Environment | undefined;
  const stackRegion = stack ? defaultRegionOf(stack) : undefined;
  const policyConfig = opts.policyConfig ? readPolicyConfig(opts.policyConfig) : undefined;

  let graph: ResourceGraph;
  let source: string;
  let format: GraphFormat | undefined;
  if (opts.state) {
    source = stateSourceName(opts.state);
    const loaded = await loadState(opts.state, { stack: opts.stack, allowStackMismatch: opts.allowStackMismatch });
    format = loaded.format;
    graph = ResourceGraph.from(loaded, stackRegion ?? loaded.defaultRegion);
  } else {
    // Loaded only here: planning pulls in the Pulumi SDKs, which checking a state file never needs.
    const { planLoadedStack } = await import("./plan");
    const plan = await planLoadedStack(stack!);
    source = `plan of stack ${opts.stack}`;
    format = "stack-export";
    graph = new ResourceGraph(plan.export.deployment.resources, plan.defaultRegion);
  }
  const result = checkGraph(graph, { environment, policyConfig });
  process.stdout.write(opts.format === "json" ? renderJson(result, source, format) : renderCheckText(result, source, format, { width: terminalWidth(process.stdout), verbose: !!opts.verbose }));
  return result.summary.passed ? 0 : 1;
}

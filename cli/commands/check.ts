import * as fs from "node:fs";
import type { PolicyPackConfig } from "@pulumi/policy";
import { loadStack } from "../../config/load";
import type { Environment } from "../../config/schema";
import type { GraphFormat } from "../../graph/load";
import { ResourceGraph } from "../../graph/model";
import { checkGraph, SEVERITIES, type CheckResult } from "../../policies/check";
import { policyConfigProblems } from "../../policies/configValidation";
import { shortType } from "../../policies/engine/values";
import { RULES } from "../../policies/rules";
import { CliError } from "../errors";
import { loadState, stateSourceName } from "../stateInput";

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
}

/** Reads and validates `--policy-config`: a bad rule name, level or threshold is exit 2 with one line. */
function readPolicyConfig(file: string): PolicyPackConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`cannot read policy config ${file}: ${(err as Error).message.replace(/\s+/g, " ")}`);
  }
  const problems = policyConfigProblems(doc, RULES);
  if (problems.length > 0) throw new CliError(`policy config ${file}: ${problems.join("; ")}`);
  return doc as PolicyPackConfig;
}

function urnLabel(urn: string): string {
  if (!urn) return "(stack)";
  const parts = urn.split("::");
  return `${shortType(parts[2]?.split("$").pop() ?? "")} ${parts[3] ?? urn}`;
}

export function renderText(result: CheckResult, source: string, format?: GraphFormat): string {
  const s = result.summary;
  const lines = [
    `Checked ${source}${format ? ` (${format})` : ""}: ${s.resources} resources, ${s.rules} rules, environment ${s.environment} (${s.environmentSource === "default" ? "default" : s.environmentSource === "graph" ? "from the providers' ha:environment tag" : "from --stack"})`,
    "",
  ];
  for (const severity of SEVERITIES) {
    const group = result.violations.filter((v) => v.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${severity.toUpperCase()} (${group.length})`);
    for (const v of group) {
      lines.push(`  [${v.enforcementLevel}] ${v.policy}  ${urnLabel(v.urn)}`);
      if (v.urn) lines.push(`    urn: ${v.urn}`);
      lines.push(`    ${v.message}`);
    }
    lines.push("");
  }
  if (result.undecided.length > 0) lines.push(`${result.undecided.length} check(s) could not decide because values are unknown (first preview) or secret; run check on the stack export after deployment to settle them.`, "");
  lines.push(
    s.passed
      ? `PASS: no mandatory violation (${s.advisory} advisory).`
      : `FAIL: ${s.mandatory} mandatory violation(s), ${s.advisory} advisory.`,
  );
  return `${lines.join("\n")}\n`;
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
  const stackRegion = stack ? String(stack.rawConfig["aws:region"] ?? stack.config.writerRegion) : undefined;
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
    const { planForStack } = await import("./plan");
    const plan = await planForStack(opts.stack!, opts.stacksDir);
    source = `plan of stack ${opts.stack}`;
    format = "stack-export";
    graph = new ResourceGraph(plan.export.deployment.resources, plan.defaultRegion);
  }
  const result = checkGraph(graph, { environment, policyConfig });
  process.stdout.write(opts.format === "json" ? renderJson(result, source, format) : renderText(result, source, format));
  return result.summary.passed ? 0 : 1;
}

import * as fs from "node:fs";
import * as path from "node:path";
import { defaultRegionOf, loadStack, type LoadedStack } from "../../config/load";
import { replicaNotes } from "../../components/app/sizing";
import { ResourceGraph } from "../../graph/model";
import { renderSummary, renderWarnings, summarize } from "../../graph/summary";
import type { PlanResult } from "../../plan/run";
import { CliError } from "../errors";
import { wrap } from "../layout";
import { terminalWidth } from "../terminal";

export interface PlanCommandOptions {
  readonly stack: string;
  readonly stacksDir?: string;
  readonly out?: string;
  readonly format: "text" | "json";
}

export type StackPlan = PlanResult & { readonly defaultRegion: string; readonly stack: LoadedStack };

/** Loads and validates the stack file, then runs the program under the mock runtime. */
export async function planForStack(stack: string, stacksDir?: string): Promise<StackPlan> {
  return planLoadedStack(loadStack(stack, stacksDir));
}

/** Runs the program of a stack file already loaded (and validated) under the mock runtime. */
export async function planLoadedStack(loaded: LoadedStack): Promise<StackPlan> {
  // The Pulumi SDKs load only once the stack file is valid: a config mistake is reported at once.
  const { runPlan } = await import("../../plan/run");
  try {
    const result = await runPlan({ stack: loaded.name, rawConfig: loaded.rawConfig });
    return { ...result, defaultRegion: defaultRegionOf(loaded), stack: loaded };
  } catch (err) {
    // RunError is how the program reports a user-level problem (e.g. too few AZs in a region).
    if ((err as { __pulumiRunError?: boolean })?.__pulumiRunError === true) throw new CliError(`stack ${loaded.name}: ${(err as Error).message}`);
    throw err;
  }
}

export async function planCommand(opts: PlanCommandOptions): Promise<number> {
  if (opts.format !== "text" && opts.format !== "json") {
    throw new CliError(`--format must be text or json, not "${opts.format}"`);
  }
  const result = await planForStack(opts.stack, opts.stacksDir);
  const json = JSON.stringify(result.export, null, 2);
  if (opts.out) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      fs.writeFileSync(opts.out, `${json}\n`);
    } catch (err) {
      throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`);
    }
  }
  if (opts.format === "json") {
    if (!opts.out) process.stdout.write(`${json}\n`);
    return 0;
  }
  const graph = new ResourceGraph(result.export.deployment.resources, result.defaultRegion);
  const width = terminalWidth(process.stdout);
  const summary = renderSummary(summarize(graph), `Plan of stack ${opts.stack} (offline, Pulumi mock runtime)`, { width });
  const before = renderWarnings(opts.stack, result.warnings, { width });
  const replicas = replicaNotes(result.stack.config.app, result.stack.config.regions).flatMap((n) => wrap(n, width, "  - ", "    ")).map((l) => `${l}\n`).join("");
  process.stdout.write(`${summary}${replicas ? `Replicas:\n${replicas}` : ""}${before}${opts.out ? `Wrote the resource graph (pulumi stack export format) to ${opts.out}\n` : ""}`);
  return 0;
}

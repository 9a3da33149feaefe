import * as fs from "node:fs";
import * as path from "node:path";
import { defaultRegionOf, loadStack, type LoadedStack } from "../../config/load";
import { replicaNotes } from "../../components/app/sizing";
import { ResourceGraph } from "../../graph/model";
import { renderSummary, renderWarnings, summarize } from "../../graph/summary";
import type { StackExport } from "../../plan/stackExport";
import { CliError } from "../errors";
import { refuseOverwritingInput } from "../outputPaths";
import { planKey, readCachedPlan, withPlanLock, writeCachedPlan } from "../planCache";
import { wrap } from "../../text/layout";
import { terminalWidth } from "../../text/terminal";

export interface PlanCommandOptions {
  readonly stack: string;
  readonly stacksDir?: string;
  readonly out?: string;
  readonly format: "text" | "json";
}

/** A stack's plan as the commands use it: the graph and the program's warnings (no live Outputs). */
export interface StackPlan {
  readonly export: StackExport;
  readonly warnings: string[];
  readonly defaultRegion: string;
  readonly stack: LoadedStack;
  /** Reused from the plan cache (cli/planCache.ts) rather than planned in this process. */
  readonly cached: boolean;
}

/** Loads and validates the stack file, then runs the program under the mock runtime. */
export async function planForStack(stack: string, stacksDir?: string): Promise<StackPlan> {
  return planLoadedStack(loadStack(stack, stacksDir));
}

/** Runs the program of a stack file already loaded (and validated) under the mock runtime, or reuses its cached plan. */
export async function planLoadedStack(loaded: LoadedStack): Promise<StackPlan> {
  const key = planKey(loaded);
  try {
    return await withPlanLock(key, async () => {
      const hit = readCachedPlan(key);
      if (hit) return { export: hit.export, warnings: hit.warnings, defaultRegion: defaultRegionOf(loaded), stack: loaded, cached: true };
      // The Pulumi SDKs load only once the stack file is valid: a config mistake is reported at once.
      const { runPlan } = await import("../../plan/run");
      const result = await runPlan({ stack: loaded.name, rawConfig: loaded.rawConfig });
      writeCachedPlan(key, { export: result.export, warnings: result.warnings });
      return { export: result.export, warnings: result.warnings, defaultRegion: defaultRegionOf(loaded), stack: loaded, cached: false };
    });
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
  const stack = loadStack(opts.stack, opts.stacksDir);
  refuseOverwritingInput("--out", opts.out, [{ what: `the stack file of --stack ${opts.stack}`, file: stack.file }]);
  const result = await planLoadedStack(stack);
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
  const reused = result.cached ? `${wrap("Reused the cached plan of this config, code and SDK versions (HA_BLUEPRINT_PLAN_CACHE=off plans afresh)", width).join("\n")}\n` : "";
  process.stdout.write(`${summary}${replicas ? `Replicas:\n${replicas}` : ""}${before}${reused}${opts.out ? `Wrote the resource graph (pulumi stack export format) to ${opts.out}\n` : ""}`);
  return 0;
}

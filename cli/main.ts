import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, type Option, type OutputConfiguration } from "commander";
import { PROJECT_ROOT } from "../config/paths";
import { FAULT_KINDS } from "../drills/faultKinds";
import { CliError, isUserError } from "./errors";
import type { DrillDeps } from "./commands/drill";

/**
 * `ha-blueprint`: offline tooling around the Pulumi program. This file holds every command's flags
 * and loads a command's module only when that command runs: `--help` and `check --state` never
 * load the Pulumi SDKs, the drills or the AWS SDK. User mistakes print one clear line and exit 2;
 * "ran fine but found a problem" is exit 1; anything else is a bug and keeps its stack trace.
 */

export interface CliDeps {
  /** Test seams of the drill command (AWS, the Pulumi stack config, clock, output streams). */
  readonly drill?: DrillDeps;
  /** Where commander writes help and usage errors (default: stdout and stderr). */
  readonly output?: OutputConfiguration;
}

function version(): string {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).version);
  } catch {
    return "unknown";
  }
}

/** The flags every command shares, spelled the same everywhere. */
function stackFlags(cmd: Command, stackHelp: string, required = false): Command {
  if (required) cmd.requiredOption("-s, --stack <name>", stackHelp);
  else cmd.option("-s, --stack <name>", stackHelp);
  return cmd.option("--stacks-dir <dir>", "directory holding the Pulumi.<stack>.yaml files (default: stacks/ of this project)");
}

/** An option given as `--out ""` is a mistake, not "no file": refuse it before anything runs. */
function refuseEmptyValues(command: Command): void {
  for (const [key, value] of Object.entries(command.opts())) {
    if (typeof value !== "string" || value.trim() !== "") continue;
    const option = command.options.find((o: Option) => o.attributeName() === key);
    throw new CliError(`${option?.long ?? key} needs a value, got an empty string`);
  }
}

/** `--stacks-dir` must name a directory: a file or a missing path is one line, not ENOTDIR from deep inside. */
function checkStacksDir(command: Command): void {
  const dir = command.opts().stacksDir;
  if (typeof dir !== "string" || dir.trim() === "") return;
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new CliError(`--stacks-dir ${dir} does not exist (it names the directory holding the Pulumi.<stack>.yaml files)`);
  if (!stat.isDirectory()) throw new CliError(`--stacks-dir ${dir} is a file, not a directory (it names the directory holding the Pulumi.<stack>.yaml files)`);
}

/** Whether the command line asks for JSON output (`--format json`, `-f json`, `--format=json`, `-fjson`). */
export function wantsJson(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    if ((a === "--format" || a === "-f") && argv[i + 1] === "json") return true;
    if (a === "--format=json" || a === "-fjson") return true;
  }
  return false;
}

/**
 * With `--format json`, bad input (exit 2) is also a JSON object on stdout: `check --format json |
 * jq -e .summary.passed` in a script without `pipefail` must not read an empty stdout as a pass.
 */
function jsonError(message: string, exitCode: number): string {
  return `${JSON.stringify({ error: { message, exitCode } })}\n`;
}

/** The command line, and the exit code its action decided once `parseAsync` has run. */
export function buildCli(deps: CliDeps = {}): { program: Command; exitCode(): number } {
  let exitCode = 0;
  const program = new Command("ha-blueprint")
    .description("Plan, check, analyze and drill an active-active two-region stack offline")
    .version(version(), "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .hook("preAction", (_program, action) => {
      refuseEmptyValues(action);
      checkStacksDir(action);
    });
  // Before the subcommands exist: they copy the output settings when created.
  if (deps.output) program.configureOutput(deps.output);

  stackFlags(
    program.command("plan").description("Run the Pulumi program offline under the mock runtime and write its resource graph"),
    "stack name, as in stacks/Pulumi.<name>.yaml",
    true,
  )
    .option("-o, --out <file>", "write the graph in `pulumi stack export` format to this file")
    .option("-f, --format <format>", "text (summary) or json (the graph)", "text")
    .action(async (opts) => {
      exitCode = await (await import("./commands/plan")).planCommand(opts);
    });

  stackFlags(
    program.command("analyze").description("Which tiers survive the loss of each AZ, each region and each resource; single points of failure"),
    "plan stacks/Pulumi.<name>.yaml offline and analyze that graph (with --state: the stack's config only)",
  )
    .option("--state <file>", "analyze a `pulumi stack export`, a checkpoint or `pulumi preview --json` (- for stdin)")
    .option("--allow-stack-mismatch", "with --state of another stack than --stack: proceed (with a warning) instead of refusing")
    .option("-f, --format <format>", "text, json or markdown (with Mermaid diagrams)", "text")
    .option("--verbose", "text: also print each figure's full citation, the settings behind it and the model's notes")
    .option("--strict", "exit 1 when wiring is not visible in the graph (settings in Secrets, routes through a transit gateway): a CI gate")
    .action(async (opts) => {
      exitCode = await (await import("./commands/analyze")).analyzeCommand(opts);
    });

  stackFlags(
    program
      .command("check")
      .description("Run the policy pack offline over a plan, a `pulumi stack export` or `pulumi preview --json` (exit 0 clean, 1 mandatory violations, 2 bad input)"),
    "stack whose environment sets enforcement and default region (plans it offline when --state is absent)",
  )
    .option("--state <file>", "state to check; - reads stdin")
    .option("--allow-stack-mismatch", "with --state of another stack than --stack: proceed (with a warning) instead of refusing")
    .option("-f, --format <format>", "text or json", "text")
    .option("--verbose", "text: also print each advisory finding's URN")
    .option("--policy-config <file>", "policy config overrides, same format as `pulumi preview --policy-pack-config`")
    .option("--profile <name>", "blueprint (default) or foreign: universal HA rules only, house rules dropped, for stacks this blueprint did not write")
    .action(async (opts) => {
      exitCode = await (await import("./commands/check")).checkCommand(opts);
    });

  stackFlags(
    program
      .command("drill")
      .description("plan, simulate (--simulate) or run (--execute --yes) a region switchover/failover, its failback, or an in-region AZ drill"),
    "stack under stacks/ (offline plan for planning and simulation; deployed outputs with --execute)",
  )
    .option("--topology <file>", "topology JSON: `pulumi stack output topology --json`, or a plan file from `ha-blueprint plan --out`")
    .option("--to <region>", "region that becomes the writer")
    .option("--mode <mode>", "planned (switchover, RPO 0) or unplanned (fence the old writer, then fail over with data loss)")
    .option("--failback", "return the writer to --to after a drill or a real failover (always planned)")
    .option("--az <zone>", "in-region AZ drill: move the Aurora writer and cache primary out of this AZ")
    .option("--keep-drained", "planned drills: leave the old writer region's traffic dial at 0")
    .option("--allow-data-loss", "unplanned: accept losing the writes not yet replicated (required with --execute)")
    .option("--max-data-loss <seconds>", "unplanned: most replication lag to accept losing (default: the RPO objective)")
    .option("--rehearsal", "unplanned against a healthy source region: it is a rehearsal (otherwise refused)")
    .option("--simulate", "run the steps against the cloud model (virtual clock, documented timings)")
    .option("--inject-fault <step[:kind]>", `with --simulate: make one step's calls fail (kinds: ${FAULT_KINDS.join(", ")}; default reject; --list-steps prints the step ids)`)
    .option("--list-steps", "print the ids of this drill's steps (what --inject-fault takes) and exit")
    .option("--approve", "answer the Region switch plan's approval step with approve (an ungraceful run also needs --allow-data-loss and a lag within it)")
    .option("--decline", "answer the Region switch plan's approval step with decline")
    .option("--execute", "run the steps against AWS (needs --yes)")
    .option("--yes", "confirm --execute")
    .option("--report <file>", "also write the report; .json or .md picks the format")
    .option("-f, --format <format>", "stdout format: text or json", "text")
    .option("--pulumi-dir <dir>", "Pulumi project directory for the Automation API (default: current directory)")
    .option("--pulumi-stack <name>", "Pulumi stack name if it differs from --stack or the topology's stack")
    .action(async (opts) => {
      exitCode = await (await import("./commands/drill")).drillAction(opts, deps.drill);
    });

  return { program, exitCode: () => exitCode };
}

export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  const cli = buildCli(deps);
  try {
    await cli.program.parseAsync(argv, { from: "user" });
    return cli.exitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help text, or the version).
      if (err.exitCode === 0) return 0;
      if (wantsJson(argv)) process.stdout.write(jsonError(err.message.replace(/^error: /, ""), 2));
      return 2;
    }
    if (isUserError(err)) {
      const exitCode = err instanceof CliError ? err.exitCode : 2;
      process.stderr.write(`ha-blueprint: ${err.message}\n`);
      // Bad input only: a command that ran and stops with exit 1 (a failed drill) has already
      // written its JSON report to stdout, and that report says why.
      if (exitCode === 2 && wantsJson(argv)) process.stdout.write(jsonError(err.message, exitCode));
      return exitCode;
    }
    throw err;
  }
}

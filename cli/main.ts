import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/parse";
import { CliError } from "./errors";
import { registerAnalyze } from "./commands/analyze";
import { registerCheck } from "./commands/check";
import { registerDrill } from "./commands/drill";
import { registerPlan } from "./commands/plan";

/**
 * `ha-blueprint`: offline tooling around the Pulumi program. Each subcommand lives in
 * cli/commands/<name>.ts and registers itself here. User mistakes print one clear message and exit
 * 2; "ran fine but found a problem" is exit 1; anything else is a bug and keeps its stack trace.
 */
export function buildCli(): Command {
  const program = new Command("ha-blueprint")
    .description("Plan, check, analyze and drill an active-active two-region stack offline")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerPlan(program);
  registerAnalyze(program);
  registerCheck(program);
  registerDrill(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help text).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError || err instanceof CliError) {
      process.stderr.write(`ha-blueprint: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`ha-blueprint: internal error: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(70);
    },
  );
}

/**
 * Errors a user can cause (bad flags, unreadable files, invalid config). The CLI prints the message
 * alone, never a stack trace, and exits with `exitCode` (2 for bad input by convention; commands
 * use 1 for "ran fine, found a problem", e.g. a mandatory policy violation or a missed objective).
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * A mistake of the user's: a CliError, or the config loader's ConfigError (recognised by name so
 * the entry point need not load the config schema just to catch it).
 */
export function isUserError(err: unknown): err is Error {
  return err instanceof CliError || (err instanceof Error && err.name === "ConfigError");
}

import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "./errors";

/**
 * An output file must never be one of the command's own inputs: `plan --out stacks/Pulumi.prod.yaml`
 * would replace the stack file it just read with a JSON graph. Paths are compared after resolving
 * symbolic links (and `..`, and a relative spelling), so another name for the same file is caught too.
 */

/** The real path of a file that may not exist yet: its directory resolved, its name kept. */
function realTarget(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

export interface NamedInput {
  /** How the user gave it: a flag (`--topology`) or a description (`the stack file of --stack prod`). */
  readonly what: string;
  readonly file: string | undefined;
}

/** Throws (exit 2) when `out`, given as `flag`, is the same file as one of `inputs`. */
export function refuseOverwritingInput(flag: string, out: string | undefined, inputs: readonly NamedInput[]): void {
  if (!out) return;
  const target = realTarget(out);
  for (const input of inputs) {
    if (!input.file || input.file === "-") continue;
    if (realTarget(input.file) === target) {
      throw new CliError(`${flag} ${out} is ${input.what} (${input.file}): it would be overwritten; write the output to another file`);
    }
  }
}

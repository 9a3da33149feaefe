import * as fs from "node:fs";
import { parseStateText, type LoadedResources } from "../graph/load";
import { CliError } from "./errors";

/**
 * Reading `--state <file|->` the same way in every command: any pipe on stdin, one-line errors,
 * and the refusals that keep a check from judging the wrong thing (an empty state, the state of
 * another stack than `--stack`).
 */

/** Reads a pipe, a redirected file or a FIFO to its end (a synchronous read of a pipe fails with EAGAIN). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new CliError("--state - reads the state from standard input, which is a terminal: pipe it in, e.g. `pulumi stack export | ha-blueprint check --state -`");
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export function stateSourceName(state: string): string {
  return state === "-" ? "standard input" : state;
}

async function readStateText(state: string): Promise<string> {
  if (state === "-") return readStdin();
  try {
    if (fs.statSync(state).isDirectory()) throw new CliError(`cannot read ${state}: it is a directory, not a state file`);
    return fs.readFileSync(state, "utf8");
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${state}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (err as Error).message}`);
  }
}

/** The stack a state belongs to, from its resources' URNs (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfState(loaded: LoadedResources): string | undefined {
  for (const r of loaded.resources) {
    const m = /^urn:pulumi:([^:]+)::/.exec(String((r as { urn?: unknown }).urn ?? ""));
    if (m) return m[1];
  }
  return undefined;
}

function isBookkeeping(type: unknown): boolean {
  return type === "pulumi:pulumi:Stack" || (typeof type === "string" && type.startsWith("pulumi:providers:"));
}

export interface StateOptions {
  /** The `--stack` given beside `--state`, if any. */
  readonly stack?: string;
  /** `--allow-stack-mismatch`: judge another stack's state by this stack's rules, with a warning. */
  readonly allowStackMismatch?: boolean;
  readonly warn?: (line: string) => void;
}

/** Reads and parses `--state`, refusing an empty state and (unless allowed) another stack's state. */
export async function loadState(state: string, opts: StateOptions = {}): Promise<LoadedResources> {
  const source = stateSourceName(state);
  const loaded = parseStateText(await readStateText(state), source);
  if (!loaded.resources.some((r) => !isBookkeeping((r as { type?: unknown }).type))) {
    throw new CliError(
      `${source} holds no resources (only the stack and its providers, if anything): nothing to judge. A stack that was never deployed exports empty; check its plan instead (ha-blueprint check --stack <name>)`,
    );
  }
  const owner = stackOfState(loaded);
  if (opts.stack && owner && owner !== opts.stack) {
    const why = `${source} is the state of stack ${owner}, but --stack ${opts.stack} was given: ${opts.stack}'s enforcement levels and objectives would judge ${owner}'s resources`;
    if (!opts.allowStackMismatch) throw new CliError(`${why}. Use --stack ${owner}, or add --allow-stack-mismatch to proceed anyway`);
    (opts.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(`ha-blueprint: warning: ${why} (--allow-stack-mismatch)`);
  }
  return loaded;
}

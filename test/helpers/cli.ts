import { spawn } from "node:child_process";
import * as path from "node:path";

/** The binary a user runs: every spawned-CLI test goes through it. */
export const ROOT = path.resolve(__dirname, "../..");
export const BIN = path.join(ROOT, "bin/ha-blueprint.js");

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Node flags before the script (e.g. `--require` a preload). */
  readonly nodeArgs?: readonly string[];
  readonly cwd?: string;
  /** The child's whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed (closed at once without it). */
  readonly stdin?: string;
  /** Kill the child after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/** `node bin/ha-blueprint.js ...args` as a separate process, its output decoded as a stream. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    // Decode as a stream: a multi-byte character may straddle two chunks.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? "");
  });
}

/**
 * The CLI's entry point (cli/main.ts `main`) in this process, its stdout and stderr captured: for
 * tests of what a command decides (exit code, message, report) where a separate process adds
 * nothing but its start-up. What depends on the process itself (the exit status the shell sees,
 * stdout and stderr as separate streams, stdin, a TTY) keeps a spawned run (runCli).
 */
export async function runMain(args: readonly string[]): Promise<CliRun> {
  const { main } = await import("../../cli/main");
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write;
  const err = process.stderr.write;
  // write(chunk, [encoding], [callback]): a command that waits for its output to drain gets its callback.
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  try {
    const code = await main([...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

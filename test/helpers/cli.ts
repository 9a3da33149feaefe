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

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Table from "cli-table3";
import { loadStack } from "../config/load";
import { runPlan } from "../plan/run";
import { replicate } from "./check";

/**
 * The CLI as a user runs it: whole `node bin/ha-blueprint.js ...` processes (the ahead-of-time
 * build in dist/), timed against fixed floors measured the same way on the same machine, run
 * interleaved so machine load shifts both alike. Wall time and CPU time (user + system of the
 * process and everything it started) are both reported: on a shared machine the CPU time is the
 * steadier figure. Targets (issues #14 and #21):
 *   plan --stack prod          <= 1.5x the SDK floor (bench/sdkFloor.js: load the Pulumi SDKs, set mocks)
 *   check --state <prod plan>  <= 0.5x the SDK floor
 *   --help                     <= 10x  a bare `node -e 0`
 * and, for information, a plan reused from the plan cache and `npx ha-blueprint` (npm's own
 * start-up) against `node bin/ha-blueprint.js`.
 * Then check and analyze on replicated prod plans up to ~60k resources: time per resource.
 *
 * Standalone: `npx tsx bench/cli.ts [--runs N] [--sizes 1000,10000,60000]`.
 */

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin/ha-blueprint.js");
const RSS = path.join(__dirname, "rss.cjs");

interface Sample {
  readonly ms: number;
  /** CPU time (user + system) of the process and its own children, from the kernel's accounting. */
  readonly cpuMs: number;
  readonly rssMb: number;
}

/**
 * CPU time of this process's finished (waited-for) children, in ms: /proc/self/stat fields 16 and 17
 * (cutime, cstime; clock ticks, 100 per second on Linux), which include their own children. NaN
 * where there is no /proc.
 */
export function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

interface RunOptions {
  readonly allowExit?: number[];
  /** Run this program instead of node (e.g. npx); its arguments are `args`. */
  readonly command?: string;
  readonly env?: NodeJS.ProcessEnv;
}

function run(args: string[], opts: RunOptions = {}): Sample {
  const rssFile = path.join(os.tmpdir(), `ha-bench-rss-${process.pid}`);
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(opts.command ?? process.execPath, opts.command ? args : ["--require", RSS, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, BENCH_RSS_FILE: rssFile },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuMs = childrenCpuMs() - cpuBefore;
  if (r.status !== 0 && !(opts.allowExit ?? []).includes(r.status ?? -1)) {
    throw new Error(`node ${args.join(" ")} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  }
  const rssMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, "utf8")) / 1024 : NaN;
  fs.rmSync(rssFile, { force: true });
  return { ms, cpuMs, rssMb };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Measured extends RunOptions {
  readonly name: string;
  readonly args: string[];
  readonly samples: Sample[];
}

type Medians = { ms: number; cpuMs: number; rssMb: number };

function measureInterleaved(cases: Omit<Measured, "samples">[], runs: number): Map<string, Medians> {
  const all: Measured[] = cases.map((c) => ({ ...c, samples: [] }));
  for (const c of all) run(c.args, c); // warm the OS file cache (and any compile cache) first
  for (let i = 0; i < runs; i++) for (const c of all) c.samples.push(run(c.args, c));
  return new Map(all.map((c) => [c.name, { ms: median(c.samples.map((s) => s.ms)), cpuMs: median(c.samples.map((s) => s.cpuMs)), rssMb: median(c.samples.map((s) => s.rssMb)) }]));
}

export interface RatioRow {
  readonly command: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly reference: string;
  /** Wall time over the reference's. */
  readonly ratio: number;
  /** CPU time over the reference's. */
  readonly cpuRatio: number;
  /** Undefined: for information, no objective. */
  readonly target?: number;
}

export function benchStartup(planFile: string, runs: number, cacheDir: string): { rows: RatioRow[]; floorMb: number } {
  const fresh = { HA_BLUEPRINT_PLAN_CACHE: "off" };
  const cached = { HA_BLUEPRINT_PLAN_CACHE: cacheDir };
  const m = measureInterleaved(
    [
      { name: "node", args: ["-e", "0"] },
      { name: "floor", args: [path.join(__dirname, "sdkFloor.js")] },
      { name: "help", args: [BIN, "--help"] },
      { name: "version", args: [BIN, "--version"] },
      { name: "npx", command: "npx", args: ["ha-blueprint", "--version"] },
      { name: "plan", args: [BIN, "plan", "--stack", "prod"], env: fresh },
      // The first (warming) run fills the cache; the measured runs reuse it.
      { name: "planCached", args: [BIN, "plan", "--stack", "prod"], env: cached },
      { name: "check", args: [BIN, "check", "--state", planFile, "--stack", "prod"], allowExit: [1] },
    ],
    runs,
  );
  const get = (k: string) => m.get(k)!;
  const names: Record<string, string> = { floor: "SDK floor", node: "bare node", version: "node bin/ha-blueprint.js --version" };
  const row = (command: string, k: string, ref: string, target?: number): RatioRow => ({
    command,
    ms: get(k).ms,
    cpuMs: get(k).cpuMs,
    rssMb: get(k).rssMb,
    reference: `${names[ref]} ${get(ref).ms.toFixed(0)} ms, ${get(ref).cpuMs.toFixed(0)} cpu-ms`,
    ratio: get(k).ms / get(ref).ms,
    cpuRatio: get(k).cpuMs / get(ref).cpuMs,
    target,
  });
  return {
    rows: [
      row("plan --stack prod (planned afresh)", "plan", "floor", 1.5),
      row("plan --stack prod (reused from the plan cache)", "planCached", "floor"),
      row("check --state <prod plan> --stack prod", "check", "floor", 0.5),
      row("--help", "help", "node", 10),
      row("npx ha-blueprint --version", "npx", "version"),
    ],
    floorMb: get("floor").rssMb,
  };
}

export function renderStartup(rows: readonly RatioRow[], floorMb: string): string {
  const table = new Table({ head: ["command (whole process)", "median ms", "cpu ms", "peak MB", "reference", "ratio (wall)", "ratio (cpu)", "target", ""], style: { head: [], border: [] } });
  for (const r of rows) {
    // Judged on CPU time: wall time on a shared machine measures the other processes too.
    const verdict = r.target === undefined ? "" : r.cpuRatio <= r.target ? "within" : "OVER";
    table.push([r.command, r.ms.toFixed(0), r.cpuMs.toFixed(0), Number.isFinite(r.rssMb) ? r.rssMb.toFixed(0) : "-", r.reference, `${r.ratio.toFixed(2)}x`, `${r.cpuRatio.toFixed(2)}x`, r.target === undefined ? "" : `<= ${r.target}x`, verdict]);
  }
  const [one, five, fifteen] = os.loadavg().map((l) => l.toFixed(1));
  return `CLI start-up and speed (node bin/ha-blueprint.js, built dist/; ${floorMb}; ${os.cpus().length} CPUs, load average ${one} ${five} ${fifteen}: the targets are judged on CPU time)\n${table.toString()}\n`;
}

export interface ScaleRow {
  readonly command: string;
  readonly resources: number;
  readonly ms: number;
  readonly rssMb: number;
  readonly usPerResource: number;
}

export function benchScale(base: Parameters<typeof replicate>[0], sizes: readonly number[], dir: string): ScaleRow[] {
  const rows: ScaleRow[] = [];
  for (const size of sizes) {
    const resources = replicate(base, Math.max(1, Math.round(size / base.length)));
    const file = path.join(dir, `state-${size}.json`);
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: { time: new Date().toISOString(), magic: "", version: "bench" }, resources } }));
    for (const command of ["check", "analyze"]) {
      // check exits 1 on mandatory findings and analyze on a single point of failure: both still measured.
      const s = run([BIN, command, "--state", file, "--stack", "prod"], { allowExit: [1] });
      rows.push({ command, resources: resources.length, ms: s.ms, rssMb: s.rssMb, usPerResource: (s.ms * 1000) / resources.length });
    }
  }
  return rows;
}

export function renderScale(rows: readonly ScaleRow[]): string {
  const table = new Table({ head: ["command (whole process)", "resources", "ms", "peak MB", "µs / resource"], style: { head: [], border: [] } });
  for (const r of rows) table.push([`${r.command} --state`, r.resources, r.ms.toFixed(0), r.rssMb.toFixed(0), r.usPerResource.toFixed(1)]);
  const growth = ["check", "analyze"].map((c) => {
    const mine = rows.filter((r) => r.command === c);
    // The smallest graph is dominated by start-up: compare the two largest for the slope.
    const [a, b] = mine.slice(-2);
    return a && b ? `${c}: time per resource ${b.resources} vs ${a.resources} resources x${(b.usPerResource / a.usPerResource).toFixed(2)}` : "";
  });
  return `check and analyze on replicated prod plans (whole process; about x1 or less means linear)\n${table.toString()}\n${growth.filter(Boolean).join("; ")}\n`;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function benchCli(opts: { runs?: number; sizes?: readonly number[] } = {}): Promise<string> {
  // Measure the build a user runs: rebuild dist/ if the sources changed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("../scripts/build.js") as { ensureBuilt(): void }).ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-bench-"));
  try {
    const loaded = loadStack("prod");
    const plan = await runPlan({ stack: "prod", rawConfig: loaded.rawConfig });
    const planFile = path.join(dir, "plan-prod.json");
    fs.writeFileSync(planFile, JSON.stringify(plan.export));
    const startup = benchStartup(planFile, opts.runs ?? 5, path.join(dir, "plan-cache"));
    const scale = benchScale(plan.export.deployment.resources, opts.sizes ?? [1_000, 10_000, 60_000], dir);
    return `${renderStartup(startup.rows, `SDK floor peak ${startup.floorMb.toFixed(0)} MB`)}\n${renderScale(scale)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sizes = arg("--sizes")?.split(",").map(Number).filter((n) => n > 0);
  benchCli({ runs: Number(arg("--runs") ?? 5), sizes }).then(
    (text) => process.stdout.write(text),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}

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
 * interleaved so machine load shifts both alike. Targets (issue #14):
 *   plan --stack prod          <= 2x   the SDK floor (bench/sdkFloor.js: load the Pulumi SDKs, set mocks)
 *   check --state <prod plan>  <= 0.5x the SDK floor
 *   --help                     <= 10x  a bare `node -e 0`
 * Then check and analyze on replicated prod plans up to ~60k resources: time per resource.
 *
 * Standalone: `npx tsx bench/cli.ts [--runs N] [--sizes 1000,10000,60000]`.
 */

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin/ha-blueprint.js");
const RSS = path.join(__dirname, "rss.cjs");

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
}

function run(args: string[], opts: { allowExit?: number[] } = {}): Sample {
  const rssFile = path.join(os.tmpdir(), `ha-bench-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", RSS, ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && !(opts.allowExit ?? []).includes(r.status ?? -1)) {
    throw new Error(`node ${args.join(" ")} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  }
  const rssMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, "utf8")) / 1024 : NaN;
  fs.rmSync(rssFile, { force: true });
  return { ms, rssMb };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Measured {
  readonly name: string;
  readonly args: string[];
  readonly allowExit?: number[];
  readonly samples: Sample[];
}

function measureInterleaved(cases: Omit<Measured, "samples">[], runs: number): Map<string, { ms: number; rssMb: number }> {
  const all: Measured[] = cases.map((c) => ({ ...c, samples: [] }));
  for (const c of all) run(c.args, c); // warm the OS file cache (and any compile cache) first
  for (let i = 0; i < runs; i++) for (const c of all) c.samples.push(run(c.args, c));
  return new Map(all.map((c) => [c.name, { ms: median(c.samples.map((s) => s.ms)), rssMb: median(c.samples.map((s) => s.rssMb)) }]));
}

export interface RatioRow {
  readonly command: string;
  readonly ms: number;
  readonly rssMb: number;
  readonly reference: string;
  readonly ratio: number;
  readonly target: number;
}

export function benchStartup(planFile: string, runs: number): { rows: RatioRow[]; floorMb: number } {
  const m = measureInterleaved(
    [
      { name: "node", args: ["-e", "0"] },
      { name: "floor", args: [path.join(__dirname, "sdkFloor.js")] },
      { name: "help", args: [BIN, "--help"] },
      { name: "plan", args: [BIN, "plan", "--stack", "prod"] },
      { name: "check", args: [BIN, "check", "--state", planFile, "--stack", "prod"], allowExit: [1] },
    ],
    runs,
  );
  const get = (k: string) => m.get(k)!;
  const row = (command: string, k: string, ref: string, target: number): RatioRow => ({
    command,
    ms: get(k).ms,
    rssMb: get(k).rssMb,
    reference: `${ref === "floor" ? "SDK floor" : "bare node"} ${get(ref).ms.toFixed(0)} ms`,
    ratio: get(k).ms / get(ref).ms,
    target,
  });
  return {
    rows: [
      row("plan --stack prod", "plan", "floor", 2),
      row("check --state <prod plan> --stack prod", "check", "floor", 0.5),
      row("--help", "help", "node", 10),
    ],
    floorMb: get("floor").rssMb,
  };
}

export function renderStartup(rows: readonly RatioRow[], floorMb: string): string {
  const table = new Table({ head: ["command (whole process)", "median ms", "peak MB", "reference", "ratio", "target", ""], style: { head: [], border: [] } });
  for (const r of rows) {
    table.push([r.command, r.ms.toFixed(0), r.rssMb.toFixed(0), r.reference, `${r.ratio.toFixed(2)}x`, `<= ${r.target}x`, r.ratio <= r.target ? "within" : "OVER"]);
  }
  return `CLI start-up and speed (node bin/ha-blueprint.js, built dist/; ${floorMb})\n${table.toString()}\n`;
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
    const startup = benchStartup(planFile, opts.runs ?? 5);
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

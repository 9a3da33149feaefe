import Table from "cli-table3";
import { listStacks, loadStack } from "../config/load";
import { runPlan } from "../plan/run";

/**
 * `npm run bench`: how long the offline plan takes per stack (a benchmark, not a timed test).
 * `npm run bench -- --suite` also times the whole test suite (bench/suite.ts).
 * Each stack is planned in a fresh child process, because the Pulumi runtime is process-global;
 * the first number includes module loading, the second is the program alone.
 */

interface Row {
  stack: string;
  resources: number;
  ms: number;
}

async function planOnce(stack: string): Promise<Row> {
  const loaded = loadStack(stack);
  const start = process.hrtime.bigint();
  const result = await runPlan({ stack, rawConfig: loaded.rawConfig });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { stack, resources: result.export.deployment.resources.length, ms };
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only && !only.startsWith("--")) {
    // Child mode: plan one stack and report as JSON.
    process.stdout.write(JSON.stringify(await planOnce(only)));
    return;
  }
  const { execFileSync } = await import("node:child_process");
  const table = new Table({ head: ["stack", "resources", "plan ms", "resources/s", "process ms"], style: { head: [], border: [] } });
  for (const stack of listStacks()) {
    const t0 = Date.now();
    const out = execFileSync(process.execPath, [require.resolve("tsx/cli"), __filename, stack], { encoding: "utf8" });
    const processMs = Date.now() - t0;
    const row = JSON.parse(out) as Row;
    table.push([row.stack, row.resources, row.ms.toFixed(0), ((row.resources / row.ms) * 1000).toFixed(0), processMs]);
  }
  process.stdout.write(`Offline plan per stack (Pulumi mock runtime)\n${table.toString()}\n`);
  for (const extra of BENCHES) await extra();
  if (process.argv.includes("--suite")) {
    const { benchSuite } = await import("./suite");
    process.stdout.write(`\n${benchSuite()}`);
  }
}

/** Further benchmarks (policy check at scale, ...) register here. */
const BENCHES: (() => Promise<void>)[] = [
  // Policy check on ~1,000 and ~10,000-resource graphs replicated from the prod plan: cost per
  // resource should stay flat (no all-pairs scans). Run in a child process like the plans above.
  async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(process.execPath, [require.resolve("tsx/cli"), require.resolve("./check")], { encoding: "utf8" });
    process.stdout.write(out);
  },
  // The CLI as a whole process: start-up ratios against the SDK floor and bare node (targets in
  // bench/cli.ts), then check and analyze on up to ~60k resources, time per resource.
  async () => {
    const { benchCli } = await import("./cli");
    process.stdout.write(`\n${await benchCli()}`);
  },
  // analyze on ~1,000 to ~15,000 resources: a removed resource re-evaluates only what consulted it.
  async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(process.execPath, [require.resolve("tsx/cli"), require.resolve("./analyze")], { encoding: "utf8" });
    process.stdout.write(out);
  },
];

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});

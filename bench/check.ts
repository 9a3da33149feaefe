import Table from "cli-table3";
import { loadStack } from "../config/load";
import { ResourceGraph } from "../graph/model";
import { runPlan } from "../plan/run";
import { UNKNOWN, type ExportedResource } from "../plan/stackExport";
import { checkGraph } from "../policies/check";

/**
 * Policy check at scale: the prod plan replicated into graphs of about 1,000 and 10,000 resources
 * (each copy a separate stack name, so every URN, edge and parent is distinct), checked with every
 * rule. The time per resource should stay roughly flat: rules follow indexed edges, never scan
 * all pairs of resources.
 *
 * Standalone: `npx tsx bench/check.ts`. From bench/run.ts: `await benchCheck()` returns the rows.
 */

export interface CheckBenchRow {
  readonly target: number;
  readonly resources: number;
  readonly copies: number;
  /** Building the ResourceGraph (indexes). */
  readonly buildMs: number;
  /** Running all rules, including the lazily built reverse-edge index. */
  readonly checkMs: number;
  readonly usPerResource: number;
  readonly violations: number;
}

/**
 * `copies` renamed copies of a stack's resources. Every copy is a stack of its own: its URNs, and
 * every id and ARN wherever it appears as a value (a resource's own `id`, `outputs.id`/`arn`, and
 * the inputs that name them), carry the copy's suffix, so no copy's literal reference resolves into
 * another copy. The project part of the URN is renamed and the stack part kept, so the state is
 * still the stack's own (the CLI refuses a state of another stack than `--stack`).
 */
export function replicate(resources: readonly ExportedResource[], copies: number): ExportedResource[] {
  const text = JSON.stringify(resources);
  const prefix = /^urn:pulumi:[^:]+::[^:]+::/.exec(resources[0].urn)?.[0] ?? "urn:pulumi:stack::project::";
  const ids = new Set<string>();
  for (const r of resources) {
    for (const v of [r.id, r.outputs?.id, r.outputs?.arn]) if (typeof v === "string" && v.length > 2 && v !== UNKNOWN) ids.add(v);
  }
  const escaped = [...ids].sort((a, b) => b.length - a.length).map((id) => JSON.stringify(id).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // Whole JSON string values only: an id inside a longer string (a name, a description) stays.
  const idValue = escaped.length > 0 ? new RegExp(`"(${escaped.join("|")})"`, "g") : undefined;
  const out: ExportedResource[] = [];
  for (let i = 0; i < copies; i++) {
    let copy = text.split(prefix).join(`${prefix.slice(0, -2)}-c${i}::`);
    if (idValue) copy = copy.replace(idValue, (_, id: string) => `"${id}-c${i}"`);
    out.push(...(JSON.parse(copy) as ExportedResource[]));
  }
  return out;
}

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

export async function benchCheck(stack = "prod", targets: readonly number[] = [1_000, 10_000]): Promise<CheckBenchRow[]> {
  const loaded = loadStack(stack);
  const plan = await runPlan({ stack, rawConfig: loaded.rawConfig });
  const base = plan.export.deployment.resources;
  const region = String(loaded.rawConfig["aws:region"] ?? loaded.config.writerRegion);
  // Warm-up: JIT and module loading are not what we measure.
  checkGraph(new ResourceGraph(base, region));
  const rows: CheckBenchRow[] = [];
  for (const target of targets) {
    const copies = Math.max(1, Math.round(target / base.length));
    const resources = replicate(base, copies);
    const [graph, buildMs] = time(() => new ResourceGraph(resources, region));
    const [result, checkMs] = time(() => checkGraph(graph, { environment: loaded.config.environment }));
    rows.push({
      target,
      resources: resources.length,
      copies,
      buildMs,
      checkMs,
      usPerResource: ((buildMs + checkMs) * 1000) / resources.length,
      violations: result.violations.length,
    });
  }
  return rows;
}

export function renderCheckBench(rows: readonly CheckBenchRow[]): string {
  const table = new Table({ head: ["graph", "resources", "copies of prod", "build ms", "check ms", "µs / resource", "violations"], style: { head: [], border: [] } });
  for (const r of rows) {
    table.push([`~${r.target}`, r.resources, r.copies, r.buildMs.toFixed(0), r.checkMs.toFixed(0), r.usPerResource.toFixed(1), r.violations]);
  }
  const [small, large] = [rows[0], rows[rows.length - 1]];
  const growth = rows.length > 1 ? `\ntime per resource, largest vs smallest graph: x${(large.usPerResource / small.usPerResource).toFixed(2)} (about 1 means linear)` : "";
  return `Policy check (all rules) on replicated prod plans\n${table.toString()}${growth}\n`;
}

if (require.main === module) {
  benchCheck().then(
    (rows) => process.stdout.write(renderCheckBench(rows)),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}

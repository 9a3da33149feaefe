import Table from "cli-table3";
import { analyzeFailureDomains } from "../analysis/failureDomains";
import { loadStack } from "../config/load";
import { ResourceGraph } from "../graph/model";
import { runPlan } from "../plan/run";
import { replicate } from "./check";

/**
 * `analyze` at scale: the prod plan replicated into larger graphs, every failure domain (each AZ,
 * each region, each consulted resource) evaluated with the tiers and the data path. Time per
 * resource should stay flat: a removed resource re-evaluates only what depends on it.
 *
 * Standalone: `npx tsx bench/analyze.ts [targets...]`.
 */

export interface AnalyzeBenchRow {
  readonly target: number;
  readonly resources: number;
  readonly domains: number;
  readonly ms: number;
  readonly usPerResource: number;
}

export async function benchAnalyze(targets: readonly number[] = [1_000, 5_000, 15_000]): Promise<AnalyzeBenchRow[]> {
  const loaded = loadStack("prod");
  const plan = await runPlan({ stack: "prod", rawConfig: loaded.rawConfig });
  const base = plan.export.deployment.resources;
  const options = { writerRegion: loaded.config.writerRegion, regions: loaded.config.regions.map((r) => r.name) };
  analyzeFailureDomains(new ResourceGraph(base, options.writerRegion), options);
  const rows: AnalyzeBenchRow[] = [];
  for (const target of targets) {
    const resources = replicate(base, Math.max(1, Math.round(target / base.length)));
    const start = process.hrtime.bigint();
    const a = analyzeFailureDomains(new ResourceGraph(resources, options.writerRegion), options);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    rows.push({ target, resources: resources.length, domains: a.domains.length, ms, usPerResource: (ms * 1000) / resources.length });
  }
  return rows;
}

export function renderAnalyzeBench(rows: readonly AnalyzeBenchRow[]): string {
  const table = new Table({ head: ["graph", "resources", "failure domains", "analyze ms", "µs / resource"], style: { head: [], border: [] } });
  for (const r of rows) table.push([`~${r.target}`, r.resources, r.domains, r.ms.toFixed(0), r.usPerResource.toFixed(1)]);
  const growth = rows.length > 1 ? `\ntime per resource, largest vs smallest graph: x${(rows[rows.length - 1].usPerResource / rows[0].usPerResource).toFixed(2)} (about 1 means linear)` : "";
  return `Failure-domain analysis (tiers and data path) on replicated prod plans\n${table.toString()}${growth}\n`;
}

if (require.main === module) {
  const targets = process.argv.slice(2).map(Number).filter((n) => n > 0);
  benchAnalyze(targets.length ? targets : undefined).then(
    (rows) => process.stdout.write(renderAnalyzeBench(rows)),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}

import { analyzeFailureDomains } from "../analysis/failureDomains";
import { loadStack } from "../config/load";
import { ResourceGraph } from "../graph/model";
import { runPlan } from "../plan/run";
import { replicate } from "./check";
async function main() {
  const loaded = loadStack("prod");
  const plan = await runPlan({ stack: "prod", rawConfig: loaded.rawConfig });
  const base = plan.export.deployment.resources;
  const options = { writerRegion: loaded.config.writerRegion, regions: loaded.config.regions.map((r) => r.name) };
  for (const n of (process.argv[2] ?? "5000,10000,20000").split(",").map(Number)) {
    const resources = replicate(base, Math.round(n / base.length));
    const t = performance.now();
    const a = analyzeFailureDomains(new ResourceGraph(resources, options.writerRegion), options);
    const ms = performance.now() - t;
    console.log(resources.length, a.domains.length, ms.toFixed(0), ((ms * 1000) / resources.length).toFixed(1), "us/res", (process.memoryUsage().heapUsed / 1e6).toFixed(0), "MB");
  }
}
main();

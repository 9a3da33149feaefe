import { loadStack } from "../config/load";
import { ResourceGraph } from "../graph/model";
import { runPlan } from "../plan/run";
import { replicate } from "./check";
async function main() {
  const loaded = loadStack("prod");
  const plan = await runPlan({ stack: "prod", rawConfig: loaded.rawConfig });
  const res = replicate(plan.export.deployment.resources, 3);
  const g = new ResourceGraph(res, "us-east-1");
  const ng = g.nodes.filter((n) => n.type === "aws:eks/nodeGroup:NodeGroup");
  console.log(ng.length, ng[4].urn, JSON.stringify(ng[4].inputs.subnetIds));
  console.log(g.refs(ng[4], "subnetIds").map((s) => s.urn));
  const orig = plan.export.deployment.resources.find((r) => r.type === "aws:ec2/subnet:Subnet")!;
  console.log("subnet id", orig.id, JSON.stringify(orig.outputs?.id), orig.outputs?.arn);
}
main();

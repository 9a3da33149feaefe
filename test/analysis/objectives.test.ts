import { beforeAll, describe, expect, it } from "vitest";
import { objectiveSections } from "../../analysis/objectives";
import { loadStack } from "../../config/load";
import { parseConfig, type StackConfig } from "../../config/parse";
import { ResourceGraph } from "../../graph/model";
import { planStack, withOverrides, type Plan } from "../helpers/plan";

describe("analyze: RTO/RPO budget and availability against the objectives", () => {
  let plan: Plan;
  let config: StackConfig;
  beforeAll(async () => {
    plan = await planStack("prod");
    config = loadStack("prod").config;
  });

  it("meets every prod objective, with the terms computed from the stack's own settings", () => {
    // The graph carries the ARC Region switch plan and its triggers: no person on the region-loss path.
    const { budget, availability } = objectiveSections(plan.outputs.topology, config, "prod", new ResourceGraph(plan.resources, "us-east-1"));
    expect(budget!.objectivesMet).toBe(true);
    expect(budget!.data.find((b) => b.disruption === "regionLoss")!.rto.seconds).toBeLessThanOrEqual(600);
    expect(availability!.objectivesMet).toBe(true);
    const azLoss = budget!.data.find((b) => b.disruption === "azLoss")!;
    // Detection comes from the target group's health check: 10 s interval x 3 unhealthy checks.
    const detection = azLoss.rto.paths.flatMap((p) => p.terms).find((t) => t.basis === "10 s interval x 3 unhealthy checks");
    expect(detection?.seconds).toBe(30);
  });

  it("reports a missed region-loss RTO and names the term that causes it", () => {
    const strict = parseConfig(withOverrides(loadStack("prod").rawConfig, {
      "ha-blueprint:objectives": { regionLoss: { rtoSeconds: 120 } },
    }));
    const { budget } = objectiveSections(plan.outputs.topology, strict, "prod");
    expect(budget!.objectivesMet).toBe(false);
    expect(budget!.misses.join("\n")).toMatch(/Region loss: RTO \d+ s exceeds the objective 120 s; largest term: .+/);
  });

  it("reports a missed availability objective", () => {
    const strict = parseConfig(withOverrides(loadStack("prod").rawConfig, { "ha-blueprint:objectives": { availabilityPercent: 99.999 } }));
    const { availability } = objectiveSections(plan.outputs.topology, strict, "prod");
    expect(availability!.objectivesMet).toBe(false);
    expect(availability!.misses[0]).toMatch(/below the objective 99.999 %/);
  });

  it("adds no objective section for a graph without a topology output", () => {
    expect(objectiveSections(undefined, undefined, "foreign")).toEqual({});
  });
});

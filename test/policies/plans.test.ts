import { beforeAll, describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import type { ExportedResource } from "../../plan/stackExport";
import { planStack } from "../helpers/plan";
import { toFirstPreview } from "../helpers/preview";
import { MUTATIONS } from "./mutationCatalogue";
import { Mutable } from "./mutations";

/**
 * The blueprint's own plans against the pack: every stack passes with no mandatory violation, and
 * the prod plan with any one redundancy or safety property removed does not.
 *
 * Mutations need resource types of a tier; while that tier has not landed in the plan they are
 * reported as skipped ("pending"), and run as soon as it has.
 */
function mandatory(resources: ExportedResource[], env: "dev" | "staging" | "prod") {
  const result = checkGraph(new ResourceGraph(resources, "us-east-1"), { environment: env });
  return result.violations.filter((v) => v.enforcementLevel === "mandatory");
}

const plans: Partial<Record<"dev" | "staging" | "prod", ExportedResource[]>> = {};

beforeAll(async () => {
  for (const env of ["dev", "staging", "prod"] as const) plans[env] = (await planStack(env)).resources;
});

describe("the blueprint's unmodified plans", () => {
  for (const env of ["dev", "staging", "prod"] as const) {
    it(`${env}: no mandatory violation`, () => {
      expect(mandatory(plans[env]!, env).map((v) => v.message)).toEqual([]);
    });
    it(`${env}: no mandatory violation as a first preview sees it`, () => {
      expect(mandatory(toFirstPreview(plans[env]!), env).map((v) => v.message)).toEqual([]);
    });
  }
});

describe("prod plan with one redundancy or safety property removed", () => {
  for (const mut of MUTATIONS) {
    const present = () => mut.needs.every((t) => plans.prod!.some((r) => r.type === t));
    it.runIf(true)(`[${mut.tier}] objects when ${mut.what} is removed (${mut.rule})`, (ctx) => {
      if (!present()) {
        ctx.skip(`pending: the plan has no ${mut.needs.join(" / ")} yet`);
        return;
      }
      const m = new Mutable(plans.prod!, "us-east-1");
      mut.apply(m);
      for (const resources of [m.resources, toFirstPreview(m.resources)]) {
        const result = checkGraph(new ResourceGraph(resources, "us-east-1"), { environment: "prod" });
        const objections = result.violations.filter((v) => v.policy === mut.rule);
        expect(objections.length, `${mut.rule} did not object`).toBeGreaterThan(0);
        expect(objections.some((v) => v.enforcementLevel === "mandatory")).toBe(true);
        expect(result.summary.passed).toBe(false);
      }
    });
  }
});

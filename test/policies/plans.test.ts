import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import type { ExportedResource } from "../../plan/stackExport";
import { planStack } from "../helpers/plan";
import { toFirstPreview } from "../helpers/preview";
import { MUTATIONS } from "./mutationCatalogue";
import { Mutable } from "./mutations";
import { T } from "../../policies/rules/common";
import { replicate } from "../../bench/check";
import { PROD_TLS } from "./prodPlan";

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

const plans: Partial<Record<"dev" | "staging" | "prod" | "prodRoute53" | "prodDsql", ExportedResource[]>> = {};

/** The Aurora DSQL stack a platform team copies (issue 17), once it ships. */
const PROD_DSQL_STACK = path.resolve(__dirname, "../../stacks/Pulumi.prod-dsql.yaml");

/** Prod with DNS routing instead of Global Accelerator, so the Route 53 mutations have records to break. */
const ROUTE53 = { "ha-blueprint:routing": { mode: "route53", route53: { hostedZoneId: "Z0HABLUEPRINT01", recordName: "app.example.com" } } };

beforeAll(async () => {
  for (const env of ["dev", "staging"] as const) plans[env] = (await planStack(env)).resources;
  plans.prod = (await planStack("prod", PROD_TLS)).resources;
  plans.prodRoute53 = (await planStack("prod", { ...ROUTE53, ...PROD_TLS })).resources;
  if (fs.existsSync(PROD_DSQL_STACK)) plans.prodDsql = (await planStack("prod-dsql", PROD_TLS)).resources;
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

describe("the prod-dsql plan", () => {
  it.runIf(fs.existsSync(PROD_DSQL_STACK))("has peered DSQL clusters and no mandatory violation, final and as a first preview", () => {
    expect(plans.prodDsql!.filter((r) => r.type === T.dsqlCluster).length).toBeGreaterThanOrEqual(2);
    expect(mandatory(plans.prodDsql!, "prod").map((v) => v.message)).toEqual([]);
    expect(mandatory(toFirstPreview(plans.prodDsql!), "prod").map((v) => v.message)).toEqual([]);
  });
});

describe("prod plan with Route 53 routing", () => {
  it("has routing records and health checks, and no mandatory violation", () => {
    expect(plans.prodRoute53!.filter((r) => r.type === "aws:route53/record:Record").length).toBeGreaterThanOrEqual(2);
    expect(mandatory(plans.prodRoute53!, "prod").map((v) => v.message)).toEqual([]);
  });
});

describe("prod plan with one redundancy or safety property removed", () => {
  for (const mut of MUTATIONS) {
    // Route 53 mutations need the DNS-routed variant of the prod plan.
    // Route 53 mutations need the DNS-routed variant of the prod plan; DSQL ones the prod-dsql plan.
    const base = () => (mut.needs.includes(T.record) ? plans.prodRoute53! : mut.needs.includes(T.dsqlCluster) ? plans.prodDsql ?? [] : plans.prod!);
    const present = () => mut.needs.every((t) => base().some((r) => r.type === t));
    it.runIf(true)(`[${mut.tier}] objects when ${mut.what} is removed (${mut.rule})`, (ctx) => {
      if (!present()) {
        ctx.skip(`pending: the plan has no ${mut.needs.join(" / ")} yet`);
        return;
      }
      const m = new Mutable(base(), "us-east-1");
      mut.apply(m);
      for (const resources of mut.finalOnly ? [m.resources] : [m.resources, toFirstPreview(m.resources)]) {
        const result = checkGraph(new ResourceGraph(resources, "us-east-1"), { environment: "prod" });
        const objections = result.violations.filter((v) => v.policy === mut.rule);
        expect(objections.length, `${mut.rule} did not object`).toBeGreaterThan(0);
        expect(objections.some((v) => v.enforcementLevel === "mandatory")).toBe(true);
        expect(result.summary.passed).toBe(false);
      }
    });
  }
});

describe("benchmark graphs", () => {
  it("replicate() gives unique URNs and a graph that still passes, with edges inside each copy", () => {
    const copies = replicate(plans.prod!, 3);
    expect(copies).toHaveLength(plans.prod!.length * 3);
    expect(new Set(copies.map((r) => r.urn)).size).toBe(copies.length);
    const urns = new Set(copies.map((r) => r.urn));
    for (const r of copies) for (const d of r.dependencies ?? []) expect(urns.has(d), d).toBe(true);
    expect(mandatory(copies, "prod")).toEqual([]);
  });
});

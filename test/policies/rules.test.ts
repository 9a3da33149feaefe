import { describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { RULES, ruleByName } from "../../policies/rules";
import { toFirstPreview } from "../helpers/preview";
import { CASES as BASE_CASES, type RuleCase } from "./cases";
import { AWS_CASES } from "./casesAws";
import { BLIND_SPOT_CASES, DATA_CASES, DATA_PASSES } from "./casesData";
import { K8S_CASES } from "./casesK8s";
import { mixedStack } from "./mixedStack";
import { PASSES as BASE_PASSES, peered, privateZoneAndLocalTraffic, type PassCase } from "./passes";

/**
 * Every rule against the hand-built correct mixed stack (must pass), against one-change mutations
 * of it that break the rule's property (must fire, naming the offending resource and speaking of
 * that property), and against changes that keep the property (must pass), in final state and as a
 * first preview sees it.
 */

const PASSES: PassCase[] = [...BASE_PASSES, ...DATA_PASSES];
const CASES = [...BASE_CASES, ...K8S_CASES, ...AWS_CASES, ...DATA_CASES, ...BLIND_SPOT_CASES];

function run(c: RuleCase | PassCase, preview = false) {
  const g = mixedStack();
  c.mutate(g);
  const resources = preview ? toFirstPreview(g.resources()) : g.resources();
  const rule = ruleByName(c.rule)!;
  return { g, result: checkGraph(new ResourceGraph(resources), { environment: "prod", rules: [rule], policyConfig: c.config }) };
}

describe("rule catalogue", () => {
  it("has a firing case for every rule", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(RULES.filter((r) => !covered.has(r.name)).map((r) => r.name)).toEqual([]);
    expect([...CASES, ...PASSES].filter((c) => !ruleByName(c.rule)).map((c) => c.rule)).toEqual([]);
  });
});

describe("the prod design being built alongside the pack", () => {
  it("passes every rule with full-mesh peering, peer-CIDR data ingress, a private hosted zone CNAME and externalTrafficPolicy Local", () => {
    const design = { rule: "all", when: "", mutate: (g: Parameters<PassCase["mutate"]>[0]) => { peered(g); privateZoneAndLocalTraffic(g); } };
    for (const preview of [false, true]) {
      const g = mixedStack();
      design.mutate(g);
      const resources = preview ? toFirstPreview(g.resources()) : g.resources();
      expect(checkGraph(new ResourceGraph(resources), { environment: "prod" }).violations.map((v) => v.message), preview ? "first preview" : "final").toEqual([]);
    }
  });
});

describe.each(RULES.map((r) => [r.name, r] as const))("%s", (name, rule) => {
  it("passes on the correct two-region stack", () => {
    const result = checkGraph(mixedStack().graph(), { environment: "prod", rules: [rule] });
    expect(result.violations).toEqual([]);
  });

  it("passes on the correct stack as a first preview sees it (unknown ids and ARNs)", () => {
    const result = checkGraph(new ResourceGraph(toFirstPreview(mixedStack().resources())), { environment: "prod", rules: [rule] });
    expect(result.violations).toEqual([]);
  });

  for (const p of PASSES.filter((x) => x.rule === name)) {
    it(`passes when ${p.when}`, () => {
      for (const preview of [false, true]) expect(run(p, preview).result.violations.map((v) => v.message), preview ? "first preview" : "final").toEqual([]);
    });
  }

  for (const c of CASES.filter((x) => x.rule === name)) {
    it(`fails when ${c.when}`, () => {
      const { g, result } = run(c);
      const mine = result.violations.filter((v) => v.policy === name);
      expect(mine.length).toBeGreaterThan(0);
      for (const v of mine) {
        // Every message names the resource it is attributed to, and says how to fix it.
        const subject = v.urn.slice(v.urn.lastIndexOf("::") + 2);
        expect(v.message).toContain(`"${subject}"`);
        expect(v.message).toMatch(/Fix: \S/);
      }
      if (c.offender) expect(mine.map((v) => v.urn)).toContain(g.get(c.offender).urn);
      // The finding on the offender is about the property the case breaks, fix hint included.
      if (c.about) expect(mine.filter((v) => !c.offender || v.urn === g.get(c.offender).urn).map((v) => v.message).join("\n")).toMatch(c.about);
    });

    it(`fails on a first preview too when ${c.when}`, () => {
      const { g, result } = run(c, true);
      const mine = result.violations.filter((v) => v.policy === name);
      expect(mine.length).toBeGreaterThan(0);
      if (c.offender) expect(mine.map((v) => v.urn)).toContain(g.get(c.offender).urn);
      if (c.about) expect(mine.map((v) => v.message).join("\n")).toMatch(c.about);
    });
  }
});

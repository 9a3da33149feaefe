import { describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { RULES, ruleByName } from "../../policies/rules";
import { toFirstPreview } from "../helpers/preview";
import { CASES, type RuleCase } from "./cases";
import { happyStack } from "./happyStack";

/**
 * Every rule against the hand-built correct stack (must pass) and against one-change mutations of
 * it (must fire, naming the offending resource), in final state and as a first preview sees it.
 */

function run(c: RuleCase, preview = false) {
  const g = happyStack();
  c.mutate(g);
  const resources = preview ? toFirstPreview(g.resources()) : g.resources();
  const rule = ruleByName(c.rule)!;
  return { g, result: checkGraph(new ResourceGraph(resources), { environment: "prod", rules: [rule], policyConfig: c.config }) };
}

describe("rule catalogue", () => {
  it("has a firing case for every rule", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(RULES.filter((r) => !covered.has(r.name)).map((r) => r.name)).toEqual([]);
    expect(CASES.every((c) => ruleByName(c.rule))).toBe(true);
  });
});

describe.each(RULES.map((r) => [r.name, r] as const))("%s", (name, rule) => {
  it("passes on the correct two-region stack", () => {
    const result = checkGraph(happyStack().graph(), { environment: "prod", rules: [rule] });
    expect(result.violations).toEqual([]);
  });

  it("passes on the correct stack as a first preview sees it (unknown ids and ARNs)", () => {
    const result = checkGraph(new ResourceGraph(toFirstPreview(happyStack().resources())), { environment: "prod", rules: [rule] });
    expect(result.violations).toEqual([]);
  });

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
    });

    it(`fails on a first preview too when ${c.when}`, () => {
      const { g, result } = run(c, true);
      const mine = result.violations.filter((v) => v.policy === name);
      expect(mine.length).toBeGreaterThan(0);
      if (c.offender) expect(mine.map((v) => v.urn)).toContain(g.get(c.offender).urn);
    });
  }
});

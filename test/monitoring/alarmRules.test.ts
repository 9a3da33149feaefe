import { describe, expect, it } from "vitest";
import { alarmRef, anyOf, atLeast, azLossThreshold, combinations, MAX_ALARM_RULE_LENGTH } from "../../components/monitoring/alarmRules";

describe("composite alarm rule helpers", () => {
  it("lists every k-subset once, in input order", () => {
    expect(combinations(["a", "b", "c"], 2)).toEqual([["a", "b"], ["a", "c"], ["b", "c"]]);
    expect(combinations(["a", "b", "c", "d", "e", "f"], 2)).toHaveLength(15);
    expect(combinations(["a"], 2)).toEqual([]);
  });

  it("spells 'at least k of n' as an OR of ANDs", () => {
    expect(atLeast(2, ["x", "y", "z"])).toBe('((ALARM("x") AND ALARM("y")) OR (ALARM("x") AND ALARM("z")) OR (ALARM("y") AND ALARM("z")))');
    expect(atLeast(1, ["x", "y"])).toBe('(ALARM("x") OR ALARM("y"))');
    expect(atLeast(2, ["x", "y"])).toBe('(ALARM("x") AND ALARM("y"))');
  });

  it("fails when k is outside 1..n", () => {
    expect(() => atLeast(0, ["x"])).toThrow(/between 1 and 1/);
    expect(() => atLeast(3, ["x", "y"])).toThrow(/between 1 and 2/);
  });

  it("quotes alarm names", () => {
    expect(alarmRef("ha-prod-use1-latency-p99")).toBe('ALARM("ha-prod-use1-latency-p99")');
  });

  it("fails when a rule outgrows CloudWatch's limit instead of letting the API reject it", () => {
    const names = Array.from({ length: 300 }, (_, i) => `ha-prod-use1-some-long-alarm-name-${i}`);
    expect(() => anyOf(names.map(alarmRef))).toThrow(new RegExp(`CloudWatch allows ${MAX_ALARM_RULE_LENGTH}`));
    expect(() => anyOf([])).toThrow(/at least one child/);
  });

  it("counts a region as lost one AZ beyond what the cell tolerates, capped at its AZ count", () => {
    expect(azLossThreshold(3, 1)).toBe(2);
    expect(azLossThreshold(2, 1)).toBe(2);
    expect(azLossThreshold(6, 1)).toBe(2);
    expect(azLossThreshold(2, 3)).toBe(2);
  });
});

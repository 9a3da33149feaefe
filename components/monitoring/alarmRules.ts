/**
 * Pure helpers for CloudWatch composite alarm rules. A rule is a string over alarm names with
 * ALARM(), AND and OR; CloudWatch has no "k of n", so it is spelled out as an OR of ANDs.
 */

/** CloudWatch caps a composite alarm rule at 10240 characters. */
export const MAX_ALARM_RULE_LENGTH = 10240;

/** `ALARM("name")`, quoting the name so hyphens and dots are safe. */
export function alarmRef(name: string): string {
  return `ALARM(${JSON.stringify(name)})`;
}

/** Every k-element subset of `items`, in input order. */
export function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k <= 0) return [[]];
  if (k > items.length) return [];
  const [head, ...tail] = items;
  return [...combinations(tail, k - 1).map((rest) => [head, ...rest]), ...combinations(tail, k)];
}

/** True when at least `k` of the named alarms are in ALARM. */
export function atLeast(k: number, names: readonly string[]): string {
  if (k < 1 || k > names.length) {
    throw new Error(`atLeast: k must be between 1 and ${names.length}, got ${k}`);
  }
  const groups = combinations(names, k).map((group) => group.map(alarmRef).join(" AND "));
  return groups.length === 1 ? `(${groups[0]})` : `(${groups.map((g) => (k > 1 ? `(${g})` : g)).join(" OR ")})`;
}

/** OR of the given rule fragments; fails loudly when the rule outgrows CloudWatch's limit. */
export function anyOf(fragments: readonly string[]): string {
  if (fragments.length === 0) throw new Error("anyOf: a composite alarm needs at least one child");
  const rule = fragments.join(" OR ");
  if (rule.length > MAX_ALARM_RULE_LENGTH) {
    throw new Error(`composite alarm rule is ${rule.length} characters; CloudWatch allows ${MAX_ALARM_RULE_LENGTH}`);
  }
  return rule;
}

/**
 * How many AZs must lose their healthy hosts before the region as a whole counts as unhealthy: one
 * more than the cell is built to lose, but never more than it has.
 */
export function azLossThreshold(azCount: number, tolerated: number): number {
  return Math.min(azCount, tolerated + 1);
}

import type { Severity } from "@pulumi/policy";
import { widthOf, wrap, wrapClipped, type TextOptions } from "../cli/layout";
import type { GraphFormat } from "../graph/load";
import { SEVERITIES, type CheckResult } from "./check";
import type { Violation } from "./engine/types";
import { shortType } from "./engine/values";
import { levelFor } from "./enforcement";
import { RULES } from "./rules";

/**
 * The terminal face of `ha-blueprint check`. A summary first: pass or fail, counts, the top few
 * findings one line each and what to do next. Advisory findings read as advisory ("would block in
 * prod" where prod makes them mandatory), never under a severity heading that looks like a failure;
 * mandatory violations keep their severity groups, URNs and fixes. `--verbose` adds advisory URNs.
 */

function urnLabel(urn: string): string {
  if (!urn) return "(stack)";
  const parts = urn.split("::");
  return `${shortType(parts[2]?.split("$").pop() ?? "")} ${parts[3] ?? urn}`;
}

/** The text after "Fix: " in a finding's message (every rule ends its message with one). */
function fixOf(message: string): string {
  const at = message.lastIndexOf("Fix: ");
  return at < 0 ? message : message.slice(at + 5);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface RuleGroup {
  readonly policy: string;
  readonly severity: Severity;
  readonly level: Violation["enforcementLevel"];
  readonly findings: Violation[];
}

function groups(violations: readonly Violation[]): RuleGroup[] {
  const by = new Map<string, RuleGroup>();
  for (const v of violations) {
    const key = `${v.enforcementLevel}|${v.policy}`;
    const g = by.get(key) ?? { policy: v.policy, severity: v.severity, level: v.enforcementLevel, findings: [] };
    g.findings.push(v);
    by.set(key, g);
  }
  return [...by.values()];
}

export function renderCheckText(result: CheckResult, source: string, format?: GraphFormat, opts: TextOptions = {}): string {
  const width = widthOf(opts);
  const s = result.summary;
  const env = s.environment;
  // Whether a finding advisory here would block in prod (with prod's own levels; its thresholds may differ too).
  const blocksInProd = (policy: string) => {
    const rule = RULES.find((r) => r.name === policy);
    return env !== "prod" && !!rule && levelFor(rule, "prod") === "mandatory";
  };
  const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
  const advisory = result.violations.filter((v) => v.enforcementLevel !== "mandatory");
  const wouldBlock = advisory.filter((v) => blocksInProd(v.policy)).length;
  const out: string[] = [];
  const para = (text: string, first = "", rest?: string) => out.push(...wrap(text, width, first, rest));

  para(`Checked ${source}${format ? ` (${format})` : ""}: ${s.resources} resources, ${s.rules} rules, environment ${env} (${s.environmentSource === "default" ? "default" : s.environmentSource === "graph" ? "from the providers' ha:environment tag" : "from --stack"})${s.profile === "foreign" ? ", profile foreign (house rules dropped)" : ""}`);
  if (s.passed) {
    para(advisory.length === 0
      ? "PASS (exit 0): no mandatory violation, no advisory finding."
      : `PASS (exit 0): no mandatory violation. ${plural(advisory.length, "advisory finding")}: ${env} reports ${advisory.length === 1 ? "it" : "them"} without blocking${wouldBlock > 0 ? `; ${wouldBlock} would block in prod` : ""}.`);
  } else {
    para(`FAIL (exit 1): ${plural(mandatory.length, "mandatory violation")} (these block \`pulumi up\` with the policy pack), ${advisory.length} advisory.`);
  }

  // The first screen: the top rules, one line each.
  const top = groups(mandatory.length > 0 ? mandatory : advisory);
  const shown = 3;
  if (top.length > 0) {
    para(mandatory.length > 0 ? "Top problems:" : wouldBlock > 0 ? "Top findings (advisory here; would block in prod):" : "Top findings (advisory):");
    top.slice(0, shown).forEach((g, i) => {
      const line = `${g.policy} (${g.severity}, ${plural(g.findings.length, "resource")}): ${fixOf(g.findings[0].message)}`;
      out.push(...wrapClipped(line, width, `  ${i + 1}. `));
    });
    if (top.length > shown) out.push(`  ... and ${plural(top.length - shown, "more rule")} (below)`);
  }
  if (!s.passed) para("Next: fix the mandatory violations below (each ends with its Fix), then run check again.");
  else if (advisory.length > 0) {
    para(env === "prod"
      ? "Next: nothing blocks. The advisory findings below are worth a look."
      : `Next: nothing blocks ${env}. Fix the findings marked "mandatory in prod" before the same settings reach prod; \`npx ha-blueprint check --stack prod\` checks prod's own plan.`);
  }

  if (mandatory.length > 0) {
    out.push("", "Mandatory violations");
    for (const severity of SEVERITIES) {
      const group = mandatory.filter((v) => v.severity === severity);
      if (group.length === 0) continue;
      out.push(`${severity.toUpperCase()} (${group.length})`);
      for (const v of group) {
        para(`[mandatory] ${v.policy}  ${urnLabel(v.urn)}`, "  ", "    ");
        if (v.urn) para(`urn: ${v.urn}`, "    ", "      ");
        para(v.message, "    ");
      }
    }
  }
  if (advisory.length > 0) {
    out.push("");
    para(`Advisory findings (${advisory.length}): reported, not blocking in ${env}`);
    const sorted = groups(advisory).sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.policy.localeCompare(b.policy));
    for (const g of sorted) {
      para(`[advisory] ${g.policy} (${g.severity}${blocksInProd(g.policy) ? "; mandatory in prod" : ""})`, "  ", "    ");
      for (const v of g.findings) {
        para(v.message, "    - ", "      ");
        if (opts.verbose && v.urn) para(`urn: ${v.urn}`, "      ", "        ");
      }
    }
    if (!opts.verbose) para("(--verbose adds each advisory finding's URN; --format json has everything.)");
  }
  out.push("");
  if (result.notApplicable.length > 0) {
    para(`${result.notApplicable.length} check(s) not applicable until another finding is fixed: a PodDisruptionBudget or a spread on a one-pod workload protects nothing, so only its replica count is reported (--format json lists them).`);
    out.push("");
  }
  if (result.undecided.length > 0) {
    para(`${result.undecided.length} check(s) could not decide because values are unknown (first preview) or secret; run check on the stack export after deployment to settle them.`);
    out.push("");
  }
  para(s.passed ? `PASS: no mandatory violation (${s.advisory} advisory).` : `FAIL: ${s.mandatory} mandatory violation(s), ${s.advisory} advisory.`);
  return `${out.join("\n")}\n`;
}

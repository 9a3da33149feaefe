import type { EnforcementLevel } from "@pulumi/policy";
import type { GraphNode, ResourceGraph } from "../../graph/model";
import type { NotApplicable, Rule, RuleContext, Undecided, Violation } from "./types";
import { describe } from "./values";
import { isOwnPlan, stackKeyFor } from "../stackKeys";

/** Receives what a rule finds; CrossGuard and `check` each plug in their own. */
export interface RuleSink {
  violation(v: Violation): void;
  undecided?(u: Undecided): void;
  notApplicable?(n: NotApplicable): void;
}

function formatMessage(graph: ResourceGraph, rule: Rule, node: GraphNode | undefined, message: string, fix?: string): string {
  const subject = node ? `${describe(node)}: ` : "";
  const text = message.trim().replace(/\.$/, "");
  // On this blueprint's own plan the fix is a stack-file key; elsewhere the resource property.
  const key = node ? stackKeyFor(rule.name, text) : undefined;
  const where = key && isOwnPlan(node!) ? ` (this blueprint's plan: change \`${key}\` in the stack file)` : "";
  const fixText = (fix ?? rule.remediation).trim();
  return `${subject}${text}. Fix: ${where ? `${fixText.replace(/\.$/, "")}${where}` : fixText}`;
}

/**
 * Runs one rule over a graph at a given enforcement level and config. Resource rules visit every
 * node of their types (an index lookup, not a scan) through the graph's inputs view; stack rules
 * see the whole graph once.
 */
export function runRule(rule: Rule, graph: ResourceGraph, config: object, level: EnforcementLevel, sink: RuleSink): void {
  if (level === "disabled") return;
  const ctx: RuleContext<object> = {
    // A resource policy sees what the engine's Analyze call carries: inputs and the provider.
    graph: rule.scope === "resource" ? graph.inputsView() : graph,
    config,
    report: (node, message, fix) =>
      sink.violation({
        policy: rule.name,
        urn: node?.urn ?? "",
        message: formatMessage(graph, rule, node, message, fix),
        // Stack policies cannot remediate; CrossGuard treats remediate as mandatory for them too.
        enforcementLevel: level === "remediate" ? "mandatory" : level,
        severity: rule.severity,
      }),
    limit: (key, what = "minimum") => `this pack's ${what} of ${JSON.stringify((config as Record<string, unknown>)[key])}, set by \`${rule.name}.${key}\``,
    notApplicable: (node, why) => sink.notApplicable?.({ policy: rule.name, urn: node.urn, why: `${describe(node)}: ${why}` }),
    undecided: (node, what) => sink.undecided?.({ policy: rule.name, urn: node?.urn ?? "", what: node ? `${describe(node)}: ${what}` : what }),
  };
  if (rule.scope === "resource") {
    for (const node of graph.ofType(...rule.types)) rule.check(node, ctx);
  } else {
    rule.check(ctx);
  }
}

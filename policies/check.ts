import type { PolicyPackConfig, Severity } from "@pulumi/policy";
import type { Environment } from "../config/schema";
import { TAG_ENVIRONMENT, TAG_STRICTNESS } from "../components/tags";
import type { ResourceGraph } from "../graph/model";
import { runRule } from "./engine/run";
import type { NotApplicable, Rule, Undecided, Violation } from "./engine/types";
import { validatePolicyConfig } from "./configValidation";
import { DEFAULT_ENVIRONMENT, foreignProfileConfig, isEnvironment, overlayPolicyConfig, resolveRule, type Profile } from "./enforcement";
import { RULES } from "./rules";

/**
 * The offline checker: every rule of the pack over one ResourceGraph, with the environment's
 * enforcement. The CLI (`ha-blueprint check`), `npm start`, the tests and the benchmark call it.
 */

export interface CheckOptions {
  /** Decides enforcement and thresholds; default: the graph's `ha:environment` tag, else prod. */
  readonly environment?: Environment;
  /** Overrides in `--policy-pack-config` format (`{"all": "advisory", "<rule>": {...}}`). */
  readonly policyConfig?: PolicyPackConfig;
  readonly rules?: readonly Rule[];
  /** `foreign`: universal rules only, house rules dropped (policies/enforcement.ts); default `blueprint`. */
  readonly profile?: Profile;
}

export interface CheckSummary {
  readonly environment: Environment;
  readonly environmentSource: "option" | "graph" | "default";
  readonly profile: Profile;
  readonly resources: number;
  readonly rules: number;
  readonly mandatory: number;
  readonly advisory: number;
  readonly undecided: number;
  /** Rule/resource pairs a rule left to another rule's finding (one root cause, one finding). */
  readonly notApplicable: number;
  readonly bySeverity: Record<Severity, number>;
  /** No mandatory violation: `check` exits 0. */
  readonly passed: boolean;
}

export interface CheckResult {
  readonly violations: Violation[];
  readonly undecided: Undecided[];
  readonly notApplicable: NotApplicable[];
  readonly summary: CheckSummary;
}

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/**
 * The rule set our providers stamp into their default tags, if any: `ha:strictness` for an
 * environment with its own name (qa), else `ha:environment` (dev, staging, prod).
 */
export function inferEnvironment(graph: ResourceGraph): Environment | undefined {
  for (const p of graph.ofType("pulumi:providers:aws")) {
    const env = graph.prop(p, `defaultTags.tags.${TAG_STRICTNESS}`) ?? graph.prop(p, `defaultTags.tags.${TAG_ENVIRONMENT}`);
    if (isEnvironment(env)) return env;
  }
  return undefined;
}

export function checkGraph(graph: ResourceGraph, options: CheckOptions = {}): CheckResult {
  const inferred = options.environment ? undefined : inferEnvironment(graph);
  const environment = options.environment ?? inferred ?? DEFAULT_ENVIRONMENT;
  const environmentSource = options.environment ? "option" : inferred ? "graph" : "default";
  const rules = options.rules ?? RULES;
  // Validated against the whole pack: a config written for the pack stays valid for a subset of it.
  if (options.policyConfig !== undefined) validatePolicyConfig(options.policyConfig, RULES);
  const policyConfig = options.profile === "foreign" ? overlayPolicyConfig(foreignProfileConfig(), options.policyConfig) : options.policyConfig;
  const violations: Violation[] = [];
  const undecided: Undecided[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const rule of rules) {
    const { level, config } = resolveRule(rule, environment, policyConfig);
    runRule(rule, graph, config, level, { violation: (v) => violations.push(v), undecided: (u) => undecided.push(u), notApplicable: (n) => notApplicable.push(n) });
  }
  violations.sort((a, b) =>
    Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory")
    || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)
    || a.policy.localeCompare(b.policy)
    || a.urn.localeCompare(b.urn));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, violations.filter((v) => v.severity === s).length])) as Record<Severity, number>;
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    violations,
    undecided,
    notApplicable,
    summary: {
      environment,
      environmentSource,
      profile: options.profile ?? "blueprint",
      resources: graph.nodes.length,
      rules: rules.length,
      mandatory,
      advisory: violations.length - mandatory,
      undecided: undecided.length,
      notApplicable: notApplicable.length,
      bySeverity,
      passed: mandatory === 0,
    },
  };
}

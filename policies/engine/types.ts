import type { EnforcementLevel, Severity } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { GraphNode, ResourceGraph } from "../../graph/model";

/**
 * The one shape every rule has. A rule reads the ResourceGraph only, so the same function runs in
 * the CrossGuard pack (graph built from the engine's PolicyResources) and in `ha-blueprint check`
 * (graph built from a stack export, a checkpoint or a preview).
 */

/**
 * What a rule protects, which decides its enforcement per environment (policies/enforcement.ts):
 * - `redundancy`: a single point of failure; mandatory in every environment.
 * - `security`: exposure or missing encryption; mandatory in every environment.
 * - `protection`: deletion protection, vault locks; mandatory in prod only.
 * - `size`: a threshold on a number (retention days, replica floors above 2); mandatory in prod only.
 * - `hardening`: security that needs per-environment material (certificates, domains): mandatory in
 *   prod only, since dev and staging may run without a certificate on purpose.
 * - `validity`: a value AWS rejects at apply time; mandatory in every environment.
 */
export type RuleKind = "redundancy" | "security" | "protection" | "size" | "hardening" | "validity";

/** A threshold in a rule's policy config: JSON schema with a default the rule always applies. */
export type ConfigSpec<C> = { readonly [K in keyof C]: PolicyConfigJSONSchema & { readonly default: C[K]; readonly description: string } };

export interface RuleContext<C> {
  readonly graph: ResourceGraph;
  /** The rule's thresholds: defaults overlaid with the environment's and the user's policy config. */
  readonly config: C;
  /**
   * Reports a violation. The engine prefixes the resource's name and type and appends the fix, so
   * every message names the offending resource and says what to do.
   */
  report(node: GraphNode | undefined, message: string, fix?: string): void;
  /** A check that could not decide because a value is unknown (first preview) or a secret. */
  undecided(node: GraphNode | undefined, what: string): void;
  /**
   * Names a threshold in a message, so a team can tell the pack's opinion from AWS's:
   * "this pack's minimum of 3, set by `ha-vpc-multi-az.minAzs`" (policy config key; the docs
   * table lists each default).
   */
  limit(key: keyof C & string, what?: string): string;
  /**
   * The rule does not apply to this resource until another rule's finding is fixed (a PDB or a
   * spread on a one-pod workload protects nothing): one root cause, one finding.
   */
  notApplicable(node: GraphNode, why: string): void;
}

interface RuleBase<C> {
  /** Kebab-case, unique, stable: it is the policy name in CrossGuard and in policy config files. */
  readonly name: string;
  /** One sentence. */
  readonly description: string;
  readonly severity: Severity;
  readonly kind: RuleKind;
  /** Where the rule comes from: Well-Architected REL ids, Security Hub controls, cdk-nag/checkov ids. */
  readonly anchors: readonly string[];
  /** The general fix; a report may give a more specific one. */
  readonly remediation: string;
  /** Catalogue P2 items: advisory in every environment unless policy config raises them. */
  readonly advisoryEverywhere?: boolean;
  readonly config: ConfigSpec<C>;
}

/** Judges one resource from its own properties (and its provider): a CrossGuard resource policy. */
export interface ResourceRule<C = Record<string, never>> extends RuleBase<C> {
  readonly scope: "resource";
  readonly types: readonly string[];
  check(node: GraphNode, ctx: RuleContext<C>): void;
}

/** Judges the whole graph: a CrossGuard stack policy. */
export interface StackRule<C = Record<string, never>> extends RuleBase<C> {
  readonly scope: "stack";
  check(ctx: RuleContext<C>): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rule = ResourceRule<any> | StackRule<any>;

export interface Violation {
  readonly policy: string;
  /** The offending resource; the stack's own URN (or "") when the rule judges the stack as a whole. */
  readonly urn: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
}

export interface NotApplicable {
  readonly policy: string;
  readonly urn: string;
  readonly why: string;
}

export interface Undecided {
  readonly policy: string;
  readonly urn: string;
  readonly what: string;
}

export function defineResourceRule<C extends object = Record<string, never>>(rule: ResourceRule<C>): ResourceRule<C> {
  return rule;
}

export function defineStackRule<C extends object = Record<string, never>>(rule: StackRule<C>): StackRule<C> {
  return rule;
}

/** The defaults of a rule's config spec, as a plain object. */
export function configDefaults<C>(spec: ConfigSpec<C>): C {
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, (v as { default: unknown }).default])) as C;
}

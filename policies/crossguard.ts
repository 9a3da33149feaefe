import {
  UnknownValueError,
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import type { Environment } from "../config/schema";
import { ResourceGraph } from "../graph/model";
import { UNKNOWN, type ExportedResource } from "../plan/stackExport";
import { PolicyConfigError, ruleConfigProblems } from "./configValidation";
import { runRule } from "./engine/run";
import { configDefaults, type Rule } from "./engine/types";
import { levelFor } from "./enforcement";

/**
 * Adapters from the CrossGuard engine's arguments to our ResourceGraph, so the pack runs the very
 * rule functions `ha-blueprint check` runs. Props reach us wrapped in `unknownCheckingProxy`; we
 * copy them out, turning unknowns into the preview sentinel the graph model understands, so one
 * unknown field never aborts a whole mandatory policy (the engine would downgrade it to an
 * advisory "can't run during preview").
 */

const PACK_VERSION = "0.1.0";

/** Deep copy of proxied props; unknown values become the sentinel instead of throwing. */
export function plainProps(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
  for (const k of Object.keys(v)) {
    let value: unknown;
    try {
      value = plainProps((v as Record<string, unknown>)[k]);
    } catch (err) {
      if (!(err instanceof UnknownValueError)) throw err;
      value = UNKNOWN;
    }
    (out as Record<string, unknown>)[k] = value;
  }
  return out;
}

/**
 * The stack's default region as the engine hands it to a policy pack: `AWS_REGION`, else the
 * `aws:region` of the stack config the engine passes in PULUMI_CONFIG (the same config `check`
 * reads from the stack file).
 */
export function engineRegion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_REGION) return env.AWS_REGION;
  try {
    const config = JSON.parse(env.PULUMI_CONFIG ?? "{}") as Record<string, unknown>;
    return typeof config["aws:region"] === "string" ? config["aws:region"] : undefined;
  } catch {
    return undefined;
  }
}

/** Component resources have tokens without a `/` module path (`ha:stack:RegionalCell`, `pulumi:pulumi:Stack`). */
function isCustomType(type: string): boolean {
  return type.startsWith("pulumi:providers:") || /^[^:]+:[^:]*\/[^:]*:[^:]+$/.test(type);
}

function providerResource(p: NonNullable<PolicyResource["provider"]>): ExportedResource {
  return { urn: p.urn, type: p.type, custom: true, inputs: plainProps(p.props) as Record<string, unknown>, outputs: {} };
}

/**
 * Stack policies see every resource with its (preview: input-propagated) outputs and its edges.
 * Provider resources may be missing from the list; each resource's `provider` stands in for them.
 */
export function graphFromStackArgs(args: Pick<StackValidationArgs, "resources"> & Partial<Pick<StackValidationArgs, "notApplicable">>, defaultRegion = engineRegion()): ResourceGraph {
  const fromEngine = args.notApplicable?.name === "throwNotApplicable";
  if (fromEngine && current && current.region === defaultRegion && sameUrns(current.urns, args.resources)) return current.graph;
  const graph = new ResourceGraph(stackResources(args), defaultRegion);
  if (!fromEngine) return graph;
  current = { urns: args.resources.map((r) => r.urn), region: defaultRegion, graph };
  // The analysis ends before the next macrotask (see `current`): forget its graph then.
  setImmediate(() => {
    if (current?.graph === graph) current = undefined;
  }).unref();
  return graph;
}

/**
 * The graph of the analysis the policy SDK is running. Its AnalyzeStack handler gives every stack
 * policy its own freshly deserialized copy of the same resources, and runs the policies one after
 * another with only resolved-promise microtasks in between (@pulumi/policy server.js,
 * makeAnalyzeStackRpcFun), so the graph built for the first stack policy holds, unchanged, for the
 * others until the next macrotask, where another request could begin. Sharing it builds the graph
 * and its indexes once per analysis instead of once per policy (10k resources: 2.3 s -> 0.3 s).
 * Only the SDK's own calls share (recognised by its `notApplicable`, `throwNotApplicable`); any
 * other caller, e.g. a test passing two variants in one tick, gets a graph of its own arguments.
 */
let current: { urns: string[]; region: string | undefined; graph: ResourceGraph } | undefined;

function sameUrns(urns: readonly string[], resources: StackValidationArgs["resources"]): boolean {
  if (urns.length !== resources.length) return false;
  for (let i = 0; i < urns.length; i++) if (urns[i] !== resources[i].urn) return false;
  return true;
}

function stackResources(args: Pick<StackValidationArgs, "resources">): ExportedResource[] {
  const resources: ExportedResource[] = [];
  const seen = new Set<string>();
  const providers = new Map<string, ExportedResource>();
  for (const r of args.resources) {
    seen.add(r.urn);
    if (r.provider && !providers.has(r.provider.urn)) providers.set(r.provider.urn, providerResource(r.provider));
    const props = plainProps(r.props) as Record<string, unknown>;
    resources.push({
      urn: r.urn,
      type: r.type,
      custom: isCustomType(r.type),
      // Outputs are all the engine sends: they stand for inputs too, and their id and ARN let a
      // literal reference resolve exactly as it does in `check` on a stack export.
      ...(typeof props.id === "string" ? { id: props.id } : {}),
      inputs: props,
      outputs: props,
      parent: r.parent?.urn ?? r.opts.parent,
      provider: r.provider?.urn,
      dependencies: r.dependencies.map((d) => d.urn),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)])),
      ignoreChanges: r.opts.ignoreChanges,
      protect: r.opts.protect,
    });
  }
  for (const [urn, p] of providers) if (!seen.has(urn)) resources.push(p);
  return resources;
}

/** Resource policies see one resource's inputs and its provider: a two-node graph. */
export function graphFromResourceArgs(args: Pick<ResourceValidationArgs, "urn" | "type" | "props" | "provider" | "opts">, defaultRegion = engineRegion()): ResourceGraph {
  const resources: ExportedResource[] = [{
    urn: args.urn,
    type: args.type,
    custom: true,
    inputs: plainProps(args.props) as Record<string, unknown>,
    outputs: {},
    parent: args.opts.parent,
    provider: args.provider?.urn,
    ignoreChanges: args.opts.ignoreChanges,
    protect: args.opts.protect,
  }];
  if (args.provider) resources.push(providerResource(args.provider));
  return new ResourceGraph(resources, defaultRegion);
}

function common(rule: Rule, env: Environment) {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: levelFor(rule, env),
    severity: rule.severity,
    tags: [rule.kind],
    remediationSteps: rule.remediation,
    framework: { name: "ha-blueprint", version: PACK_VERSION, reference: rule.anchors.join("; "), specification: rule.description },
    configSchema: { properties: { ...rule.config } },
  };
}

/**
 * The rule's thresholds from what `getConfig()` returns (the engine reconciles schema defaults,
 * the pack's initial config and `--policy-pack-config`). A bad value fails the policy with an
 * error naming it rather than running with a threshold nobody chose.
 */
export function configOf(rule: Rule, supplied: object): object {
  const problems = ruleConfigProblems(rule, supplied as Record<string, unknown>);
  if (problems.length > 0) throw new PolicyConfigError(problems, `policy config of ${rule.name}`);
  return { ...configDefaults(rule.config), ...supplied };
}

/** One CrossGuard policy per rule; the level of `env` is the policy's default enforcement level. */
export function toPolicy(rule: Rule, env: Environment): ResourceValidationPolicy | StackValidationPolicy {
  if (rule.scope === "resource") {
    return {
      ...common(rule, env),
      validateResource: (args, reportViolation) => {
        if (!rule.types.includes(args.type)) return;
        // The two-node graph holds one node of the rule's types: runRule visits exactly it.
        runRule(rule, graphFromResourceArgs(args), configOf(rule, args.getConfig()), "mandatory", {
          violation: (v) => reportViolation(v.message),
        });
      },
    };
  }
  return {
    ...common(rule, env),
    validateStack: (args, reportViolation) => {
      const graph = graphFromStackArgs(args);
      runRule(rule, graph, configOf(rule, args.getConfig()), "mandatory", {
        violation: (v) => reportViolation(v.message, v.urn || undefined),
      });
    },
  };
}

export function toPolicies(rules: readonly Rule[], env: Environment): Array<ResourceValidationPolicy | StackValidationPolicy> {
  return rules.map((r) => toPolicy(r, env));
}

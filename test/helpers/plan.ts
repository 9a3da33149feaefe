import * as pulumi from "@pulumi/pulumi";
import { planKey, readCachedPlan, withPlanLock, writeCachedPlan } from "../../cli/planCache";
import { loadStack, type LoadedStack } from "../../config/load";
import { runPlan, type PlanResult } from "../../plan/run";
import type { ExportedResource } from "../../plan/stackExport";

/**
 * Test helpers over the plan graph: run a stack (optionally with config overrides) under the mock
 * runtime and query the recorded resources by type, name and parent.
 */

export interface Plan extends PlanResult {
  readonly resources: ExportedResource[];
  ofType(type: string): ExportedResource[];
  byName(logicalName: string): ExportedResource;
  byUrn(urn: string): ExportedResource;
  /** The region of a resource's provider (or its own `region` input). */
  regionOf(r: ExportedResource): string | undefined;
}

export function nameOf(r: ExportedResource): string {
  return r.urn.slice(r.urn.lastIndexOf("::") + 2);
}

export function wrapPlan(result: PlanResult): Plan {
  const resources = result.export.deployment.resources;
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerUrn = (ref?: string) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);
  return {
    ...result,
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    byName: (name) => {
      const found = resources.filter((r) => nameOf(r) === name);
      if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
      return found[0];
    },
    byUrn: (urn) => {
      const r = byUrn.get(urn);
      if (!r) throw new Error(`no resource ${urn}`);
      return r;
    },
    regionOf: (r) => {
      if (typeof r.inputs?.region === "string") return r.inputs.region;
      const p = byUrn.get(providerUrn(r.provider) ?? "");
      return typeof p?.inputs?.region === "string" ? p.inputs.region : undefined;
    },
  };
}

/** Deep-merges `overrides` (keys like `ha-blueprint:database`) into a stack's raw config. */
export function withOverrides(raw: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === undefined) return a;
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = merge(out[k], v);
      return out;
    }
    return b;
  };
  return merge(raw, overrides) as Record<string, unknown>;
}

/**
 * Freezes a plan's graph, so a test that changed the shared result (sorted `resources` in place,
 * edited an input) fails at once instead of corrupting the files that run after it.
 */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** True when `value` survives a JSON round trip unchanged in meaning (no Output, no secret wrapper, no class). */
function isPlainJson(value: unknown): boolean {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  if (pulumi.Output.isInstance(value)) return false;
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as object).every(isPlainJson);
  return false;
}

/**
 * Plans of this test run, by stack and effective config. A plan is a pure function of the config
 * (the program reads nothing else), so it is computed once: within a worker the files share this
 * module (`isolate: false` in vitest.config.mts), and between workers, and with the CLI processes
 * the tests spawn, the plan cache (cli/planCache.ts, one directory per run: HA_BLUEPRINT_PLAN_CACHE
 * in vitest.config.mts) holds it, with the program's outputs when they are plain JSON; its lock
 * keeps two workers from planning one config at the same time. The graph
 * is frozen: a test that changed the shared result fails where it did so.
 */
const planned = new Map<string, Promise<Plan>>();

async function planOnce(stack: string, rawConfig: Record<string, unknown>): Promise<Plan> {
  const key = planKey({ name: stack, rawConfig } as LoadedStack);
  const result = await withPlanLock(key, async () => {
    const shared = readCachedPlan(key);
    if (shared?.outputs) return { export: shared.export, warnings: shared.warnings, outputs: shared.outputs };
    const fresh = await runPlan({ stack, rawConfig });
    if (isPlainJson(fresh.outputs)) writeCachedPlan(key, { export: fresh.export, warnings: fresh.warnings, outputs: fresh.outputs });
    return fresh;
  });
  deepFreeze(result.export);
  deepFreeze(result.warnings);
  return wrapPlan(result);
}

/**
 * Plans `stacks/Pulumi.<stack>.yaml`, optionally with config overrides merged in and whole keys
 * replaced (`replace`: e.g. another `ha-blueprint:sessionStore` section, whose keys of the old kind
 * must not survive a merge). Once per run and effective config.
 */
export async function planStack(stack: string, overrides: Record<string, unknown> = {}, replace: Record<string, unknown> = {}): Promise<Plan> {
  const rawConfig = { ...withOverrides(loadStack(stack).rawConfig, overrides), ...replace };
  const key = JSON.stringify([stack, rawConfig]);
  let plan = planned.get(key);
  if (!plan) {
    plan = planOnce(stack, rawConfig);
    // A failed plan is not kept: the next test asking plans again and sees its own error.
    plan.catch(() => planned.delete(key));
    planned.set(key, plan);
  }
  return plan;
}

/**
 * Plans a stack now, bypassing the run's plans: for a test that watches the planning itself
 * (values a mock generates while the program runs), which a reused plan would not show it.
 */
export async function planStackFresh(stack: string, overrides: Record<string, unknown> = {}): Promise<Plan> {
  return wrapPlan(await runPlan({ stack, rawConfig: withOverrides(loadStack(stack).rawConfig, overrides) }));
}

/**
 * `planStack`'s `replace` argument for the single-writer session store (ElastiCache global
 * datastore, still a supported kind): for tests about what only that kind has, now that every
 * shipped stack uses MemoryDB Multi-Region.
 */
export const ELASTICACHE_GLOBAL_SESSIONS = {
  "ha-blueprint:sessionStore": { kind: "elasticache-global", nodeType: "cache.r7g.large", nodesPerRegion: 3, snapshotRetentionDays: 7 },
} as const;

import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../config/schema";
import { buildProgram } from "../program";
import { RealisticMocks } from "./mocks";
import { recordGraph, type GraphRecorder } from "./recorder";
import { redactSecrets, type ExportedResource, type StackExport } from "./stackExport";

export interface PlanOptions {
  /** Stack name, as in `stacks/Pulumi.<stack>.yaml`. */
  readonly stack: string;
  /** The stack file's `config:` map, as read from YAML. */
  readonly rawConfig: Record<string, unknown>;
  /** The program to run; defaults to the blueprint's own `buildProgram`. */
  readonly program?: () => Record<string, pulumi.Input<unknown>> | Promise<Record<string, pulumi.Input<unknown>>>;
}

export interface PlanResult {
  readonly export: StackExport;
  /** Stack outputs as the program returned them (secrets still wrapped). */
  readonly outputs: Record<string, unknown>;
  /** What the blueprint's program would warn about at `pulumi up` (placeholders in the stack file). */
  readonly warnings: string[];
}

// Internal to @pulumi/pulumi (not in its .d.ts) but stable across 3.x: the mock monitor instance
// (to record the graph) and the wait for outstanding registrations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): { settings: { monitor: unknown } } };

/** A failure of the program itself under the mock runtime (as opposed to bad config). */
export class PlanError extends Error {}

/** Pulumi passes config to programs as strings, objects as JSON: do the same. */
function toPulumiConfig(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

let running = false;

// Internal too, called through its module object (so replacing the export takes effect): wraps every
// promise the SDK creates with a debug id, a stack trace and an entry in the leak detector's set.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> };

/**
 * Runs `fn` without the bookkeeping @pulumi/pulumi does for its own debugging: a stack trace, an id
 * and a leak-detector entry per promise it creates (for PULUMI_DEBUG_PROMISE_LEAKS reports), and an
 * unbounded stack trace per resource (the source position the engine shows in `pulumi up`). Under
 * the mock runtime nobody reads them, and they are about a third of a plan's time. Without the
 * promise wrapper, registrations resolve a few microtasks sooner, so independent resources may be
 * recorded in another order: still parents, providers and dependencies first (a test checks it).
 * `HA_BLUEPRINT_STACK_TRACES=1` keeps all of it, to debug a plan.
 */
async function withoutStackCapture<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.HA_BLUEPRINT_STACK_TRACES || process.env.PULUMI_DEBUG_PROMISE_LEAKS) return fn();
  const debuggablePromise = debuggable.debuggablePromise;
  debuggable.debuggablePromise = (p) => p;
  const resourceClass = pulumi.Resource as unknown as { callsites?: () => unknown[] };
  const callsites = resourceClass.callsites;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  // Private in the .d.ts, stable across 3.x; patched only when present.
  if (typeof callsites === "function") resourceClass.callsites = () => [];
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = limit;
    debuggable.debuggablePromise = debuggablePromise;
    if (typeof callsites === "function") resourceClass.callsites = callsites;
  }
}

/**
 * Runs the Pulumi program under the mock runtime and returns the resource graph in
 * `pulumi stack export` format. One plan at a time per process: the Pulumi runtime is global.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  if (running) throw new PlanError("a plan is already running in this process");
  running = true;
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const defaultRegion = String(options.rawConfig["aws:region"] ?? "us-east-1");
    const mocks = new RealisticMocks(defaultRegion);
    await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, false);
    pulumi.runtime.setAllConfig(toPulumiConfig(options.rawConfig), []);
    const recorder: GraphRecorder = {
      resources: [],
      onProvider: (urn, inputs) => mocks.rememberProvider(urn, inputs),
      onSecretOutputs: (type, name, names) => mocks.rememberSecretOutputs(type, name, names),
    };
    recordGraph(getStore().settings.monitor as never, recorder);

    const warnings: string[] = [];
    const program = options.program ?? (() => buildProgram((m) => warnings.push(m)));
    const outputs = await withoutStackCapture(async () => {
      const result = await pulumi.runtime.runInPulumiStack(async () => program());
      await waitForRPCs();
      return result;
    });
    if (failures.length > 0) throw failures[0];
    return { export: toStackExport(recorder.resources), outputs: (outputs ?? {}) as Record<string, unknown>, warnings };
  } finally {
    process.off("unhandledRejection", onRejection);
    running = false;
  }
}

function toStackExport(resources: ExportedResource[]): StackExport {
  return {
    version: 3,
    deployment: {
      manifest: {
        time: new Date().toISOString(),
        magic: "",
        version: "ha-blueprint plan (Pulumi mock runtime)",
      },
      resources: resources.map((r) => ({
        ...r,
        inputs: redactSecrets(r.inputs) as Record<string, unknown>,
        outputs: redactSecrets(r.outputs) as Record<string, unknown>,
      })),
    },
  };
}

import { CliError } from "../cli/errors";
import type { ExportedResource } from "../plan/stackExport";

/**
 * Reads the three graph formats we accept and returns the resources in stack-export shape:
 * - `pulumi stack export` (`{version: 3, deployment: {resources}}`), including our own plans;
 * - a file-backend checkpoint (`{version: 3, checkpoint: {latest: {resources}}}`);
 * - `pulumi preview --json` (`{steps: [{op, urn, newState}], config}`).
 */

export type GraphFormat = "stack-export" | "checkpoint" | "preview";

export interface LoadedResources {
  readonly format: GraphFormat;
  readonly resources: ExportedResource[];
  /** The stack's `aws:region`, when the document carries config (preview JSON does). */
  readonly defaultRegion?: string;
}

/** Malformed graph input: the CLI reports it and exits 2. */
export class GraphFormatError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "GraphFormatError";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkResource(r: unknown, where: string): ExportedResource {
  if (!isObject(r)) throw new GraphFormatError(`${where} is not an object`);
  if (typeof r.urn !== "string" || !r.urn.startsWith("urn:pulumi:")) throw new GraphFormatError(`${where} has no valid urn`);
  if (typeof r.type !== "string") throw new GraphFormatError(`${where} (${r.urn}) has no type`);
  for (const key of ["inputs", "outputs", "propertyDependencies"] as const) {
    if (r[key] !== undefined && r[key] !== null && !isObject(r[key])) throw new GraphFormatError(`${where} (${r.urn}) has a non-object ${key}`);
  }
  if (r.dependencies !== undefined && r.dependencies !== null && !Array.isArray(r.dependencies)) {
    throw new GraphFormatError(`${where} (${r.urn}) has a non-list dependencies`);
  }
  return {
    ...(r as unknown as ExportedResource),
    // Exports always say; hand-written graphs may not, and provider resources are custom.
    custom: typeof r.custom === "boolean" ? r.custom : /^(aws|kubernetes|random|tls|pulumi:providers):/.test(String(r.type)),
  };
}

function resourcesFrom(list: unknown, where: string): ExportedResource[] {
  if (!Array.isArray(list)) throw new GraphFormatError(`${where} is not a list of resources`);
  return list.map((r, i) => checkResource(r, `${where}[${i}]`));
}

export function loadResources(doc: unknown): LoadedResources {
  if (!isObject(doc)) throw new GraphFormatError("the state is not a JSON object; expected `pulumi stack export`, `pulumi preview --json` or an ha-blueprint plan");
  if (isObject(doc.deployment)) {
    const resources = doc.deployment.resources ?? [];
    return { format: "stack-export", resources: resourcesFrom(resources, "deployment.resources") };
  }
  if (isObject(doc.checkpoint)) {
    const latest = doc.checkpoint.latest;
    const resources = isObject(latest) ? latest.resources ?? [] : [];
    return { format: "checkpoint", resources: resourcesFrom(resources, "checkpoint.latest.resources") };
  }
  if (Array.isArray(doc.steps)) {
    const config = isObject(doc.config) ? doc.config : {};
    const resources = doc.steps.flatMap((step, i): ExportedResource[] => {
      if (!isObject(step)) throw new GraphFormatError(`steps[${i}] is not an object`);
      // A deleted resource is not part of the resulting stack.
      if (step.op === "delete" || step.op === "discard" || step.op === "remove-pending-replace") return [];
      const state = step.newState ?? step.oldState;
      if (!isObject(state)) return [];
      return [checkResource({ ...state, urn: state.urn ?? step.urn, provider: state.provider ?? step.provider }, `steps[${i}].newState`)];
    });
    return { format: "preview", resources, defaultRegion: typeof config["aws:region"] === "string" ? config["aws:region"] : undefined };
  }
  if (Array.isArray(doc.resources)) {
    return { format: "stack-export", resources: resourcesFrom(doc.resources, "resources") };
  }
  throw new GraphFormatError("unrecognised state format: expected `deployment.resources` (pulumi stack export), `checkpoint.latest.resources` or `steps` (pulumi preview --json)");
}

export function parseStateText(text: string, source: string): LoadedResources {
  let doc: unknown;
  try {
    // Editors and PowerShell redirects may prefix UTF-8 with a byte-order mark: JSON.parse refuses it.
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new GraphFormatError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return loadResources(doc);
  } catch (err) {
    if (err instanceof GraphFormatError) throw new GraphFormatError(`${source}: ${err.message}`);
    throw err;
  }
}

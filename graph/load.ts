import { CliError } from "../cli/errors";
import type { ExportedResource } from "../plan/stackExport";
import { describeJsonError } from "./json";

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

/**
 * The deployment schema versions whose resources this reader understands. `pulumi stack export`
 * writes 3, or 4 when the stack uses an engine feature that older CLIs lack (a `features` list
 * beside the same resource shape): pulumi/pulumi pkg/backend/snapshot.go, "version :=
 * apitype.DeploymentSchemaVersionCurrent; if len(features) > 0 { version =
 * apitype.DeploymentSchemaVersionLatest }". Versions 1 and 2 predate Pulumi 1.0's resource shape.
 */
export const SUPPORTED_STATE_VERSIONS: readonly number[] = [3, 4];

function checkVersion(doc: Record<string, unknown>): void {
  // Hand-written graphs may leave the version out; a version that is there must be one we read.
  const version = doc.version;
  if (version === undefined || (typeof version === "number" && SUPPORTED_STATE_VERSIONS.includes(version))) return;
  const shown = typeof version === "number" || typeof version === "string" ? JSON.stringify(version).slice(0, 20) : typeof version;
  throw new GraphFormatError(`"version": ${shown} is not a state schema version this reads (supported: ${SUPPORTED_STATE_VERSIONS.join(", ")}); export the stack again with a current Pulumi CLI`);
}

/**
 * One resource per URN. Pulumi keeps the old copy of a resource replaced create-before-delete,
 * marked `delete: true`, beside the new one until it is deleted: that copy is no longer part of
 * the stack and is dropped. A preview lists a replacement twice (`create-replacement`, then
 * `replace`, with the same new state): the last step counts. Any other repeated URN is refused:
 * Pulumi's snapshot integrity check refuses it too, and parents and dependencies name resources
 * by URN, so it could not say which copy they mean.
 */
function oneResourcePerUrn(resources: ExportedResource[], format: GraphFormat): ExportedResource[] {
  const byUrn = new Map<string, number[]>();
  resources.forEach((r, i) => {
    const seen = byUrn.get(r.urn);
    if (seen) seen.push(i);
    else byUrn.set(r.urn, [i]);
  });
  if (byUrn.size === resources.length) return resources;
  const keep = new Set<number>();
  for (const [urn, indexes] of byUrn) {
    if (indexes.length === 1 || format === "preview") {
      keep.add(indexes[indexes.length - 1]);
      continue;
    }
    const live = indexes.filter((i) => (resources[i] as { delete?: unknown }).delete !== true);
    if (live.length > 1) throw new GraphFormatError(`resources[${live[0]}] and resources[${live[1]}] have the same urn ${urn}: a state holds each resource once`);
    keep.add(live[0] ?? indexes[indexes.length - 1]);
  }
  return resources.filter((_, i) => keep.has(i));
}

function shortName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2) || urn;
}

/**
 * Refuses a parent chain or dependency chain that comes back to where it started: Pulumi cannot
 * produce one (a parent and every dependency are registered before the resource), and the graph's
 * walks up parents and along dependencies would not end. Linear in resources plus edges.
 */
function refuseCycles(resources: ExportedResource[]): void {
  const known = new Set(resources.map((r) => r.urn));
  // Parents: each resource has at most one, so following the chain with a colour per resource is enough.
  const parentOf = new Map(resources.map((r) => [r.urn, typeof r.parent === "string" && known.has(r.parent) ? r.parent : undefined]));
  const done = new Set<string>();
  for (const r of resources) {
    const path: string[] = [];
    const onPath = new Set<string>();
    for (let u: string | undefined = r.urn; u && !done.has(u); u = parentOf.get(u)) {
      if (onPath.has(u)) {
        const loop = [...path.slice(path.indexOf(u)), u].map(shortName);
        throw new GraphFormatError(loop.length === 2 ? `${u} is its own parent` : `parents form a cycle (${loop.join(" -> ")}); the first is ${u}`);
      }
      onPath.add(u);
      path.push(u);
    }
    path.forEach((u) => done.add(u));
  }
  // Dependencies (and property dependencies): depth-first with an explicit stack.
  const depsOf = (r: ExportedResource): string[] => {
    const out = new Set<string>(Array.isArray(r.dependencies) ? r.dependencies : []);
    for (const list of Object.values(r.propertyDependencies ?? {})) if (Array.isArray(list)) list.forEach((u) => out.add(u));
    return [...out].filter((u) => typeof u === "string" && known.has(u));
  };
  const edges = new Map(resources.map((r) => [r.urn, depsOf(r)]));
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: finished
  for (const r of resources) {
    if (state.has(r.urn)) continue;
    const stack: { urn: string; next: number }[] = [{ urn: r.urn, next: 0 }];
    state.set(r.urn, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const deps = edges.get(top.urn)!;
      if (top.next === deps.length) {
        state.set(top.urn, 2);
        stack.pop();
        continue;
      }
      const d = deps[top.next++];
      if (state.get(d) === 1) {
        const loop = [...stack.slice(stack.findIndex((f) => f.urn === d)).map((f) => f.urn), d].map(shortName);
        throw new GraphFormatError(loop.length === 2 ? `${d} depends on itself` : `dependencies form a cycle (${loop.join(" -> ")}); the first is ${d}`);
      }
      if (!state.has(d)) {
        state.set(d, 1);
        stack.push({ urn: d, next: 0 });
      }
    }
  }
}

export function loadResources(doc: unknown): LoadedResources {
  if (isObject(doc)) checkVersion(doc);
  const loaded = readResources(doc);
  const resources = oneResourcePerUrn(loaded.resources, loaded.format);
  refuseCycles(resources);
  return resources === loaded.resources ? loaded : { ...loaded, resources };
}

/** Preview step kinds whose resource is not part of the resulting stack. */
const GONE_AFTER_PREVIEW = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"]);

function readResources(doc: unknown): LoadedResources {
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
      if (typeof step.op === "string" && GONE_AFTER_PREVIEW.has(step.op)) return [];
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
  // Editors and PowerShell redirects may prefix UTF-8 with a byte-order mark: JSON.parse refuses it.
  const json = text.replace(/^\uFEFF/, "");
  if (json.trim() === "") throw new GraphFormatError(`${source} is empty`);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    // Never V8's message itself: it quotes the text around the mistake, which may be a secret.
    throw new GraphFormatError(`${source} is not valid JSON: ${describeJsonError(json, err)}`);
  }
  try {
    return loadResources(doc);
  } catch (err) {
    if (err instanceof GraphFormatError) throw new GraphFormatError(`${source}: ${err.message}`);
    throw err;
  }
}

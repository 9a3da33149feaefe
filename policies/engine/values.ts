import { isUnknown, UNKNOWN_VALUE, type GraphNode, type ResourceGraph, type Unknown } from "../../graph/model";

/**
 * Readers that turn raw property values into what a rule compares, keeping "unknown" distinct from
 * "absent": absent means the provider default applies, unknown means a first preview cannot say.
 * Exports record provider-filled defaults as present values and our plans leave them out; the
 * readers treat both the same way because every rule compares effective values.
 */

export { isUnknown, UNKNOWN_VALUE, type Unknown };

export function asBool(v: unknown): boolean | Unknown | undefined {
  if (isUnknown(v)) return v;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  return undefined;
}

export function asNumber(v: unknown): number | Unknown | undefined {
  if (isUnknown(v)) return v;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

export function asString(v: unknown): string | Unknown | undefined {
  if (isUnknown(v)) return v;
  return typeof v === "string" ? v : undefined;
}

/** A list input; absent is an empty list, a scalar is a list of one. */
export function asList(v: unknown): unknown[] | Unknown {
  if (isUnknown(v)) return v;
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function asRecord(v: unknown): Record<string, unknown> | Unknown | undefined {
  if (isUnknown(v)) return v;
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Reads a field inside an element of a list input (which the graph model does not path into). */
export function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(".")) {
    if (isUnknown(cur)) return cur;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A boolean input with the provider's default applied when it is absent. */
export function effectiveBool(graph: ResourceGraph, n: GraphNode, path: string, providerDefault: boolean): boolean | Unknown {
  const v = asBool(graph.prop(n, path));
  return v === undefined ? providerDefault : v;
}

export function effectiveNumber(graph: ResourceGraph, n: GraphNode, path: string, providerDefault: number): number | Unknown {
  const v = asNumber(graph.prop(n, path));
  return v === undefined ? providerDefault : v;
}

/** Whether an input is set at all (a secret whose value the file does not hold still counts as set). */
export function isSet(graph: ResourceGraph, n: GraphNode, path: string): boolean {
  const v = graph.prop(n, path);
  return v !== undefined && v !== null && v !== "";
}

/** Short type name for messages: `aws:rds/cluster:Cluster` -> `rds.Cluster`. */
export function shortType(type: string): string {
  const m = /^([^:]+):([^:/]+)(?:\/[^:]*)?:(.+)$/.exec(type);
  if (!m) return type;
  const [, pkg, mod, name] = m;
  if (pkg === "kubernetes") return `k8s ${name}`;
  return mod === "index" ? `${pkg}.${name}` : `${mod}.${name}`;
}

export function describe(n: GraphNode): string {
  return `${shortType(n.type)} "${n.name}"`;
}

export function list(items: readonly string[]): string {
  return items.length === 0 ? "none" : items.join(", ");
}

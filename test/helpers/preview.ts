import { UNKNOWN, type ExportedResource } from "../../plan/stackExport";

/**
 * Turns a graph into what a first `pulumi preview` knows: no ids, no outputs, and every input that
 * carries another resource's id or ARN replaced by the unknown sentinel (inside lists and objects
 * too). Literal inputs (AZ names from invokes, counts, flags, names) stay known, as in a preview.
 */
export function toFirstPreview(resources: ExportedResource[]): ExportedResource[] {
  const computed = new Set<string>();
  const collect = (v: unknown) => {
    if (typeof v === "string") computed.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object") Object.values(v).forEach(collect);
  };
  for (const r of resources) {
    if (r.id) computed.add(r.id);
    if (r.type.startsWith("pulumi:providers:")) continue;
    for (const [k, v] of Object.entries(r.outputs ?? {})) if (!(k in (r.inputs ?? {}))) collect(v);
  }
  const looksComputed = (s: string) => computed.has(s) || /-(id|arn)$/.test(s) || /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/.test(s);
  const blank = (v: unknown): unknown => {
    if (typeof v === "string") return looksComputed(v) ? UNKNOWN : v;
    if (Array.isArray(v)) return v.map(blank);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blank(x)]));
    return v;
  };
  return resources.map((r) => {
    const { id: _id, ...rest } = r;
    return {
      ...rest,
      inputs: r.type.startsWith("pulumi:providers:") ? r.inputs : (blank(r.inputs) as Record<string, unknown>),
      outputs: {},
      provider: r.provider ? `${r.provider.slice(0, r.provider.lastIndexOf("::"))}::${UNKNOWN}` : undefined,
    };
  });
}

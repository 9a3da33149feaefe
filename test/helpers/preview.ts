import { UNKNOWN, type ExportedResource } from "../../plan/stackExport";

/**
 * Turns a graph into what a first `pulumi preview` knows: no ids, no outputs, and every input that
 * carries another resource's id or ARN replaced by the unknown sentinel (inside lists and objects
 * too). Literal inputs (AZ names from invokes, counts, flags, names) stay known, as in a preview.
 */
export function toFirstPreview(resources: ExportedResource[]): ExportedResource[] {
  // Ids, ARNs and provider-assigned names are what a first preview cannot know. AZ names and
  // other literals stay: they come from config or from invokes, which previews answer.
  const computed = new Set<string>();
  for (const r of resources) {
    if (r.id) computed.add(r.id);
    for (const key of ["arn", "id", "endpoint", "readerEndpoint", "primaryEndpointAddress", "globalReplicationGroupId"]) {
      const v = r.outputs?.[key];
      if (typeof v === "string" && !(key in (r.inputs ?? {}))) computed.add(v);
    }
  }
  const AWS_ID = /^(vpc|subnet|nat|rtb|sg|sgr|eni|eipalloc|igw|lt|i|r|rtbassoc|fl)-[0-9a-f]{8,}$/;
  const looksComputed = (s: string) => computed.has(s) || AWS_ID.test(s) || /-(id|arn)$/.test(s) || /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/.test(s);
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

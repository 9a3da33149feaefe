import { ResourceGraph } from "../../graph/model";
import type { ExportedResource } from "../../plan/stackExport";

/**
 * Builds stack-export resources by logical name, with edges by name: `refs: { subnetIds: ["a", "b"] }`
 * puts the resources' ids into the input (when not given) and records the propertyDependencies
 * edge, the way the engine records an Output passed as an input. Ids are `<name>-id`, ARNs
 * `arn:aws:<service>:<region>:111122223333:<name>`, so preview tests can turn them into unknowns.
 */

export interface AddOptions {
  /** Provider logical name (see `provider`). */
  readonly provider?: string;
  readonly parent?: string;
  /** Input key -> logical names of the resources it refers to. */
  readonly refs?: Record<string, string[]>;
  readonly dependsOn?: string[];
  /** Extra outputs (computed values). */
  readonly outputs?: Record<string, unknown>;
}

export const ACCOUNT = "111122223333";

export class GraphBuilder {
  private readonly byName = new Map<string, ExportedResource>();
  private readonly pending: Array<{ r: ExportedResource; opts: AddOptions }> = [];

  constructor(readonly stack = "test", readonly project = "proj") {}

  urnOf(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  id(name: string): string {
    return `${name}-id`;
  }

  arn(name: string): string {
    const r = this.get(name);
    return String(r.outputs?.arn ?? this.id(name));
  }

  get(name: string): ExportedResource {
    const r = this.byName.get(name);
    if (!r) throw new Error(`no resource named ${name}`);
    return r;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  provider(name: string, region: string, extra: Record<string, unknown> = {}): this {
    return this.add("pulumi:providers:aws", name, { region, ...extra });
  }

  /** A Kubernetes provider built from an EKS cluster's outputs (the edge the graph model follows). */
  k8sProvider(name: string, cluster: string): this {
    return this.add("pulumi:providers:kubernetes", name, { kubeconfig: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, { refs: { kubeconfig: [cluster] } });
  }

  add(type: string, name: string, inputs: Record<string, unknown> = {}, opts: AddOptions = {}): this {
    if (this.byName.has(name)) throw new Error(`duplicate name ${name}`);
    const custom = type.startsWith("pulumi:providers:") || type.includes("/");
    const region = opts.provider && this.byName.has(opts.provider) ? String(this.byName.get(opts.provider)!.inputs?.region ?? "") : "";
    const service = type.split(":")[1]?.split("/")[0] ?? "x";
    const r: ExportedResource = {
      urn: this.urnOf(type, name),
      custom,
      ...(custom ? { id: this.id(name) } : {}),
      type,
      inputs: { ...inputs },
      outputs: type.startsWith("aws:") ? { arn: `arn:aws:${service}:${region}:${ACCOUNT}:${name}`, ...(opts.outputs ?? {}) } : { ...(opts.outputs ?? {}) },
      dependencies: [],
      propertyDependencies: {},
    };
    this.byName.set(name, r);
    this.pending.push({ r, opts });
    return this;
  }

  /** Sets (or with `undefined`, removes) an input at a dotted path. */
  set(name: string, path: string, value: unknown): this {
    const r = this.get(name);
    const segs = path.split(".");
    let cur = r.inputs as Record<string, unknown>;
    for (const s of segs.slice(0, -1)) {
      if (!cur[s] || typeof cur[s] !== "object") cur[s] = {};
      cur = cur[s] as Record<string, unknown>;
    }
    const last = segs[segs.length - 1];
    if (value === undefined) delete cur[last];
    else cur[last] = value;
    return this;
  }

  /** Replaces an input's edge (and its literal ids). */
  link(name: string, key: string, targets: string[]): this {
    const entry = this.pending.find((p) => p.r === this.get(name))!;
    entry.opts = { ...entry.opts, refs: { ...(entry.opts.refs ?? {}), [key]: targets } };
    delete this.get(name).inputs![key];
    return this;
  }

  remove(name: string): this {
    const r = this.get(name);
    this.byName.delete(name);
    this.pending.splice(this.pending.findIndex((p) => p.r === r), 1);
    return this;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  resources(): ExportedResource[] {
    return this.pending.map(({ r, opts }) => {
      const out: ExportedResource = JSON.parse(JSON.stringify(r));
      const urnOfName = (n: string) => this.byName.get(n)?.urn;
      for (const [key, names] of Object.entries(opts.refs ?? {})) {
        const urns = names.map(urnOfName).filter((u): u is string => !!u);
        out.propertyDependencies![key] = urns;
        if (out.inputs![key] === undefined) {
          const ids = names.filter((n) => this.byName.has(n)).map((n) => (this.byName.get(n)!.type.startsWith("pulumi:") ? this.id(n) : this.arnOrId(n, key)));
          out.inputs![key] = /Ids$|s$/.test(key) && !/Name$|Arn$|Id$|Identifier$/.test(key) ? ids : ids[0];
        }
      }
      out.dependencies = [...new Set([...Object.values(out.propertyDependencies!).flatMap((v) => v ?? []), ...(opts.dependsOn ?? []).map(urnOfName).filter((u): u is string => !!u)])];
      if (opts.provider) {
        const p = this.byName.get(opts.provider);
        if (p) out.provider = `${p.urn}::${this.id(opts.provider)}`;
      }
      if (opts.parent && this.byName.has(opts.parent)) out.parent = this.byName.get(opts.parent)!.urn;
      return out;
    });
  }

  private arnOrId(name: string, key: string): string {
    return /Arn$|Arns$/.test(key) ? this.arn(name) : this.id(name);
  }

  graph(defaultRegion?: string): ResourceGraph {
    return new ResourceGraph(this.resources(), defaultRegion);
  }
}

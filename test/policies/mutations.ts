import { ResourceGraph, type GraphNode } from "../../graph/model";
import type { ExportedResource } from "../../plan/stackExport";

/**
 * Mutations of a real plan: each removes one redundancy or safety property the blueprint
 * provides, the way a careless edit to a component would, and names the rule that must object.
 * A mutation lists the resource types it needs; while a tier has not landed in the plan its
 * mutations report "pending" instead of running.
 */

export interface Mutation {
  readonly tier: string;
  /** What the edit takes away, e.g. "one AZ of the secondary region's VPC". */
  readonly what: string;
  readonly needs: readonly string[];
  readonly rule: string;
  /**
   * Set when a first preview cannot see the change (it lives in a value a preview does not know):
   * the reason, and the mutation then runs on the final state only.
   */
  readonly finalOnly?: string;
  /** Edits the (cloned) resources in place. */
  apply(m: Mutable): void;
}

/** A cloned plan with helpers to find and edit resources and their edges. */
export class Mutable {
  readonly graph: ResourceGraph;
  resources: ExportedResource[];

  constructor(original: readonly ExportedResource[], defaultRegion?: string) {
    this.resources = JSON.parse(JSON.stringify(original));
    this.graph = new ResourceGraph(this.resources, defaultRegion);
  }

  node(r: ExportedResource): GraphNode {
    return this.graph.get(r.urn)!;
  }

  all(type: string, region?: string): ExportedResource[] {
    return this.resources.filter((r) => r.type === type && (!region || this.graph.regionOf(this.graph.get(r.urn)!) === region));
  }

  one(type: string, region?: string, pick: (r: ExportedResource) => boolean = () => true): ExportedResource {
    const found = this.all(type, region).filter(pick);
    if (found.length === 0) throw new Error(`no ${type}${region ? ` in ${region}` : ""} matches`);
    return found[0];
  }

  azOf(r: ExportedResource): string[] {
    return this.graph.azsOf(this.node(r));
  }

  remove(pred: (r: ExportedResource) => boolean): number {
    const before = this.resources.length;
    this.resources = this.resources.filter((r) => !pred(r));
    return before - this.resources.length;
  }

  set(r: ExportedResource, path: string, value: unknown): void {
    // Outputs echo inputs in a plan; edit both so no stale output answers for the input.
    for (const props of [r.inputs ??= {}, r.outputs]) {
      if (!props || (props !== r.inputs && !(path.split(".")[0] in props))) continue;
      const segs = path.split(".");
      let cur = props as Record<string, unknown>;
      for (const s of segs.slice(0, -1)) {
        if (!cur[s] || typeof cur[s] !== "object") cur[s] = {};
        cur = cur[s] as Record<string, unknown>;
      }
      if (value === undefined) delete cur[segs[segs.length - 1]];
      else cur[segs[segs.length - 1]] = value;
    }
  }

  /** Points an input (value and edge) at other resources. */
  relink(r: ExportedResource, key: string, targets: ExportedResource[], value: unknown): void {
    (r.propertyDependencies ??= {})[key] = targets.map((t) => t.urn);
    this.set(r, key, value);
  }

  /** A region of the plan that is not the writer (the second provider's region). */
  secondaryRegion(): string {
    const regions = this.all("pulumi:providers:aws").map((p) => String(p.inputs?.region));
    return regions[regions.length - 1];
  }

  primaryRegion(): string {
    return String(this.all("pulumi:providers:aws")[0].inputs?.region);
  }
}

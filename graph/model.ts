import { TAG_TIER, type Tier } from "../components/tags";
import { isSecretValue, RESOURCE_REF_SIG, SIG_KEY, UNKNOWN, type ExportedResource } from "../plan/stackExport";
import type { LoadedResources } from "./load";
import { addToGroup } from "./groups";

/**
 * The resource graph that `plan` summarises and `check`/`analyze` reason over. Region, AZ and tier
 * of each resource are derived only from graph edges (provider, propertyDependencies) and literal
 * inputs, never by comparing ids that a first preview does not know. Every lookup is memoised and
 * every index is built in one pass, so the cost grows linearly with the graph.
 */

/** A value that is not known: an unknown at preview, or a secret whose value the file does not hold. */
export const UNKNOWN_VALUE: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN_VALUE;

export const GLOBAL = "global";

/**
 * Pulumi's unknown sentinels, one per value kind (string, number, boolean, array, object, asset,
 * archive). Preview JSON and CrossGuard hand them to us in place of values a first preview does not know.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
]);

export interface GraphOptions {
  /**
   * Region of resources whose provider is a Kubernetes provider the graph cannot tie to an EKS
   * cluster, keyed by the provider's logical name or URN.
   */
  readonly providerRegions?: Readonly<Record<string, string>>;
}

const REGION_IN_NAME = /(?:^|[-_.])([a-z]{2}(?:-gov)?-[a-z]+-\d)(?=$|[-_.])/;

export interface GraphNode {
  readonly urn: string;
  readonly type: string;
  /** The logical name (last URN segment). */
  readonly name: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  /** Whether the file recorded inputs at all (older exports and some previews record outputs only). */
  readonly hasInputs: boolean;
  readonly parent?: string;
  /** URN of the provider resource (the `urn::id` reference with the id cut off). */
  readonly provider?: string;
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
  readonly ignoreChanges: string[];
  readonly protect: boolean;
}

/** Types whose control plane is global: they belong to no region's failure domain. */
const GLOBAL_TYPE = /^aws:(globalaccelerator|route53|iam|route53recoverycontrol|route53recoveryreadiness|cloudfront|organizations|shield|wafregional-never)\//;

/** Providers whose resources live only in Pulumi state. */
const LOCAL_TYPE = /^(random|tls|time|command):/;

/** Keys through which a resource names the subnets it lives in. */
const SUBNET_KEYS = ["subnetId", "subnetIds", "subnets", "subnetMappings", "vpcZoneIdentifiers", "vpcConfig", "dbSubnetGroupName", "subnetGroupName", "networkInterfaceId"];
const SUBNET_TYPES = new Set(["aws:ec2/subnet:Subnet"]);
const SUBNET_GROUP_TYPES = new Set(["aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup", "aws:memorydb/subnetGroup:SubnetGroup", "aws:docdb/subnetGroup:SubnetGroup", "aws:neptune/subnetGroup:SubnetGroup"]);

/** Default tier by type token prefix; a resource's `ha:tier` tag (or k8s label) overrides it. */
const TIER_BY_PREFIX: [RegExp, Tier][] = [
  [/^aws:(globalaccelerator|route53|route53recoverycontrol|cloudfront)\//, "entry"],
  [/^aws:(lb|alb|elb|elasticloadbalancing|elasticloadbalancingv2|acm)\//, "entry"],
  [/^aws:(eks|autoscaling|ecs|ecr)\//, "app"],
  [/^aws:ec2\/(launchTemplate|instance):/, "app"],
  [/^kubernetes:/, "app"],
  [/^aws:(rds|dsql|dynamodb|docdb|neptune)\//, "database"],
  [/^aws:(elasticache|memorydb)\//, "sessions"],
  [/^aws:backup\//, "backup"],
  [/^aws:(cloudwatch\/(metricAlarm|compositeAlarm|dashboard)|sns)\//, "monitoring"],
  [/^aws:(ec2|vpc|cloudwatch\/logGroup)\//, "network"],
];
export const K8S_TIER_LABEL = "ha-blueprint/tier";

function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const i = ref.lastIndexOf("::");
  // A reference is `<urn>::<id>`; a URN alone has exactly 3 `::` separators.
  return ref.split("::").length > 4 && i > 0 ? ref.slice(0, i) : ref;
}

function toNode(r: ExportedResource): GraphNode {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) propertyDependencies[k] = Array.isArray(v) ? v : [];
  return {
    urn: r.urn,
    type: r.type,
    name: urnName(r.urn),
    custom: r.custom,
    id: r.id,
    inputs: (r.inputs ?? {}) as Record<string, unknown>,
    outputs: (r.outputs ?? {}) as Record<string, unknown>,
    hasInputs: !!r.inputs && Object.keys(r.inputs).length > 0,
    parent: r.parent,
    provider: providerUrn(r.provider),
    dependencies: r.dependencies ?? [],
    propertyDependencies,
    ignoreChanges: r.ignoreChanges ?? [],
    protect: r.protect === true,
  };
}

/** A resource property as a non-empty string (through `plain`), else undefined. */
export function plainString(v: unknown): string | undefined {
  const p = plain(v);
  return typeof p === "string" && p ? p : undefined;
}

/** A resource property as a finite number, or a string of digits read as one (through `plain`). */
export function plainNumber(v: unknown): number | undefined {
  const p = plain(v);
  return typeof p === "number" && Number.isFinite(p) ? p : typeof p === "string" && /^\d+$/.test(p) ? Number(p) : undefined;
}

/** A resource property as a list of objects (through `plain`, element by element); anything else is []. */
export function plainRecords(v: unknown): Record<string, unknown>[] {
  const p = plain(v);
  return Array.isArray(p) ? p.map((x) => plain(x) as Record<string, unknown>).filter((x) => !!x && typeof x === "object") : [];
}

/** Unwraps secrets (when the file holds their plaintext) and maps unknowns to UNKNOWN_VALUE. */
export function plain(value: unknown): unknown {
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) return UNKNOWN_VALUE;
  if (isSecretValue(value)) {
    if ("plaintext" in value && typeof value.plaintext === "string") {
      try {
        return plain(JSON.parse(value.plaintext));
      } catch {
        return value.plaintext;
      }
    }
    if ("value" in value) return plain(value.value);
    return UNKNOWN_VALUE;
  }
  if (value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === RESOURCE_REF_SIG) {
    return (value as Record<string, unknown>).id ?? (value as Record<string, unknown>).urn;
  }
  return value;
}

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN_VALUE;
}

function lookup(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(".")) {
    cur = plain(cur);
    if (cur === UNKNOWN_VALUE) return UNKNOWN_VALUE;
    // Provider inputs of object type (defaultTags, assumeRole) are stored as JSON text.
    if (typeof cur === "string" && cur.startsWith("{")) {
      try {
        cur = JSON.parse(cur);
      } catch {
        return undefined;
      }
    }
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return plain(cur);
}

export class ResourceGraph {
  readonly nodes: GraphNode[];
  private readonly byUrnIndex = new Map<string, GraphNode>();
  private readonly byIdIndex = new Map<string, GraphNode[]>();
  private readonly byTypeIndex = new Map<string, GraphNode[]>();
  private referrersIndex?: Map<string, GraphNode[]>;
  private readonly regionMemo = new Map<string, string | undefined>();
  private readonly azMemo = new Map<string, string[]>();
  private childrenIndex?: Map<string, GraphNode[]>;
  private readonly subtreeRegionMemo = new Map<string, string | undefined | null>();
  private readonly refsMemo = new Map<GraphNode, Map<string, GraphNode[]>>();
  /** Set on the view `inputsView()` returns: `prop` reads a resource's inputs only. */
  private readonly inputsOnly: boolean = false;
  private inputsViewCache?: ResourceGraph;

  constructor(resources: ExportedResource[], readonly defaultRegion?: string, readonly options: GraphOptions = {}) {
    this.nodes = resources.map(toNode);
    for (const n of this.nodes) {
      this.byUrnIndex.set(n.urn, n);
      addToGroup(this.byTypeIndex, n.type, n);
      for (const id of [n.id, n.outputs.id, n.outputs.arn]) {
        if (typeof id === "string" && id && id !== UNKNOWN) {
          addToGroup(this.byIdIndex, id, n);
        }
      }
    }
  }

  static from(loaded: LoadedResources, defaultRegion?: string, options: GraphOptions = {}): ResourceGraph {
    return new ResourceGraph(loaded.resources, defaultRegion ?? loaded.defaultRegion, options);
  }

  get(urn: string | undefined): GraphNode | undefined {
    return urn ? this.byUrnIndex.get(urn) : undefined;
  }

  ofType(...types: string[]): GraphNode[] {
    return types.flatMap((t) => this.byTypeIndex.get(t) ?? []);
  }

  /** Custom resources managed by a provider, excluding the provider resources themselves. */
  managed(): GraphNode[] {
    return this.nodes.filter((n) => n.custom && !n.type.startsWith("pulumi:providers:"));
  }

  providerOf(n: GraphNode): GraphNode | undefined {
    return this.get(n.provider);
  }

  /**
   * An input (falling back to the output of the same name), with secrets and unknowns handled. In
   * the inputs view, a resource that records inputs is read from its inputs alone.
   */
  prop(n: GraphNode, path: string): unknown {
    const v = lookup(n.inputs, path);
    if (v !== undefined || (this.inputsOnly && n.hasInputs)) return v;
    return lookup(n.outputs, path);
  }

  /**
   * The same graph read the way the policy engine's Analyze call reads a resource: its inputs
   * (and its provider's), never provider-computed outputs. Resource rules run on this view in
   * `check` too, so an output that records a provider default (a health-check path of "/", an
   * AWS-managed key ARN) cannot pass a resource offline that the engine fails. Nodes, edges and
   * indexes are shared; region and AZ memos are the view's own.
   */
  inputsView(): ResourceGraph {
    if (this.inputsOnly) return this;
    if (!this.inputsViewCache) {
      const view = Object.create(this) as ResourceGraph;
      Object.assign(view, { inputsOnly: true, regionMemo: new Map(), azMemo: new Map(), subtreeRegionMemo: new Map() });
      this.inputsViewCache = view;
    }
    return this.inputsViewCache;
  }

  input(n: GraphNode, path: string): unknown {
    return lookup(n.inputs, path);
  }

  /**
   * The resources an input refers to. `path` may be dotted (`vpcConfig.subnetIds`); the edge is
   * recorded for its first segment. A known literal value wins over the recorded edge: when every
   * id or ARN in the value names a resource of the graph, those resources are the answer, whatever
   * the propertyDependencies (or dependsOn) say, because the value is what the provider receives.
   * The edge serves where the value is unknown (a first preview), names nothing the graph knows
   * (no ids recorded), or is absent. When only some of a known value's strings resolve (the rest
   * are names, schedules, labels), the edge and the resolved ids both count.
   */
  refs(n: GraphNode, path: string): GraphNode[] {
    // Pure in the graph: memoized (the analysis asks the same question under every failure domain).
    // A copy is returned, so a caller that sorts or extends its list cannot change the memo.
    let byPath = this.refsMemo.get(n);
    if (!byPath) {
      byPath = new Map();
      this.refsMemo.set(n, byPath);
    }
    let found = byPath.get(path);
    if (!found) {
      found = this.resolveRefs(n, path);
      byPath.set(path, found);
    }
    return found.slice();
  }

  private resolveRefs(n: GraphNode, path: string): GraphNode[] {
    const key = path.split(".")[0];
    const edge = (n.propertyDependencies[key] ?? []).map((u) => this.get(u)).filter((x): x is GraphNode => !!x && x !== n);
    const value = path === key ? n.inputs[key] : lookup(n.inputs, path);
    const literal = this.literalRefs(value, n);
    if (literal.unknown || literal.strings === 0) return edge.length > 0 ? edge : literal.nodes;
    if (literal.resolved === literal.strings || edge.length === 0) return literal.nodes;
    // Some strings are names (a vault's name, a cron expression) rather than ids: the edge still
    // speaks for what they name, so both count.
    const named = new Set(literal.nodes);
    return [...literal.nodes, ...edge.filter((t) => !named.has(t))];
  }

  /** The strings of a value, how many of them resolve to resources, and whether any part is unknown. */
  private literalRefs(value: unknown, self: GraphNode): { strings: number; resolved: number; nodes: GraphNode[]; unknown: boolean } {
    const out = { strings: 0, resolved: 0, nodes: [] as GraphNode[], unknown: false };
    // A Set, not `nodes.includes`: a list of many ids (hundreds of subnets) stays linear.
    const seen = new Set<GraphNode>();
    const visit = (v: unknown) => {
      const p = plain(v);
      if (p === UNKNOWN_VALUE) out.unknown = true;
      else if (typeof p === "string") {
        out.strings++;
        let resolved = false;
        for (const t of this.byIdIndex.get(p) ?? []) {
          if (t === self) continue;
          resolved = true;
          if (!seen.has(t)) {
            seen.add(t);
            out.nodes.push(t);
          }
        }
        if (resolved) out.resolved++;
      } else if (Array.isArray(p)) p.forEach(visit);
      else if (p && typeof p === "object") Object.values(p).forEach(visit);
    };
    visit(value);
    return out;
  }

  /**
   * Resources that depend on `n`: through dependencies, propertyDependencies, or a literal id or
   * ARN of `n` in an input. One pass over the graph, once.
   */
  referrers(n: GraphNode): GraphNode[] {
    if (!this.referrersIndex) {
      const index = new Map<string, GraphNode[]>();
      for (const m of this.nodes) {
        const targets = new Set<string>([...m.dependencies, ...Object.values(m.propertyDependencies).flat()]);
        // Literal ids count even where an edge is recorded: `refs` lets a known value win.
        for (const value of Object.values(m.inputs)) this.visitIds(value, (t) => targets.add(t.urn));
        targets.delete(m.urn);
        for (const t of targets) {
          addToGroup(index, t, m);
        }
      }
      this.referrersIndex = index;
    }
    return this.referrersIndex.get(n.urn) ?? [];
  }

  /** Resources of `types` whose input `key` refers to `n` (the reverse of `refs`). */
  incoming(n: GraphNode, key: string, types?: readonly string[]): GraphNode[] {
    return this.referrers(n).filter((m) => (!types || types.includes(m.type)) && this.refs(m, key).includes(n));
  }

  /** Direct children of a resource (by `parent`). */
  children(n: GraphNode): GraphNode[] {
    if (!this.childrenIndex) {
      const index = new Map<string, GraphNode[]>();
      for (const m of this.nodes) {
        if (!m.parent) continue;
        addToGroup(index, m.parent, m);
      }
      this.childrenIndex = index;
    }
    return this.childrenIndex.get(n.urn) ?? [];
  }

  private visitIds(value: unknown, found: (n: GraphNode) => void): void {
    const p = plain(value);
    if (typeof p === "string") {
      for (const t of this.byIdIndex.get(p) ?? []) found(t);
    } else if (Array.isArray(p)) {
      for (const v of p) this.visitIds(v, found);
    } else if (p && typeof p === "object") {
      for (const v of Object.values(p)) this.visitIds(v, found);
    }
  }

  /** `global`, a region name, or undefined when nothing in the graph says. */
  regionOf(n: GraphNode): string | undefined {
    if (this.regionMemo.has(n.urn)) return this.regionMemo.get(n.urn);
    this.regionMemo.set(n.urn, undefined);
    const region = this.computeRegion(n);
    this.regionMemo.set(n.urn, region);
    return region;
  }

  private computeRegion(n: GraphNode): string | undefined {
    // Global control planes, and providers that create nothing in the cloud (random values).
    if (GLOBAL_TYPE.test(n.type) || LOCAL_TYPE.test(n.type)) return GLOBAL;
    const own = this.prop(n, "region");
    if (typeof own === "string" && own) return own;
    const provider = this.providerOf(n);
    if (provider) {
      if (provider.type === "pulumi:providers:aws") {
        const r = this.prop(provider, "region");
        if (typeof r === "string" && r) return r;
      } else if (provider.type === "pulumi:providers:kubernetes") {
        // A cluster's provider is built from its EKS cluster's outputs: follow that edge.
        const cluster = [...Object.values(provider.propertyDependencies).flat(), ...provider.dependencies]
          .map((u) => this.get(u))
          .find((d) => d && d.type.startsWith("aws:eks/"));
        if (cluster) return this.regionOf(cluster);
        const mapped = this.options.providerRegions?.[provider.name] ?? this.options.providerRegions?.[provider.urn];
        if (mapped) return mapped;
      }
    } else if (n.provider) {
      // Preview JSON leaves out provider steps; a provider named after its region still says where.
      const mapped = this.options.providerRegions?.[urnName(n.provider)] ?? this.options.providerRegions?.[n.provider];
      if (mapped) return mapped;
      const hinted = REGION_IN_NAME.exec(urnName(n.provider))?.[1];
      if (hinted && n.provider.includes("::pulumi:providers:")) return hinted;
    }
    if (n.type.startsWith("kubernetes:")) {
      // A workload whose provider says nothing lives where its component's AWS resources live.
      const fromParent = this.regionOfAncestors(n);
      if (fromParent) return fromParent;
    }
    const arn = n.outputs.arn ?? n.inputs.arn;
    if (typeof arn === "string") {
      const region = arn.split(":")[3];
      if (region) return region;
    }
    if (n.type.startsWith("aws:") && !provider) return this.defaultRegion;
    if (provider?.type === "pulumi:providers:aws") return this.defaultRegion;
    return undefined;
  }

  /** The one region of the AWS resources under the nearest ancestor that has exactly one. */
  private regionOfAncestors(n: GraphNode): string | undefined {
    // The loader refuses parent cycles; a graph built another way must still not loop here.
    const seen = new Set<GraphNode>([n]);
    for (let p = this.get(n.parent); p && !seen.has(p); p = this.get(p.parent)) {
      seen.add(p);
      const r = this.subtreeRegion(p);
      if (r === null) return undefined;
      if (r) return r;
    }
    return undefined;
  }

  /** undefined: no regional AWS resource below; null: more than one region below. */
  private subtreeRegion(n: GraphNode): string | undefined | null {
    if (this.subtreeRegionMemo.has(n.urn)) return this.subtreeRegionMemo.get(n.urn);
    this.subtreeRegionMemo.set(n.urn, undefined);
    let found: string | undefined | null;
    for (const c of this.children(n)) {
      const r = c.custom ? (c.type.startsWith("aws:") ? this.regionOf(c) : undefined) : this.subtreeRegion(c);
      if (r === undefined || r === GLOBAL) continue;
      if (r === null || (found !== undefined && found !== r)) {
        found = null;
        break;
      }
      found = r;
    }
    this.subtreeRegionMemo.set(n.urn, found);
    return found;
  }

  /** The AZs a resource occupies: its own AZ inputs, else the AZs of the subnets it is placed in. */
  azsOf(n: GraphNode): string[] {
    const memo = this.azMemo.get(n.urn);
    if (memo) return memo;
    this.azMemo.set(n.urn, []);
    const azs = new Set<string>();
    const add = (v: unknown) => {
      const p = plain(v);
      if (typeof p === "string" && p) azs.add(p);
      else if (Array.isArray(p)) p.forEach(add);
    };
    for (const key of ["availabilityZone", "availabilityZones", "preferredCacheClusterAzs"]) add(this.prop(n, key));
    // A subnet placed by zone id (`use1-az1`) names its AZ as surely as by zone name; distinct ids are distinct AZs.
    if (azs.size === 0) add(this.prop(n, "availabilityZoneId"));
    if (azs.size === 0 && !SUBNET_TYPES.has(n.type)) {
      for (const key of SUBNET_KEYS) {
        for (const dep of this.refs(n, key)) {
          if (SUBNET_TYPES.has(dep.type) || SUBNET_GROUP_TYPES.has(dep.type) || dep.type === "aws:ec2/natGateway:NatGateway") {
            this.azsOf(dep).forEach((az) => azs.add(az));
          }
        }
      }
      if (SUBNET_GROUP_TYPES.has(n.type)) for (const dep of this.refs(n, "subnetIds")) this.azsOf(dep).forEach((az) => azs.add(az));
    }
    const result = [...azs].sort();
    this.azMemo.set(n.urn, result);
    return result;
  }

  tierOf(n: GraphNode, visiting: Set<GraphNode> = new Set()): Tier | undefined {
    const tag = this.prop(n, `tags.${TAG_TIER}`);
    if (typeof tag === "string") return tag as Tier;
    const labels = this.prop(n, "metadata.labels");
    if (labels && typeof labels === "object" && typeof (labels as Record<string, unknown>)[K8S_TIER_LABEL] === "string") {
      return (labels as Record<string, string>)[K8S_TIER_LABEL] as Tier;
    }
    for (const [re, tier] of TIER_BY_PREFIX) if (re.test(n.type)) return tier;
    // Untagged helpers (IAM policies, attachments, rules) serve whatever they refer to. A tier tag
    // that is not a string (unknown at preview) sends the walk on: `visiting` ends a dependency cycle.
    visiting.add(n);
    for (const urn of Object.values(n.propertyDependencies).flat()) {
      const dep = this.get(urn);
      if (dep && !visiting.has(dep) && (this.prop(dep, `tags.${TAG_TIER}`) !== undefined || TIER_BY_PREFIX.some(([re]) => re.test(dep.type)))) {
        return this.tierOf(dep, visiting);
      }
    }
    return undefined;
  }
}

import { GLOBAL, plain, type GraphNode, type ResourceGraph } from "../graph/model";
import { perGraph } from "../graph/memo";

/**
 * Failure domains and what survives them. A domain removes every resource placed only in one AZ,
 * every resource of one region, or one single resource. Whatever is placed through subnets (ALB,
 * node groups, subnet groups) keeps running in the AZs whose subnets survive.
 */

export type FailureDomain =
  | { readonly kind: "az"; readonly region: string; readonly az: string }
  | { readonly kind: "region"; readonly region: string }
  /** Several regions at once: only the data path asks (a DSQL peer and its witness region together). */
  | { readonly kind: "regions"; readonly regions: readonly string[] }
  | { readonly kind: "resource"; readonly urn: string };

export type DomainKind = FailureDomain["kind"];

export function domainKey(d: FailureDomain): string {
  return d.kind === "az" ? `az:${d.az}` : d.kind === "region" ? `region:${d.region}` : d.kind === "regions" ? `regions:${d.regions.join("+")}` : `resource:${d.urn}`;
}

/** Keys through which a resource names the subnets (or subnet groups) it is placed in. */
const SUBNET_KEYS = ["subnetId", "subnetIds", "subnets", "subnetMappings", "vpcZoneIdentifiers", "vpcConfig", "dbSubnetGroupName", "subnetGroupName", "networkConfiguration"];
const SUBNET = "aws:ec2/subnet:Subnet";
const SUBNET_GROUPS = new Set(["aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup", "aws:memorydb/subnetGroup:SubnetGroup"]);
/** Own placement inputs, one entry per unit where the list is per node (ElastiCache). */
const AZ_KEYS = ["availabilityZone", "preferredCacheClusterAzs", "availabilityZones"];

/**
 * Cross-region constructs created through one region's API that outlive that region: the point of
 * an Aurora global database or an ElastiCache global datastore is that a secondary region can be
 * promoted (FailoverGlobalCluster / FailoverGlobalReplicationGroup are called in the target region)
 * while the home region is down.
 */
const CROSS_REGION = new Set(["aws:rds/globalCluster:GlobalCluster", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "aws:memorydb/multiRegionCluster:MultiRegionCluster"]);

function strings(v: unknown): string[] {
  const p = plain(v);
  if (typeof p === "string" && p) return [p];
  if (Array.isArray(p)) return p.flatMap(strings);
  return [];
}

/** Per graph, the steady-state placement and zones: a single-resource domain reuses them. */
interface PlacementCache {
  readonly placement: Map<string, Set<string>>;
  readonly steadyZones: Map<string, string[] | undefined>;
  readonly ownAzs: Map<string, string[]>;
  readonly allZones: Map<string, string[]>;
  /** Steady-state parts of tier answers (see Survival.part), with what each consulted. */
  readonly parts: Map<string, WeakMap<object, { value: unknown; consulted: Set<string> }>>;
  steady?: Survival;
}
const placementCache = perGraph((): PlacementCache => ({ placement: new Map(), steadyZones: new Map(), ownAzs: new Map(), allZones: new Map(), parts: new Map() }));

/**
 * Answers "is this resource still there, and in which AZs" under one failure domain (or none, the
 * steady state). Every resource asked about is remembered in `consulted`: a resource the steady
 * state never asks about cannot change any answer, so only those need a single-resource domain.
 */
export class Survival {
  private readonly zoneMemo = new Map<string, string[] | undefined>();
  private lostSeen?: Set<GraphNode>;

  constructor(
    readonly graph: ResourceGraph,
    readonly domain: FailureDomain | undefined,
    private readonly consulted?: Set<string>,
    /** Compute everything afresh: no steady-state shortcut (how the tests check the shortcuts). */
    private readonly exhaustive = false,
  ) {}

  /** The resource itself is gone in this domain. */
  lost(n: GraphNode): boolean {
    this.consulted?.add(n.urn);
    const d = this.domain;
    let gone = false;
    if (d?.kind === "resource") gone = n.urn === d.urn;
    else if (d?.kind === "region" || d?.kind === "regions") gone = this.regionLost(this.graph.regionOf(n)) && !CROSS_REGION.has(n.type);
    else if (d?.kind === "az") {
      const azs = this.graph.azsOf(n);
      // A Multi-AZ DB instance names the AZ of its primary only; its standby takes over in another.
      gone = azs.length === 1 && azs[0] === d.az && !(n.type === "aws:rds/instance:Instance" && plain(this.graph.prop(n, "multiAz")) === true);
    }
    if (gone) this.lostSeen?.add(n);
    return gone;
  }

  /**
   * A part of a tier's answer that depends on a few resources only (one node pool's live zones,
   * one load balancer's share, one setting's path to a store), named by `kind` and the object it
   * is about (a resource, a reference of the data-path model), which together must say
   * everything `fn` depends on besides the domain. The steady state computes it once per graph and remembers what it consulted; under
   * a single-resource domain it is recomputed only if it consulted that resource, so a region with
   * hundreds of pools does not redo them all for every resource lost. What it would find lost under
   * the reused answer is nothing: it never asked about the lost resource.
   */
  part<T>(kind: string, n: object, fn: (sv: Survival) => T): T {
    const all = placementCache(this.graph).parts;
    let parts = all.get(kind);
    if (!parts) {
      parts = new WeakMap();
      all.set(kind, parts);
    }
    const d = this.domain;
    if (d === undefined) {
      let entry = parts.get(n);
      if (!entry) {
        // A Survival of its own, so every resource the part depends on is recorded here, not
        // answered from a memo another computation filled.
        const consulted = new Set<string>();
        entry = { value: fn(new Survival(this.graph, undefined, consulted)), consulted };
        parts.set(n, entry);
      }
      if (this.consulted) for (const urn of entry.consulted) this.consulted.add(urn);
      return entry.value as T;
    }
    if (d.kind === "resource" && !this.exhaustive) {
      const entry = parts.get(n);
      if (entry && !entry.consulted.has(d.urn)) return entry.value as T;
    }
    return fn(this);
  }

  /** Runs `fn` and returns, with its value, the resources it found lost (the cause of a bad answer). */
  track<T>(fn: () => T): { value: T; lost: GraphNode[] } {
    const outer = this.lostSeen;
    const seen = new Set<GraphNode>();
    this.lostSeen = seen;
    try {
      const value = fn();
      return { value, lost: [...seen] };
    } finally {
      outer && seen.forEach((n) => outer.add(n));
      this.lostSeen = outer;
    }
  }

  /** The subnets a resource is placed in (through subnet groups too). */
  subnetsOf(n: GraphNode): GraphNode[] {
    const out = new Set<GraphNode>();
    for (const key of SUBNET_KEYS) {
      for (const dep of this.graph.refs(n, key)) {
        if (dep.type === SUBNET) out.add(dep);
        else if (SUBNET_GROUPS.has(dep.type) && !this.lost(dep)) this.graph.refs(dep, "subnetIds").filter((s) => s.type === SUBNET).forEach((s) => out.add(s));
      }
    }
    return [...out];
  }

  /** Own AZ inputs, one entry per unit (ElastiCache lists one AZ per node; duplicates kept). */
  ownAzs(n: GraphNode): string[] {
    const cache = placementCache(this.graph).ownAzs;
    let azs = cache.get(n.urn);
    if (!azs) {
      azs = [];
      for (const key of AZ_KEYS) {
        const found = strings(this.graph.prop(n, key));
        if (found.length > 0) {
          azs = found;
          break;
        }
      }
      cache.set(n.urn, azs);
    }
    return azs;
  }

  /**
   * The AZs where `n` still runs: its own AZ inputs, else the AZs of its surviving subnets, minus a
   * lost AZ. `undefined` when the resource is not placed in AZs (regional or global): it then
   * lives as long as it is not lost itself. An empty list means it runs nowhere.
   */
  zones(n: GraphNode): string[] | undefined {
    if (this.zoneMemo.has(n.urn)) return this.zoneMemo.get(n.urn);
    const d = this.domain;
    if (d?.kind === "resource" && !this.consulted && !this.exhaustive) {
      // Losing one resource moves a resource's zones only when it is the resource itself or one of
      // the subnets or subnet groups it is placed through; otherwise the steady answer holds.
      const cache = placementCache(this.graph);
      if (n.urn === d.urn) {
        // Asked through lost(), so it is recorded as the cause, as the full computation would.
        this.lost(n);
        return this.remember(n, []);
      }
      if (!this.placedThrough(n, cache).has(d.urn)) {
        if (!cache.steadyZones.has(n.urn)) {
          cache.steady ??= new Survival(this.graph, undefined);
          cache.steadyZones.set(n.urn, cache.steady.zones(n));
        }
        return this.remember(n, cache.steadyZones.get(n.urn));
      }
    }
    let result: string[] | undefined;
    if (this.lost(n)) result = [];
    else {
      const lostAz = this.domain?.kind === "az" ? this.domain.az : undefined;
      const own = this.ownAzs(n);
      if (own.length > 0) result = [...new Set(own)].filter((az) => az !== lostAz).sort();
      else {
        const subnets = this.subnetsOf(n);
        result = subnets.length === 0
          ? undefined
          : [...new Set(subnets.filter((s) => !this.lost(s)).flatMap((s) => this.graph.azsOf(s)))].filter((az) => az !== lostAz).sort();
      }
    }
    this.zoneMemo.set(n.urn, result);
    return result;
  }

  private remember(n: GraphNode, zones: string[] | undefined): string[] | undefined {
    this.zoneMemo.set(n.urn, zones);
    return zones;
  }

  /** The subnets and subnet groups a resource is placed through (steady state, cached per graph). */
  private placedThrough(n: GraphNode, cache: PlacementCache): Set<string> {
    let set = cache.placement.get(n.urn);
    if (!set) {
      set = new Set<string>();
      for (const key of SUBNET_KEYS) {
        for (const dep of this.graph.refs(n, key)) {
          set.add(dep.urn);
          if (SUBNET_GROUPS.has(dep.type)) this.graph.refs(dep, "subnetIds").forEach((s) => set!.add(s.urn));
        }
      }
      cache.placement.set(n.urn, set);
    }
    return set;
  }

  /** All AZs the resource is placed in, lost or not (the steady state). */
  allZones(n: GraphNode): string[] {
    const cache = placementCache(this.graph).allZones;
    let zones = cache.get(n.urn);
    if (!zones) {
      const own = this.ownAzs(n);
      // Computed without losses, whatever this instance's domain: steady placement.
      const steady = placementCache(this.graph).steady ??= new Survival(this.graph, undefined);
      zones = own.length > 0 ? [...new Set(own)].sort() : [...new Set(steady.subnetsOf(n).flatMap((s) => this.graph.azsOf(s)))].sort();
      cache.set(n.urn, zones);
    }
    return zones;
  }

  /** Alive: not lost, and running in at least one AZ when it is placed in AZs. */
  alive(n: GraphNode | undefined): boolean {
    if (!n) return false;
    const z = this.zones(n);
    return z === undefined ? !this.lost(n) : z.length > 0;
  }

  /**
   * A whole region is gone in this domain. Also asked for regions that hold nothing of the graph
   * (a DSQL witness region is named by its peers only).
   */
  regionLost(region: string | undefined): boolean {
    const d = this.domain;
    if (!region) return false;
    return d?.kind === "region" ? d.region === region : d?.kind === "regions" ? d.regions.includes(region) : false;
  }

  isLostAz(az: string): boolean {
    return this.domain?.kind === "az" && this.domain.az === az;
  }
}

/**
 * Units spread evenly over `allAzs` (an ASG or node group balancing its instances, pods under a
 * zone spread, unpinned instances), of which those in lost AZs are gone. The worst case counts:
 * with 4 units over 3 AZs, an AZ may hold 2.
 */
export function spreadSurvivors(units: number, allAzs: string[], liveAzs: string[]): number {
  if (units <= 0 || liveAzs.length === 0) return 0;
  if (allAzs.length === 0) return units;
  const lostAzs = allAzs.filter((az) => !liveAzs.includes(az)).length;
  return Math.max(0, units - Math.min(units, lostAzs * Math.ceil(units / allAzs.length)));
}

/** Regions that hold regional resources, in a stable order (preferred first, then by name). */
export function regionsOf(graph: ResourceGraph, preferred: string[] = []): string[] {
  const found = new Set<string>();
  for (const n of graph.managed()) {
    const r = graph.regionOf(n);
    if (r && r !== GLOBAL) found.add(r);
  }
  return [...preferred.filter((r) => found.has(r)), ...[...found].filter((r) => !preferred.includes(r)).sort()];
}

/** AZs seen per region (subnets and anything with its own AZ input). */
export function zonesByRegion(graph: ResourceGraph): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const n of graph.managed()) {
    const region = graph.regionOf(n);
    if (!region || region === GLOBAL) continue;
    for (const az of graph.azsOf(n)) (out[region] ??= new Set()).add(az);
  }
  return Object.fromEntries(Object.entries(out).map(([r, s]) => [r, [...s].sort()]));
}

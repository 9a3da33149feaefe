import { GLOBAL, plain, type GraphNode, type ResourceGraph, plainString as str } from "../../graph/model";
import type { Survival } from "../domains";
import { NetworkIndex, reachability, type SubnetReach } from "./network";
import { buildStoreIndex, canonicalHost, hostOf, membersOf, STORE_TYPES, type AddressTarget, type Store, type StoreIndex } from "./stores";
import { findWorkloads, intentOf, type Intent, type Setting, type Workload } from "./workloads";

/**
 * Reads, writes and sessions as separate capabilities of each region, derived from the wiring:
 * from each workload's settings to the addresses they name, from an address to the store behind it
 * (a DNS record to its target, the global writer endpoint to whichever cluster writes), and from
 * the workload's subnets to that store over the network. Evaluated for one "writer assignment"
 * (which Aurora cluster writes, which replication group is the session primary) under one failure
 * domain at a time.
 */

export const CAPABILITIES = ["reads", "writes", "sessions"] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];

/**
 * `after-promotion`: works once the documented promotion has run (nothing does it automatically);
 * `partial`: only some of the region's subnets (AZs) have the path.
 */
export type CapabilityStatus = "yes" | "partial" | "after-promotion" | "no" | "unknown" | "absent";

export interface CapabilityAnswer {
  readonly status: CapabilityStatus;
  /** How it is served: setting, address, store, region. */
  readonly via?: string;
  /** For anything but yes and absent: the chain that broke, in one line. */
  readonly reason?: string;
}

export type RegionCapabilities = { readonly region: string } & Record<CapabilityName, CapabilityAnswer>;

/** Which member writes: what a switchover or a promotion changes. */
export interface WriterAssignment {
  readonly database?: Store;
  readonly sessions?: Store;
  /** What moved because of a loss (a promotion someone has to run), not by plan. */
  readonly promoted?: readonly ("database" | "sessions")[];
  /** The writer moved away from the live assignment (a planned switchover, a promotion): records are repointed. */
  readonly moved?: boolean;
}

interface Ref {
  readonly workload: Workload;
  readonly setting: Setting;
  readonly intent: Intent;
  /** DNS records (and their zones) passed on the way. */
  readonly dns: { record: GraphNode; zone?: GraphNode }[];
  readonly target: Exclude<AddressTarget, { kind: "dns" }>;
}

const RANK: Record<CapabilityStatus, number> = { yes: 5, partial: 4, "after-promotion": 3, unknown: 2, no: 1, absent: 0 };

export function better(a: CapabilityAnswer, b: CapabilityAnswer): CapabilityAnswer {
  return RANK[b.status] > RANK[a.status] ? b : a;
}

/** Everything domain-independent, built once per graph. */
export class DataPathModel {
  readonly stores: StoreIndex;
  readonly net: NetworkIndex;
  readonly workloads: Workload[];
  readonly refs: Ref[];
  /** Regions whose workloads are in the graph. */
  readonly regions: string[];
  private readonly reachMemo = new Map<string, SubnetReach[]>();

  constructor(readonly graph: ResourceGraph, regions: readonly string[]) {
    this.stores = buildStoreIndex(graph);
    this.net = new NetworkIndex(graph);
    this.workloads = findWorkloads(graph);
    this.refs = this.workloads.flatMap((w) => w.settings.flatMap((s) => this.resolve(w, s)));
    const present = new Set(this.workloads.map((w) => w.region).filter((r): r is string => !!r));
    this.regions = [...regions.filter((r) => present.has(r)), ...[...present].filter((r) => !regions.includes(r)).sort()];
  }

  private resolve(workload: Workload, setting: Setting): Ref[] {
    if (!setting.value) return [];
    const hosts = setting.value.split(/[,\s]+/).map(hostOf).filter((h): h is string => !!h).map(canonicalHost);
    const out: Ref[] = [];
    for (const host of hosts) {
      const dns: Ref["dns"] = [];
      let current: string | undefined = host;
      for (let depth = 0; current && depth < 6; depth++) {
        const t = this.stores.addresses.get(current);
        if (!t) break;
        if (t.kind === "dns") {
          dns.push({ record: t.record, zone: t.zone });
          current = t.targets[0];
          continue;
        }
        out.push({ workload, setting, intent: intentOf(setting.key), dns: [...dns], target: t });
        break;
      }
    }
    return out;
  }

  storeOf(t: Ref["target"]): Store | undefined {
    return "store" in t ? t.store : undefined;
  }

  /** The store's subnets and groups, as the network check needs them. */
  private placement(store: Store): { subnets: GraphNode[]; securityGroups: GraphNode[] } {
    const g = this.graph;
    if (store.endpoints && store.endpoints.length > 0) {
      // Reached through interface endpoints (PrivateLink): the path ends at their network interfaces.
      return {
        subnets: [...new Set(store.endpoints.flatMap((e) => g.refs(e, "subnetIds")))].filter((s) => s.type === "aws:ec2/subnet:Subnet"),
        securityGroups: [...new Set(store.endpoints.flatMap((e) => g.refs(e, "securityGroupIds")))].filter((x) => x.type === "aws:ec2/securityGroup:SecurityGroup"),
      };
    }
    const subnetGroup = [...g.refs(store.node, "dbSubnetGroupName"), ...g.refs(store.node, "subnetGroupName")][0];
    const subnets = subnetGroup ? g.refs(subnetGroup, "subnetIds") : g.refs(store.node, "subnetIds");
    const sgs = [...g.refs(store.node, "vpcSecurityGroupIds"), ...g.refs(store.node, "securityGroupIds")].filter((x) => x.type === "aws:ec2/securityGroup:SecurityGroup");
    return { subnets: subnets.filter((s) => s.type === "aws:ec2/subnet:Subnet"), securityGroups: sgs };
  }

  reach(workload: Workload, store: Store): SubnetReach[] {
    const key = `${workload.node.urn}|${store.node.urn}`;
    let r = this.reachMemo.get(key);
    if (!r) {
      const to = this.placement(store);
      r = reachability(this.net, workload, { ...to, port: store.port, region: this.regionOf(store.node) });
      this.reachMemo.set(key, r);
    }
    return r;
  }

  regionOf(n: GraphNode): string | undefined {
    const r = this.graph.regionOf(n);
    return r && r !== GLOBAL ? r : undefined;
  }

  /** Is a DNS name visible from the workload's VPC: public zone, or a private zone associated with it. */
  zoneVisible(zone: GraphNode | undefined, workload: Workload): boolean | undefined {
    if (!zone) return undefined;
    const vpcs = plain(this.graph.prop(zone, "vpcs"));
    const associations = this.graph.incoming(zone, "zoneId", [STORE_TYPES.zoneAssociation]);
    if ((!Array.isArray(vpcs) || vpcs.length === 0) && associations.length === 0) return true;
    const own = new Set(workload.subnets.map((s) => this.net.vpcOf(s)).filter((v): v is GraphNode => !!v).flatMap((v) => [v.id, str(v.outputs.id)]).filter(Boolean));
    const listed = (Array.isArray(vpcs) ? vpcs : []).map((v) => str((plain(v) as Record<string, unknown>)?.vpcId));
    const associated = associations.map((a) => str(this.graph.prop(a, "vpcId")));
    return [...listed, ...associated].some((id) => id && own.has(id));
  }
}

function storeLabel(m: DataPathModel, s: Store): string {
  return `${s.node.name} (${m.regionOf(s.node) ?? "?"})`;
}

function alive(sv: Survival, s: Store): boolean {
  if (!sv.alive(s.node)) return false;
  return s.kind === "cache" || s.instances.length === 0 || s.instances.some((i) => sv.alive(i));
}

/**
 * Why a multi-Region member cannot commit, if it cannot: a DSQL peer needs another peer or the
 * witness Region (two of three Regions) to commit a write. MemoryDB members write on their own
 * and replicate asynchronously, so they have no such condition.
 */
function quorumProblem(m: DataPathModel, sv: Survival, s: Store): string | undefined {
  const mw = s.multiWriter;
  if (mw?.service !== "dsql" || !s.global) return undefined;
  const peers = membersOf(m.stores, s).filter((p) => p !== s);
  if (peers.some((p) => alive(sv, p))) return undefined;
  if (mw.witnessRegion && !sv.regionLost(mw.witnessRegion)) return undefined;
  return `${storeLabel(m, s)} cannot commit: its peers (${peers.map((p) => storeLabel(m, p)).join(", ")}) ${mw.witnessRegion ? `and the witness Region ${mw.witnessRegion} are` : "are lost and it has no witness Region, so it is"} lost (a multi-Region DSQL commit needs two of the three Regions)`;
}

/** Network verdict for one workload and store under a domain. */
function network(m: DataPathModel, sv: Survival, w: Workload, store: Store): { status: CapabilityStatus; reason?: string } {
  if (w.placementGap) return { status: "unknown", reason: `${w.label}: ${w.placementGap}` };
  // A DSQL cluster without an interface endpoint is reached on its public endpoint (IAM-authenticated):
  // the path is the workload's internet egress, which the app tier already checks.
  if (store.multiWriter?.service === "dsql" && (store.endpoints ?? []).length === 0) return { status: "yes" };
  const paths = m.reach(w, store).filter((p) => sv.alive(p.subnet));
  if (paths.length === 0) return { status: "no", reason: `${w.label} has no surviving subnet` };
  let ok = 0;
  let firstProblem: string | undefined;
  let firstUnknown: string | undefined;
  for (const p of paths) {
    if (p.unknown) {
      firstUnknown ??= p.unknown;
      continue;
    }
    // Every surviving subnet of the store must be reachable: its writer may fail over to any of them.
    const hops = p.paths.filter((h) => sv.alive(h.destination));
    if (hops.length === 0) {
      firstProblem ??= `no subnet of ${store.node.name} survives`;
      continue;
    }
    const bad = hops.find((h) => h.problem || h.unknown || h.relies.some((n) => sv.lost(n)));
    if (!bad) {
      ok++;
      continue;
    }
    if (bad.problem) firstProblem ??= bad.problem;
    else if (bad.unknown) firstUnknown ??= bad.unknown;
    else {
      const lost = bad.relies.find((n) => sv.lost(n))!;
      firstProblem ??= `${lost.name} (${lost.type.split(":").pop()}) is lost`;
    }
  }
  if (ok === paths.length) return { status: "yes" };
  if (ok > 0) return { status: "partial", reason: `${paths.length - ok} of ${paths.length} subnets of ${w.label} cannot reach ${store.node.name}: ${firstProblem ?? firstUnknown}` };
  return firstProblem ? { status: "no", reason: firstProblem } : { status: "unknown", reason: firstUnknown };
}

/** One reference under a writer assignment and a domain, for one capability. */
function evaluateRef(m: DataPathModel, sv: Survival, ref: Ref, cap: CapabilityName, assign: WriterAssignment): CapabilityAnswer {
  const w = ref.workload;
  const head = `${ref.setting.key} (${ref.setting.from}, ${w.label})`;
  const fail = (reason: string, status: CapabilityStatus = "no"): CapabilityAnswer => ({ status, reason: `${head}: ${reason}` });
  for (const { record, zone } of ref.dns) {
    if (sv.lost(record)) return fail(`record ${record.name} is lost`);
    if (zone && sv.lost(zone)) return fail(`zone ${zone.name} is lost`);
    if (m.zoneVisible(zone, w) === false) return fail(`${record.name} is in private zone ${zone!.name}, which is not associated with the VPC of ${w.label}`);
  }
  const t = ref.target;
  const isDb = t.kind === "db-global-writer" || t.kind === "db-cluster" || t.kind === "db-reader" || t.kind === "db-instance";
  if ((cap === "sessions") === isDb) return { status: "absent" };

  // Which store serves the request, and which store must be alive for it to succeed.
  let serving: Store | undefined;
  let via = "";
  let needsWriter: Store | undefined;
  if (cap === "sessions") {
    if (t.kind !== "cache-primary" && t.kind !== "cache-reader") return { status: "absent" };
    const s = t.store;
    const follows = ref.dns.length > 0 && !!s.global && !s.multiWriter;
    const primary = follows ? assign.sessions : s;
    if (t.kind === "cache-reader") return fail(`${s.node.name}'s reader endpoint serves only reads`);
    // Now, before anything moved, a record answers with its current target: it must be the primary.
    if (follows && !assign.moved && !(assign.promoted ?? []).length && assign.sessions && s !== assign.sessions) {
      return fail(`record ${ref.dns[ref.dns.length - 1].record.name} points at ${storeLabel(m, s)}, a read-only secondary of the global datastore; the primary is ${storeLabel(m, assign.sessions)}`);
    }
    if (!primary) return fail("no session-store member is primary in this scenario");
    if (s.global && !s.multiWriter && !follows && assign.sessions !== s) {
      return fail(`${storeLabel(m, s)} is a secondary of the global datastore and only serves reads; the primary is ${assign.sessions ? storeLabel(m, assign.sessions) : "gone"}`);
    }
    if (follows && ref.dns.some((d) => !d.record.ignoreChanges.includes("records")) && assign.sessions !== s) {
      via = " (the record must be repointed; `pulumi up` would move it back: it does not ignore `records`)";
    }
    serving = primary;
    via = `${follows ? `record ${ref.dns[ref.dns.length - 1].record.name} -> ` : ""}${storeLabel(m, primary)}${s.multiWriter ? " (multi-Region member, takes writes locally)" : ""}${via}`;
  } else if (t.kind === "db-global-writer") {
    if (cap === "writes" && ref.intent === "read") return { status: "absent" };
    serving = assign.database;
    if (!serving) return fail("the global writer endpoint has no writer in this scenario");
    via = `global writer endpoint -> ${storeLabel(m, serving)}`;
  } else {
    const s = t.store;
    if (cap === "reads") {
      serving = s;
      via = `${t.kind === "db-reader" ? "reader endpoint" : t.kind === "db-instance" ? "instance endpoint" : "cluster endpoint"} of ${storeLabel(m, s)}`;
    } else {
      if (ref.intent === "read") return { status: "absent" };
      if (s.multiWriter) {
        serving = s;
        via = `endpoint of ${storeLabel(m, s)} (multi-Region member, takes writes locally)`;
      } else if (assign.database === s && t.kind !== "db-reader") {
        serving = s;
        via = `${t.kind === "db-instance" ? "instance" : "cluster"} endpoint of the writer ${storeLabel(m, s)}${t.kind === "db-instance" ? " (writes only while that instance is the writer)" : ""}`;
      } else if (s.writeForwarding && t.kind !== "db-cluster" && assign.database && assign.database !== s && membersOf(m.stores, s).includes(assign.database)) {
        // Write forwarding is used through a secondary's reader (or instance) endpoint, with the
        // session's apg_write_forward.consistency_mode set by the application; a cluster endpoint
        // that writes only while its cluster writes is not that.
        serving = s;
        needsWriter = assign.database;
        via = `write forwarding on ${storeLabel(m, s)} -> ${storeLabel(m, assign.database)}`;
      } else {
        return fail(`${storeLabel(m, s)} ${assign.database === s ? "reader endpoint serves only reads"
          : t.kind === "db-cluster" && s.global ? "is not the writer: its cluster endpoint writes only while that cluster writes (use the global writer endpoint)"
          : "is not the writer and does not forward writes"}`);
      }
    }
  }

  if (!serving) return fail("no store serves this address in this scenario");
  if (!alive(sv, serving)) return fail(`${storeLabel(m, serving)} is lost`);
  if (needsWriter && !alive(sv, needsWriter)) return fail(`forwarded writes need the writer ${storeLabel(m, needsWriter)}, which is lost`);
  const quorum = cap !== "reads" ? quorumProblem(m, sv, serving) : undefined;
  if (quorum) return fail(quorum);
  const writer = cap === "writes" ? needsWriter ?? serving : undefined;
  if (writer?.rpoBoundSeconds !== undefined) {
    const secondaries = membersOf(m.stores, writer).filter((s) => s !== writer);
    if (!secondaries.some((s) => alive(sv, s))) {
      return fail(`rds.global_db_rpo = ${writer.rpoBoundSeconds} s on ${storeLabel(m, writer)} blocks every commit while no secondary is within the bound, and ${secondaries.length ? `its secondaries (${secondaries.map((s) => storeLabel(m, s)).join(", ")}) are lost` : "it has no secondary"}`);
    }
  }
  const net = network(m, sv, w, serving);
  if (net.status !== "yes") return { status: net.status, via, reason: `${head} -> ${via}: ${net.reason}` };
  const waits = (cap === "writes" && assign.promoted?.includes("database")) || (cap === "sessions" && assign.promoted?.includes("sessions"));
  return { status: waits ? "after-promotion" : "yes", via: `${ref.setting.key} -> ${via}` };
}

/** Names an assignment by what it is (which stores serve, what was promoted), not by identity. */
function assignmentKey(a: WriterAssignment): string {
  return `${a.database?.node.urn ?? "-"}|${a.sessions?.node.urn ?? "-"}|${(a.promoted ?? []).join(",")}|${a.moved ? "moved" : ""}`;
}

/** The capabilities of one region's workloads. */
export function regionCapabilities(m: DataPathModel, sv: Survival, region: string, assign: WriterAssignment): RegionCapabilities {
  const workloads = m.workloads.filter((w) => w.region === region);
  const refs = m.refs.filter((r) => r.workload.region === region);
  const hidden = workloads.flatMap((w) => w.settings.filter((s) => s.hidden).map((s) => `${s.key === "*" ? "" : `${s.key} in `}${s.from} (${w.label}): ${s.hidden}`));
  const hasDb = m.stores.stores.some((s) => s.kind === "database");
  const hasCache = m.stores.stores.some((s) => s.kind === "cache");
  const answer = (cap: CapabilityName): CapabilityAnswer => {
    if ((cap === "sessions" && !hasCache) || (cap !== "sessions" && !hasDb)) return { status: "absent" };
    // The best path wins; when none works, the reason shown is that of the setting meant for it.
    const order: Record<Intent, number> = cap === "reads" ? { read: 0, any: 1, write: 2 } : { write: 0, any: 1, read: 2 };
    let best: CapabilityAnswer = { status: "absent" };
    // Each reference is a part: under a single-resource domain only the references whose path
    // consulted that resource are evaluated again.
    const kind = `ref|${cap}|${assignmentKey(assign)}`;
    // Within one intent, the address of the store that writes in this scenario comes first: when a
    // list of candidates (REDIS_PRIMARY_CANDIDATES) fails, the reason is that of the path to the
    // primary, not that another candidate is read-only.
    const writing = (r: Ref) => ("store" in r.target && (r.target.store === assign.sessions || r.target.store === assign.database) ? 0 : 1);
    for (const ref of [...refs].sort((a, b) => order[a.intent] - order[b.intent] || writing(a) - writing(b))) best = better(best, sv.part(kind, ref, (s) => evaluateRef(m, s, ref, cap, assign)));
    // Only read-only addresses are visible while some settings are hidden: the writable one may be
    // among them, so this is not a proven "no".
    const writable = cap === "reads" || refs.some((r) => r.intent !== "read" && (cap === "sessions" ? r.target.kind.startsWith("cache") : !r.target.kind.startsWith("cache")));
    if (best.status === "no" && !writable && hidden.length > 0) {
      return { status: "unknown", reason: `${best.reason}; no visible setting names a writable ${cap === "sessions" ? "session-store" : "database"} address, and some are not visible: ${hidden[0]}` };
    }
    if (best.status !== "absent") return best;
    const what = cap === "sessions" ? "a session-store (cache) endpoint" : cap === "writes" ? "a database endpoint that takes writes" : "a database endpoint";
    if (hidden.length > 0) return { status: "unknown", reason: `no visible setting in ${region} names ${what}; not visible: ${hidden[0]}` };
    if (workloads.length === 0) return { status: "unknown", reason: `no workload configuration of ${region} is in the graph` };
    // Settings may come from files, Secrets or parameter stores the graph does not hold.
    return { status: "unknown", reason: `no setting of ${workloads.map((w) => w.label).join(", ")} names ${what} (configuration from files, Secrets or parameter stores is not visible)` };
  };
  return { region, reads: answer("reads"), writes: answer("writes"), sessions: answer("sessions") };
}

/** The live assignment: the writer the analysis was told about (or found), and the session primary. */
export function steadyAssignment(m: DataPathModel, writerCluster: GraphNode | undefined, writerRegion?: string): WriterAssignment {
  const dbs = m.stores.stores.filter((s) => s.kind === "database" && s.node.type === STORE_TYPES.cluster);
  const database = (writerCluster && m.stores.byNode.get(writerCluster.urn)) ?? dbs[0];
  // Multi-Region members all take writes: none is "the primary", and none is promoted.
  const caches = m.stores.stores.filter((s) => s.kind === "cache" && !s.multiWriter);
  const primaries = new Set(m.graph.ofType(STORE_TYPES.globalReplicationGroup).flatMap((g) => m.graph.refs(g, "primaryReplicationGroupId").map((n) => n.urn)));
  // A drill moves the session primary with the writer: a stack told its writer region follows it for both.
  const recorded = caches.find((c) => primaries.has(c.node.urn));
  const sessions = (writerRegion ? caches.find((c) => c.global && m.regionOf(c.node) === writerRegion) : undefined)
    ?? recorded
    ?? caches[0];
  // A writer region that differs from the datastore's recorded primary was moved by a drill, which
  // repointed the records too (they ignore changes to their targets).
  return { database, sessions, ...(recorded && sessions && recorded !== sessions ? { moved: true } : {}) };
}

/** The assignment with the writer moved to `region` (planned switchover, or promotion after a loss). */
export function assignmentIn(m: DataPathModel, base: WriterAssignment, region: string, promoted: WriterAssignment["promoted"] = []): WriterAssignment | undefined {
  const db = base.database && membersOf(m.stores, base.database).find((s) => m.regionOf(s.node) === region);
  const cache = base.sessions && membersOf(m.stores, base.sessions).find((s) => m.regionOf(s.node) === region);
  if (!db && !cache) return undefined;
  return { database: db ?? base.database, sessions: cache ?? base.sessions, promoted, moved: true };
}

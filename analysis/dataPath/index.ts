import type { GraphNode, ResourceGraph } from "../../graph/model";
import { Survival } from "../domains";
import {
  assignmentIn, CAPABILITIES, DataPathModel, regionCapabilities, steadyAssignment,
  type CapabilityAnswer, type CapabilityName, type RegionCapabilities, type WriterAssignment,
} from "./capabilities";
import { canonicalHost, hostOf, membersOf, type Store } from "./stores";
import { plain } from "../../graph/model";

export { DataPathModel, CAPABILITIES, type CapabilityAnswer, type CapabilityName, type CapabilityStatus, type RegionCapabilities } from "./capabilities";

/**
 * The data-path part of `analyze`: per scenario (the live state, each planned switchover, and every
 * failure domain) whether each region still reads, writes and holds sessions, with the chain that
 * broke for every "no". docs/analysis-model.md describes the model and its blind spots.
 */

export interface AssignmentView {
  readonly databaseWriter?: string;
  readonly sessionsPrimary?: string;
  /** What moved because of the loss (a promotion someone has to run), not by plan. */
  readonly promoted: ("database" | "sessions")[];
}

export interface CapabilityScenario {
  readonly assignment: AssignmentView;
  /** Regions that still run, each with its three capabilities. */
  readonly regions: RegionCapabilities[];
}

export interface DataPathAnalysis {
  readonly workloads: { readonly label: string; readonly region?: string; readonly dataSettings: string[]; readonly hiddenSettings: number }[];
  readonly steady: CapabilityScenario;
  readonly switchovers: (CapabilityScenario & { readonly to: string })[];
  /** Problems that fail the verdict, one line each. */
  readonly findings: string[];
  /**
   * What the graph cannot show (settings in Secrets, routes through a transit gateway, no workload):
   * neither a problem nor a proof. A warning, with how to make it visible; `--strict` fails on it.
   */
  readonly unknowns: string[];
  /** Domains after which some, but not every, region loses a capability. */
  readonly degraded: string[];
  /**
   * Losses that only multi-Region stores make meaningful: a DSQL witness Region alone (it must
   * degrade nothing that serves), and a peer Region together with the witness (a double failure,
   * reported as what it does, not as a single point of failure).
   */
  readonly multiRegion: MultiRegionScenario[];
}

export interface MultiRegionScenario {
  readonly label: string;
  readonly lostRegions: string[];
  readonly scenario: CapabilityScenario;
  /** One line: what still works and what stops. */
  readonly summary: string;
}

function view(m: DataPathModel, a: WriterAssignment): AssignmentView {
  return {
    ...(a.database ? { databaseWriter: m.regionOf(a.database.node) } : {}),
    ...(a.sessions ? { sessionsPrimary: m.regionOf(a.sessions.node) } : {}),
    promoted: [...(a.promoted ?? [])],
  };
}

function evaluate(m: DataPathModel, sv: Survival, a: WriterAssignment, regions: string[]): CapabilityScenario {
  return { assignment: view(m, a), regions: regions.map((r) => regionCapabilities(m, sv, r, a)) };
}

function storeAlive(sv: Survival, s: Store | undefined): boolean {
  if (!s) return false;
  return sv.alive(s.node) && (s.kind === "cache" || s.instances.length === 0 || s.instances.some((i) => sv.alive(i)));
}

const OK = new Set(["yes", "after-promotion"]);

function score(s: CapabilityScenario): number {
  return s.regions.reduce((n, r) => n + (OK.has(r.writes.status) ? 2 : 0) + (OK.has(r.sessions.status) ? 1 : 0), 0);
}

/**
 * The capabilities under a failure domain. When the domain takes the database writer or the session
 * primary, the best promotion among the surviving members is evaluated (and marked as such):
 * nothing in the stack promotes by itself, the budget counts that time.
 */
export function capabilitiesUnder(m: DataPathModel, sv: Survival, steady: WriterAssignment, survivingRegions: string[]): CapabilityScenario {
  const regions = m.regions.filter((r) => survivingRegions.includes(r));
  const writerLost = steady.database && !storeAlive(sv, steady.database);
  const primaryLost = steady.sessions && !storeAlive(sv, steady.sessions);
  if (!writerLost && !primaryLost) return evaluate(m, sv, steady, regions);
  const candidates = [...new Set([...(steady.database ? membersOf(m.stores, steady.database) : []), ...(steady.sessions ? membersOf(m.stores, steady.sessions) : [])]
    .filter((s) => storeAlive(sv, s)).map((s) => m.regionOf(s.node)).filter((r): r is string => !!r))];
  let best: CapabilityScenario | undefined;
  for (const region of candidates) {
    const base = assignmentIn(m, steady, region);
    if (!base) continue;
    const a: WriterAssignment = {
      database: writerLost ? base.database : steady.database,
      sessions: primaryLost ? base.sessions : steady.sessions,
      promoted: [...(writerLost ? ["database" as const] : []), ...(primaryLost ? ["sessions" as const] : [])],
    };
    const s = evaluate(m, sv, a, regions);
    if (!best || score(s) > score(best)) best = s;
  }
  return best ?? evaluate(m, sv, {
    ...(writerLost ? {} : { database: steady.database }),
    ...(primaryLost ? {} : { sessions: steady.sessions }),
    promoted: [...(writerLost ? ["database" as const] : []), ...(primaryLost ? ["sessions" as const] : [])],
  }, regions);
}

const VERB: Record<CapabilityName, string> = { reads: "read", writes: "write", sessions: "hold sessions" };

/** How to make hidden wiring visible, by what hid it. */
function visibilityHint(reason: string | undefined): string {
  if (/Secret|file|parameter store|not visible|not a plain value/i.test(reason ?? "")) return "put the endpoint in a ConfigMap or the container env (keep only credentials in Secrets), or analyze a graph that holds them";
  if (/transit gateway|coreNetwork|not follow/i.test(reason ?? "")) return "route the data path over VPC peering in this stack, or add the transit gateway's resources and routes to the graph";
  if (/not in this graph|not tied/i.test(reason ?? "")) return "analyze the stack that holds those resources, or export both stacks into one graph";
  return "add the missing resources or settings to the graph";
}

/** Findings of a scenario where every region should serve everything; what it cannot see goes apart. */
function steadyFindings(s: CapabilityScenario, context: string): { findings: string[]; unknowns: string[] } {
  const findings: string[] = [];
  const unknowns: string[] = [];
  for (const r of s.regions) {
    for (const cap of CAPABILITIES) {
      const a: CapabilityAnswer = r[cap];
      if (a.status === "yes" || a.status === "absent") continue;
      if (a.status === "unknown") unknowns.push(`cannot tell whether ${r.region} can ${VERB[cap]}${context}: ${a.reason}; to make it visible: ${visibilityHint(a.reason)}`);
      else findings.push(`${r.region} cannot ${VERB[cap]}${a.status === "partial" ? " from every AZ" : ""}${context}: ${a.reason}`);
    }
  }
  return { findings, unknowns };
}

export interface DomainCapabilities {
  readonly key: string;
  readonly label: string;
  readonly scenario: CapabilityScenario;
}

/** A domain that removes a capability from every surviving region is a finding; from some, degraded. */
function domainFindings(d: DomainCapabilities): { findings: string[]; degraded: string[] } {
  const findings: string[] = [];
  const degraded: string[] = [];
  const regions = d.scenario.regions;
  if (regions.length === 0) return { findings, degraded };
  for (const cap of ["writes", "sessions"] as const) {
    const present = regions.filter((r) => r[cap].status !== "absent");
    if (present.length === 0) continue;
    const down = present.filter((r) => r[cap].status === "no");
    if (down.length === present.length) findings.push(`losing ${d.label} stops ${cap === "writes" ? "writes" : "sessions"} in every region: ${down[0][cap].reason}`);
    else if (down.length > 0) degraded.push(`losing ${d.label} stops ${cap} in ${down.map((r) => r.region).join(", ")}: ${down[0][cap].reason}`);
  }
  return { findings, degraded };
}

export interface DataPathInputs {
  readonly model: DataPathModel;
  readonly steadyAssignment: WriterAssignment;
  readonly steady: CapabilityScenario;
  readonly domains: DomainCapabilities[];
  readonly steadySurvival: Survival;
}

export function prepareDataPath(graph: ResourceGraph, regions: readonly string[], writerCluster: GraphNode | undefined, writerRegion: string | undefined, steadySurvival: Survival): Omit<DataPathInputs, "domains"> {
  const model = new DataPathModel(graph, regions);
  const assignment = steadyAssignment(model, writerCluster, writerRegion);
  // Through capabilitiesUnder, like every domain, so the liveness checks it makes are recorded too.
  return { model, steadyAssignment: assignment, steady: capabilitiesUnder(model, steadySurvival, assignment, model.regions), steadySurvival };
}

/**
 * Workloads that name another region's member of a multi-Region store (or another region's reader)
 * while their own region has one: it works until that other region is lost, and then this region
 * stops although its own member survives.
 */
function localityFindings(m: DataPathModel): string[] {
  const out: string[] = [];
  for (const ref of m.refs) {
    const store = m.storeOf(ref.target);
    const wr = ref.workload.region;
    if (!store || !wr) continue;
    const localRole = store.multiWriter || ref.target.kind === "db-reader" || ref.target.kind === "cache-reader";
    const sr = m.regionOf(store.node);
    if (!localRole || !sr || sr === wr) continue;
    const local = membersOf(m.stores, store).find((s) => m.regionOf(s.node) === wr);
    if (!local) continue;
    out.push(`${ref.setting.key} (${ref.setting.from}, ${ref.workload.label}) in ${wr} names ${store.node.name} in ${sr}, not ${local.node.name} of its own region: losing ${sr} would stop ${wr} too`);
  }
  return out;
}

/** AWS endpoint names of the stores this model knows, and the private zones of the graph. */
const STORE_DOMAINS = [/\.rds\.amazonaws\.com$/, /\.cache\.amazonaws\.com$/, /\.memorydb\.[a-z0-9-]+\.amazonaws\.com$/, /\.dsql(-[a-z0-9]+)?\.[a-z0-9-]+\.on\.aws$/];

/**
 * Settings whose host looks like a store endpoint (an AWS database or cache name, or a name in one
 * of the graph's zones) but matches nothing in the graph: a typo or a stale value. The setting is
 * to blame, not whatever else its region names.
 */
function unknownHostFindings(m: DataPathModel): string[] {
  const zones = m.graph.ofType("aws:route53/zone:Zone").map((z) => String(plain(m.graph.prop(z, "name")) ?? "").replace(/\.$/, "").toLowerCase()).filter(Boolean);
  const out: string[] = [];
  for (const w of m.workloads) {
    for (const s of w.settings) {
      if (!s.value) continue;
      for (const raw of s.value.split(/[,\s]+/)) {
        const host = hostOf(raw);
        if (!host) continue;
        const canonical = canonicalHost(host);
        if (m.stores.addresses.has(canonical)) continue;
        const looksLikeStore = STORE_DOMAINS.some((re) => re.test(host)) || zones.some((z) => host.endsWith(`.${z}`));
        if (looksLikeStore) out.push(`${s.key} (${s.from}, ${w.label}${w.region ? ` in ${w.region}` : ""}) names ${host}, which no store or record in the graph answers (a typo or a stale endpoint?)`);
      }
    }
  }
  return out;
}

const WHAT: Record<CapabilityName, string> = { reads: "reads", writes: "writes", sessions: "sessions" };

/** The witness-Region scenarios of every multi-Region DSQL group. */
function multiRegionScenarios(m: DataPathModel, assign: WriterAssignment, steady: CapabilityScenario): MultiRegionScenario[] {
  const witnesses = new Map<string, Set<string>>();
  for (const s of m.stores.stores) {
    const w = s.multiWriter?.witnessRegion;
    const r = m.regionOf(s.node);
    if (w && r) {
      const peers = witnesses.get(w) ?? new Set<string>();
      peers.add(r);
      witnesses.set(w, peers);
    }
  }
  const out: MultiRegionScenario[] = [];
  const describe = (sc: CapabilityScenario): { lost: string[]; text: string } => {
    const lost: string[] = [];
    for (const r of sc.regions) {
      const before = steady.regions.find((x) => x.region === r.region);
      for (const cap of CAPABILITIES) if (before && OK.has(before[cap].status) && !OK.has(r[cap].status)) lost.push(`${r.region} loses ${WHAT[cap]} (${r[cap].reason})`);
    }
    return { lost, text: lost.length === 0 ? `every surviving region (${sc.regions.map((r) => r.region).join(", ") || "none"}) still reads, writes and keeps sessions` : lost.join("; ") };
  };
  for (const [witness, peers] of witnesses) {
    const alone = capabilitiesUnder(m, new Survival(m.graph, { kind: "regions", regions: [witness] }), assign, m.regions);
    out.push({ label: `witness Region ${witness}`, lostRegions: [witness], scenario: alone, summary: describe(alone).text });
    for (const peer of [...peers].sort()) {
      const both = capabilitiesUnder(m, new Survival(m.graph, { kind: "regions", regions: [peer, witness] }), assign, m.regions.filter((r) => r !== peer));
      out.push({ label: `${peer} and witness Region ${witness} together`, lostRegions: [peer, witness], scenario: both, summary: describe(both).text });
    }
  }
  return out;
}

export function summarizeDataPath(inputs: DataPathInputs): DataPathAnalysis {
  const { model: m, steadyAssignment: assign, steady } = inputs;
  const writerRegion = assign.database ? m.regionOf(assign.database.node) : undefined;
  const targets = new Set<string>();
  for (const s of [assign.database, assign.sessions]) {
    if (s) for (const member of membersOf(m.stores, s)) {
      const r = m.regionOf(member.node);
      if (r) targets.add(r);
    }
  }
  const switchovers = [...targets].filter((r) => r !== writerRegion || (assign.sessions && m.regionOf(assign.sessions.node) !== r)).flatMap((to) => {
    const a = assignmentIn(m, assign, to);
    if (!a || (a.database === assign.database && a.sessions === assign.sessions)) return [];
    return [{ to, ...evaluate(m, inputs.steadySurvival, a, m.regions) }];
  });
  const stores = m.stores.stores;
  const scenarios = [steadyFindings(steady, ""), ...switchovers.map((s) => steadyFindings(s, ` after a planned switchover to ${s.to}`))];
  const unknowns = [
    ...(stores.length > 0 && m.workloads.length === 0
      ? [`cannot tell whether any region can read, write or hold sessions: the graph holds data stores (${stores.slice(0, 3).map((s) => s.node.name).join(", ")}${stores.length > 3 ? ", ..." : ""}) but no workload (Kubernetes, ECS or Lambda) whose settings could name them; to make it visible: analyze a graph that holds the workloads too`]
      : []),
    ...scenarios.flatMap((x) => x.unknowns),
  ];
  const findings = [...scenarios.flatMap((x) => x.findings), ...localityFindings(m), ...unknownHostFindings(m)];
  const multiRegion = multiRegionScenarios(m, assign, steady);
  // Losing the witness alone must cost nothing that serves: that is what the witness is for.
  for (const w of multiRegion.filter((x) => x.lostRegions.length === 1)) {
    if (!w.summary.startsWith("every surviving region")) findings.push(`losing the ${w.label} should degrade nothing, but ${w.summary}`);
  }
  const degraded: string[] = [];
  for (const d of inputs.domains) {
    const f = domainFindings(d);
    findings.push(...f.findings);
    degraded.push(...f.degraded);
  }
  const dataKeys = new Set(m.refs.map((r) => `${r.workload.node.urn}|${r.setting.key}`));
  return {
    workloads: m.workloads.map((w) => ({
      label: w.label,
      ...(w.region ? { region: w.region } : {}),
      dataSettings: w.settings.filter((s) => dataKeys.has(`${w.node.urn}|${s.key}`)).map((s) => s.key),
      hiddenSettings: w.settings.filter((s) => s.hidden).length,
    })),
    steady,
    switchovers,
    findings: [...new Set(findings)],
    unknowns: [...new Set(unknowns)],
    degraded: [...new Set(degraded)],
    multiRegion,
  };
}

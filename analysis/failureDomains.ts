import { GLOBAL, type GraphNode, type ResourceGraph } from "../graph/model";
import { capabilitiesUnder, prepareDataPath, summarizeDataPath, type CapabilityScenario, type DataPathAnalysis } from "./dataPath";
import { domainKey, regionsOf, Survival, zonesByRegion, type DomainKind, type FailureDomain } from "./domains";
import { buildInventory, type Inventory } from "./inventory";
import { configurationFindings } from "./configChecks";
import { singlePointsOfFailure, steadyStateGaps, type SinglePointOfFailure, type SteadyStateGap } from "./spof";
import { appOutcome, buildEgressIndex, type EgressIndex } from "./tiers/app";
import { databaseOutcomes, sessionsOutcome } from "./tiers/data";
import { backupsOutcome, entryOutcome } from "./tiers/edge";
import { ANALYSIS_TIERS, type AnalysisTier, type TierOutcome } from "./tiers/types";

/**
 * Failure-domain analysis: for the steady state and for every single AZ, region and resource,
 * which tiers still serve and with what share of capacity, and the single points of failure. Pure
 * (graph in, data out, no CLI or file access), so the policy pack's stack rule and `analyze` share it.
 */

export type { FailureDomain, DomainKind } from "./domains";
export type { SinglePointOfFailure, SteadyStateGap } from "./spof";
export { ANALYSIS_TIERS, TIER_LABELS, type AnalysisTier, type TierOutcome, type RegionCell } from "./tiers/types";

export interface FailureAnalysisOptions {
  /** Which failure domains to evaluate. @default ["az", "region", "resource"] */
  readonly kinds?: readonly DomainKind[];
  /** Writer region from the stack config, used when the graph cannot tell (a plan, not a deployed stack). */
  readonly writerRegion?: string;
  /** Preferred region order (e.g. the config's); other regions follow by name. */
  readonly regions?: readonly string[];
  /** The app tier's capacity mode from the config (`app.failoverHeadroom`), shown with the app tier. */
  readonly capacity?: { readonly mode: "provisioned" | "scalable"; readonly sharePercent: number };
  /**
   * Evaluate every domain from scratch, without reusing steady-state answers the domain cannot
   * change. Same result, slower: the tests compare the two.
   */
  readonly exhaustive?: boolean;
}

export type TierOutcomes = Record<AnalysisTier, TierOutcome>;

export interface DomainOutcome {
  readonly domain: FailureDomain;
  readonly key: string;
  readonly label: string;
  /** Region and AZs of what is lost (for a resource: its own placement). */
  readonly region?: string;
  readonly azs: string[];
  readonly tiers: TierOutcomes;
  /** Reads, writes and sessions of each surviving region, from the wiring. */
  readonly capabilities: CapabilityScenario;
}

export interface FailureAnalysis {
  readonly regions: string[];
  readonly zones: Record<string, string[]>;
  /** Region of the Aurora cluster that takes writes, if any. */
  readonly writerRegion?: string;
  readonly capacity?: FailureAnalysisOptions["capacity"];
  readonly steadyState: TierOutcomes;
  readonly domains: DomainOutcome[];
  /** Managed resources no tier depends on: losing one changes nothing in this model. */
  readonly unconsultedResources: number;
  /** Configuration of global, redundant-by-construction services, not failure units of their own. */
  readonly excludedResources: { readonly urn: string; readonly reason: string }[];
  readonly absentTiers: AnalysisTier[];
  readonly steadyStateGaps: SteadyStateGap[];
  readonly singlePointsOfFailure: SinglePointOfFailure[];
  /** What each region can read, write and keep sessions in, in steady state, after switchovers and per domain. */
  readonly dataPath: DataPathAnalysis;
  /** Settings that break a path before anything fails (key regions, VPC DNS, entry ports, health paths). */
  readonly configuration: string[];
}

/**
 * Global Accelerator runs on AWS's edge network with two static anycast addresses from independent
 * network zones; the accelerator and its listeners configure that service and do not fail alone.
 * Their availability belongs to the availability model (the service SLA), not to this one.
 */
const NOT_FAILURE_UNITS: Record<string, string> = {
  "aws:globalaccelerator/accelerator:Accelerator": "configuration of a global anycast service (covered by its SLA in the availability model)",
  "aws:globalaccelerator/listener:Listener": "configuration of a global anycast service (covered by its SLA in the availability model)",
  "aws:route53/zone:Zone": "Route 53 hosted zones are served by four name-server sets on separate networks (covered by the SLA)",
};

/** Resource types the data path reads as configuration: they are never single failure domains. */
const CONFIGURATION = /^(aws:ec2\/(route|routeTable|routeTableAssociation|defaultRouteTable|mainRouteTableAssociation|securityGroup|securityGroupRule|vpcPeeringConnectionAccepter):|aws:vpc\/securityGroup(Ingress|Egress)Rule:|aws:route53\/(record|zone|zoneAssociation):|aws:rds\/(subnetGroup|clusterParameterGroup):|aws:elasticache\/subnetGroup:|kubernetes:core\/v1:(ConfigMap|Secret):)/;

interface Context {
  readonly graph: ResourceGraph;
  readonly inv: Inventory;
  readonly egress: EgressIndex;
  readonly regions: string[];
  readonly capacityNote?: string;
  readonly exhaustive: boolean;
}

/** The resources each tier's steady-state answer consulted: a removal outside them changes nothing. */
interface TierDependencies {
  readonly app: Set<string>;
  readonly entry: Set<string>;
  readonly database: Set<string>;
  readonly sessions: Set<string>;
  readonly backups: Set<string>;
}

function newDependencies(): TierDependencies {
  return { app: new Set(), entry: new Set(), database: new Set(), sessions: new Set(), backups: new Set() };
}

/**
 * Every tier under one domain. With the steady state and its dependencies given, a single-resource
 * domain recomputes only the tiers that consulted the resource: a tier's answer is a function of
 * the `lost` answers it asked for, and for a resource it never asked about those are unchanged.
 */
function evaluate(c: Context, domain: FailureDomain | undefined, deps?: TierDependencies, steady?: TierOutcomes): TierOutcomes {
  const urn = domain?.kind === "resource" ? domain.urn : undefined;
  const reuse = (set: Set<string>) => !c.exhaustive && !!steady && !!urn && !set.has(urn);
  // Only the steady evaluation records what it consults; a domain's evaluation must not (a
  // recording Survival also skips the steady-placement shortcut of single-resource domains).
  const sv = (set?: Set<string>) => new Survival(c.graph, domain, steady ? undefined : set, c.exhaustive);
  const app = reuse(deps!.app) ? steady!.app : appOutcome(sv(deps?.app), c.inv, c.egress, c.regions, c.capacityNote);
  const db = reuse(deps!.database) ? { writer: steady!.databaseWriter, reads: steady!.databaseReads } : databaseOutcomes(sv(deps?.database), c.inv, c.regions);
  // The entry's answer depends on the app tier's.
  const entry = reuse(deps!.entry) && app === steady!.app ? steady!.entry : entryOutcome(sv(deps?.entry), c.inv, c.regions, app);
  return {
    entry,
    app,
    databaseWriter: db.writer,
    databaseReads: db.reads,
    sessions: reuse(deps!.sessions) ? steady!.sessions : sessionsOutcome(sv(deps?.sessions), c.inv, c.regions),
    backups: reuse(deps!.backups) ? steady!.backups : backupsOutcome(sv(deps?.backups), c.inv, c.regions),
  };
}

export function shortType(type: string): string {
  const [, mod = "", cls = type] = type.split(":");
  return `${mod.split("/")[0]}.${cls}`;
}

export function resourceLabel(n: GraphNode): string {
  return `${n.name} (${shortType(n.type)})`;
}

function label(graph: ResourceGraph, d: FailureDomain): string {
  if (d.kind === "az") return `AZ ${d.az}`;
  if (d.kind === "region") return `region ${d.region}`;
  if (d.kind === "regions") return `regions ${d.regions.join(" and ")} together`;
  const n = graph.get(d.urn);
  if (n?.type === "aws:ec2/vpcPeeringConnection:VpcPeeringConnection") {
    const peer = graph.prop(n, "peerRegion");
    return `the inter-region link ${graph.regionOf(n)}<->${typeof peer === "string" ? peer : "?"} (${n.name})`;
  }
  return n ? resourceLabel(n) : d.urn;
}

/** A resource's region; a GA endpoint group (global by API) belongs to the region it routes to. */
function placementRegion(graph: ResourceGraph, n: GraphNode): string | undefined {
  const region = graph.regionOf(n);
  const routed = region === GLOBAL ? graph.prop(n, "endpointGroupRegion") : undefined;
  return typeof routed === "string" ? routed : region;
}

export function analyzeFailureDomains(graph: ResourceGraph, options: FailureAnalysisOptions = {}): FailureAnalysis {
  const kinds = new Set(options.kinds ?? ["az", "region", "resource"]);
  const inv = buildInventory(graph, { writerRegion: options.writerRegion });
  const regions = regionsOf(graph, [...(options.regions ?? [])]);
  const zones = zonesByRegion(graph);
  const capacityNote = options.capacity
    ? options.capacity.mode === "provisioned"
      ? `capacity provisioned: minimum sizes are meant to carry ${options.capacity.sharePercent}% of traffic in one region without scaling`
      : `capacity scalable: maximum sizes allow ${options.capacity.sharePercent}% of traffic in one region, reached by autoscaling during the event`
    : undefined;
  const c: Context = { graph, inv, egress: buildEgressIndex(graph), regions, capacityNote, exhaustive: !!options.exhaustive };

  const deps = newDependencies();
  const steadyState = evaluate(c, undefined, deps);
  const consulted = new Set<string>(Object.values(deps).flatMap((s: Set<string>) => [...s]));
  // Routes, rules, records and the like are configuration, not units that fail alone; the data path
  // consults them, but only what can fail (stores, subnets, the inter-region links) becomes a domain.
  const dataConsulted = new Set<string>();
  const data = prepareDataPath(graph, regions, inv.writerCluster, options.writerRegion, new Survival(graph, undefined, dataConsulted));
  for (const urn of dataConsulted) if (!CONFIGURATION.test(graph.get(urn)?.type ?? "")) consulted.add(urn);

  const domainList: FailureDomain[] = [];
  if (kinds.has("az")) for (const r of regions) for (const az of zones[r] ?? []) domainList.push({ kind: "az", region: r, az });
  if (kinds.has("region")) for (const r of regions) domainList.push({ kind: "region", region: r });
  const managed = graph.managed();
  const excludedResources = managed.filter((n) => NOT_FAILURE_UNITS[n.type]).map((n) => ({ urn: n.urn, reason: NOT_FAILURE_UNITS[n.type] }));
  const candidates = managed.filter((n) => consulted.has(n.urn) && !NOT_FAILURE_UNITS[n.type]);
  if (kinds.has("resource")) for (const n of candidates) domainList.push({ kind: "resource", urn: n.urn });

  const outcome = (domain: FailureDomain): DomainOutcome => {
    const n = domain.kind === "resource" ? graph.get(domain.urn) : undefined;
    return {
      domain,
      key: domainKey(domain),
      label: label(graph, domain),
      region: domain.kind === "resource" ? placementRegion(graph, n!) : domain.kind === "regions" ? undefined : domain.region,
      azs: domain.kind === "az" ? [domain.az] : n ? graph.azsOf(n) : [],
      tiers: evaluate(c, domain, deps, steadyState),
      capabilities: domain.kind === "resource" && !dataConsulted.has(domain.urn) && !c.exhaustive
        ? data.steady
        : capabilitiesUnder(data.model, new Survival(graph, domain, undefined, c.exhaustive), data.steadyAssignment, domain.kind === "region" ? regions.filter((r) => r !== domain.region) : regions),
    };
  };
  const domains = domainList.map(outcome);
  const dataPath = summarizeDataPath({ ...data, domains: domains.map((d) => ({ key: d.key, label: d.label, scenario: d.capabilities })) });

  const absentTiers = ANALYSIS_TIERS.filter((t) => steadyState[t].status === "absent");
  return {
    regions,
    zones,
    writerRegion: inv.writerCluster ? graph.regionOf(inv.writerCluster) : undefined,
    capacity: options.capacity,
    steadyState,
    domains,
    unconsultedResources: managed.length - candidates.length - excludedResources.length,
    excludedResources,
    absentTiers,
    steadyStateGaps: steadyStateGaps(steadyState),
    singlePointsOfFailure: singlePointsOfFailure(graph, steadyState, domains, (n) => outcome({ kind: "resource", urn: n.urn })),
    dataPath,
    configuration: configurationFindings(graph, inv, options.capacity),
  };
}

/**
 * The single points of failure of a graph: every failure domain (by default each AZ and each
 * region, optionally each resource) whose loss stops a tier, with the resources to blame. Empty
 * means every tier survives the loss of any one AZ in its region and of any one region overall.
 */
export function findSinglePointsOfFailure(graph: ResourceGraph, options: FailureAnalysisOptions = {}): SinglePointOfFailure[] {
  return analyzeFailureDomains(graph, { kinds: ["az", "region"], ...options }).singlePointsOfFailure;
}

/** The failure matrix alone: steady state plus one row per failure domain. */
export function failureMatrix(graph: ResourceGraph, options: FailureAnalysisOptions = {}): { steadyState: TierOutcomes; domains: DomainOutcome[] } {
  const a = analyzeFailureDomains(graph, options);
  return { steadyState: a.steadyState, domains: a.domains };
}

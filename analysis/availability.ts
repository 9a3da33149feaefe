import { kindsOf, regionLossBudget, type BudgetSettings } from "./budget";
import { EVENTS, SECONDS_PER_YEAR, SLAS, type SlaKey } from "./constants";

/**
 * Composite availability from published SLAs (Well-Architected Reliability Pillar, "Availability"):
 * hard dependencies multiply (serial), independent redundant copies combine as 1 - prod(1 - A)
 * (parallel). A single-writer store does not get the parallel bonus: a writer-region event costs
 * writes the region RTO, modelled as event rate x RTO; multi-writer stores count once per region
 * (docs/analysis-model.md, composite availability). The entry is in series with the rest.
 *
 * SLAs are credit commitments, not measured availability, and independence is assumed; treat the
 * results as an order-of-magnitude check.
 */

/** Serial (hard) dependencies: all must be up. */
export function serial(availabilities: readonly number[]): number {
  return availabilities.reduce((a, b) => a * b, 1);
}

/** Independent redundant copies: at least one must be up. */
export function parallel(availabilities: readonly number[]): number {
  if (availabilities.length === 0) return 0;
  return 1 - availabilities.reduce((u, a) => u * (1 - a), 1);
}

/** Expected unavailable fraction from events of `eventsPerYear`, each lasting `rtoSeconds`. */
export function eventUnavailability(eventsPerYear: number, rtoSeconds: number): number {
  return (eventsPerYear * rtoSeconds) / SECONDS_PER_YEAR;
}

export function downtimeMinutesPerYear(availability: number): number {
  return ((1 - availability) * SECONDS_PER_YEAR) / 60;
}

export interface AvailabilityInputs {
  readonly regions: number;
  readonly entry: "accelerator" | "route53";
  /** Aurora instances per region in distinct AZs (>= 2 earns the Multi-AZ SLA). */
  readonly databaseInstancesPerRegion: number;
  /** ElastiCache nodes per region (>= 2 with Multi-AZ earns the Multi-AZ SLA). */
  readonly sessionNodesPerRegion: number;
  /** The session store runs Multi-AZ (automatic failover on). @default sessionNodesPerRegion >= 2 */
  readonly sessionMultiAz?: boolean;
  /** RTO of a region loss for writes, from the budget (regionLossBudget(...).rto.seconds). */
  readonly regionRtoSeconds: number;
  readonly objectivePercent: number;
  /** @default EVENTS.regionEventsPerYear (0.56) */
  readonly regionEventsPerYear?: number;
  /** Store kinds: multi-writer stores write in every region. @default aurora-global + elasticache-global */
  readonly databaseKind?: "aurora-global" | "aurora-dsql";
  readonly sessionsKind?: "elasticache-global" | "memorydb-multi-region";
}

export interface AvailabilityFactor {
  readonly name: string;
  readonly availability: number;
  readonly sla: SlaKey;
  readonly source: string;
}

export interface AvailabilityEstimate {
  readonly entry: AvailabilityFactor;
  /** Serial product of one region's path (ALB x EC2 x database x session store). */
  readonly regionDataPath: { readonly availability: number; readonly factors: readonly AvailabilityFactor[] };
  /** Reads below the entry: the regions' paths in parallel. */
  readonly reads: number;
  /**
   * Writes below the entry: the app in parallel over the regions, in series with every store that
   * has one writer (its own SLA) and with the region events that cost writes the region-loss RTO;
   * multi-writer stores count in parallel, like reads.
   */
  readonly writes: number;
  /** The factors of the write path, in series. */
  readonly writeFactors: readonly { readonly name: string; readonly availability: number; readonly how: string }[];
  /** The writer region's whole path in series with the event term: a pessimistic floor, reported, not compared. */
  readonly writesSlaFloor: number;
  readonly readsWithEntry: number;
  readonly writesWithEntry: number;
  readonly writeEventTerm: { readonly eventsPerYear: number; readonly rtoSeconds: number; readonly minutesPerYear: number; readonly source: string };
  /** Control path (change things during an incident): the EKS API, kept out of the data path. */
  readonly controlPath: number;
  /** What the design below the entry delivers to a request that writes (the weaker of the two paths). */
  readonly design: number;
  /**
   * The estimate: entry SLA x the write path, hard dependencies in series (Well-Architected). It is
   * what is compared with the objective, and nothing caps or rounds it.
   */
  readonly estimate: number;
  readonly estimatePercent: number;
  readonly objectivePercent: number;
  readonly met: boolean;
  readonly notes: readonly string[];
}

function factor(name: string, sla: SlaKey): AvailabilityFactor {
  return { name, availability: SLAS[sla].value, sla, source: SLAS[sla].source };
}

export function estimateAvailability(input: AvailabilityInputs): AvailabilityEstimate {
  const entry = input.entry === "accelerator" ? factor("Global Accelerator", "globalAccelerator") : factor("Route 53", "route53");
  const dsql = input.databaseKind === "aurora-dsql";
  const memorydb = input.sessionsKind === "memorydb-multi-region";
  const sessionMultiAz = input.sessionMultiAz ?? input.sessionNodesPerRegion >= 2;
  const app = [factor("Application Load Balancer", "elb"), factor("EC2 (EKS nodes over >= 2 AZs)", "ec2Region")];
  const db = dsql
    ? factor("Aurora DSQL, Regional endpoint", "dsqlSingleRegion")
    : input.databaseInstancesPerRegion >= 2 ? factor("Aurora, Multi-AZ", "auroraMultiAz") : factor("Aurora, single-AZ", "auroraSingleAz");
  const sessions = memorydb
    ? factor("MemoryDB, Regional member", "memorydbRegional")
    : sessionMultiAz && input.sessionNodesPerRegion >= 2 ? factor("ElastiCache, Multi-AZ", "elasticacheMultiAz") : factor("ElastiCache, single-AZ", "elasticacheSingleAz");
  const factors = [...app, db, sessions];
  const region = serial(factors.map((f) => f.availability));
  const copies = (a: number) => parallel(Array.from({ length: input.regions }, () => a));
  const reads = copies(region);
  const eventsPerYear = input.regionEventsPerYear ?? EVENTS.regionEventsPerYear.value;
  const eventTerm = eventUnavailability(eventsPerYear, input.regionRtoSeconds);
  const appCopies = copies(serial(app.map((f) => f.availability)));
  // A multi-writer store is a copy per region; a single-writer store is one hard dependency.
  const writeFactors = [
    ...(dsql && memorydb
      ? [{ name: "every region's full path, in parallel (multi-writer stores)", availability: reads, how: `1 - (1 - region)^${input.regions}` }]
      : [
          { name: "app (ALB x EC2), regions in parallel", availability: appCopies, how: `1 - (1 - ALB x EC2)^${input.regions}` },
          dsql
            ? { name: "Aurora DSQL, peers in parallel", availability: copies(db.availability), how: `1 - (1 - ${db.availability})^${input.regions}` }
            : { name: `${db.name}, the writer`, availability: db.availability, how: db.source },
          memorydb
            ? { name: "MemoryDB, members in parallel", availability: copies(sessions.availability), how: `1 - (1 - ${sessions.availability})^${input.regions}` }
            : { name: `${sessions.name}, the primary`, availability: sessions.availability, how: sessions.source },
        ]),
    { name: "region events (writes wait the region-loss RTO)", availability: 1 - eventTerm, how: `1 - ${eventsPerYear}/yr x ${input.regionRtoSeconds} s / year` },
  ];
  const writes = serial(writeFactors.map((f) => f.availability));
  const design = Math.min(reads, writes);
  const estimate = entry.availability * writes;
  const notes = [
    "SLAs are credit commitments, not designed-for availability; independence between services is assumed",
    `Region events: ${eventsPerYear}/year (${EVENTS.regionEventsPerYear.source})`,
    `Hard dependencies multiply: the entry (${entry.name}, ${entry.availability * 100} %) x the write path; a request that only reads gets ${(entry.availability * reads * 100).toFixed(5)} %`,
  ];
  if (input.entry === "route53") notes.push("Route 53's 100% covers DNS answers only; resolver caching and health-check lag are in the RTO, not here");
  return {
    entry,
    regionDataPath: { availability: region, factors },
    reads,
    writes,
    writeFactors,
    writesSlaFloor: region * (1 - eventTerm),
    readsWithEntry: entry.availability * reads,
    writesWithEntry: entry.availability * writes,
    writeEventTerm: {
      eventsPerYear,
      rtoSeconds: input.regionRtoSeconds,
      minutesPerYear: (eventsPerYear * input.regionRtoSeconds) / 60,
      source: EVENTS.regionEventsPerYear.source,
    },
    controlPath: SLAS.eksControlPlane.value,
    design,
    estimate,
    estimatePercent: estimate * 100,
    objectivePercent: input.objectivePercent,
    // The epsilon absorbs float noise in a product printed to 4 decimals, nothing more.
    met: estimate * 100 >= input.objectivePercent - 1e-9,
    notes,
  };
}

/** The estimate for a stack, with the region RTO from its own region-loss budget. */
export function availabilityFromSettings(s: BudgetSettings): AvailabilityEstimate {
  const k = kindsOf(s);
  return estimateAvailability({
    regions: s.regions.length,
    entry: s.routing.mode.value,
    databaseInstancesPerRegion: s.database.instancesPerRegion.value,
    sessionNodesPerRegion: s.sessions.nodesPerRegion.value,
    ...(s.sessions.multiAz ? { sessionMultiAz: s.sessions.multiAz.value } : {}),
    regionRtoSeconds: regionLossBudget(s).rto.seconds,
    objectivePercent: s.objectives.availabilityPercent,
    ...(k.database === "aurora-dsql" ? { databaseKind: "aurora-dsql" as const } : {}),
    ...(k.sessions === "memorydb-multi-region" ? { sessionsKind: "memorydb-multi-region" as const } : {}),
  });
}

import { regionLossBudget, type BudgetSettings } from "./budget";
import { EVENTS, SECONDS_PER_YEAR, SLAS, type SlaKey } from "./constants";

/**
 * Composite availability from published SLAs (Well-Architected Reliability Pillar, "Availability"):
 * hard dependencies multiply (serial), independent redundant copies combine as 1 - prod(1 - A)
 * (parallel). The single-writer data tier does not get the parallel bonus: a writer-region event
 * costs writes the region RTO, modelled as event rate x RTO (docs/analysis-model.md, composite availability).
 *
 * SLAs are credit commitments, not measured availability, and independence is assumed; treat the
 * results as an order-of-magnitude check. Nothing here claims more than the global entry's SLA.
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
  /** RTO of a writer-region loss, from the budget (regionLossBudget(...).rto.seconds). */
  readonly regionRtoSeconds: number;
  readonly objectivePercent: number;
  /** @default EVENTS.regionEventsPerYear (0.56) */
  readonly regionEventsPerYear?: number;
}

export interface AvailabilityFactor {
  readonly name: string;
  readonly availability: number;
  readonly sla: SlaKey;
  readonly source: string;
}

export interface AvailabilityEstimate {
  readonly entry: AvailabilityFactor;
  /** Serial product of one region's data path (ALB x EC2 x Aurora x ElastiCache). */
  readonly regionDataPath: { readonly availability: number; readonly factors: readonly AvailabilityFactor[] };
  /** Reads and stateless requests below the entry: parallel(regions). */
  readonly reads: number;
  /** Writes below the entry: 1 - f x RTO / year (one writer: a region event costs the region RTO). */
  readonly writes: number;
  /** Writes if in-region SLAs are also taken literally: a pessimistic floor, reported, not compared. */
  readonly writesSlaFloor: number;
  /** With the entry as a serial factor (the reference's A_reads): ~99.990 % for two regions behind GA. */
  readonly readsWithEntry: number;
  readonly writesWithEntry: number;
  readonly writeEventTerm: { readonly eventsPerYear: number; readonly rtoSeconds: number; readonly minutesPerYear: number; readonly source: string };
  /** Control path (change things during an incident): the EKS API, kept out of the data path. */
  readonly controlPath: number;
  /** min(reads, writes): what the design below the entry delivers. */
  readonly design: number;
  /**
   * The claimable estimate, min(entry SLA, design): the entry's SLA is a ceiling no design below it
   * can raise, and nothing here claims more than it. This is what is compared with the objective.
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
  const factors = [
    factor("Application Load Balancer", "elb"),
    factor("EC2 (EKS nodes over >= 2 AZs)", "ec2Region"),
    input.databaseInstancesPerRegion >= 2 ? factor("Aurora, Multi-AZ", "auroraMultiAz") : factor("Aurora, single-AZ", "auroraSingleAz"),
    input.sessionNodesPerRegion >= 2 ? factor("ElastiCache, Multi-AZ", "elasticacheMultiAz") : factor("ElastiCache, single-AZ", "elasticacheSingleAz"),
  ];
  const region = serial(factors.map((f) => f.availability));
  const reads = parallel(Array.from({ length: input.regions }, () => region));
  const eventsPerYear = input.regionEventsPerYear ?? EVENTS.regionEventsPerYear.value;
  const eventTerm = eventUnavailability(eventsPerYear, input.regionRtoSeconds);
  const writes = 1 - eventTerm;
  const design = Math.min(reads, writes);
  const estimate = Math.min(entry.availability, design);
  const notes = [
    "SLAs are credit commitments, not designed-for availability; independence between services is assumed",
    `Region events: ${eventsPerYear}/year (${EVENTS.regionEventsPerYear.source})`,
    `The entry SLA (${entry.name}, ${entry.availability * 100} %) caps the estimate; the strict serial product is ${(entry.availability * design * 100).toFixed(5)} %`,
  ];
  if (input.entry === "route53") notes.push("Route 53's 100% covers DNS answers only; resolver caching and health-check lag are in the RTO, not here");
  return {
    entry,
    regionDataPath: { availability: region, factors },
    reads,
    writes,
    writesSlaFloor: region - eventTerm,
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
    // The epsilon absorbs float noise in 0.9999 * 100 vs 99.99, nothing more.
    met: estimate * 100 >= input.objectivePercent - 1e-9,
    notes,
  };
}

/** The estimate for a stack, with the region RTO from its own region-loss budget. */
export function availabilityFromSettings(s: BudgetSettings): AvailabilityEstimate {
  return estimateAvailability({
    regions: s.regions.length,
    entry: s.routing.mode.value,
    databaseInstancesPerRegion: s.database.instancesPerRegion.value,
    sessionNodesPerRegion: s.sessions.nodesPerRegion.value,
    regionRtoSeconds: regionLossBudget(s).rto.seconds,
    objectivePercent: s.objectives.availabilityPercent,
  });
}

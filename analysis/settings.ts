/**
 * The stack settings the budget and the availability estimate are computed from. Built from the
 * topology and stack config by drills/topology.ts (budgetSettings), or by hand in tests; every
 * value carries where it came from so a report can name the setting behind a term.
 */

/** A value and where it came from, e.g. `topology regions[us-east-1].app.healthCheck.intervalSeconds`. */
export interface Setting<T> {
  readonly value: T;
  readonly from: string;
}

export interface RegionBudgetSettings {
  readonly name: string;
  readonly availabilityZones: number;
  /** ALB target-group health check: what GA follows for ALB endpoints and what drains an AZ. */
  readonly albIntervalSeconds: Setting<number>;
  readonly albUnhealthyThreshold: Setting<number>;
}

export interface Objectives {
  readonly availabilityPercent: number;
  readonly azLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  readonly regionLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
}

export interface BudgetSettings {
  readonly writerRegion: string;
  readonly regions: readonly RegionBudgetSettings[];
  readonly routing: {
    readonly mode: Setting<"accelerator" | "route53">;
    /** Route 53 health check (route53 mode only). */
    readonly requestIntervalSeconds?: Setting<number>;
    readonly failureThreshold?: Setting<number>;
  };
  readonly database: {
    readonly instancesPerRegion: Setting<number>;
    /** `rds.global_db_rpo`: bounds the cross-region RPO when set. */
    readonly globalDbRpoSeconds?: Setting<number>;
    /** Regions whose member carries the bound (it binds only while such a member writes). @default - every region */
    readonly rpoBoundRegions?: readonly string[];
  };
  readonly sessions: {
    readonly nodesPerRegion: Setting<number>;
    /** TTL of the session-writer record the drill repoints. */
    readonly writerRecordTtlSeconds?: Setting<number>;
  };
  /** The alarm that tells people a region is unhealthy: detection time is period x evaluations. */
  readonly alarms?: { readonly periodSeconds: Setting<number>; readonly evaluationPeriods: Setting<number> };
  readonly app: {
    readonly capacity: Setting<"provisioned" | "scalable">;
    readonly replicasPerRegion: Setting<number>;
  };
  /**
   * Who triggers a region failover. Nothing promotes a global database or datastore on its own, so
   * unless the stack holds an automated trigger a person decides.
   * @default "human"
   */
  readonly decision?: "automated" | "human";
  /** What triggers it when automated (for the report). */
  readonly trigger?: string;
  readonly objectives: Objectives;
}

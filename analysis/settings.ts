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
  };
  readonly sessions: { readonly nodesPerRegion: Setting<number> };
  readonly app: {
    readonly capacity: Setting<"provisioned" | "scalable">;
    readonly replicasPerRegion: Setting<number>;
  };
  /** Who triggers a region failover. @default "automated" */
  readonly decision?: "automated" | "human";
  readonly objectives: Objectives;
}

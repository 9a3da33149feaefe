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
  /**
   * A planned switchover is judged against its own objective. Without one in the stack, the
   * region-loss objective stands in, and the report says so.
   */
  readonly plannedSwitchover?: { readonly rtoSeconds: number; readonly rpoSeconds: number };
}

/**
 * Which kind of store holds the data, read from the resources in the graph (what is deployed), or
 * from the stack config when the graph does not show it.
 * - `aurora-global`: one writer, a secondary promoted after a region loss.
 * - `aurora-dsql`: every peer writes; commits are synchronous across peers and witness (RPO 0).
 * - `memorydb-multi-region`: every member writes; asynchronous replication, typically under 1 s.
 * - `elasticache-global`: one primary group, promoted after a region loss; `writerRecord` when a
 *   DNS record must be repointed to the new primary (a Route 53 control-plane change).
 */
export interface DataKinds {
  readonly database: "aurora-global" | "aurora-dsql" | "none";
  readonly sessions: "memorydb-multi-region" | "elasticache-global" | "none";
  /** The session writes go through a DNS record the failover must repoint. */
  readonly sessionWriterRecord: boolean;
  readonly from: string;
}

/** One execution block of a Region switch plan, as the budget counts it. */
export interface PlanBlock {
  readonly name: string;
  /** ARC's executionBlockType, e.g. `AuroraGlobalDatabase`, `CustomActionLambda`, `ManualApproval`. */
  readonly type: string;
  /** For `AuroraGlobalDatabase`: `switchoverOnly` or `failover`, and the ungraceful override. */
  readonly auroraBehavior?: string;
  readonly auroraUngraceful?: string;
  readonly timeoutMinutes?: number;
  /** Blocks run side by side (a `Parallel` block). */
  readonly parallel?: readonly PlanBlock[];
}

/**
 * An ARC Region switch plan whose triggers execute it on CloudWatch alarms: the automated failover
 * path. `alarms` are the trigger conditions' alarms with their own period and evaluation periods
 * (read from the alarm resources; `from` says when they were not found).
 */
export interface RecoveryPlan {
  readonly name: string;
  readonly alarms: readonly { readonly name: string; readonly periodSeconds: Setting<number>; readonly evaluationPeriods: Setting<number> }[];
  /** The workflow its trigger runs (activate the survivor, or deactivate the lost region): its steps in order. */
  readonly steps: readonly PlanBlock[];
  /** Why the plan cannot fail over on its own, if it cannot (no workflow for its trigger, switchover-only Aurora block). */
  readonly gap?: string;
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
    /** Multi-AZ (automatic failover) of the session store, read from its resources when the graph shows it. */
    readonly multiAz?: Setting<boolean>;
    /** TTL of the session-writer record the drill repoints. */
    readonly writerRecordTtlSeconds?: Setting<number>;
  };
  /** The alarm that tells people a region is unhealthy: detection time is period x evaluations. */
  readonly alarms?: { readonly periodSeconds: Setting<number>; readonly evaluationPeriods: Setting<number> };
  /** The graph holds no CloudWatch alarm at all: nothing pages anyone (read from the resources). */
  readonly noAlarms?: boolean;
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
  /** The Region switch plan with triggers, when the graph holds one (automated region failover). */
  readonly recoveryPlan?: RecoveryPlan;
  /** The store kinds; absent: the single-writer Aurora global database and ElastiCache datastore behind a record. */
  readonly dataKinds?: DataKinds;
  readonly objectives: Objectives;
}

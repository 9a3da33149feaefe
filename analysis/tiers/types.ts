import type { GraphNode } from "../../graph/model";

/** The tiers whose survival the analysis reports, in display order. */
export const ANALYSIS_TIERS = ["entry", "app", "databaseWriter", "databaseReads", "sessions", "backups"] as const;
export type AnalysisTier = (typeof ANALYSIS_TIERS)[number];

export const TIER_LABELS: Record<AnalysisTier, string> = {
  entry: "entry",
  app: "app",
  databaseWriter: "database writer",
  databaseReads: "database reads",
  sessions: "sessions",
  backups: "backups",
};

/**
 * One tier in one region. `standby`: a promotable secondary (Aurora secondary cluster) that takes
 * writes only after a promotion.
 */
export type RegionStatus = "serves" | "standby" | "down" | "absent";

/**
 * One tier across the stack. `promotion`: writes stop until a secondary region is promoted (a
 * recovery, not survival); `partial`: a dead region still receives traffic because nothing
 * health-checks it.
 */
export type TierStatus = "serves" | "partial" | "promotion" | "down" | "absent";

export interface RegionCell {
  readonly status: RegionStatus;
  /** Capacity units left, of `total`, in `unit` (pods, instances, nodes, entries, plans). */
  readonly surviving: number;
  readonly total: number;
  readonly unit: string;
  /** Usable share of the steady-state capacity (surviving / total unless another part limits it); null when absent. */
  readonly share: number | null;
  readonly notes: string[];
  /** URNs found lost while evaluating this cell: what to blame when it stops. */
  readonly lost: string[];
  /** The tier's main resources in this region, named when the region itself is the problem. */
  readonly anchors: string[];
}

export interface TierOutcome {
  readonly tier: AnalysisTier;
  readonly status: TierStatus;
  /** Surviving capacity over the steady-state capacity of all regions; null when absent. */
  readonly share: number | null;
  readonly regions: Record<string, RegionCell>;
  /** Set when status is `promotion`: the region and resource to promote (the RTO comes from the budget). */
  readonly promotion?: { readonly region: string; readonly urn: string };
  readonly notes: string[];
  /** URNs to name when this outcome is a problem, when the cause is not simply what was lost. */
  readonly blame?: string[];
}

export function cell(
  status: RegionStatus,
  surviving: number,
  total: number,
  unit: string,
  extra: { notes?: string[]; lost?: GraphNode[]; anchors?: GraphNode[]; share?: number } = {},
): RegionCell {
  return {
    status,
    surviving,
    total,
    unit,
    share: status === "absent" ? null : extra.share ?? (total > 0 ? surviving / total : 0),
    notes: extra.notes ?? [],
    lost: [...new Set((extra.lost ?? []).map((n) => n.urn))],
    anchors: (extra.anchors ?? []).map((n) => n.urn),
  };
}

export const ABSENT: RegionCell = cell("absent", 0, 0, "");

/** Global share: surviving over total capacity across the regions where the tier exists. */
export function totalShare(cells: RegionCell[]): number | null {
  const present = cells.filter((c) => c.status !== "absent");
  if (present.length === 0) return null;
  const total = present.reduce((a, c) => a + c.total, 0);
  return total > 0 ? present.reduce((a, c) => a + (c.share ?? 0) * c.total, 0) / total : 0;
}

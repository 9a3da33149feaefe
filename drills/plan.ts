import {
  azLossBudget,
  detectionTerms,
  plannedSwitchoverBudget,
  regionLossBudget,
  type BudgetSettings,
  type DisruptionBudget,
} from "../analysis/budget";
import type { StackConfig } from "../config/parse";
import { describeLive, type LiveState } from "./live";
import { budgetSettings, drillTargets, TopologyError, type DrillTargets, type DrillTopology } from "./topology";

/** What a drill will do, decided before anything runs: regions, budget, objective, consent. */

export interface DrillOptions {
  /** `region`: move the writer to `to`; `az`: fail the writer and primary out of `az`. */
  readonly kind: "region" | "az";
  readonly to?: string;
  readonly mode?: "planned" | "unplanned";
  readonly failback?: boolean;
  readonly az?: string;
  /** Leave the source region's dial at 0 after a planned switchover. */
  readonly keepDrained?: boolean;
  /** Unplanned: the operator accepts the loss of writes not yet replicated (FailoverGlobalCluster AllowDataLoss). */
  readonly allowDataLoss?: boolean;
  /** Unplanned: the most replication lag (seconds) the operator accepts losing. @default the RPO objective */
  readonly maxDataLossSeconds?: number;
  /** Unplanned against a healthy source: the operator says it is a rehearsal. */
  readonly rehearsal?: boolean;
}

export interface RpoBound {
  /** `rds.global_db_rpo` applies to the writer (its parameter group carries it). */
  readonly bounded: boolean;
  readonly seconds?: number;
  readonly text: string;
}

export interface DrillPlan {
  readonly kind: "region" | "az";
  readonly mode: "planned" | "unplanned";
  readonly failback: boolean;
  readonly stack: string;
  /** Region drill: current writer (live in execute mode). AZ drill: the AZ's region. */
  readonly source: string;
  /** Where `source` came from: AWS (live) or the topology (offline). */
  readonly sourceFrom: string;
  /** Region drill: new writer. AZ drill: the AZ's region. */
  readonly target: string;
  readonly az?: string;
  readonly keepDrained: boolean;
  readonly allowDataLoss: boolean;
  readonly maxDataLossSeconds: number;
  readonly rehearsal: boolean;
  readonly targets: DrillTargets;
  readonly settings: BudgetSettings;
  readonly budget: DisruptionBudget;
  readonly objective: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  /** Expected detection time of the source region (sum of its detection terms). */
  readonly detectionSeconds: number;
  /** The RPO bound while the source writes (this drill's data loss) and after the drill. */
  readonly rpo: { readonly during: RpoBound; readonly after: RpoBound };
  /** The live state the plan was built from (execute mode). */
  readonly live?: LiveState;
  readonly warnings: readonly string[];
}

function rpoBound(targets: DrillTargets, writer: string, phrase: string): RpoBound {
  const seconds = targets.globalDbRpoSeconds;
  const when = phrase ? ` ${phrase}` : "";
  if (seconds === undefined) return { bounded: false, text: `unbounded${when}: rds.global_db_rpo is not configured` };
  const assumed = targets.rpoBoundAssumed ? " (assumed: the topology does not list rpoBoundRegions)" : "";
  if (targets.rpoBoundRegions.includes(writer)) {
    return { bounded: true, seconds, text: `bounded at ${seconds} s${when}: ${writer}'s parameter group sets rds.global_db_rpo${assumed}` };
  }
  return {
    bounded: false,
    seconds,
    text: `unbounded (lapsed)${when}: ${writer}'s parameter group does not set rds.global_db_rpo (set in ${targets.rpoBoundRegions.join(", ") || "no region"})${assumed}`,
  };
}

/**
 * The region that writes now. Live state (execute) beats the topology: after a drill the
 * topology still names the old writer until the next `pulumi up`.
 */
function resolveSource(t: DrillTopology, to: string, names: readonly string[], live: LiveState | undefined, failback: boolean, hint: boolean): { source: string; from: string } {
  const others = names.filter((n) => n !== to);
  if (!live && hint && t.writerRegion === to && others.length > 0) {
    // Execute mode before the live read: the topology may be stale, AWS decides.
    return { source: others[0], from: `a guess: the topology names ${to}, which may be stale; the writer is read from AWS before any step runs` };
  }
  if (!live) {
    if (failback) {
      const source = others.length === 1 ? others[0] : t.writerRegion !== to ? t.writerRegion : "";
      if (!source) throw new TopologyError(`--failback to ${to}: cannot tell which of ${others.join(", ")} holds the writer; run the drill with --to from the current writer`);
      return { source, from: "the only other region" };
    }
    if (t.writerRegion === to) {
      throw new TopologyError(
        `--to ${to} is already the writer region in the topology of stack ${t.stack}; choose ${others.join(" or ")}, or pass --failback to return the writer to ${to} (with --execute the writer is read from AWS)`,
      );
    }
    return { source: t.writerRegion, from: `topology writerRegion (offline; --execute reads it from AWS)` };
  }
  const db = live.database;
  if (db.unknown) throw new TopologyError(`cannot read the global cluster in ${to} to find the current writer: ${db.unknown}`);
  const op = db.operation;
  if (op) {
    if (op.to !== to) throw new TopologyError(`a ${op.kind} of the global cluster from ${op.from ?? "?"} to ${op.to ?? "?"} is in progress (${op.status}); wait for it before moving the writer to ${to}`);
    return { source: op.from ?? others[0], from: `live: ${op.kind} ${op.from} -> ${op.to} in progress (DescribeGlobalClusters in ${to})` };
  }
  if (db.writer && db.writer !== to) return { source: db.writer, from: `live: DescribeGlobalClusters in ${to}` };
  // The database already writes in `to`: a re-run after (part of) a drill. Find where it came from.
  const drained = others.filter((n) => live.dials[n] === 0);
  const candidates: Array<[string | undefined, string]> = [
    [live.sessions.primary !== to ? live.sessions.primary : undefined, "live: the session store primary has not moved yet"],
    [drained.length === 1 ? drained[0] : undefined, "live: the only region drained to 0%"],
    [others.length === 1 ? others[0] : undefined, "the only other region"],
    [t.writerRegion !== to ? t.writerRegion : undefined, "topology writerRegion"],
  ];
  const found = candidates.find(([region]) => region !== undefined);
  if (!found) throw new TopologyError(`${to} already holds the writer and the region it came from cannot be told apart (${others.join(", ")}); run the drill with --to from the current writer`);
  return { source: found[0]!, from: found[1] };
}

/**
 * `live`: the roles read from AWS (execute). `hint`: execute mode before that read, so a topology
 * that names --to as the writer (perhaps stale) is no reason to refuse yet.
 */
export function buildPlan(t: DrillTopology, options: DrillOptions, extra: { lenient?: boolean; config?: StackConfig; live?: LiveState; hint?: boolean } = {}): DrillPlan {
  const baseSettings = budgetSettings(t, extra.config);
  const names = t.regions.map((r) => r.name);
  const consent = { allowDataLoss: false, maxDataLossSeconds: t.objectives.regionLoss.rpoSeconds, rehearsal: false };
  if (options.kind === "az") {
    if (!options.az) throw new TopologyError("--az needs an availability zone name");
    const region = t.regions.find((r) => r.availabilityZones.includes(options.az!));
    if (!region) {
      const all = t.regions.flatMap((r) => r.availabilityZones);
      throw new TopologyError(`--az ${options.az} is not an AZ of the stack (AZs: ${all.join(", ")})`);
    }
    const targets = drillTargets(t, [region.name], { lenient: extra.lenient });
    const bound = rpoBound(targets, t.writerRegion, "");
    return {
      kind: "az",
      mode: "planned",
      failback: false,
      stack: t.stack,
      source: region.name,
      sourceFrom: "the AZ's region",
      target: region.name,
      az: options.az,
      keepDrained: false,
      ...consent,
      targets,
      settings: baseSettings,
      budget: azLossBudget(baseSettings, region.name),
      objective: t.objectives.azLoss,
      detectionSeconds: 0,
      rpo: { during: bound, after: bound },
      warnings: [...targets.placeholders],
    };
  }
  const to = options.to;
  if (!to) throw new TopologyError("--to <region> is required for a region drill");
  if (!names.includes(to)) throw new TopologyError(`--to ${to} is not a region of stack ${t.stack} (regions: ${names.join(", ")})`);
  const failback = !!options.failback;
  const mode = options.mode ?? (failback ? "planned" : undefined);
  if (!mode) throw new TopologyError("--mode planned|unplanned is required for a region drill");
  const { source, from } = resolveSource(t, to, names, extra.live, failback, !!extra.hint);
  const targets = drillTargets(t, [source, to], { lenient: extra.lenient, regionDrill: true });
  const during = rpoBound(targets, source, "during this drill");
  const after = rpoBound(targets, to, "after it");
  // The budget's bound holds only while a region whose parameter group sets it writes.
  const settings: BudgetSettings = during.bounded ? baseSettings : { ...baseSettings, database: { instancesPerRegion: baseSettings.database.instancesPerRegion } };
  const budget = mode === "planned" ? plannedSwitchoverBudget(settings) : regionLossBudget({ ...settings, writerRegion: source }, source);
  const detectionSeconds = detectionTerms(settings, source)
    .filter((x) => x.phase === "detect" || x.phase === "propagate")
    .reduce((s, x) => s + x.seconds, 0);
  const warnings = [...targets.placeholders];
  if (!after.bounded && targets.globalDbRpoSeconds !== undefined) warnings.push(`RPO ${after.text}`);
  if (extra.live) warnings.push(...liveWarnings(extra.live, source, to));
  return {
    kind: "region",
    mode,
    failback,
    stack: t.stack,
    source,
    sourceFrom: from,
    target: to,
    keepDrained: !!options.keepDrained,
    allowDataLoss: mode === "unplanned" && !!options.allowDataLoss,
    maxDataLossSeconds: options.maxDataLossSeconds ?? consent.maxDataLossSeconds,
    rehearsal: mode === "unplanned" && !!options.rehearsal,
    targets,
    settings,
    budget,
    objective: t.objectives.regionLoss,
    detectionSeconds,
    rpo: { during, after },
    ...(extra.live ? { live: extra.live } : {}),
    warnings,
  };
}

function liveWarnings(live: LiveState, source: string, to: string): string[] {
  const out: string[] = [];
  if (live.database.writer === to) out.push(`live state: ${describeLive(live)}; steps already done will be skipped`);
  if (live.sessions.unknown) out.push(`session store roles unknown: ${live.sessions.unknown}`);
  else if (live.sessions.primary && live.sessions.primary !== source && live.sessions.primary !== to) out.push(`the session store primary is in ${live.sessions.primary}, neither ${source} nor ${to}`);
  return out;
}

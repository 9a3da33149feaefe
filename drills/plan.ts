import {
  azLossBudget,
  detectionTerms,
  plannedSwitchoverBudget,
  regionLossBudget,
  type BudgetSettings,
  type DisruptionBudget,
} from "../analysis/budget";
import { budgetSettings, drillTargets, TopologyError, type DrillTargets, type DrillTopology } from "./topology";
import type { StackConfig } from "../config/parse";

/** What a drill will do, decided before anything runs: regions, budget, objective. */

export interface DrillOptions {
  /** `region`: move the writer to `to`; `az`: fail the writer and primary out of `az`. */
  readonly kind: "region" | "az";
  readonly to?: string;
  readonly mode?: "planned" | "unplanned";
  readonly failback?: boolean;
  readonly az?: string;
  /** Leave the source region's dial at 0 after a planned switchover. */
  readonly keepDrained?: boolean;
}

export interface DrillPlan {
  readonly kind: "region" | "az";
  readonly mode: "planned" | "unplanned";
  readonly failback: boolean;
  readonly stack: string;
  /** Region drill: expected current writer. AZ drill: the AZ's region. */
  readonly source: string;
  /** Region drill: new writer. AZ drill: the AZ's region. */
  readonly target: string;
  readonly az?: string;
  readonly keepDrained: boolean;
  readonly targets: DrillTargets;
  readonly settings: BudgetSettings;
  readonly budget: DisruptionBudget;
  readonly objective: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  /** Expected detection time of the source region (sum of its detection terms). */
  readonly detectionSeconds: number;
  readonly warnings: readonly string[];
}

export function buildPlan(t: DrillTopology, options: DrillOptions, extra: { lenient?: boolean; config?: StackConfig } = {}): DrillPlan {
  const settings = budgetSettings(t, extra.config);
  const names = t.regions.map((r) => r.name);
  if (options.kind === "az") {
    if (!options.az) throw new TopologyError("--az needs an availability zone name");
    const region = t.regions.find((r) => r.availabilityZones.includes(options.az!));
    if (!region) {
      const all = t.regions.flatMap((r) => r.availabilityZones);
      throw new TopologyError(`--az ${options.az} is not an AZ of the stack (AZs: ${all.join(", ")})`);
    }
    const targets = drillTargets(t, [region.name], { lenient: extra.lenient });
    const budget = azLossBudget(settings, region.name);
    return {
      kind: "az",
      mode: "planned",
      failback: false,
      stack: t.stack,
      source: region.name,
      target: region.name,
      az: options.az,
      keepDrained: false,
      targets,
      settings,
      budget,
      objective: t.objectives.azLoss,
      detectionSeconds: 0,
      warnings: [...targets.placeholders],
    };
  }
  const to = options.to;
  if (!to) throw new TopologyError("--to <region> is required for a region drill");
  if (!names.includes(to)) throw new TopologyError(`--to ${to} is not a region of stack ${t.stack} (regions: ${names.join(", ")})`);
  const failback = !!options.failback;
  const mode = options.mode ?? (failback ? "planned" : undefined);
  if (!mode) throw new TopologyError("--mode planned|unplanned is required for a region drill");
  let source: string;
  if (failback) {
    const others = names.filter((n) => n !== to);
    source = others.length === 1 ? others[0] : t.writerRegion !== to ? t.writerRegion : "";
    if (!source) throw new TopologyError(`--failback to ${to}: cannot tell which of ${others.join(", ")} holds the writer; run the drill with --to from the current writer`);
  } else {
    source = t.writerRegion;
    if (source === to) {
      const secondaries = names.filter((n) => n !== to);
      throw new TopologyError(`--to ${to} is already the writer region of stack ${t.stack}; choose ${secondaries.join(" or ")}, or pass --failback to return the writer to ${to}`);
    }
  }
  const targets = drillTargets(t, [source, to], { lenient: extra.lenient, needsRouting: true });
  const budget = mode === "planned" ? plannedSwitchoverBudget(settings) : regionLossBudget({ ...settings, writerRegion: source }, source);
  const detectionSeconds = detectionTerms(settings, source)
    .filter((x) => x.phase === "detect" || x.phase === "propagate")
    .reduce((s, x) => s + x.seconds, 0);
  return {
    kind: "region",
    mode,
    failback,
    stack: t.stack,
    source,
    target: to,
    keepDrained: !!options.keepDrained,
    targets,
    settings,
    budget,
    objective: t.objectives.regionLoss,
    detectionSeconds,
    warnings: [...targets.placeholders],
  };
}

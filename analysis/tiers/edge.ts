import type { GraphNode } from "../../graph/model";
import type { Survival } from "../domains";
import type { Inventory } from "../inventory";
import { ABSENT, cell, type RegionCell, type TierOutcome } from "./types";

/**
 * Entry: a Global Accelerator endpoint group (or a Route 53 record) serves a region while its
 * accelerator and listener exist and it points at a live load balancer whose region's app serves
 * (GA and health-checked records follow the ALB's target health). A dead region that still gets
 * traffic because nothing health-checks it makes the entry `partial`.
 *
 * Backups: a plan takes backups while it, a selection and its target vault survive; its recovery
 * points survive while the target vault or a copy destination in another region survives.
 */

export function entryOutcome(ctx: Survival, inv: Inventory, regions: string[], app: TierOutcome): TierOutcome {
  const g = ctx.graph;
  if (inv.entries.length === 0) return { tier: "entry", status: "absent", share: null, regions: Object.fromEntries(regions.map((r) => [r, ABSENT])), notes: [] };
  const appServes = (alb: GraphNode) => app.regions[g.regionOf(alb) ?? ""]?.status === "serves";
  const cells: Record<string, RegionCell> = {};
  let weightTotal = 0;
  let weightServing = 0;
  const unhealthyRouted: GraphNode[] = [];
  for (const region of regions) {
    const entries = inv.entries.filter((e) => e.region === region);
    if (entries.length === 0) {
      cells[region] = ABSENT;
      continue;
    }
    const { value, lost } = ctx.track(() => entries.map((e) => {
      const routes = !ctx.lost(e.node) && e.requires.every((r) => !ctx.lost(r));
      const serving = routes && e.targets.some((t) => ctx.alive(t) && appServes(t));
      return { e, routes, serving };
    }));
    for (const v of value) {
      const weight = v.e.trafficDial ?? 100;
      weightTotal += weight;
      if (v.serving) weightServing += weight;
      if (v.routes && !v.serving && !v.e.healthChecked) unhealthyRouted.push(v.e.node);
    }
    const serving = value.filter((v) => v.serving).length;
    const notes = value.filter((v) => v.serving && v.e.trafficDial === 0).map((v) => `${v.e.node.name}: traffic dial is 0 (takes no traffic)`);
    cells[region] = cell(serving > 0 ? "serves" : "down", serving, entries.length, inv.entryKind === "accelerator" ? "endpoint groups" : "records", {
      lost,
      notes,
      anchors: entries.flatMap((e) => [e.node, ...e.targets]),
    });
  }
  const present = Object.values(cells).filter((c) => c.status !== "absent");
  const anyServing = present.some((c) => c.status === "serves");
  const notes: string[] = [];
  let status: TierOutcome["status"] = anyServing ? (unhealthyRouted.length > 0 ? "partial" : "serves") : "down";
  let share = weightTotal > 0 ? weightServing / weightTotal : 0;
  if (anyServing && weightServing === 0) {
    // A dial at 0 is a drain (a drill state), not a failure: when no group with a dial above 0 has a
    // healthy endpoint, Global Accelerator fails over ignoring the dial (GA Developer Guide, How
    // failover works for unhealthy endpoints), so the drained region still takes the traffic.
    const groups = present.reduce((a, c) => a + c.total, 0);
    share = groups > 0 ? present.reduce((a, c) => a + c.surviving, 0) / groups : 0;
    notes.push("every serving endpoint group has traffic dial 0 (drained, as in a drill): Global Accelerator ignores the dial when it fails over, so they still take the traffic");
  }
  if (unhealthyRouted.length > 0) notes.push(`a region that cannot serve still receives traffic: ${unhealthyRouted.map((n) => n.name).join(", ")} has no health check`);
  if (!anyServing && inv.entryKind === "accelerator") notes.push("Global Accelerator fails open when no endpoint is healthy; nothing serves either way");
  return {
    tier: "entry",
    status,
    share,
    regions: cells,
    notes,
    ...(unhealthyRouted.length > 0 ? { blame: unhealthyRouted.map((n) => n.urn) } : {}),
  };
}

export function backupsOutcome(ctx: Survival, inv: Inventory, regions: string[]): TierOutcome {
  if (inv.backupPlans.length === 0) return { tier: "backups", status: "absent", share: null, regions: Object.fromEntries(regions.map((r) => [r, ABSENT])), notes: [] };
  const lostRegion = ctx.domain?.kind === "region" ? ctx.domain.region : undefined;
  const state = inv.backupPlans.map((p) => {
    const { value, lost } = ctx.track(() => {
      const taking = !ctx.lost(p.plan) && p.selections.some((s) => !ctx.lost(s)) && p.targetVaults.some((v) => !ctx.lost(v));
      const recoverable = p.targetVaults.some((v) => !ctx.lost(v)) || p.copyVaults.some((v) => !ctx.lost(v)) || p.externalCopyRegions.some((r) => r !== lostRegion);
      const copies = p.copyVaults.length + p.externalCopyRegions.length;
      return { taking, recoverable, copies };
    });
    return { p, lost, ...value };
  });
  const cells: Record<string, RegionCell> = {};
  for (const region of regions) {
    const mine = state.filter((s) => s.p.region === region);
    if (mine.length === 0) {
      cells[region] = ABSENT;
      continue;
    }
    const taking = mine.filter((s) => s.taking).length;
    const notes = [
      ...mine.filter((s) => s.copies === 0).map((s) => `${s.p.plan.name}: no copy to another region`),
      ...mine.filter((s) => s.p.selections.length === 0).map((s) => `${s.p.plan.name}: selects no resources`),
    ];
    cells[region] = cell(taking > 0 ? "serves" : "down", taking, mine.length, "plans", {
      lost: mine.flatMap((s) => s.lost),
      notes,
      anchors: mine.flatMap((s) => [s.p.plan, ...s.p.targetVaults]),
    });
  }
  const unrecoverable = state.filter((s) => !s.recoverable);
  const notes = unrecoverable.map((s) => `recovery points of ${s.p.plan.name} (${s.p.region}) are all in the lost domain${s.copies === 0 ? ": it copies to no other region" : ""}`);
  const takingAny = state.some((s) => s.taking);
  if (unrecoverable.length === 0 && !takingAny) notes.push("recovery points survive, but no backup plan runs after this loss");
  return {
    tier: "backups",
    status: unrecoverable.length > 0 ? "down" : "serves",
    share: state.filter((s) => s.recoverable).length / state.length,
    regions: cells,
    notes,
    ...(unrecoverable.length > 0 ? { blame: unrecoverable.map((s) => s.p.plan.urn) } : {}),
  };
}

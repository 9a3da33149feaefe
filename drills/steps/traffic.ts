import { TIMINGS } from "../../analysis/constants";
import type { Step, StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { dialBefore, endpointGroup, setDial } from "./dials";
import { cli, controlPlaneNote, regionHealth, regionTargets } from "./shared";

/**
 * Planned drills move users before the writer: raise the target's dial, drain the source (Global
 * Accelerator control-plane calls in us-west-2, fine when both regions are healthy), and return
 * the source's traffic afterwards. A drill that fails after the drain puts the dials back (unless
 * --keep-drained), so a failed drill never leaves a healthy region at 0 % without saying so.
 */

const alreadySwitched = (ctx: StepContext) => ctx.facts.liveWriterRegion === ctx.plan.target;

export const drainStep: Step = {
  id: "drain",
  title: "Drain the source region",
  timeoutSeconds: 300,
  describe: (plan: DrillPlan) => [
    `make sure ${plan.target} takes traffic (dial 100%), then set ${plan.source}'s traffic dial to 0% (UpdateEndpointGroup, ${controlPlaneNote(plan, "globalAccelerator")})`,
    `wait ${TIMINGS.gaTrafficDialPropagation.value} s for connections to move; if a later step fails, the dials go back${plan.keepDrained ? " (not with --keep-drained)" : ""}`,
  ],
  async check(ctx) {
    if (alreadySwitched(ctx)) return { done: true, observed: `${ctx.plan.target} already holds the writer` };
    const eg = await endpointGroup(ctx, ctx.plan.source);
    const target = await endpointGroup(ctx, ctx.plan.target);
    return { done: eg.trafficDial === 0 && target.trafficDial > 0, observed: `${ctx.plan.source}: dial ${eg.trafficDial}%, ${ctx.plan.target}: dial ${target.trafficDial}%` };
  },
  async run(ctx) {
    // Never drain the source into a target that takes no traffic (a failback target may sit at 0).
    await setDial(ctx, ctx.plan.target, 100);
    await setDial(ctx, ctx.plan.source, 0);
    await ctx.clock.sleep(TIMINGS.gaTrafficDialPropagation.value * 1000);
    ctx.note(`waited ${TIMINGS.gaTrafficDialPropagation.value} s for traffic to move (${TIMINGS.gaTrafficDialPropagation.source})`);
  },
  async compensate(ctx) {
    const { plan, facts } = ctx;
    const before = facts.dialsBefore;
    if (before[plan.source] === undefined && before[plan.target] === undefined) return undefined;
    if (plan.keepDrained) return `kept: ${plan.source} stays at 0% (--keep-drained)`;
    // A source that turned unhealthy during the drill keeps no traffic: dialling it up sends users nowhere.
    const health = await regionHealth(ctx, plan.source);
    if (!health.healthy) return `kept: ${plan.source} is not healthy now (${health.text}); its dial stays at 0% until it recovers`;
    const done: string[] = [];
    // Source first: a region that takes traffic again before the other is dialled down.
    for (const region of [plan.source, plan.target]) {
      const want = before[region];
      if (want === undefined) continue;
      await setDial(ctx, region, want);
      done.push(`${region} ${want}%`);
    }
    return `dials restored to their values before the drill: ${done.join(", ")}`;
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    const s = regionTargets(plan, plan.source);
    return [cli.describeEndpointGroup(s.endpointGroupArn ?? ""), cli.setDial(t.endpointGroupArn ?? "", 100), cli.setDial(s.endpointGroupArn ?? "", 0)];
  },
};

export const restoreStep: Step = {
  id: "restore-traffic",
  title: "Return traffic to the old writer region",
  timeoutSeconds: 300,
  describe: (plan: DrillPlan) => [`set ${plan.source}'s traffic dial back to its value before the drill (100% if unknown)`],
  async check(ctx) {
    const eg = await endpointGroup(ctx, ctx.plan.source);
    const want = dialBefore(ctx, ctx.plan.source);
    return { done: eg.trafficDial === want, observed: `${ctx.plan.source}: dial ${eg.trafficDial}%` };
  },
  async run(ctx) {
    await setDial(ctx, ctx.plan.source, dialBefore(ctx, ctx.plan.source));
  },
  nextCommands: (plan) => [cli.setDial(regionTargets(plan, plan.source).endpointGroupArn ?? "", 100)],
};

import { CONTROL_PLANES, TIMINGS } from "../../analysis/constants";
import { StepFailure, type Step, type StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import { cli, healthCommand, regionHealth, regionTargets } from "./shared";

/**
 * Traffic steps. Planned: dial the source region to 0 before the writer moves and back afterwards
 * (Global Accelerator control-plane calls in us-west-2: fine when planned). Unplanned: no dial
 * change; the step waits for the health checks to take the source out, which is what recovers
 * traffic in a real region loss.
 */

async function endpointGroup(ctx: StepContext, region: string) {
  const arn = regionTargets(ctx.plan, region).endpointGroupArn;
  if (!arn) throw new StepFailure(`no endpoint group ARN for ${region} in the topology`);
  const eg = await ctx.aws.describeEndpointGroup(arn);
  ctx.facts.dials[region] = eg.trafficDial;
  return eg;
}

async function setDial(ctx: StepContext, region: string, percent: number): Promise<void> {
  const eg = await endpointGroup(ctx, region);
  ctx.facts.dialsBefore[region] ??= eg.trafficDial;
  if (eg.trafficDial === percent) return;
  await ctx.aws.setTrafficDial(eg, percent);
  ctx.note(`${region}: traffic dial ${eg.trafficDial}% -> ${percent}% (control plane ${CONTROL_PLANES.globalAccelerator.region})`);
  await ctx.waitFor(
    `${region} traffic dial ${percent}%`,
    () => endpointGroup(ctx, region),
    (g) => g.trafficDial === percent,
    (g) => `${region}: dial ${g.trafficDial}%`,
    5,
  );
}

const alreadySwitched = (ctx: StepContext) => ctx.facts.liveWriterRegion === ctx.plan.target;

export const drainStep: Step = {
  id: "drain",
  title: "Drain the source region",
  timeoutSeconds: 300,
  describe: (plan: DrillPlan) => [
    `make sure ${plan.target} takes traffic (dial 100%), then set ${plan.source}'s traffic dial to 0% (UpdateEndpointGroup, us-west-2)`,
    `wait ${TIMINGS.gaTrafficDialPropagation.value} s for connections to move`,
  ],
  async check(ctx) {
    if (alreadySwitched(ctx)) return { done: true, observed: `${ctx.plan.target} already holds the writer` };
    const eg = await endpointGroup(ctx, ctx.plan.source);
    return { done: eg.trafficDial === 0, observed: `${ctx.plan.source}: dial ${eg.trafficDial}%` };
  },
  async run(ctx) {
    // Never drain the source into a target that takes no traffic (a failback target may sit at 0).
    await setDial(ctx, ctx.plan.target, 100);
    await setDial(ctx, ctx.plan.source, 0);
    await ctx.clock.sleep(TIMINGS.gaTrafficDialPropagation.value * 1000);
    ctx.note(`waited ${TIMINGS.gaTrafficDialPropagation.value} s for traffic to move (${TIMINGS.gaTrafficDialPropagation.source})`);
  },
  nextCommands: (plan) => {
    const t = regionTargets(plan, plan.target);
    const s = regionTargets(plan, plan.source);
    return [cli.describeEndpointGroup(s.endpointGroupArn ?? ""), cli.setDial(t.endpointGroupArn ?? "", 100), cli.setDial(s.endpointGroupArn ?? "", 0)];
  },
};

export const detectStep: Step = {
  id: "detect",
  title: "Health checks take the source out",
  timeoutSeconds: 600,
  opensOutage: true,
  describe: (plan: DrillPlan) => [
    `no control-plane call: wait up to ${plan.detectionSeconds + 60} s for ${plan.source}'s entry to turn unhealthy (expected ${plan.detectionSeconds} s)`,
    "a drill of a healthy region continues after the wait with a warning",
  ],
  async check(ctx) {
    return alreadySwitched(ctx) ? { done: true, observed: `${ctx.plan.target} already holds the writer` } : { done: false, observed: "" };
  },
  async run(ctx) {
    const limit = Math.min(ctx.plan.detectionSeconds + 60, ctx.remainingSeconds());
    const deadline = ctx.clock.now() + limit * 1000;
    for (;;) {
      const h = await regionHealth(ctx, ctx.plan.source);
      ctx.observe(h.text);
      if (h.unhealthy) {
        ctx.note(`${ctx.plan.source} taken out by health checks: ${h.text}`);
        return;
      }
      if (ctx.clock.now() + 5000 > deadline) {
        ctx.warn(`${ctx.plan.source} still not unhealthy after ${limit} s (${h.text}): health checks did not move traffic; continuing as the drill of a healthy region`);
        return;
      }
      await ctx.clock.sleep(5000);
    }
  },
  nextCommands: (plan) => [healthCommand(plan, plan.source)],
};

export const restoreStep: Step = {
  id: "restore-traffic",
  title: "Return traffic to the old writer region",
  timeoutSeconds: 300,
  describe: (plan: DrillPlan) => [`set ${plan.source}'s traffic dial back to its value before the drill (100% if unknown)`],
  async check(ctx) {
    const eg = await endpointGroup(ctx, ctx.plan.source);
    const want = desiredDial(ctx);
    return { done: eg.trafficDial === want, observed: `${ctx.plan.source}: dial ${eg.trafficDial}%` };
  },
  async run(ctx) {
    await setDial(ctx, ctx.plan.source, desiredDial(ctx));
  },
  nextCommands: (plan) => [cli.setDial(regionTargets(plan, plan.source).endpointGroupArn ?? "", 100)],
};

function desiredDial(ctx: StepContext): number {
  const before = ctx.facts.dialsBefore[ctx.plan.source];
  return before !== undefined && before > 0 ? before : 100;
}

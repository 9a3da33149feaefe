import type { EndpointGroupView } from "../aws";
import { StepFailure, type StepContext } from "../engine";
import { controlPlaneNote, regionTargets } from "./shared";

/** Global Accelerator traffic dials (control plane in us-west-2), shared by drain, fence and restore. */

export async function endpointGroup(ctx: StepContext, region: string): Promise<EndpointGroupView> {
  const arn = regionTargets(ctx.plan, region).endpointGroupArn;
  if (!arn) throw new StepFailure(`no endpoint group ARN for ${region} in the topology`);
  const eg = await ctx.aws.describeEndpointGroup(arn);
  ctx.facts.dials[region] = eg.trafficDial;
  return eg;
}

/** Sets a dial and waits until DescribeEndpointGroup reports it; remembers the value before the drill. */
export async function setDial(ctx: StepContext, region: string, percent: number): Promise<void> {
  const eg = await endpointGroup(ctx, region);
  ctx.facts.dialsBefore[region] ??= eg.trafficDial;
  if (eg.trafficDial === percent) return;
  await ctx.aws.setTrafficDial(eg, percent);
  ctx.note(`${region}: traffic dial ${eg.trafficDial}% -> ${percent}% (${controlPlaneNote(ctx.plan, "globalAccelerator")})`);
  await ctx.waitFor(
    `${region} traffic dial ${percent}%`,
    () => endpointGroup(ctx, region),
    (g) => g.trafficDial === percent,
    (g) => `${region}: dial ${g.trafficDial}%`,
    5,
  );
}

/** The dial a region had before the drill (100 when unknown or 0: a drained region comes back fully). */
export function dialBefore(ctx: StepContext, region: string): number {
  const before = ctx.facts.dialsBefore[region];
  return before !== undefined && before > 0 ? before : 100;
}

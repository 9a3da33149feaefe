import { StepFailure, type Step, type StepContext } from "../engine";
import { recordRegionOf } from "../live";
import type { DrillPlan } from "../plan";
import { cli, controlPlaneNote } from "./shared";

/**
 * A global datastore has no global write endpoint: every region writes sessions through a private
 * CNAME (topology.sessions.writerRecord) that must name the primary's endpoint. After the datastore
 * fails over, the record is UPSERTed to the new primary (Route 53 ChangeResourceRecordSets, a
 * control-plane call in us-east-1) and polled with GetChange until INSYNC. Until then, and for up
 * to the record's TTL in resolvers after, session writes still go to the old primary, which now
 * only takes reads: sessions are not writable. `pulumi up` ignores the record's value, so nothing
 * moves it back.
 */

function record(plan: DrillPlan) {
  const rec = plan.targets.writerRecord;
  if (!rec) throw new StepFailure(`the topology of stack ${plan.stack} has no sessions.writerRecord to repoint`);
  return rec;
}

/** UPSERTs the record to `region`'s primary endpoint and waits for INSYNC. Idempotent. */
export async function pointRecordAt(ctx: StepContext, region: string): Promise<void> {
  const rec = record(ctx.plan);
  const value = rec.targets[region];
  const current = await ctx.aws.getRecord(rec.hostedZoneId, rec.name, rec.type);
  if (current && recordRegionOf(ctx.plan.targets, current.values[0]) === region) {
    ctx.facts.recordRegion = region;
    return;
  }
  const change = await ctx.aws.upsertRecord(rec.hostedZoneId, { name: rec.name, type: rec.type, ttl: rec.ttlSeconds, value });
  ctx.note(`${rec.name} CNAME -> ${value} (change ${change}; ${controlPlaneNote(ctx.plan, "route53")})`);
  await ctx.waitFor(`Route 53 change ${change} to be INSYNC`, () => ctx.aws.getChange(change), (s) => s === "INSYNC", (s) => `change ${change} ${s}`, 5);
  ctx.facts.recordRegion = region;
}

export const repointSessionsStep: Step = {
  id: "repoint-sessions",
  title: "Point the session-writer record at the new primary",
  timeoutSeconds: 300,
  opensOutage: true,
  describe: (plan: DrillPlan) => {
    const rec = plan.targets.writerRecord;
    return [
      rec
        ? `UPSERT ${rec.name} CNAME ${rec.targets[plan.target] ?? "?"} (TTL ${rec.ttlSeconds} s) in zone ${rec.hostedZoneId}, then GetChange until INSYNC (${controlPlaneNote(plan, "route53")})`
        : "UPSERT the session-writer record (not in the topology)",
      "until it is INSYNC (and resolvers drop the old answer after the TTL) sessions are not writable",
    ];
  },
  async check(ctx) {
    const rec = record(ctx.plan);
    const current = await ctx.aws.getRecord(rec.hostedZoneId, rec.name, rec.type);
    const region = recordRegionOf(ctx.plan.targets, current?.values[0]);
    if (region) ctx.facts.recordRegion = region;
    return { done: region === ctx.plan.target, observed: `${rec.name} -> ${current?.values.join(", ") ?? "(no record)"}${region ? ` (${region})` : ""}` };
  },
  async run(ctx) {
    await pointRecordAt(ctx, ctx.plan.target);
  },
  nextCommands: (plan) => {
    const rec = plan.targets.writerRecord;
    if (!rec) return [];
    return [cli.upsertRecord(rec.hostedZoneId, rec.name, rec.ttlSeconds, rec.targets[plan.target] ?? "<primary endpoint>"), cli.getChange("<change id from the line above>")];
  },
};

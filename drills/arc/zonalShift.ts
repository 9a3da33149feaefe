import type { ArcApi, ZonalShiftView } from "../aws";
import { ArcError } from "./client";

/**
 * The AZ drill's compute side: an ARC zonal shift of the region's load balancer and EKS cluster
 * away from the drilled AZ (the resources zonal autoshift manages, from `topology.recovery`), for
 * as long as the drill runs, then cancelled. Each start is sent once; a shift already active for
 * the same resource and AZ (or a ZonalShiftAlreadyExists answer) is adopted, not duplicated.
 * Zonal shift names AZs by ID (`use1-az1`), not by name.
 */

export interface ZonalShiftRun {
  readonly shifts: ZonalShiftView[];
  readonly notes: string[];
}

export async function startZonalShifts(arc: ArcApi, o: { region: string; resources: readonly string[]; azId: string; expiresIn: string; comment: string }): Promise<ZonalShiftRun> {
  const shifts: ZonalShiftView[] = [];
  const notes: string[] = [];
  for (const resource of o.resources) {
    const active = async () => (await arc.listZonalShifts(o.region, resource)).find((s) => s.status === "ACTIVE" && s.awayFrom === o.azId);
    const existing = await active();
    if (existing) {
      shifts.push(existing);
      notes.push(`${resource}: a zonal shift away from ${o.azId} is already active (${existing.zonalShiftId}); adopted`);
      continue;
    }
    try {
      shifts.push(await arc.startZonalShift(o.region, { resourceIdentifier: resource, awayFrom: o.azId, expiresIn: o.expiresIn, comment: o.comment }));
      notes.push(`${resource}: shifted away from ${o.azId} for at most ${o.expiresIn}`);
    } catch (err) {
      const lost = err instanceof ArcError && (err.code === "ConflictException" || err.code === "TimeoutError" || err.code === "NetworkingError");
      const found = lost ? await active().catch(() => undefined) : undefined;
      if (!found) throw err;
      shifts.push(found);
      notes.push(`${resource}: StartZonalShift answered ${(err as Error).name}, but the shift is active (${found.zonalShiftId}): recorded, not sent again`);
    }
  }
  return { shifts, notes };
}

export async function endZonalShifts(arc: ArcApi, region: string, run: ZonalShiftRun): Promise<string[]> {
  const notes: string[] = [];
  for (const s of run.shifts) {
    try {
      await arc.cancelZonalShift(region, s.zonalShiftId);
      notes.push(`${s.resourceIdentifier}: zonal shift ${s.zonalShiftId} cancelled; traffic returns to ${s.awayFrom}`);
    } catch (err) {
      notes.push(`${s.resourceIdentifier}: cancelling ${s.zonalShiftId} failed (${(err as Error).message}); it expires on its own at ${s.expiryTime ?? "its expiry"}: aws arc-zonal-shift cancel-zonal-shift --zonal-shift-id ${s.zonalShiftId}`);
    }
  }
  return notes;
}

/** AZ name -> AZ ID in one region (EC2 DescribeAvailabilityZones); the mapping differs per account. */
export async function azIdOf(region: string, azName: string): Promise<string> {
  const { EC2Client, DescribeAvailabilityZonesCommand } = await import("@aws-sdk/client-ec2");
  const out = await new EC2Client({ region, maxAttempts: 3 }).send(new DescribeAvailabilityZonesCommand({ ZoneNames: [azName] }));
  const id = out.AvailabilityZones?.[0]?.ZoneId;
  if (!id) throw new Error(`DescribeAvailabilityZones in ${region} returned no zone id for ${azName}`);
  return id;
}

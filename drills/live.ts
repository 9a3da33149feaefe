import type { DrillAws, GlobalClusterView, GlobalReplicationGroupView } from "./aws";
import { describeError } from "./engine";
import { hasSessionPrimary, type DrillTargets } from "./topology";

/**
 * The roles as AWS reports them now. In execute mode this, not the stack's `topology` output (which
 * only changes on `pulumi up`), says which region writes: a second drill right after a first one
 * moves the writer from where it really is.
 */
export interface LiveState {
  readonly database: { readonly writer?: string; readonly operation?: { readonly kind: "switchover" | "failover"; readonly status: string; readonly from?: string; readonly to?: string }; readonly unknown?: string };
  readonly sessions: { readonly primary?: string; readonly status?: string; readonly unknown?: string };
  /** Traffic dial per region (accelerator mode); undefined when it could not be read. */
  readonly dials: Readonly<Record<string, number | undefined>>;
  /** Entry health per region as Global Accelerator reports it (accelerator mode). */
  readonly healthy?: Readonly<Record<string, boolean | undefined>>;
  /** Region whose primary endpoint the session-writer record points at; undefined when unknown. */
  readonly recordRegion?: string;
  readonly recordUnknown?: string;
}

/** `arn:aws:rds:us-west-2:123:cluster:x` -> us-west-2. */
export function regionOfArn(arn: string | undefined): string | undefined {
  return arn?.split(":")[3] || undefined;
}

export function regionOfCluster(targets: DrillTargets, arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  return Object.values(targets.regions).find((r) => r.auroraClusterArn === arn)?.region ?? regionOfArn(arn);
}

export function databaseRoles(targets: DrillTargets, gc: GlobalClusterView): LiveState["database"] {
  const writer = gc.members.find((m) => m.isWriter);
  const fo = gc.failover;
  return {
    writer: regionOfCluster(targets, writer?.clusterArn),
    ...(fo
      ? { operation: { kind: fo.dataLossAllowed ? "failover" : "switchover", status: fo.status, from: regionOfCluster(targets, fo.fromArn), to: regionOfCluster(targets, fo.toArn) } }
      : {}),
  };
}

export function sessionRoles(grg: GlobalReplicationGroupView): LiveState["sessions"] {
  const primary = grg.members.find((m) => m.role.toLowerCase() === "primary");
  return { primary: primary?.region, status: grg.status };
}

/** The region a record value names, from the record's per-region targets. */
export function recordRegionOf(targets: DrillTargets, value: string | undefined): string | undefined {
  if (!value || !targets.writerRecord) return undefined;
  const v = value.replace(/\.$/, "").toLowerCase();
  return Object.entries(targets.writerRecord.targets).find(([, t]) => t.replace(/\.$/, "").toLowerCase() === v)?.[0];
}

/**
 * Reads every role through `readRegion` (a region expected to answer: the drill's target) and the
 * global control planes. Each part that cannot be read is reported as unknown with the error,
 * never guessed.
 */
export async function readLiveState(aws: DrillAws, targets: DrillTargets, readRegion: string, regions: readonly string[]): Promise<LiveState> {
  const database = await aws
    .describeGlobalCluster(readRegion, targets.globalClusterId)
    .then((gc) => databaseRoles(targets, gc))
    .catch((err) => ({ unknown: describeError(err) }));
  // MemoryDB Multi-Region has no primary region to read: every region writes its own cluster.
  const sessions: LiveState["sessions"] = hasSessionPrimary(targets)
    ? await aws
      .describeGlobalReplicationGroup(readRegion, targets.globalReplicationGroupId)
      .then(sessionRoles)
      .catch((err) => ({ unknown: describeError(err) }))
    : { status: "multi-writer" };
  const dials: Record<string, number | undefined> = {};
  const healthy: Record<string, boolean | undefined> = {};
  if (targets.routingMode === "accelerator") {
    for (const r of regions) {
      const arn = targets.regions[r]?.endpointGroupArn;
      const g = arn ? await aws.describeEndpointGroup(arn).catch(() => undefined) : undefined;
      dials[r] = g?.trafficDial;
      healthy[r] = g ? g.endpoints.length > 0 && g.endpoints.every((e) => e.health === "HEALTHY") : undefined;
    }
  }
  let recordRegion: string | undefined;
  let recordUnknown: string | undefined;
  const rec = targets.writerRecord;
  if (rec) {
    try {
      const found = await aws.getRecord(rec.hostedZoneId, rec.name, rec.type);
      recordRegion = recordRegionOf(targets, found?.values[0]);
      if (!recordRegion) recordUnknown = found ? `points at ${found.values.join(", ")}, no region's primary endpoint` : "record not found";
    } catch (err) {
      recordUnknown = describeError(err);
    }
  }
  return { database, sessions, dials, ...(targets.routingMode === "accelerator" ? { healthy } : {}), ...(recordRegion ? { recordRegion } : {}), ...(recordUnknown ? { recordUnknown } : {}) };
}

export function describeLive(live: LiveState): string {
  const db = live.database.unknown
    ? `database writer unknown (${live.database.unknown})`
    : `database writer ${live.database.writer ?? "none"}${live.database.operation ? ` (${live.database.operation.kind} ${live.database.operation.from ?? "?"} -> ${live.database.operation.to ?? "?"} ${live.database.operation.status})` : ""}`;
  const s = live.sessions.unknown
    ? `sessions primary unknown (${live.sessions.unknown})`
    : live.sessions.status === "multi-writer"
      ? "sessions written in every region"
      : `sessions primary ${live.sessions.primary ?? "none"} (${live.sessions.status})`;
  const dials = Object.entries(live.dials).map(([r, d]) => `${r} ${d === undefined ? "?" : `${d}%`}`).join(", ");
  return `${db}; ${s}${dials ? `; dials ${dials}` : ""}${live.recordRegion ? `; session record -> ${live.recordRegion}` : ""}`;
}

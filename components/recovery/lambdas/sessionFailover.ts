import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { envString, isThrottle, sleep } from "./shared";

/**
 * Custom-action Lambda for `sessionStore.kind: elasticache-global`: ARC has no ElastiCache block,
 * and ElastiCache never fails a global datastore over across regions by itself. ARC invokes the
 * copy in the activating Region, which makes its own replication group the primary.
 * Safe to run twice: a region that is already primary is done; a failover already running is
 * waited for, never started again; the failover call is sent once (no SDK re-send: maxAttempts 1),
 * and when its answer is lost the next describe decides what happened.
 */

export interface GlobalGroup {
  readonly status: string;
  readonly members: ReadonlyArray<{ readonly replicationGroupId: string; readonly region: string; readonly role: string }>;
}

export interface SessionsApi {
  describe(globalReplicationGroupId: string): Promise<GlobalGroup>;
  failover(globalReplicationGroupId: string, primaryRegion: string, primaryReplicationGroupId: string): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface SessionSettings {
  readonly selfRegion: string;
  readonly globalReplicationGroupId: string;
  /** Seconds the function may wait for the promotion (below the Lambda timeout). */
  readonly waitSeconds: number;
  readonly pollSeconds?: number;
}

const isPrimary = (g: GlobalGroup, region: string) => g.members.some((m) => m.region === region && m.role.toLowerCase() === "primary");

export async function promoteSelf(s: SessionSettings, api: SessionsApi): Promise<string> {
  const poll = (s.pollSeconds ?? 10) * 1000;
  const deadline = Date.now() + s.waitSeconds * 1000;
  const read = async (): Promise<GlobalGroup> => {
    for (;;) {
      try {
        return await api.describe(s.globalReplicationGroupId);
      } catch (err) {
        if (!isThrottle(err) || Date.now() + poll > deadline) throw err;
        await api.sleep(poll);
      }
    }
  };
  let g = await read();
  if (isPrimary(g, s.selfRegion)) return `${s.selfRegion} is already the primary`;
  const self = g.members.find((m) => m.region === s.selfRegion);
  if (!self) throw new Error(`global datastore ${s.globalReplicationGroupId} has no member in ${s.selfRegion}`);
  if (g.status.toLowerCase() !== "modifying") {
    try {
      await api.failover(s.globalReplicationGroupId, s.selfRegion, self.replicationGroupId);
    } catch (err) {
      // A lost answer or a refusal because a failover already runs: the describe below decides.
      console.log(JSON.stringify({ failoverCall: (err as Error).name ?? "error", message: (err as Error).message }));
    }
  }
  for (;;) {
    g = await read();
    if (isPrimary(g, s.selfRegion) && g.status.toLowerCase() !== "modifying") return `${s.selfRegion} is now the primary`;
    if (Date.now() + poll > deadline) throw new Error(`${s.selfRegion} is not primary after ${s.waitSeconds} s (status ${g.status}); ARC retries the step`);
    await api.sleep(poll);
  }
}

export function sdkSessionsApi(region: string): SessionsApi {
  const read = new ElastiCacheClient({ region, maxAttempts: 3 });
  // A promotion is sent once: an SDK retry after a lost answer would ask for it a second time.
  const write = new ElastiCacheClient({ region, maxAttempts: 1 });
  return {
    async describe(id) {
      const g = (await read.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: id, ShowMemberInfo: true }))).GlobalReplicationGroups?.[0];
      if (!g) throw new Error(`global datastore ${id} not found`);
      return { status: g.Status ?? "unknown", members: (g.Members ?? []).map((m) => ({ replicationGroupId: m.ReplicationGroupId ?? "", region: m.ReplicationGroupRegion ?? "", role: m.Role ?? "" })) };
    },
    async failover(id, primaryRegion, primaryReplicationGroupId) {
      await write.send(new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: id, PrimaryRegion: primaryRegion, PrimaryReplicationGroupId: primaryReplicationGroupId }));
    },
    sleep,
  };
}

export async function handler(): Promise<{ readonly result: string }> {
  const selfRegion = envString("SELF_REGION");
  const result = await promoteSelf(
    { selfRegion, globalReplicationGroupId: envString("GLOBAL_REPLICATION_GROUP_ID"), waitSeconds: Number(process.env.WAIT_SECONDS ?? "600") },
    sdkSessionsApi(selfRegion),
  );
  console.log(JSON.stringify({ result }));
  return { result };
}

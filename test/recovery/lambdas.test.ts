import { describe, expect, it } from "vitest";
import { bundledSource } from "../../components/recovery/bundle";
import { onAlarm } from "../../components/recovery/lambdas/drain";
import { runProbes, type ProbeApi } from "../../components/recovery/lambdas/probe";
import { promoteSelf, type GlobalGroup, type SessionsApi } from "../../components/recovery/lambdas/sessionFailover";
import { moveDials, type DialApi } from "../../components/recovery/lambdas/trafficDial";

const GROUPS = { "us-east-1": "arn:eg/east", "us-west-2": "arn:eg/west" };

function fakeDials(state: Record<string, { dial: number; healthy: boolean }>): DialApi & { sets: Array<[string, number]> } {
  const sets: Array<[string, number]> = [];
  return {
    sets,
    describe: async (arn) => ({ ...state[arn] }),
    setDial: async (arn, pct) => {
      sets.push([arn, pct]);
      state[arn].dial = pct;
    },
  };
}

describe("traffic dial custom action", () => {
  it("activate raises only its own region, and is a no-op the second time", async () => {
    const api = fakeDials({ "arn:eg/east": { dial: 0, healthy: true }, "arn:eg/west": { dial: 100, healthy: true } });
    await moveDials({ selfRegion: "us-east-1", action: "activate", endpointGroups: GROUPS }, api);
    expect(api.sets).toEqual([["arn:eg/east", 100]]);
    expect(await moveDials({ selfRegion: "us-east-1", action: "activate", endpointGroups: GROUPS }, api)).toEqual(["us-east-1 already at 100 %"]);
    expect(api.sets).toHaveLength(1);
  });

  it("deactivate (run in the survivor) drains the other region", async () => {
    const api = fakeDials({ "arn:eg/east": { dial: 100, healthy: false }, "arn:eg/west": { dial: 100, healthy: true } });
    await moveDials({ selfRegion: "us-west-2", action: "deactivate", endpointGroups: GROUPS }, api);
    expect(api.sets).toEqual([["arn:eg/east", 0]]);
  });

  it("deactivate refuses when the region it runs in is not healthy and serving (the floor)", async () => {
    const api = fakeDials({ "arn:eg/east": { dial: 100, healthy: true }, "arn:eg/west": { dial: 100, healthy: false } });
    await expect(moveDials({ selfRegion: "us-west-2", action: "deactivate", endpointGroups: GROUPS }, api)).rejects.toThrow(/no healthy region/);
    expect(api.sets).toEqual([]);
  });
});

describe("cascading drain", () => {
  const settings = { selfRegion: "us-east-1", endpointGroups: GROUPS, drainAlarm: "drain-e", restoreAlarm: "restore-e" };
  const event = (alarmName: string, value: string) => ({ detail: { alarmName, state: { value } } });

  it("drains the slow region while another region is healthy with traffic", async () => {
    const api = fakeDials({ "arn:eg/east": { dial: 100, healthy: true }, "arn:eg/west": { dial: 100, healthy: true } });
    expect(await onAlarm(event("drain-e", "ALARM"), settings, api)).toMatch(/^drained us-east-1/);
    expect(api.sets).toEqual([["arn:eg/east", 0]]);
  });

  it("never drains the last healthy region", async () => {
    const api = fakeDials({ "arn:eg/east": { dial: 100, healthy: true }, "arn:eg/west": { dial: 0, healthy: true } });
    expect(await onAlarm(event("drain-e", "ALARM"), settings, api)).toMatch(/floor/);
    const sick = fakeDials({ "arn:eg/east": { dial: 100, healthy: true }, "arn:eg/west": { dial: 100, healthy: false } });
    expect(await onAlarm(event("drain-e", "ALARM"), settings, sick)).toMatch(/floor/);
    expect([...api.sets, ...sick.sets]).toEqual([]);
  });

  it("restores only on the restore alarm, not when the drain alarm clears (hysteresis)", async () => {
    const api = fakeDials({ "arn:eg/east": { dial: 0, healthy: true }, "arn:eg/west": { dial: 100, healthy: true } });
    expect(await onAlarm(event("drain-e", "OK"), settings, api)).toMatch(/^ignored/);
    expect(api.sets).toEqual([]);
    await onAlarm(event("restore-e", "ALARM"), settings, api);
    expect(api.sets).toEqual([["arn:eg/east", 100]]);
  });
});

function fakeSessions(initial: GlobalGroup, opts: { loseAnswer?: boolean } = {}): SessionsApi & { failovers: number; reads: number } {
  let group = initial;
  let modifyingReads = 0;
  const api = {
    failovers: 0,
    reads: 0,
    describe: async () => {
      api.reads++;
      // A failover shows `modifying` for a couple of reads, then the swapped roles.
      if (modifyingReads > 0 && --modifyingReads === 0) group = { ...group, status: "available" };
      return group;
    },
    failover: async (_id: string, region: string) => {
      api.failovers++;
      group = { status: "modifying", members: group.members.map((m) => ({ ...m, role: m.region === region ? "primary" : "secondary" })) };
      modifyingReads = 2;
      if (opts.loseAnswer) throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    },
    sleep: async () => undefined,
  };
  return api;
}

describe("session datastore failover custom action", () => {
  const members = [
    { replicationGroupId: "rg-east", region: "us-east-1", role: "PRIMARY" },
    { replicationGroupId: "rg-west", region: "us-west-2", role: "SECONDARY" },
  ];
  const s = { selfRegion: "us-west-2", globalReplicationGroupId: "g", waitSeconds: 60, pollSeconds: 0 };

  it("a region that is already primary sends nothing", async () => {
    const api = fakeSessions({ status: "available", members: members.map((m) => ({ ...m, role: m.region === "us-west-2" ? "PRIMARY" : "SECONDARY" })) });
    expect(await promoteSelf(s, api)).toMatch(/already the primary/);
    expect(api.failovers).toBe(0);
  });

  it("a failover whose answer is lost is not sent twice and is recognised as done", async () => {
    const api = fakeSessions({ status: "available", members }, { loseAnswer: true });
    expect(await promoteSelf(s, api)).toMatch(/now the primary/);
    expect(api.failovers).toBe(1);
  });

  it("a failover already running is waited for, never started again", async () => {
    const api = fakeSessions({ status: "modifying", members });
    await expect(promoteSelf({ ...s, waitSeconds: 0 }, api)).rejects.toThrow(/not primary/);
    expect(api.failovers).toBe(0);
  });
});

describe("outside-region probe", () => {
  const target = { region: "us-east-1", url: "https://alb/healthz", availabilityZones: ["us-east-1a", "us-east-1b"] };
  const api = (over: Partial<ProbeApi>): ProbeApi & { published: Array<{ target: string; probe: string; value: number }> } => {
    const published: Array<{ target: string; probe: string; value: number }> = [];
    return { get: async () => 200, zoneStates: async () => ({ "us-east-1a": "available" }), publish: async (d) => void published.push(...d), ...over, published };
  };

  it("publishes success for a serving region", async () => {
    const a = api({});
    await runProbes([target], a);
    expect(a.published).toEqual([{ target: "us-east-1", probe: "entry", value: 1 }, { target: "us-east-1", probe: "regional-api", value: 1 }]);
  });

  it("counts a 5xx, a timeout and an unreachable regional API as failures", async () => {
    const a = api({ get: async () => 503, zoneStates: async () => Promise.reject(Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError" })) });
    await runProbes([target], a);
    expect(a.published.map((d) => d.value)).toEqual([0, 0]);
  });

  it("a throttled read publishes no datapoint: it never counts against the region", async () => {
    const a = api({ zoneStates: async () => Promise.reject(Object.assign(new Error("Rate exceeded"), { name: "RequestLimitExceeded" })) });
    await runProbes([target], a);
    expect(a.published).toEqual([{ target: "us-east-1", probe: "entry", value: 1 }]);
  });
});

describe("bundling", () => {
  it("bundles each handler into one CommonJS file with the AWS SDK left to the runtime", () => {
    for (const name of ["trafficDial", "sessionFailover", "probe", "drain"] as const) {
      const code = bundledSource(name);
      expect(code).toMatch(/handler/);
      expect(code).toMatch(/require\("@aws-sdk\/client-/);
      expect(code).not.toMatch(/require\("\.\/shared"\)/);
    }
  });
});

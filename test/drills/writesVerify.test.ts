import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DrillDeps } from "../../cli/commands/drill";
import { drillAction } from "../../cli/commands/drill";
import { CliError } from "../../cli/errors";
import { VirtualClock } from "../../drills/aws";
import { probeRegionWrites, writesUrl } from "../../drills/writesHealth";
import { loadStack } from "../../config/load";
import { runPlan } from "../../plan/run";
import { ArcStandIn } from "./arcStandIn";

/**
 * After a planned region drill restores the drained region, each region must WRITE again, not only
 * serve: the drill asks every region's app (app.writesHealthPath) through that region's own ALB.
 * The ALBs are local HTTP stand-ins here: one per region, each answering the writes path with the
 * status the test gives it and recording what was asked.
 */

interface AppStandIn {
  status: number;
  readonly asked: string[];
  port: number;
  server: http.Server;
}

async function appStandIn(status: number): Promise<AppStandIn> {
  const s: AppStandIn = { status, asked: [], port: 0, server: http.createServer() };
  s.server.on("request", (req, res) => {
    s.asked.push(`${req.method} ${req.url}`);
    res.statusCode = req.url === "/healthz/writes" ? s.status : 404;
    res.end();
  });
  await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
  s.port = (s.server.address() as AddressInfo).port;
  return s;
}

const stop = (s: AppStandIn) => new Promise<void>((resolve) => s.server.close(() => resolve()));

describe("probeRegionWrites: each region's ALB asked for the writes path", () => {
  let east: AppStandIn;
  let west: AppStandIn;
  beforeAll(async () => {
    [east, west] = await Promise.all([appStandIn(200), appStandIn(503)]);
  });
  afterAll(async () => {
    await Promise.all([stop(east), stop(west)]);
  });

  it("reports per region: 200 writes, 503 does not (a problem), no answer is NOT verified", async () => {
    const r = await probeRegionWrites(
      [
        { region: "us-east-1", albDnsName: "127.0.0.1", listenerPorts: [east.port] },
        { region: "us-west-2", albDnsName: "127.0.0.1", listenerPorts: [west.port] },
        { region: "eu-west-1", albDnsName: "no-such-alb.invalid", listenerPorts: [80] },
      ],
      "/healthz/writes",
      { timeoutMs: 2000 },
    );
    expect(east.asked).toEqual(["GET /healthz/writes"]);
    expect(west.asked).toEqual(["GET /healthz/writes"]);
    expect(r.lines[0]).toBe(`us-east-1: writes (GET http://127.0.0.1:${east.port}/healthz/writes: 200)`);
    expect(r.lines[1]).toMatch(/^us-west-2: does NOT write \(GET http:\/\/127\.0\.0\.1:\d+\/healthz\/writes: 503, the app reports its writes failing\)$/);
    expect(r.problems).toEqual([expect.stringMatching(/^us-west-2 does not write after the drill/)]);
    expect(r.lines[2]).toMatch(/^eu-west-1: writes NOT verified \(GET http:\/\/no-such-alb\.invalid\/healthz\/writes: no answer/);
    expect(r.unverified).toEqual(["eu-west-1"]);
  });

  it("asks over HTTPS when the ALB listens on 443, else on the first listener port", () => {
    expect(writesUrl({ region: "r", albDnsName: "alb.example", listenerPorts: [443, 80] }, "/w")).toBe("https://alb.example/w");
    expect(writesUrl({ region: "r", albDnsName: "alb.example", listenerPorts: [80] }, "/w")).toBe("http://alb.example/w");
    expect(writesUrl({ region: "r", albDnsName: "alb.example", listenerPorts: [8080] }, "/w")).toBe("http://alb.example:8080/w");
  });
});

// prod with ElastiCache sessions: `--execute` on prod's MemoryDB sessions is refused today before any
// step (drills/plan.ts asks a MemoryDB topology for ElastiCache ids), so the check runs on the
// variant; the us-west-2 app writes through the Aurora global writer, so "writes" is still its own answer.
describe("drill --execute --yes on prod verifies after the restore that both regions write", () => {
  let prodExport: { deployment: { resources: Array<{ type: string; outputs?: Record<string, any> }> } };
  const saved: Record<string, string | undefined> = {};
  let arc: ArcStandIn;
  let apps: AppStandIn[] = [];

  beforeAll(async () => {
    const rawConfig = { ...loadStack("prod").rawConfig, "ha-blueprint:sessionStore": { kind: "elasticache-global" } };
    prodExport = (await runPlan({ stack: "prod", rawConfig })).export as typeof prodExport;
  }, 120_000);

  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await arc?.stop();
    await Promise.all(apps.map(stop));
    apps = [];
  });

  /** The deployed topology with each region's ALB pointed at its local stand-in (plain HTTP). */
  async function drill(statuses: [number, number]): Promise<{ code: number; out: string }> {
    arc = new ArcStandIn();
    const url = await arc.start();
    for (const [k, v] of Object.entries({ AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: "AKIDSTANDIN", AWS_SECRET_ACCESS_KEY: "stand-in-secret", AWS_REGION: "us-west-2" })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    apps = await Promise.all(statuses.map(appStandIn));
    const exported = structuredClone(prodExport);
    const topology = exported.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs!.topology;
    // The session-writer CNAME a deployed ElastiCache stack publishes (the offline plan has none);
    // the ARC drill never touches it, but --execute checks the topology is complete first.
    topology.sessions.writerRecord ??= { hostedZoneId: "Z0STANDIN", name: "sessions.internal", type: "CNAME", ttlSeconds: 30, targets: topology.sessions.primaryCandidates };
    topology.regions.forEach((r: { app: { albDnsName: string; listenerPorts: number[] } }, i: number) => {
      r.app.albDnsName = "127.0.0.1";
      r.app.listenerPorts = [apps[i].port];
    });
    const out: string[] = [];
    const deps: DrillDeps = { deployedTopology: async () => exported, clock: new VirtualClock(Date.parse("2026-01-01T00:00:00Z")), stdout: (s) => out.push(s), stderr: () => undefined, stderrIsTTY: false };
    let code = 0;
    try {
      code = await drillAction({ stack: "prod", to: "us-west-2", mode: "planned", execute: true, yes: true, format: "text" }, deps);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      code = e.exitCode;
      out.push(e.message);
    }
    return { code, out: out.join("") };
  }

  it("both regions answer 200 after the restore: the report says each writes", async () => {
    const r = await drill([200, 200]);
    expect(r.code, r.out).toBe(0);
    expect(apps.map((a) => a.asked)).toEqual([["GET /healthz/writes"], ["GET /healthz/writes"]]);
    expect(r.out).toMatch(/writes: each region's app asked through its own ALB \(GET \/healthz\/writes: 200 = writes work, 503 = they do not\)/);
    expect(r.out).toMatch(/us-east-1: writes \(GET http:\/\/127\.0\.0\.1:\d+\/healthz\/writes: 200\)/);
    expect(r.out).toMatch(/us-west-2: writes \(GET http:\/\/127\.0\.0\.1:\d+\/healthz\/writes: 200\)/);
  });

  it("a region that serves but answers 503 fails the drill, naming the region", async () => {
    const r = await drill([503, 200]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/PROBLEM: us-east-1 does not write after the drill \(GET http:\/\/127\.0\.0\.1:\d+\/healthz\/writes: 503/);
    expect(r.out).toMatch(/us-west-2: writes \(GET/);
  });
});

import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DrillDeps } from "../../cli/commands/drill";
import { drillAction } from "../../cli/commands/drill";
import { CliError } from "../../cli/errors";
import { VirtualClock } from "../../drills/aws";
import { SignedArcClient } from "../../drills/arc/client";
import { InMemoryStackConfig } from "../../drills/simulator";
import { runPlan } from "../../plan/run";
import { loadStack } from "../../config/load";
import { ArcStandIn, type StandInScript } from "./arcStandIn";

/**
 * `drill --execute --yes` on prod against a local stand-in for AWS: the SDK and the drill's ARC
 * client honour AWS_ENDPOINT_URL, so every request lands on 127.0.0.1 and is recorded.
 */

let prodExport: unknown;
beforeAll(async () => {
  prodExport = (await runPlan({ stack: "prod", rawConfig: loadStack("prod").rawConfig })).export;
}, 120_000);

const saved: Record<string, string | undefined> = {};
let standIn: ArcStandIn;
async function useStandIn(script: StandInScript = {}) {
  standIn = new ArcStandIn(script);
  const url = await standIn.start();
  for (const [k, v] of Object.entries({ AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: "AKIDSTANDIN", AWS_SECRET_ACCESS_KEY: "stand-in-secret", AWS_REGION: "us-west-2" })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
}
beforeEach(() => undefined);
afterEach(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await standIn?.stop();
});

async function drill(extra: Record<string, unknown> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const deps: DrillDeps = { deployedTopology: async () => prodExport, clock: new VirtualClock(Date.parse("2026-01-01T00:00:00Z")), stdout: (s) => out.push(s), stderr: (s) => err.push(s), stderrIsTTY: false };
  let code = 0;
  try {
    code = await drillAction({ stack: "prod", to: "us-west-2", mode: "planned", execute: true, yes: true, format: "text", ...extra }, deps);
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    code = e.exitCode;
    err.push(e.message);
  }
  return { code, out: out.join(""), err: err.join("") };
}

const PROMOTIONS = /SwitchoverGlobalCluster|FailoverGlobalCluster|FailoverGlobalReplicationGroup|UpdateEndpointGroup|ChangeResourceRecordSets|ModifySecurityGroupRules/;

describe("drill --execute --yes on prod drives the Region switch plan", () => {
  it("starts one plan execution, signed for arc-region-switch, and makes no promotion call of its own", async () => {
    await useStandIn({ approvalStep: "approve-data-loss-failover", steps: ["scale-survivor", "approve-data-loss-failover", "promote-database"] });
    const r = await drill({ approve: true });
    expect(r.code).toBe(0);
    const starts = standIn.requests.filter((q) => q.target === "ArcRegionSwitch.StartPlanExecution");
    expect(starts.map((q) => JSON.parse(q.body))).toEqual([
      expect.objectContaining({ targetRegion: "us-east-1", action: "deactivate", mode: "graceful", latestVersion: "true" }),
      expect.objectContaining({ targetRegion: "us-east-1", action: "activate", mode: "graceful" }),
    ]);
    expect(JSON.parse(starts[0].body).planArn).toMatch(/arcregionswitch|arc-region-switch/);
    expect(starts[0].contentType).toBe("application/x-amz-json-1.0");
    // Signed by the SDK's signer, in the surviving region (not the one being deactivated).
    expect(starts[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\/\d{8}\/us-west-2\/arc-region-switch\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/);
    expect(standIn.requests.filter((q) => q.target === "ArcRegionSwitch.ApprovePlanExecutionStep").map((q) => JSON.parse(q.body))).toEqual([
      expect.objectContaining({ stepName: "approve-data-loss-failover", approval: "approve" }),
    ]);
    expect(standIn.requests.filter((q) => PROMOTIONS.test(`${q.target ?? ""} ${q.body}`))).toEqual([]);
    expect(r.out).toMatch(/deactivate us-east-1 \(graceful\): completed \[ex-1\], 250 s \(actualRecoveryTime\)/);
    expect(r.out).toMatch(/RTO: 250 s against the 600 s objective \(met/);
    // After the restore, every region serves again.
    expect(r.out).toMatch(/note: us-east-1: dial 100 %, entry healthy/);
    expect(r.out).toMatch(/note: us-west-2: dial 100 %, entry healthy/);
  });

  it("a region left at dial 0 after the restore fails the drill", async () => {
    await useStandIn({ dial: 0 });
    const r = await drill();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/PROBLEM: us-east-1 does not serve after the drill \(dial 0 %/);
  });

  it("a start whose answer is lost is not sent again: the execution ARC lists is followed and recorded", async () => {
    await useStandIn({ loseStartAnswer: true });
    const r = await drill({ keepDrained: true });
    expect(standIn.requests.filter((q) => q.target === "ArcRegionSwitch.StartPlanExecution")).toHaveLength(1);
    expect(r.out.replace(/\s+/g, " ")).toMatch(/StartPlanExecution's answer was lost .* recorded as started, not sent again/);
    expect(r.out).not.toMatch(/Plan only/);
    expect(r.out).toMatch(/deactivate us-east-1 \(graceful\): completed \[ex-1, adopted\]/);
    expect(r.code).toBe(0);
  });

  it("adopts an execution already in flight instead of starting a second one", async () => {
    await useStandIn({ inFlight: { executionId: "ex-running", action: "deactivate", region: "us-east-1", state: "inProgress" } });
    await drill({ keepDrained: true });
    expect(standIn.requests.filter((q) => q.target === "ArcRegionSwitch.StartPlanExecution")).toEqual([]);
  });

  it("an ungraceful run declines the data-loss approval when the lag cannot be measured at that moment", async () => {
    await useStandIn({ approvalStep: "approve-data-loss-failover", steps: ["scale-survivor", "approve-data-loss-failover", "promote-database"] });
    const r = await drill({ mode: "unplanned", allowDataLoss: true, approve: true });
    const approvals = standIn.requests.filter((q) => q.target === "ArcRegionSwitch.ApprovePlanExecutionStep").map((q) => JSON.parse(q.body));
    expect(approvals).toEqual([expect.objectContaining({ approval: "decline", comment: expect.stringMatching(/lag cannot be measured/) })]);
    expect(r.code).toBe(1);
    expect(standIn.requests.filter((q) => PROMOTIONS.test(`${q.target ?? ""} ${q.body}`))).toEqual([]);
  });
});

describe("the AZ drill uses zonal shift", () => {
  it("shifts the region's ALB and EKS cluster away from the AZ (by AZ ID) while it runs, then cancels the shifts", async () => {
    await useStandIn();
    const topology = (prodExport as { deployment: { resources: Array<{ type: string; outputs?: { topology?: { recovery?: { zonalAutoshift: Record<string, string[]> } } } }> } }).deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs!.topology!;
    const resources = topology.recovery!.zonalAutoshift["us-east-1"];
    expect(resources).toHaveLength(2);
    const out: string[] = [];
    await drillAction(
      { stack: "prod", az: "us-east-1a", execute: true, yes: true, format: "text" },
      {
        deployedTopology: async () => prodExport,
        azIdOf: async (region, az) => (region === "us-east-1" && az === "us-east-1a" ? "use1-az6" : "?"),
        makeConfigStore: () => new InMemoryStackConfig({ trafficDials: {} }),
        clock: new VirtualClock(0),
        stdout: (s) => out.push(s),
        stderr: () => undefined,
        stderrIsTTY: false,
      },
    ).catch((e) => {
      if (!(e instanceof CliError)) throw e;
    });
    const starts = standIn.requests.filter((q) => q.method === "POST" && q.url === "/zonalshifts").map((q) => JSON.parse(q.body));
    expect(starts.map((b) => b.resourceIdentifier).sort()).toEqual([...resources].sort());
    expect(starts.every((b) => b.awayFrom === "use1-az6" && b.expiresIn === "60m")).toBe(true);
    expect(standIn.requests.filter((q) => q.method === "DELETE").map((q) => q.url).sort()).toEqual(["/zonalshifts/zs-1", "/zonalshifts/zs-2"]);
    expect(out.join("")).toMatch(/zonal shift: .* cancelled; traffic returns to use1-az6/);
  });
});

describe("the signed ARC client", () => {
  it("sends zonal shift requests as REST-JSON with the arc-zonal-shift signing name", async () => {
    await useStandIn();
    const client = new SignedArcClient();
    const shift = await client.startZonalShift("us-east-1", { resourceIdentifier: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/y", awayFrom: "use1-az1", expiresIn: "30m", comment: "drill" });
    // Epoch-second timestamps in the answer become ISO times.
    expect(shift).toMatchObject({ zonalShiftId: "zs-1", status: "ACTIVE", expiryTime: "2026-01-01T01:00:00.000Z" });
    const q = standIn.requests.at(-1)!;
    expect(q.method).toBe("POST");
    expect(q.url).toBe("/zonalshifts");
    expect(JSON.parse(q.body)).toEqual({ resourceIdentifier: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/y", awayFrom: "use1-az1", expiresIn: "30m", comment: "drill" });
    expect(q.authorization).toMatch(/\/us-east-1\/arc-zonal-shift\/aws4_request/);
  });
});

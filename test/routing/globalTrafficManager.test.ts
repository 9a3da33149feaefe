import { beforeAll, describe, expect, it } from "vitest";
import { validateEndpoints } from "../../components/routing/globalTrafficManager";
import { checkTierContracts } from "../../components/stack/resilience";
import type { RoutingTopology } from "../../components/topology";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { fixtureDataStores, fixtureEndpoint, planTiers, type TierPlan } from "../helpers/tiers";

const GA = "aws:globalaccelerator";
const REGIONS = ["us-east-1", "us-west-2"];

describe("GlobalTrafficManager in accelerator mode (prod)", () => {
  let plan: TierPlan;
  beforeAll(async () => {
    plan = await planTiers("prod");
  });

  it("creates one accelerator and one TCP listener forwarding the ALBs' port", () => {
    expect(plan.ofType(`${GA}/accelerator:Accelerator`)).toHaveLength(1);
    const listeners = plan.ofType(`${GA}/listener:Listener`);
    expect(listeners).toHaveLength(1);
    expect(listeners[0].inputs?.protocol).toBe("TCP");
    expect(listeners[0].inputs?.portRanges).toEqual([{ fromPort: 443, toPort: 443 }]);
    expect(listeners[0].propertyDependencies?.acceleratorArn).toEqual([plan.ofType(`${GA}/accelerator:Accelerator`)[0].urn]);
  });

  it("has one endpoint group per region, each pointing at that region's ALB with client IP preservation", () => {
    const groups = plan.ofType(`${GA}/endpointGroup:EndpointGroup`);
    expect(groups.map((g) => g.inputs?.endpointGroupRegion).sort()).toEqual(REGIONS);
    const listener = plan.ofType(`${GA}/listener:Listener`)[0];
    for (const g of groups) {
      const region = String(g.inputs?.endpointGroupRegion);
      expect(g.inputs?.endpointConfigurations).toEqual([
        { endpointId: fixtureEndpoint(region).albArn, weight: 128, clientIpPreservationEnabled: true },
      ]);
      expect(g.propertyDependencies?.listenerArn).toEqual([listener.urn]);
    }
  });

  it("sets every dial to 100 at creation; later dials are runtime state (the Region switch plan, the drain, drills) that pulumi up leaves alone", () => {
    for (const g of plan.ofType(`${GA}/endpointGroup:EndpointGroup`)) {
      expect(g.inputs?.trafficDialPercentage).toBe(100);
      expect(g.ignoreChanges ?? []).toContain("trafficDialPercentage");
    }
  });

  it("creates no Route 53 health checks or records", () => {
    expect(plan.resources.filter((r) => r.type.startsWith("aws:route53/"))).toEqual([]);
  });

  it("exposes the accelerator DNS name, IPs and per-region endpoint group ARNs in the topology", () => {
    const routing = plan.outputs.routing as RoutingTopology;
    expect(routing.mode).toBe("accelerator");
    expect(routing.accelerator!.dnsName).toMatch(/\.awsglobalaccelerator\.com$/);
    expect(routing.accelerator!.ipSets[0].ipAddresses).toHaveLength(2);
    const groups = plan.ofType(`${GA}/endpointGroup:EndpointGroup`);
    for (const region of REGIONS) {
      const group = groups.find((g) => g.inputs?.endpointGroupRegion === region)!;
      expect(routing.accelerator!.endpointGroups[region]).toEqual({
        arn: group.outputs?.arn,
        endpointId: fixtureEndpoint(region).albArn,
        trafficDialPercentage: 100,
      });
    }
  });
});

describe("GlobalTrafficManager dials and ports", () => {
  it("takes each region's dial from routing.trafficDials (a drained region at 0)", async () => {
    const plan = await planTiers("prod", { overrides: { "ha-blueprint:routing": { trafficDials: { "us-west-2": 0 } } } });
    const dial = (region: string) =>
      plan.ofType(`${GA}/endpointGroup:EndpointGroup`).find((g) => g.inputs?.endpointGroupRegion === region)!.inputs?.trafficDialPercentage;
    expect(dial("us-west-2")).toBe(0);
    expect(dial("us-east-1")).toBe(100);
  });

  it("forwards every listener port when the ALBs listen on 80 and 443", async () => {
    const plan = await planTiers("dev", { endpoints: REGIONS.map((r) => fixtureEndpoint(r, "dev", [443, 80])) });
    expect(plan.ofType(`${GA}/listener:Listener`)[0].inputs?.portRanges).toEqual([
      { fromPort: 80, toPort: 80 },
      { fromPort: 443, toPort: 443 },
    ]);
  });

  it("fails when the regions' ALBs expose different ports", () => {
    const config = parseConfig(loadStack("dev").rawConfig);
    expect(() => checkTierContracts("ha", config, [fixtureEndpoint("us-east-1", "dev", [443]), fixtureEndpoint("us-west-2", "dev", [80])], []))
      .toThrow(/us-west-2 listens on 80 but us-east-1 on 443/);
  });

  it("fails when only some regions have an endpoint (no half-wired global entry)", () => {
    const config = parseConfig(loadStack("dev").rawConfig);
    expect(() => checkTierContracts("ha", config, [fixtureEndpoint("us-east-1", "dev")], [])).toThrow(/no RegionalEndpoint for us-west-2/);
  });

  it("fails when a contract names a region the stack does not configure", () => {
    const config = parseConfig(loadStack("dev").rawConfig);
    expect(() => checkTierContracts("ha", config, [], [fixtureDataStores("eu-west-1", "dev")])).toThrow(/region eu-west-1, which is not configured/);
  });

  it("fails when one region is listed twice", () => {
    expect(() => validateEndpoints("gtm", [fixtureEndpoint("us-east-1"), fixtureEndpoint("us-east-1")])).toThrow(/lists us-east-1 twice/);
  });
});

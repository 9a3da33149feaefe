import { beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { nameOf, planStack, type Plan } from "../helpers/plan";
import { planTiers } from "../helpers/tiers";

const MINE = /^ha:(routing|monitoring|backup):/;

describe("ActiveActiveStack before the app and data tiers are wired (prod)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("declares no global entry and no alarms, since there is no ALB to point them at", () => {
    const fabricated = plan.resources.filter((r) => /^aws:(globalaccelerator|route53|cloudwatch\/(metricAlarm|compositeAlarm)|sns)\//.test(r.type));
    expect(fabricated).toEqual([]);
  });

  it("already declares the vaults, plans and restore-testing plans, but selects nothing", () => {
    expect(plan.ofType("aws:backup/vault:Vault").map((v) => plan.regionOf(v)).sort()).toEqual(["us-east-1", "us-west-2"]);
    expect(plan.ofType("aws:backup/plan:Plan")).toHaveLength(2);
    expect(plan.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan")).toHaveLength(2);
    expect(plan.ofType("aws:backup/selection:Selection")).toEqual([]);
    expect(plan.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection")).toEqual([]);
    const backup = plan.ofType("ha:backup:BackupPlan");
    expect(backup).toHaveLength(1);
    expect(plan.byUrn(backup[0].parent!).type).toBe("ha:stack:ActiveActiveStack");
  });

  it("puts each region's backup vault in the topology, and no routing or monitoring", () => {
    const topology = plan.outputs.topology as Topology;
    expect(topology.routing).toBeUndefined();
    for (const region of topology.regions) {
      expect(region.monitoring).toBeUndefined();
      expect(region.backup!.vaultArn).toContain(`:backup:${region.name}:`);
      expect(region.backup!.copyDestinationVaultArns.every((arn) => !arn.includes(`:${region.name}:`))).toBe(true);
    }
  });
});

describe("child naming of the routing, monitoring and backup components", () => {
  it("names every child after its parent component, in both routing modes", async () => {
    for (const mode of ["accelerator", "route53"]) {
      const plan = await planTiers("prod", {
        overrides: mode === "route53"
          ? { "ha-blueprint:routing": { mode, route53: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "app.example.com" } } }
          : {},
      });
      const components = plan.resources.filter((r) => MINE.test(r.type));
      expect(components.map((c) => c.type)).toEqual(expect.arrayContaining([
        "ha:backup:BackupPlan", "ha:monitoring:HealthMonitoring", "ha:routing:GlobalTrafficManager",
      ]));
      for (const component of components) {
        const children = plan.resources.filter((r) => r.parent === component.urn);
        expect(children.length, component.urn).toBeGreaterThan(0);
        for (const child of children) expect(nameOf(child), component.urn).toMatch(new RegExp(`^${nameOf(component)}-`));
      }
    }
  });
});

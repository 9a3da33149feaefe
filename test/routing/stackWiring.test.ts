import { beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { nameOf, planStack, type Plan } from "../helpers/plan";
import { planTiers } from "../helpers/tiers";

const MINE = /^ha:(routing|monitoring|backup):/;

describe("ActiveActiveStack with every tier wired (prod)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("points one accelerator endpoint group per region at that region's own ALB", () => {
    expect(plan.ofType("aws:globalaccelerator/accelerator:Accelerator")).toHaveLength(1);
    const groups = plan.ofType("aws:globalaccelerator/endpointGroup:EndpointGroup");
    expect(groups.map((g) => g.inputs?.endpointGroupRegion).sort()).toEqual(["us-east-1", "us-west-2"]);
    for (const group of groups) {
      const albs = (group.propertyDependencies?.endpointConfigurations ?? []).map((u) => plan.byUrn(u)).filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
      expect(albs, group.urn).toHaveLength(1);
      expect(plan.regionOf(albs[0])).toBe(group.inputs?.endpointGroupRegion);
    }
  });

  it("selects every Aurora cluster for backup in its own region's plan", () => {
    const clusters = plan.ofType("aws:rds/cluster:Cluster");
    expect(clusters).toHaveLength(2);
    const selections = plan.ofType("aws:backup/selection:Selection");
    for (const cluster of clusters) {
      const selecting = selections.filter((s) => (s.propertyDependencies?.resources ?? []).includes(cluster.urn));
      expect(selecting, cluster.urn).toHaveLength(1);
      expect(plan.regionOf(selecting[0])).toBe(plan.regionOf(cluster));
    }
  });

  it("restores test copies into the region's own DB subnet group behind a closed security group", () => {
    const selections = plan.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection");
    expect(selections).toHaveLength(2);
    for (const selection of selections) {
      const region = plan.regionOf(selection);
      const overrides = selection.inputs?.restoreMetadataOverrides as Record<string, string>;
      expect(Object.keys(overrides).sort()).toEqual(["dbsubnetgroupname", "vpcsecuritygroupids"]);
      const subnetGroup = plan.ofType("aws:rds/subnetGroup:SubnetGroup").find((g) => g.outputs?.name === overrides.dbsubnetgroupname)!;
      expect(plan.regionOf(subnetGroup)).toBe(region);
      const [sgId] = JSON.parse(overrides.vpcsecuritygroupids) as string[];
      const sg = plan.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.id === sgId)!;
      expect(plan.regionOf(sg)).toBe(region);
      expect(nameOf(sg)).toMatch(/restore-test-sg$/);
      const rules = [...plan.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), ...plan.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]
        .filter((r) => r.propertyDependencies?.securityGroupId?.[0] === sg.urn || r.propertyDependencies?.referencedSecurityGroupId?.[0] === sg.urn);
      expect(rules).toEqual([]);
    }
  });

  it("forwards 443 (and the 80 that redirects) at the global entry", () => {
    const listener = plan.ofType("aws:globalaccelerator/listener:Listener")[0];
    expect(listener.inputs?.portRanges).toEqual([{ fromPort: 80, toPort: 80 }, { fromPort: 443, toPort: 443 }]);
  });

  it("rolls each region's alarms into a region-health composite and lists them in the topology", () => {
    const topology = plan.outputs.topology as Topology;
    expect(plan.ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm").length).toBeGreaterThanOrEqual(2);
    for (const region of topology.regions) {
      expect(region.monitoring!.regionUnhealthyAlarm).toMatch(/region-unhealthy/);
      expect(region.app!.albArn).toContain(`:elasticloadbalancing:${region.name}:`);
      expect(region.backup!.selectedResourceArns).toEqual([region.database!.clusterArn]);
    }
    expect(Object.keys(topology.routing!.accelerator!.endpointGroups).sort()).toEqual(["us-east-1", "us-west-2"]);
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

import { describe, expect, it } from "vitest";
import { domainKey, regionsOf, spreadSurvivors, Survival, zonesByRegion } from "../../analysis/domains";
import { ResourceGraph } from "../../graph/model";
import { healthyGraph, urnOf } from "./fixture";

describe("spreadSurvivors", () => {
  it.each([
    // units, AZs, live AZs, survivors (worst case: the lost AZ held ceil(units / AZs))
    [6, 3, 2, 4],
    [4, 3, 2, 2],
    [3, 3, 2, 2],
    [2, 3, 2, 1],
    [1, 3, 2, 0],
    [2, 2, 1, 1],
    [5, 1, 1, 5],
    [6, 3, 0, 0],
  ])("%i units over %i AZs with %i left keeps %i", (units, azs, live, expected) => {
    const all = ["a", "b", "c"].slice(0, azs);
    expect(spreadSurvivors(units, all, all.slice(0, live))).toBe(expected);
  });
});

describe("Survival", () => {
  const graph = new ResourceGraph(healthyGraph());
  const node = (name: string, type: string) => graph.get(urnOf(type, name))!;
  const nat = node("us-east-1-az1-nat", "aws:ec2/natGateway:NatGateway");
  const alb = node("us-east-1-alb", "aws:lb/loadBalancer:LoadBalancer");
  const redis = node("us-east-1-redis", "aws:elasticache/replicationGroup:ReplicationGroup");
  const global = node("global-db", "aws:rds/globalCluster:GlobalCluster");

  it("removes in an AZ loss only what is placed in that AZ alone", () => {
    const s = new Survival(graph, { kind: "az", region: "us-east-1", az: "us-east-1a" });
    expect(s.lost(nat)).toBe(true);
    expect(s.lost(alb)).toBe(false);
    expect(s.zones(alb)).toEqual(["us-east-1b", "us-east-1c"]);
    expect(s.zones(redis)).toEqual(["us-east-1b", "us-east-1c"]);
  });

  it("removes the region's resources in a region loss but keeps the global database, which is promoted from the other region", () => {
    const s = new Survival(graph, { kind: "region", region: "us-east-1" });
    expect(s.lost(alb)).toBe(true);
    expect(s.alive(redis)).toBe(false);
    expect(graph.regionOf(global)).toBe("us-east-1");
    expect(s.lost(global)).toBe(false);
  });

  it("places a resource through its subnets and drops an AZ whose subnet is lost alone", () => {
    const subnet = node("us-east-1-az2-public", "aws:ec2/subnet:Subnet");
    const s = new Survival(graph, { kind: "resource", urn: subnet.urn });
    expect(s.allZones(alb)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(s.zones(alb)).toEqual(["us-east-1a", "us-east-1c"]);
  });

  it("records every resource the steady state asks about, and what a tracked evaluation found lost", () => {
    const consulted = new Set<string>();
    const s = new Survival(graph, { kind: "resource", urn: nat.urn }, consulted);
    const { value, lost } = s.track(() => [s.alive(nat), s.alive(alb)]);
    expect(value).toEqual([false, true]);
    expect(lost.map((n) => n.name)).toEqual(["us-east-1-az1-nat"]);
    expect(consulted.has(alb.urn)).toBe(true);
  });

  it("lists regions (preferred first) and their AZs from the graph", () => {
    expect(regionsOf(graph, ["us-west-2"])).toEqual(["us-west-2", "us-east-1"]);
    expect(zonesByRegion(graph)["us-west-2"]).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
    expect(domainKey({ kind: "az", region: "us-east-1", az: "us-east-1a" })).toBe("az:us-east-1a");
  });
});

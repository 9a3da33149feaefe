import { describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { planStack, withOverrides } from "../helpers/plan";

/**
 * After a drill moves the writer, it records `currentWriterRegion`. The next `pulumi up` must not
 * want to change any resource: the plan with the recorded writer must declare exactly the same
 * resources with exactly the same inputs; only the topology output follows the new writer.
 */
describe("recording a new writer region after a switchover", () => {
  it("changes no resource input, only the topology's writer", async () => {
    const before = await planStack("prod");
    const after = await planStack("prod", { "ha-blueprint:currentWriterRegion": "us-west-2" });
    const inputs = (p: typeof before) =>
      Object.fromEntries(p.resources.filter((r) => r.custom).map((r) => [r.urn, JSON.stringify(r.inputs)]));
    const a = inputs(before);
    const b = inputs(after);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const changed = Object.keys(a).filter((urn) => a[urn] !== b[urn]);
    expect(changed).toEqual([]);

    const topology = after.outputs.topology as Topology;
    expect(topology.writerRegion).toBe("us-west-2");
    expect(topology.regions.find((r) => r.name === "us-west-2")!.isWriter).toBe(true);
    expect((before.outputs.topology as Topology).writerRegion).toBe("us-east-1");
  });

  it("fails when the recorded writer is not a configured region", () => {
    const raw = withOverrides(loadStack("prod").rawConfig, { "ha-blueprint:currentWriterRegion": "eu-west-1" });
    expect(() => parseConfig(raw)).toThrow(/currentWriterRegion: "eu-west-1" is not one of the configured regions/);
  });
});

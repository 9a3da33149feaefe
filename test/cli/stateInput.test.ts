import { describe, expect, it } from "vitest";
import { describeJsonError, jsonErrorOffset } from "../../graph/json";
import { loadResources } from "../../graph/load";
import { ResourceGraph, UNKNOWN_VALUE } from "../../graph/model";
import { UNKNOWN } from "../../plan/stackExport";

/**
 * The state reader below the CLI: what it keeps of a preview's replacement steps, where it says a
 * JSON mistake is, and the graph's walks ending on cycles even in a graph the loader never saw
 * (the policy engine builds ResourceGraphs from its own resource list). The spawned-binary cases
 * are in inputs.spawn.test.ts.
 */

const urn = (type: string, name: string) => `urn:pulumi:dev::ha-blueprint::${type}::${name}`;

describe("preview replacements", () => {
  it("count a replaced resource once, as its new state", () => {
    const bucket = urn("aws:s3/bucketV2:BucketV2", "logs");
    const state = (region: string) => ({ urn: bucket, type: "aws:s3/bucketV2:BucketV2", custom: true, inputs: { region } });
    const loaded = loadResources({
      steps: [
        { op: "create-replacement", urn: bucket, newState: state("us-west-2") },
        { op: "replace", urn: bucket, newState: state("us-west-2") },
        { op: "delete-replaced", urn: bucket, oldState: state("us-east-1") },
      ],
    });
    expect(loaded.resources).toHaveLength(1);
    expect(loaded.resources[0].inputs).toEqual({ region: "us-west-2" });
  });
});

describe("JSON mistakes", () => {
  const broken = ['{"a": 1,}', '{"a":"x', "[1,2", '{"a" 1}', '{"a":1} x', "{,}", '["\u0001"]', '{"a":01}', '{\n  "a": [1,\n  2,,3]}'];
  it("are placed where V8 places them, when V8 says", () => {
    for (const text of broken) {
      let message = "";
      try {
        JSON.parse(text);
      } catch (err) {
        message = (err as Error).message;
      }
      const at = /at position (\d+)/.exec(message);
      if (at) expect(jsonErrorOffset(text), text).toBe(Number(at[1]));
    }
  });

  it("name the line and column without quoting the text", () => {
    const text = '{\n  "password": Hunter2-Secret\n}';
    let err: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toContain("Hunter2"); // V8 quotes it: the reason for describeJsonError
    expect(describeJsonError(text, err)).toBe("unexpected character at line 2, column 15");
    expect(jsonErrorOffset('{"a": {"b": [1, 2]}}')).toBe(-1);
  });
});

describe("graph walks on a graph with cycles", () => {
  it("end: a workload's region through mutual parents, a tier through a dependency cycle", () => {
    const a = urn("ha:app:AppTier", "a");
    const b = urn("ha:app:AppTier", "b");
    const x = urn("aws:iam/rolePolicy:RolePolicy", "x");
    const y = urn("aws:iam/rolePolicy:RolePolicy", "y");
    // Tier tags unknown at preview send tierOf on along the dependencies, round the cycle.
    const helper = (self: string, other: string) => ({ urn: self, type: "aws:iam/rolePolicy:RolePolicy", custom: true, inputs: { tags: { "ha:tier": UNKNOWN } }, propertyDependencies: { role: [other] } });
    const graph = new ResourceGraph([
      { urn: a, type: "ha:app:AppTier", custom: false, parent: b },
      { urn: b, type: "ha:app:AppTier", custom: false, parent: a },
      { urn: urn("kubernetes:apps/v1:Deployment", "web"), type: "kubernetes:apps/v1:Deployment", custom: true, parent: a, inputs: {} },
      helper(x, y),
      helper(y, x),
    ]);
    const web = graph.nodes[2];
    expect(graph.regionOf(web)).toBeUndefined();
    expect(graph.prop(graph.nodes[3], "tags.ha:tier")).toBe(UNKNOWN_VALUE);
    expect(graph.tierOf(graph.nodes[3])).toBeUndefined();
  });
});

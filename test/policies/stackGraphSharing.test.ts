import { describe, expect, it } from "vitest";
import { graphFromStackArgs } from "../../policies/crossguard";

/**
 * The CrossGuard adapter builds one graph per analysis: the stack policies of one AnalyzeStack
 * request (the SDK's calls, in one run of microtasks) share it; anything else gets its own.
 */

// The name the policy SDK's own `notApplicable` has (server.js): how the adapter knows the engine called.
function throwNotApplicable(): never {
  throw new Error("not applicable");
}

function args(size: number, notApplicable?: () => never) {
  const resources = Array.from({ length: size }, (_, i) => ({
    urn: `urn:pulumi:prod::ha-blueprint::aws:ec2/subnet:Subnet::s${i}`,
    type: "aws:ec2/subnet:Subnet",
    name: `s${i}`,
    props: { availabilityZone: `us-east-1${"abc"[i % 3]}`, cidrBlock: `10.0.${i}.0/24` },
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
  }));
  return { resources, ...(notApplicable ? { notApplicable } : {}) } as never;
}

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe("stack graph per analysis", () => {
  it("shares one graph among the stack policies of one engine analysis, and forgets it afterwards", async () => {
    const first = graphFromStackArgs(args(3, throwNotApplicable));
    await Promise.resolve(); // the SDK's `yield Promise.resolve(...)` between two policies
    expect(graphFromStackArgs(args(3, throwNotApplicable))).toBe(first);
    // Other resources in the same tick: never the shared graph.
    const other = graphFromStackArgs(args(4, throwNotApplicable));
    expect(other).not.toBe(first);
    expect(other.nodes).toHaveLength(4);
    await nextMacrotask();
    expect(graphFromStackArgs(args(4, throwNotApplicable))).not.toBe(other);
  });

  it("builds a graph of their own arguments for callers other than the SDK", () => {
    const a = args(3);
    const g1 = graphFromStackArgs(a);
    (a as { resources: Array<{ props: Record<string, unknown> }> }).resources[0].props.availabilityZone = "us-east-1c";
    const g2 = graphFromStackArgs(a);
    expect(g2).not.toBe(g1);
    expect(g2.nodes[0].outputs.availabilityZone).toBe("us-east-1c");
  });
});

import { describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { graphFromStackArgs } from "../../policies/crossguard";
import { ruleByName } from "../../policies/rules";
import type { ExportedResource } from "../../plan/stackExport";
import { toFirstPreview } from "../helpers/preview";
import { happyStack } from "./happyStack";

/**
 * How the graph reads a resource: known literal values win over recorded edges, edges serve where
 * values are unknown, and resource rules read inputs the way the engine's Analyze call does.
 */

/** The happy stack with ng-east-b's subnetIds naming AZ a's subnet while its edge still names AZ b's. */
function contradicted(): ExportedResource[] {
  const resources = happyStack().resources();
  const ng = resources.find((r) => r.urn.endsWith("::ng-east-b"))!;
  ng.inputs = { ...ng.inputs, subnetIds: ["private-east-a-id"] };
  // ng-east-c goes too, so the cluster is left with the AZs its literal values name.
  return resources.filter((r) => !r.urn.endsWith("::ng-east-c"));
}

describe("known literal values and graph edges", () => {
  it("lets a known literal win over the recorded edge (the value is what the provider receives)", () => {
    const graph = new ResourceGraph(contradicted());
    const ng = graph.nodes.find((n) => n.name === "ng-east-b")!;
    expect(ng.propertyDependencies.subnetIds.map((u) => u.split("::").pop())).toEqual(["private-east-b"]);
    expect(graph.refs(ng, "subnetIds").map((s) => s.name)).toEqual(["private-east-a"]);
    const result = checkGraph(graph, { environment: "prod", rules: [ruleByName("ha-eks-nodegroups-span-azs")!] });
    expect(result.violations.map((v) => v.message)).toEqual([expect.stringMatching(/eks-east.*node capacity in 1 availability zone\(s\) \(us-east-1a\)/)]);
  });

  it("falls back to the edge where a first preview does not know the value", () => {
    const graph = new ResourceGraph(toFirstPreview(contradicted()));
    const ng = graph.nodes.find((n) => n.name === "ng-east-b")!;
    expect(graph.refs(ng, "subnetIds").map((s) => s.name)).toEqual(["private-east-b"]);
  });

  it("counts both the edge and the resolved ids when a value mixes names and ids", () => {
    const graph = happyStack().graph();
    const plan = graph.nodes.find((n) => n.name === "plan-east")!;
    // rules[] holds the target vault's name (no id) and the copy vault's ARN.
    expect(graph.refs(plan, "rules").map((v) => v.name).sort()).toEqual(["vault-east", "vault-west"]);
  });

  it("reads a dotted path's literal under the edge of its first segment", () => {
    const graph = happyStack().graph();
    const eks = graph.nodes.find((n) => n.name === "eks-east")!;
    expect(graph.refs(eks, "vpcConfig.subnetIds").map((s) => s.name)).toEqual(["private-east-a", "private-east-b", "private-east-c"]);
  });

  it("resolves literal ids the same way from the engine's AnalyzeStack outputs", () => {
    const resources = contradicted();
    const proxied = resources.map((r) => ({
      type: r.type, urn: r.urn, name: r.urn.split("::").pop()!, props: { ...(r.outputs ?? {}), ...(r.inputs ?? {}), ...(r.id ? { id: r.id } : {}) },
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [], propertyDependencies: {} as Record<string, never[]>, isType: () => false, asType: () => undefined,
    }));
    const byUrn = new Map(proxied.map((p) => [p.urn, p]));
    for (const [i, r] of resources.entries()) for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) (proxied[i].propertyDependencies as any)[k] = (v ?? []).map((u) => byUrn.get(u)).filter(Boolean);
    const graph = graphFromStackArgs({ resources: proxied as never });
    const ng = graph.nodes.find((n) => n.name === "ng-east-b")!;
    expect(graph.refs(ng, "subnetIds").map((s) => s.name)).toEqual(["private-east-a"]);
  });
});

describe("inputs and outputs", () => {
  it("reads inputs, falling back to outputs, for stack rules; inputs alone for resource rules", () => {
    const g = happyStack();
    g.set("tg-east", "healthCheck.path", undefined);
    const resources = g.resources();
    const tg = resources.find((r) => r.urn.endsWith("::tg-east"))!;
    tg.outputs = { ...tg.outputs, healthCheck: { ...(tg.inputs!.healthCheck as object), path: "/" } };
    const graph = new ResourceGraph(resources);
    const node = graph.nodes.find((n) => n.name === "tg-east")!;
    expect(graph.prop(node, "healthCheck.path")).toBe("/");
    expect(graph.inputsView().prop(node, "healthCheck.path")).toBeUndefined();
    // Either way the verdict is the same: "/" is the default, not a choice.
    const result = checkGraph(graph, { environment: "prod", rules: [ruleByName("ha-target-group-health-check")!] });
    expect(result.violations.map((v) => v.urn)).toEqual([tg.urn]);
  });
});

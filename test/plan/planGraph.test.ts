import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { runPlan } from "../../plan/run";
import { REDACTED_CIPHERTEXT, SECRET_SIG, SIG_KEY } from "../../plan/stackExport";
import { nameOf, planStack, type Plan } from "../helpers/plan";

/** Whether the resource type's Args in the installed @pulumi/aws declare `tags` (read from its .d.ts). */
function isTaggable(type: string): boolean {
  const [, modFile, cls] = type.split(":");
  const file = path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), `${modFile}.d.ts`);
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(`export interface ${cls}Args {`);
  if (start < 0) throw new Error(`no ${cls}Args in ${file}`);
  const body = text.slice(start, text.indexOf("\n}", start));
  return /\n {4}tags\?:/.test(body);
}

describe("plan output (pulumi stack export format)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("is a version-3 deployment whose first resource is the stack with the topology output", () => {
    expect(plan.export.version).toBe(3);
    const [root] = plan.resources;
    expect(root.type).toBe("pulumi:pulumi:Stack");
    const topology = root.outputs?.topology as { writerRegion: string; regions: { name: string; availabilityZones: string[] }[] };
    expect(topology.writerRegion).toBe("us-east-1");
    expect(topology.regions.map((r) => r.availabilityZones.length)).toEqual([3, 3]);
  });

  it("lists every resource after its parent, its provider and its dependencies (the order `pulumi stack import` requires)", () => {
    const seen = new Set<string>();
    const late: string[] = [];
    for (const r of plan.resources) {
      const provider = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : undefined;
      for (const u of [r.parent, provider, ...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()]) {
        if (u && !seen.has(u)) late.push(`${nameOf(r)} before ${u}`);
      }
      seen.add(r.urn);
    }
    expect(late).toEqual([]);
    expect(seen.size).toBeGreaterThan(300);
  });

  it("includes one explicit AWS provider per region, and every AWS resource uses one of them", () => {
    const providers = plan.ofType("pulumi:providers:aws");
    expect(providers.map((p) => p.inputs?.region).sort()).toEqual(["us-east-1", "us-west-2"]);
    const providerUrns = new Set(providers.map((p) => p.urn));
    const awsResources = plan.resources.filter((r) => r.type.startsWith("aws:"));
    expect(awsResources.length).toBeGreaterThan(50);
    for (const r of awsResources) {
      expect(r.provider, r.urn).toBeDefined();
      expect(providerUrns.has(r.provider!.slice(0, r.provider!.lastIndexOf("::"))), r.urn).toBe(true);
      expect(r.inputs?.region, `${r.urn} must not set its own region`).toBeUndefined();
    }
  });

  it("lets the graph model derive a region for every managed resource", () => {
    const graph = new ResourceGraph(plan.resources);
    for (const n of graph.managed()) expect(graph.regionOf(n), n.urn).toMatch(/^(us-east-1|us-west-2|global)$/);
  });

  it("records parents and dependencies that point at earlier resources in the file", () => {
    const seen = new Set<string>();
    for (const r of plan.resources) {
      if (r.parent) expect(seen.has(r.parent), `${r.urn} parent`).toBe(true);
      for (const d of r.dependencies ?? []) expect(seen.has(d), `${r.urn} -> ${d}`).toBe(true);
      for (const deps of Object.values(r.propertyDependencies ?? {})) {
        for (const d of deps ?? []) expect(r.dependencies, `${r.urn} property dependency ${d}`).toContain(d);
      }
      seen.add(r.urn);
    }
    const nat = plan.ofType("aws:ec2/natGateway:NatGateway")[0];
    expect(Object.keys(nat.propertyDependencies ?? {})).toEqual(expect.arrayContaining(["subnetId", "allocationId"]));
  });

  it("names every child after its parent component", () => {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    for (const r of plan.resources) {
      const parent = r.parent ? byUrn.get(r.parent) : undefined;
      if (!parent || parent.type === "pulumi:pulumi:Stack") continue;
      expect(nameOf(r).startsWith(`${nameOf(parent)}-`), `${nameOf(r)} under ${nameOf(parent)}`).toBe(true);
    }
  });

  it("tags every taggable AWS resource with its tier, and the providers with environment, stack and region", () => {
    for (const p of plan.ofType("pulumi:providers:aws")) {
      // Like the real engine, the mock runtime hands providers nested config as JSON text.
      const tags = (JSON.parse(String(p.inputs?.defaultTags)) as { tags: Record<string, string> }).tags;
      expect(tags).toMatchObject({ "ha:environment": "prod", "ha:stack": "prod", "ha:region": p.inputs?.region });
    }
    const taggable = plan.resources.filter((r) => r.type.startsWith("aws:") && isTaggable(r.type));
    expect(taggable.length).toBeGreaterThan(80);
    expect(isTaggable("aws:ec2/route:Route")).toBe(false);
    const untagged = taggable
      .filter((r) => !/^(network|entry|app|database|sessions|backup|monitoring)$/.test(String((r.inputs?.tags as Record<string, string> | undefined)?.["ha:tier"])))
      .map((r) => r.urn);
    expect(untagged).toEqual([]);
  });
});

describe("secrets in the plan", () => {
  it("appear as Pulumi's secret envelope and never as plain values", async () => {
    const secretValue = "plaintext-that-must-not-leak-7f3a";
    const result = await runPlan({
      stack: "secrets",
      rawConfig: { "aws:region": "us-east-1" },
      program: () => {
        const provider = new aws.Provider("p", { region: "us-east-1" });
        const param = new aws.ssm.Parameter("param", { type: "SecureString", value: pulumi.secret(secretValue) }, { provider });
        return { value: param.value };
      },
    });
    const text = JSON.stringify(result.export);
    expect(text).not.toContain(secretValue);
    const param = result.export.deployment.resources.find((r) => r.type === "aws:ssm/parameter:Parameter")!;
    expect(param.inputs?.value).toEqual({ [SIG_KEY]: SECRET_SIG, ciphertext: REDACTED_CIPHERTEXT });
    const stackOutputs = result.export.deployment.resources[0].outputs as Record<string, unknown>;
    expect(stackOutputs.value).toEqual({ [SIG_KEY]: SECRET_SIG, ciphertext: REDACTED_CIPHERTEXT });
  });
});

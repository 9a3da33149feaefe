import * as fs from "node:fs";
import * as path from "node:path";
import {
  unknownCheckingProxy,
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { packConfigFor } from "../../policies/enforcement";
import { packArgs, packEnvironment, packInitialConfig } from "../../policies/pack";
import { RULES } from "../../policies/rules";
import type { ExportedResource } from "../../plan/stackExport";
import { toFirstPreview } from "../helpers/preview";
import { happyStack } from "./happyStack";

/**
 * The CrossGuard side: the pack's policies, fed the arguments the policy analyzer builds (props
 * behind `unknownCheckingProxy`, PolicyResource objects with resolved edges), must report exactly
 * what `checkGraph` reports for the same graph, and never trip over an unknown value.
 */

const PROD_CONFIG = packConfigFor("prod");
const getConfigFor = (name: string) => () => {
  const { enforcementLevel: _l, ...rest } = PROD_CONFIG[name] as Record<string, unknown>;
  return rest as never;
};
const NO_OPTS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

function providerOf(byUrn: Map<string, ExportedResource>, r: ExportedResource) {
  if (!r.provider) return undefined;
  const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
  const p = byUrn.get(urn);
  return p ? { type: p.type, urn, name: urn.slice(urn.lastIndexOf("::") + 2), props: unknownCheckingProxy({ ...(p.inputs ?? {}) }) } : undefined;
}

/** What the analyzer's analyzeStack builds from a snapshot. */
function policyResources(resources: ExportedResource[]): PolicyResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out = new Map<string, PolicyResource>();
  for (const r of resources) {
    out.set(r.urn, {
      type: r.type,
      urn: r.urn,
      name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
      props: unknownCheckingProxy({ ...(r.outputs ?? {}), ...(r.inputs ?? {}) }),
      opts: NO_OPTS,
      provider: providerOf(byUrn, r),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    });
  }
  for (const r of resources) {
    const pr = out.get(r.urn)!;
    pr.dependencies = (r.dependencies ?? []).map((u) => out.get(u)).filter((x): x is PolicyResource => !!x);
    for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) pr.propertyDependencies[k] = (v ?? []).map((u) => out.get(u)).filter((x): x is PolicyResource => !!x);
    if (r.parent && out.has(r.parent)) pr.parent = out.get(r.parent);
  }
  return [...out.values()];
}

function runPack(resources: ExportedResource[]) {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const found: Array<{ policy: string; urn: string; message: string }> = [];
  for (const policy of packArgs("prod").policies) {
    if ("validateStack" in policy) {
      (policy as StackValidationPolicy).validateStack(
        { resources: policyResources(resources), stackTags: new Map(), getConfig: getConfigFor(policy.name), notApplicable: () => { throw new Error("n/a"); } },
        (message, urn) => found.push({ policy: policy.name, urn: urn ?? "", message }),
      );
      continue;
    }
    const validate = (policy as ResourceValidationPolicy).validateResource!;
    for (const r of resources) {
      const args: ResourceValidationArgs = {
        type: r.type,
        urn: r.urn,
        name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
        props: unknownCheckingProxy({ ...(r.inputs ?? {}) }),
        opts: NO_OPTS,
        provider: providerOf(byUrn, r),
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: getConfigFor(policy.name),
        notApplicable: () => { throw new Error("n/a"); },
      };
      for (const v of Array.isArray(validate) ? validate : [validate]) v(args, (message) => found.push({ policy: policy.name, urn: r.urn, message }));
    }
  }
  return found.sort((a, b) => `${a.policy}${a.urn}${a.message}`.localeCompare(`${b.policy}${b.urn}${b.message}`));
}

function brokenStack(): ExportedResource[] {
  const g = happyStack();
  g.set("tg-east", "healthCheck.enabled", false);
  g.link("route-west-b", "natGatewayId", ["nat-west-a"]);
  g.set("hpa-west", "spec.minReplicas", 2);
  g.set("alb-east", "enableDeletionProtection", undefined);
  g.set("kms-east", "enableKeyRotation", false);
  g.remove("pdb-east");
  g.remove("eg-west");
  return g.resources();
}

describe("CrossGuard pack", () => {
  for (const [label, resources] of [["final state", brokenStack()], ["first preview (unknown ids/ARNs)", toFirstPreview(brokenStack())]] as const) {
    it(`reports exactly what checkGraph reports on a ${label}`, () => {
      const expected = checkGraph(new ResourceGraph(resources), { environment: "prod" }).violations
        .map((v) => ({ policy: v.policy, urn: v.urn, message: v.message }))
        .sort((a, b) => `${a.policy}${a.urn}${a.message}`.localeCompare(`${b.policy}${b.urn}${b.message}`));
      expect(expected.length).toBeGreaterThanOrEqual(7);
      expect(runPack(resources)).toEqual(expected);
    });
  }

  it("reports nothing on the correct stack, even as a first preview", () => {
    expect(runPack(happyStack().resources())).toEqual([]);
    expect(runPack(toFirstPreview(happyStack().resources()))).toEqual([]);
  });

  it("does not crash when provider resources are missing from the analyzed resources", () => {
    const resources = toFirstPreview(happyStack().resources()).filter((r) => !r.type.startsWith("pulumi:providers:"));
    expect(() => runPack(resources)).not.toThrow();
  });

  it("fails when a policy reads through the proxy instead of copying unknowns out", () => {
    // Guard for the adapter: the raw proxy throws on an unknown, which would cost a mandatory check.
    const props = unknownCheckingProxy({ a: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    expect(() => (props as Record<string, unknown>).a).toThrow(/can't be known during preview/);
  });
});

describe("pack metadata", () => {
  const policies = packArgs("prod").policies;

  it("holds one policy per rule, with unique kebab-case names", () => {
    expect(policies.map((p) => p.name)).toEqual(RULES.map((r) => r.name));
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const p of policies) expect(p.name).toMatch(/^(ha|sec)-[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("gives every policy a one-sentence description, a severity, anchors, a remediation and a schema without enforcementLevel", () => {
    for (const p of policies) {
      expect(p.description, p.name).toMatch(/^[A-Z][^]*\.$/);
      expect(p.description.split(". ").length, p.name).toBe(1);
      expect(["low", "medium", "high", "critical"]).toContain(p.severity);
      expect(p.framework?.reference.length, p.name).toBeGreaterThan(3);
      expect(p.remediationSteps?.length, p.name).toBeGreaterThan(10);
      expect(Object.keys(p.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
      expect(["mandatory", "advisory"]).toContain(p.enforcementLevel);
    }
  });

  it("cites cdk-nag ids only on rules that check what those ids check", () => {
    const citing = (id: string) => RULES.filter((r) => r.anchors.includes(id)).map((r) => r.name);
    // AS2 asks for a grace period with ELB health checks (the provider defaults it to 300 s).
    expect(citing("AwsSolutions-AS2")).toEqual([]);
    // ELB4 is a classic load balancer in two or more AZs with cross-zone on, one check.
    expect(citing("AwsSolutions-ELB4")).toEqual([]);
    // RDS13 is automated backups of DB instances; AEC4 is multiAzEnabled on replication groups.
    expect(citing("AwsSolutions-RDS13")).toEqual(["ha-rds-instance-backup-retention"]);
    expect(citing("AwsSolutions-AEC4")).toEqual(["ha-redis-multi-az-failover"]);
  });

  it("starts from prod enforcement unless HA_BLUEPRINT_ENVIRONMENT says otherwise", () => {
    expect(packEnvironment(undefined)).toBe("prod");
    expect(packEnvironment("dev")).toBe("dev");
    expect(() => packEnvironment("qa")).toThrow(/dev, staging or prod/);
    expect(packInitialConfig("dev")).toEqual(packConfigFor("dev"));
  });

  it("keeps the entry file to the PolicyPack construction", () => {
    const entry = fs.readFileSync(path.join(__dirname, "../../policies/index.ts"), "utf8");
    expect(entry.match(/new PolicyPack\(/g)).toHaveLength(1);
    expect(entry).not.toMatch(/validate(Resource|Stack)|report/);
    expect(fs.readFileSync(path.join(__dirname, "../../policies/PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });
});

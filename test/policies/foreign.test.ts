import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { policyConfigProblems } from "../../policies/configValidation";
import { renderForeignConfigFile } from "../../policies/generate";
import { RULES } from "../../policies/rules";
import { ResourceGraph } from "../../graph/model";
import { checkGraph, type CheckResult } from "../../policies/check";
import { foreignProfileConfig, overlayPolicyConfig } from "../../policies/enforcement";
import { ruleByName } from "../../policies/rules";
import { toFirstPreview } from "../helpers/preview";
import { foreignStack } from "./foreignStack";
import { mixedStack } from "./mixedStack";

/**
 * The pack on a stack another team wrote (test/policies/foreignStack.ts): one finding per root
 * cause, provider defaults read as defaults, zone ids counted, the stateful blind spots caught,
 * and the foreign profile keeping the universal rules while dropping the house ones.
 */

const urnOf = (name: string) => foreignStack().get(name).urn;
const mandatoryOn = (r: CheckResult, name: string) => r.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn === urnOf(name));
const policiesOn = (r: CheckResult, name: string) => r.violations.filter((v) => v.urn === urnOf(name)).map((v) => v.policy).sort();

describe.each([["final state", false], ["first preview", true]] as const)("a foreign-looking stack (%s)", (_label, preview) => {
  const graph = () => new ResourceGraph(preview ? toFirstPreview(foreignStack().resources()) : foreignStack().resources());
  const result = () => checkGraph(graph(), { environment: "prod" });

  it("reports a one-pod Deployment once (its replicas); its PDB and spread rules say not applicable", () => {
    const r = result();
    expect(mandatoryOn(r, "api").map((v) => v.policy)).toEqual(["ha-k8s-min-replicas"]);
    const na = r.notApplicable.filter((n) => n.urn === urnOf("api")).map((n) => n.policy).sort();
    expect(na).toEqual(["ha-k8s-deployment-has-pdb", "ha-k8s-node-spread", "ha-k8s-zone-spread"]);
    for (const n of r.notApplicable.filter((x) => x.urn === urnOf("api"))) expect(n.why).toMatch(/not applicable until it runs 2 or more/);
  });

  it("still asks the scaled worker for a PDB in its own namespace and a spread (the PDB in `ops` does not count)", () => {
    expect(policiesOn(result(), "worker")).toEqual(["ha-k8s-deployment-has-pdb", "ha-k8s-node-spread", "ha-k8s-zone-spread"]);
  });

  it("counts subnets placed by availabilityZoneId: three zone ids meet prod's three AZs", () => {
    const r = result();
    expect(r.violations.filter((v) => v.policy === "ha-vpc-multi-az" || v.policy === "ha-subnet-groups-multi-az")).toEqual([]);
    expect(graph().azsOf(graph().ofType("aws:ec2/subnet:Subnet")[0])).toEqual(["usw2-az1"]);
  });

  it("reads the node group's absent instanceTypes as the provider default t3.medium, never as 0 types", () => {
    const msgs = result().violations.filter((v) => v.policy === "ha-nodegroup-scaling").map((v) => v.message);
    expect(msgs).toEqual([expect.stringMatching(/provider default t3\.medium alone, below this pack's minimum of 2, set by `ha-nodegroup-scaling\.minInstanceTypes`/)]);
    expect(result().violations.map((v) => v.message).join("\n")).not.toMatch(/\b0 instance type|\b0 availability zone/);
  });

  it("catches the stateful blind spots: PostgreSQL on emptyDir, one pod on a ReadWriteOnce gp2 claim, a region served by one instance", () => {
    const r = result();
    // Each once, by the rule that owns the root cause: more replicas of either would not help, so
    // the replica rule leaves them (not applicable) to the datastore and EBS rules.
    expect(policiesOn(r, "postgres")).toEqual(["ha-k8s-datastore-persistent"]);
    expect(policiesOn(r, "uploads")).toEqual(["ha-k8s-rwo-volume-single-pod"]);
    expect(r.notApplicable.filter((n) => n.policy === "ha-k8s-min-replicas").map((n) => n.urn).sort()).toEqual([urnOf("postgres"), urnOf("uploads")].sort());
    expect(policiesOn(r, "eu-web")).toEqual(["ha-standalone-instance-tier"]);
    expect(policiesOn(r, "ghost-hpa")).toContain("ha-k8s-hpa-target-exists");
    // The Redis StatefulSet has a PVC per pod: no datastore finding; its anti-affinity selects sentinels, not itself.
    expect(policiesOn(r, "redis")).toEqual(["ha-k8s-node-spread"]);
  });

  it("names resource properties, never this blueprint's stack-file keys, on another team's stack", () => {
    expect(result().violations.map((v) => v.message).join("\n")).not.toMatch(/ha-blueprint:/);
  });
});

describe("the foreign profile", () => {
  it("keeps the universal rules mandatory and drops the house ones", () => {
    const blueprint = checkGraph(foreignStack().graph(), { environment: "prod" });
    const foreign = checkGraph(foreignStack().graph(), { environment: "prod", profile: "foreign" });
    const mandatory = (r: CheckResult) => new Set(r.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy));
    for (const kept of ["ha-k8s-min-replicas", "ha-k8s-datastore-persistent", "ha-k8s-rwo-volume-single-pod", "ha-standalone-instance-tier", "ha-rds-instance-multi-az", "sec-rds-instance-encryption", "ha-ecs-min-tasks"]) {
      expect(mandatory(foreign).has(kept), kept).toBe(true);
    }
    for (const house of ["ha-nodegroup-scaling", "ha-ecs-circuit-breaker", "ha-k8s-hpa-bounds"]) {
      expect(mandatory(blueprint).has(house), `${house} blocks in the blueprint profile`).toBe(true);
      expect(mandatory(foreign).has(house), `${house} does not block in the foreign profile`).toBe(false);
    }
    // Prod's three-pod floor is a house threshold: the foreign profile asks for the rule default (2) or one per AZ.
    expect(foreign.violations.find((v) => v.policy === "ha-k8s-min-replicas" && v.urn === foreignStack().get("api").urn)?.message).toMatch(/at least 3 are required: one per AZ \(usw2-az1, usw2-az2, usw2-az3\)/);
  });

  it("drops the multi-region house rules on a one-region stack and keeps them off for single-region data stores", () => {
    const g = mixedStack();
    g.set("aws-west", "region", "us-east-1");
    const foreign = checkGraph(g.graph(), { profile: "foreign" });
    expect(foreign.violations.filter((v) => v.policy === "ha-min-regions")).toEqual([]);
    expect(checkGraph(g.graph()).violations.filter((v) => v.policy === "ha-min-regions").length).toBeGreaterThan(0);
  });

  it("ships as policies/config/foreign.json (current, and valid policy config for the Pulumi CLI)", () => {
    const file = fs.readFileSync(path.resolve(__dirname, "../../policies/config/foreign.json"), "utf8");
    expect(file).toBe(renderForeignConfigFile());
    expect(policyConfigProblems(JSON.parse(file), RULES)).toEqual([]);
  });

  it("sets every rule's level and threshold explicitly, and a user's config overrides it rule by rule", () => {
    const cfg = foreignProfileConfig() as Record<string, Record<string, unknown>>;
    expect(cfg["ha-vpc-multi-az"]).toEqual({ enforcementLevel: "mandatory", minAzs: 2 });
    expect(cfg["ha-min-regions"].enforcementLevel).toBe("disabled");
    expect(cfg["ha-nodegroup-scaling"]).toMatchObject({ enforcementLevel: "advisory", minInstanceTypes: 1 });
    const over = overlayPolicyConfig(foreignProfileConfig(), { "ha-vpc-multi-az": { minAzs: 3 }, "ha-min-regions": "mandatory" }) as Record<string, Record<string, unknown>>;
    expect(over["ha-vpc-multi-az"]).toEqual({ enforcementLevel: "mandatory", minAzs: 3 });
    expect(over["ha-min-regions"].enforcementLevel).toBe("mandatory");
    const all = overlayPolicyConfig(foreignProfileConfig(), { all: "advisory" }) as Record<string, unknown>;
    expect(all.all).toBe("advisory");
    expect((all["ha-vpc-multi-az"] as Record<string, unknown>).enforcementLevel).toBeUndefined();
    expect(ruleByName("ha-vpc-multi-az")).toBeDefined();
  });
});

describe("stack-file keys on this blueprint's own plan", () => {
  it("name the backup key that sets the retention a finding is about", () => {
    const g = mixedStack();
    const rules = JSON.parse(JSON.stringify((g.get("plan-east").inputs as any).rules));
    rules[0].copyActions[0].lifecycle.deleteAfter = 7;
    g.set("plan-east", "rules", rules);
    const msgs = checkGraph(g.graph(), { environment: "prod" }).violations.filter((v) => v.policy === "ha-backup-retention").map((v) => v.message);
    expect(msgs).toEqual([expect.stringMatching(/below this pack's minimum of 35, set by `ha-backup-retention\.minCopyRetentionDays`.*change `ha-blueprint:backup\.copyRetentionDays` in the stack file/)]);
  });

  it("name the ha-blueprint: key to change next to the resource property", () => {
    const g = mixedStack();
    g.set("hpa-west", "spec.minReplicas", 2);
    const msgs = checkGraph(g.graph(), { environment: "prod" }).violations.filter((v) => v.policy === "ha-k8s-min-replicas").map((v) => v.message);
    expect(msgs).toEqual([expect.stringMatching(/raise HPA hpa-west spec.minReplicas to 3 \(this blueprint's plan: change `ha-blueprint:app\.replicasPerRegion` in the stack file\)/)]);
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import type { ExportedResource } from "../../plan/stackExport";
import { planStack } from "../helpers/plan";
import { toFirstPreview } from "../helpers/preview";
import { CASES } from "./cases";
import { AWS_CASES } from "./casesAws";
import { BLIND_SPOT_CASES, DATA_CASES } from "./casesData";
import { K8S_CASES } from "./casesK8s";
import { PolicyPackProcess, type EngineDiagnostic } from "./engine/pulumiEngine";
import { foreignStack } from "./foreignStack";
import { mixedStack } from "./mixedStack";
import { foreignProfileConfig } from "../../policies/enforcement";
import { PROD_TLS } from "./prodPlan";

/**
 * One verdict in every mode: the pack as the Pulumi engine runs it (the real entry point serving
 * @pulumi/policy's analyzer, driven over gRPC with Analyze/AnalyzeStack requests as the engine
 * sends them, config reconciled from the pack's initial config) reports exactly what
 * `ha-blueprint check` reports on the same graph: same policies, resources, messages, levels and
 * severities, nothing more and nothing less.
 */

const PROD_CONFIG = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../policies/config/prod.json"), "utf8")) as Record<string, unknown>;
/** A user config exercising `all`, a disabled rule, a per-rule level over `all` and thresholds. */
const CUSTOM_CONFIG = {
  all: "advisory",
  "ha-k8s-probes": "disabled",
  "ha-vpc-multi-az": { enforcementLevel: "mandatory", minAzs: 2 },
  "ha-k8s-min-replicas": { minReplicas: 4 },
  "ha-backup-retention": { minCopyRetentionDays: 60 },
};

type Row = Pick<EngineDiagnostic, "policy" | "urn" | "message" | "enforcementLevel" | "severity">;
const key = (r: Row) => `${r.policy}|${r.urn}|${r.enforcementLevel}|${r.severity}|${r.message}`;
const sorted = (rows: Row[]) => rows.map((r) => ({ policy: r.policy, urn: r.urn, message: r.message, enforcementLevel: r.enforcementLevel, severity: r.severity })).sort((a, b) => key(a).localeCompare(key(b)));

function checkRows(resources: ExportedResource[], policyConfig: Record<string, unknown>): Row[] {
  return checkGraph(new ResourceGraph(resources, "us-east-1"), { environment: "prod", policyConfig: policyConfig as never }).violations;
}

/** Documented provider defaults a deployed stack's outputs record where the inputs say nothing. */
const RECORDED_DEFAULTS: Record<string, (inputs: Record<string, any>, region: string) => Record<string, unknown>> = {
  "aws:lb/targetGroup:TargetGroup": (i) => ({ healthCheck: { enabled: true, path: "/", matcher: "200", protocol: "HTTP", ...(i.healthCheck ?? {}) } }),
  "aws:lb/loadBalancer:LoadBalancer": () => ({ enableDeletionProtection: false, enableCrossZoneLoadBalancing: false }),
  "aws:backup/vault:Vault": (_i, region) => ({ kmsKeyArn: `arn:aws:kms:${region}:111122223333:key/aws-managed-backup` }),
  "aws:rds/cluster:Cluster": () => ({ backupRetentionPeriod: 1, deletionProtection: false }),
  "aws:rds/instance:Instance": () => ({ backupRetentionPeriod: 0, multiAz: false, storageEncrypted: false, deletionProtection: false }),
  "aws:autoscaling/group:Group": () => ({ healthCheckType: "EC2" }),
  "aws:ecs/service:Service": () => ({ desiredCount: 0, schedulingStrategy: "REPLICA" }),
  "aws:kms/key:Key": () => ({ enableKeyRotation: false }),
};

/**
 * A stack as deployed: the provider returns every input back among the outputs, with the
 * computed ones (id, ARN) and the defaults it filled in. Hand-built graphs record only the
 * computed outputs, so they are completed the way a real export would hold them.
 */
function asDeployed(resources: ExportedResource[]): ExportedResource[] {
  return resources.map((r) => {
    if (!r.custom || r.type.startsWith("pulumi:providers:")) return r;
    const region = String((r.outputs?.arn as string | undefined)?.split(":")[3] || "us-east-1");
    return { ...r, outputs: { ...(RECORDED_DEFAULTS[r.type]?.(r.inputs ?? {}, region) ?? {}), ...(r.inputs ?? {}), ...(r.outputs ?? {}), ...(r.id ? { id: r.id } : {}) } };
  });
}

/**
 * A first preview: ids and ARNs unknown (toFirstPreview), plus values of other kinds the engine
 * marshals with their own sentinels (an unknown list, number and boolean).
 */
function firstPreview(resources: ExportedResource[]): ExportedResource[] {
  const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
  const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
  const UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
  return toFirstPreview(resources).map((r, i) => {
    const inputs = { ...(r.inputs ?? {}) } as Record<string, any>;
    if (r.type === "aws:eks/nodeGroup:NodeGroup" && i % 2 === 0) inputs.instanceTypes = UNKNOWN_ARRAY;
    if (r.type === "aws:lb/loadBalancer:LoadBalancer") inputs.enableDeletionProtection = UNKNOWN_BOOL;
    if (r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" && inputs.spec) inputs.spec = { ...inputs.spec, maxReplicas: UNKNOWN_NUMBER };
    return { ...r, inputs };
  });
}

/** The mixed stack with every rule case's mutation applied at once: a graph that breaks almost every rule. */
function brokenMixed(): ExportedResource[] {
  const g = mixedStack();
  for (const c of [...CASES, ...K8S_CASES, ...AWS_CASES, ...DATA_CASES, ...BLIND_SPOT_CASES].filter((c) => c.rule !== "ha-region-known")) {
    // (ha-region-known's case empties the graph; both sides place every resource by aws:region anyway.)
    try {
      c.mutate(g);
    } catch {
      // A case that collides with an earlier one (a removed resource, a name taken) is skipped.
    }
  }
  // A literal that contradicts its recorded edge: the value names another AZ's subnet.
  const resources = g.resources();
  const ng = resources.find((r) => r.urn.endsWith("::ng-west-b"));
  if (ng) ng.inputs = { ...ng.inputs, subnetIds: ["private-west-a-id"] };
  return resources;
}

let pack: PolicyPackProcess;
const graphs: Record<string, ExportedResource[]> = {};

beforeAll(async () => {
  const [started, prod] = await Promise.all([
    PolicyPackProcess.start({ HA_BLUEPRINT_ENVIRONMENT: "prod", PULUMI_CONFIG: JSON.stringify({ "aws:region": "us-east-1" }), AWS_REGION: "" }),
    planStack("prod", PROD_TLS),
  ]);
  pack = started;
  graphs["prod plan"] = asDeployed(prod.resources);
  graphs["mixed stack"] = asDeployed(mixedStack().resources());
  graphs["mixed stack with every rule broken"] = asDeployed(brokenMixed());
  // Another team's stack: no ha: tags, zone ids, one-pod and scaled workloads, a standalone instance.
  graphs["foreign stack"] = asDeployed(foreignStack().resources());
}, 60_000);

afterAll(() => pack?.stop());

describe("the pack run by the engine (Analyze + AnalyzeStack over gRPC) and `check` agree", () => {
  // The custom config runs on the broken graph only: that is where levels and thresholds show.
  for (const [config, label, names] of [
    [PROD_CONFIG, "--policy-pack-config policies/config/prod.json", ["prod plan", "mixed stack", "mixed stack with every rule broken", "foreign stack"]],
    [CUSTOM_CONFIG, "a custom config (all, disabled, thresholds)", ["mixed stack with every rule broken"]],
    [foreignProfileConfig() as Record<string, unknown>, "the foreign profile (policies/config/foreign.json)", ["foreign stack", "mixed stack with every rule broken"]],
  ] as const) {
    for (const name of names) {
      for (const preview of [false, true]) {
        it(`on the ${name}${preview ? " as a first preview" : ""}, with ${label}`, async () => {
          const resources = preview ? firstPreview(graphs[name]) : graphs[name];
          await pack.configure(config);
          const engine = sorted(await pack.run(resources));
          const expected = sorted(checkRows(resources, config));
          // Nothing the engine would report as "can't run during preview", and no difference at all.
          expect(engine.filter((d) => /can't run policy/.test(d.message))).toEqual([]);
          expect(engine).toEqual(expected);
          // Not vacuous: the broken graph trips most of the pack's rules, in every level.
          if (name === "mixed stack with every rule broken") {
            expect(new Set(expected.map((v) => v.policy)).size).toBeGreaterThanOrEqual(45);
            expect(expected.length).toBeGreaterThanOrEqual(90);
          }
        });
      }
    }
  }

  it("sees the config the engine reconciles: pack defaults under --policy-pack-config, thresholds and levels applied", async () => {
    const reconciled = await pack.configure(CUSTOM_CONFIG);
    expect(reconciled["ha-vpc-multi-az"]).toEqual({ enforcementLevel: "mandatory", properties: { minAzs: 2 } });
    expect(reconciled["ha-k8s-probes"].enforcementLevel).toBe("disabled");
    expect(reconciled["ha-k8s-min-replicas"]).toEqual({ enforcementLevel: "advisory", properties: { minReplicas: 4, perAz: true, minReplicasNotServing: 2 } });
    const prod = await pack.configure(PROD_CONFIG);
    expect(prod["ha-lb-multi-az"]).toEqual({ enforcementLevel: "mandatory", properties: { minAzs: 3 } });
  });
});

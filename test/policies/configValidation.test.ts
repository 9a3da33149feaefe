import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../../config/schema";
import { checkGraph } from "../../policies/check";
import { PolicyConfigError, policyConfigProblems, validatePolicyConfig } from "../../policies/configValidation";
import { configOf } from "../../policies/crossguard";
import { packConfigFor } from "../../policies/enforcement";
import { packInitialConfig } from "../../policies/pack";
import { RULES, ruleByName } from "../../policies/rules";
import { happyStack } from "./happyStack";

/** Bad policy config is an error that names the rule and the key, wherever the config enters. */

describe("policy config validation", () => {
  it("accepts the generated environment configs and the documented shapes", () => {
    for (const env of ENVIRONMENTS) expect(policyConfigProblems(packConfigFor(env), RULES), env).toEqual([]);
    expect(policyConfigProblems({ all: "advisory", "ha-aurora-backup-retention": { enforcementLevel: "mandatory", minBackupRetentionDays: 14 }, "ha-k8s-probes": "disabled" }, RULES)).toEqual([]);
  });

  it("fails on an unknown rule, naming it", () => {
    expect(policyConfigProblems({ "ha-aurora-backup-retentoin": "advisory" }, RULES)).toEqual(['unknown rule "ha-aurora-backup-retentoin"']);
  });

  it("fails on an unknown enforcement level, as a string or inside an object", () => {
    expect(policyConfigProblems({ "ha-k8s-probes": "block" }, RULES)).toEqual(['"ha-k8s-probes" has unknown enforcement level "block" (use advisory, mandatory, remediate, disabled)']);
    expect(policyConfigProblems({ all: { enforcementLevel: "warn" } }, RULES)[0]).toMatch(/^"all" has unknown enforcement level "warn"/);
  });

  it("fails on a threshold of the wrong type, out of range, or unknown", () => {
    expect(policyConfigProblems({ "ha-vpc-multi-az": { minAzs: "3" } }, RULES)).toEqual(['ha-vpc-multi-az.minAzs must be integer, not the string "3"']);
    expect(policyConfigProblems({ "ha-vpc-multi-az": { minAzs: 2.5 } }, RULES)).toEqual(["ha-vpc-multi-az.minAzs must be integer, not number 2.5"]);
    expect(policyConfigProblems({ "ha-aurora-backup-retention": { minBackupRetentionDays: 40 } }, RULES)).toEqual(["ha-aurora-backup-retention.minBackupRetentionDays must be at most 35, not 40"]);
    expect(policyConfigProblems({ "ha-min-regions": { allowedRegions: ["us-east-1", 2] } }, RULES)).toEqual(["ha-min-regions.allowedRegions[1] must be string, not number 2"]);
    expect(policyConfigProblems({ "ha-vpc-multi-az": { minAZs: 3 } }, RULES)).toEqual(['ha-vpc-multi-az has unknown setting "minAZs" (known: minAzs)']);
    expect(policyConfigProblems({ all: { enforcementLevel: "advisory", minAzs: 3 } }, RULES)).toEqual(['"all" takes only an enforcement level, not "minAzs"']);
  });

  it("fails on a document that is not an object of entries", () => {
    expect(policyConfigProblems([], RULES)[0]).toMatch(/must be a JSON object/);
    expect(policyConfigProblems({ "ha-k8s-probes": 3 }, RULES)).toEqual(['"ha-k8s-probes" must be an enforcement level or an object of settings, not number 3']);
  });

  it("makes checkGraph throw instead of running with a config nobody meant", () => {
    expect(() => checkGraph(happyStack().graph(), { environment: "prod", policyConfig: { "ha-k8s-probes": "block" as never } })).toThrow(PolicyConfigError);
    expect(() => validatePolicyConfig({ nope: "advisory" }, RULES, "x.json")).toThrow(/^x\.json: unknown rule "nope"$/);
  });

  it("makes a pack policy fail, naming the key, when the engine hands it a bad threshold", () => {
    const rule = ruleByName("ha-vpc-multi-az")!;
    expect(configOf(rule, { minAzs: 3 })).toEqual({ minAzs: 3 });
    expect(() => configOf(rule, { minAzs: "three" })).toThrow(/policy config of ha-vpc-multi-az: ha-vpc-multi-az\.minAzs must be integer/);
  });

  it("validates the pack's own initial config for every environment", () => {
    for (const env of ENVIRONMENTS) expect(packInitialConfig(env)).toEqual(packConfigFor(env));
  });
});

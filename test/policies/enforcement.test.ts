import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../../config/schema";
import { checkGraph } from "../../policies/check";
import { levelFor, packConfigFor, resolveRule } from "../../policies/enforcement";
import { CONFIG_DIR, DOC_FILE, renderConfigFile, renderDoc } from "../../policies/generate";
import { RULES, ruleByName } from "../../policies/rules";
import { happyStack } from "./happyStack";

describe("enforcement per environment", () => {
  it("keeps redundancy, security and validity rules mandatory in every environment (unless catalogue P2)", () => {
    for (const env of ENVIRONMENTS) {
      for (const r of RULES.filter((x) => (x.kind === "redundancy" || x.kind === "security" || x.kind === "validity") && !x.advisoryEverywhere)) {
        expect(levelFor(r, env), `${r.name} in ${env}`).toBe("mandatory");
      }
    }
  });

  it("makes size, protection and hardening rules mandatory in prod and advisory in dev and staging", () => {
    expect(RULES.filter((x) => x.kind === "hardening").map((r) => r.name)).toEqual(["sec-public-entry-tls"]);
    for (const r of RULES.filter((x) => x.kind === "size" || x.kind === "protection" || x.kind === "hardening")) {
      expect(levelFor(r, "prod")).toBe("mandatory");
      expect(levelFor(r, "dev")).toBe("advisory");
      expect(levelFor(r, "staging")).toBe("advisory");
    }
  });

  it("raises AZ and replica floors in staging and prod only", () => {
    expect(resolveRule(ruleByName("ha-vpc-multi-az")!, "prod").config).toEqual({ minAzs: 3 });
    expect(resolveRule(ruleByName("ha-vpc-multi-az")!, "dev").config).toEqual({ minAzs: 2 });
    expect(resolveRule(ruleByName("ha-k8s-min-replicas")!, "staging").config).toMatchObject({ minReplicas: 3 });
  });

  it("lets policy config override levels and thresholds, `all` included", () => {
    const rule = ruleByName("ha-aurora-backup-retention")!;
    expect(resolveRule(rule, "prod", { all: "advisory" }).level).toBe("advisory");
    expect(resolveRule(rule, "dev", { [rule.name]: { enforcementLevel: "mandatory", minBackupRetentionDays: 3 } })).toEqual({ level: "mandatory", config: { minBackupRetentionDays: 3 } });
  });

  it("fails when a size rule is broken in prod, but only advises in dev", () => {
    const g = happyStack();
    g.set("db-east", "backupRetentionPeriod", 1);
    const prod = checkGraph(g.graph(), { environment: "prod" });
    const dev = checkGraph(g.graph(), { environment: "dev" });
    expect(prod.summary.passed).toBe(false);
    expect(dev.summary.passed).toBe(true);
    expect(dev.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["ha-aurora-backup-retention", "advisory"]]);
  });

  it("fails in dev too when a redundancy rule is broken", () => {
    const g = happyStack();
    g.remove("cache-west");
    expect(checkGraph(g.graph(), { environment: "dev" }).summary.passed).toBe(false);
  });

  it("takes the environment from the providers' ha:environment tag when none is given", () => {
    expect(checkGraph(happyStack().graph()).summary).toMatchObject({ environment: "prod", environmentSource: "graph" });
  });
});

describe("generated artefacts", () => {
  it("docs/policies.md holds the current rule table (run `npx tsx policies/generate.ts` when this fails)", () => {
    const doc = fs.readFileSync(DOC_FILE, "utf8");
    expect(doc).toBe(renderDoc(doc));
    for (const r of RULES) expect(doc).toContain(`\`${r.name}\``);
  });

  it("policies/config/<env>.json match the enforcement table", () => {
    for (const env of ENVIRONMENTS) {
      expect(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"), env).toBe(renderConfigFile(env));
      expect(JSON.parse(renderConfigFile(env))).toEqual(packConfigFor(env));
    }
  });
});

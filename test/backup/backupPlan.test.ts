import { beforeAll, describe, expect, it } from "vitest";
import type { RegionBackupTopology } from "../../components/topology";
import type { ExportedResource } from "../../plan/stackExport";
import { arnRegion, fixtureDataStores, planTiers, type TierPlan } from "../helpers/tiers";

const B = "aws:backup";
const REGIONS = ["us-east-1", "us-west-2"];

interface Rule {
  ruleName: string;
  targetVaultName: string;
  schedule: string;
  enableContinuousBackup: boolean;
  lifecycle: { deleteAfter: number };
  copyActions: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[];
}
const rulesOf = (plan: ExportedResource) => plan.inputs?.rules as Rule[];

describe("BackupPlan in prod (two regions, continuous backup, vault lock)", () => {
  let plan: TierPlan;
  beforeAll(async () => {
    plan = await planTiers("prod");
  });

  it("gives every region a vault encrypted with its own KMS key in the same region", () => {
    const vaults = plan.ofType(`${B}/vault:Vault`);
    expect(vaults.map((v) => plan.regionOf(v)).sort()).toEqual(REGIONS);
    const keys = new Set<string>();
    for (const v of vaults) {
      const key = plan.byUrn(v.propertyDependencies!.kmsKeyArn![0]);
      expect(key.type).toBe("aws:kms/key:Key");
      expect(plan.regionOf(key)).toBe(plan.regionOf(v));
      expect(key.inputs?.enableKeyRotation).toBe(true);
      keys.add(key.urn);
      // prod keeps its vaults (and their recovery points) when the stack is destroyed
      expect(v.inputs?.forceDestroy).toBe(false);
      expect(v.retainOnDelete).toBe(true);
      expect(key.retainOnDelete).toBe(true);
    }
    expect(keys.size).toBe(2);
  });

  it("copies every recovery point to a vault in a different region than its source", () => {
    const plans = plan.ofType(`${B}/plan:Plan`);
    expect(plans).toHaveLength(2);
    for (const p of plans) {
      const source = plan.regionOf(p)!;
      const [rule] = rulesOf(p);
      expect(rule.copyActions).toHaveLength(1);
      for (const copy of rule.copyActions) {
        expect(arnRegion(copy.destinationVaultArn)).not.toBe(source);
        const target = plan.ofType(`${B}/vault:Vault`).find((v) => v.outputs?.arn === copy.destinationVaultArn)!;
        expect(plan.regionOf(target)).not.toBe(source);
        expect(p.propertyDependencies!.rules).toContain(target.urn);
        expect(copy.lifecycle.deleteAfter).toBe(35);
      }
      // the rule stores into its own region's vault
      const local = plan.ofType(`${B}/vault:Vault`).find((v) => v.inputs?.name === rule.targetVaultName)!;
      expect(plan.regionOf(local)).toBe(source);
    }
  });

  it("runs one rule on the configured schedule with continuous backup and the configured retention", () => {
    for (const p of plan.ofType(`${B}/plan:Plan`)) {
      expect(rulesOf(p)).toHaveLength(1);
      expect(rulesOf(p)[0]).toMatchObject({ schedule: "cron(0 5 * * ? *)", enableContinuousBackup: true, lifecycle: { deleteAfter: 35 } });
    }
  });

  it("selects every Aurora cluster by ARN, each in its own region's plan", () => {
    const selections = plan.ofType(`${B}/selection:Selection`);
    expect(selections.flatMap((s) => s.inputs?.resources as string[]).sort()).toEqual(REGIONS.map((r) => fixtureDataStores(r).auroraClusterArn).sort());
    for (const s of selections) {
      const region = plan.regionOf(s)!;
      expect(s.inputs?.resources).toEqual([fixtureDataStores(region).auroraClusterArn]);
      const owner = plan.byUrn(s.propertyDependencies!.planId![0]);
      expect(plan.regionOf(owner)).toBe(region);
      // AWS Backup cannot back up ElastiCache: nothing of the session store is selected
      expect(JSON.stringify(s.inputs)).not.toContain("elasticache");
    }
  });

  it("assumes a region-unique IAM role with the AWS-managed backup and restore policies", () => {
    const roles = plan.ofType("aws:iam/role:Role").filter((r) => String(r.inputs?.name).endsWith("-backup"));
    expect(roles.map((r) => r.inputs?.name).sort()).toEqual(["ha-prod-use1-backup", "ha-prod-usw2-backup"]);
    for (const role of roles) {
      expect(JSON.parse(String(role.inputs?.assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "backup.amazonaws.com" });
      const policies = plan.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.propertyDependencies?.role?.[0] === role.urn)
        .map((a) => a.inputs?.policyArn);
      expect(policies.sort()).toEqual([
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      ]);
    }
    for (const s of plan.ofType(`${B}/selection:Selection`)) {
      const role = plan.byUrn(s.propertyDependencies!.iamRoleArn![0]);
      expect(plan.regionOf(role)).toBe(plan.regionOf(s));
    }
  });

  it("locks both vaults with the configured bounds in governance mode", () => {
    const locks = plan.ofType(`${B}/vaultLockConfiguration:VaultLockConfiguration`);
    expect(locks.map((l) => plan.regionOf(l)).sort()).toEqual(REGIONS);
    for (const l of locks) {
      expect(l.inputs).toMatchObject({ minRetentionDays: 7, maxRetentionDays: 3650 });
      expect(l.inputs?.changeableForDays).toBeUndefined();
    }
  });

  it("tests restores of Aurora from each vault, copies from the other region included", () => {
    for (const test of plan.ofType(`${B}/restoreTestingPlan:RestoreTestingPlan`)) {
      const region = plan.regionOf(test);
      const selection = test.inputs?.recoveryPointSelection as { includeVaults: string[]; recoveryPointTypes: string[]; algorithm: string };
      expect(selection.includeVaults.map(arnRegion)).toEqual([region]);
      expect(selection.recoveryPointTypes).toEqual(["CONTINUOUS", "SNAPSHOT"]);
      expect(String(test.inputs?.name)).toMatch(/^[A-Za-z0-9_]{1,50}$/);
    }
    const selections = plan.ofType(`${B}/restoreTestingSelection:RestoreTestingSelection`);
    expect(selections.map((s) => plan.regionOf(s)).sort()).toEqual(REGIONS);
    for (const s of selections) expect(s.inputs).toMatchObject({ protectedResourceType: "Aurora", protectedResourceArns: ["*"] });
  });

  it("exposes vault and plan ids and the copy destinations in the topology", () => {
    const backup = plan.outputs.backup as Record<string, RegionBackupTopology>;
    expect(backup["us-east-1"]).toMatchObject({
      vaultName: "ha-prod-use1-vault",
      copyDestinationVaultArns: ["arn:aws:backup:us-west-2:123456789012:backup-vault:ha-prod-usw2-vault"],
      vaultLocked: true,
      selectedResourceArns: [fixtureDataStores("us-east-1").auroraClusterArn],
    });
  });
});

describe("BackupPlan across environments", () => {
  it("does not lock dev vaults and lets dev destroy them", async () => {
    const plan = await planTiers("dev");
    expect(plan.ofType(`${B}/vaultLockConfiguration:VaultLockConfiguration`)).toEqual([]);
    for (const v of plan.ofType(`${B}/vault:Vault`)) {
      expect(v.inputs?.forceDestroy).toBe(true);
      expect(v.retainOnDelete).toBeUndefined();
    }
    expect(rulesOf(plan.ofType(`${B}/plan:Plan`)[0])[0].lifecycle.deleteAfter).toBe(7);
  });

  it("does not lock staging vaults", async () => {
    const plan = await planTiers("staging", { endpoints: false, dataStores: false });
    expect(plan.ofType(`${B}/vault:Vault`)).toHaveLength(2);
    expect(plan.ofType(`${B}/vaultLockConfiguration:VaultLockConfiguration`)).toEqual([]);
  });

  it("locks dev vaults in compliance mode when configured", async () => {
    const plan = await planTiers("dev", {
      overrides: { "ha-blueprint:backup": { vaultLock: { enabled: true, minRetentionDays: 7, maxRetentionDays: 30, changeableForDays: 3 } } },
    });
    const locks = plan.ofType(`${B}/vaultLockConfiguration:VaultLockConfiguration`);
    expect(locks).toHaveLength(2);
    for (const l of locks) expect(l.inputs).toMatchObject({ minRetentionDays: 7, maxRetentionDays: 30, changeableForDays: 3 });
  });

  it("copies to both other regions in a three-region stack", async () => {
    const plan = await planTiers("dev", {
      overrides: {
        "ha-blueprint:regions": [
          { name: "us-east-1", cidr: "10.0.0.0/16", azCount: 2 },
          { name: "us-west-2", cidr: "10.1.0.0/16", azCount: 2 },
          { name: "eu-west-1", cidr: "10.2.0.0/16", azCount: 2 },
        ],
      },
    });
    for (const p of plan.ofType(`${B}/plan:Plan`)) {
      const source = plan.regionOf(p)!;
      const targets = rulesOf(p)[0].copyActions.map((c) => arnRegion(c.destinationVaultArn)).sort();
      expect(targets).toEqual(["eu-west-1", "us-east-1", "us-west-2"].filter((r) => r !== source));
    }
    expect(plan.ofType(`${B}/selection:Selection`)).toHaveLength(3);
  });

  it("drops continuous backup and restore testing when configured off", async () => {
    const plan = await planTiers("dev", { overrides: { "ha-blueprint:backup": { continuousBackup: false, restoreTesting: false, retentionDays: 90 } } });
    for (const p of plan.ofType(`${B}/plan:Plan`)) expect(rulesOf(p)[0]).toMatchObject({ enableContinuousBackup: false, lifecycle: { deleteAfter: 90 } });
    expect(plan.ofType(`${B}/restoreTestingPlan:RestoreTestingPlan`)).toEqual([]);
    expect(plan.ofType(`${B}/restoreTestingSelection:RestoreTestingSelection`)).toEqual([]);
  });

  it("keeps vaults, plans and restore-testing plans but selects nothing without the data tier", async () => {
    const plan = await planTiers("prod", { dataStores: false });
    expect(plan.ofType(`${B}/plan:Plan`)).toHaveLength(2);
    expect(plan.ofType(`${B}/restoreTestingPlan:RestoreTestingPlan`)).toHaveLength(2);
    expect(plan.ofType(`${B}/selection:Selection`)).toEqual([]);
    expect(plan.ofType(`${B}/restoreTestingSelection:RestoreTestingSelection`)).toEqual([]);
  });
});

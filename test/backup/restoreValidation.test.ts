import { beforeAll, describe, expect, it } from "vitest";
import { restoreCompletedPattern, VALIDATION_RUNTIME, VALIDATION_WINDOW_HOURS } from "../../components/backup/restoreValidation";
import { clusterProblems, verdictFor, type Expected, type RestoredCluster, type RestoreJobEvent } from "../../components/backup/restoreValidation/validate";
import type { ExportedResource } from "../../plan/stackExport";
import { planStack } from "../helpers/plan";
import { fixtureDataStores, planTiers, type TierPlan } from "../helpers/tiers";

const REGIONS = ["us-east-1", "us-west-2"];
const PLAN_ARN = "arn:aws:backup:us-west-2:210987654321:restore-testing-plan:ha_prod_usw2_restore_test-1";
const EXPECTED: Expected = { restoreTestingPlanArn: PLAN_ARN, engine: "aurora-postgresql", subnetGroupName: "ha-prod-usw2-aurora-subnets", securityGroupId: "sg-0closed" };
const CLUSTER_ARN = "arn:aws:rds:us-west-2:210987654321:cluster:awsbackup-restore-test-1";

function event(detail: Partial<NonNullable<RestoreJobEvent["detail"]>> = {}): RestoreJobEvent {
  return {
    region: "us-west-2",
    detail: { restoreJobId: "JOB-1", status: "COMPLETED", resourceType: "Aurora", createdResourceArn: CLUSTER_ARN, restoreTestingPlanArn: PLAN_ARN, ...detail },
  };
}

const GOOD: RestoredCluster = {
  Status: "available",
  Engine: "aurora-postgresql",
  StorageEncrypted: true,
  KmsKeyId: "arn:aws:kms:us-west-2:210987654321:key/abcd",
  DBSubnetGroup: "ha-prod-usw2-aurora-subnets",
  VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0closed" }],
  DeletionProtection: false,
};

describe("restore-test validation verdicts", () => {
  it("reports SUCCESSFUL for an available, in-region encrypted, isolated cluster", () => {
    expect(verdictFor(event(), GOOD, EXPECTED)).toMatchObject({ kind: "report", restoreJobId: "JOB-1", status: "SUCCESSFUL" });
  });

  it.each<[string, Partial<RestoredCluster>, RegExp]>([
    ["not available", { Status: "inaccessible-encryption-credentials" }, /status is inaccessible-encryption-credentials/],
    ["unencrypted", { StorageEncrypted: false }, /storage is not encrypted/],
    ["encrypted with the other region's key", { KmsKeyId: "arn:aws:kms:us-east-1:210987654321:key/x" }, /key in us-east-1, not us-west-2/],
    ["outside the stack's subnet group", { DBSubnetGroup: "default" }, /subnet group is default/],
    ["reachable through another security group", { VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0open" }] }, /not the closed restore-test group/],
    ["deletion-protected", { DeletionProtection: true }, /cannot clean the test up/],
    ["of another engine", { Engine: "aurora-mysql" }, /engine is aurora-mysql/],
  ])("reports FAILED when the restored cluster is %s", (_what, change, message) => {
    const verdict = verdictFor(event(), { ...GOOD, ...change }, EXPECTED);
    expect(verdict).toMatchObject({ kind: "report", status: "FAILED" });
    expect(verdict.kind === "report" && verdict.message).toMatch(message);
  });

  it("reports FAILED when the restored cluster cannot be found", () => {
    expect(clusterProblems(undefined, "us-west-2", EXPECTED)).toEqual(["the restored cluster does not exist"]);
  });

  it.each<[string, Partial<NonNullable<RestoreJobEvent["detail"]>>]>([
    ["a failed job", { status: "FAILED" }],
    ["another resource type", { resourceType: "EBS" }],
    ["another plan's job", { restoreTestingPlanArn: "arn:aws:backup:us-west-2:210987654321:restore-testing-plan:other" }],
    ["an on-demand restore", { restoreTestingPlanArn: undefined }],
  ])("ignores %s", (_what, detail) => {
    expect(verdictFor(event(detail), GOOD, EXPECTED).kind).toBe("ignore");
  });
});

describe("the bundled validation function", () => {
  let plan: TierPlan;
  beforeAll(async () => {
    plan = await planTiers("prod");
  });

  /** Runs the function's bundled index.js with stand-ins for the runtime's AWS SDK clients. */
  async function invoke(code: string, ev: RestoreJobEvent, cluster: RestoredCluster | undefined, env: Record<string, string>) {
    const sent: Record<string, unknown>[] = [];
    class Command { constructor(readonly input: Record<string, unknown>) {} }
    class DescribeDBClustersCommand extends Command {}
    class PutRestoreValidationResultCommand extends Command {}
    class PublishCommand extends Command {}
    const client = class { async send(cmd: Command) {
      sent.push({ command: cmd.constructor.name, ...cmd.input });
      return cmd instanceof DescribeDBClustersCommand ? { DBClusters: cluster ? [cluster] : [] } : {};
    } };
    const modules: Record<string, unknown> = {
      "@aws-sdk/client-rds": { RDSClient: client, DescribeDBClustersCommand },
      "@aws-sdk/client-backup": { BackupClient: client, PutRestoreValidationResultCommand },
      "@aws-sdk/client-sns": { SNSClient: client, PublishCommand },
    };
    const module = { exports: {} as { handler: (e: RestoreJobEvent) => Promise<string> } };
    const fakeProcess = { env };
    new Function("require", "module", "exports", "process", code)((m: string) => modules[m], module, module.exports, fakeProcess);
    const result = await module.exports.handler(ev);
    return { result, sent };
  }

  function functionIn(region: string): ExportedResource {
    const fns = plan.ofType("aws:lambda/function:Function").filter((f) => plan.regionOf(f) === region);
    expect(fns).toHaveLength(1);
    return fns[0];
  }

  it("describes the restored cluster and reports the verdict for the restore job", async () => {
    const fn = functionIn("us-west-2");
    const code = (fn.inputs?.code as { assets: Record<string, { text: string }> }).assets["index.js"].text;
    const topic = "arn:aws:sns:us-west-2:210987654321:ha-prod-usw2-alarms";
    const env = { RESTORE_TESTING_PLAN_ARN: PLAN_ARN, EXPECTED_ENGINE: "aurora-postgresql", EXPECTED_SUBNET_GROUP: EXPECTED.subnetGroupName, EXPECTED_SECURITY_GROUP_ID: EXPECTED.securityGroupId, ALARM_TOPIC_ARN: topic };
    const ok = await invoke(code, event(), GOOD, env);
    expect(ok.result).toBe("SUCCESSFUL");
    expect(ok.sent).toEqual([
      { command: "DescribeDBClustersCommand", DBClusterIdentifier: CLUSTER_ARN },
      { command: "PutRestoreValidationResultCommand", RestoreJobId: "JOB-1", ValidationStatus: "SUCCESSFUL", ValidationStatusMessage: expect.stringContaining(CLUSTER_ARN) },
    ]);
    const bad = await invoke(code, event(), { ...GOOD, DBSubnetGroup: "default" }, env);
    expect(bad.sent[1]).toMatchObject({ ValidationStatus: "FAILED", ValidationStatusMessage: expect.stringMatching(/subnet group is default/) });
    // A failed validation also pages: it goes to the region's alarm topic; a successful one does not.
    expect(bad.sent[2]).toMatchObject({ command: "PublishCommand", TopicArn: topic, Message: expect.stringMatching(/JOB-1: .*subnet group is default/) });
    expect(ok.sent.some((s) => s.command === "PublishCommand")).toBe(false);
    const other = await invoke(code, event({ restoreTestingPlanArn: "x" }), GOOD, env);
    expect(other.sent.filter((s) => s.command === "PutRestoreValidationResultCommand")).toEqual([]);
  });

  it("is wired to each region's restore testing plan: rule on its completed Aurora restores, invoke permission, expected cluster shape", () => {
    for (const region of REGIONS) {
      const fn = functionIn(region);
      const testPlan = plan.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan").find((p) => plan.regionOf(p) === region)!;
      const rules = plan.ofType("aws:cloudwatch/eventRule:EventRule").filter((r) => plan.regionOf(r) === region && (r.propertyDependencies?.eventPattern ?? []).includes(testPlan.urn));
      expect(rules).toHaveLength(1);
      expect(JSON.parse(String(rules[0].inputs?.eventPattern))).toEqual(restoreCompletedPattern(String(testPlan.outputs?.arn)));
      const target = plan.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => (t.propertyDependencies?.rule ?? []).includes(rules[0].urn))!;
      expect(target.propertyDependencies?.arn).toEqual([fn.urn]);
      const permission = plan.ofType("aws:lambda/permission:Permission").find((p) => (p.propertyDependencies?.function ?? []).includes(fn.urn))!;
      expect(permission.inputs).toMatchObject({ action: "lambda:InvokeFunction", principal: "events.amazonaws.com" });
      expect(permission.propertyDependencies?.sourceArn).toEqual([rules[0].urn]);
      const stores = fixtureDataStores(region);
      expect(fn.inputs).toMatchObject({ runtime: VALIDATION_RUNTIME, handler: "index.handler" });
      expect((fn.inputs?.environment as { variables: Record<string, string> }).variables).toEqual({
        RESTORE_TESTING_PLAN_ARN: testPlan.outputs?.arn,
        EXPECTED_ENGINE: "aurora-postgresql",
        EXPECTED_SUBNET_GROUP: stores.auroraSubnetGroupName,
        EXPECTED_SECURITY_GROUP_ID: stores.restoreTestSecurityGroupId,
        ALARM_TOPIC_ARN: plan.ofType("aws:sns/topic:Topic").find((t) => plan.regionOf(t) === region)!.outputs?.arn,
      });
      const selection = plan.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection").find((s) => plan.regionOf(s) === region)!;
      expect(selection.inputs?.validationWindowHours).toBe(VALIDATION_WINDOW_HOURS);
    }
  });

  it("gives the function only what the check needs", () => {
    for (const region of REGIONS) {
      const fn = functionIn(region);
      const [role] = (fn.propertyDependencies?.role ?? []).map((u) => plan.byUrn(u));
      const policy = plan.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => (p.propertyDependencies?.role ?? []).includes(role.urn))!;
      const statements = JSON.parse(String(policy.inputs?.policy)).Statement as { Action: string | string[]; Resource: string }[];
      expect(statements.flatMap((st) => [st.Action].flat()).sort()).toEqual([
        "backup:PutRestoreValidationResult", "kms:Decrypt", "kms:GenerateDataKey*", "logs:CreateLogStream", "logs:PutLogEvents", "rds:DescribeDBClusters", "sns:Publish",
      ]);
      const topic = plan.ofType("aws:sns/topic:Topic").find((t) => plan.regionOf(t) === region)!;
      expect(statements.find((st) => st.Action === "sns:Publish")!.Resource).toBe(topic.outputs?.arn);
      expect(statements.find((st) => st.Action === "rds:DescribeDBClusters")!.Resource).toBe(`arn:aws:rds:${region}:123456789012:cluster:*`);
    }
  });
});

describe("vault keys allow cross-region copy and restore", () => {
  it("lets every region's backup role use each vault key, only through AWS Backup and RDS in the key's region", async () => {
    const plan = await planTiers("prod");
    const backupRoles = plan.ofType("aws:iam/role:Role").filter((r) => String(r.inputs?.assumeRolePolicy).includes("backup.amazonaws.com"));
    expect(backupRoles).toHaveLength(2);
    for (const vault of plan.ofType("aws:backup/vault:Vault")) {
      const region = plan.regionOf(vault)!;
      const key = plan.byUrn(vault.propertyDependencies!.kmsKeyArn![0]);
      const statements = JSON.parse(String(key.inputs?.policy)).Statement as Record<string, any>[];
      const use = statements.find((st) => st.Sid === "BackupRolesCopyAndRestore")!;
      expect([...use.Principal.AWS].sort()).toEqual(backupRoles.map((r) => `arn:aws:iam::123456789012:role/${r.inputs?.name}`).sort());
      expect(use.Condition.StringEquals["kms:ViaService"]).toEqual([`backup.${region}.amazonaws.com`, `rds.${region}.amazonaws.com`]);
      expect(use.Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
      const grants = statements.find((st) => st.Sid === "BackupRolesGrantToServices")!;
      expect(grants.Condition).toEqual({ Bool: { "kms:GrantIsForAWSResource": "true" } });
    }
  });
});

describe("the real prod plan", () => {
  it("gives every restore testing plan a validation hook in its own region, checking against that region's Aurora subnet group and closed group", async () => {
    const plan = await planStack("prod");
    const testPlans = plan.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan");
    expect(testPlans.map((p) => plan.regionOf(p)).sort()).toEqual(REGIONS);
    for (const testPlan of testPlans) {
      const region = plan.regionOf(testPlan);
      const rules = plan.ofType("aws:cloudwatch/eventRule:EventRule").filter((r) => (r.propertyDependencies?.eventPattern ?? []).includes(testPlan.urn));
      expect(rules).toHaveLength(1);
      expect(plan.regionOf(rules[0])).toBe(region);
      const target = plan.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => (t.propertyDependencies?.rule ?? []).includes(rules[0].urn))!;
      const [fn] = (target.propertyDependencies?.arn ?? []).map((u) => plan.byUrn(u));
      expect(fn.type).toBe("aws:lambda/function:Function");
      expect(plan.regionOf(fn)).toBe(region);
      // The expected shape comes from this region's Aurora cluster: its subnet group and the closed group.
      const deps = (key: string) => (fn.propertyDependencies?.environment ?? []).map((u) => plan.byUrn(u)).filter((d) => d.type === key);
      const [subnetGroup] = deps("aws:rds/subnetGroup:SubnetGroup");
      const [closed] = deps("aws:ec2/securityGroup:SecurityGroup");
      expect(plan.regionOf(subnetGroup)).toBe(region);
      expect(String(closed.inputs?.description)).toMatch(/restore tests: no ingress, no egress/);
      expect(plan.regionOf(closed)).toBe(region);
    }
  });
});

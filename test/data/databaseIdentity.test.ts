import { beforeAll, describe, expect, it } from "vitest";
import { bootstrapSql, PSQL_SCRIPT } from "../../components/app/dbBootstrap";
import { postgresIdentifierProblem } from "../../components/data/globalDatabase";
import { planStack, type Plan } from "../helpers/plan";
import type { ExportedResource } from "../../plan/stackExport";
import { appEnv, isSecret, T } from "./helpers";

/**
 * Issue 19, aurora-global: in the real prod plan the app never holds the master credential. It
 * logs in as its own role with IAM tokens through a Pod Identity role per region; the master
 * password lives in Secrets Manager only, read by one bootstrap Job in the writer region.
 */

const JOB = "kubernetes:batch/v1:Job";
const SECRET = "aws:secretsmanager/secret:Secret";
const K8S_SECRET = "kubernetes:core/v1:Secret";
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/rolePolicy:RolePolicy";

function policyOfAssociation(plan: Plan, a: ExportedResource): { Statement: Record<string, unknown>[] } {
  const role = plan.resources.find((r) => r.type === ROLE && r.outputs?.arn === a.inputs?.roleArn);
  expect(role, `role of ${a.urn}`).toBeDefined();
  const policies = plan.ofType(POLICY).filter((p) => p.inputs?.role === role!.id || p.inputs?.role === role!.outputs?.name);
  expect(policies).toHaveLength(1);
  return JSON.parse(String(policies[0].inputs?.policy));
}

describe("database identity in the prod plan (aurora-global)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("turns on IAM database authentication on every member cluster", () => {
    const clusters = plan.ofType(T.cluster);
    expect(clusters.length).toBeGreaterThanOrEqual(2);
    for (const c of clusters) expect(c.inputs?.iamDatabaseAuthenticationEnabled, c.urn).toBe(true);
  });

  it("gives the app its own role in every region, not the master user, and no password", () => {
    const master = plan.ofType(T.cluster).map((c) => c.inputs?.masterUsername).find((u) => u !== undefined);
    expect(typeof master).toBe("string");
    for (const region of ["us-east-1", "us-west-2"]) {
      const env = appEnv(plan, region);
      expect(env.DATABASE_USER).toBe("app_user");
      expect(env.DATABASE_USER).not.toBe(master);
      expect(env.DATABASE_AUTH).toBe("iam");
      expect(env.DATABASE_IAM_REGIONS.split(",")[0]).toBe(region);
      expect(env.DATABASE_IAM_REGIONS.split(",").sort()).toEqual(["us-east-1", "us-west-2"]);
      expect(Object.keys(env).filter((k) => /PASSWORD/.test(k))).toEqual([]);
    }
  });

  it("has Kubernetes Secrets only in the app namespace, none in the bootstrap's (the Secrets' keys: test/data/secrets.test.ts)", () => {
    const namespaces = plan.ofType(K8S_SECRET).map((s) => (s.inputs as any).metadata.namespace);
    expect(namespaces.sort()).toEqual(["app", "app"]);
    expect(JSON.stringify(plan.export)).not.toMatch(/DATABASE_PASSWORD/);
  });

  it("lets the app's Pod Identity role only rds-db:connect as the app role on the stack's own clusters", () => {
    const resourceIds = plan.ofType(T.cluster).map((c) => [plan.regionOf(c), c.outputs?.clusterResourceId] as const);
    expect(resourceIds.every(([r, id]) => r && typeof id === "string" && id.startsWith("cluster-"))).toBe(true);
    const expected = resourceIds.map(([r, id]) => `arn:aws:rds-db:${r}:123456789012:dbuser:${id}/app_user`).sort();
    const apps = plan.ofType(T.podIdentity).filter((a) => a.inputs?.namespace === "app");
    expect(apps.map((a) => plan.regionOf(a)).sort()).toEqual(["us-east-1", "us-west-2"]);
    for (const a of apps) {
      const { Statement } = policyOfAssociation(plan, a);
      expect(Statement).toHaveLength(1);
      expect(Statement[0]).toMatchObject({ Effect: "Allow", Action: "rds-db:connect" });
      expect([...(Statement[0].Resource as string[])].sort()).toEqual(expected);
      expect(JSON.stringify(Statement)).not.toMatch(/app_admin|\*/);
    }
  });

  it("keeps the master credential in one Secrets Manager secret with a customer key, replicated to the other region", () => {
    const secrets = plan.ofType(SECRET);
    expect(secrets).toHaveLength(1);
    const s = secrets[0];
    expect(plan.regionOf(s)).toBe("us-east-1");
    const writerKeys = plan.ofType(T.kmsKey).filter((k) => plan.regionOf(k) === "us-east-1").map((k) => k.outputs?.arn);
    expect(writerKeys).toContain(s.inputs?.kmsKeyId);
    const replicas = s.inputs?.replicas as { region: string; kmsKeyId: string }[];
    expect(replicas.map((r) => r.region)).toEqual(["us-west-2"]);
    const westKeys = plan.ofType(T.kmsKey).filter((k) => plan.regionOf(k) === "us-west-2").map((k) => k.outputs?.arn);
    expect(westKeys).toContain(replicas[0].kmsKeyId);
    const version = plan.ofType("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version).toHaveLength(1);
    expect(isSecret(version[0].inputs?.secretString)).toBe(true);
  });

  it("runs the SQL bootstrap once, in the writer region, as a restricted non-root pod with a read-only root", () => {
    const jobs = plan.ofType(JOB);
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    const spec = (job.inputs as any).spec;
    expect((job.inputs as any).metadata.name).toMatch(/^db-bootstrap-[0-9a-f]{10}$/);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const pod = spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      expect(c.image, c.name).toMatch(/^public\.ecr\.aws\/.+:\d[\w.-]*$/);
    }
    const psql = pod.containers[0];
    const env = Object.fromEntries(psql.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    // The global writer endpoint: DDL reaches the writer from either region after a switchover.
    const global = plan.ofType(T.globalCluster)[0];
    expect(env.PGHOST).toBe(global.outputs?.endpoint);
    expect(env.PGUSER).toBe(plan.ofType(T.cluster).map((c) => c.inputs?.masterUsername).find((u) => u !== undefined));
    expect(JSON.stringify(pod)).not.toMatch(/PGPASSWORD"?\s*,\s*"?value/);

    // Its namespace is not the app's, and is restricted.
    const ns = plan.ofType("kubernetes:core/v1:Namespace").find((n) => (n.outputs?.metadata as any)?.name === (job.inputs as any).metadata.namespace);
    expect((ns?.inputs as any).metadata.name).not.toBe("app");
    expect((ns?.inputs as any).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("lets only the bootstrap identity read the master secret, and nothing else", () => {
    const secretArn = plan.ofType(SECRET)[0].outputs?.arn;
    const readers = plan.ofType(POLICY).filter((p) => String(p.inputs?.policy).includes("secretsmanager:GetSecretValue"));
    expect(readers).toHaveLength(1);
    const statements = JSON.parse(String(readers[0].inputs?.policy)).Statement;
    expect(statements[0]).toEqual({ Sid: "ReadMasterSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn });
    expect(statements[1]).toMatchObject({ Action: "kms:Decrypt", Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } });
    const association = plan.ofType(T.podIdentity).filter((a) => a.inputs?.serviceAccount === "db-bootstrap");
    expect(association).toHaveLength(1);
    expect(association[0].inputs?.namespace).not.toBe("app");
    // In the writer region's EKS cluster, the one whose secret it reads.
    expect(plan.regionOf(association[0])).toBe("us-east-1");
    const eks = plan.ofType("aws:eks/cluster:Cluster").find((c) => c.outputs?.name === association[0].inputs?.clusterName);
    expect(eks && plan.regionOf(eks)).toBe("us-east-1");
    expect(plan.ofType(JOB)[0].urn).toMatch(/us-east-1/);
  });

  it("does not make any app Deployment wait for the bootstrap Job", () => {
    const job = plan.ofType(JOB)[0];
    for (const d of plan.ofType("kubernetes:apps/v1:Deployment")) expect(d.dependencies ?? []).not.toContain(job.urn);
  });
});

describe("bootstrap SQL", () => {
  it("is idempotent: creates the role only when missing, then grants rds_iam and the schema rights", () => {
    const sql = bootstrapSql("app_user", "app");
    expect(sql).toMatch(/IF NOT EXISTS \(SELECT FROM pg_catalog\.pg_roles WHERE rolname = 'app_user'\) THEN\n\s+CREATE ROLE app_user LOGIN;/);
    expect(sql).toContain("GRANT rds_iam TO app_user;");
    expect(sql).toContain("GRANT USAGE, CREATE ON SCHEMA public TO app_user;");
    expect(sql).not.toMatch(/rds_superuser/);
    // Naming SUPERUSER or REPLICATION in ALTER ROLE needs a superuser: the Aurora master is not one.
    expect(sql).not.toMatch(/SUPERUSER|REPLICATION/);
    expect(PSQL_SCRIPT).toContain("ON_ERROR_STOP=1");
  });

  it("refuses identifiers that would need quoting", () => {
    expect(postgresIdentifierProblem("app_user")).toBeUndefined();
    expect(postgresIdentifierProblem("app'; DROP ROLE x; --")).toMatch(/not a plain PostgreSQL identifier/);
    expect(postgresIdentifierProblem("App")).toMatch(/not a plain PostgreSQL identifier/);
  });
});

describe("database identity when us-west-2 is the configured writer", () => {
  it("moves the bootstrap Job and the master secret to us-west-2, replicated to us-east-1", async () => {
    const plan = await planStack("prod", {}, { "ha-blueprint:writerRegion": "us-west-2" });
    const association = plan.ofType(T.podIdentity).filter((a) => a.inputs?.serviceAccount === "db-bootstrap");
    expect(association.map((a) => plan.regionOf(a))).toEqual(["us-west-2"]);
    expect(plan.ofType(JOB)).toHaveLength(1);
    expect(plan.ofType(JOB)[0].urn).toMatch(/us-west-2/);
    const secret = plan.ofType(SECRET)[0];
    expect(plan.regionOf(secret)).toBe("us-west-2");
    expect((secret.inputs?.replicas as { region: string }[]).map((r) => r.region)).toEqual(["us-east-1"]);
    const readers = plan.ofType(POLICY).filter((p) => String(p.inputs?.policy).includes("secretsmanager:GetSecretValue"));
    expect(JSON.parse(String(readers[0].inputs?.policy)).Statement[1].Condition.StringEquals["kms:ViaService"]).toBe("secretsmanager.us-west-2.amazonaws.com");
  });
});

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AppTier, checkAppTierArgs } from "../../components/app/appTier";
import type { AppConnection } from "../../components/contracts";
import { RegionalCell } from "../../components/stack/regionalCell";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { runPlan } from "../../plan/run";
import { isSecretValue } from "../../plan/stackExport";
import { wrapPlan, type Plan } from "../helpers/plan";
import { inputs, only, T } from "./support";

/** The ConfigMap the pods read their environment from (the other one is the placeholder's server block). */
function envConfigMap(plan: Plan) {
  return only(plan.ofType(T.configMap).filter((c) => inputs(c).data?.APP_REGION !== undefined), "environment ConfigMap");
}

const CONNECT_ARNS = [
  "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-EASTRESOURCEID/app_user",
  "arn:aws:rds-db:us-west-2:123456789012:dbuser:cluster-WESTRESOURCEID/app_user",
];
const TOKEN = "literal-redis-token-91bc";
const REDIS_PASSWORD = "literal-memorydb-password-55e1";

/** The single-writer kinds: Aurora global database and an ElastiCache global datastore. */
const singleWriter: AppConnection = {
  database: {
    kind: "aurora-global",
    writerHost: "app.global-abc123.global.rds.amazonaws.com",
    readerHost: "app.cluster-ro-abc123.us-east-1.rds.amazonaws.com",
    port: 5432,
    name: "app",
    user: "app_user",
    iamRegions: ["us-east-1", "us-west-2"],
    connectArns: CONNECT_ARNS,
  },
  sessions: {
    kind: "elasticache-global",
    primaryCandidates: ["master.east.abc123.use1.cache.amazonaws.com:6379", "master.west.abc123.usw2.cache.amazonaws.com:6379"],
    readerHost: "replica.east.abc123.use1.cache.amazonaws.com",
    port: 6379,
    authToken: pulumi.secret(TOKEN),
  },
};

const DSQL_ARN = "arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz";

/** The multi-writer kinds: Aurora DSQL and MemoryDB Multi-Region, both local to the region. */
const multiWriter: AppConnection = {
  database: {
    kind: "aurora-dsql",
    host: "abcdefghijklmnopqrstuvwxyz.dsql-k3xz.us-east-1.on.aws",
    port: 5432,
    name: "postgres",
    user: "app",
    clusterArn: DSQL_ARN,
  },
  sessions: {
    kind: "memorydb-multi-region",
    host: "clustercfg.ha-dev-use1-sessions.abc123.memorydb.us-east-1.amazonaws.com",
    port: 6379,
    user: "ha-dev-use1-sessions-app",
    password: pulumi.secret(REDIS_PASSWORD),
  },
};

/** One cell and its app tier, as ActiveActiveStack wires them, but with a data-tier connection. */
function programWith(appArgs: (cell: RegionalCell) => Partial<ConstructorParameters<typeof AppTier>[1]>) {
  return () => {
    const config = parseConfig(pulumi.runtime.allConfig());
    const region = config.regions[0];
    const provider = new aws.Provider("t-us-east-1-aws", { region: region.name });
    const cell = new RegionalCell("t-us-east-1", {
      region,
      stack: "dev",
      natGateways: "zonal",
      flowLogRetentionDays: 7,
    }, { providers: [provider] });
    new AppTier("t-us-east-1-app", {
      region: region.name,
      stack: "dev",
      regionCount: config.regions.length,
      vpcId: cell.network.vpcId,
      availabilityZones: cell.network.availabilityZones,
      privateSubnetIds: cell.network.privateSubnetIds,
      publicSubnetIds: cell.network.publicSubnetIds,
      appSecurityGroupId: cell.appSecurityGroupId,
      app: config.app,
      ...appArgs(cell),
    }, { providers: [provider] });
    return {};
  };
}

describe("AppTier with the single-writer kinds (aurora-global, elasticache-global)", () => {
  let plan: Plan;
  beforeAll(async () => {
    const { rawConfig } = loadStack("dev");
    plan = wrapPlan(await runPlan({ stack: "dev", rawConfig, program: programWith(() => ({ connection: singleWriter })) }));
  });

  it("renders the writer and local reader endpoints, and every region's session primary, into the pods' ConfigMap", () => {
    const configMap = envConfigMap(plan);
    expect(inputs(configMap).data).toEqual({
      APP_REGION: "us-east-1",
      APP_PORT: "8080",
      APP_HEALTH_PATH: "/healthz",
      APP_WRITES_HEALTH_PATH: "/healthz/writes",
      DATABASE_KIND: "aurora-global",
      DATABASE_WRITER_HOST: "app.global-abc123.global.rds.amazonaws.com",
      DATABASE_READER_HOST: "app.cluster-ro-abc123.us-east-1.rds.amazonaws.com",
      DATABASE_PORT: "5432",
      DATABASE_NAME: "app",
      // The app's own role, IAM tokens; never the master user, no password.
      DATABASE_USER: "app_user",
      DATABASE_AUTH: "iam",
      DATABASE_IAM_REGIONS: "us-east-1,us-west-2",
      SESSION_STORE_KIND: "elasticache-global",
      // No write address that a control plane must move: the client finds the master itself.
      REDIS_PRIMARY_CANDIDATES: "master.east.abc123.use1.cache.amazonaws.com:6379,master.west.abc123.usw2.cache.amazonaws.com:6379",
      REDIS_READER_HOST: "replica.east.abc123.use1.cache.amazonaws.com",
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
    });
  });

  it("delivers only the session credential through a Kubernetes Secret that stays a Pulumi secret: no database password", () => {
    const secret = only(plan.ofType(T.secret), "Secret");
    expect(isSecretValue(inputs(secret).stringData)).toBe(true);
    expect(secret.additionalSecretOutputs).toEqual(expect.arrayContaining(["data", "stringData"]));
    const everything = JSON.stringify(plan.export);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toMatch(/DATABASE_PASSWORD/);
  });

  it("mounts both the ConfigMap and the Secret into the app container's environment", () => {
    const deployment = only(plan.ofType(T.deployment).filter((d) => inputs(d).metadata.namespace === "app"), "app Deployment");
    const configMap = envConfigMap(plan);
    const secret = only(plan.ofType(T.secret), "Secret");
    const envFrom = inputs(deployment).spec.template.spec.containers[0].envFrom;
    expect(envFrom).toEqual([
      { configMapRef: { name: configMap.outputs!.metadata && (configMap.outputs!.metadata as any).name } },
      { secretRef: { name: (secret.outputs!.metadata as any).name } },
    ]);
    expect(inputs(deployment).spec.template.spec.containers[0].env).toBeUndefined();
  });

  it("binds the app's service account to a role that may only rds-db:connect as the app role on the members", () => {
    const association = only(plan.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((a) => inputs(a).namespace === "app"), "app identity");
    expect(inputs(association)).toMatchObject({ namespace: "app", serviceAccount: "app" });
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs?.arn === inputs(association).roleArn)!;
    const policy = only(plan.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => inputs(p).role === role.id), "role policy");
    expect(JSON.parse(inputs(policy).policy).Statement).toEqual([
      { Sid: "ConnectAsAppRole", Effect: "Allow", Action: "rds-db:connect", Resource: CONNECT_ARNS },
    ]);
  });

  it("runs no SQL bootstrap in a region the connection gives none (a secondary)", () => {
    expect(plan.ofType("kubernetes:batch/v1:Job")).toEqual([]);
  });
});

describe("AppTier with the multi-writer kinds (aurora-dsql, memorydb-multi-region)", () => {
  let plan: Plan;
  beforeAll(async () => {
    const { rawConfig } = loadStack("dev");
    plan = wrapPlan(await runPlan({ stack: "dev", rawConfig, program: programWith(() => ({ connection: multiWriter })) }));
  });

  it("points reads and writes of both stores at this region's own endpoints", () => {
    const data = inputs(envConfigMap(plan)).data;
    expect(data).toMatchObject({
      DATABASE_KIND: "aurora-dsql",
      DATABASE_WRITER_HOST: "abcdefghijklmnopqrstuvwxyz.dsql-k3xz.us-east-1.on.aws",
      DATABASE_READER_HOST: "abcdefghijklmnopqrstuvwxyz.dsql-k3xz.us-east-1.on.aws",
      DATABASE_PORT: "5432",
      DATABASE_NAME: "postgres",
      DATABASE_USER: "app",
      DATABASE_AUTH: "iam",
      SESSION_STORE_KIND: "memorydb-multi-region",
      REDIS_WRITER_HOST: "clustercfg.ha-dev-use1-sessions.abc123.memorydb.us-east-1.amazonaws.com",
      REDIS_READER_HOST: "clustercfg.ha-dev-use1-sessions.abc123.memorydb.us-east-1.amazonaws.com",
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      REDIS_CLUSTER_MODE: "true",
      REDIS_USER: "ha-dev-use1-sessions-app",
    });
    expect(data.REDIS_PRIMARY_CANDIDATES).toBeUndefined();
  });

  it("puts only the MemoryDB password in the Secret: DSQL has no password", async () => {
    const secret = only(plan.ofType(T.secret), "Secret");
    expect(isSecretValue(inputs(secret).stringData)).toBe(true);
    const everything = JSON.stringify(plan.export);
    expect(everything).not.toContain(REDIS_PASSWORD);
    expect(everything).not.toMatch(/DATABASE_PASSWORD/);
  });

  it("binds the app's service account to a role that may only DbConnect to the local cluster", () => {
    const association = only(plan.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((a) => inputs(a).namespace === "app"), "app identity");
    expect(inputs(association)).toMatchObject({ namespace: "app", serviceAccount: "app" });
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs?.arn === inputs(association).roleArn)!;
    expect(JSON.parse(inputs(role).assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    const policy = only(plan.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => inputs(p).role === role.id), "role policy");
    expect(JSON.parse(inputs(policy).policy).Statement).toEqual([
      { Sid: "ConnectAsCustomRole", Effect: "Allow", Action: "dsql:DbConnect", Resource: DSQL_ARN },
    ]);
    // The Deployment waits for the association: the first pods already get credentials.
    const deployment = only(plan.ofType(T.deployment).filter((d) => inputs(d).metadata.namespace === "app"), "app Deployment");
    expect(deployment.dependencies).toContain(association.urn);
  });
});

describe("AppTier without a connection", () => {
  it("creates no Secret and only the tier's own settings", async () => {
    const { rawConfig } = loadStack("dev");
    const plan = wrapPlan(await runPlan({ stack: "dev", rawConfig, program: programWith(() => ({})) }));
    expect(plan.ofType(T.secret)).toEqual([]);
    expect(Object.keys(inputs(envConfigMap(plan)).data).sort()).toEqual(["APP_HEALTH_PATH", "APP_PORT", "APP_REGION", "APP_WRITES_HEALTH_PATH"]);
  });
});

describe("checkAppTierArgs", () => {
  const ok = { availabilityZones: ["us-east-1a", "us-east-1b"], privateSubnetIds: ["p1", "p2"], publicSubnetIds: ["u1", "u2"], regionCount: 2 };

  it("accepts one private and one public subnet per AZ", () => {
    expect(() => checkAppTierArgs("a", ok)).not.toThrow();
  });

  it("fails when there is not one public subnet per AZ", () => {
    expect(() => checkAppTierArgs("a", { ...ok, publicSubnetIds: ["u1"] })).toThrow(/expected one private and one public subnet per AZ \(2\), got 2 private and 1 public/);
  });

  it("fails when only one AZ is given", () => {
    expect(() => checkAppTierArgs("a", { ...ok, availabilityZones: ["us-east-1a"], privateSubnetIds: ["p1"], publicSubnetIds: ["u1"] })).toThrow(/at least 2 AZs/);
  });

  it("fails when the region count is not a positive integer", () => {
    expect(() => checkAppTierArgs("a", { ...ok, regionCount: 0 })).toThrow(/regionCount must be a positive integer/);
  });
});

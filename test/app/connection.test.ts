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

const PASSWORD = "literal-db-password-7f3a";
const TOKEN = "literal-redis-token-91bc";

const connection: AppConnection = {
  databaseWriterEndpoint: "app.global-abc123.global.rds.amazonaws.com",
  databaseReaderEndpoint: "app.cluster-ro-abc123.us-east-1.rds.amazonaws.com",
  databasePort: 5432,
  databaseName: "app",
  databaseUser: "app_admin",
  databasePassword: pulumi.secret(PASSWORD),
  redisWriterHost: "sessions-writer.dev.ha-blueprint.internal",
  redisReaderHost: "replica.app.abc123.use1.cache.amazonaws.com",
  redisPort: 6379,
  redisAuthToken: pulumi.secret(TOKEN),
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

describe("AppTier with a data-tier connection", () => {
  let plan: Plan;
  beforeAll(async () => {
    const { rawConfig } = loadStack("dev");
    plan = wrapPlan(await runPlan({ stack: "dev", rawConfig, program: programWith(() => ({ connection })) }));
  });

  it("renders the endpoints, port and user into the pods' ConfigMap", () => {
    const configMap = envConfigMap(plan);
    expect(inputs(configMap).data).toEqual({
      APP_REGION: "us-east-1",
      APP_PORT: "8080",
      APP_HEALTH_PATH: "/healthz",
      DATABASE_WRITER_HOST: "app.global-abc123.global.rds.amazonaws.com",
      DATABASE_READER_HOST: "app.cluster-ro-abc123.us-east-1.rds.amazonaws.com",
      DATABASE_PORT: "5432",
      DATABASE_NAME: "app",
      DATABASE_USER: "app_admin",
      // Session writes follow the primary through the private record; reads stay local.
      REDIS_WRITER_HOST: "sessions-writer.dev.ha-blueprint.internal",
      REDIS_READER_HOST: "replica.app.abc123.use1.cache.amazonaws.com",
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
    });
  });

  it("delivers the password and auth token only through a Kubernetes Secret that stays a Pulumi secret", () => {
    const secret = only(plan.ofType(T.secret), "Secret");
    expect(isSecretValue(inputs(secret).stringData)).toBe(true);
    expect(secret.additionalSecretOutputs).toEqual(expect.arrayContaining(["data", "stringData"]));
    const everything = JSON.stringify(plan.export);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(TOKEN);
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
});

describe("AppTier without a connection", () => {
  it("creates no Secret and only the tier's own settings", async () => {
    const { rawConfig } = loadStack("dev");
    const plan = wrapPlan(await runPlan({ stack: "dev", rawConfig, program: programWith(() => ({})) }));
    expect(plan.ofType(T.secret)).toEqual([]);
    expect(Object.keys(inputs(envConfigMap(plan)).data).sort()).toEqual(["APP_HEALTH_PATH", "APP_PORT", "APP_REGION"]);
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

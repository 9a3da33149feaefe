import { beforeAll, describe, expect, it } from "vitest";
import { secretJsonValue } from "../../components/app/appEnv";
import { loadStack } from "../../config/load";
import { runPlan } from "../../plan/run";
import { isSecretValue } from "../../plan/stackExport";
import { withOverrides, wrapPlan, type Plan } from "../helpers/plan";
import { inputs, T } from "./support";

/**
 * App env and secret env through a whole plan: plain values land in the pods' ConfigMap, secret
 * values only in the Secret, as Pulumi secrets; the plaintext appears nowhere in the plan.
 */

// What `pulumi up` hands the program for `pulumi config set --secret stripeApiKey ...`: the
// decrypted value in PULUMI_CONFIG. runPlan puts the raw config in the runtime's PULUMI_CONFIG
// store with an empty PULUMI_CONFIG_SECRET_KEYS, the harder case: the program alone must keep it
// secret (requireSecret), and the plan recorder then redacts it like any secret.
const STRIPE = "sk_live_plaintext_never_in_plan_4242";
const ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:partner-AbCdEf";

let plan: Plan;

beforeAll(async () => {
  const raw = withOverrides(loadStack("prod").rawConfig, {
    "ha-blueprint:app": {
      env: { LOG_LEVEL: "info", FEATURE_CHECKOUT_V2: "true" },
      secretEnv: {
        STRIPE_API_KEY: { fromConfig: "stripeApiKey" },
        PARTNER_TOKEN: { secretsManagerArn: ARN, jsonKey: "token" },
        PARTNER_BLOB: { secretsManagerArn: ARN },
      },
    },
    "ha-blueprint:stripeApiKey": STRIPE,
  });
  plan = wrapPlan(await runPlan({ stack: "prod", rawConfig: raw }));
});

const appConfigMaps = () => plan.ofType(T.configMap).filter((c) => inputs(c).data?.APP_REGION !== undefined);

describe("app env and secret env in the plan", () => {
  it("gives every region's pods the plain variables through their ConfigMap, next to the blueprint's", () => {
    const maps = appConfigMaps();
    expect(maps.map((m) => inputs(m).data.APP_REGION).sort()).toEqual(["us-east-1", "us-west-2"]);
    for (const m of maps) {
      expect(inputs(m).data).toMatchObject({ LOG_LEVEL: "info", FEATURE_CHECKOUT_V2: "true" });
      for (const name of ["STRIPE_API_KEY", "PARTNER_TOKEN", "PARTNER_BLOB"]) expect(inputs(m).data).not.toHaveProperty(name);
    }
  });

  it("puts secret values only in the Secret the Deployment reads, as a Pulumi secret", () => {
    const secrets = plan.ofType(T.secret);
    expect(secrets).toHaveLength(2);
    for (const s of secrets) expect(isSecretValue(inputs(s).stringData)).toBe(true);
    const secretNames = secrets.map((s) => (s.outputs?.metadata as { name: string }).name).sort();
    const apps = plan.ofType(T.deployment).filter((d) => inputs(d).metadata.name === "app");
    expect(apps).toHaveLength(2);
    const refs = apps.map((d) => inputs(d).spec.template.spec.containers[0].envFrom.find((e: { secretRef?: { name: string } }) => e.secretRef).secretRef.name).sort();
    expect(refs).toEqual(secretNames);
  });

  it("never writes the secret config value in plain text: not in any input, output or stack output", () => {
    expect(JSON.stringify(plan.export)).not.toContain(STRIPE);
    expect(JSON.stringify(plan.outputs)).not.toContain(STRIPE);
    expect(plan.warnings.join("\n")).not.toContain(STRIPE);
  });
});

describe("JSON keys of a Secrets Manager secret", () => {
  it("reads one key, and stops the deploy naming the missing key without the value", () => {
    expect(secretJsonValue(JSON.stringify({ token: "t0k", user: "u" }), "token", ARN)).toBe("t0k");
    let message = "";
    try {
      secretJsonValue(JSON.stringify({ user: "hidden-user-value" }), "token", ARN);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('no key "token" (its keys: user)');
    expect(message).not.toContain("hidden-user-value");
    expect(() => secretJsonValue("not json at all", "token", ARN)).toThrow(/is not a JSON object/);
  });
});

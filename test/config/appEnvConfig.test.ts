import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { secretsManagerArnRegion } from "../../config/appEnv";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { VALID_APP, configProblems, validRawConfig } from "../helpers/config";

/** `app.env` and `app.secretEnv`: every mistake is one line naming the key; secrets are never echoed. */

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-AbCdEf";

function withApp(extra: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...validRawConfig(), "ha-blueprint:app": JSON.stringify({ ...VALID_APP, ...extra }), ...more };
}

const problemsOf = configProblems;

describe("app.env", () => {
  it("accepts plain text variables and defaults to none", () => {
    expect(parseConfig(validRawConfig()).app.env).toEqual({});
    expect(parseConfig(withApp({ env: { LOG_LEVEL: "info", _PRIVATE: "x" } })).app.env).toEqual({ LOG_LEVEL: "info", _PRIVATE: "x" });
  });

  it("refuses names that are not environment variable names", () => {
    for (const name of ["1ABC", "LOG-LEVEL", "LOG LEVEL", "LOG.LEVEL", ""]) {
      const problems = problemsOf(withApp({ env: { [name]: "x" } }));
      expect(problems).toEqual([expect.stringContaining(`names ${JSON.stringify(name)}, not environment variable names`)]);
      expect(problems[0]).toMatch(/^ha-blueprint:app\.env: /);
    }
  });

  it("refuses a number or boolean value with 'quote it'", () => {
    expect(problemsOf(withApp({ env: { PORT: 8080 } }))).toEqual([expect.stringMatching(/^ha-blueprint:app\.env\.PORT: 8080 must be a string; quote it/)]);
    expect(problemsOf(withApp({ env: { ENABLED: true } }))[0]).toMatch(/app\.env\.ENABLED: .*quote it/);
  });

  it("refuses names the blueprint sets, listing each", () => {
    const problems = problemsOf(withApp({ env: { DATABASE_WRITER_HOST: "x", REDIS_PORT: "1", LOG_LEVEL: "info" } }));
    expect(problems).toEqual(["ha-blueprint:app.env: {\"DATABASE_WRITER_HOST\":\"x\",\"REDIS_PORT\":\"1\",\"LOG_LEVEL\":\"info\"} sets DATABASE_WRITER_HOST, REDIS_PORT, which the blueprint sets itself (docs/app-contract.md); rename them"]);
  });
});

describe("app.secretEnv", () => {
  const secretConfig = { "ha-blueprint:stripeApiKey": "sk_live_plaintext_9999" };

  it("accepts a secret config key and a Secrets Manager ARN with an optional JSON key", () => {
    const config = parseConfig(withApp({
      secretEnv: { STRIPE_API_KEY: { fromConfig: "stripeApiKey" }, PARTNER: { secretsManagerArn: ARN, jsonKey: "token" } },
    }, secretConfig));
    expect(config.app.secretEnv).toEqual({ STRIPE_API_KEY: { fromConfig: "stripeApiKey" }, PARTNER: { secretsManagerArn: ARN, jsonKey: "token" } });
    expect(config.secretConfigKeys).toEqual(["stripeApiKey"]);
    // One secret feeding two variables.
    const twice = parseConfig(withApp({ secretEnv: { A: { fromConfig: "stripeApiKey" }, B: { fromConfig: "stripeApiKey" } } }, secretConfig));
    expect(twice.secretConfigKeys).toEqual(["stripeApiKey"]);
  });

  it("refuses a value written in place of a source, without echoing it", () => {
    const problems = problemsOf(withApp({ secretEnv: { STRIPE_API_KEY: "sk_live_written_inline" } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ha-blueprint:app\.secretEnv\.STRIPE_API_KEY: .*\(value hidden\)$/);
    expect(problems[0]).not.toContain("sk_live_written_inline");
  });

  it("needs exactly one source, and jsonKey only with an ARN", () => {
    expect(problemsOf(withApp({ secretEnv: { A: {} } }))).toEqual([expect.stringMatching(/app\.secretEnv\.A: .*needs exactly one source/)]);
    expect(problemsOf(withApp({ secretEnv: { A: { fromConfig: "stripeApiKey", secretsManagerArn: ARN } } }, secretConfig))[0]).toMatch(/needs exactly one source/);
    expect(problemsOf(withApp({ secretEnv: { A: { fromConfig: "stripeApiKey", jsonKey: "k" } } }, secretConfig))[0]).toMatch(/app\.secretEnv\.A\.jsonKey: .*applies only with secretsManagerArn/);
    expect(problemsOf(withApp({ secretEnv: { A: { secretsManagerArn: "arn:aws:ssm:us-east-1:123456789012:parameter/x" } } }))[0]).toMatch(/is not a Secrets Manager secret ARN/);
    expect(problemsOf(withApp({ secretEnv: { A: { fromConfig: "x", extra: 1 } } }))).toContain("ha-blueprint:app.secretEnv.A.extra: unknown key; the blueprint generates passwords and tokens itself (never write them into the stack file)");
  });

  it("refuses a missing secret config key, a key that is a blueprint setting, and collisions", () => {
    expect(problemsOf(withApp({ secretEnv: { A: { fromConfig: "notSet" } } }))).toEqual(["ha-blueprint:app.secretEnv: fromConfig \"notSet\" is not set in the stack; run pulumi config set --secret notSet <value>"]);
    expect(problemsOf(withApp({ secretEnv: { A: { fromConfig: "regions" } } }))).toEqual(["ha-blueprint:app.secretEnv: fromConfig \"regions\" names a blueprint setting; choose another key for the secret"]);
    expect(problemsOf(withApp({ secretEnv: { REDIS_PASSWORD: { secretsManagerArn: ARN } } }))[0]).toMatch(/sets REDIS_PASSWORD, which the blueprint sets itself/);
    expect(problemsOf(withApp({ env: { TOKEN_A: "x" }, secretEnv: { TOKEN_A: { secretsManagerArn: ARN } } }))[0]).toMatch(/sets TOKEN_A, also set in app\.env/);
  });

  it("refuses a secret stored in plain text in the stack file, naming the key but not the value", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-secret-env-"));
    const config: Record<string, unknown> = {
      "aws:region": "us-east-1",
      "pulumi:disable-default-providers": ["aws", "kubernetes"],
      ...Object.fromEntries(Object.entries(withApp({ secretEnv: { STRIPE_API_KEY: { fromConfig: "stripeApiKey" } } }, secretConfig)).map(([k, v]) => [k, typeof v === "string" && /^[[{]/.test(v) ? JSON.parse(v) : v])),
    };
    fs.writeFileSync(path.join(dir, "Pulumi.qa.yaml"), stringify({ config }));
    let message = "";
    try {
      loadStack("qa", dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/ha-blueprint:stripeApiKey is plain text \(value hidden\); .* pulumi config set --secret stripeApiKey <value>$/);
    expect(message).not.toContain("sk_live_plaintext_9999");
    // Encrypted as `pulumi config set --secret` writes it: accepted.
    config["ha-blueprint:stripeApiKey"] = { secure: "v1:AAAABBBBCCCC" };
    fs.writeFileSync(path.join(dir, "Pulumi.qa.yaml"), stringify({ config }));
    expect(loadStack("qa", dir).config.secretConfigKeys).toEqual(["stripeApiKey"]);
  });
});

describe("secretsManagerArnRegion", () => {
  it("is the Region the secret lives in, where the deploy reads it (commercial, GovCloud, China)", () => {
    expect(secretsManagerArnRegion(ARN)).toBe("us-east-1");
    expect(secretsManagerArnRegion("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x-AbCdEf")).toBe("us-gov-west-1");
    expect(secretsManagerArnRegion("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf")).toBe("cn-north-1");
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { ROOT, runCli } from "../helpers/cli";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { deployReadinessWarnings } from "../../config/readiness";
import { configProblems } from "../helpers/config";
import { withOverrides } from "../helpers/plan";

/**
 * What a first real deploy by a team that did not create the clusters needs from the stack file:
 * named cluster admins, a notification target, a pinned engine, access logs and WAF in prod. Each
 * case starts from the shipped prod stack and removes or breaks one thing.
 */

function prodRaw(edit: (raw: Record<string, any>) => void = () => {}): Record<string, unknown> {
  const raw = structuredClone(loadStack("prod").rawConfig) as Record<string, any>;
  edit(raw);
  return raw;
}

const problemsOf = configProblems;

describe("prod refuses a deploy only the creator could run", () => {
  it("accepts the shipped prod stack", () => {
    const config = parseConfig(prodRaw());
    expect(config.app.eks.adminPrincipalArns.length).toBeGreaterThanOrEqual(2);
    expect(config.database.engineVersion).toMatch(/^\d+\.\d+$/);
  });

  it("fails when prod names no admin principals, in one line naming the key", () => {
    expect(problemsOf(prodRaw((r) => { delete r["ha-blueprint:app"].eks.adminPrincipalArns; }))).toEqual([
      expect.stringMatching(/^ha-blueprint:app\.eks\.adminPrincipalArns: missing; must list the IAM roles that administer the clusters in prod/),
    ]);
  });

  it("fails when an admin principal is an STS session ARN or listed twice", () => {
    const session = "arn:aws:sts::111122223333:assumed-role/ci/session-1";
    expect(problemsOf(prodRaw((r) => { r["ha-blueprint:app"].eks.adminPrincipalArns = [session]; }))[0])
      .toMatch(/adminPrincipalArns\[0\]: .* is not an IAM role or user ARN .*assumed-role ARN is a session/);
    const role = "arn:aws:iam::111122223333:role/ci";
    expect(problemsOf(prodRaw((r) => { r["ha-blueprint:app"].eks.adminPrincipalArns = [role, role]; }))).toEqual([
      expect.stringMatching(/^ha-blueprint:app\.eks\.adminPrincipalArns: .* lists a principal twice$/),
    ]);
  });

  it("fails when prod has no notification target, and accepts a webhook instead of an e-mail", () => {
    const noTarget = prodRaw((r) => { delete r["ha-blueprint:monitoring"].alarmEmail; });
    expect(problemsOf(noTarget)).toEqual([expect.stringMatching(/^ha-blueprint:monitoring\.alarmSubscriptions: missing; must name a notification target in prod \(or set monitoring\.alarmEmail\)/)]);
    const webhook = prodRaw((r) => {
      delete r["ha-blueprint:monitoring"].alarmEmail;
      r["ha-blueprint:monitoring"].alarmSubscriptions = [{ protocol: "https", endpoint: "https://events.pagerduty.com/integration/abc/enqueue" }];
    });
    expect(parseConfig(webhook).monitoring.alarmSubscriptions).toHaveLength(1);
  });

  it("fails when a subscription endpoint does not fit its protocol", () => {
    const bad = prodRaw((r) => { r["ha-blueprint:monitoring"].alarmSubscriptions = [{ protocol: "sqs", endpoint: "https://sqs.us-east-1.amazonaws.com/1/q" }]; });
    expect(problemsOf(bad)).toEqual([expect.stringMatching(/^ha-blueprint:monitoring\.alarmSubscriptions\[0\]\.endpoint: .* is not an sqs ARN/)]);
  });

  it.each(["16", "17"])("fails when prod leaves the engine at the bare major %s", (engineVersion) => {
    expect(problemsOf(prodRaw((r) => { r["ha-blueprint:database"].engineVersion = engineVersion; }))).toEqual([
      `ha-blueprint:database.engineVersion: "${engineVersion}" must be pinned to a full version in prod (e.g. "16.9"): a bare major resolves to whatever minor AWS offers on the day of each pulumi up`,
    ]);
  });

  it("fails when prod omits the engine version (the default is a bare major)", () => {
    expect(problemsOf(prodRaw((r) => { delete r["ha-blueprint:database"].engineVersion; }))[0]).toMatch(/^ha-blueprint:database\.engineVersion: missing; must be pinned/);
  });

  it("fails in every environment on an Aurora Limitless build", () => {
    const dev = withOverrides(loadStack("dev").rawConfig, { "ha-blueprint:database": { engineVersion: "16.4-limitless" } });
    expect(problemsOf(dev)).toEqual([expect.stringMatching(/^ha-blueprint:database\.engineVersion: "16\.4-limitless" is an Aurora Limitless Database build, which cannot join a global database/)]);
  });

  it("accepts a bare major outside prod", () => {
    const staging = parseConfig(withOverrides(loadStack("staging").rawConfig, { "ha-blueprint:database": { engineVersion: "16" } }));
    expect(staging.database.engineVersion).toBe("16");
  });

  it("fails when prod lacks an access-log bucket for a region, or turns WAF off", () => {
    expect(problemsOf(prodRaw((r) => { delete r["ha-blueprint:app"].accessLogBuckets["us-west-2"]; }))).toEqual([
      expect.stringMatching(/^ha-blueprint:app\.accessLogBuckets: .* must name an access-log bucket for every region in prod \(missing: us-west-2\)/),
    ]);
    expect(problemsOf(prodRaw((r) => { r["ha-blueprint:app"].waf = false; }))).toEqual([
      "ha-blueprint:app.waf: false cannot be false in prod: every internet-facing ALB gets the AWS managed rule groups",
    ]);
  });
});

describe("TLS to the pods", () => {
  it("fails when HTTPS to the pods is asked of the placeholder image, which serves HTTP only", () => {
    expect(problemsOf(prodRaw((r) => { r["ha-blueprint:app"].backendProtocol = "HTTPS"; }))).toEqual([
      "ha-blueprint:app.backendProtocol: \"HTTPS\" needs an app.image that serves TLS on containerPort; the placeholder image serves HTTP only",
    ]);
    const own = prodRaw((r) => { r["ha-blueprint:app"].backendProtocol = "HTTPS"; r["ha-blueprint:app"].image = "registry.example.com/shop/api:1.4.2"; });
    expect(parseConfig(own).app.backendProtocol).toBe("HTTPS");
  });
});

describe("deploy readiness lists every placeholder before a real pulumi up", () => {
  it("names the example-account admin principals, access-log buckets and the documentation-domain alarm e-mail", () => {
    const warnings = deployReadinessWarnings(parseConfig(prodRaw()));
    expect(warnings.filter((w) => w.startsWith("app.eks.adminPrincipalArns"))).toHaveLength(2);
    expect(warnings.filter((w) => w.startsWith("app.accessLogBuckets."))).toHaveLength(2);
    expect(warnings.some((w) => w.includes("oncall@example.com"))).toBe(true);
  });

  it("stays quiet once real values are set", () => {
    const real = parseConfig(prodRaw((r) => {
      r["ha-blueprint:app"].eks.publicAccessCidrs = ["100.64.10.0/24"];
      r["ha-blueprint:app"].eks.adminPrincipalArns = ["arn:aws:iam::210987654321:role/ci"];
      r["ha-blueprint:app"].accessLogBuckets = { "us-east-1": "acme-alb-logs-use1", "us-west-2": "acme-alb-logs-usw2" };
      r["ha-blueprint:app"].certificateArns = {
        "us-east-1": "arn:aws:acm:us-east-1:210987654321:certificate/1",
        "us-west-2": "arn:aws:acm:us-west-2:210987654321:certificate/2",
      };
      r["ha-blueprint:monitoring"].alarmEmail = "oncall@acme.io";
    }));
    expect(deployReadinessWarnings(real)).toEqual([]);
  });
});

describe("the CLI refuses such a prod stack file", () => {
  it.each<[string, (config: Record<string, any>) => void, RegExp]>([
    ["no admin principals", (c) => { delete c["ha-blueprint:app"].eks.adminPrincipalArns; }, /^ha-blueprint: .*ha-blueprint:app\.eks\.adminPrincipalArns: missing; must list the IAM roles/],
    ["no notification target", (c) => { delete c["ha-blueprint:monitoring"].alarmEmail; }, /^ha-blueprint: .*ha-blueprint:monitoring\.alarmSubscriptions: missing; must name a notification target/],
    ["a bare major engine version", (c) => { c["ha-blueprint:database"].engineVersion = "16"; }, /^ha-blueprint: .*ha-blueprint:database\.engineVersion: "16" must be pinned to a full version in prod/],
  ])("with %s: exit 2 and one line naming the key", async (_what, edit, line) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-sec-"));
    try {
      const doc = parseYaml(fs.readFileSync(path.join(ROOT, "stacks/Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
      edit(doc.config);
      fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), toYaml(doc));
      const r = await runCli(["plan", "--stack", "bad", "--stacks-dir", dir]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

import { expect } from "vitest";
import { ConfigError, parseConfig } from "../../config/parse";

/** What prod needs in `app`: an API reachable from the deployer's network, named cluster admins, HTTPS and access logs everywhere. */
export const VALID_APP = {
  eks: { publicAccessCidrs: ["198.51.100.7/32"], adminPrincipalArns: ["arn:aws:iam::111122223333:role/ci-deployer"] },
  accessLogBuckets: { "us-east-1": "alb-logs-use1", "us-west-2": "alb-logs-usw2" },
  certificateArns: {
    "us-east-1": "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000001",
    "us-west-2": "arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-4000-8000-000000000002",
  },
};

/** A valid prod config written the way Pulumi hands it to a program: objects as JSON strings. */
export function validRawConfig(): Record<string, unknown> {
  return {
    "aws:region": "us-east-1",
    "ha-blueprint:environment": "prod",
    "ha-blueprint:writerRegion": "us-east-1",
    "ha-blueprint:regions": JSON.stringify([
      { name: "us-east-1", cidr: "10.20.0.0/16", azCount: 3 },
      { name: "us-west-2", cidr: "10.21.0.0/16", azCount: 3 },
    ]),
    "ha-blueprint:objectives": JSON.stringify({
      availabilityPercent: 99.99,
      azLoss: { rtoSeconds: 120, rpoSeconds: 1 },
      regionLoss: { rtoSeconds: 600, rpoSeconds: 30 },
    }),
    "ha-blueprint:app": JSON.stringify(VALID_APP),
    "ha-blueprint:database": JSON.stringify({ engineVersion: "16.9" }),
    "ha-blueprint:monitoring": JSON.stringify({ alarmEmail: "oncall@example.com" }),
  };
}

/** The problems `parseConfig` reports for `raw` (one line each); fails the test when it accepts it. */
export function configProblems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected the configuration to be rejected");
}

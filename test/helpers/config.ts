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
  };
}

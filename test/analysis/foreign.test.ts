import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeInput, loadAnalyzeInput } from "../../cli/commands/analyze";

/**
 * Other projects' stacks (unmodified exports from public repositories): `analyze` must understand
 * their tiers (RDS instances, ECS on Fargate, Auto Scaling groups), never say OK where a single-AZ
 * database or a graph without a region is in the graph, and never hang.
 */

const DIR = path.resolve(__dirname, "../fixtures/stack-exports");

const file = (name: string) => path.join(DIR, name);

async function analyzeFile(name: string) {
  const started = Date.now();
  const report = analyzeInput(await loadAnalyzeInput({ state: file(name) }));
  return { report, ms: Date.now() - started };
}

describe("foreign stack exports", () => {
  it("a Single-AZ RDS instance is a single point of failure, named with its AZ", async () => {
    const { report } = await analyzeFile("pulumi-aws__rds-instance__5.42.0__stack.json");
    expect(report.verdict.exitCode).toBe(1);
    expect(report.verdict.reasons).toContainEqual("single point of failure: losing AZ us-west-2a stops database writer, database reads everywhere");
    expect(report.failureDomains.steadyState.databaseReads.regions["us-west-2"].notes).toContainEqual("tested-resource is a Single-AZ DB instance: losing its AZ stops it");
  });

  it("a graph where no region can be found is never OK", async () => {
    const { report } = await analyzeFile("stratify__sample-preview-creates.json");
    expect(report.verdict.exitCode).toBe(1);
    expect(report.verdict.reasons[0]).toMatch(/^no AWS region found in this graph/);
  });

  it("an ECS Fargate service is app capacity: one task is a single point of failure", async () => {
    const { report } = await analyzeFile("pulumi-awsx__ts-lb-simple__1.0.6__stack.json");
    expect(report.failureDomains.steadyState.app.regions["us-west-2"]).toMatchObject({ status: "serves", surviving: 1, unit: "pods" });
    expect(report.verdict.reasons).toContainEqual("single point of failure: losing region us-west-2 stops app everywhere");
  });

  it.each(fs.readdirSync(DIR).filter((f) => f.endsWith(".json")))("%s: answers within seconds and never says OK", async (name) => {
    const { report, ms } = await analyzeFile(name);
    expect(ms).toBeLessThan(20_000);
    expect(report.verdict.status).not.toBe("ok");
  });
});

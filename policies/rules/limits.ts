import type { GraphNode } from "../../graph/model";
import { defineResourceRule } from "../engine/types";
import { asNumber } from "../engine/values";
import { T } from "./common";

/**
 * Values AWS rejects. A preview accepts them; the update then fails at the provider call, often
 * after the other region's half of the change went through, leaving the regions out of step.
 * Limits as documented: Aurora/RDS cluster backupRetentionPeriod 1-35 (RDS API
 * CreateDBCluster), RDS instance 0-35 and CloudWatch log group retentionInDays one of a fixed set
 * (`@pulumi/aws` 7.48 rds/instance.d.ts, cloudwatch/logGroup.d.ts), ElastiCache Serverless
 * snapshotRetentionLimit at most 35 (ElastiCache API CreateServerlessCache).
 */

const LOG_RETENTION_DAYS = new Set([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);

interface Limit {
  readonly path: string;
  readonly ok: (n: number) => boolean;
  readonly allowed: string;
}

const LIMITS: Record<string, Limit> = {
  [T.rdsCluster]: { path: "backupRetentionPeriod", ok: (n) => Number.isInteger(n) && n >= 1 && n <= 35, allowed: "1 to 35 days" },
  [T.rdsInstance]: { path: "backupRetentionPeriod", ok: (n) => Number.isInteger(n) && n >= 0 && n <= 35, allowed: "0 to 35 days" },
  [T.logGroup]: { path: "retentionInDays", ok: (n) => LOG_RETENTION_DAYS.has(n), allowed: `one of ${[...LOG_RETENTION_DAYS].join(", ")} days` },
  [T.serverlessCache]: { path: "snapshotRetentionLimit", ok: (n) => Number.isInteger(n) && n >= 0 && n <= 35, allowed: "at most 35 days" },
};

function nearestAllowed(type: string, n: number): string {
  if (type !== T.logGroup) return n > 35 ? "35" : type === T.rdsCluster ? "1" : "0";
  return String([...LOG_RETENTION_DAYS].filter((d) => d > 0).reduce((best, d) => (Math.abs(d - n) < Math.abs(best - n) ? d : best), 1));
}

export const retentionWithinLimits = defineResourceRule({
  name: "ha-retention-within-limits",
  description: "Retention settings are values AWS accepts: cluster backup retention 1-35 days, DB instance 0-35, ElastiCache Serverless snapshots at most 35, CloudWatch log retention one of the allowed periods.",
  severity: "high",
  kind: "validity",
  anchors: ["RDS API CreateDBCluster BackupRetentionPeriod", "CloudWatch Logs PutRetentionPolicy", "REL13-BP04"],
  remediation: "use a retention AWS accepts (at most 35 days for RDS and ElastiCache; log groups take fixed periods)",
  scope: "resource",
  types: Object.keys(LIMITS),
  config: {},
  check(n: GraphNode, { graph, report }) {
    const limit = LIMITS[n.type];
    const v = asNumber(graph.prop(n, limit.path));
    if (typeof v !== "number" || limit.ok(v)) return;
    report(n, `sets ${limit.path} ${v}, which AWS rejects (allowed: ${limit.allowed}), so the update fails at apply time`, `set ${limit.path} to ${nearestAllowed(n.type, v)}`);
  },
});

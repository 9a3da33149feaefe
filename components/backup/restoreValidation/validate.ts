/**
 * The restore-test validation, free of AWS SDKs so it is tested directly: given the "Restore Job
 * State Change" event of a restore that AWS Backup restore testing started and what the restored
 * Aurora cluster looks like, decide SUCCESSFUL or FAILED and say why. Runs in the validation
 * function (handler.ts), which reports the verdict with PutRestoreValidationResult (AWS Backup
 * Developer Guide, "Restore testing validation").
 *
 * What it proves: the recovery point became an available, encrypted cluster of the expected
 * engine, in the stack's own subnet group behind the closed restore-test security group, that
 * AWS Backup can delete after the validation window. AWS Backup restores an Aurora cluster without
 * a DB instance ("it does not create or attach an Amazon RDS instance", AWS Backup Developer Guide,
 * "Restoring an Amazon Aurora cluster"), so there is no endpoint to open a SQL session on, and an
 * instance added here would stop AWS Backup from deleting the cluster when the window closes.
 * Row-level checks belong to the by-hand restore (docs/runbooks/restore-other-region.md), which
 * adds an instance and connects.
 */

export interface RestoreJobEvent {
  readonly region?: string;
  readonly detail?: {
    readonly restoreJobId?: string;
    readonly status?: string;
    readonly resourceType?: string;
    readonly createdResourceArn?: string;
    readonly restoreTestingPlanArn?: string;
  };
}

/** The parts of DescribeDBClusters' answer the checks read (RDS API, DBCluster). */
export interface RestoredCluster {
  readonly Status?: string;
  readonly Engine?: string;
  readonly StorageEncrypted?: boolean;
  readonly KmsKeyId?: string;
  readonly DBSubnetGroup?: string;
  readonly VpcSecurityGroups?: readonly { readonly VpcSecurityGroupId?: string }[];
  readonly DeletionProtection?: boolean;
}

export interface Expected {
  readonly restoreTestingPlanArn: string;
  readonly engine: string;
  readonly subnetGroupName: string;
  readonly securityGroupId: string;
}

export type Verdict =
  | { readonly kind: "ignore"; readonly reason: string }
  | { readonly kind: "report"; readonly restoreJobId: string; readonly status: "SUCCESSFUL" | "FAILED"; readonly message: string };

/** Which restore jobs this function answers for: completed Aurora restores of its own plan. */
export function restoreJobOf(event: RestoreJobEvent, expected: Expected): { restoreJobId: string; clusterArn: string } | { ignore: string } {
  const d = event.detail ?? {};
  if (!d.restoreJobId) return { ignore: "event has no restoreJobId" };
  if (d.status !== "COMPLETED") return { ignore: `restore job ${d.restoreJobId} is ${d.status ?? "without status"}` };
  if (d.resourceType !== "Aurora") return { ignore: `restore job ${d.restoreJobId} restored ${d.resourceType ?? "an unknown type"}` };
  if (d.restoreTestingPlanArn !== expected.restoreTestingPlanArn) return { ignore: `restore job ${d.restoreJobId} belongs to another plan` };
  if (!d.createdResourceArn) return { ignore: `restore job ${d.restoreJobId} names no created resource` };
  return { restoreJobId: d.restoreJobId, clusterArn: d.createdResourceArn };
}

/** Every check the restored cluster fails; empty means usable. */
export function clusterProblems(cluster: RestoredCluster | undefined, region: string, expected: Expected): string[] {
  if (!cluster) return ["the restored cluster does not exist"];
  const problems: string[] = [];
  if (cluster.Status !== "available") problems.push(`status is ${cluster.Status ?? "unknown"}, not available`);
  if (cluster.Engine !== expected.engine) problems.push(`engine is ${cluster.Engine ?? "unknown"}, not ${expected.engine}`);
  if (cluster.StorageEncrypted !== true) problems.push("storage is not encrypted");
  const keyRegion = cluster.KmsKeyId?.split(":")[3];
  if (cluster.StorageEncrypted === true && keyRegion !== region) problems.push(`encrypted with a key in ${keyRegion ?? "no region"}, not ${region}`);
  if (cluster.DBSubnetGroup !== expected.subnetGroupName) problems.push(`subnet group is ${cluster.DBSubnetGroup ?? "none"}, not ${expected.subnetGroupName}`);
  const groups = (cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId);
  if (groups.length !== 1 || groups[0] !== expected.securityGroupId) problems.push(`security groups are [${groups.join(", ")}], not the closed restore-test group ${expected.securityGroupId}`);
  if (cluster.DeletionProtection) problems.push("deletion protection is on, so AWS Backup cannot clean the test up");
  return problems;
}

export function verdictFor(event: RestoreJobEvent, cluster: RestoredCluster | undefined, expected: Expected): Verdict {
  const job = restoreJobOf(event, expected);
  if ("ignore" in job) return { kind: "ignore", reason: job.ignore };
  const problems = clusterProblems(cluster, event.region ?? job.clusterArn.split(":")[3], expected);
  return problems.length === 0
    ? { kind: "report", restoreJobId: job.restoreJobId, status: "SUCCESSFUL", message: `restored cluster ${job.clusterArn} is available, encrypted in-region and isolated` }
    : { kind: "report", restoreJobId: job.restoreJobId, status: "FAILED", message: `restored cluster ${job.clusterArn}: ${problems.join("; ")}`.slice(0, 1000) };
}

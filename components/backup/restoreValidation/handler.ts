import { verdictFor, type Expected, type RestoredCluster, type RestoreJobEvent } from "./validate";

/**
 * Entry point of the restore-test validation function (bundled by esbuild, see bundle.ts). The
 * AWS SDK clients come from the Lambda Node.js runtime, which ships AWS SDK for JavaScript v3, so
 * the bundle holds only this code. Module names are not literals so the type check does not need
 * the clients installed; their calls are typed by the small interfaces below.
 */

interface RdsModule {
  RDSClient: new (c: object) => { send(cmd: unknown): Promise<{ DBClusters?: RestoredCluster[] }> };
  DescribeDBClustersCommand: new (input: { DBClusterIdentifier: string }) => unknown;
}
interface BackupModule {
  BackupClient: new (c: object) => { send(cmd: unknown): Promise<unknown> };
  PutRestoreValidationResultCommand: new (input: { RestoreJobId: string; ValidationStatus: string; ValidationStatusMessage: string }) => unknown;
}

interface SnsModule {
  SNSClient: new (c: object) => { send(cmd: unknown): Promise<unknown> };
  PublishCommand: new (input: { TopicArn: string; Subject: string; Message: string }) => unknown;
}

const RDS_MODULE = "@aws-sdk/client-rds";
const SNS_MODULE = "@aws-sdk/client-sns";
const BACKUP_MODULE = "@aws-sdk/client-backup";

function expected(): Expected {
  const need = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  return {
    restoreTestingPlanArn: need("RESTORE_TESTING_PLAN_ARN"),
    engine: need("EXPECTED_ENGINE"),
    subnetGroupName: need("EXPECTED_SUBNET_GROUP"),
    securityGroupId: need("EXPECTED_SECURITY_GROUP_ID"),
  };
}

export async function handler(event: RestoreJobEvent): Promise<string> {
  const want = expected();
  // require, not import(): the runtime's SDK is found through NODE_PATH, which only require reads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rds = require(RDS_MODULE) as RdsModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const backup = require(BACKUP_MODULE) as BackupModule;
  const arn = event.detail?.createdResourceArn;
  let cluster: RestoredCluster | undefined;
  if (arn && event.detail?.status === "COMPLETED") {
    try {
      const answer = await new rds.RDSClient({}).send(new rds.DescribeDBClustersCommand({ DBClusterIdentifier: arn }));
      cluster = answer.DBClusters?.[0];
    } catch (err) {
      if ((err as { name?: string }).name !== "DBClusterNotFoundFault") throw err;
    }
  }
  const verdict = verdictFor(event, cluster, want);
  if (verdict.kind === "ignore") {
    console.log(JSON.stringify({ ignored: verdict.reason }));
    return verdict.reason;
  }
  await new backup.BackupClient({}).send(new backup.PutRestoreValidationResultCommand({
    RestoreJobId: verdict.restoreJobId,
    ValidationStatus: verdict.status,
    ValidationStatusMessage: verdict.message,
  }));
  const topicArn = process.env.ALARM_TOPIC_ARN;
  if (verdict.status === "FAILED" && topicArn) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sns = require(SNS_MODULE) as SnsModule;
    await new sns.SNSClient({}).send(new sns.PublishCommand({
      TopicArn: topicArn,
      Subject: "Restore test validation FAILED",
      Message: `Restore job ${verdict.restoreJobId}: ${verdict.message}`,
    }));
  }
  console.log(JSON.stringify(verdict));
  return verdict.status;
}

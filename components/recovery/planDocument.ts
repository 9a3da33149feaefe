import type * as pulumi from "@pulumi/pulumi";
import type { arcregionswitch } from "@pulumi/aws/types/input";
import type { DataKinds } from "./kinds";

/**
 * The Region switch plan's workflows and triggers, derived from the topology. Pure data (with
 * Pulumi inputs for ARNs): the component declares it as `aws.arcregionswitch.Plan` inputs, and the
 * drill simulator reads the same document back from the plan graph. Field names and values are
 * the provider's (node_modules/@pulumi/aws/types/input.d.ts, namespace arcregionswitch) and the
 * ARC API's (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_ExecutionBlockConfiguration.html).
 */

type Step = arcregionswitch.PlanWorkflowStep;
type ParallelStep = arcregionswitch.PlanWorkflowStepParallelConfigStep;
export type Workflow = arcregionswitch.PlanWorkflow;
export type Trigger = arcregionswitch.PlanTrigger;

export interface PlanRegion {
  readonly name: string;
  readonly eksClusterArn: pulumi.Input<string>;
  readonly auroraClusterArn?: pulumi.Input<string>;
  /** Lambda ARNs of this region's copies (ARC invokes the one in the region it runs the step in). */
  readonly dialActivateArn?: pulumi.Input<string>;
  readonly dialDeactivateArn?: pulumi.Input<string>;
  readonly sessionFailoverArn?: pulumi.Input<string>;
  /** Composite alarm (in the OTHER region) that says this region is lost. */
  readonly lostAlarmArn?: pulumi.Input<string>;
}

export interface PlanDocumentInput {
  readonly regions: readonly [PlanRegion, PlanRegion];
  readonly kinds: DataKinds;
  readonly globalClusterIdentifier?: pulumi.Input<string>;
  readonly namespace: string;
  readonly workloadName: string;
  /** `approval`: a manual approval step precedes the promotion; `automatic`: none. */
  readonly ungracefulDatabaseFailover: "approval" | "automatic";
  readonly approvalRoleArn?: pulumi.Input<string>;
  readonly automaticTriggers: boolean;
  readonly minMinutesBetweenExecutions: number;
  /** Global Accelerator dials exist (routing mode accelerator). */
  readonly dials: boolean;
}

/** Timeouts per block, in minutes: promotion budget plus margin (a timed-out step fails the execution). */
export const BLOCK_TIMEOUT_MINUTES = { scaling: 15, approval: 60, aurora: 15, lambda: 15 } as const;

export const STEP = {
  scale: "scale-survivor",
  approve: "approve-data-loss-failover",
  database: "promote-database",
  sessions: "promote-sessions",
  drain: "drain-traffic",
  restore: "restore-traffic",
  moveData: "move-sessions-and-traffic",
} as const;

/** The alarm key a trigger names (`associatedAlarms[].mapBlockKey`). */
export const lostAlarmKey = (region: string) => `${region}-lost`;

function lambdaStep(name: string, description: string, arns: pulumi.Input<string>[]): Step & ParallelStep {
  return {
    name,
    description,
    executionBlockType: "CustomActionLambda",
    customActionLambdaConfigs: [
      {
        lambdas: arns.map((arn) => ({ arn })),
        // Never the deactivating Region: it may be the lost one (ARC custom action Lambda docs).
        regionToRun: "activatingRegion",
        retryIntervalMinutes: 1,
        timeoutMinutes: BLOCK_TIMEOUT_MINUTES.lambda,
      },
    ],
  };
}

export function planWorkflows(d: PlanDocumentInput): Workflow[] {
  const workflows: Workflow[] = [];
  for (const target of d.regions) {
    const survivor = d.regions.find((r) => r.name !== target.name)!;
    const steps: Step[] = [
      {
        name: STEP.scale,
        description: `Scale the workload in ${survivor.name} to carry ${target.name}'s load (EKS resource scaling; capacity is not guaranteed)`,
        executionBlockType: "EKSResourceScaling",
        eksResourceScalingConfigs: [
          {
            eksClusters: d.regions.map((r) => ({ clusterArn: r.eksClusterArn })),
            kubernetesResourceTypes: [{ apiVersion: "apps/v1", kind: "Deployment" }],
            scalingResources: [
              { namespace: d.namespace, resources: [{ resourceName: d.workloadName, name: d.workloadName, namespace: d.namespace, hpaName: d.workloadName }] },
            ],
            targetPercent: 100,
            capacityMonitoringApproach: "sampledMaxInLast24Hours",
            timeoutMinutes: BLOCK_TIMEOUT_MINUTES.scaling,
          },
        ],
      },
    ];
    if (d.kinds.database === "aurora-global") {
      if (d.ungracefulDatabaseFailover === "approval") {
        steps.push({
          name: STEP.approve,
          description: "A person approves before the database moves: an ungraceful run fails over with AllowDataLoss",
          executionBlockType: "ManualApproval",
          executionApprovalConfigs: [{ approvalRole: d.approvalRoleArn!, timeoutMinutes: BLOCK_TIMEOUT_MINUTES.approval }],
        });
      }
      steps.push({
        name: STEP.database,
        description:
          d.ungracefulDatabaseFailover === "automatic"
            ? `Fail the Aurora global database over to ${survivor.name} (FailoverGlobalCluster AllowDataLoss, even in graceful runs: the stack opted in)`
            : `Switch the Aurora global database over to ${survivor.name} (graceful); an ungraceful run fails over with data loss after the approval`,
        executionBlockType: "AuroraGlobalDatabase",
        globalAuroraConfigs: [
          {
            behavior: d.ungracefulDatabaseFailover === "automatic" ? "failover" : "switchoverOnly",
            databaseClusterArns: d.regions.map((r) => r.auroraClusterArn!),
            globalClusterIdentifier: d.globalClusterIdentifier!,
            timeoutMinutes: BLOCK_TIMEOUT_MINUTES.aurora,
            ...(d.ungracefulDatabaseFailover === "approval" ? { ungracefuls: [{ ungraceful: "failover" }] } : {}),
          },
        ],
      });
    }
    const finishing: Array<Step & ParallelStep> = [];
    if (d.kinds.sessionFailover && target.sessionFailoverArn && survivor.sessionFailoverArn) {
      finishing.push(lambdaStep(STEP.sessions, `Make ${survivor.name}'s ElastiCache group the global datastore primary`, [survivor.sessionFailoverArn, target.sessionFailoverArn]));
    }
    if (d.dials && target.dialDeactivateArn && survivor.dialDeactivateArn) {
      finishing.push(lambdaStep(STEP.drain, `Set ${target.name}'s Global Accelerator dial to 0 (never below one healthy region)`, [survivor.dialDeactivateArn, target.dialDeactivateArn]));
    }
    if (finishing.length === 1) steps.push(finishing[0]);
    else if (finishing.length > 1) {
      steps.push({ name: STEP.moveData, description: "Sessions and traffic move side by side", executionBlockType: "Parallel", parallelConfigs: [{ steps: finishing }] });
    }
    workflows.push({
      workflowTargetAction: "deactivate",
      workflowTargetRegion: target.name,
      workflowDescription: deactivateDescription(d.kinds, target.name),
      steps,
    });
    if (d.dials && target.dialActivateArn && survivor.dialActivateArn) {
      workflows.push({
        workflowTargetAction: "activate",
        workflowTargetRegion: target.name,
        workflowDescription: `Bring ${target.name} back into the global entry (the writer stays where it is; moving it back is a planned switchover)`,
        steps: [lambdaStep(STEP.restore, `Set ${target.name}'s Global Accelerator dial to 100`, [target.dialActivateArn, survivor.dialActivateArn])],
      });
    }
  }
  return workflows;
}

/**
 * Why the deactivate workflow has the steps it has: a multi-writer store needs no step at all
 * (every region already writes its own copy), so the description says so instead of leaving the
 * missing promotion to be guessed. ARC caps a workflow description at 1024 characters.
 */
export function deactivateDescription(kinds: DataKinds, region: string): string {
  const database = kinds.multiWriterDatabase
    ? "every region writes locally, so there is no promotion step"
    : "the Aurora global database writer moves to the survivor";
  const sessions = kinds.sessionFailover
    ? "the ElastiCache global datastore's primary moves with it"
    : "sessions need no step: MemoryDB Multi-Region writes in every region (no session promotion)";
  return `Move traffic away from ${region}: ${database}; ${sessions}`.slice(0, 1024);
}

export function planTriggers(d: PlanDocumentInput): Trigger[] {
  if (!d.automaticTriggers) return [];
  return d.regions
    .filter((r) => r.lostAlarmArn)
    .map((r) => ({
      action: "deactivate",
      targetRegion: r.name,
      description: `${r.name} lost: its entry AND its regional AWS API fail from the other region's probe`,
      conditions: [{ associatedAlarmName: lostAlarmKey(r.name), condition: "red" }],
      minDelayMinutesBetweenExecutions: d.minMinutesBetweenExecutions,
    }));
}

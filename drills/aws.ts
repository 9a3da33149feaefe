/**
 * The small AWS surface a drill uses. `SdkDrillAws` (sdkAws.ts) implements it with AWS SDK v3
 * clients; `SimulatedAws` (simulator.ts) implements it on the cloud model (cloudModel.ts). The step
 * engine only sees this interface, so a simulation exercises the very same steps.
 *
 * Views carry only what the steps read; each maps 1:1 to an SDK response field named in the comment.
 */

/** DescribeGlobalClusters -> GlobalClusters[0]. */
export interface GlobalClusterView {
  readonly id: string;
  /** `Status`, e.g. available. */
  readonly status: string;
  /** `Endpoint`: the global writer endpoint. */
  readonly endpoint?: string;
  readonly members: ReadonlyArray<{
    readonly clusterArn: string;
    readonly isWriter: boolean;
    /** `SynchronizationStatus`: connected | pending-resync. */
    readonly synchronization?: string;
  }>;
  /**
   * `FailoverState`: absent when no switchover/failover is pending or running. Status is one of
   * pending, switching-over, failing-over, cancelling (RDS API Reference, FailoverState);
   * `IsDataLossAllowed` tells a failover from a switchover.
   */
  readonly failover?: { readonly status: string; readonly fromArn?: string; readonly toArn?: string; readonly dataLossAllowed?: boolean };
}

/** DescribeDBClusters + DescribeDBInstances for one regional cluster. */
export interface DbClusterView {
  readonly id: string;
  readonly arn?: string;
  readonly status: string;
  readonly engineVersion?: string;
  readonly instances: ReadonlyArray<{
    readonly id: string;
    readonly isWriter: boolean;
    readonly availabilityZone?: string;
    readonly status?: string;
    readonly promotionTier?: number;
  }>;
}

/** DescribeGlobalReplicationGroups(ShowMemberInfo) -> GlobalReplicationGroups[0]. */
export interface GlobalReplicationGroupView {
  readonly id: string;
  /** `Status`: available, modifying (while a failover runs), primary-only ... */
  readonly status: string;
  readonly members: ReadonlyArray<{ readonly replicationGroupId: string; readonly region: string; readonly role: string; readonly status?: string }>;
}

/** DescribeReplicationGroups -> ReplicationGroups[0]. */
export interface ReplicationGroupView {
  readonly id: string;
  readonly status: string;
  readonly memberClusters: readonly string[];
  readonly nodeGroups: ReadonlyArray<{
    readonly id: string;
    readonly members: ReadonlyArray<{ readonly cacheClusterId?: string; readonly role?: string; readonly availabilityZone?: string }>;
  }>;
}

/** DescribeEndpointGroup -> EndpointGroup. */
export interface EndpointGroupView {
  readonly arn: string;
  readonly region?: string;
  readonly trafficDial: number;
  readonly endpoints: ReadonlyArray<{ readonly id: string; readonly health: string }>;
  /** Health-check fields, re-sent on update so a dial change cannot reset them. */
  readonly healthCheck: { readonly port?: number; readonly protocol?: string; readonly path?: string; readonly intervalSeconds?: number; readonly thresholdCount?: number };
}

/** One CNAME as ListResourceRecordSets returns it (the session-writer record). */
export interface DnsRecordView {
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly values: readonly string[];
}

/** DescribeSecurityGroupRules -> one ingress rule; what ModifySecurityGroupRules takes back. */
export interface IngressRuleView {
  readonly id: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly referencedGroupId?: string;
  readonly prefixListId?: string;
  readonly description?: string;
}

/**
 * One entry of ModifySecurityGroupRules' SecurityGroupRules for a rule rewritten in place: the same
 * shape for the SDK call and for the `aws ec2 modify-security-group-rules` line a person runs.
 */
export function securityGroupRuleUpdate(r: IngressRuleView) {
  return {
    SecurityGroupRuleId: r.id,
    SecurityGroupRule: {
      IpProtocol: r.protocol,
      FromPort: r.fromPort,
      ToPort: r.toPort,
      ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
      ...(r.referencedGroupId ? { ReferencedGroupId: r.referencedGroupId } : {}),
      ...(r.prefixListId ? { PrefixListId: r.prefixListId } : {}),
      ...(r.description !== undefined ? { Description: r.description } : {}),
    },
  };
}

export interface MetricQuery {
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: "Maximum" | "Minimum" | "Average";
  /** Look-back window. @default 300 */
  readonly windowSeconds?: number;
}

export interface DrillAws {
  describeGlobalCluster(region: string, globalClusterId: string): Promise<GlobalClusterView>;
  switchoverGlobalCluster(region: string, globalClusterId: string, targetClusterArn: string): Promise<void>;
  /** Always with AllowDataLoss: without it the API performs a switchover (RDS API Reference). */
  failoverGlobalCluster(region: string, globalClusterId: string, targetClusterArn: string): Promise<void>;
  describeDbCluster(region: string, clusterId: string): Promise<DbClusterView>;
  failoverDbCluster(region: string, clusterId: string, targetInstanceId: string): Promise<void>;
  describeGlobalReplicationGroup(region: string, globalReplicationGroupId: string): Promise<GlobalReplicationGroupView>;
  failoverGlobalReplicationGroup(region: string, globalReplicationGroupId: string, primaryRegion: string, primaryReplicationGroupId: string): Promise<void>;
  describeReplicationGroup(region: string, replicationGroupId: string): Promise<ReplicationGroupView>;
  testFailover(region: string, replicationGroupId: string, nodeGroupId: string): Promise<void>;
  describeEndpointGroup(endpointGroupArn: string): Promise<EndpointGroupView>;
  setTrafficDial(current: EndpointGroupView, percent: number): Promise<void>;
  /** Latest datapoint of a metric in the window, or undefined when there is none. */
  latestMetric(query: MetricQuery): Promise<number | undefined>;
  /** Route 53 (control plane in us-east-1): the record, or undefined when it does not exist. */
  getRecord(hostedZoneId: string, name: string, type: string): Promise<DnsRecordView | undefined>;
  /** ChangeResourceRecordSets UPSERT; returns the change id GetChange polls. */
  upsertRecord(hostedZoneId: string, record: { name: string; type: string; ttl: number; value: string }): Promise<string>;
  /** GetChange: PENDING until every Route 53 authoritative server has the change, then INSYNC. */
  getChange(changeId: string): Promise<"PENDING" | "INSYNC">;
  /** GetHealthCheck -> HealthCheckConfig.Inverted. */
  healthCheckInverted(healthCheckId: string): Promise<boolean>;
  /** UpdateHealthCheck Inverted: an inverted check reports unhealthy while its target is healthy. */
  setHealthCheckInverted(healthCheckId: string, inverted: boolean): Promise<void>;
  /** DescribeSecurityGroupRules (ingress only) for one group. */
  ingressRules(region: string, groupId: string): Promise<IngressRuleView[]>;
  /** ModifySecurityGroupRules: rewrites rules in place (same rule ids, so Pulumi sees an update, not a replacement). */
  modifyIngressRules(region: string, groupId: string, rules: readonly IngressRuleView[]): Promise<void>;
}

/** The calls that change something in AWS (the rest only read). */
export const MUTATING_CALLS: ReadonlySet<keyof DrillAws> = new Set<keyof DrillAws>([
  "switchoverGlobalCluster",
  "failoverGlobalCluster",
  "failoverDbCluster",
  "failoverGlobalReplicationGroup",
  "testFailover",
  "setTrafficDial",
  "upsertRecord",
  "setHealthCheckInverted",
  "modifyIngressRules",
]);

/** Time source: the real clock for execution, a virtual one for simulation (no real sleeping). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A cancellable timer, for step deadlines (cancel it, or a virtual clock would later jump to it). */
  timer(ms: number): { readonly promise: Promise<void>; cancel(): void };
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timer: (ms) => {
    let handle: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, ms);
      handle.unref();
    });
    return { promise, cancel: () => clearTimeout(handle) };
  },
};

/**
 * A discrete-event virtual clock: `sleep` registers a timer; once every task that can run has run
 * (a macrotask turn with nothing left in the microtask queue), time jumps to the earliest timer.
 * So steps that run in parallel see one shared timeline, and a simulated call that hangs until its
 * request timeout takes exactly that long. Only for in-memory fakes: a task waiting on real I/O
 * would be overtaken by the jump.
 */
export class VirtualClock implements Clock {
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  private scheduled = false;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return this.timer(ms).promise;
  }

  timer(ms: number): { promise: Promise<void>; cancel(): void } {
    let entry!: { at: number; seq: number; resolve: () => void };
    const promise = new Promise<void>((resolve) => {
      entry = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
    });
    this.timers.push(entry);
    this.schedule();
    return {
      promise,
      cancel: () => {
        this.timers = this.timers.filter((t) => t !== entry);
      },
    };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.advance());
  }

  private advance(): void {
    this.scheduled = false;
    if (this.timers.length === 0) return;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const at = this.timers[0].at;
    const due = this.timers.filter((t) => t.at === at);
    this.timers = this.timers.filter((t) => t.at !== at);
    this.current = Math.max(this.current, at);
    for (const t of due) t.resolve();
    if (this.timers.length > 0) this.schedule();
  }
}

/** What the drill records in the stack config: runtime state only, never `writerRegion` (program shape). */
export interface RecordedState {
  /** `ha-blueprint:currentWriterRegion`; undefined when the key is not set. */
  readonly currentWriterRegion?: string;
  /** `ha-blueprint:routing.trafficDials`. */
  readonly trafficDials: Readonly<Record<string, number>>;
}

export interface PreviewResult {
  /** Change counts (create, update, delete, replace, same ...). */
  readonly counts: Readonly<Record<string, number>>;
  /** The lines of the preview diff that name a change, for the report. */
  readonly diff: readonly string[];
}

/** Stack config the drill reconciles after a switchover, behind an interface so tests stub it. */
export interface StackConfigStore {
  readonly description: string;
  /** The stack file the write lands in (when config lives in a file): it must be committed. */
  readonly stackFile?: string;
  read(): Promise<RecordedState>;
  /** Sets `currentWriterRegion` (removes it when undefined) and every listed dial. */
  write(state: RecordedState): Promise<void>;
  /** `pulumi preview` against the recorded config; aborted through `signal` at the step deadline. */
  preview(opts: { signal?: AbortSignal }): Promise<PreviewResult>;
}

/** GetPlanExecution: one Region switch plan execution as ARC records it. */
export interface PlanExecutionView {
  readonly executionId: string;
  /** `executionState`: inProgress, pendingManualApproval, completed, failed, canceled, pausedByFailedStep ... */
  readonly state: string;
  readonly action: string;
  readonly region: string;
  readonly mode: string;
  readonly startTime?: string;
  readonly endTime?: string;
  /** ISO 8601 duration ARC measured for the execution (`actualRecoveryTime`). */
  readonly actualRecoveryTime?: string;
  /** `stepStates`: notStarted, running, pendingApproval, completed, failed, skipped, canceled. */
  readonly steps: ReadonlyArray<{ readonly name: string; readonly status: string; readonly startTime?: string; readonly endTime?: string; readonly mode?: string }>;
}

/** ListZonalShifts / StartZonalShift: one zonal shift. */
export interface ZonalShiftView {
  readonly zonalShiftId: string;
  readonly resourceIdentifier: string;
  readonly awayFrom: string;
  /** ACTIVE, EXPIRED, CANCELED. */
  readonly status: string;
  readonly expiryTime?: string;
  readonly startTime?: string;
}

/**
 * ARC Region switch and zonal shift, the orchestrator the drill drives (drills/arc/client.ts signs
 * these calls; drills/arc/simulate.ts answers them offline). Each call is sent once.
 */
export interface ArcApi {
  startPlanExecution(region: string, input: { planArn: string; targetRegion: string; action: "activate" | "deactivate"; mode: "graceful" | "ungraceful"; comment?: string }): Promise<{ executionId: string }>;
  getPlanExecution(region: string, planArn: string, executionId: string): Promise<PlanExecutionView>;
  listPlanExecutions(region: string, planArn: string): Promise<Array<{ executionId: string; state: string; action: string; region: string; startTime?: string }>>;
  listPlanExecutionEvents(region: string, planArn: string, executionId: string): Promise<Array<{ time?: string; type: string; step?: string; error?: string; description?: string }>>;
  approvePlanExecutionStep(region: string, input: { planArn: string; executionId: string; stepName: string; approval: "approve" | "decline"; comment?: string }): Promise<void>;
  cancelPlanExecution(region: string, planArn: string, executionId: string): Promise<void>;
  startZonalShift(region: string, input: { resourceIdentifier: string; awayFrom: string; expiresIn: string; comment: string }): Promise<ZonalShiftView>;
  listZonalShifts(region: string, resourceIdentifier: string): Promise<ZonalShiftView[]>;
  cancelZonalShift(region: string, zonalShiftId: string): Promise<void>;
}

export const ARC_MUTATING_CALLS: ReadonlySet<keyof ArcApi> = new Set<keyof ArcApi>(["startPlanExecution", "approvePlanExecutionStep", "cancelPlanExecution", "startZonalShift", "cancelZonalShift"]);

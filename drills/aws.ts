/**
 * The small AWS surface a drill uses. `SdkDrillAws` (sdkAws.ts) implements it with AWS SDK v3
 * clients; `SimulatedAws` (simulator.ts) implements it on a virtual clock from the budget model.
 * The step engine only sees this interface, so the simulator exercises the very same steps.
 *
 * Views carry only what the steps read; each maps 1:1 to an SDK response field named in the comment.
 */

/** DescribeGlobalClusters -> GlobalClusters[0]. */
export interface GlobalClusterView {
  readonly id: string;
  /** `Status`, e.g. available, failing-over. */
  readonly status: string;
  /** `Endpoint`: the global writer endpoint. */
  readonly endpoint?: string;
  readonly members: ReadonlyArray<{
    readonly clusterArn: string;
    readonly isWriter: boolean;
    /** `SynchronizationStatus`: connected | pending-resync. */
    readonly synchronization?: string;
  }>;
  /** `FailoverState`: absent when no switchover/failover is pending or running. */
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
}

/** Time source: the real clock for execution, a virtual one for simulation (no real sleeping). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Advances only when someone sleeps; the simulator reads it to decide what has happened yet. */
export class VirtualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.current += Math.max(0, ms);
  }
}

/** Stack config the drill reconciles after a switchover, behind an interface so tests stub it. */
export interface StackConfigStore {
  readonly description: string;
  read(): Promise<{ writerRegion?: string; trafficDials: Record<string, number> }>;
  write(change: { writerRegion?: string; trafficDials?: Record<string, number> }): Promise<void>;
  /** `pulumi preview` change counts after the write (create, update, delete, replace, same ...). */
  preview(): Promise<Record<string, number>>;
}

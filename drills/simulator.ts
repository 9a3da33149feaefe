import { TIMINGS } from "../analysis/constants";
import type {
  DbClusterView,
  DrillAws,
  EndpointGroupView,
  GlobalClusterView,
  GlobalReplicationGroupView,
  MetricQuery,
  ReplicationGroupView,
  StackConfigStore,
  VirtualClock,
} from "./aws";
import type { DrillPlan } from "./plan";

/**
 * A simulated AWS for `drill --simulate`: the same DrillAws interface, state that evolves on a
 * virtual clock, durations from the budget model (promotion times from constants.ts, detection
 * from the stack's health-check settings). Running the real steps against it yields the timeline
 * the budget predicts, without sleeping or calling AWS.
 */

export interface SimulationFaults {
  /** A promotion that never finishes (the step must time out with the state it saw). */
  readonly stuck?: "aurora" | "redis";
  /** Calls that throw, by DrillAws method name. */
  readonly throwOn?: Partial<Record<keyof DrillAws, Error>>;
}

interface SimRegion {
  readonly name: string;
  readonly clusterArn: string;
  readonly clusterId: string;
  readonly instances: Array<{ id: string; az: string; isWriter: boolean; tier: number }>;
  readonly rgId: string;
  readonly nodes: Array<{ id: string; az: string; primary: boolean }>;
  readonly endpointGroupArn?: string;
  readonly healthCheckId?: string;
  dial: number;
  readonly healthyTargets: number;
}

interface Pending {
  readonly kind: "aurora" | "redis" | "dbFailover" | "testFailover";
  readonly region: string;
  readonly completesAt: number;
  readonly apply: () => void;
  readonly dataLoss?: boolean;
  readonly fromRegion?: string;
}

export class SimulatedAws implements DrillAws {
  readonly calls: string[] = [];
  private readonly regions = new Map<string, SimRegion>();
  private writer: string;
  private cachePrimary: string;
  private pending: Pending[] = [];
  /** Unplanned: the source region is lost at t=0 and its entry turns unhealthy after detection. */
  private readonly failedRegion?: string;

  constructor(private readonly plan: DrillPlan, private readonly clock: VirtualClock, private readonly faults: SimulationFaults = {}) {
    const initialWriter = plan.kind === "az" ? plan.settings.writerRegion : plan.source;
    this.writer = initialWriter;
    this.cachePrimary = initialWriter;
    if (plan.kind === "region" && plan.mode === "unplanned") this.failedRegion = plan.source;
    const instanceCount = Math.max(1, plan.settings.database.instancesPerRegion.value);
    const nodeCount = Math.max(1, plan.settings.sessions.nodesPerRegion.value);
    for (const t of Object.values(plan.targets.regions)) {
      const azs = [...t.availabilityZones];
      // AZ drills start from the interesting state: writer and primary in the AZ being drilled.
      if (plan.az && azs.includes(plan.az)) azs.sort((a, b) => (a === plan.az ? -1 : b === plan.az ? 1 : 0));
      this.regions.set(t.region, {
        name: t.region,
        clusterArn: t.auroraClusterArn,
        clusterId: t.auroraClusterId,
        instances: Array.from({ length: instanceCount }, (_, i) => ({ id: `${t.auroraClusterId}-${i + 1}`, az: azs[i % azs.length], isWriter: i === 0, tier: i })),
        rgId: t.replicationGroupId,
        nodes: Array.from({ length: nodeCount }, (_, i) => ({ id: `${t.replicationGroupId}-00${i + 1}`, az: azs[i % azs.length], primary: i === 0 })),
        endpointGroupArn: t.endpointGroupArn,
        healthCheckId: t.healthCheckId,
        // A failback target was left drained by the earlier drill.
        dial: plan.failback && t.region === plan.target ? 0 : 100,
        healthyTargets: t.minHealthyTargets,
      });
    }
  }

  private seconds(): number {
    return this.clock.now() / 1000;
  }

  private tick(method: keyof DrillAws, detail: string): void {
    this.calls.push(`${this.seconds()}s ${method} ${detail}`);
    const err = this.faults.throwOn?.[method];
    if (err) throw err;
    const now = this.seconds();
    const due = this.pending.filter((p) => p.completesAt <= now);
    this.pending = this.pending.filter((p) => p.completesAt > now);
    for (const p of due) p.apply();
  }

  private region(name: string): SimRegion {
    const r = this.regions.get(name);
    if (!r) throw new Error(`simulator: unknown region ${name}`);
    return r;
  }

  private regionOfArn(arn: string): SimRegion {
    const r = [...this.regions.values()].find((x) => x.clusterArn === arn);
    if (!r) throw Object.assign(new Error(`DBClusterNotFoundFault: ${arn}`), { name: "DBClusterNotFoundFault" });
    return r;
  }

  private unreachable(region: string): boolean {
    return region === this.failedRegion;
  }

  async describeGlobalCluster(region: string, id: string): Promise<GlobalClusterView> {
    this.tick("describeGlobalCluster", `${region} ${id}`);
    const p = this.pending.find((x) => x.kind === "aurora");
    return {
      id,
      status: p ? (p.dataLoss ? "failing-over" : "switching-over") : "available",
      endpoint: `${id}.global-sim.global.rds.amazonaws.com`,
      members: [...this.regions.values()].map((r) => ({
        clusterArn: r.clusterArn,
        isWriter: r.name === this.writer,
        synchronization: r.name === this.failedRegion && this.writer !== r.name ? "pending-resync" : "connected",
      })),
      failover: p ? { status: "failing-over", fromArn: this.region(p.fromRegion!).clusterArn, toArn: this.region(p.region).clusterArn, dataLossAllowed: p.dataLoss } : undefined,
    };
  }

  private promoteAurora(targetArn: string, dataLoss: boolean, seconds: number): void {
    const to = this.regionOfArn(targetArn);
    if (this.pending.some((p) => p.kind === "aurora")) throw Object.assign(new Error("InvalidGlobalClusterStateFault: a failover is in progress"), { name: "InvalidGlobalClusterStateFault" });
    const from = this.writer;
    const completesAt = this.faults.stuck === "aurora" ? Number.POSITIVE_INFINITY : this.seconds() + seconds;
    this.pending.push({ kind: "aurora", region: to.name, fromRegion: from, dataLoss, completesAt, apply: () => (this.writer = to.name) });
  }

  async switchoverGlobalCluster(region: string, id: string, targetArn: string): Promise<void> {
    this.tick("switchoverGlobalCluster", `${region} ${id} -> ${targetArn}`);
    this.promoteAurora(targetArn, false, TIMINGS.auroraGlobalSwitchover.value);
  }

  async failoverGlobalCluster(region: string, id: string, targetArn: string): Promise<void> {
    this.tick("failoverGlobalCluster", `${region} ${id} -> ${targetArn} AllowDataLoss`);
    this.promoteAurora(targetArn, true, TIMINGS.auroraGlobalFailover.value);
  }

  async describeDbCluster(region: string, clusterId: string): Promise<DbClusterView> {
    this.tick("describeDbCluster", `${region} ${clusterId}`);
    if (this.unreachable(region)) throw Object.assign(new Error(`simulated loss of ${region}`), { name: "TimeoutError" });
    const r = this.region(region);
    const busy = this.pending.some((p) => p.kind === "dbFailover" && p.region === region);
    return {
      id: r.clusterId,
      arn: r.clusterArn,
      status: busy ? "failing-over" : "available",
      engineVersion: "16.6",
      instances: r.instances.map((i) => ({ id: i.id, isWriter: i.isWriter && region === this.writer, availabilityZone: i.az, status: "available", promotionTier: i.tier })),
    };
  }

  async failoverDbCluster(region: string, clusterId: string, targetInstanceId: string): Promise<void> {
    this.tick("failoverDbCluster", `${region} ${clusterId} -> ${targetInstanceId}`);
    const r = this.region(region);
    this.pending.push({
      kind: "dbFailover",
      region,
      completesAt: this.seconds() + TIMINGS.auroraInRegionFailover.value,
      apply: () => r.instances.forEach((i) => (i.isWriter = i.id === targetInstanceId)),
    });
  }

  async describeGlobalReplicationGroup(region: string, id: string): Promise<GlobalReplicationGroupView> {
    this.tick("describeGlobalReplicationGroup", `${region} ${id}`);
    const busy = this.pending.some((p) => p.kind === "redis");
    return {
      id,
      status: busy ? "modifying" : "available",
      members: [...this.regions.values()].map((r) => ({
        replicationGroupId: r.rgId,
        region: r.name,
        role: r.name === this.cachePrimary ? "PRIMARY" : "SECONDARY",
        status: "associated",
      })),
    };
  }

  async failoverGlobalReplicationGroup(region: string, id: string, primaryRegion: string, primaryRg: string): Promise<void> {
    this.tick("failoverGlobalReplicationGroup", `${region} ${id} -> ${primaryRegion}/${primaryRg}`);
    if (this.pending.some((p) => p.kind === "redis")) throw Object.assign(new Error("InvalidGlobalReplicationGroupState"), { name: "InvalidGlobalReplicationGroupStateFault" });
    const completesAt = this.faults.stuck === "redis" ? Number.POSITIVE_INFINITY : this.seconds() + TIMINGS.elasticacheGlobalPromote.value;
    this.pending.push({ kind: "redis", region: primaryRegion, completesAt, apply: () => (this.cachePrimary = primaryRegion) });
  }

  async describeReplicationGroup(region: string, rgId: string): Promise<ReplicationGroupView> {
    this.tick("describeReplicationGroup", `${region} ${rgId}`);
    const r = this.region(region);
    const busy = this.pending.some((p) => p.kind === "testFailover" && p.region === region);
    return {
      id: r.rgId,
      status: busy ? "modifying" : "available",
      memberClusters: r.nodes.map((n) => n.id),
      nodeGroups: [{ id: "0001", members: r.nodes.map((n) => ({ cacheClusterId: n.id, role: n.primary ? "primary" : "replica", availabilityZone: n.az })) }],
    };
  }

  async testFailover(region: string, rgId: string, nodeGroupId: string): Promise<void> {
    this.tick("testFailover", `${region} ${rgId} ${nodeGroupId}`);
    const r = this.region(region);
    const current = r.nodes.findIndex((n) => n.primary);
    const next = r.nodes.findIndex((n, i) => i !== current && n.az !== r.nodes[current].az);
    this.pending.push({
      kind: "testFailover",
      region,
      completesAt: this.seconds() + TIMINGS.elasticacheInRegionFailover.value,
      apply: () => r.nodes.forEach((n, i) => (n.primary = i === next)),
    });
  }

  private byEndpointGroup(arn: string): SimRegion {
    const r = [...this.regions.values()].find((x) => x.endpointGroupArn === arn);
    if (!r) throw Object.assign(new Error(`EndpointGroupNotFoundException: ${arn}`), { name: "EndpointGroupNotFoundException" });
    return r;
  }

  private entryHealthy(r: SimRegion): boolean {
    return !(r.name === this.failedRegion && this.seconds() >= this.plan.detectionSeconds);
  }

  async describeEndpointGroup(arn: string): Promise<EndpointGroupView> {
    this.tick("describeEndpointGroup", arn);
    const r = this.byEndpointGroup(arn);
    return {
      arn,
      region: r.name,
      trafficDial: r.dial,
      endpoints: [{ id: `alb-${r.name}`, health: this.entryHealthy(r) ? "HEALTHY" : "UNHEALTHY" }],
      healthCheck: { intervalSeconds: 10, thresholdCount: 3 },
    };
  }

  async setTrafficDial(current: EndpointGroupView, percent: number): Promise<void> {
    this.tick("setTrafficDial", `${current.arn} ${percent}%`);
    this.byEndpointGroup(current.arn).dial = percent;
  }

  async latestMetric(q: MetricQuery): Promise<number | undefined> {
    this.tick("latestMetric", `${q.region} ${q.namespace}/${q.metricName}`);
    switch (q.metricName) {
      case "AuroraGlobalDBRPOLag":
      case "AuroraGlobalDBReplicationLag":
        return TIMINGS.auroraReplicationLagTypical.value * 1000;
      case "GlobalDatastoreReplicationLag":
        return TIMINGS.elasticacheReplicationLagTypical.value;
      case "HealthCheckStatus": {
        const r = [...this.regions.values()].find((x) => x.healthCheckId === q.dimensions.HealthCheckId);
        return r && this.entryHealthy(r) ? 1 : 0;
      }
      case "HealthyHostCount": {
        return this.region(q.region).healthyTargets;
      }
      default:
        return undefined;
    }
  }
}

/** Stack config held in memory: the simulation shows what it would record, and writes nothing. */
export class InMemoryStackConfig implements StackConfigStore {
  readonly writes: Array<{ writerRegion?: string; trafficDials?: Record<string, number> }> = [];
  constructor(
    private state: { writerRegion?: string; trafficDials: Record<string, number> },
    readonly description = "simulated stack config (nothing is written)",
    private readonly previewCounts: Record<string, number> = { same: 1 },
  ) {}
  async read() {
    return { writerRegion: this.state.writerRegion, trafficDials: { ...this.state.trafficDials } };
  }
  async write(change: { writerRegion?: string; trafficDials?: Record<string, number> }) {
    this.writes.push(change);
    this.state = {
      writerRegion: change.writerRegion ?? this.state.writerRegion,
      trafficDials: change.trafficDials ? { ...this.state.trafficDials, ...change.trafficDials } : this.state.trafficDials,
    };
  }
  async preview() {
    return { ...this.previewCounts };
  }
}

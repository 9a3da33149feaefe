import { DRILL_TIMINGS, TIMINGS } from "../analysis/constants";
import type { Clock, DnsRecordView, IngressRuleView } from "./aws";

/**
 * A small model of the AWS resources a drill touches, evolving on a clock by the state transitions
 * AWS documents, not by instant success. `drill --simulate` (simulator.ts) and the SDK-level fake
 * the tests use (test/drills/fakeCloud.ts) both answer from it, so they agree with each other.
 *
 * What it follows (sources in docs/runbooks/README.md, "What the simulator models"):
 * - Global cluster: a switchover or failover shows `FailoverState` `pending` while both clusters
 *   are verified, then `switching-over` or `failing-over` (`IsDataLossAllowed` tells them apart),
 *   then clears with the roles swapped. A switchover whose primary is unreachable does not finish:
 *   it turns `cancelling` and the roles stay. A failover does not need the old primary; the old
 *   primary rejoins as a secondary in `pending-resync` until it is rebuilt.
 * - Global datastore: `FailoverGlobalReplicationGroup` puts the datastore in `modifying`; another
 *   failover meanwhile is refused with InvalidGlobalReplicationGroupState.
 * - Route 53: a change is PENDING, then INSYNC once propagated (GetChange).
 * - A region outage: every regional endpoint of the lost region stops answering (calls end in a
 *   TimeoutError after the request timeout), its entry turns unhealthy after the detection time.
 *   Global control planes (Global Accelerator in us-west-2, Route 53 in us-east-1) keep answering
 *   unless `controlPlaneDown` says otherwise: a regional outage does not always take them along.
 */

export class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface ModelRegionSpec {
  readonly name: string;
  readonly clusterId: string;
  readonly clusterArn: string;
  readonly engineVersion: string;
  readonly azs: readonly string[];
  readonly instanceCount: number;
  readonly rgId: string;
  readonly nodeCount: number;
  readonly primaryEndpoint: string;
  readonly endpointGroupArn?: string;
  readonly healthCheckId?: string;
  readonly dbSgId?: string;
  readonly cacheSgId?: string;
  /** The app tier's security group (the data groups admit it). */
  readonly appSgId: string;
  readonly cidr: string;
  readonly healthyTargets: number;
  readonly dial: number;
  /** AZ of the Aurora writer instance / cache primary node when the model starts (index into azs). */
  readonly writerAzIndex?: number;
}

export interface CloudModelSpec {
  readonly regions: readonly ModelRegionSpec[];
  readonly globalClusterId: string;
  readonly globalEndpoint: string;
  readonly grgId: string;
  readonly writer: string;
  readonly cachePrimary: string;
  readonly databasePort: number;
  readonly sessionsPort: number;
  readonly record?: { readonly hostedZoneId: string; readonly name: string; readonly ttlSeconds: number; readonly value: string };
  /** Seconds from a region's loss until its entry reports unhealthy. */
  readonly detectionSeconds: number;
  /** The SDK request timeout: how long a call to a lost region hangs before its TimeoutError. */
  readonly requestTimeoutMs: number;
  readonly auroraLagMs?: number;
  readonly cacheLagSeconds?: number;
  readonly timings?: Partial<ModelTimings>;
}

export interface ModelTimings {
  readonly switchover: number;
  readonly failover: number;
  readonly verification: number;
  readonly unreachablePrimary: number;
  readonly rebuild: number;
  readonly cachePromote: number;
  readonly dnsPropagation: number;
  readonly dbAzFailover: number;
  readonly cacheAzFailover: number;
}

const DEFAULT_TIMINGS: ModelTimings = {
  switchover: TIMINGS.auroraGlobalSwitchover.value,
  failover: TIMINGS.auroraGlobalFailover.value,
  verification: DRILL_TIMINGS.auroraGlobalVerification.value,
  unreachablePrimary: DRILL_TIMINGS.auroraSwitchoverUnreachablePrimary.value,
  rebuild: DRILL_TIMINGS.auroraOldPrimaryRebuild.value,
  cachePromote: TIMINGS.elasticacheGlobalPromote.value,
  dnsPropagation: DRILL_TIMINGS.route53ChangePropagation.value,
  dbAzFailover: TIMINGS.auroraInRegionFailover.value,
  cacheAzFailover: TIMINGS.elasticacheInRegionFailover.value,
};

interface RegionState {
  readonly spec: ModelRegionSpec;
  dial: number;
  writerIndex: number;
  primaryNodeIndex: number;
  dbAzOp?: { completesAt: number; to: number };
  cacheAzOp?: { completesAt: number; to: number };
  /** Old primary after a failover: pending-resync until this time (Infinity while its region is down). */
  resyncUntil?: number;
}

interface AuroraOp {
  readonly kind: "switchover" | "failover";
  readonly from: string;
  readonly to: string;
  readonly startedAt: number;
  readonly completesAt: number;
  /** A switchover whose primary cannot be reached: cancelling from this time, gone at completesAt. */
  readonly cancelsAt?: number;
}

export class CloudModel {
  readonly timings: ModelTimings;
  private readonly regions = new Map<string, RegionState>();
  private writer: string;
  private cachePrimary: string;
  private auroraOp?: AuroraOp;
  private cacheOp?: { to: string; completesAt: number };
  private readonly down = new Map<string, number>();
  private record?: { value: string; ttl: number };
  private readonly changes = new Map<string, number>();
  private changeSeq = 0;
  private readonly inverted = new Map<string, boolean>();
  private readonly rules = new Map<string, IngressRuleView[]>();
  /** When the last write reached the old writer: after a full database fence, lag drains to 0. */
  private dbFencedAt?: number;
  /** Control planes that do not answer (tests and fault injection only). */
  readonly controlPlaneDown = { globalAccelerator: false, route53: false };
  /** Every mutating call the model accepted, in order: what tests assert on. */
  readonly mutations: string[] = [];

  constructor(readonly spec: CloudModelSpec, private readonly clock: Clock) {
    this.timings = { ...DEFAULT_TIMINGS, ...spec.timings };
    this.writer = spec.writer;
    this.cachePrimary = spec.cachePrimary;
    if (spec.record) this.record = { value: spec.record.value, ttl: spec.record.ttlSeconds };
    for (const r of spec.regions) {
      const index = Math.min(r.writerAzIndex ?? 0, Math.max(0, r.instanceCount - 1));
      this.regions.set(r.name, { spec: r, dial: r.dial, writerIndex: index, primaryNodeIndex: Math.min(r.writerAzIndex ?? 0, Math.max(0, r.nodeCount - 1)) });
      const peers = spec.regions.filter((p) => p.name !== r.name);
      // What the data tier's groups admit: the region's app group, and every peer region's CIDR.
      const ruleSet = (sg: string, port: number, what: string): IngressRuleView[] => [
        { id: `sgr-${sg}-app`, protocol: "tcp", fromPort: port, toPort: port, referencedGroupId: r.appSgId, description: `App-tier workloads to ${what}` },
        ...peers.map((p, i) => ({ id: `sgr-${sg}-peer${i}`, protocol: "tcp", fromPort: port, toPort: port, cidrIpv4: p.cidr, description: `${p.name} workloads to ${what}` })),
      ];
      if (r.dbSgId) this.rules.set(r.dbSgId, ruleSet(r.dbSgId, spec.databasePort, "the Aurora cluster"));
      if (r.cacheSgId) this.rules.set(r.cacheSgId, ruleSet(r.cacheSgId, spec.sessionsPort, "the session store"));
    }
  }

  private seconds(): number {
    return this.clock.now() / 1000;
  }

  private state(name: string): RegionState {
    const r = this.regions.get(name);
    if (!r) throw new AwsError("InvalidParameterValue", `simulated cloud: unknown region ${name}`);
    return r;
  }

  private byArn(arn: string): RegionState | undefined {
    return [...this.regions.values()].find((r) => r.spec.clusterArn === arn);
  }

  // ---- the world --------------------------------------------------------------------------------

  /**
   * A regional outage since `sinceSeconds` (negative: it began before the drill started): the
   * region's endpoints hang, its entry turns unhealthy once the detection time has passed.
   */
  failRegion(region: string, sinceSeconds = this.seconds()): void {
    this.state(region);
    this.down.set(region, sinceSeconds);
  }

  /** Lost at `t` (seconds): an outage scheduled for later has not begun yet. */
  private downAt(region: string, t = this.seconds()): boolean {
    const since = this.down.get(region);
    return since !== undefined && since <= t;
  }

  isDown(region: string): boolean {
    return this.downAt(region);
  }

  /** Calls to a lost region hang until the client's request timeout, then fail as the SDK reports it. */
  async reach(region: string): Promise<void> {
    if (!this.downAt(region)) return;
    await this.clock.sleep(this.spec.requestTimeoutMs);
    throw Object.assign(new AwsError("TimeoutError", `connect to ${region} timed out after ${this.spec.requestTimeoutMs} ms (simulated loss of ${region})`), { code: "ETIMEDOUT" });
  }

  async reachControlPlane(plane: "globalAccelerator" | "route53"): Promise<void> {
    if (!this.controlPlaneDown[plane]) return;
    await this.clock.sleep(this.spec.requestTimeoutMs);
    throw new AwsError("TimeoutError", `the ${plane === "route53" ? "Route 53" : "Global Accelerator"} control plane did not answer within ${this.spec.requestTimeoutMs} ms (simulated)`);
  }

  /** Applies every transition whose time has come. Called before every read and write. */
  private settle(): void {
    const now = this.seconds();
    let op = this.auroraOp;
    // A switchover whose primary is lost before it completes cannot finish: it turns cancelling.
    if (op && op.kind === "switchover" && op.cancelsAt === undefined && this.downAt(op.from, Math.min(now, op.completesAt))) {
      const cancelsAt = Math.max(this.down.get(op.from)!, op.startedAt);
      op = this.auroraOp = { ...op, cancelsAt, completesAt: cancelsAt + this.timings.verification };
    }
    if (op && now >= op.completesAt) {
      this.auroraOp = undefined;
      if (op.cancelsAt === undefined) {
        this.writer = op.to;
        const old = this.state(op.from);
        old.resyncUntil = op.kind === "failover" ? (this.downAt(op.from) ? Number.POSITIVE_INFINITY : now + this.timings.rebuild) : undefined;
      }
    }
    const c = this.cacheOp;
    if (c && now >= c.completesAt) {
      this.cacheOp = undefined;
      this.cachePrimary = c.to;
    }
    for (const r of this.regions.values()) {
      if (r.dbAzOp && now >= r.dbAzOp.completesAt) {
        r.writerIndex = r.dbAzOp.to;
        r.dbAzOp = undefined;
      }
      if (r.cacheAzOp && now >= r.cacheAzOp.completesAt) {
        r.primaryNodeIndex = r.cacheAzOp.to;
        r.cacheAzOp = undefined;
      }
    }
  }

  // ---- Aurora global database --------------------------------------------------------------------

  async describeGlobalCluster(region: string) {
    await this.reach(region);
    this.settle();
    const op = this.auroraOp;
    const now = this.seconds();
    const phase = !op ? undefined : now < op.startedAt + this.timings.verification ? "pending" : op.cancelsAt !== undefined && now >= op.cancelsAt ? "cancelling" : op.kind === "failover" ? "failing-over" : "switching-over";
    return {
      id: this.spec.globalClusterId,
      // GlobalCluster.Status is not enumerated in the API reference; the model mirrors FailoverState.
      status: phase && phase !== "pending" ? phase : "available",
      endpoint: this.spec.globalEndpoint,
      members: [...this.regions.values()].map((r) => ({
        clusterArn: r.spec.clusterArn,
        isWriter: r.spec.name === this.writer,
        synchronization: r.resyncUntil !== undefined && now < r.resyncUntil ? "pending-resync" : "connected",
      })),
      failover: op && phase
        ? { status: phase, fromArn: this.state(op.from).spec.clusterArn, toArn: this.state(op.to).spec.clusterArn, dataLossAllowed: op.kind === "failover" }
        : undefined,
    };
  }

  async startGlobalOperation(region: string, targetArn: string, kind: "switchover" | "failover"): Promise<void> {
    await this.reach(region);
    this.settle();
    const to = this.byArn(targetArn);
    if (!to) throw new AwsError("DBClusterNotFoundFault", `DBCluster ${targetArn} not found.`);
    if (this.auroraOp) throw new AwsError("InvalidGlobalClusterStateFault", `Global cluster ${this.spec.globalClusterId} is not in a valid state: a ${this.auroraOp.kind} is in progress.`);
    if (to.spec.name === this.writer) throw new AwsError("InvalidGlobalClusterStateFault", `${targetArn} is already the primary cluster of ${this.spec.globalClusterId}.`);
    const from = this.writer;
    const now = this.seconds();
    const source = this.state(from);
    if (kind === "switchover" && source.spec.engineVersion !== to.spec.engineVersion) {
      throw new AwsError("InvalidGlobalClusterStateFault", `switchover needs the same engine version (${source.spec.engineVersion} vs ${to.spec.engineVersion}).`);
    }
    this.mutations.push(`${kind === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster"}@${region}`);
    if (kind === "switchover" && this.downAt(from)) {
      // The primary cannot be demoted or synchronized: the switchover turns cancelling, roles stay.
      const cancelsAt = now + this.timings.unreachablePrimary;
      this.auroraOp = { kind, from, to: to.spec.name, startedAt: now, cancelsAt, completesAt: cancelsAt + this.timings.verification };
      return;
    }
    const duration = kind === "switchover" ? this.timings.switchover : this.timings.failover;
    this.auroraOp = { kind, from, to: to.spec.name, startedAt: now, completesAt: now + duration };
  }

  async describeDbCluster(region: string) {
    await this.reach(region);
    this.settle();
    const r = this.state(region);
    return {
      id: r.spec.clusterId,
      arn: r.spec.clusterArn,
      status: r.dbAzOp ? "failing-over" : "available",
      engineVersion: r.spec.engineVersion,
      instances: Array.from({ length: r.spec.instanceCount }, (_, i) => ({
        id: `${r.spec.clusterId}-${i + 1}`,
        isWriter: region === this.writer && i === r.writerIndex,
        availabilityZone: r.spec.azs[i % r.spec.azs.length],
        status: "available",
        promotionTier: i === 0 ? 0 : i === r.spec.instanceCount - 1 ? 1 : 2,
      })),
    };
  }

  async failoverDbCluster(region: string, instanceId: string): Promise<void> {
    await this.reach(region);
    this.settle();
    const r = this.state(region);
    const to = Number(instanceId.slice(instanceId.lastIndexOf("-") + 1)) - 1;
    if (!(to >= 0 && to < r.spec.instanceCount)) throw new AwsError("DBInstanceNotFoundFault", `DBInstance ${instanceId} not found.`);
    if (r.dbAzOp) throw new AwsError("InvalidDBClusterStateFault", `DBCluster ${r.spec.clusterId} is failing over.`);
    this.mutations.push(`FailoverDBCluster@${region}`);
    r.dbAzOp = { to, completesAt: this.seconds() + this.timings.dbAzFailover };
  }

  // ---- ElastiCache global datastore ----------------------------------------------------------------

  async describeGlobalReplicationGroup(region: string) {
    await this.reach(region);
    this.settle();
    return {
      id: this.spec.grgId,
      status: this.cacheOp ? "modifying" : "available",
      members: [...this.regions.values()].map((r) => ({
        replicationGroupId: r.spec.rgId,
        region: r.spec.name,
        role: r.spec.name === this.cachePrimary ? "PRIMARY" : "SECONDARY",
        status: "associated",
      })),
    };
  }

  async failoverGlobalReplicationGroup(region: string, primaryRegion: string, rgId: string): Promise<void> {
    await this.reach(region);
    this.settle();
    const to = this.state(primaryRegion);
    if (to.spec.rgId !== rgId) throw new AwsError("ReplicationGroupNotFoundFault", `Replication group ${rgId} not found in ${primaryRegion}.`);
    if (this.cacheOp) throw new AwsError("InvalidGlobalReplicationGroupStateFault", "The Global datastore is not available or in primary-only state.");
    if (primaryRegion === this.cachePrimary) throw new AwsError("InvalidParameterValueException", `${rgId} is already the primary of ${this.spec.grgId}.`);
    this.mutations.push(`FailoverGlobalReplicationGroup@${region}`);
    this.cacheOp = { to: primaryRegion, completesAt: this.seconds() + this.timings.cachePromote };
  }

  async describeReplicationGroup(region: string) {
    await this.reach(region);
    this.settle();
    const r = this.state(region);
    const members = Array.from({ length: r.spec.nodeCount }, (_, i) => ({
      cacheClusterId: `${r.spec.rgId}-00${i + 1}`,
      role: i === r.primaryNodeIndex ? "primary" : "replica",
      availabilityZone: r.spec.azs[i % r.spec.azs.length],
    }));
    return { id: r.spec.rgId, status: r.cacheAzOp ? "modifying" : "available", memberClusters: members.map((m) => m.cacheClusterId), nodeGroups: [{ id: "0001", members }] };
  }

  async testFailover(region: string): Promise<void> {
    await this.reach(region);
    this.settle();
    const r = this.state(region);
    if (r.cacheAzOp) throw new AwsError("InvalidReplicationGroupStateFault", `Replication group ${r.spec.rgId} is modifying.`);
    const az = (i: number) => r.spec.azs[i % r.spec.azs.length];
    const next = Array.from({ length: r.spec.nodeCount }, (_, i) => i).find((i) => i !== r.primaryNodeIndex && az(i) !== az(r.primaryNodeIndex));
    if (next === undefined) throw new AwsError("InvalidParameterValueException", `no replica of ${r.spec.rgId} outside ${az(r.primaryNodeIndex)}.`);
    this.mutations.push(`TestFailover@${region}`);
    r.cacheAzOp = { to: next, completesAt: this.seconds() + this.timings.cacheAzFailover };
  }

  // ---- Global Accelerator --------------------------------------------------------------------------

  private regionOfEndpointGroup(arn: string): RegionState {
    const r = [...this.regions.values()].find((x) => x.spec.endpointGroupArn === arn);
    if (!r) throw new AwsError("EndpointGroupNotFoundException", `Endpoint group ${arn} not found.`);
    return r;
  }

  /** The region's entry as health checks see it: unhealthy once its loss has been detected. */
  entryHealthy(region: string): boolean {
    const since = this.down.get(region);
    return since === undefined || this.seconds() < since + this.spec.detectionSeconds;
  }

  async describeEndpointGroup(arn: string) {
    await this.reachControlPlane("globalAccelerator");
    const r = this.regionOfEndpointGroup(arn);
    return {
      arn,
      region: r.spec.name,
      trafficDial: r.dial,
      endpoints: [{ id: `alb-${r.spec.name}`, health: this.entryHealthy(r.spec.name) ? "HEALTHY" : "UNHEALTHY" }],
      healthCheck: { port: 443, protocol: "TCP", intervalSeconds: 10, thresholdCount: 3 },
    };
  }

  async setTrafficDial(arn: string, percent: number): Promise<void> {
    await this.reachControlPlane("globalAccelerator");
    const r = this.regionOfEndpointGroup(arn);
    this.mutations.push(`UpdateEndpointGroup(${r.spec.name}=${percent})`);
    r.dial = percent;
  }

  dials(): Record<string, number> {
    return Object.fromEntries([...this.regions.values()].map((r) => [r.spec.name, r.dial]));
  }

  // ---- CloudWatch ----------------------------------------------------------------------------------

  async metric(region: string, name: string, dimensions: Readonly<Record<string, string>>): Promise<number | undefined> {
    await this.reach(region);
    this.settle();
    switch (name) {
      case "AuroraGlobalDBRPOLag":
      case "AuroraGlobalDBReplicationLag":
        // Once no write reaches the old writer, the secondary catches up within the lag itself.
        if (this.dbFencedAt !== undefined && this.seconds() >= this.dbFencedAt + (this.spec.auroraLagMs ?? 1000) / 1000) return 0;
        return this.spec.auroraLagMs ?? TIMINGS.auroraReplicationLagTypical.value * 1000;
      case "GlobalDatastoreReplicationLag":
        return this.spec.cacheLagSeconds ?? TIMINGS.elasticacheReplicationLagTypical.value;
      case "HealthCheckStatus": {
        const r = [...this.regions.values()].find((x) => x.spec.healthCheckId === dimensions.HealthCheckId);
        if (!r) return undefined;
        const healthy = this.entryHealthy(r.spec.name);
        return (this.inverted.get(r.spec.healthCheckId!) ? !healthy : healthy) ? 1 : 0;
      }
      case "HealthyHostCount":
        return this.state(region).spec.healthyTargets;
      default:
        return undefined;
    }
  }

  // ---- Route 53 ------------------------------------------------------------------------------------

  async getRecord(zoneId: string, name: string): Promise<DnsRecordView | undefined> {
    await this.reachControlPlane("route53");
    const rec = this.spec.record;
    if (!rec || !this.record || rec.hostedZoneId !== zoneId || rec.name !== name) return undefined;
    return { name: rec.name, type: "CNAME", ttl: this.record.ttl, values: [this.record.value] };
  }

  async upsertRecord(zoneId: string, name: string, value: string, ttl: number): Promise<string> {
    await this.reachControlPlane("route53");
    const rec = this.spec.record;
    if (!rec || rec.hostedZoneId !== zoneId) throw new AwsError("NoSuchHostedZone", `No hosted zone found with ID: ${zoneId}`);
    if (rec.name !== name) throw new AwsError("InvalidChangeBatch", `the model only holds ${rec.name}`);
    this.mutations.push(`ChangeResourceRecordSets(${value})`);
    this.record = { value, ttl };
    const id = `/change/C${String(++this.changeSeq).padStart(6, "0")}SIM`;
    this.changes.set(id, this.seconds() + this.timings.dnsPropagation);
    return id;
  }

  async getChange(id: string): Promise<"PENDING" | "INSYNC"> {
    await this.reachControlPlane("route53");
    const at = this.changes.get(id);
    if (at === undefined) throw new AwsError("NoSuchChange", `A change with the specified change ID does not exist: ${id}`);
    return this.seconds() >= at ? "INSYNC" : "PENDING";
  }

  recordValue(): string | undefined {
    return this.record?.value;
  }

  async healthCheckInverted(id: string): Promise<boolean> {
    await this.reachControlPlane("route53");
    if (![...this.regions.values()].some((r) => r.spec.healthCheckId === id)) throw new AwsError("NoSuchHealthCheck", `No health check exists with the specified ID ${id}.`);
    return this.inverted.get(id) ?? false;
  }

  async setHealthCheckInverted(id: string, inverted: boolean): Promise<void> {
    await this.healthCheckInverted(id);
    this.mutations.push(`UpdateHealthCheck(${id} Inverted=${inverted})`);
    this.inverted.set(id, inverted);
  }

  // ---- EC2 security groups -------------------------------------------------------------------------

  async ingressRules(region: string, groupId: string): Promise<IngressRuleView[]> {
    await this.reach(region);
    const list = this.rules.get(groupId);
    if (!list) throw new AwsError("InvalidGroup.NotFound", `The security group '${groupId}' does not exist`);
    return list.map((r) => ({ ...r }));
  }

  async modifyIngressRules(region: string, groupId: string, updates: readonly IngressRuleView[]): Promise<void> {
    await this.reach(region);
    const list = this.rules.get(groupId);
    if (!list) throw new AwsError("InvalidGroup.NotFound", `The security group '${groupId}' does not exist`);
    for (const u of updates) {
      const i = list.findIndex((r) => r.id === u.id);
      if (i < 0) throw new AwsError("InvalidSecurityGroupRuleId.NotFound", `The security group rule ID '${u.id}' does not exist`);
      list[i] = { ...u };
    }
    this.mutations.push(`ModifySecurityGroupRules(${groupId})`);
    const writer = this.regions.get(this.writer);
    const fenced = (sg?: string) => !!sg && (this.rules.get(sg) ?? []).every((r) => r.fromPort !== this.spec.databasePort && r.fromPort !== this.spec.sessionsPort);
    this.dbFencedAt = fenced(writer?.spec.dbSgId) ? (this.dbFencedAt ?? this.seconds()) : undefined;
  }

  /** Test and report helpers: the state as the roles stand now. */
  snapshot(): { writer: string; cachePrimary: string; auroraOp?: string; cacheOp?: string } {
    this.settle();
    return {
      writer: this.writer,
      cachePrimary: this.cachePrimary,
      ...(this.auroraOp ? { auroraOp: `${this.auroraOp.kind} ${this.auroraOp.from} -> ${this.auroraOp.to}` } : {}),
      ...(this.cacheOp ? { cacheOp: `failover -> ${this.cacheOp.to}` } : {}),
    };
  }
}

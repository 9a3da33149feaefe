import { TIMINGS } from "../analysis/constants";
import type {
  Clock,
  DbClusterView,
  DnsRecordView,
  DrillAws,
  EndpointGroupView,
  GlobalClusterView,
  GlobalReplicationGroupView,
  IngressRuleView,
  MetricQuery,
  PreviewResult,
  RecordedState,
  ReplicationGroupView,
  StackConfigStore,
} from "./aws";
import { MUTATING_CALLS } from "./aws";
import { AwsError, CloudModel, type CloudModelSpec } from "./cloudModel";
import type { Phase } from "./engine";
import { SDK_LIMITS } from "./limits";
import type { DrillPlan } from "./plan";

/**
 * `drill --simulate`: the same DrillAws interface on the cloud model (cloudModel.ts), on a virtual
 * clock, with durations from the budget model's documented timings. An unplanned drill simulates
 * the loss of the source region (unless it is a rehearsal): its APIs hang until the request
 * timeout, its entry is unhealthy. `--inject-fault STEP[:kind]` makes that step's calls fail.
 */

import { FAULT_KINDS, type FaultKind } from "./faultKinds";

export { FAULT_KINDS, type FaultKind };

export interface InjectedFault {
  readonly step: string;
  readonly kind: FaultKind;
}


const REJECTIONS: Partial<Record<keyof DrillAws, [string, string]>> = {
  switchoverGlobalCluster: ["InvalidGlobalClusterStateFault", "The global cluster is not in a valid state for switchover (injected)."],
  failoverGlobalCluster: ["InvalidGlobalClusterStateFault", "The global cluster is not in a valid state for failover (injected)."],
  failoverGlobalReplicationGroup: ["InvalidGlobalReplicationGroupStateFault", "The Global datastore is not available or in primary-only state. (injected)"],
  setTrafficDial: ["AccessDeniedException", "User is not authorized to perform globalaccelerator:UpdateEndpointGroup (injected)."],
  upsertRecord: ["InvalidChangeBatch", "[RRSet with DNS name ... is not permitted in zone ...] (injected)"],
  modifyIngressRules: ["UnauthorizedOperation", "You are not authorized to perform ec2:ModifySecurityGroupRules (injected)."],
};

/** The error a faulted call ends with, shaped like the SDK's (or the Pulumi CLI's). */
function faultError(kind: FaultKind, method: string): Error {
  if (method.startsWith("pulumi ")) {
    if (kind === "timeout") return new Error(`${method} did not answer in time (injected); it may have written`);
    if (kind === "throttle") return new Error(`${method}: 429 Too Many Requests from the backend (injected)`);
    return new Error(`${method}: permission denied on the stack (injected)`);
  }
  if (kind === "timeout") return Object.assign(new AwsError("TimeoutError", `${method}: the request timed out after ${SDK_LIMITS.normal.requestTimeoutMs} ms (injected); AWS may have applied it`), { code: "ETIMEDOUT" });
  if (kind === "throttle") return new AwsError("ThrottlingException", `${method}: Rate exceeded (injected; still throttled after ${SDK_LIMITS.normal.maxAttempts} attempts)`);
  const [name, message] = REJECTIONS[method as keyof DrillAws] ?? ["AccessDeniedException", `User is not authorized to perform ${method} (injected).`];
  return new AwsError(name, message);
}

/** Builds the model of the drill's regions from its plan, in the state the topology describes. */
export function modelSpecFromPlan(plan: DrillPlan): CloudModelSpec {
  const regions = Object.values(plan.targets.regions).map((t, i) => ({
    name: t.region,
    clusterId: t.auroraClusterId,
    clusterArn: t.auroraClusterArn,
    engineVersion: "16.6",
    azs: t.availabilityZones,
    instanceCount: Math.max(1, plan.settings.database.instancesPerRegion.value),
    rgId: t.replicationGroupId,
    nodeCount: Math.max(1, plan.settings.sessions.nodesPerRegion.value),
    primaryEndpoint: plan.targets.writerRecord?.targets[t.region] ?? `master.${t.replicationGroupId}.sim.cache.amazonaws.com`,
    endpointGroupArn: t.endpointGroupArn,
    healthCheckId: t.healthCheckId,
    dbSgId: t.dbSecurityGroupId,
    cacheSgId: t.cacheSecurityGroupId,
    appSgId: `sg-sim-${t.region}-app`,
    cidr: `10.${20 + i}.0.0/16`,
    healthyTargets: t.minHealthyTargets,
    // A failback target was left drained by the earlier drill.
    dial: plan.failback && t.region === plan.target ? 0 : 100,
    // AZ drills start from the interesting state: writer and primary in the AZ being drilled.
    writerAzIndex: plan.az ? Math.max(0, t.availabilityZones.indexOf(plan.az)) : 0,
  }));
  const writer = plan.kind === "az" ? plan.settings.writerRegion : plan.source;
  const rec = plan.targets.writerRecord;
  return {
    regions,
    globalClusterId: plan.targets.globalClusterId,
    globalEndpoint: plan.targets.globalWriterEndpoint ?? `${plan.targets.globalClusterId}.global-sim.global.rds.amazonaws.com`,
    grgId: plan.targets.globalReplicationGroupId,
    // An AZ drill in a secondary region models that region only: the writer is elsewhere.
    writer,
    cachePrimary: writer,
    databasePort: plan.targets.databasePort,
    sessionsPort: plan.targets.sessionsPort,
    ...(rec ? { record: { hostedZoneId: rec.hostedZoneId, name: rec.name, ttlSeconds: rec.ttlSeconds, value: rec.targets[writer] ?? "" } } : {}),
    detectionSeconds: plan.detectionSeconds,
    requestTimeoutMs: SDK_LIMITS.suspect.requestTimeoutMs,
    auroraLagMs: TIMINGS.auroraReplicationLagTypical.value * 1000,
    cacheLagSeconds: TIMINGS.elasticacheReplicationLagTypical.value,
  };
}

/** DrillAws over the cloud model; FaultInjector gives one step's view with a fault in it. */
export class SimulatedAws implements DrillAws {
  readonly calls: string[] = [];

  constructor(readonly model: CloudModel, private readonly clock: Clock) {}

  private log(method: string, detail: string): void {
    this.calls.push(`${this.clock.now() / 1000}s ${method} ${detail}`);
  }

  async describeGlobalCluster(region: string, id: string): Promise<GlobalClusterView> {
    this.log("describeGlobalCluster", `${region} ${id}`);
    return this.model.describeGlobalCluster(region);
  }
  async switchoverGlobalCluster(region: string, id: string, arn: string): Promise<void> {
    this.log("switchoverGlobalCluster", `${region} ${id} -> ${arn}`);
    return this.model.startGlobalOperation(region, arn, "switchover");
  }
  async failoverGlobalCluster(region: string, id: string, arn: string): Promise<void> {
    this.log("failoverGlobalCluster", `${region} ${id} -> ${arn} AllowDataLoss`);
    return this.model.startGlobalOperation(region, arn, "failover");
  }
  async describeDbCluster(region: string, clusterId: string): Promise<DbClusterView> {
    this.log("describeDbCluster", `${region} ${clusterId}`);
    return this.model.describeDbCluster(region);
  }
  async failoverDbCluster(region: string, clusterId: string, instanceId: string): Promise<void> {
    this.log("failoverDbCluster", `${region} ${clusterId} -> ${instanceId}`);
    return this.model.failoverDbCluster(region, instanceId);
  }
  async describeGlobalReplicationGroup(region: string, id: string): Promise<GlobalReplicationGroupView> {
    this.log("describeGlobalReplicationGroup", `${region} ${id}`);
    return this.model.describeGlobalReplicationGroup(region);
  }
  async failoverGlobalReplicationGroup(region: string, id: string, primaryRegion: string, rg: string): Promise<void> {
    this.log("failoverGlobalReplicationGroup", `${region} ${id} -> ${primaryRegion}/${rg}`);
    return this.model.failoverGlobalReplicationGroup(region, primaryRegion, rg);
  }
  async describeReplicationGroup(region: string, rg: string): Promise<ReplicationGroupView> {
    this.log("describeReplicationGroup", `${region} ${rg}`);
    return this.model.describeReplicationGroup(region);
  }
  async testFailover(region: string, rg: string, nodeGroup: string): Promise<void> {
    this.log("testFailover", `${region} ${rg} ${nodeGroup}`);
    return this.model.testFailover(region);
  }
  async describeEndpointGroup(arn: string): Promise<EndpointGroupView> {
    this.log("describeEndpointGroup", arn);
    return this.model.describeEndpointGroup(arn);
  }
  async setTrafficDial(current: EndpointGroupView, percent: number): Promise<void> {
    this.log("setTrafficDial", `${current.arn} ${percent}%`);
    return this.model.setTrafficDial(current.arn, percent);
  }
  async latestMetric(q: MetricQuery): Promise<number | undefined> {
    this.log("latestMetric", `${q.region} ${q.namespace}/${q.metricName}`);
    return this.model.metric(q.region, q.metricName, q.dimensions);
  }
  async getRecord(zone: string, name: string): Promise<DnsRecordView | undefined> {
    this.log("getRecord", `${zone} ${name}`);
    return this.model.getRecord(zone, name);
  }
  async upsertRecord(zone: string, r: { name: string; type: string; ttl: number; value: string }): Promise<string> {
    this.log("upsertRecord", `${zone} ${r.name} -> ${r.value}`);
    return this.model.upsertRecord(zone, r.name, r.value, r.ttl);
  }
  async getChange(id: string): Promise<"PENDING" | "INSYNC"> {
    this.log("getChange", id);
    return this.model.getChange(id);
  }
  async healthCheckInverted(id: string): Promise<boolean> {
    this.log("healthCheckInverted", id);
    return this.model.healthCheckInverted(id);
  }
  async setHealthCheckInverted(id: string, inverted: boolean): Promise<void> {
    this.log("setHealthCheckInverted", `${id} ${inverted}`);
    return this.model.setHealthCheckInverted(id, inverted);
  }
  async ingressRules(region: string, group: string): Promise<IngressRuleView[]> {
    this.log("ingressRules", `${region} ${group}`);
    return this.model.ingressRules(region, group);
  }
  async modifyIngressRules(region: string, group: string, rules: readonly IngressRuleView[]): Promise<void> {
    this.log("modifyIngressRules", `${region} ${group} ${rules.length} rule(s)`);
    return this.model.modifyIngressRules(region, group, rules);
  }
}

/** Stack config held in memory: the simulation shows what it would record, and writes nothing. */
export class InMemoryStackConfig implements StackConfigStore {
  readonly writes: RecordedState[] = [];
  readonly stackFile?: string;
  constructor(
    private state: RecordedState,
    readonly description = "simulated stack config (nothing is written)",
    private readonly previewResult: PreviewResult = { counts: { same: 1 }, diff: [] },
    stackFile?: string,
  ) {
    this.stackFile = stackFile;
  }
  async read(): Promise<RecordedState> {
    return { ...(this.state.currentWriterRegion ? { currentWriterRegion: this.state.currentWriterRegion } : {}), trafficDials: { ...this.state.trafficDials } };
  }
  async write(state: RecordedState): Promise<void> {
    this.writes.push({ ...state, trafficDials: { ...state.trafficDials } });
    this.state = { ...(state.currentWriterRegion ? { currentWriterRegion: state.currentWriterRegion } : {}), trafficDials: { ...this.state.trafficDials, ...state.trafficDials } };
  }
  async preview(): Promise<PreviewResult> {
    return { counts: { ...this.previewResult.counts }, diff: [...this.previewResult.diff] };
  }
}

/** Steps that only read: a fault makes their first call fail. */
const READ_ONLY_STEPS = new Set(["preflight", "verify", "reconcile"]);

const CONFIG_WRITES = new Set(["write"]);

/**
 * `--inject-fault STEP:KIND`. The fault fires at the step's first change (its first mutating AWS
 * call or stack-config write; a read-only step's first call), and from then on every call of that
 * step fails the same way, so the step cannot finish. `timeout` lets the failing change reach AWS
 * (only the answer is lost: the hardest case, where the caller cannot know whether it happened);
 * `throttle` and `reject` change nothing. Compensation and the final read are never faulted.
 */
export class FaultInjector {
  private armed = false;
  private firedAt?: string;

  constructor(readonly fault: InjectedFault, private readonly clock: Clock) {
    this.armed = READ_ONLY_STEPS.has(fault.step);
  }

  /** Where the fault fired, or undefined when the step made no change to fail (it was already done). */
  get fired(): string | undefined {
    return this.firedAt;
  }

  private async intercept<T>(method: string, mutating: boolean, call: () => Promise<T>): Promise<T> {
    if (!this.armed && !mutating) return call();
    this.armed = true;
    this.firedAt ??= method;
    if (this.fault.kind === "timeout") {
      if (mutating) await call().catch(() => undefined);
      await this.clock.sleep(SDK_LIMITS.normal.requestTimeoutMs);
    } else if (this.fault.kind === "throttle") {
      await this.clock.sleep(1000);
    }
    throw faultError(this.fault.kind, method);
  }

  aws(base: SimulatedAws, stepId: string, phase: Phase): DrillAws {
    if (stepId !== this.fault.step || phase !== "run") return base;
    return new Proxy(base, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        // A call that changes something still reaches AWS under a `timeout` fault; its answer is lost.
        return (...args: unknown[]) => this.intercept(String(prop), MUTATING_CALLS.has(prop as keyof DrillAws), () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
  }

  config(base: StackConfigStore, stepId: string, phase: Phase): StackConfigStore {
    if (stepId !== this.fault.step || phase !== "run") return base;
    const wrap = <K extends "read" | "write" | "preview">(k: K) =>
      ((...args: unknown[]) => this.intercept(`pulumi ${k === "write" ? "config set" : k === "read" ? "config" : "preview"}`, CONFIG_WRITES.has(k), () => (base[k] as (...a: unknown[]) => Promise<unknown>).apply(base, args))) as StackConfigStore[K];
    return { description: base.description, stackFile: base.stackFile, read: wrap("read"), write: wrap("write"), preview: wrap("preview") };
  }
}

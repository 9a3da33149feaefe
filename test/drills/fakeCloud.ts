import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeGlobalReplicationGroupsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  TestFailoverCommand,
} from "@aws-sdk/client-elasticache";
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from "@aws-sdk/client-global-accelerator";
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverDBClusterCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { EAST, ids, WEST } from "./fixtures";

/**
 * A small stateful AWS behind aws-sdk-client-mock: the real SdkDrillAws sends real SDK commands,
 * the stubs answer from this state and log every call with the client's region, so tests can
 * assert commands, regions, inputs and order. Promotions finish after a few describe polls.
 */

export interface LoggedCall {
  readonly command: string;
  readonly region: string;
  readonly input: Record<string, unknown>;
}

const MUTATING = new Set([
  "SwitchoverGlobalClusterCommand",
  "FailoverGlobalClusterCommand",
  "FailoverGlobalReplicationGroupCommand",
  "UpdateEndpointGroupCommand",
  "FailoverDBClusterCommand",
  "TestFailoverCommand",
]);

/** The slice of an aws-sdk-client-mock stub the fake uses. */
interface Stub {
  on(command: unknown): { callsFake(fn: (input: Record<string, unknown>, getClient: () => { config: { region: () => Promise<string> } }) => unknown): unknown };
}

export class FakeCloud {
  readonly log: LoggedCall[] = [];
  writer = EAST;
  cachePrimary = EAST;
  dials: Record<string, number> = { [EAST]: 100, [WEST]: 100 };
  health: Record<string, "HEALTHY" | "UNHEALTHY"> = { [EAST]: "HEALTHY", [WEST]: "HEALTHY" };
  auroraLagMs: number | undefined = 800;
  redisLagSeconds: number | undefined = 0.4;
  healthyHosts = 6;
  engineVersions: Record<string, string> = { [EAST]: "16.6", [WEST]: "16.6" };
  /** AZ of each region's Aurora writer instance (instance 1 in a, 2 in b, 3 in c). */
  dbWriterIndex: Record<string, number> = { [EAST]: 0, [WEST]: 0 };
  cachePrimaryIndex: Record<string, number> = { [EAST]: 0, [WEST]: 0 };
  /** Describe polls a promotion takes; Infinity = stuck. */
  promotionPolls = 2;
  auroraPending?: { to: string; polls: number; dataLoss: boolean };
  redisPending?: { to: string; polls: number };
  failRedisPromotion?: Error;
  /** The Global Accelerator control plane (us-west-2) does not answer. */
  gaDown = false;

  readonly rds = mockClient(RDSClient);
  readonly cache = mockClient(ElastiCacheClient);
  readonly ga = mockClient(GlobalAcceleratorClient);
  readonly cw = mockClient(CloudWatchClient);

  constructor() {
    const on = (stub: unknown, cmd: unknown, name: string, answer: (input: Record<string, unknown>, region: string) => unknown) => {
      (stub as Stub).on(cmd).callsFake(async (input, getClient) => {
        const region = await getClient().config.region();
        this.log.push({ command: name, region, input });
        return answer(input, region);
      });
    };
    on(this.rds, DescribeGlobalClustersCommand, "DescribeGlobalClustersCommand", () => this.globalClusters());
    on(this.rds, SwitchoverGlobalClusterCommand, "SwitchoverGlobalClusterCommand", (i) => this.startAurora(String(i.TargetDbClusterIdentifier), false));
    on(this.rds, FailoverGlobalClusterCommand, "FailoverGlobalClusterCommand", (i) => this.startAurora(String(i.TargetDbClusterIdentifier), true));
    on(this.rds, DescribeDBClustersCommand, "DescribeDBClustersCommand", (i) => this.dbClusters(String(i.DBClusterIdentifier)));
    on(this.rds, DescribeDBInstancesCommand, "DescribeDBInstancesCommand", (i) => this.dbInstances((i.Filters as Array<{ Values: string[] }>)[0].Values[0]));
    on(this.rds, FailoverDBClusterCommand, "FailoverDBClusterCommand", (i, region) => {
      this.dbWriterIndex[region] = Number(String(i.TargetDBInstanceIdentifier).slice(-1)) - 1;
      return {};
    });
    on(this.cache, DescribeGlobalReplicationGroupsCommand, "DescribeGlobalReplicationGroupsCommand", () => this.grg());
    on(this.cache, FailoverGlobalReplicationGroupCommand, "FailoverGlobalReplicationGroupCommand", (i) => {
      if (this.failRedisPromotion) throw this.failRedisPromotion;
      this.redisPending = { to: String(i.PrimaryRegion), polls: this.promotionPolls };
      return {};
    });
    on(this.cache, DescribeReplicationGroupsCommand, "DescribeReplicationGroupsCommand", (_i, region) => this.replicationGroup(region));
    on(this.cache, TestFailoverCommand, "TestFailoverCommand", (_i, region) => {
      this.cachePrimaryIndex[region] = (this.cachePrimaryIndex[region] + 1) % 3;
      return {};
    });
    on(this.ga, DescribeEndpointGroupCommand, "DescribeEndpointGroupCommand", (i) => {
      if (this.gaDown) throw Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailableException" });
      return this.endpointGroup(String(i.EndpointGroupArn));
    });
    on(this.ga, UpdateEndpointGroupCommand, "UpdateEndpointGroupCommand", (i) => {
      this.dials[this.regionOfEg(String(i.EndpointGroupArn))] = Number(i.TrafficDialPercentage);
      return {};
    });
    on(this.cw, GetMetricDataCommand, "GetMetricDataCommand", (i) => this.metric(i));
  }

  restore(): void {
    for (const m of [this.rds, this.cache, this.ga, this.cw]) m.restore();
  }

  mutations(): string[] {
    return this.log.filter((c) => MUTATING.has(c.command)).map((c) => `${c.command}@${c.region}`);
  }

  private regionOfArn(arn: string): string {
    return arn.split(":")[3];
  }

  private regionOfEg(arn: string): string {
    return arn === ids.eg(EAST) ? EAST : WEST;
  }

  private startAurora(targetArn: string, dataLoss: boolean) {
    this.auroraPending = { to: this.regionOfArn(targetArn), polls: this.promotionPolls, dataLoss };
    return {};
  }

  private globalClusters() {
    const p = this.auroraPending;
    if (p && --p.polls <= 0) {
      this.writer = p.to;
      this.auroraPending = undefined;
    }
    const busy = this.auroraPending;
    return {
      GlobalClusters: [
        {
          GlobalClusterIdentifier: ids.global,
          Status: busy ? "failing-over" : "available",
          Endpoint: "prod-global.global-abc.global.rds.amazonaws.com",
          GlobalClusterMembers: [EAST, WEST].map((r) => ({ DBClusterArn: ids.clusterArn(r), IsWriter: r === this.writer, SynchronizationStatus: "connected" })),
          FailoverState: busy
            ? { Status: "failing-over", FromDbClusterArn: ids.clusterArn(this.writer), ToDbClusterArn: ids.clusterArn(busy.to), IsDataLossAllowed: busy.dataLoss }
            : {},
        },
      ],
    };
  }

  private dbClusters(id: string) {
    const region = id.includes(EAST) ? EAST : WEST;
    return {
      DBClusters: [
        {
          DBClusterIdentifier: id,
          DBClusterArn: ids.clusterArn(region),
          Status: "available",
          EngineVersion: this.engineVersions[region],
          DBClusterMembers: [0, 1, 2].map((i) => ({
            DBInstanceIdentifier: `${id}-${i + 1}`,
            IsClusterWriter: region === this.writer && i === this.dbWriterIndex[region],
            PromotionTier: i === 2 ? 1 : 2,
          })),
        },
      ],
    };
  }

  private dbInstances(clusterId: string) {
    const region = clusterId.includes(EAST) ? EAST : WEST;
    return { DBInstances: [0, 1, 2].map((i) => ({ DBInstanceIdentifier: `${clusterId}-${i + 1}`, AvailabilityZone: `${region}${"abc"[i]}`, DBInstanceStatus: "available" })) };
  }

  private grg() {
    const p = this.redisPending;
    if (p && --p.polls <= 0) {
      this.cachePrimary = p.to;
      this.redisPending = undefined;
    }
    return {
      GlobalReplicationGroups: [
        {
          GlobalReplicationGroupId: ids.grg,
          Status: this.redisPending ? "modifying" : "available",
          Members: [EAST, WEST].map((r) => ({ ReplicationGroupId: ids.rg(r), ReplicationGroupRegion: r, Role: r === this.cachePrimary ? "PRIMARY" : "SECONDARY", Status: "associated" })),
        },
      ],
    };
  }

  private replicationGroup(region: string) {
    const members = [0, 1, 2].map((i) => ({ CacheClusterId: `${ids.rg(region)}-00${i + 1}`, CurrentRole: i === this.cachePrimaryIndex[region] ? "primary" : "replica", PreferredAvailabilityZone: `${region}${"abc"[i]}` }));
    return {
      ReplicationGroups: [{ ReplicationGroupId: ids.rg(region), Status: "available", MemberClusters: members.map((m) => m.CacheClusterId), NodeGroups: [{ NodeGroupId: "0001", NodeGroupMembers: members }] }],
    };
  }

  private endpointGroup(arn: string) {
    const region = this.regionOfEg(arn);
    return {
      EndpointGroup: {
        EndpointGroupArn: arn,
        EndpointGroupRegion: region,
        TrafficDialPercentage: this.dials[region],
        HealthCheckPort: 443,
        HealthCheckProtocol: "TCP",
        HealthCheckIntervalSeconds: 10,
        ThresholdCount: 3,
        EndpointDescriptions: [{ EndpointId: ids.alb(region), HealthState: this.health[region] }],
      },
    };
  }

  private metric(input: Record<string, unknown>) {
    const q = (input.MetricDataQueries as Array<{ MetricStat: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: string }> } } }>)[0];
    const name = q.MetricStat.Metric.MetricName;
    const dim = q.MetricStat.Metric.Dimensions[0]?.Value;
    const value =
      name === "AuroraGlobalDBRPOLag"
        ? this.auroraLagMs
        : name === "GlobalDatastoreReplicationLag"
          ? this.redisLagSeconds
          : name === "HealthyHostCount"
            ? this.healthyHosts
            : name === "HealthCheckStatus"
              ? this.health[dim === ids.hc(EAST) ? EAST : WEST] === "HEALTHY" ? 1 : 0
              : undefined;
    return { MetricDataResults: [{ Id: "m", Values: value === undefined ? [] : [value], Timestamps: value === undefined ? [] : [new Date()] }] };
  }
}

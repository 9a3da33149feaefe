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
import { CONTROL_PLANES } from "../analysis/constants";
import type {
  DbClusterView,
  DrillAws,
  EndpointGroupView,
  GlobalClusterView,
  GlobalReplicationGroupView,
  MetricQuery,
  ReplicationGroupView,
} from "./aws";

/**
 * DrillAws over AWS SDK v3: one client per service and region, created on first use with the
 * default credential chain. Regional APIs are called in the region passed in (the TARGET region
 * for promotions, so they work while the old primary is down); Global Accelerator is called in
 * us-west-2, its only control-plane region.
 */
export class SdkDrillAws implements DrillAws {
  private readonly rdsClients = new Map<string, RDSClient>();
  private readonly cacheClients = new Map<string, ElastiCacheClient>();
  private readonly cwClients = new Map<string, CloudWatchClient>();
  private gaClient?: GlobalAcceleratorClient;

  constructor(private readonly options: { maxAttempts?: number } = {}) {}

  private rds(region: string): RDSClient {
    return cached(this.rdsClients, region, () => new RDSClient({ region, maxAttempts: this.options.maxAttempts ?? 3 }));
  }
  private cache(region: string): ElastiCacheClient {
    return cached(this.cacheClients, region, () => new ElastiCacheClient({ region, maxAttempts: this.options.maxAttempts ?? 3 }));
  }
  private cw(region: string): CloudWatchClient {
    return cached(this.cwClients, region, () => new CloudWatchClient({ region, maxAttempts: this.options.maxAttempts ?? 3 }));
  }
  private ga(): GlobalAcceleratorClient {
    this.gaClient ??= new GlobalAcceleratorClient({ region: CONTROL_PLANES.globalAccelerator.region, maxAttempts: this.options.maxAttempts ?? 3 });
    return this.gaClient;
  }

  async describeGlobalCluster(region: string, globalClusterId: string): Promise<GlobalClusterView> {
    const out = await this.rds(region).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId }));
    const g = out.GlobalClusters?.[0];
    if (!g) throw new Error(`DescribeGlobalClusters in ${region} returned no global cluster ${globalClusterId}`);
    const fs = g.FailoverState;
    return {
      id: g.GlobalClusterIdentifier ?? globalClusterId,
      status: g.Status ?? "unknown",
      endpoint: g.Endpoint,
      members: (g.GlobalClusterMembers ?? []).map((m) => ({
        clusterArn: m.DBClusterArn ?? "",
        isWriter: m.IsWriter === true,
        synchronization: m.SynchronizationStatus,
      })),
      // An empty FailoverState object means nothing is pending.
      failover: fs?.Status ? { status: fs.Status, fromArn: fs.FromDbClusterArn, toArn: fs.ToDbClusterArn, dataLossAllowed: fs.IsDataLossAllowed } : undefined,
    };
  }

  async switchoverGlobalCluster(region: string, globalClusterId: string, targetClusterArn: string): Promise<void> {
    await this.rds(region).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: globalClusterId, TargetDbClusterIdentifier: targetClusterArn }));
  }

  async failoverGlobalCluster(region: string, globalClusterId: string, targetClusterArn: string): Promise<void> {
    // AllowDataLoss makes it a failover; without it the API performs a switchover.
    await this.rds(region).send(
      new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: globalClusterId, TargetDbClusterIdentifier: targetClusterArn, AllowDataLoss: true }),
    );
  }

  async describeDbCluster(region: string, clusterId: string): Promise<DbClusterView> {
    const client = this.rds(region);
    const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
    const c = out.DBClusters?.[0];
    if (!c) throw new Error(`DescribeDBClusters in ${region} returned no cluster ${clusterId}`);
    const inst = await client.send(new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [clusterId] }] }));
    const byId = new Map((inst.DBInstances ?? []).map((i) => [i.DBInstanceIdentifier, i]));
    return {
      id: c.DBClusterIdentifier ?? clusterId,
      arn: c.DBClusterArn,
      status: c.Status ?? "unknown",
      engineVersion: c.EngineVersion,
      instances: (c.DBClusterMembers ?? []).map((m) => ({
        id: m.DBInstanceIdentifier ?? "",
        isWriter: m.IsClusterWriter === true,
        promotionTier: m.PromotionTier,
        availabilityZone: byId.get(m.DBInstanceIdentifier)?.AvailabilityZone,
        status: byId.get(m.DBInstanceIdentifier)?.DBInstanceStatus,
      })),
    };
  }

  async failoverDbCluster(region: string, clusterId: string, targetInstanceId: string): Promise<void> {
    await this.rds(region).send(new FailoverDBClusterCommand({ DBClusterIdentifier: clusterId, TargetDBInstanceIdentifier: targetInstanceId }));
  }

  async describeGlobalReplicationGroup(region: string, id: string): Promise<GlobalReplicationGroupView> {
    const out = await this.cache(region).send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: id, ShowMemberInfo: true }));
    const g = out.GlobalReplicationGroups?.[0];
    if (!g) throw new Error(`DescribeGlobalReplicationGroups in ${region} returned no global datastore ${id}`);
    return {
      id: g.GlobalReplicationGroupId ?? id,
      status: g.Status ?? "unknown",
      members: (g.Members ?? []).map((m) => ({
        replicationGroupId: m.ReplicationGroupId ?? "",
        region: m.ReplicationGroupRegion ?? "",
        role: m.Role ?? "",
        status: m.Status,
      })),
    };
  }

  async failoverGlobalReplicationGroup(region: string, id: string, primaryRegion: string, primaryReplicationGroupId: string): Promise<void> {
    await this.cache(region).send(
      new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: id, PrimaryRegion: primaryRegion, PrimaryReplicationGroupId: primaryReplicationGroupId }),
    );
  }

  async describeReplicationGroup(region: string, replicationGroupId: string): Promise<ReplicationGroupView> {
    const out = await this.cache(region).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }));
    const g = out.ReplicationGroups?.[0];
    if (!g) throw new Error(`DescribeReplicationGroups in ${region} returned no replication group ${replicationGroupId}`);
    return {
      id: g.ReplicationGroupId ?? replicationGroupId,
      status: g.Status ?? "unknown",
      memberClusters: g.MemberClusters ?? [],
      nodeGroups: (g.NodeGroups ?? []).map((n) => ({
        id: n.NodeGroupId ?? "",
        members: (n.NodeGroupMembers ?? []).map((m) => ({ cacheClusterId: m.CacheClusterId, role: m.CurrentRole, availabilityZone: m.PreferredAvailabilityZone })),
      })),
    };
  }

  async testFailover(region: string, replicationGroupId: string, nodeGroupId: string): Promise<void> {
    await this.cache(region).send(new TestFailoverCommand({ ReplicationGroupId: replicationGroupId, NodeGroupId: nodeGroupId }));
  }

  async describeEndpointGroup(arn: string): Promise<EndpointGroupView> {
    const out = await this.ga().send(new DescribeEndpointGroupCommand({ EndpointGroupArn: arn }));
    const g = out.EndpointGroup;
    if (!g) throw new Error(`DescribeEndpointGroup returned nothing for ${arn}`);
    return {
      arn: g.EndpointGroupArn ?? arn,
      region: g.EndpointGroupRegion,
      trafficDial: g.TrafficDialPercentage ?? 100,
      endpoints: (g.EndpointDescriptions ?? []).map((e) => ({ id: e.EndpointId ?? "", health: e.HealthState ?? "UNKNOWN" })),
      healthCheck: {
        port: g.HealthCheckPort,
        protocol: g.HealthCheckProtocol,
        path: g.HealthCheckPath,
        intervalSeconds: g.HealthCheckIntervalSeconds,
        thresholdCount: g.ThresholdCount,
      },
    };
  }

  async setTrafficDial(current: EndpointGroupView, percent: number): Promise<void> {
    const hc = current.healthCheck;
    await this.ga().send(
      new UpdateEndpointGroupCommand({
        EndpointGroupArn: current.arn,
        TrafficDialPercentage: percent,
        // Re-send what Describe returned (defensive: unverified whether omitted fields reset).
        ...(hc.port !== undefined ? { HealthCheckPort: hc.port } : {}),
        ...(hc.protocol !== undefined ? { HealthCheckProtocol: hc.protocol as "TCP" | "HTTP" | "HTTPS" } : {}),
        ...(hc.path !== undefined ? { HealthCheckPath: hc.path } : {}),
        ...(hc.intervalSeconds !== undefined ? { HealthCheckIntervalSeconds: hc.intervalSeconds } : {}),
        ...(hc.thresholdCount !== undefined ? { ThresholdCount: hc.thresholdCount } : {}),
      }),
    );
  }

  async latestMetric(q: MetricQuery): Promise<number | undefined> {
    const end = new Date();
    const start = new Date(end.getTime() - (q.windowSeconds ?? 300) * 1000);
    const out = await this.cw(q.region).send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: "m",
            MetricStat: {
              Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
              Period: 60,
              Stat: q.stat,
            },
            ReturnData: true,
          },
        ],
        StartTime: start,
        EndTime: end,
        ScanBy: "TimestampDescending",
      }),
    );
    return out.MetricDataResults?.[0]?.Values?.[0];
  }
}

function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) {
    v = make();
    map.set(key, v);
  }
  return v;
}

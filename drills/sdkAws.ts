import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeSecurityGroupRulesCommand, EC2Client, ModifySecurityGroupRulesCommand, type SecurityGroupRule } from "@aws-sdk/client-ec2";
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
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  UpdateHealthCheckCommand,
} from "@aws-sdk/client-route-53";
import { CONTROL_PLANES } from "../analysis/constants";
import { SDK_LIMITS } from "./limits";
import type {
  DbClusterView,
  DnsRecordView,
  DrillAws,
  EndpointGroupView,
  GlobalClusterView,
  GlobalReplicationGroupView,
  IngressRuleView,
  MetricQuery,
  ReplicationGroupView,
} from "./aws";
import { securityGroupRuleUpdate } from "./aws";

type Profile = keyof typeof SDK_LIMITS;

function clientConfig(region: string, profile: Profile, maxAttempts?: number) {
  const l = SDK_LIMITS[profile];
  return {
    region,
    maxAttempts: maxAttempts ?? l.maxAttempts,
    requestHandler: { requestTimeout: l.requestTimeoutMs, connectionTimeout: l.connectionTimeoutMs, throwOnRequestTimeout: true },
  };
}

/**
 * DrillAws over AWS SDK v3: one client per service, region and profile, created on first use with
 * the default credential chain. Regional APIs are called in the region passed in (the TARGET region
 * for promotions, so they work while the old primary is down); Global Accelerator is called in
 * us-west-2 and Route 53 in us-east-1, their control-plane regions.
 */
export class SdkDrillAws implements DrillAws {
  private readonly clients = new Map<string, unknown>();
  private readonly suspects = new Set<string>();

  constructor(private readonly options: { maxAttempts?: number } = {}) {}

  /** Calls to this region get the short `suspect` limits (an unplanned failover's source). */
  suspect(region: string): void {
    this.suspects.add(region);
  }

  private client<T>(kind: string, region: string, make: (config: ReturnType<typeof clientConfig>) => T, mutating = false): T {
    // A mutating call gets one attempt (no SDK re-send of a promotion); reads keep retrying.
    const profile: Profile = mutating ? "mutate" : this.suspects.has(region) ? "suspect" : "normal";
    const key = `${kind}/${region}/${profile}`;
    let c = this.clients.get(key) as T | undefined;
    if (!c) {
      c = make(clientConfig(region, profile, profile === "normal" ? this.options.maxAttempts : undefined));
      this.clients.set(key, c);
    }
    return c;
  }
  private rds = (region: string, mutating = false) => this.client("rds", region, (c) => new RDSClient(c), mutating);
  private cache = (region: string, mutating = false) => this.client("elasticache", region, (c) => new ElastiCacheClient(c), mutating);
  private cw = (region: string) => this.client("cloudwatch", region, (c) => new CloudWatchClient(c));
  private ec2 = (region: string, mutating = false) => this.client("ec2", region, (c) => new EC2Client(c), mutating);
  private ga = (mutating = false) => this.client("ga", CONTROL_PLANES.globalAccelerator.region, (c) => new GlobalAcceleratorClient(c), mutating);
  private r53 = (mutating = false) => this.client("route53", CONTROL_PLANES.route53.region, (c) => new Route53Client(c), mutating);

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
    await this.rds(region, true).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: globalClusterId, TargetDbClusterIdentifier: targetClusterArn }));
  }

  async failoverGlobalCluster(region: string, globalClusterId: string, targetClusterArn: string): Promise<void> {
    // AllowDataLoss makes it a failover; without it the API performs a switchover.
    await this.rds(region, true).send(
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
    await this.rds(region, true).send(new FailoverDBClusterCommand({ DBClusterIdentifier: clusterId, TargetDBInstanceIdentifier: targetInstanceId }));
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
    await this.cache(region, true).send(
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
    await this.cache(region, true).send(new TestFailoverCommand({ ReplicationGroupId: replicationGroupId, NodeGroupId: nodeGroupId }));
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
    await this.ga(true).send(
      new UpdateEndpointGroupCommand({
        EndpointGroupArn: current.arn,
        TrafficDialPercentage: percent,
        // Re-send what Describe returned (defensive: the API reference gives defaults for these
        // fields and does not say whether an update without them resets them).
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

  async getRecord(hostedZoneId: string, name: string, type: string): Promise<DnsRecordView | undefined> {
    const out = await this.r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, StartRecordName: name, StartRecordType: type as "CNAME", MaxItems: 1 }));
    const rs = out.ResourceRecordSets?.[0];
    // The listing starts at the name; it returns the next record when the name does not exist.
    if (!rs || normalizeName(rs.Name) !== normalizeName(name) || rs.Type !== type) return undefined;
    return { name: rs.Name ?? name, type: rs.Type, ttl: rs.TTL, values: (rs.ResourceRecords ?? []).map((r) => r.Value ?? "") };
  }

  async upsertRecord(hostedZoneId: string, record: { name: string; type: string; ttl: number; value: string }): Promise<string> {
    const out = await this.r53(true).send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Comment: "ha-blueprint drill: session writer follows the datastore primary",
          Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: record.name, Type: record.type as "CNAME", TTL: record.ttl, ResourceRecords: [{ Value: record.value }] } }],
        },
      }),
    );
    const id = out.ChangeInfo?.Id;
    if (!id) throw new Error(`ChangeResourceRecordSets returned no change id for ${record.name}`);
    return id;
  }

  async getChange(changeId: string): Promise<"PENDING" | "INSYNC"> {
    const out = await this.r53().send(new GetChangeCommand({ Id: changeId.replace(/^\/change\//, "") }));
    return out.ChangeInfo?.Status === "INSYNC" ? "INSYNC" : "PENDING";
  }

  async healthCheckInverted(healthCheckId: string): Promise<boolean> {
    const out = await this.r53().send(new GetHealthCheckCommand({ HealthCheckId: healthCheckId }));
    return out.HealthCheck?.HealthCheckConfig?.Inverted === true;
  }

  async setHealthCheckInverted(healthCheckId: string, inverted: boolean): Promise<void> {
    await this.r53(true).send(new UpdateHealthCheckCommand({ HealthCheckId: healthCheckId, Inverted: inverted }));
  }

  async ingressRules(region: string, groupId: string): Promise<IngressRuleView[]> {
    const rules: SecurityGroupRule[] = [];
    let token: string | undefined;
    do {
      const out = await this.ec2(region).send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }], NextToken: token }));
      rules.push(...(out.SecurityGroupRules ?? []));
      token = out.NextToken;
    } while (token);
    return rules
      .filter((r) => r.IsEgress !== true)
      .map((r) => ({
        id: r.SecurityGroupRuleId ?? "",
        protocol: r.IpProtocol ?? "tcp",
        fromPort: r.FromPort ?? -1,
        toPort: r.ToPort ?? -1,
        ...(r.CidrIpv4 ? { cidrIpv4: r.CidrIpv4 } : {}),
        ...(r.ReferencedGroupInfo?.GroupId ? { referencedGroupId: r.ReferencedGroupInfo.GroupId } : {}),
        ...(r.PrefixListId ? { prefixListId: r.PrefixListId } : {}),
        ...(r.Description !== undefined ? { description: r.Description } : {}),
      }));
  }

  async modifyIngressRules(region: string, groupId: string, rules: readonly IngressRuleView[]): Promise<void> {
    await this.ec2(region, true).send(
      new ModifySecurityGroupRulesCommand({
        GroupId: groupId,
        SecurityGroupRules: rules.map(securityGroupRuleUpdate),
      }),
    );
  }
}

function normalizeName(name: string | undefined): string {
  return (name ?? "").replace(/\.$/, "").toLowerCase();
}

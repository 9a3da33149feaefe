import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeSecurityGroupRulesCommand, EC2Client, ModifySecurityGroupRulesCommand } from "@aws-sdk/client-ec2";
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
import { mockClient } from "aws-sdk-client-mock";
import { VirtualClock } from "../../drills/aws";
import { CloudModel, type CloudModelSpec } from "../../drills/cloudModel";
import { SDK_LIMITS } from "../../drills/limits";
import { EAST, ids, WEST } from "./fixtures";

/**
 * AWS behind aws-sdk-client-mock, answering from the drill's cloud model (drills/cloudModel.ts),
 * so the fake follows the same documented state transitions as the simulator: FailoverState
 * pending -> switching-over / failing-over, the datastore `modifying`, Route 53 PENDING -> INSYNC,
 * a lost region's endpoints hanging until the request timeout. The real SdkDrillAws sends real SDK
 * commands; every call is logged with the region of the client that sent it, so tests assert
 * commands, regions, inputs and order.
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
  "ChangeResourceRecordSetsCommand",
  "UpdateHealthCheckCommand",
  "ModifySecurityGroupRulesCommand",
]);

/** The fixture's two regions as the model's starting state. */
export function fixtureSpec(overrides: Partial<CloudModelSpec> = {}): CloudModelSpec {
  const region = (name: string, i: number) => ({
    name,
    clusterId: ids.cluster(name),
    clusterArn: ids.clusterArn(name),
    engineVersion: "16.6",
    azs: ["a", "b", "c"].map((z) => `${name}${z}`),
    instanceCount: 3,
    rgId: ids.rg(name),
    nodeCount: 3,
    primaryEndpoint: ids.primary(name),
    endpointGroupArn: ids.eg(name),
    healthCheckId: ids.hc(name),
    dbSgId: ids.dbSg(name),
    cacheSgId: ids.cacheSg(name),
    appSgId: ids.appSg(name),
    cidr: `10.${20 + i}.0.0/16`,
    healthyTargets: 6,
    dial: 100,
  });
  return {
    regions: [region(EAST, 0), region(WEST, 1)],
    globalClusterId: ids.global,
    globalEndpoint: "prod-global.global-abc.global.rds.amazonaws.com",
    grgId: ids.grg,
    writer: EAST,
    cachePrimary: EAST,
    databasePort: 5432,
    sessionsPort: 6379,
    record: { hostedZoneId: ids.zone, name: ids.record, ttlSeconds: 30, value: ids.primary(EAST) },
    detectionSeconds: 60,
    requestTimeoutMs: SDK_LIMITS.suspect.requestTimeoutMs,
    auroraLagMs: 800,
    cacheLagSeconds: 0.4,
    ...overrides,
  };
}

/** The slice of an aws-sdk-client-mock stub the fake uses. */
interface Stub {
  on(command: unknown): { callsFake(fn: (input: Record<string, unknown>, getClient: () => { config: { region: () => Promise<string> } }) => unknown): unknown };
  restore(): void;
}

export class FakeCloud {
  readonly log: LoggedCall[] = [];
  readonly clock = new VirtualClock();
  readonly model: CloudModel;
  /** Metric overrides (by metric name), e.g. a lag above the objective. */
  readonly metrics: Record<string, number | undefined> = {};
  private readonly stubs: Stub[] = [];

  constructor(spec: Partial<CloudModelSpec> = {}) {
    this.model = new CloudModel(fixtureSpec(spec), this.clock);
    const m = this.model;
    const rds = this.stub(mockClient(RDSClient));
    const cache = this.stub(mockClient(ElastiCacheClient));
    const ga = this.stub(mockClient(GlobalAcceleratorClient));
    const cw = this.stub(mockClient(CloudWatchClient));
    const r53 = this.stub(mockClient(Route53Client));
    const ec2 = this.stub(mockClient(EC2Client));
    const on = (stub: Stub, cmd: { name: string }, answer: (input: Record<string, unknown>, region: string) => unknown) => {
      stub.on(cmd).callsFake(async (input, getClient) => {
        const region = await getClient().config.region();
        this.log.push({ command: cmd.name, region, input });
        return answer(input, region);
      });
    };
    on(rds, DescribeGlobalClustersCommand, async (_i, r) => {
      const g = await m.describeGlobalCluster(r);
      return {
        GlobalClusters: [
          {
            GlobalClusterIdentifier: g.id,
            Status: g.status,
            Endpoint: g.endpoint,
            GlobalClusterMembers: g.members.map((x) => ({ DBClusterArn: x.clusterArn, IsWriter: x.isWriter, SynchronizationStatus: x.synchronization })),
            // DescribeGlobalClusters returns an empty FailoverState when nothing is pending.
            FailoverState: g.failover ? { Status: g.failover.status, FromDbClusterArn: g.failover.fromArn, ToDbClusterArn: g.failover.toArn, IsDataLossAllowed: g.failover.dataLossAllowed } : {},
          },
        ],
      };
    });
    on(rds, SwitchoverGlobalClusterCommand, async (i, r) => (await m.startGlobalOperation(r, String(i.TargetDbClusterIdentifier), "switchover"), {}));
    // Without AllowDataLoss, FailoverGlobalCluster performs a switchover (RDS API Reference).
    on(rds, FailoverGlobalClusterCommand, async (i, r) => (await m.startGlobalOperation(r, String(i.TargetDbClusterIdentifier), i.AllowDataLoss === true ? "failover" : "switchover"), {}));
    on(rds, DescribeDBClustersCommand, async (_i, r) => {
      const c = await m.describeDbCluster(r);
      return {
        DBClusters: [
          {
            DBClusterIdentifier: c.id,
            DBClusterArn: c.arn,
            Status: c.status,
            EngineVersion: c.engineVersion,
            DBClusterMembers: c.instances.map((x) => ({ DBInstanceIdentifier: x.id, IsClusterWriter: x.isWriter, PromotionTier: x.promotionTier })),
          },
        ],
      };
    });
    on(rds, DescribeDBInstancesCommand, async (_i, r) => ({
      DBInstances: (await m.describeDbCluster(r)).instances.map((x) => ({ DBInstanceIdentifier: x.id, AvailabilityZone: x.availabilityZone, DBInstanceStatus: x.status })),
    }));
    on(rds, FailoverDBClusterCommand, async (i, r) => (await m.failoverDbCluster(r, String(i.TargetDBInstanceIdentifier)), {}));
    on(cache, DescribeGlobalReplicationGroupsCommand, async (_i, r) => {
      const g = await m.describeGlobalReplicationGroup(r);
      return { GlobalReplicationGroups: [{ GlobalReplicationGroupId: g.id, Status: g.status, Members: g.members.map((x) => ({ ReplicationGroupId: x.replicationGroupId, ReplicationGroupRegion: x.region, Role: x.role, Status: x.status })) }] };
    });
    on(cache, FailoverGlobalReplicationGroupCommand, async (i, r) => (await m.failoverGlobalReplicationGroup(r, String(i.PrimaryRegion), String(i.PrimaryReplicationGroupId)), {}));
    on(cache, DescribeReplicationGroupsCommand, async (_i, r) => {
      const g = await m.describeReplicationGroup(r);
      return {
        ReplicationGroups: [
          {
            ReplicationGroupId: g.id,
            Status: g.status,
            MemberClusters: g.memberClusters,
            NodeGroups: g.nodeGroups.map((n) => ({ NodeGroupId: n.id, NodeGroupMembers: n.members.map((x) => ({ CacheClusterId: x.cacheClusterId, CurrentRole: x.role, PreferredAvailabilityZone: x.availabilityZone })) })),
          },
        ],
      };
    });
    on(cache, TestFailoverCommand, async (_i, r) => (await m.testFailover(r), {}));
    on(ga, DescribeEndpointGroupCommand, async (i) => {
      const g = await m.describeEndpointGroup(String(i.EndpointGroupArn));
      return {
        EndpointGroup: {
          EndpointGroupArn: g.arn,
          EndpointGroupRegion: g.region,
          TrafficDialPercentage: g.trafficDial,
          HealthCheckPort: g.healthCheck.port,
          HealthCheckProtocol: g.healthCheck.protocol,
          HealthCheckIntervalSeconds: g.healthCheck.intervalSeconds,
          ThresholdCount: g.healthCheck.thresholdCount,
          EndpointDescriptions: g.endpoints.map((e) => ({ EndpointId: e.id, HealthState: e.health })),
        },
      };
    });
    on(ga, UpdateEndpointGroupCommand, async (i) => (await m.setTrafficDial(String(i.EndpointGroupArn), Number(i.TrafficDialPercentage)), {}));
    on(cw, GetMetricDataCommand, async (i, r) => {
      const q = (i.MetricDataQueries as Array<{ MetricStat: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: string }> } } }>)[0];
      const name = q.MetricStat.Metric.MetricName;
      const dims = Object.fromEntries(q.MetricStat.Metric.Dimensions.map((d) => [d.Name, d.Value]));
      const value = name in this.metrics ? this.metrics[name] : await m.metric(r, name, dims);
      return { MetricDataResults: [{ Id: "m", Values: value === undefined ? [] : [value], Timestamps: value === undefined ? [] : [new Date()] }] };
    });
    on(r53, ListResourceRecordSetsCommand, async (i) => {
      const rec = await m.getRecord(String(i.HostedZoneId), String(i.StartRecordName));
      // Route 53 returns names with the trailing dot.
      return { ResourceRecordSets: rec ? [{ Name: `${rec.name}.`, Type: rec.type, TTL: rec.ttl, ResourceRecords: rec.values.map((Value) => ({ Value })) }] : [], IsTruncated: false, MaxItems: 1 };
    });
    on(r53, ChangeResourceRecordSetsCommand, async (i) => {
      const change = (i.ChangeBatch as { Changes: Array<{ Action: string; ResourceRecordSet: { Name: string; TTL: number; ResourceRecords: Array<{ Value: string }> } }> }).Changes[0];
      const id = await m.upsertRecord(String(i.HostedZoneId), change.ResourceRecordSet.Name, change.ResourceRecordSet.ResourceRecords[0].Value, change.ResourceRecordSet.TTL);
      return { ChangeInfo: { Id: id, Status: "PENDING", SubmittedAt: new Date() } };
    });
    on(r53, GetChangeCommand, async (i) => ({ ChangeInfo: { Id: String(i.Id), Status: await m.getChange(`/change/${String(i.Id).replace(/^\/change\//, "")}`), SubmittedAt: new Date() } }));
    on(r53, GetHealthCheckCommand, async (i) => ({ HealthCheck: { Id: String(i.HealthCheckId), CallerReference: "x", HealthCheckVersion: 1, HealthCheckConfig: { Type: "CALCULATED", Inverted: await m.healthCheckInverted(String(i.HealthCheckId)) } } }));
    on(r53, UpdateHealthCheckCommand, async (i) => (await m.setHealthCheckInverted(String(i.HealthCheckId), i.Inverted === true), { HealthCheck: { Id: String(i.HealthCheckId) } }));
    on(ec2, DescribeSecurityGroupRulesCommand, async (i, r) => {
      const group = (i.Filters as Array<{ Values: string[] }>)[0].Values[0];
      const rules = await m.ingressRules(r, group);
      return {
        SecurityGroupRules: rules.map((x) => ({
          SecurityGroupRuleId: x.id,
          GroupId: group,
          IsEgress: false,
          IpProtocol: x.protocol,
          FromPort: x.fromPort,
          ToPort: x.toPort,
          ...(x.cidrIpv4 ? { CidrIpv4: x.cidrIpv4 } : {}),
          ...(x.referencedGroupId ? { ReferencedGroupInfo: { GroupId: x.referencedGroupId } } : {}),
          Description: x.description,
        })),
      };
    });
    on(ec2, ModifySecurityGroupRulesCommand, async (i, r) => {
      const updates = (i.SecurityGroupRules as Array<{ SecurityGroupRuleId: string; SecurityGroupRule: Record<string, unknown> }>).map((u) => ({
        id: u.SecurityGroupRuleId,
        protocol: String(u.SecurityGroupRule.IpProtocol),
        fromPort: Number(u.SecurityGroupRule.FromPort),
        toPort: Number(u.SecurityGroupRule.ToPort),
        ...(u.SecurityGroupRule.CidrIpv4 ? { cidrIpv4: String(u.SecurityGroupRule.CidrIpv4) } : {}),
        ...(u.SecurityGroupRule.ReferencedGroupId ? { referencedGroupId: String(u.SecurityGroupRule.ReferencedGroupId) } : {}),
        ...(u.SecurityGroupRule.Description !== undefined ? { description: String(u.SecurityGroupRule.Description) } : {}),
      }));
      await m.modifyIngressRules(r, String(i.GroupId), updates);
      return { Return: true };
    });
  }

  private stub(s: unknown): Stub {
    this.stubs.push(s as Stub);
    return s as Stub;
  }

  restore(): void {
    for (const s of this.stubs) s.restore();
  }

  /** Mutating commands in order, as `Command@region`. */
  mutations(): string[] {
    return this.log.filter((c) => MUTATING.has(c.command)).map((c) => `${c.command}@${c.region}`);
  }

  calls(command: string): LoggedCall[] {
    return this.log.filter((c) => c.command === command);
  }
}

export { EAST, WEST };

import { CONTROL_PLANES } from "../../analysis/constants";
import type { GlobalClusterView, GlobalReplicationGroupView } from "../aws";
import type { StepContext } from "../engine";
import type { DrillPlan } from "../plan";
import type { RegionTargets } from "../topology";

/** Helpers shared by the drill steps: health probes, state summaries, manual AWS CLI lines. */

export function regionTargets(plan: DrillPlan, region: string): RegionTargets {
  const r = plan.targets.regions[region];
  if (!r) throw new Error(`internal: no targets resolved for ${region}`);
  return r;
}

/** `arn:aws:rds:us-west-2:123:cluster:x` -> us-west-2. */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(":")[3] || undefined;
}

export function writerRegionOf(plan: DrillPlan, gc: GlobalClusterView): string | undefined {
  const writer = gc.members.find((m) => m.isWriter);
  if (!writer) return undefined;
  const known = Object.values(plan.targets.regions).find((r) => r.auroraClusterArn === writer.clusterArn);
  return known?.region ?? regionOfArn(writer.clusterArn);
}

export function summarizeGlobalCluster(plan: DrillPlan, gc: GlobalClusterView): string {
  const members = gc.members.map((m) => `${regionOfArn(m.clusterArn) ?? m.clusterArn}${m.isWriter ? " (writer)" : ""}${m.synchronization ? ` sync=${m.synchronization}` : ""}`);
  const fo = gc.failover ? `; FailoverState ${gc.failover.status} ${regionOfArn(gc.failover.fromArn ?? "") ?? "?"} -> ${regionOfArn(gc.failover.toArn ?? "") ?? "?"}` : "";
  return `global cluster ${gc.id} status=${gc.status}; writer=${writerRegionOf(plan, gc) ?? "none"}; members: ${members.join(", ")}${fo}`;
}

export function grgMember(grg: GlobalReplicationGroupView, region: string, replicationGroupId: string) {
  return grg.members.find((m) => m.region === region && m.replicationGroupId === replicationGroupId);
}

export function isPrimary(role: string | undefined): boolean {
  return (role ?? "").toLowerCase() === "primary";
}

export function summarizeGrg(grg: GlobalReplicationGroupView): string {
  return `global datastore ${grg.id} status=${grg.status}; members: ${grg.members.map((m) => `${m.region}/${m.replicationGroupId} ${m.role}${m.status ? ` ${m.status}` : ""}`).join(", ")}`;
}

export interface HealthReading {
  readonly healthy: boolean;
  readonly unhealthy: boolean;
  /** The health API could not be read (e.g. the Global Accelerator control plane is down). */
  readonly unknown?: boolean;
  readonly text: string;
}

/**
 * Health of a region's entry: GA endpoint health, or the Route 53 health check's CloudWatch status.
 * A failed read comes back as `unknown` instead of throwing: DescribeEndpointGroup is served from
 * us-west-2, and an unplanned failover must not depend on that region being up.
 */
export async function regionHealth(ctx: StepContext, region: string): Promise<HealthReading> {
  try {
    return await readHealth(ctx, region);
  } catch (err) {
    const e = err as Error;
    return { healthy: false, unhealthy: false, unknown: true, text: `${region}: health unreadable (${e.name}: ${e.message})` };
  }
}

async function readHealth(ctx: StepContext, region: string): Promise<HealthReading> {
  const r = regionTargets(ctx.plan, region);
  if (ctx.plan.targets.routingMode === "accelerator") {
    if (!r.endpointGroupArn) return { healthy: false, unhealthy: false, text: `${region}: no endpoint group in topology` };
    const eg = await ctx.aws.describeEndpointGroup(r.endpointGroupArn);
    ctx.facts.dials[region] = eg.trafficDial;
    const states = eg.endpoints.map((e) => e.health);
    return {
      healthy: states.length > 0 && states.every((s) => s === "HEALTHY"),
      unhealthy: states.length > 0 && states.every((s) => s === "UNHEALTHY"),
      text: `${region}: dial ${eg.trafficDial}%, endpoints ${states.join(", ") || "none"}`,
    };
  }
  if (!r.healthCheckId) return { healthy: false, unhealthy: false, text: `${region}: no Route 53 health check in topology` };
  // Route 53 publishes health-check metrics in us-east-1 only.
  const v = await ctx.aws.latestMetric({
    region: CONTROL_PLANES.route53.region,
    namespace: "AWS/Route53",
    metricName: "HealthCheckStatus",
    dimensions: { HealthCheckId: r.healthCheckId },
    stat: "Minimum",
  });
  return { healthy: v === 1, unhealthy: v === 0, text: `${region}: Route 53 health check ${r.healthCheckId} status ${v ?? "no data"}` };
}

/** `app/name/id` from an ALB ARN and `targetgroup/name/id` from a target group ARN: CloudWatch dimensions. */
export function arnSuffix(arn: string, kind: "loadbalancer" | "targetgroup"): string | undefined {
  const resource = arn.split(":").slice(5).join(":");
  if (kind === "loadbalancer") return resource.startsWith("loadbalancer/") ? resource.slice("loadbalancer/".length) : undefined;
  return resource.startsWith("targetgroup/") ? resource : undefined;
}

const GA = `--region ${CONTROL_PLANES.globalAccelerator.region}`;

/** Manual AWS CLI lines, printed when a step stops. */
export const cli = {
  describeGlobalCluster: (region: string, id: string) => `aws rds describe-global-clusters --region ${region} --global-cluster-identifier ${id}`,
  switchover: (region: string, id: string, arn: string) =>
    `aws rds switchover-global-cluster --region ${region} --global-cluster-identifier ${id} --target-db-cluster-identifier ${arn}`,
  failover: (region: string, id: string, arn: string) =>
    `aws rds failover-global-cluster --region ${region} --global-cluster-identifier ${id} --target-db-cluster-identifier ${arn} --allow-data-loss`,
  describeCluster: (region: string, id: string) => `aws rds describe-db-clusters --region ${region} --db-cluster-identifier ${id}`,
  failoverDbCluster: (region: string, id: string, instance: string) =>
    `aws rds failover-db-cluster --region ${region} --db-cluster-identifier ${id} --target-db-instance-identifier ${instance}`,
  describeGrg: (region: string, id: string) => `aws elasticache describe-global-replication-groups --region ${region} --global-replication-group-id ${id} --show-member-info`,
  failoverGrg: (region: string, id: string, primaryRegion: string, rg: string) =>
    `aws elasticache failover-global-replication-group --region ${region} --global-replication-group-id ${id} --primary-region ${primaryRegion} --primary-replication-group-id ${rg}`,
  describeRg: (region: string, id: string) => `aws elasticache describe-replication-groups --region ${region} --replication-group-id ${id}`,
  testFailover: (region: string, id: string, nodeGroup: string) =>
    `aws elasticache test-failover --region ${region} --replication-group-id ${id} --node-group-id ${nodeGroup}`,
  describeEndpointGroup: (arn: string) => `aws globalaccelerator describe-endpoint-group ${GA} --endpoint-group-arn ${arn}`,
  setDial: (arn: string, percent: number) => `aws globalaccelerator update-endpoint-group ${GA} --endpoint-group-arn ${arn} --traffic-dial-percentage ${percent}`,
  healthCheckStatus: (id: string) => `aws route53 get-health-check-status --health-check-id ${id}`,
  lag: (region: string, namespace: string, metric: string, dimension: string, value: string) =>
    `aws cloudwatch get-metric-statistics --region ${region} --namespace ${namespace} --metric-name ${metric} --dimensions Name=${dimension},Value=${value} --statistics Maximum --period 60 --start-time $(date -u -d '-5 min' +%FT%TZ) --end-time $(date -u +%FT%TZ)`,
};

/** The health command for a region in either routing mode. */
export function healthCommand(plan: DrillPlan, region: string): string {
  const r = regionTargets(plan, region);
  if (plan.targets.routingMode === "accelerator") return cli.describeEndpointGroup(r.endpointGroupArn ?? "<endpoint-group-arn>");
  return cli.healthCheckStatus(r.healthCheckId ?? "<health-check-id>");
}

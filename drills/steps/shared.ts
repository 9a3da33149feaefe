import { CONTROL_PLANES } from "../../analysis/constants";
import { PROJECT } from "../../config/schema";
import { securityGroupRuleUpdate, type GlobalClusterView, type GlobalReplicationGroupView, type IngressRuleView } from "../aws";
import type { StepContext } from "../engine";
import { regionOfCluster } from "../live";
import type { DrillPlan } from "../plan";
import type { RegionTargets } from "../topology";

/** Helpers shared by the drill steps: health probes, state summaries, manual command lines. */


export function regionTargets(plan: DrillPlan, region: string): RegionTargets {
  const r = plan.targets.regions[region];
  if (!r) throw new Error(`internal: no targets resolved for ${region}`);
  return r;
}

export function writerRegionOf(plan: DrillPlan, gc: GlobalClusterView): string | undefined {
  return regionOfCluster(plan.targets, gc.members.find((m) => m.isWriter)?.clusterArn);
}

export function summarizeGlobalCluster(plan: DrillPlan, gc: GlobalClusterView): string {
  const members = gc.members.map((m) => `${regionOfCluster(plan.targets, m.clusterArn) ?? m.clusterArn}${m.isWriter ? " (writer)" : ""}${m.synchronization ? ` sync=${m.synchronization}` : ""}`);
  const fo = gc.failover
    ? `; FailoverState ${gc.failover.status} ${regionOfCluster(plan.targets, gc.failover.fromArn) ?? "?"} -> ${regionOfCluster(plan.targets, gc.failover.toArn) ?? "?"}${gc.failover.dataLossAllowed ? " (failover, data loss allowed)" : " (switchover)"}`
    : "";
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
 * us-west-2 and Route 53 metrics from us-east-1, and an unplanned failover must not depend on them.
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

/** Where a control plane lives, and a warning when that is the region being failed over from. */
export function controlPlaneNote(plan: DrillPlan, plane: "globalAccelerator" | "route53"): string {
  const region = CONTROL_PLANES[plane].region;
  const name = plane === "route53" ? "Route 53" : "Global Accelerator";
  const risk = plan.mode === "unplanned" && plan.source === region ? `; ${region} is the region being failed over from, so this call may fail during a real outage` : "";
  return `${name} control plane, ${region}${risk}`;
}

const GA = `--region ${CONTROL_PLANES.globalAccelerator.region}`;
const quote = (json: unknown) => `'${JSON.stringify(json).replace(/'/g, "'\\''")}'`;

/** Manual command lines, printed when a step stops. None of them changes `writerRegion`. */
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
  invertHealthCheck: (id: string, inverted: boolean) => `aws route53 update-health-check --health-check-id ${id} ${inverted ? "--inverted" : "--no-inverted"}`,
  upsertRecord: (zone: string, name: string, ttl: number, value: string) =>
    `aws route53 change-resource-record-sets --hosted-zone-id ${zone} --change-batch ${quote({ Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: name, Type: "CNAME", TTL: ttl, ResourceRecords: [{ Value: value }] } }] })}`,
  getChange: (id: string) => `aws route53 get-change --id ${id.replace(/^\/change\//, "")}`,
  describeRules: (region: string, group: string) => `aws ec2 describe-security-group-rules --region ${region} --filters Name=group-id,Values=${group}`,
  modifyRules: (region: string, group: string, rules: readonly IngressRuleView[]) =>
    `aws ec2 modify-security-group-rules --region ${region} --group-id ${group} --security-group-rules ${quote(
      rules.map(securityGroupRuleUpdate),
    )}`,
  lag: (region: string, namespace: string, metric: string, dimension: string, value: string) =>
    `aws cloudwatch get-metric-statistics --region ${region} --namespace ${namespace} --metric-name ${metric} --dimensions Name=${dimension},Value=${value} --statistics Maximum --period 60 --start-time $(date -u -d '-5 min' +%FT%TZ) --end-time $(date -u +%FT%TZ)`,
  /** The runtime writer, never `writerRegion` (creation-time shape: changing it replaces the global database). */
  recordWriter: (stack: string, region: string) => `pulumi config set --stack ${stack} ${PROJECT}:currentWriterRegion ${region}`,
  recordDial: (stack: string, region: string, dial: number | string) => `pulumi config set --stack ${stack} --path '${PROJECT}:routing.trafficDials["${region}"]' ${dial}`,
  preview: (stack: string) => `pulumi preview --stack ${stack} --diff`,
  commit: (file: string, what: string) => `git add ${file} && git commit -m "${what.replace(/["$`\\]/g, "")}"`,
};

/** The health command for a region in either routing mode. */
export function healthCommand(plan: DrillPlan, region: string): string {
  const r = regionTargets(plan, region);
  if (plan.targets.routingMode === "accelerator") return cli.describeEndpointGroup(r.endpointGroupArn ?? "<endpoint-group-arn>");
  return cli.healthCheckStatus(r.healthCheckId ?? "<health-check-id>");
}

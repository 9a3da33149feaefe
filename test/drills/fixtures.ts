import type { BudgetSettings } from "../../analysis/budget";

/**
 * Topology fixtures in the shape drills/topology.ts reads (what the tier helpers publish), and
 * budget settings shaped like the prod stack file.
 */

export const ACCOUNT = "111122223333";
export const EAST = "us-east-1";
export const WEST = "us-west-2";

export const ids = {
  global: "prod-global",
  grg: "ldgnf-prod-sessions",
  cluster: (r: string) => `ha-prod-${r}-aurora`,
  clusterArn: (r: string) => `arn:aws:rds:${r}:${ACCOUNT}:cluster:ha-prod-${r}-aurora`,
  rg: (r: string) => `ha-prod-${r}-sessions`,
  eg: (r: string) => `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/abcd/listener/0123/endpoint-group/${r === EAST ? "e1" : "w2"}`,
  hc: (r: string) => `hc-${r}`,
  dbSg: (r: string) => `sg-db-${r}`,
  cacheSg: (r: string) => `sg-cache-${r}`,
  appSg: (r: string) => `sg-app-${r}`,
  primary: (r: string) => `master.ha-prod-${r}-sessions.abc123.${r === EAST ? "use1" : "usw2"}.cache.amazonaws.com`,
  zone: "Z0PRIVATE1234",
  record: "sessions-writer.prod.ha-blueprint.internal",
  alb: (r: string) => `arn:aws:elasticloadbalancing:${r}:${ACCOUNT}:loadbalancer/app/ha-prod-${r}/50dc6c495c0c9188`,
  tg: (r: string) => `arn:aws:elasticloadbalancing:${r}:${ACCOUNT}:targetgroup/ha-prod-${r}/73e2d6bc24d8a067`,
};

export function topologyFixture(opts: { mode?: "accelerator" | "route53"; writer?: string; rpoBoundRegions?: string[] } = {}): Record<string, unknown> {
  const region = (name: string) => ({
    name,
    isWriter: name === (opts.writer ?? EAST),
    cidr: name === EAST ? "10.20.0.0/16" : "10.21.0.0/16",
    availabilityZones: ["a", "b", "c"].map((z) => `${name}${z}`),
    vpcId: `vpc-${name}`,
    natGateways: "zonal",
    app: {
      albArn: ids.alb(name),
      targetGroupArn: ids.tg(name),
      healthCheck: { intervalSeconds: 10, unhealthyThreshold: 3, healthyThreshold: 3 },
      listenerPorts: [443],
      replicas: 6,
      capacity: "provisioned",
    },
    database: { clusterIdentifier: ids.cluster(name), clusterArn: ids.clusterArn(name), readerEndpoint: `ha-prod-${name}.cluster-ro-x.${name}.rds.amazonaws.com`, instanceCount: 3, securityGroupId: ids.dbSg(name) },
    sessions: { replicationGroupId: ids.rg(name), nodeCount: 3, primaryEndpoint: ids.primary(name), securityGroupId: ids.cacheSg(name) },
  });
  return {
    version: 1,
    project: "ha-blueprint",
    stack: "prod",
    environment: "prod",
    writerRegion: opts.writer ?? EAST,
    secondaryRegions: [opts.writer === WEST ? EAST : WEST],
    objectives: { availabilityPercent: 99.99, azLoss: { rtoSeconds: 120, rpoSeconds: 1 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } },
    regions: [region(EAST), region(WEST)],
    database: {
      globalClusterIdentifier: ids.global,
      endpoint: "prod-global.global-abc.global.rds.amazonaws.com",
      engine: "aurora-postgresql",
      port: 5432,
      globalDbRpoSeconds: 30,
      rpoBoundRegions: opts.rpoBoundRegions ?? [EAST, WEST],
      initialWriterRegion: EAST,
    },
    sessions: {
      globalReplicationGroupId: ids.grg,
      port: 6379,
      writerRecord: { hostedZoneId: ids.zone, name: ids.record, type: "CNAME", ttlSeconds: 30, targets: { [EAST]: ids.primary(EAST), [WEST]: ids.primary(WEST) } },
    },
    routing:
      opts.mode === "route53"
        ? { mode: "route53", healthCheckIds: { [EAST]: ids.hc(EAST), [WEST]: ids.hc(WEST) }, failureThreshold: 3, requestInterval: 10 }
        : { mode: "accelerator", acceleratorArn: `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/abcd`, endpointGroupArns: { [EAST]: ids.eg(EAST), [WEST]: ids.eg(WEST) } },
  };
}

const from = (value: string) => `fixture ${value}`;

/** Budget settings like stacks/Pulumi.prod.yaml with the app tier's defaults (ALB 10 s x 3). */
export function prodSettings(overrides: Partial<BudgetSettings> = {}): BudgetSettings {
  const region = (name: string) => ({
    name,
    availabilityZones: 3,
    albIntervalSeconds: { value: 10, from: from("alb interval") },
    albUnhealthyThreshold: { value: 3, from: from("alb threshold") },
  });
  return {
    writerRegion: EAST,
    regions: [region(EAST), region(WEST)],
    routing: { mode: { value: "accelerator", from: from("mode") }, requestIntervalSeconds: { value: 10, from: from("interval") }, failureThreshold: { value: 3, from: from("threshold") } },
    database: { instancesPerRegion: { value: 3, from: from("instances") }, globalDbRpoSeconds: { value: 30, from: from("global_db_rpo") } },
    sessions: { nodesPerRegion: { value: 3, from: from("nodes") } },
    app: { capacity: { value: "provisioned", from: from("capacity") }, replicasPerRegion: { value: 6, from: from("replicas") } },
    objectives: { availabilityPercent: 99.99, azLoss: { rtoSeconds: 120, rpoSeconds: 1 }, regionLoss: { rtoSeconds: 600, rpoSeconds: 30 } },
    ...overrides,
  };
}

/** The AWS defaults the reference's "documented realistic" case uses: ALB 30 s x 2, no RPO bound. */
export function defaultSettings(): BudgetSettings {
  const p = prodSettings();
  return {
    ...p,
    regions: p.regions.map((r) => ({ ...r, albIntervalSeconds: { value: 30, from: "default" }, albUnhealthyThreshold: { value: 2, from: "default" } })),
    database: { instancesPerRegion: p.database.instancesPerRegion },
  };
}

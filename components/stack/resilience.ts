import type * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/parse";
import { BackupPlan } from "../backup/backupPlan";
import type { RegionalDataStores, RegionalEndpoint } from "../contracts";
import { HealthMonitoring } from "../monitoring/healthMonitoring";
import { GlobalTrafficManager, validateEndpoints } from "../routing/globalTrafficManager";

export interface ResilienceArgs {
  readonly config: StackConfig;
  readonly stack: string;
  /** The stack's explicit provider per region. */
  readonly providers: Record<string, aws.Provider>;
  /** Each cell's AZ names (the count is plain: one healthy-host alarm per AZ). */
  readonly availabilityZones: Record<string, pulumi.Input<string>[]>;
  /** The app tier's ALB per region; empty until the app tier is wired. */
  readonly endpoints: RegionalEndpoint[];
  /** The data tier's clusters per region; empty until the data tier is wired. */
  readonly dataStores: RegionalDataStores[];
}

export interface ResilienceParts {
  /** Per region that has an endpoint. */
  readonly monitoring: Record<string, HealthMonitoring>;
  /** Present once every region has an endpoint. */
  readonly traffic?: GlobalTrafficManager;
  readonly backup: BackupPlan;
}

/**
 * Declares routing, health monitoring and backups from validated config and the tiers' contracts.
 * Nothing is made up: without an ALB a region gets no alarms and the stack no global entry, and
 * without Aurora clusters the backup plans select nothing. Vaults, plans, roles and restore-testing
 * plans do not depend on the data tier, so they exist from the first deployment.
 */
export function declareResilience(name: string, args: ResilienceArgs, parent?: pulumi.Resource): ResilienceParts {
  const { config } = args;
  // Fail before declaring anything, so a bad wiring leaves no half-registered components behind.
  checkTierContracts(name, config, args.endpoints, args.dataStores);
  const configured = config.regions.map((r) => r.name);
  const endpointOf = (region: string) => args.endpoints.find((e) => e.region === region);
  const dataOf = (region: string) => args.dataStores.find((d) => d.region === region);

  const monitoring: Record<string, HealthMonitoring> = {};
  for (const region of configured) {
    const endpoint = endpointOf(region);
    if (!endpoint) continue;
    monitoring[region] = new HealthMonitoring(`${name}-${region}-health`, {
      region,
      stack: args.stack,
      endpoint,
      availabilityZones: args.availabilityZones[region],
      dataStores: dataOf(region),
      sessionNodeCount: config.sessionStore.nodesPerRegion,
      latencyP99Ms: config.monitoring.latencyP99Ms,
      error5xxPercent: config.monitoring.error5xxPercent,
      minHealthyHostsPerAz: config.monitoring.minHealthyHostsPerAz,
      rpoSeconds: config.objectives.regionLoss.rpoSeconds,
      periodSeconds: config.monitoring.periodSeconds,
      evaluationPeriods: config.monitoring.evaluationPeriods,
      alarmEmail: config.monitoring.alarmEmail,
      alarmSubscriptions: config.monitoring.alarmSubscriptions,
      auroraEngine: config.database.engine,
    }, { parent, providers: [args.providers[region]] });
  }

  let traffic: GlobalTrafficManager | undefined;
  if (args.endpoints.length > 0) {
    // Global Accelerator and Route 53 are global; any region's provider reaches them.
    traffic = new GlobalTrafficManager(`${name}-traffic`, {
      stack: args.stack,
      mode: config.routing.mode,
      endpoints: configured.map((r) => endpointOf(r)!),
      trafficDials: config.routing.trafficDials,
      clientIpPreservation: config.routing.clientIpPreservation,
      route53: config.routing.route53,
      regionAlarmNames: Object.fromEntries(Object.entries(monitoring).map(([r, m]) => [r, m.routingAlarmName])),
    }, { parent, providers: [args.providers[config.writerRegion]] });
  }

  const backup = new BackupPlan(`${name}-backup`, {
    stack: args.stack,
    regions: configured.map((region) => ({
      region,
      provider: args.providers[region],
      auroraClusterArns: dataOf(region)?.auroraClusterArn ? [dataOf(region)!.auroraClusterArn!] : [],
      dsqlClusterArns: dataOf(region)?.dsqlClusterArn ? [dataOf(region)!.dsqlClusterArn!] : [],
      ...(dataOf(region)?.auroraClusterArn ? {
        restoreMetadataOverrides: restoreOverridesFor(dataOf(region)!),
        restoreValidation: {
          engine: config.database.engine,
          subnetGroupName: dataOf(region)!.auroraSubnetGroupName!,
          securityGroupId: dataOf(region)!.restoreTestSecurityGroupId!,
          ...(monitoring[region] ? { alarmTopicArn: monitoring[region].topicArn } : {}),
        },
      } : {}),
    })),
    schedule: config.backup.schedule,
    retentionDays: config.backup.retentionDays,
    copyRetentionDays: config.backup.copyRetentionDays,
    continuousBackup: config.backup.continuousBackup,
    vaultLock: config.backup.vaultLock,
    restoreTesting: config.backup.restoreTesting,
    restoreTestingSchedule: config.backup.restoreTestingSchedule,
    forceDestroy: config.environment === "dev",
  }, { parent });

  return { monitoring, traffic, backup };
}

/**
 * Where a restore test puts an Aurora cluster restored from this region's vault (which also holds
 * the other regions' copies): the region's own DB subnet group and a closed security group. Without
 * these AWS Backup infers the default VPC, which the blueprint never creates, and every test fails
 * (AWS Backup Developer Guide, "Restore testing inferred metadata": keys are case-insensitive).
 */
export function restoreOverridesFor(stores: RegionalDataStores): Record<string, pulumi.Input<string>> {
  return {
    dbsubnetgroupname: stores.auroraSubnetGroupName ?? "",
    vpcsecuritygroupids: pulumi.output(stores.restoreTestSecurityGroupId ?? "").apply((id) => JSON.stringify([id])),
  };
}

/**
 * The tier contracts must name configured regions, and once any ALB is wired every region needs
 * one (the global entry has one endpoint per region); in accelerator mode they share their ports.
 */
export function checkTierContracts(name: string, config: StackConfig, endpoints: RegionalEndpoint[], dataStores: RegionalDataStores[]): void {
  const configured = config.regions.map((r) => r.name);
  for (const item of [...endpoints, ...dataStores]) {
    if (!configured.includes(item.region)) {
      throw new Error(`${name}: a tier contract names region ${item.region}, which is not configured (${configured.join(", ")})`);
    }
  }
  if (endpoints.length === 0) return;
  const missing = configured.filter((r) => !endpoints.some((e) => e.region === r));
  if (missing.length > 0) {
    throw new Error(`${name}: no RegionalEndpoint for ${missing.join(", ")}; the global entry needs one ALB per region`);
  }
  validateEndpoints(name, endpoints, config.routing.mode);
}

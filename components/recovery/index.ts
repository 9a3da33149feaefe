import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/parse";
import type { RegionalDataStores, RegionalEndpoint } from "../contracts";
import type { HealthMonitoring } from "../monitoring/healthMonitoring";
import type { GlobalTrafficManager } from "../routing/globalTrafficManager";
import type * as aws from "../sdk/aws";
import { RegionRecovery } from "./regionRecovery";

export { RegionRecovery, type RecoveryTopology, type RegionRecoveryArgs, type RecoveryRegionInput } from "./regionRecovery";
export { dataKindsOf, type DataKinds } from "./kinds";

/** What the stack hands recovery: its tiers as ActiveActiveStack holds them (read defensively). */
export interface RecoverySources {
  readonly providers: Record<string, aws.Provider>;
  readonly endpoints: Record<string, RegionalEndpoint>;
  readonly apps: Record<string, { readonly clusterName: pulumi.Output<string> }>;
  readonly cells: Record<string, { readonly network: { readonly availabilityZones: pulumi.Input<string>[] } }>;
  readonly dataStores: Record<string, Partial<RegionalDataStores>>;
  readonly database?: { readonly globalClusterIdentifier?: pulumi.Output<string> };
  readonly sessions?: { readonly globalReplicationGroupId?: pulumi.Output<string> };
}

export interface RecoveryResilience {
  readonly monitoring: Record<string, HealthMonitoring>;
  readonly traffic?: GlobalTrafficManager;
}

/** One call from ActiveActiveStack: maps the stack's tiers onto RegionRecovery's inputs. */
export function declareRecovery(name: string, config: StackConfig, stack: string, from: RecoverySources, resilience: RecoveryResilience, parent: pulumi.Resource): RegionRecovery {
  const regions = config.regions.map((r) => {
    const endpoint = from.endpoints[r.name];
    const stores = from.dataStores[r.name] ?? {};
    const monitoring = resilience.monitoring[r.name];
    return {
      region: r.name,
      provider: from.providers[r.name],
      albArn: endpoint.albArn,
      albArnSuffix: endpoint.albArnSuffix,
      albDnsName: endpoint.albDnsName,
      healthPath: endpoint.healthPath,
      https: endpoint.listenerPorts.includes(443),
      clusterName: from.apps[r.name].clusterName,
      availabilityZones: from.cells[r.name].network.availabilityZones,
      auroraClusterArn: stores.auroraClusterArn,
      replicationGroupId: stores.replicationGroupId,
      endpointGroupArn: resilience.traffic?.endpointGroupArns[r.name],
      topicArn: monitoring?.topicArn,
      unhealthyAlarmName: monitoring?.regionUnhealthyAlarmName,
    };
  });
  return new RegionRecovery(`${name}-recovery`, {
    config,
    stack,
    regions,
    globalClusterIdentifier: from.database?.globalClusterIdentifier,
    globalReplicationGroupId: from.sessions?.globalReplicationGroupId,
    planProvider: from.providers[config.writerRegion],
  }, { parent });
}

export { RegionalNetwork, type RegionalNetworkArgs } from "./network/regionalNetwork";
export { RegionalCell, type RegionalCellArgs } from "./stack/regionalCell";
export { ActiveActiveStack, type ActiveActiveStackArgs } from "./stack/activeActiveStack";
export type { Topology, RegionTopology } from "./topology";
export { GlobalTrafficManager, type GlobalTrafficManagerArgs } from "./routing/globalTrafficManager";
export { Route53LatencyRouting, type Route53RoutingArgs } from "./routing/route53Routing";
export { HealthMonitoring, type HealthMonitoringArgs } from "./monitoring/healthMonitoring";
export { BackupPlan, type BackupPlanArgs, type BackupRegion } from "./backup/backupPlan";
export type { RoutingTopology, RegionMonitoringTopology, RegionBackupTopology } from "./topology";

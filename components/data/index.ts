export { GlobalDatabase, type GlobalDatabaseArgs } from "./globalDatabase";
export { AuroraRegionalCluster, type AuroraRegionalClusterArgs, type AuroraClusterRole } from "./auroraRegionalCluster";
export { SessionStore, type SessionStoreArgs } from "./sessionStore";
export { CacheReplicationGroup, type CacheReplicationGroupArgs, type CacheGroupRole } from "./cacheReplicationGroup";
export { MemoryDbMultiRegion, type MemoryDbMultiRegionArgs, type MemoryDbRegionalMember } from "./memorydbMultiRegion";
export { DsqlMultiRegion, type DsqlMultiRegionArgs, type DsqlRegionalPeer } from "./dsqlMultiRegion";
export { dataRegionOf, type DataRegion } from "./regionInput";
export { appConnectionFor, dataStoresFor, dataTopology, type DataTopology, type DatabaseTier, type SessionTier } from "./dataTier";

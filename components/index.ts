export { RegionalNetwork, type RegionalNetworkArgs } from "./network/regionalNetwork";
export { RegionalCell, type RegionalCellArgs } from "./stack/regionalCell";
export { ActiveActiveStack, type ActiveActiveStackArgs } from "./stack/activeActiveStack";
export { GlobalDatabase, SessionStore, type GlobalDatabaseArgs, type SessionStoreArgs } from "./data";
export type { Topology, RegionTopology } from "./topology";

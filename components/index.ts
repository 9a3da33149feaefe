export { RegionalNetwork, type RegionalNetworkArgs } from "./network/regionalNetwork";
export { RegionalCell, type RegionalCellArgs } from "./stack/regionalCell";
export { AppTier, type AppTierArgs } from "./app";
export { ActiveActiveStack, type ActiveActiveStackArgs } from "./stack/activeActiveStack";
export type { Topology, RegionTopology, AppTopology } from "./topology";

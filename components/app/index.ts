export { AppTier, checkAppTierArgs, type AppTierArgs } from "./appTier";
export { sizeAppTier, MAX_SURGE_PERCENT, type AppSizing, type CapacityMode, type SizingInput } from "./sizing";
export { buildKubeconfig, type KubeconfigInput } from "./kubeconfig";

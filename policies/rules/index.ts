import type { Rule } from "../engine/types";
import { auroraBacktrackCompat, auroraBackupRetention, auroraDeletionProtection, auroraEncryption, auroraGlobalTopology, auroraMultiAzInstances } from "./aurora";
import { backupCoverage, backupCrossRegionCopy, backupRetention, backupVaultEncryption, backupVaultLock } from "./backup";
import { asgHealthAndAzs, eksControlPlane, launchTemplateBasics, nodeGroupScaling, nodeGroupsSpanAzs } from "./compute";
import { activeActiveTraffic, entrypointHealthChecked, globalEntrypoint } from "./entry";
import { kmsKeyRotation } from "./kms";
import { deploymentHasPdb, hpaBounds, minReplicas, pdbAllowsEviction, podHardening, probes, resources, rolloutSafety, zoneSpread } from "./kubernetes";
import { lbCrossZone, lbDeletionProtection, lbMultiAz, targetGroupHealthCheck } from "./loadBalancing";
import { dataTierPrivate, natNoSinglePoint, noWorldIngress, subnetGroupsMultiAz, vpcFlowLogs, vpcMultiAz } from "./network";
import { redisEncryptionAuth, redisGlobalTopology, redisMultiAzFailover, redisSnapshots } from "./redis";
import { minRegions, tierInEveryRegion } from "./topology";

/** Every rule of the pack, in the order the docs table lists them (topology first, security last). */
export const RULES: readonly Rule[] = [
  minRegions,
  tierInEveryRegion,
  globalEntrypoint,
  entrypointHealthChecked,
  activeActiveTraffic,
  vpcMultiAz,
  subnetGroupsMultiAz,
  natNoSinglePoint,
  lbMultiAz,
  lbCrossZone,
  lbDeletionProtection,
  targetGroupHealthCheck,
  nodeGroupsSpanAzs,
  nodeGroupScaling,
  asgHealthAndAzs,
  minReplicas,
  zoneSpread,
  deploymentHasPdb,
  pdbAllowsEviction,
  probes,
  resources,
  hpaBounds,
  rolloutSafety,
  auroraGlobalTopology,
  auroraMultiAzInstances,
  auroraBackupRetention,
  auroraDeletionProtection,
  auroraBacktrackCompat,
  redisGlobalTopology,
  redisMultiAzFailover,
  redisSnapshots,
  backupCoverage,
  backupCrossRegionCopy,
  backupRetention,
  backupVaultLock,
  noWorldIngress,
  dataTierPrivate,
  eksControlPlane,
  launchTemplateBasics,
  podHardening,
  auroraEncryption,
  redisEncryptionAuth,
  backupVaultEncryption,
  kmsKeyRotation,
  vpcFlowLogs,
];

export function ruleByName(name: string): Rule | undefined {
  return RULES.find((r) => r.name === name);
}

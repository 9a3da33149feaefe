import type { Rule } from "../engine/types";
import { auroraBacktrackCompat, auroraBackupRetention, auroraDeletionProtection, auroraEncryption, auroraGlobalTopology, auroraMultiAzInstances } from "./aurora";
import { cacheClusterRedundancy } from "./cacheCluster";
import { datastoreEphemeral, rwoVolumeSingleReplica } from "./k8sData";
import { regionKnown } from "./region";
import { standaloneInstanceTier } from "./standalone";
import { dsqlDeletionProtection, dsqlMultiRegion } from "./dsql";
import { memorydbEncryptionAuth, memorydbMultiAz, memorydbMultiRegion, memorydbSnapshots } from "./memorydb";
import { ecsCircuitBreaker, ecsMinTasks, ecsMultiAz } from "./ecs";
import { corednsReplicas } from "./eksAddons";
import { retentionWithinLimits } from "./limits";
import { nodesPrivateSubnets } from "./nodePlacement";
import { rdsInstanceBackupRetention, rdsInstanceDeletionProtection, rdsInstanceEncryption, rdsInstanceMultiAz } from "./rdsInstance";
import { s3CrossRegionReplication, s3Versioning } from "./s3";
import { publicEntryTls } from "./tls";
import { backupCoverage, backupCrossRegionCopy, backupRetention, backupVaultEncryption, backupVaultLock } from "./backup";
import { asgHealthAndAzs, eksControlPlane, launchTemplateBasics, nodeGroupScaling, nodeGroupsSpanAzs } from "./compute";
import { activeActiveTraffic, entrypointHealthChecked, globalEntrypoint } from "./entry";
import { kmsKeyRotation } from "./kms";
import { podHardening } from "./k8sHardening";
import { hpaBounds, hpaPinnedReplicas, hpaTargetExists } from "./k8sHpa";
import { deploymentHasPdb, pdbAllowsEviction, pdbHasPolicy, pdbUnhealthyEviction } from "./k8sPdb";
import { nodeSpread, topologySpreadValid, zoneSpread } from "./k8sSpread";
import { minReplicas, noBarePods, probes, resources, rolloutSafety } from "./k8sWorkloads";
import { lbCrossZone, lbDeletionProtection, lbMultiAz, targetGroupHealthCheck } from "./loadBalancing";
import { dataTierPrivate, natNoSinglePoint, noWorldIngress, subnetGroupsMultiAz, vpcFlowLogs, vpcMultiAz } from "./network";
import { redisEncryptionAuth, redisGlobalTopology, redisMultiAzFailover, redisSnapshots } from "./redis";
import { minRegions, tierInEveryRegion } from "./topology";

/** Every rule of the pack, in the order the docs table lists them (topology first, security last). */
export const RULES: readonly Rule[] = [
  regionKnown,
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
  standaloneInstanceTier,
  corednsReplicas,
  ecsMinTasks,
  ecsMultiAz,
  ecsCircuitBreaker,
  minReplicas,
  noBarePods,
  zoneSpread,
  nodeSpread,
  topologySpreadValid,
  deploymentHasPdb,
  pdbHasPolicy,
  pdbAllowsEviction,
  pdbUnhealthyEviction,
  probes,
  resources,
  hpaBounds,
  hpaTargetExists,
  hpaPinnedReplicas,
  rolloutSafety,
  datastoreEphemeral,
  rwoVolumeSingleReplica,
  auroraGlobalTopology,
  auroraMultiAzInstances,
  auroraBackupRetention,
  auroraDeletionProtection,
  auroraBacktrackCompat,
  rdsInstanceMultiAz,
  rdsInstanceBackupRetention,
  rdsInstanceDeletionProtection,
  redisGlobalTopology,
  redisMultiAzFailover,
  cacheClusterRedundancy,
  redisSnapshots,
  memorydbMultiRegion,
  memorydbMultiAz,
  memorydbSnapshots,
  dsqlMultiRegion,
  dsqlDeletionProtection,
  s3Versioning,
  s3CrossRegionReplication,
  backupCoverage,
  backupCrossRegionCopy,
  backupRetention,
  backupVaultLock,
  retentionWithinLimits,
  noWorldIngress,
  dataTierPrivate,
  eksControlPlane,
  nodesPrivateSubnets,
  publicEntryTls,
  launchTemplateBasics,
  podHardening,
  auroraEncryption,
  rdsInstanceEncryption,
  redisEncryptionAuth,
  memorydbEncryptionAuth,
  backupVaultEncryption,
  kmsKeyRotation,
  vpcFlowLogs,
];

export function ruleByName(name: string): Rule | undefined {
  return RULES.find((r) => r.name === name);
}

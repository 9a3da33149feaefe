/**
 * Capacity arithmetic for the app tier. Pure: no Pulumi types, so config validation, the component
 * and the tests share one implementation, and the analyzer can recompute it from the topology.
 *
 * Model: `replicasPerRegion` pods serve one region's own share of traffic while every region is up
 * (1/regionCount of the total). Serving `sharePercent` of the total alone therefore needs
 * `replicasPerRegion * regionCount * sharePercent / 100` pods. Where that capacity lives decides
 * the trade-off:
 *
 * - `provisioned`: the HPA minimum (and so the node-group minimums) already hold the failover
 *   need. Nothing has to scale when the other region is lost: static stability, paid for by
 *   running roughly regionCount times the steady-state pods all the time.
 * - `scalable`: the minimum holds the steady-state need only; the maximum allows the failover
 *   need. Cheaper, but during a regional event the surviving region runs hot until the HPA
 *   (15 s sync) and the Cluster Autoscaler (decision in seconds, node boot 2-5 min) catch up,
 *   and it relies on EC2 capacity being available in that region at that moment.
 *
 * Both modes keep at least one pod per AZ, round pod counts up to a multiple of the AZ count so
 * the zone spread is even, and size the node-group maximums so that the surviving AZs can hold the
 * HPA maximum (plus the rolling-update surge) after one AZ is lost.
 */

export type CapacityMode = "provisioned" | "scalable";

export interface SizingInput {
  /** Pods one region needs for its own share of traffic in steady state. */
  readonly replicasPerRegion: number;
  readonly azCount: number;
  readonly regionCount: number;
  /** Share of the total traffic one region must serve alone, in percent. */
  readonly sharePercent: number;
  readonly capacity: CapacityMode;
  /** Extra room above the failover need for the HPA maximum, in percent. */
  readonly burstPercent: number;
  /** App pods one node holds. */
  readonly podsPerNode: number;
  /** Floor for each AZ's node-group minimum. @default 1 */
  readonly minNodesPerAz?: number;
}

export interface AppSizing {
  /** Pods for the region's own share (at least one per AZ). */
  readonly steadyReplicas: number;
  /** Pods for `sharePercent` of the total traffic. */
  readonly failoverReplicas: number;
  /** Also the Deployment's initial `replicas`. */
  readonly hpaMinReplicas: number;
  readonly hpaMaxReplicas: number;
  /** Voluntary disruptions the PDB allows at once: one AZ's share of the minimum, at least 1. */
  readonly pdbMaxUnavailable: number;
  /** Rolling-update surge, in percent of the replicas; `maxUnavailable` is always 0. */
  readonly maxSurgePercent: number;
  /** Per managed node group, one group per AZ. */
  readonly nodesPerAz: { readonly min: number; readonly max: number; readonly desired: number };
}

/** Rolling updates add this share of pods before removing old ones. */
export const MAX_SURGE_PERCENT = 25;

function roundUpTo(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function positiveInt(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`sizeAppTier: ${name} must be an integer >= ${min}, got ${value}`);
}

export function sizeAppTier(input: SizingInput): AppSizing {
  positiveInt("replicasPerRegion", input.replicasPerRegion);
  positiveInt("azCount", input.azCount, 2);
  positiveInt("regionCount", input.regionCount);
  positiveInt("sharePercent", input.sharePercent);
  positiveInt("podsPerNode", input.podsPerNode);
  positiveInt("burstPercent", input.burstPercent, 0);
  const az = input.azCount;

  const steadyReplicas = roundUpTo(Math.max(input.replicasPerRegion, az), az);
  const failoverNeed = Math.ceil((input.replicasPerRegion * input.regionCount * input.sharePercent) / 100);
  const failoverReplicas = roundUpTo(Math.max(failoverNeed, steadyReplicas), az);

  const hpaMinReplicas = input.capacity === "provisioned" ? failoverReplicas : steadyReplicas;
  // At least one more pod per AZ than the minimum, so the HPA can always react.
  const hpaMaxReplicas = Math.max(
    hpaMinReplicas + az,
    roundUpTo(Math.ceil((failoverReplicas * (100 + input.burstPercent)) / 100), az),
  );

  const pdbMaxUnavailable = Math.max(1, Math.floor(hpaMinReplicas / az));

  const minNodes = Math.max(input.minNodesPerAz ?? 1, Math.ceil(hpaMinReplicas / az / input.podsPerNode));
  // After one AZ is lost the others hold the maximum, surge included.
  const peakPods = hpaMaxReplicas + Math.ceil((hpaMaxReplicas * MAX_SURGE_PERCENT) / 100);
  const maxNodes = Math.max(minNodes + 1, Math.ceil(Math.ceil(peakPods / (az - 1)) / input.podsPerNode));

  return {
    steadyReplicas,
    failoverReplicas,
    hpaMinReplicas,
    hpaMaxReplicas,
    pdbMaxUnavailable,
    maxSurgePercent: MAX_SURGE_PERCENT,
    nodesPerAz: { min: minNodes, max: maxNodes, desired: minNodes },
  };
}

/**
 * Why a region runs another pod count than `replicasPerRegion`, in words, for the plan's text
 * (undefined when nothing was rounded or raised). The rounding is kept rather than refused:
 * `replicasPerRegion` is what a region needs (a floor), regions may differ in AZ count so no
 * single number is a multiple of all of them, and an even spread is what makes the PDB (one AZ's
 * share) and the AZ-loss capacity exact.
 */
export function explainReplicas(input: SizingInput, sizing: AppSizing = sizeAppTier(input)): string | undefined {
  const asked = input.replicasPerRegion;
  if (sizing.hpaMinReplicas === asked) return undefined;
  const az = input.azCount;
  const parts: string[] = [];
  if (sizing.steadyReplicas !== asked) {
    parts.push(`${asked} rounded up to ${sizing.steadyReplicas}, a multiple of its ${az} AZs, so every AZ runs the same number of pods (${sizing.steadyReplicas / az} each) and losing one AZ leaves ${sizing.steadyReplicas - sizing.steadyReplicas / az}`);
  }
  if (input.capacity === "provisioned" && sizing.failoverReplicas !== sizing.steadyReplicas) {
    const need = Math.ceil((asked * input.regionCount * input.sharePercent) / 100);
    parts.push(`failoverHeadroom provisioned: it already runs what it needs for ${input.sharePercent}% of all traffic alone (${asked} x ${input.regionCount} regions x ${input.sharePercent}% = ${need}${need !== sizing.failoverReplicas ? `, rounded up to ${sizing.failoverReplicas} for the same even spread` : ""})`);
  }
  return `app.replicasPerRegion ${asked} runs as ${sizing.hpaMinReplicas} pods (HPA minimum, max ${sizing.hpaMaxReplicas}): ${parts.join("; ")}`;
}

/** `explainReplicas` for every region of a stack's config, each line prefixed with the region. */
export function replicaNotes(app: { replicasPerRegion: number; failoverHeadroom: { sharePercent: number; capacity: CapacityMode; burstPercent: number }; eks: { podsPerNode: number; minNodesPerAz: number } }, regions: readonly { name: string; azCount: number }[]): string[] {
  return regions.flatMap((r) => {
    const note = explainReplicas({
      replicasPerRegion: app.replicasPerRegion,
      azCount: r.azCount,
      regionCount: regions.length,
      sharePercent: app.failoverHeadroom.sharePercent,
      capacity: app.failoverHeadroom.capacity,
      burstPercent: app.failoverHeadroom.burstPercent,
      podsPerNode: app.eks.podsPerNode,
      minNodesPerAz: app.eks.minNodesPerAz,
    });
    return note ? [`${r.name}: ${note}`] : [];
  });
}

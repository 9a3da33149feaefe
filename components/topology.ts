/**
 * The machine-readable `topology` stack output. Drills and the analyzer read it from a stack's
 * outputs (`pulumi stack output topology --json`) or from a plan, so its shape is an API: add
 * fields, do not rename them.
 */
export interface RegionTopology {
  readonly name: string;
  readonly isWriter: boolean;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly vpcId: string;
  readonly natGateways: "zonal" | "regional";
  /** Per-tier details, filled by the tier components (ALB, clusters, alarms, vaults). */
  readonly app?: Record<string, unknown>;
  readonly database?: Record<string, unknown>;
  readonly sessions?: Record<string, unknown>;
  readonly monitoring?: Record<string, unknown>;
  readonly backup?: Record<string, unknown>;
}

export interface Topology {
  readonly version: 1;
  readonly project: string;
  readonly stack: string;
  readonly environment: string;
  readonly writerRegion: string;
  readonly secondaryRegions: string[];
  readonly objectives: {
    readonly availabilityPercent: number;
    readonly azLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
    readonly regionLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  };
  readonly regions: RegionTopology[];
  /** Global parts: global cluster, global datastore, accelerator or DNS records. */
  readonly database?: Record<string, unknown>;
  readonly sessions?: Record<string, unknown>;
  readonly routing?: Record<string, unknown>;
}

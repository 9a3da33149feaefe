import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/parse";
import type { RegionalDataStores, RegionalEndpoint } from "../contracts";
import { providerDefaultTags } from "../tags";
import type { RegionTopology, Topology } from "../topology";
import { RegionalCell } from "./regionalCell";
import { declareResilience } from "./resilience";

export interface ActiveActiveStackArgs {
  /** Validated stack configuration (see `config/parse.ts`). */
  readonly config: StackConfig;
  /** Pulumi project name. @default "ha-blueprint" */
  readonly project?: string;
  /** Pulumi stack name, used in physical names and tags. */
  readonly stack: string;
}

/**
 * The one entry point the program instantiates: an explicit AWS provider per region (the single
 * region mechanism of this repository), one regional cell per region, the global parts across
 * them, and the `topology` output.
 */
export class ActiveActiveStack extends pulumi.ComponentResource {
  public readonly providers: Record<string, aws.Provider> = {};
  public readonly cells: Record<string, RegionalCell> = {};
  public readonly topology: pulumi.Output<Topology>;

  constructor(name: string, args: ActiveActiveStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:stack:ActiveActiveStack", name, {}, opts);
    const config = args.config;
    const project = args.project ?? "ha-blueprint";

    for (const region of config.regions) {
      const provider = new aws.Provider(`${name}-${region.name}-aws`, {
        region: region.name,
        defaultTags: { tags: providerDefaultTags(project, config.environment, args.stack, region.name) },
      }, { parent: this });
      this.providers[region.name] = provider;
      this.cells[region.name] = new RegionalCell(`${name}-${region.name}`, {
        region,
        stack: args.stack,
        natGateways: config.network.natGateways,
        flowLogRetentionDays: config.network.flowLogRetentionDays,
      }, { parent: this, providers: [provider] });
    }

    // --- Routing, health monitoring, backups (GlobalTrafficManager, HealthMonitoring, BackupPlan) ---
    const { endpoints, dataStores } = this.tierContracts();
    const resilience = declareResilience(name, {
      config,
      stack: args.stack,
      providers: this.providers,
      availabilityZones: Object.fromEntries(config.regions.map((r) => [r.name, this.cells[r.name].network.availabilityZones])),
      endpoints,
      dataStores,
    }, this);
    // ------------------------------------------------------------------------------------------------

    const regions = pulumi.all(config.regions.map((region) => {
      const network = this.cells[region.name].network;
      return pulumi.all([
        pulumi.all(network.availabilityZones), network.vpcId, resilience.monitoring[region.name]?.topology, resilience.backup.topology[region.name],
      ]).apply(([availabilityZones, vpcId, monitoring, backup]): RegionTopology => ({
        name: region.name,
        isWriter: region.name === config.writerRegion,
        cidr: region.cidr,
        availabilityZones,
        vpcId,
        natGateways: config.network.natGateways,
        ...(monitoring ? { monitoring } : {}),
        ...(backup ? { backup } : {}),
      }));
    }));

    this.topology = pulumi.all([regions, resilience.traffic?.topology]).apply(([regionList, routing]): Topology => ({
      version: 1,
      project,
      stack: args.stack,
      environment: config.environment,
      writerRegion: config.writerRegion,
      secondaryRegions: config.secondaryRegions,
      objectives: config.objectives,
      regions: regionList,
      ...(routing ? { routing } : {}),
    }));
    this.registerOutputs({ topology: this.topology });
  }

  /**
   * The app tier's ALB and the data tier's clusters per region, as the contracts in
   * `components/contracts.ts`. Those tiers are built on their own branches: until they are wired
   * here, both lists stay empty and no routing, alarm or backup selection is declared for them.
   */
  private tierContracts(): { endpoints: RegionalEndpoint[]; dataStores: RegionalDataStores[] } {
    return { endpoints: [], dataStores: [] };
  }
}

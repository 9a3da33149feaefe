import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/parse";
import { AppTier } from "../app/appTier";
import { providerDefaultTags } from "../tags";
import type { RegionTopology, Topology } from "../topology";
import { RegionalCell } from "./regionalCell";

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
  /** The app tier of each region (EKS, workload, ALB); its `endpoint` feeds routing and alarms. */
  public readonly apps: Record<string, AppTier> = {};
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

    // --- App tier (issue 7): one AppTier per region, in that region through its provider. ---
    for (const region of config.regions) {
      const cell = this.cells[region.name];
      this.apps[region.name] = new AppTier(`${name}-${region.name}-app`, {
        region: region.name,
        stack: args.stack,
        regionCount: config.regions.length,
        vpcId: cell.network.vpcId,
        availabilityZones: cell.network.availabilityZones,
        privateSubnetIds: cell.network.privateSubnetIds,
        publicSubnetIds: cell.network.publicSubnetIds,
        appSecurityGroupId: cell.appSecurityGroupId,
        app: config.app,
        certificateArn: config.app.certificateArns[region.name],
        accessLogBucket: config.app.accessLogBuckets[region.name],
        deletionProtection: config.app.deletionProtection ?? config.environment === "prod",
      }, { parent: this, providers: [this.providers[region.name]] });
    }

    const regions = pulumi.all(config.regions.map((region) => {
      const network = this.cells[region.name].network;
      const app = this.apps[region.name].topology;
      return pulumi.all([pulumi.all(network.availabilityZones), network.vpcId, app]).apply(([availabilityZones, vpcId, appTopology]): RegionTopology => ({
        name: region.name,
        isWriter: region.name === config.writerRegion,
        cidr: region.cidr,
        availabilityZones,
        vpcId,
        natGateways: config.network.natGateways,
        app: appTopology,
      }));
    }));

    this.topology = regions.apply((regionList): Topology => ({
      version: 1,
      project,
      stack: args.stack,
      environment: config.environment,
      writerRegion: config.writerRegion,
      secondaryRegions: config.secondaryRegions,
      objectives: config.objectives,
      regions: regionList,
    }));
    this.registerOutputs({ topology: this.topology });
  }
}

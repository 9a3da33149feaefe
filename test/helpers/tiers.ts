import * as aws from "@pulumi/aws";
import { loadStack } from "../../config/load";
import { parseConfig, type StackConfig } from "../../config/parse";
import type { RegionalDataStores, RegionalEndpoint } from "../../components/contracts";
import { regionCode } from "../../components/naming";
import { declareResilience } from "../../components/stack/resilience";
import { providerDefaultTags } from "../../components/tags";
import { runPlan } from "../../plan/run";
import type { ExportedResource } from "../../plan/stackExport";
import { withOverrides, wrapPlan, type Plan } from "./plan";

/**
 * Plans the routing, monitoring and backup components on their own, fed with literal tier
 * contracts shaped like the app and data tiers will hand them over (those tiers live on other
 * branches). Providers are built exactly as ActiveActiveStack builds them: one per region.
 */

export const ACCOUNT = "123456789012";

/** Canonical hosted-zone ids of ALBs per region (what an alias record needs). */
const ALB_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
};

export function fixtureEndpoint(region: string, stack = "prod", listenerPorts = [443]): RegionalEndpoint {
  const base = `ha-${stack}-${regionCode(region)}`;
  return {
    region,
    albArn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/${base}-alb/50dc6c495c0c9188`,
    albArnSuffix: `app/${base}-alb/50dc6c495c0c9188`,
    albDnsName: `${base}-alb-1234567890.${region}.elb.amazonaws.com`,
    albZoneId: ALB_ZONE_IDS[region] ?? "Z35SXDOTRQ7X7K",
    targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:targetgroup/${base}-app/6d0ecf831eec9f09`,
    targetGroupArnSuffix: `targetgroup/${base}-app/6d0ecf831eec9f09`,
    listenerPorts,
    healthPath: "/healthz",
  };
}

export function fixtureDataStores(region: string, stack = "prod"): RegionalDataStores {
  const base = `ha-${stack}-${regionCode(region)}`;
  return {
    region,
    databaseKind: "aurora-global",
    sessionStoreKind: "elasticache-global",
    auroraClusterArn: `arn:aws:rds:${region}:${ACCOUNT}:cluster:${base}-aurora`,
    auroraClusterIdentifier: `${base}-aurora`,
    auroraSubnetGroupName: `${base}-aurora-subnets`,
    restoreTestSecurityGroupId: `sg-${regionCode(region)}restoretest`,
    replicationGroupId: `${base}-sessions`,
  };
}

export interface TierPlanOptions {
  /** Config overrides merged into the stack file (keys like `ha-blueprint:routing`). */
  readonly overrides?: Record<string, unknown>;
  /** `true`: a fixture ALB per configured region; or an explicit list; `false`: none. @default true */
  readonly endpoints?: boolean | RegionalEndpoint[];
  /** `true`: fixture clusters per configured region; or an explicit list; `false`: none. @default true */
  readonly dataStores?: boolean | RegionalDataStores[];
}

export interface TierPlan extends Plan {
  readonly config: StackConfig;
  /** Resources whose parent chain leads to the component named `name` (direct or nested). */
  childrenOf(name: string): ExportedResource[];
}

export async function planTiers(stack: string, options: TierPlanOptions = {}): Promise<TierPlan> {
  const rawConfig = withOverrides(loadStack(stack).rawConfig, options.overrides ?? {});
  const config = parseConfig(rawConfig);
  const regions = config.regions.map((r) => r.name);
  const pick = <T>(given: boolean | T[] | undefined, make: (r: string) => T): T[] =>
    Array.isArray(given) ? given : given === false ? [] : regions.map(make);
  const endpoints = pick(options.endpoints, (r) => fixtureEndpoint(r, stack));
  const dataStores = pick(options.dataStores, (r) => fixtureDataStores(r, stack));

  const result = await runPlan({
    stack,
    rawConfig,
    program: () => {
      const providers = Object.fromEntries(config.regions.map((r) => [r.name, new aws.Provider(`ha-${r.name}-aws`, {
        region: r.name,
        defaultTags: { tags: providerDefaultTags("ha-blueprint", config.environment, stack, r.name) },
      })]));
      const letters = ["a", "b", "c", "d", "e", "f"];
      const parts = declareResilience("ha", {
        config,
        stack,
        providers,
        availabilityZones: Object.fromEntries(config.regions.map((r) => [r.name, letters.slice(0, r.azCount).map((l) => `${r.name}${l}`)])),
        endpoints,
        dataStores,
      });
      return {
        routing: parts.traffic?.topology,
        monitoring: Object.fromEntries(Object.entries(parts.monitoring).map(([r, m]) => [r, m.topology])),
        backup: parts.backup.topology,
      };
    },
  });
  const plan = wrapPlan(result);
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  return {
    ...plan,
    config,
    childrenOf: (name) => plan.resources.filter((r) => {
      for (let p = r.parent; p; p = byUrn.get(p)?.parent) if (nameOf(p) === name) return true;
      return false;
    }),
  };
}

/** The region in an ARN (`arn:aws:<service>:<region>:...`). */
export function arnRegion(arn: unknown): string {
  return String(arn).split(":")[3];
}

export function tagsOf(r: ExportedResource): Record<string, string> {
  return (r.inputs?.tags ?? {}) as Record<string, string>;
}

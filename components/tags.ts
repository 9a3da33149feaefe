/**
 * Tags. The regional provider's `defaultTags` carry project, environment, stack and region; each
 * component adds `ha:tier` and `Name` on every taggable resource itself, because transforms do not
 * run under the mock runtime and tests must see the tags.
 */

export const TAG_PROJECT = "ha:project";
export const TAG_ENVIRONMENT = "ha:environment";
/** The rule set (dev, staging, prod) of an environment whose name is none of them (config/environment.ts). */
export const TAG_STRICTNESS = "ha:strictness";
export const TAG_STACK = "ha:stack";
export const TAG_REGION = "ha:region";
export const TAG_TIER = "ha:tier";

/** The failure-analysis tiers; the graph model maps resource types to the same names. */
export const TIERS = ["network", "entry", "app", "database", "sessions", "backup", "monitoring"] as const;
export type Tier = (typeof TIERS)[number];

export function providerDefaultTags(project: string, environment: string, stack: string, region: string, strictness = environment): Record<string, string> {
  return {
    [TAG_PROJECT]: project,
    [TAG_ENVIRONMENT]: environment,
    // Only when it differs from the name: existing stacks keep their tags unchanged.
    ...(strictness !== environment ? { [TAG_STRICTNESS]: strictness } : {}),
    [TAG_STACK]: stack,
    [TAG_REGION]: region,
    "managed-by": "pulumi",
  };
}

export function tierTags(tier: Tier, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [TAG_TIER]: tier, Name: name, ...extra };
}

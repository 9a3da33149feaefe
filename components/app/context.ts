import type * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags, type Tier } from "../tags";

/**
 * What every app-tier helper needs to declare its resources: the component as parent (so they
 * inherit its regional AWS provider), the naming and tagging rules, and the partition for
 * AWS-managed policy ARNs.
 */
export interface TierContext {
  /** The AppTier's logical name; children are `${name}-<role>`. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly stack: string;
  readonly region: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, from the regional provider. */
  readonly partition: pulumi.Output<string>;
}

export function physical(ctx: TierContext, role: string, maxLength = 63): string {
  return physicalName({ stack: ctx.stack, region: ctx.region, role }, maxLength);
}

export function tagsFor(ctx: TierContext, tier: Tier, role: string, extra: Record<string, string> = {}): Record<string, string> {
  return tierTags(tier, physical(ctx, role), extra);
}

/** Trust policy for an AWS service principal. */
export function serviceTrust(service: string, actions: string[] = ["sts:AssumeRole"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

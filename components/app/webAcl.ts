import * as aws from "../sdk/aws";
import type * as pulumi from "@pulumi/pulumi";
import { physical, tagsFor, type TierContext } from "./context";

/**
 * AWS managed rule groups every internet-facing ALB gets (AWS WAF Developer Guide, "AWS Managed
 * Rules rule groups list"): the core rule set (OWASP-style request inspection), known bad inputs
 * (e.g. Log4j, Java deserialisation) and the Amazon IP reputation list. All are free of
 * per-group subscription charges; none needs application-specific tuning to start blocking.
 */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesAmazonIpReputationList",
] as const;

/**
 * A regional web ACL with the managed rule groups, associated with the ALB. Requests that match
 * no rule are allowed; each group blocks with its own rule actions (`overrideAction: none`).
 * CloudWatch metrics and sampled requests are on so a blocked legitimate client can be found.
 */
export function createWebAcl(ctx: TierContext, albArn: pulumi.Input<string>): aws.wafv2.WebAcl {
  const { name, parent } = ctx;
  const aclName = physical(ctx, "alb-waf", 128);
  const metric = (suffix: string) => `${aclName}-${suffix}`.slice(0, 128);
  const acl = new aws.wafv2.WebAcl(`${name}-waf`, {
    name: aclName,
    description: "AWS managed rule groups in front of the app ALB",
    scope: "REGIONAL",
    defaultAction: { allow: {} },
    rules: MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group,
      priority: i + 1,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: metric(group) },
    })),
    visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: metric("all") },
    tags: tagsFor(ctx, "entry", "alb-waf"),
  }, { parent });
  new aws.wafv2.WebAclAssociation(`${name}-waf-alb`, { resourceArn: albArn, webAclArn: acl.arn }, { parent });
  return acl;
}

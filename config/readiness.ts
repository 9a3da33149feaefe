import { cidrsOverlap } from "../components/network/cidr";
import type { StackConfig } from "./parse";

/**
 * Values that are valid config but cannot work in a real deployment: the documentation ranges and
 * example account ids the shipped stack files use as placeholders. The offline plan runs with
 * them; `plan` and `pulumi up` print these lines so nobody deploys a placeholder by accident.
 */

/** RFC 5737 documentation ranges: no real client has these addresses. */
const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
/** Account ids AWS uses in its own documentation examples. */
const EXAMPLE_ACCOUNTS = ["111122223333", "123456789012", "444455556666"];
/** RFC 2606 second-level domains reserved for documentation. */
const DOCUMENTATION_DOMAINS = ["example.com", "example.org", "example.net"];

export function deployReadinessWarnings(config: StackConfig): string[] {
  const warnings: string[] = [];
  const eks = config.app.eks;
  const placeholders = [...eks.publicAccessCidrs, ...eks.privateAccessCidrs]
    .filter((cidr) => DOCUMENTATION_RANGES.some((doc) => cidrsOverlap(cidr, doc)));
  if (placeholders.length > 0) {
    warnings.push(
      `app.eks access CIDRs ${placeholders.join(", ")} are documentation ranges (RFC 5737): no operator can reach the Kubernetes API from them; set your own before pulumi up`,
    );
  }
  for (const [region, arn] of Object.entries(config.app.certificateArns)) {
    const account = arn.split(":")[4];
    if (EXAMPLE_ACCOUNTS.includes(account)) {
      warnings.push(`app.certificateArns.${region} is in the example account ${account}: request or import a certificate in ACM (${region}) and set its ARN before pulumi up`);
    }
  }
  for (const arn of eks.adminPrincipalArns) {
    const account = arn.split(":")[4];
    if (EXAMPLE_ACCOUNTS.includes(account)) {
      warnings.push(`app.eks.adminPrincipalArns lists ${arn} in the example account ${account}: name the IAM roles of your CI and platform team (including the one that runs pulumi up) before pulumi up, or no one can reach Kubernetes`);
    }
  }
  for (const [region, bucket] of Object.entries(config.app.accessLogBuckets)) {
    if (EXAMPLE_ACCOUNTS.some((account) => bucket.includes(account))) {
      warnings.push(`app.accessLogBuckets.${region} (${bucket}) names the example account: create an SSE-S3 bucket in ${region} whose policy lets ELB log delivery write, and set its name before pulumi up`);
    }
  }
  const targets = [
    ...(config.monitoring.alarmEmail ? [config.monitoring.alarmEmail] : []),
    ...config.monitoring.alarmSubscriptions.map((s) => s.endpoint),
  ];
  for (const target of targets) {
    if (DOCUMENTATION_DOMAINS.some((domain) => new RegExp(`[@./]${domain.replace(".", "\\.")}([/:]|$)`).test(target)) || EXAMPLE_ACCOUNTS.some((a) => target.includes(`:${a}:`))) {
      warnings.push(`monitoring alarm target ${target} is a documentation placeholder (RFC 2606 domain or example account): alarms would reach no one; set your on-call address before pulumi up`);
    }
  }
  return warnings;
}

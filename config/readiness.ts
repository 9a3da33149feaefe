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
  return warnings;
}

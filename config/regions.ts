/**
 * AWS Region names the blueprint accepts. A list, not a pattern: `us-mars-9` has the shape of a
 * region and must still be refused before anything is declared. Sources: AWS General Reference,
 * "AWS Regions" (commercial), plus AWS GovCloud (US), the China Regions and the AWS European
 * Sovereign Cloud. Add a Region here when AWS opens one.
 */
export const AWS_REGIONS: readonly string[] = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "ca-central-1", "ca-west-1", "mx-central-1", "sa-east-1",
  "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
  "eu-south-1", "eu-south-2", "eu-north-1",
  "il-central-1", "me-south-1", "me-central-1", "af-south-1",
  "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
  "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "us-gov-east-1", "us-gov-west-1",
  "cn-north-1", "cn-northwest-1",
  "eusc-de-east-1",
];

const KNOWN = new Set(AWS_REGIONS);

export function isAwsRegion(name: string): boolean {
  return KNOWN.has(name);
}

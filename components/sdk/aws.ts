/**
 * The parts of @pulumi/aws the components use, imported by submodule. The package root loads all
 * ~250 service modules (about 90 ms and 400 files at every start); this loads the 17 in use. Same
 * classes and types as `import * as aws from "@pulumi/aws"`, so component code still reads
 * `aws.ec2.Vpc`. A component that needs another service adds it here.
 */
export * as autoscaling from "@pulumi/aws/autoscaling";
export * as backup from "@pulumi/aws/backup";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as dsql from "@pulumi/aws/dsql";
export * as ec2 from "@pulumi/aws/ec2";
export * as eks from "@pulumi/aws/eks";
export * as elasticache from "@pulumi/aws/elasticache";
export * as globalaccelerator from "@pulumi/aws/globalaccelerator";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as lb from "@pulumi/aws/lb";
export * as memorydb from "@pulumi/aws/memorydb";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as sns from "@pulumi/aws/sns";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";
import { Provider } from "@pulumi/aws/provider";
import { registerProviderPackage } from "./providerPackage";

export { Provider };
export type { ProviderArgs } from "@pulumi/aws/provider";
export { getAvailabilityZones, getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";

// eslint-disable-next-line @typescript-eslint/no-require-imports
registerProviderPackage("aws", require("@pulumi/aws/package.json").version as string, Provider);

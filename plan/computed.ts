import { createHash } from "node:crypto";

/**
 * What the AWS provider would compute for a resource (ids, ARNs, endpoints), so the program's
 * Output plumbing resolves with realistic values under the mock runtime. Inputs are echoed as
 * outputs by the caller; these functions add only computed properties.
 */

export const MOCK_ACCOUNT = "123456789012";

export interface ComputeContext {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly region: string;
  /** Deterministic hex derived from the resource's identity. */
  readonly hex: (length: number) => string;
}

export type ComputedOutputs = (ctx: ComputeContext) => { id?: string; state: Record<string, unknown> };

export function hexOf(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function arn(service: string, region: string, resource: string): string {
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
}

/** Pulumi auto-names resources without an explicit name: logical name plus a random suffix. */
export function autoName(ctx: ComputeContext, field = "name"): string {
  const given = ctx.inputs[field];
  return typeof given === "string" && given ? given : `${ctx.name}-${ctx.hex(7)}`;
}

const ec2 = (prefix: string, kind: string): ComputedOutputs => (ctx) => {
  const id = `${prefix}-${ctx.hex(17)}`;
  return { id, state: { arn: arn("ec2", ctx.region, `${kind}/${id}`), ownerId: MOCK_ACCOUNT } };
};

/** Computed outputs per resource type token. Tier modules add their types here. */
export const COMPUTED: Record<string, ComputedOutputs> = {
  "aws:ec2/vpc:Vpc": (ctx) => {
    const id = `vpc-${ctx.hex(17)}`;
    return {
      id,
      state: {
        arn: arn("ec2", ctx.region, `vpc/${id}`),
        mainRouteTableId: `rtb-${ctx.hex(17)}`,
        defaultSecurityGroupId: `sg-${ctx.hex(17)}`,
        defaultNetworkAclId: `acl-${ctx.hex(17)}`,
        ownerId: MOCK_ACCOUNT,
      },
    };
  },
  "aws:ec2/subnet:Subnet": (ctx) => {
    const id = `subnet-${ctx.hex(17)}`;
    return { id, state: { arn: arn("ec2", ctx.region, `subnet/${id}`), ownerId: MOCK_ACCOUNT } };
  },
  "aws:ec2/internetGateway:InternetGateway": ec2("igw", "internet-gateway"),
  "aws:ec2/routeTable:RouteTable": ec2("rtb", "route-table"),
  "aws:ec2/route:Route": (ctx) => ({ id: `r-${ctx.hex(17)}`, state: { state: "active", origin: "CreateRoute" } }),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": (ctx) => ({ id: `rtbassoc-${ctx.hex(17)}`, state: {} }),
  "aws:ec2/eip:Eip": (ctx) => {
    const id = `eipalloc-${ctx.hex(17)}`;
    const n = parseInt(ctx.hex(4), 16);
    return { id, state: { allocationId: id, publicIp: `3.${(n >> 8) & 255}.${n & 255}.${(n % 250) + 1}`, arn: arn("ec2", ctx.region, `elastic-ip/${id}`) } };
  },
  "aws:ec2/natGateway:NatGateway": (ctx) => {
    const id = `nat-${ctx.hex(17)}`;
    return { id, state: { networkInterfaceId: `eni-${ctx.hex(17)}`, privateIp: "10.0.0.10" } };
  },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ec2("sg", "security-group"),
  "aws:ec2/securityGroup:SecurityGroup": ec2("sg", "security-group"),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ec2("sgr", "security-group-rule"),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ec2("sgr", "security-group-rule"),
  "aws:ec2/flowLog:FlowLog": ec2("fl", "vpc-flow-log"),
  "aws:ec2/launchTemplate:LaunchTemplate": (ctx) => {
    const id = `lt-${ctx.hex(17)}`;
    return { id, state: { arn: arn("ec2", ctx.region, `launch-template/${id}`), latestVersion: 1, defaultVersion: 1, name: autoName(ctx) } };
  },
  "aws:cloudwatch/logGroup:LogGroup": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("logs", ctx.region, `log-group:${name}`) } };
  },
  "aws:iam/role:Role": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}`, uniqueId: `AROA${ctx.hex(17).toUpperCase()}` } };
  },
  "aws:iam/rolePolicy:RolePolicy": (ctx) => ({ id: `${String(ctx.inputs.role)}:${autoName(ctx)}`, state: { name: autoName(ctx) } }),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (ctx) => ({ id: `${ctx.name}-${ctx.hex(8)}`, state: {} }),
  "aws:iam/policy:Policy": (ctx) => {
    const name = autoName(ctx);
    return { id: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${name}`, state: { name, arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${name}` } };
  },
  "aws:kms/key:Key": (ctx) => {
    const id = `${ctx.hex(8)}-${ctx.hex(4)}-${ctx.hex(4)}-${ctx.hex(4)}-${ctx.hex(12)}`;
    return { id, state: { keyId: id, arn: arn("kms", ctx.region, `key/${id}`) } };
  },
  "aws:kms/alias:Alias": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { arn: arn("kms", ctx.region, name) } };
  },
  "aws:sns/topic:Topic": (ctx) => {
    const name = autoName(ctx);
    const topicArn = arn("sns", ctx.region, name);
    return { id: topicArn, state: { name, arn: topicArn } };
  },
};

/** Fallback for types no module describes: an id and an ARN in the resource's service. */
export function genericComputed(ctx: ComputeContext): { id?: string; state: Record<string, unknown> } {
  const service = ctx.type.split(":")[1]?.split("/")[0] ?? "unknown";
  const id = `${ctx.name}-${ctx.hex(8)}`;
  return { id, state: { arn: arn(service, ctx.region, id) } };
}

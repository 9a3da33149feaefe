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

/** Base64 of a placeholder PEM: the shape of an EKS certificate-authority `data` value. */
const MOCK_CA_DATA = Buffer.from("-----BEGIN CERTIFICATE-----\nTU9DSyBDQQ==\n-----END CERTIFICATE-----\n").toString("base64");
const MOCK_TIME = "2026-01-01T00:00:00Z";

/** Canonical hosted zone ids of Application/Classic load balancers, for alias records. */
const ELB_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-1": "Z368ELLRRE2KJ0",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-central-1": "Z215JYRZR1TBD5",
  "ap-southeast-1": "Z1LMS91P8CMLE5",
  "ap-southeast-2": "Z1GM3OXH4ZPM65",
  "ap-northeast-1": "Z14GRHDCWA56QT",
};

function uuidOf(ctx: ComputeContext): string {
  const h = ctx.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

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

  // --- App tier (issue 7): EKS, load balancing, Auto Scaling ---
  "aws:eks/cluster:Cluster": (ctx) => {
    const name = autoName(ctx);
    const oidcId = ctx.hex(32).toUpperCase();
    const vpcConfig = (ctx.inputs.vpcConfig ?? {}) as Record<string, unknown>;
    return {
      id: name,
      state: {
        name,
        arn: arn("eks", ctx.region, `cluster/${name}`),
        endpoint: `https://${oidcId}.gr7.${ctx.region}.eks.amazonaws.com`,
        certificateAuthority: { data: MOCK_CA_DATA },
        certificateAuthorities: [{ data: MOCK_CA_DATA }],
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${ctx.region}.amazonaws.com/id/${oidcId}` }] }],
        vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-${ctx.hex(17)}` },
        kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" },
        version: ctx.inputs.version ?? "1.33",
        platformVersion: "eks.1",
        status: "ACTIVE",
        createdAt: MOCK_TIME,
        clusterId: uuidOf(ctx),
      },
    };
  },
  "aws:eks/nodeGroup:NodeGroup": (ctx) => {
    const prefix = ctx.inputs.nodeGroupNamePrefix;
    // The provider appends a 26-digit timestamp-based suffix to a prefix.
    const nodeGroupName = typeof ctx.inputs.nodeGroupName === "string" && ctx.inputs.nodeGroupName
      ? ctx.inputs.nodeGroupName
      : typeof prefix === "string" ? `${prefix}20260101000000${String(parseInt(ctx.hex(10), 16)).padStart(12, "0").slice(-12)}` : autoName(ctx);
    const cluster = String(ctx.inputs.clusterName ?? "cluster");
    const uuid = uuidOf(ctx);
    const version = typeof ctx.inputs.version === "string" ? ctx.inputs.version : "1.33";
    return {
      id: `${cluster}:${nodeGroupName}`,
      state: {
        nodeGroupName,
        arn: arn("eks", ctx.region, `nodegroup/${cluster}/${nodeGroupName}/${uuid}`),
        resources: [{ autoscalingGroups: [{ name: `eks-${nodeGroupName}-${uuid}` }], remoteAccessSecurityGroupId: "" }],
        status: "ACTIVE",
        version,
        releaseVersion: `${version}.0-20260101`,
      },
    };
  },
  "aws:eks/addon:Addon": (ctx) => {
    const cluster = String(ctx.inputs.clusterName ?? "cluster");
    const addon = String(ctx.inputs.addonName ?? ctx.name);
    return {
      id: `${cluster}:${addon}`,
      state: { arn: arn("eks", ctx.region, `addon/${cluster}/${addon}/${uuidOf(ctx)}`), addonVersion: "v1.0.0-eksbuild.1", createdAt: MOCK_TIME, modifiedAt: MOCK_TIME },
    };
  },
  "aws:eks/accessEntry:AccessEntry": (ctx) => {
    const cluster = String(ctx.inputs.clusterName ?? "cluster");
    const principal = String(ctx.inputs.principalArn ?? "");
    return {
      id: `${cluster}:${principal}`,
      state: {
        accessEntryArn: arn("eks", ctx.region, `access-entry/${cluster}/role/${MOCK_ACCOUNT}/${principal.split("/").pop()}/${uuidOf(ctx)}`),
        kubernetesGroups: [],
        type: ctx.inputs.type ?? "STANDARD",
        userName: principal,
        createdAt: MOCK_TIME,
      },
    };
  },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": (ctx) => ({
    id: `${String(ctx.inputs.clusterName)}#${String(ctx.inputs.principalArn)}#${String(ctx.inputs.policyArn)}`,
    state: { associatedAt: MOCK_TIME, modifiedAt: MOCK_TIME },
  }),
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (ctx) => {
    const id = `a-${ctx.hex(17)}`;
    return {
      id,
      state: { associationId: id, associationArn: arn("eks", ctx.region, `podidentityassociation/${String(ctx.inputs.clusterName)}/${id}`), externalId: uuidOf(ctx) },
    };
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (ctx) => {
    const host = String(ctx.inputs.url ?? "").replace(/^https:\/\//, "");
    const providerArn = `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${host}`;
    return { id: providerArn, state: { arn: providerArn } };
  },
  "aws:lb/loadBalancer:LoadBalancer": (ctx) => {
    const name = autoName(ctx);
    const kind = ctx.inputs.loadBalancerType === "network" ? "net" : ctx.inputs.loadBalancerType === "gateway" ? "gwy" : "app";
    const suffix = `${kind}/${name}/${ctx.hex(16)}`;
    const lbArn = arn("elasticloadbalancing", ctx.region, `loadbalancer/${suffix}`);
    const host = `${ctx.inputs.internal === true ? "internal-" : ""}${name}-${parseInt(ctx.hex(8), 16)}`;
    return {
      id: lbArn,
      state: {
        name,
        arn: lbArn,
        arnSuffix: suffix,
        dnsName: kind === "app" ? `${host}.${ctx.region}.elb.amazonaws.com` : `${host}.elb.${ctx.region}.amazonaws.com`,
        zoneId: ELB_ZONE_IDS[ctx.region] ?? `Z${ctx.hex(13).toUpperCase()}`,
        loadBalancerType: ctx.inputs.loadBalancerType ?? "application",
        ipAddressType: ctx.inputs.ipAddressType ?? "ipv4",
      },
    };
  },
  "aws:lb/targetGroup:TargetGroup": (ctx) => {
    const name = autoName(ctx);
    const suffix = `targetgroup/${name}/${ctx.hex(16)}`;
    const tgArn = arn("elasticloadbalancing", ctx.region, suffix);
    return { id: tgArn, state: { name, arn: tgArn, arnSuffix: suffix, loadBalancerArns: [] } };
  },
  "aws:lb/listener:Listener": (ctx) => {
    const lbArn = typeof ctx.inputs.loadBalancerArn === "string" ? ctx.inputs.loadBalancerArn : arn("elasticloadbalancing", ctx.region, `loadbalancer/app/unknown/${ctx.hex(16)}`);
    const listenerArn = `${lbArn.replace(":loadbalancer/", ":listener/")}/${ctx.hex(16)}`;
    return { id: listenerArn, state: { arn: listenerArn } };
  },
  "aws:autoscaling/attachment:Attachment": (ctx) => ({ id: `${String(ctx.inputs.autoscalingGroupName)}-${ctx.hex(26)}`, state: {} }),
  "aws:autoscaling/tag:Tag": (ctx) => {
    const tag = (ctx.inputs.tag ?? {}) as Record<string, unknown>;
    return { id: `${String(ctx.inputs.autoscalingGroupName)},${String(tag.key)}`, state: {} };
  },
};

// ---- Data tier: Aurora global database, ElastiCache global datastore, random secrets ----

/** ElastiCache prefixes a global datastore id per creating region (ElastiCache user guide, "Using the AWS CLI with global datastores"). */
const GLOBAL_DATASTORE_PREFIX: Record<string, string> = {
  "us-east-1": "ldgnf", "us-east-2": "fpkhr", "us-west-1": "virxk", "us-west-2": "sgaui", "ca-central-1": "bxodz",
  "ap-south-1": "erpgt", "ap-northeast-1": "quwsw", "ap-northeast-2": "lfqnh", "ap-northeast-3": "nlapn",
  "ap-southeast-1": "vlqxn", "ap-southeast-2": "vbgxd", "ap-east-1": "knjmp", "eu-central-1": "iudkw",
  "eu-west-1": "gxeiz", "eu-west-2": "okuqm", "eu-west-3": "fgjhi", "sa-east-1": "juxlw",
  "cn-north-1": "emvgo", "cn-northwest-1": "ckbem",
};

/** ElastiCache endpoint region code: `us-east-1` -> `use1`. */
function cacheRegionCode(region: string): string {
  const [geo, area, n] = region.split("-");
  const words: Record<string, string> = { east: "e", west: "w", north: "n", south: "s", central: "c", northeast: "ne", southeast: "se", northwest: "nw", southwest: "sw" };
  return `${geo}${words[area] ?? area?.slice(0, 2) ?? ""}${n ?? ""}`;
}

/** RDS endpoints share one random label per account and region, e.g. `c9akciq32xyz`. */
function rdsDomain(region: string): string {
  return `${hexOf(`rds::${MOCK_ACCOUNT}::${region}`, 12)}.${region}.rds.amazonaws.com`;
}

function rdsPort(inputs: Record<string, unknown>): number {
  if (typeof inputs.port === "number") return inputs.port;
  return String(inputs.engine ?? "").includes("mysql") ? 3306 : 5432;
}

/** What `@pulumi/random` produces: `length` characters from the enabled classes, with the minimums met. */
function randomPasswordOf(ctx: ComputeContext): string {
  const inputs = ctx.inputs;
  const length = typeof inputs.length === "number" ? inputs.length : 16;
  const classes: [string, number][] = [];
  if (inputs.lower !== false) classes.push(["abcdefghijklmnopqrstuvwxyz", Number(inputs.minLower ?? 0)]);
  if (inputs.upper !== false) classes.push(["ABCDEFGHIJKLMNOPQRSTUVWXYZ", Number(inputs.minUpper ?? 0)]);
  if (inputs.numeric !== false && inputs.number !== false) classes.push(["0123456789", Number(inputs.minNumeric ?? 0)]);
  if (inputs.special !== false) {
    classes.push([typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : "!@#$%&*()-_=+[]{}<>:?", Number(inputs.minSpecial ?? 0)]);
  }
  const all = classes.map(([chars]) => chars).join("");
  const bytes = Buffer.from(hexOf(`${ctx.type}::${ctx.name}::secret`, 64) + hexOf(`${ctx.name}::secret2`, 64) + hexOf(`${ctx.name}::secret3`, 64), "hex");
  const out: string[] = [];
  classes.forEach(([chars, min]) => {
    for (let k = 0; k < min; k++) out.push(chars[bytes[out.length] % chars.length]);
  });
  while (out.length < length) out.push(all[bytes[out.length % bytes.length] % all.length]);
  return out.slice(0, length).join("");
}

Object.assign(COMPUTED, {
  "aws:rds/globalCluster:GlobalCluster": (ctx) => {
    const id = String(ctx.inputs.globalClusterIdentifier);
    return {
      id,
      state: {
        // Global cluster ARNs carry no region.
        arn: `arn:aws:rds::${MOCK_ACCOUNT}:global-cluster:${id}`,
        endpoint: `${id}.global-${hexOf(`global::${id}`, 10)}.global.rds.amazonaws.com`,
        globalClusterResourceId: `cluster-${ctx.hex(26).toUpperCase()}`,
        engineVersionActual: ctx.inputs.engineVersion,
        engineLifecycleSupport: "open-source-rds-extended-support",
        globalClusterMembers: [],
      },
    };
  },
  "aws:rds/cluster:Cluster": (ctx) => {
    const id = autoName(ctx, "clusterIdentifier");
    return {
      id,
      state: {
        clusterIdentifier: id,
        arn: arn("rds", ctx.region, `cluster:${id}`),
        endpoint: `${id}.cluster-${rdsDomain(ctx.region)}`,
        readerEndpoint: `${id}.cluster-ro-${rdsDomain(ctx.region)}`,
        port: rdsPort(ctx.inputs),
        clusterResourceId: `cluster-${ctx.hex(26).toUpperCase()}`,
        hostedZoneId: "Z2R2ITUGPM61AM",
        engineVersionActual: ctx.inputs.engineVersion,
      },
    };
  },
  "aws:rds/clusterInstance:ClusterInstance": (ctx) => {
    const id = autoName(ctx, "identifier");
    return {
      id,
      state: {
        identifier: id,
        arn: arn("rds", ctx.region, `db:${id}`),
        endpoint: `${id}.${rdsDomain(ctx.region)}`,
        port: rdsPort(ctx.inputs),
        dbiResourceId: `db-${ctx.hex(26).toUpperCase()}`,
        storageEncrypted: true,
      },
    };
  },
  "aws:rds/subnetGroup:SubnetGroup": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("rds", ctx.region, `subgrp:${name}`) } };
  },
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("rds", ctx.region, `cluster-pg:${name}`) } };
  },
  "aws:elasticache/subnetGroup:SubnetGroup": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("elasticache", ctx.region, `subnetgroup:${name}`) } };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (ctx) => {
    const id = autoName(ctx, "replicationGroupId");
    const host = `${id}.${hexOf(`elasticache::${MOCK_ACCOUNT}::${ctx.region}`, 6)}.${cacheRegionCode(ctx.region)}.cache.amazonaws.com`;
    const count = typeof ctx.inputs.numCacheClusters === "number" ? ctx.inputs.numCacheClusters : 1;
    return {
      id,
      state: {
        replicationGroupId: id,
        arn: arn("elasticache", ctx.region, `replicationgroup:${id}`),
        // With in-transit encryption the endpoints are the `master.` / `replica.` names.
        primaryEndpointAddress: `master.${host}`,
        readerEndpointAddress: `replica.${host}`,
        memberClusters: Array.from({ length: count }, (_, i) => `${id}-${String(i + 1).padStart(3, "0")}`),
        port: typeof ctx.inputs.port === "number" ? ctx.inputs.port : 6379,
        clusterEnabled: false,
        clusterMode: "disabled",
        engineVersionActual: ctx.inputs.engineVersion,
        globalReplicationGroupId: ctx.inputs.globalReplicationGroupId ?? "",
      },
    };
  },
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": (ctx) => {
    const prefix = GLOBAL_DATASTORE_PREFIX[ctx.region] ?? hexOf(`prefix::${ctx.region}`, 5).replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)]);
    const id = `${prefix}-${String(ctx.inputs.globalReplicationGroupIdSuffix)}`;
    return {
      id,
      state: {
        globalReplicationGroupId: id,
        arn: `arn:aws:elasticache::${MOCK_ACCOUNT}:globalreplicationgroup:${id}`,
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        authTokenEnabled: true,
        clusterEnabled: false,
      },
    };
  },
  // MemoryDB Multi-Region: the multi-Region cluster's name carries an AWS prefix, like a global
  // datastore's id (provider docs import example: `virxk-example`).
  "aws:memorydb/multiRegionCluster:MultiRegionCluster": (ctx) => {
    const prefix = GLOBAL_DATASTORE_PREFIX[ctx.region] ?? hexOf(`prefix::${ctx.region}`, 5).replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)]);
    const name = `${prefix}-${String(ctx.inputs.multiRegionClusterNameSuffix)}`;
    return {
      id: name,
      state: {
        multiRegionClusterName: name,
        arn: `arn:aws:memorydb::${MOCK_ACCOUNT}:multiregioncluster/${name}`,
        engine: ctx.inputs.engine ?? "valkey",
        engineVersion: ctx.inputs.engineVersion ?? "7.3",
        numShards: ctx.inputs.numShards ?? 1,
        multiRegionParameterGroupName: "default.memorydb-valkey7.multiregion",
        tlsEnabled: ctx.inputs.tlsEnabled ?? true,
        status: "available",
      },
    };
  },
  "aws:memorydb/cluster:Cluster": (ctx) => {
    const name = autoName(ctx);
    const port = typeof ctx.inputs.port === "number" ? ctx.inputs.port : 6379;
    const shards = typeof ctx.inputs.numShards === "number" ? ctx.inputs.numShards : 1;
    const nodes = 1 + (typeof ctx.inputs.numReplicasPerShard === "number" ? ctx.inputs.numReplicasPerShard : 1);
    const domain = `${hexOf(`memorydb::${MOCK_ACCOUNT}::${ctx.region}`, 6)}.memorydb.${ctx.region}.amazonaws.com`;
    return {
      id: name,
      state: {
        name,
        arn: arn("memorydb", ctx.region, `cluster/${name}`),
        // The cluster endpoint: clients in cluster mode discover the shards from it.
        clusterEndpoints: [{ address: `clustercfg.${name}.${domain}`, port }],
        shards: Array.from({ length: shards }, (_, i) => {
          const shard = String(i + 1).padStart(4, "0");
          return {
            name: shard,
            numNodes: nodes,
            slots: `${Math.floor((16384 / shards) * i)}-${Math.floor((16384 / shards) * (i + 1)) - 1}`,
            nodes: Array.from({ length: nodes }, (_, n) => ({
              name: `${name}-${shard}-${String(n + 1).padStart(3, "0")}`,
              createTime: MOCK_TIME,
              endpoints: [{ address: `${name}-${shard}-${String(n + 1).padStart(3, "0")}.${domain}`, port }],
            })),
          };
        }),
        enginePatchVersion: `${String(ctx.inputs.engineVersion ?? "7.3")}.0`,
        parameterGroupName: "default.memorydb-valkey7",
      },
    };
  },
  "aws:memorydb/subnetGroup:SubnetGroup": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("memorydb", ctx.region, `subnetgroup/${name}`), vpcId: `vpc-${ctx.hex(17)}` } };
  },
  "aws:memorydb/user:User": (ctx) => {
    const userName = String(ctx.inputs.userName);
    return { id: userName, state: { arn: arn("memorydb", ctx.region, `user/${userName}`), minimumEngineVersion: "6.2" } };
  },
  "aws:memorydb/acl:Acl": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("memorydb", ctx.region, `acl/${name}`), minimumEngineVersion: "6.2" } };
  },
  // Aurora DSQL: 26-character identifiers; the cluster's PrivateLink service is
  // `com.amazonaws.<region>.dsql-<4 chars>` (Aurora DSQL User Guide, PrivateLink).
  "aws:dsql/cluster:Cluster": (ctx) => {
    const identifier = ctx.hex(26);
    const clusterArn = arn("dsql", ctx.region, `cluster/${identifier}`);
    const multi = (ctx.inputs.multiRegionProperties ?? undefined) as Record<string, unknown> | undefined;
    const key = str(ctx.inputs.kmsEncryptionKey, "AWS_OWNED_KMS_KEY");
    return {
      id: identifier,
      state: {
        identifier,
        arn: clusterArn,
        vpcEndpointServiceName: `com.amazonaws.${ctx.region}.dsql-${ctx.hex(4)}`,
        kmsEncryptionKey: key,
        encryptionDetails: [{ encryptionType: key === "AWS_OWNED_KMS_KEY" ? "AWS_OWNED_KMS_KEY" : "CUSTOMER_MANAGED_KMS_KEY", encryptionStatus: "ENABLED" }],
        ...(multi ? { multiRegionProperties: { witnessRegion: multi.witnessRegion, clusters: [clusterArn] } } : {}),
      },
    };
  },
  "aws:dsql/clusterPeering:ClusterPeering": (ctx) => ({ id: str(ctx.inputs.identifier), state: {} }),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (ctx) => {
    const id = `vpce-${ctx.hex(17)}`;
    const subnets = Array.isArray(ctx.inputs.subnetIds) ? ctx.inputs.subnetIds : [];
    return {
      id,
      state: {
        arn: arn("ec2", ctx.region, `vpc-endpoint/${id}`),
        state: "available",
        networkInterfaceIds: subnets.map((_, i) => `eni-${hexOf(`${id}::${i}`, 17)}`),
        dnsEntries: [{ dnsName: `${id}-${ctx.hex(8)}.${str(ctx.inputs.serviceName).split(".").pop()}.${ctx.region}.vpce.amazonaws.com`, hostedZoneId: `Z${ctx.hex(13).toUpperCase()}` }],
        ownerId: MOCK_ACCOUNT,
        requesterManaged: false,
      },
    };
  },
  "random:index/randomPassword:RandomPassword": (ctx) => {
    const result = randomPasswordOf(ctx);
    return { id: "none", state: { result, bcryptHash: `$2a$10$${hexOf(result, 53)}` } };
  },
} satisfies Record<string, ComputedOutputs>);

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

/** Routing, monitoring and backup types (GlobalTrafficManager, HealthMonitoring, BackupPlan). */
Object.assign(COMPUTED, {
  // Global Accelerator is global: ARNs carry no region, and the provider talks to us-west-2.
  "aws:globalaccelerator/accelerator:Accelerator": (ctx) => {
    const id = `arn:aws:globalaccelerator::${MOCK_ACCOUNT}:accelerator/${uuidOf(ctx)}`;
    const b = Buffer.from(ctx.hex(8), "hex");
    const dualStack = ctx.inputs.ipAddressType === "DUAL_STACK";
    return {
      id,
      state: {
        arn: id,
        dnsName: `a${ctx.hex(16)}.awsglobalaccelerator.com`,
        dualStackDnsName: dualStack ? `a${ctx.hex(16)}.dualstack.awsglobalaccelerator.com` : "",
        // The fixed zone GA uses for alias records (same in every partition region).
        hostedZoneId: "Z2BJ6XQ5FK7U4H",
        ipSets: [{ ipFamily: "IPv4", ipAddresses: [`75.2.${b[0]}.${b[1] || 1}`, `99.83.${b[2]}.${b[3] || 1}`] }],
      },
    };
  },
  "aws:globalaccelerator/listener:Listener": (ctx) => {
    const id = `${str(ctx.inputs.acceleratorArn, `arn:aws:globalaccelerator::${MOCK_ACCOUNT}:accelerator/unknown`)}/listener/${ctx.hex(8)}`;
    return { id, state: { arn: id } };
  },
  "aws:globalaccelerator/endpointGroup:EndpointGroup": (ctx) => {
    const id = `${str(ctx.inputs.listenerArn)}/endpoint-group/${ctx.hex(12)}`;
    return {
      id,
      state: {
        arn: id,
        healthCheckIntervalSeconds: ctx.inputs.healthCheckIntervalSeconds ?? 30,
        healthCheckPath: ctx.inputs.healthCheckPath ?? "/",
        healthCheckProtocol: ctx.inputs.healthCheckProtocol ?? "TCP",
        thresholdCount: ctx.inputs.thresholdCount ?? 3,
      },
    };
  },
  "aws:route53/zone:Zone": (ctx) => {
    const id = `Z${ctx.hex(20).toUpperCase()}`;
    return { id, state: { zoneId: id, arn: `arn:aws:route53:::hostedzone/${id}`, nameServers: [], primaryNameServer: "" } };
  },
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": (ctx) => {
    const id = `pcx-${ctx.hex(17)}`;
    // The requester side stays pending until the accepter accepts it in the peer region.
    return { id, state: { acceptStatus: "pending-acceptance", peerOwnerId: MOCK_ACCOUNT } };
  },
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": (ctx) => ({
    id: str(ctx.inputs.vpcPeeringConnectionId),
    state: { acceptStatus: "active", peerOwnerId: MOCK_ACCOUNT },
  }),
  "aws:route53/healthCheck:HealthCheck": (ctx) => {
    const id = uuidOf(ctx);
    return { id, state: { arn: `arn:aws:route53:::healthcheck/${id}` } };
  },
  "aws:route53/record:Record": (ctx) => {
    const name = str(ctx.inputs.name).replace(/\.$/, "").toLowerCase();
    const parts = [str(ctx.inputs.zoneId), name, str(ctx.inputs.type), str(ctx.inputs.setIdentifier)].filter((p) => p);
    return { id: parts.join("_"), state: { fqdn: name } };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("cloudwatch", ctx.region, `alarm:${name}`) } };
  },
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (ctx) => {
    const name = autoName(ctx, "alarmName");
    return { id: name, state: { alarmName: name, arn: arn("cloudwatch", ctx.region, `alarm:${name}`) } };
  },
  "aws:sns/topicSubscription:TopicSubscription": (ctx) => {
    const id = `${str(ctx.inputs.topic)}:${uuidOf(ctx)}`;
    return { id, state: { arn: id, pendingConfirmation: ctx.inputs.protocol === "email", ownerId: MOCK_ACCOUNT } };
  },
  "aws:backup/vault:Vault": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("backup", ctx.region, `backup-vault:${name}`), recoveryPoints: 0 } };
  },
  "aws:backup/plan:Plan": (ctx) => {
    const id = uuidOf(ctx);
    return { id, state: { arn: arn("backup", ctx.region, `backup-plan:${id}`), version: ctx.hex(32) } };
  },
  "aws:backup/selection:Selection": (ctx) => ({ id: uuidOf(ctx), state: {} }),
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": (ctx) => {
    const vault = str(ctx.inputs.backupVaultName);
    return { id: vault, state: { backupVaultArn: arn("backup", ctx.region, `backup-vault:${vault}`) } };
  },
  "aws:backup/restoreTestingPlan:RestoreTestingPlan": (ctx) => {
    const name = autoName(ctx);
    return { id: name, state: { name, arn: arn("backup", ctx.region, `restore-testing-plan:${name}-${uuidOf(ctx)}`) } };
  },
  "aws:backup/restoreTestingSelection:RestoreTestingSelection": (ctx) => ({
    id: `${autoName(ctx)}:${str(ctx.inputs.restoreTestingPlanName)}`,
    state: { validationWindowHours: ctx.inputs.validationWindowHours ?? 0 },
  }),
} satisfies Record<string, ComputedOutputs>);

/** Fallback for types no module describes: an id and an ARN in the resource's service. */
export function genericComputed(ctx: ComputeContext): { id?: string; state: Record<string, unknown> } {
  const service = ctx.type.split(":")[1]?.split("/")[0] ?? "unknown";
  const id = `${ctx.name}-${ctx.hex(8)}`;
  return { id, state: { arn: arn(service, ctx.region, id) } };
}

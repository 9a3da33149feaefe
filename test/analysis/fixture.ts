import type { ExportedResource } from "../../plan/stackExport";

/**
 * Hand-built graphs in `pulumi stack export` shape (inputs, provider references, dependencies and
 * propertyDependencies), covering every tier of the two-region design with the AWS/Pulumi property
 * names. `healthyGraph()` has no single point of failure; each option breaks one redundancy.
 */

export const REGIONS = ["us-east-1", "us-west-2"] as const;
export type Region = (typeof REGIONS)[number];
export type FixtureTier = "app" | "database" | "sessions" | "backup" | "entry";

export interface FixtureOptions {
  /** One NAT gateway per region, in the first AZ, used by every private route table. */
  readonly singleNat?: boolean;
  /** A regional NAT gateway (availabilityMode regional) instead of one per AZ. */
  readonly regionalNat?: boolean;
  /** Node groups only in the first N AZs of each region. @default 3 */
  readonly nodeGroupAzs?: number;
  /** ALB subnets only in the first N AZs. @default 3 */
  readonly albAzs?: number;
  /** Aurora instances per region (one per AZ from the first). @default 3 */
  readonly auroraInstances?: Partial<Record<Region, number>>;
  /** Leave the Aurora instances' availabilityZone unset (RDS places them in the subnet group). */
  readonly unpinnedInstances?: boolean;
  /** Redis nodes per region. @default 3 */
  readonly redisNodes?: Partial<Record<Region, number>>;
  readonly redisAutomaticFailover?: boolean;
  /** Tiers left out of a region. */
  readonly omit?: Partial<Record<Region, FixtureTier[]>>;
  /** Cross-region copy actions in the backup plans. @default true */
  readonly backupCopies?: boolean;
  /** Route 53 latency records instead of Global Accelerator. */
  readonly route53?: { readonly healthChecks: boolean };
  /** Deployment replicas per region. @default 6 */
  readonly replicas?: number;
  /**
   * The cross-region data path: security groups, peering and its routes, the stores' endpoints,
   * the session-writer record and the workloads' ConfigMaps. Off: the graph shows no wiring.
   * @default true
   */
  readonly wiring?: boolean;
  /** Database kind: an Aurora global database (default) or peered Aurora DSQL clusters. */
  readonly database?: "aurora-global" | "aurora-dsql";
  /** DSQL witness Region. @default "us-east-2" */
  readonly witnessRegion?: string;
  /**
   * Session store kind: an ElastiCache global datastore behind the private `sessions-writer` CNAME
   * (default), the same datastore with every region's primary endpoint in REDIS_PRIMARY_CANDIDATES
   * (no record), or MemoryDB Multi-Region.
   */
  readonly sessions?: "elasticache-record" | "elasticache-candidates" | "memorydb-multi-region";
  /** Workloads of this region name the other region's store member instead of their own. */
  readonly foreignStoreIn?: Region;
}

/** Second octet of each region's VPC (10.<n>.0.0/16). */
const OCTET: Record<Region, number> = { "us-east-1": 0, "us-west-2": 1 };

const STACK = "test";
export const urnOf = (type: string, name: string) => `urn:pulumi:${STACK}::ha-blueprint::${type}::${name}`;

export class GraphBuilder {
  readonly resources: ExportedResource[] = [];

  add(type: string, name: string, inputs: Record<string, unknown>, opts: { provider?: string; deps?: Record<string, string[]>; outputs?: Record<string, unknown> } = {}): string {
    const urn = urnOf(type, name);
    const id = `${name}-id`;
    const deps = opts.deps ?? {};
    this.resources.push({
      urn,
      custom: true,
      id,
      type,
      inputs,
      outputs: { ...inputs, id, ...(type.startsWith("aws:") ? { arn: `arn:aws:${type.split(":")[1].split("/")[0]}:${this.regionOfProvider(opts.provider) ?? "us-east-1"}:123456789012:${name}` } : {}), ...opts.outputs },
      ...(opts.provider ? { provider: `${opts.provider}::${opts.provider.split("::").pop()}-id` } : {}),
      dependencies: [...new Set(Object.values(deps).flat())],
      propertyDependencies: deps,
    });
    return urn;
  }

  id(urn: string): string {
    return this.get(urn).id!;
  }

  arn(urn: string): string {
    return String(this.get(urn).outputs!.arn);
  }

  get(urn: string): ExportedResource {
    const r = this.resources.find((x) => x.urn === urn);
    if (!r) throw new Error(`no ${urn}`);
    return r;
  }

  private regionOfProvider(provider?: string): string | undefined {
    if (!provider) return undefined;
    const p = this.resources.find((r) => r.urn === provider);
    return p && typeof p.inputs?.region === "string" ? p.inputs.region : undefined;
  }
}

const azsOf = (region: Region) => ["a", "b", "c"].map((l) => `${region}${l}`);

/** A two-region stack with every tier, built like the blueprint builds it. */
export function healthyGraph(o: FixtureOptions = {}): ExportedResource[] {
  const b = new GraphBuilder();
  const has = (region: Region, tier: FixtureTier) => !(o.omit?.[region] ?? []).includes(tier);
  const providers = Object.fromEntries(REGIONS.map((r) => [r, b.add("pulumi:providers:aws", `aws-${r}`, { region: r })])) as Record<Region, string>;
  const albs: Partial<Record<Region, string>> = {};
  const clusters: Partial<Record<Region, string>> = {};
  const groups: Partial<Record<Region, string>> = {};
  const vaults: Partial<Record<Region, string>> = {};
  const isolated: Partial<Record<Region, string[]>> = {};
  const wired = o.wiring !== false;
  const vpcs: Partial<Record<Region, string>> = {};
  const appSgs: Partial<Record<Region, string>> = {};
  const privateTables: Partial<Record<Region, string[]>> = {};
  const isolatedTables: Partial<Record<Region, string>> = {};
  const workloadConfigs: Partial<Record<Region, string>> = {};
  const privCidrs = (region: Region) => [0, 1, 2].map((i) => `10.${OCTET[region]}.${10 + i}.0/24`);

  for (const region of REGIONS) {
    const p = { provider: providers[region] };
    const n = (s: string) => `${region}-${s}`;
    const vpc = b.add("aws:ec2/vpc:Vpc", n("vpc"), { cidrBlock: `10.${OCTET[region]}.0.0/16` }, p);
    vpcs[region] = vpc;
    const igw = b.add("aws:ec2/internetGateway:InternetGateway", n("igw"), { vpcId: b.id(vpc) }, { ...p, deps: { vpcId: [vpc] } });
    const pub: string[] = [];
    const priv: string[] = [];
    isolated[region] = [];
    const nats: string[] = [];
    azsOf(region).forEach((az, i) => {
      const third = { public: 0, private: 10, isolated: 20 } as Record<string, number>;
      const sub = (kind: string) => b.add("aws:ec2/subnet:Subnet", n(`az${i + 1}-${kind}`), { vpcId: b.id(vpc), availabilityZone: az, cidrBlock: `10.${OCTET[region]}.${third[kind] + i}.0/24` }, { ...p, deps: { vpcId: [vpc] } });
      pub.push(sub("public"));
      priv.push(sub("private"));
      isolated[region]!.push(sub("isolated"));
      if (o.regionalNat) {
        if (i === 0) nats.push(b.add("aws:ec2/natGateway:NatGateway", n("nat-regional"), { availabilityMode: "regional", vpcId: b.id(vpc) }, { ...p, deps: { vpcId: [vpc] } }));
      } else if (!o.singleNat || i === 0) {
        nats.push(b.add("aws:ec2/natGateway:NatGateway", n(`az${i + 1}-nat`), { availabilityMode: "zonal", subnetId: b.id(pub[i]) }, { ...p, deps: { subnetId: [pub[i]] } }));
      }
    });
    const publicRt = b.add("aws:ec2/routeTable:RouteTable", n("public-rt"), { vpcId: b.id(vpc) }, { ...p, deps: { vpcId: [vpc] } });
    b.add("aws:ec2/route:Route", n("public-default"), { routeTableId: b.id(publicRt), destinationCidrBlock: "0.0.0.0/0", gatewayId: b.id(igw) }, { ...p, deps: { routeTableId: [publicRt], gatewayId: [igw] } });
    privateTables[region] = [];
    const isoRt = b.add("aws:ec2/routeTable:RouteTable", n("isolated-rt"), { vpcId: b.id(vpc) }, { ...p, deps: { vpcId: [vpc] } });
    isolatedTables[region] = isoRt;
    isolated[region]!.forEach((subnet, i) => {
      b.add("aws:ec2/routeTableAssociation:RouteTableAssociation", n(`az${i + 1}-isolated-rta`), { subnetId: b.id(subnet), routeTableId: b.id(isoRt) }, { ...p, deps: { subnetId: [subnet], routeTableId: [isoRt] } });
    });
    priv.forEach((subnet, i) => {
      const rt = b.add("aws:ec2/routeTable:RouteTable", n(`az${i + 1}-private-rt`), { vpcId: b.id(vpc) }, { ...p, deps: { vpcId: [vpc] } });
      privateTables[region]!.push(rt);
      const nat = nats[Math.min(i, nats.length - 1)];
      b.add("aws:ec2/route:Route", n(`az${i + 1}-private-default`), { routeTableId: b.id(rt), destinationCidrBlock: "0.0.0.0/0", natGatewayId: b.id(nat) }, { ...p, deps: { routeTableId: [rt], natGatewayId: [nat] } });
      b.add("aws:ec2/routeTableAssociation:RouteTableAssociation", n(`az${i + 1}-private-rta`), { subnetId: b.id(subnet), routeTableId: b.id(rt) }, { ...p, deps: { subnetId: [subnet], routeTableId: [rt] } });
      b.add("aws:ec2/routeTableAssociation:RouteTableAssociation", n(`az${i + 1}-public-rta`), { subnetId: b.id(pub[i]), routeTableId: b.id(publicRt) }, { ...p, deps: { subnetId: [pub[i]], routeTableId: [publicRt] } });
    });

    if (has(region, "app")) {
      const albSubnets = pub.slice(0, o.albAzs ?? 3);
      albs[region] = b.add("aws:lb/loadBalancer:LoadBalancer", n("alb"), { loadBalancerType: "application", subnets: albSubnets.map((s) => b.id(s)) }, { ...p, deps: { subnets: albSubnets } });
      const eks = b.add("aws:eks/cluster:Cluster", n("eks"), { vpcConfig: { subnetIds: priv.map((s) => b.id(s)) } }, { ...p, deps: { vpcConfig: priv } });
      const appSg = b.add("aws:ec2/securityGroup:SecurityGroup", n("app-sg"), { vpcId: b.id(vpc), egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }, { ...p, deps: { vpcId: [vpc] } });
      appSgs[region] = appSg;
      const lt = b.add("aws:ec2/launchTemplate:LaunchTemplate", n("node-lt"), { vpcSecurityGroupIds: [b.id(appSg)] }, { ...p, deps: { vpcSecurityGroupIds: [appSg] } });
      priv.slice(0, o.nodeGroupAzs ?? 3).forEach((subnet, i) => {
        b.add("aws:eks/nodeGroup:NodeGroup", n(`az${i + 1}-nodes`), { clusterName: `${region}-eks`, subnetIds: [b.id(subnet)], launchTemplate: { id: b.id(lt), version: "1" }, scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 6 } }, { ...p, deps: { clusterName: [eks], subnetIds: [subnet], launchTemplate: [lt] } });
      });
      const k8s = b.add("pulumi:providers:kubernetes", n("k8s"), { kubeconfig: "{}" }, { deps: { kubeconfig: [eks] } });
      const labels = { app: "web" };
      const config = wired ? b.add("kubernetes:core/v1:ConfigMap", n("web-config"), { metadata: { name: "web-config", namespace: "app" }, data: {} }, { provider: k8s }) : undefined;
      if (config) workloadConfigs[region] = config;
      const dep = b.add("kubernetes:apps/v1:Deployment", n("web"), {
        metadata: { name: "web", namespace: "app" },
        spec: {
          replicas: o.replicas ?? 6,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } }],
              ...(config ? { containers: [{ name: "web", image: "web:1.0", envFrom: [{ configMapRef: { name: "web-config" } }] }] } : {}),
            },
          },
        },
      }, { provider: k8s, ...(config ? { deps: { spec: [config] } } : {}) });
      b.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", n("web-hpa"), { spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: o.replicas ?? 6, maxReplicas: 24 } }, { provider: k8s, deps: { spec: [dep] } });
    }

    if (has(region, "database")) {
      const sg = b.add("aws:rds/subnetGroup:SubnetGroup", n("db-subnets"), { subnetIds: isolated[region]!.map((s) => b.id(s)) }, { ...p, deps: { subnetIds: isolated[region]! } });
      clusters[region] = sg; // replaced below once the cluster exists
    }
    if (has(region, "sessions")) {
      const sg = b.add("aws:elasticache/subnetGroup:SubnetGroup", n("cache-subnets"), { subnetIds: isolated[region]!.map((s) => b.id(s)) }, { ...p, deps: { subnetIds: isolated[region]! } });
      groups[region] = sg;
    }
    if (has(region, "backup")) vaults[region] = b.add("aws:backup/vault:Vault", n("vault"), { name: n("vault") }, p);
  }

  // The cross-region path: a peering between the VPCs, routes both ways in every private and data table.
  const storeSg = (region: Region, kind: string, port: number): string | undefined => {
    if (!wired || !appSgs[region]) return undefined;
    const p = { provider: providers[region] };
    const sg = b.add("aws:ec2/securityGroup:SecurityGroup", `${region}-${kind}-sg`, { vpcId: b.id(vpcs[region]!) }, { ...p, deps: { vpcId: [vpcs[region]!] } });
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${region}-${kind}-from-app`, { securityGroupId: b.id(sg), referencedSecurityGroupId: b.id(appSgs[region]!), ipProtocol: "tcp", fromPort: port, toPort: port }, { ...p, deps: { securityGroupId: [sg], referencedSecurityGroupId: [appSgs[region]!] } });
    for (const peer of REGIONS.filter((r) => r !== region)) {
      privCidrs(peer).forEach((cidr, i) => {
        b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${region}-${kind}-from-${peer}-${i + 1}`, { securityGroupId: b.id(sg), cidrIpv4: cidr, ipProtocol: "tcp", fromPort: port, toPort: port }, { ...p, deps: { securityGroupId: [sg] } });
      });
    }
    return sg;
  };
  if (wired) {
    const [east, west] = REGIONS;
    const pcx = b.add("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "peering", { vpcId: b.id(vpcs[east]!), peerVpcId: b.id(vpcs[west]!), peerRegion: west, autoAccept: false }, { provider: providers[east], deps: { vpcId: [vpcs[east]!], peerVpcId: [vpcs[west]!] } });
    b.add("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "peering-accept", { vpcPeeringConnectionId: b.id(pcx), autoAccept: true }, { provider: providers[west], deps: { vpcPeeringConnectionId: [pcx] } });
    for (const [from, to] of [[east, west], [west, east]] as const) {
      [...privateTables[from]!, isolatedTables[from]!].forEach((rt, i) => {
        b.add("aws:ec2/route:Route", `${from}-to-${to}-${i + 1}`, { routeTableId: b.id(rt), destinationCidrBlock: `10.${OCTET[to]}.0.0/16`, vpcPeeringConnectionId: b.id(pcx) }, { provider: providers[from], deps: { routeTableId: [rt], vpcPeeringConnectionId: [pcx] } });
      });
    }
  }
  const endpoints: Partial<Record<Region, Record<string, string>>> = {};

  // Data tier: the global cluster lives with the writer region's provider; the secondary follows.
  const writer: Region = "us-east-1";
  const dbRegions = REGIONS.filter((r) => has(r, "database"));
  const other = (r: Region): Region => REGIONS.find((x) => x !== r)!;
  const sourceOf = (r: Region): Region => (o.foreignStoreIn === r ? other(r) : r);
  if (dbRegions.length > 0 && o.database === "aurora-dsql") {
    const witness = o.witnessRegion ?? "us-east-2";
    const dsql: Partial<Record<Region, string>> = {};
    for (const region of dbRegions) {
      const p = { provider: providers[region] };
      const id = `dsql${OCTET[region]}abcdefghijklmnopqrstuvw`.slice(0, 26);
      dsql[region] = b.add("aws:dsql/cluster:Cluster", `${region}-dsql`, { deletionProtectionEnabled: true, multiRegionProperties: { witnessRegion: witness } }, {
        ...p,
        outputs: { identifier: id, vpcEndpointServiceName: `com.amazonaws.${region}.dsql-fnh4`, arn: `arn:aws:dsql:${region}:123456789012:cluster/${id}` },
      });
      clusters[region] = dsql[region]!;
      const sg = storeSg(region, "dsql", 5432);
      b.add("aws:ec2/vpcEndpoint:VpcEndpoint", `${region}-dsql-endpoint`, {
        vpcId: b.id(vpcs[region]!), vpcEndpointType: "Interface", serviceName: `com.amazonaws.${region}.dsql-fnh4`, privateDnsEnabled: true,
        subnetIds: isolated[region]!.map((x) => b.id(x)), ...(sg ? { securityGroupIds: [b.id(sg)] } : {}),
      }, { ...p, deps: { vpcId: [vpcs[region]!], serviceName: [dsql[region]!], subnetIds: isolated[region]!, ...(sg ? { securityGroupIds: [sg] } : {}) } });
    }
    for (const region of dbRegions) {
      const others = dbRegions.filter((r) => r !== region).map((r) => dsql[r]!);
      b.add("aws:dsql/clusterPeering:ClusterPeering", `${region}-dsql-peering`, { identifier: b.get(dsql[region]!).outputs!.identifier, clusters: others.map((c) => b.arn(c)), witnessRegion: witness }, {
        provider: providers[region], deps: { identifier: [dsql[region]!], clusters: others },
      });
      const host = `${b.get(dsql[sourceOf(region)]!).outputs!.identifier}.dsql.${sourceOf(region)}.on.aws`;
      endpoints[region] = { ...endpoints[region], DATABASE_KIND: "aurora-dsql", DATABASE_WRITER_HOST: host, DATABASE_READER_HOST: host };
    }
  } else if (dbRegions.length > 0) {
    const global = b.add("aws:rds/globalCluster:GlobalCluster", "global-db", { globalClusterIdentifier: "test-global", engine: "aurora-postgresql" }, { provider: providers[writer], outputs: { endpoint: "test-global.global-abc.global.rds.amazonaws.com" } });
    for (const region of dbRegions) {
      const p = { provider: providers[region] };
      const subnetGroup = clusters[region]!;
      const primary = region === writer;
      const dbSg = storeSg(region, "db", 5432);
      const cluster = b.add("aws:rds/cluster:Cluster", `${region}-aurora`, {
        engine: "aurora-postgresql",
        globalClusterIdentifier: "test-global",
        dbSubnetGroupName: b.id(subnetGroup),
        port: 5432,
        ...(dbSg ? { vpcSecurityGroupIds: [b.id(dbSg)] } : {}),
        ...(primary ? { masterUsername: "app_admin", databaseName: "app" } : { enableGlobalWriteForwarding: true }),
      }, {
        ...p,
        deps: { globalClusterIdentifier: [global], dbSubnetGroupName: [subnetGroup], ...(dbSg ? { vpcSecurityGroupIds: [dbSg] } : {}) },
        outputs: { endpoint: `${region}-aurora.cluster-abc.${region}.rds.amazonaws.com`, readerEndpoint: `${region}-aurora.cluster-ro-abc.${region}.rds.amazonaws.com` },
      });
      endpoints[region] = {
        ...endpoints[region],
        DATABASE_WRITER_HOST: "test-global.global-abc.global.rds.amazonaws.com",
        DATABASE_READER_HOST: `${region}-aurora.cluster-ro-abc.${region}.rds.amazonaws.com`,
      };
      clusters[region] = cluster;
      const count = o.auroraInstances?.[region] ?? 3;
      for (let i = 0; i < count; i++) {
        b.add("aws:rds/clusterInstance:ClusterInstance", `${region}-aurora-${i + 1}`, {
          clusterIdentifier: b.id(cluster),
          instanceClass: "db.r6g.large",
          engine: "aurora-postgresql",
          dbSubnetGroupName: b.id(subnetGroup),
          ...(o.unpinnedInstances ? {} : { availabilityZone: azsOf(region)[i % 3] }),
        }, { ...p, deps: { clusterIdentifier: [cluster], dbSubnetGroupName: [subnetGroup] } });
      }
    }
  }

  const cacheRegions = REGIONS.filter((r) => has(r, "sessions"));
  let grg: string | undefined;
  if (o.sessions === "memorydb-multi-region" && cacheRegions.length > 0) {
    const mrc = b.add("aws:memorydb/multiRegionCluster:MultiRegionCluster", "sessions-mrc", { multiRegionClusterNameSuffix: "sessions", nodeType: "db.r7g.xlarge", tlsEnabled: true }, {
      provider: providers[writer], outputs: { multiRegionClusterName: "virxk-sessions" },
    });
    const address = (r: Region) => `clustercfg.${r}-sessions.abc.memorydb.${r}.amazonaws.com`;
    for (const region of cacheRegions) {
      const p = { provider: providers[region] };
      const subnetGroup = b.add("aws:memorydb/subnetGroup:SubnetGroup", `${region}-memorydb-subnets`, { subnetIds: isolated[region]!.map((x) => b.id(x)) }, { ...p, deps: { subnetIds: isolated[region]! } });
      const sg = storeSg(region, "memorydb", 6379);
      b.add("aws:memorydb/cluster:Cluster", `${region}-sessions`, {
        multiRegionClusterName: "virxk-sessions", tlsEnabled: true, numReplicasPerShard: 2, subnetGroupName: b.id(subnetGroup), aclName: "sessions-acl", snapshotRetentionLimit: 7,
        ...(sg ? { securityGroupIds: [b.id(sg)] } : {}),
      }, {
        ...p,
        deps: { multiRegionClusterName: [mrc], subnetGroupName: [subnetGroup], ...(sg ? { securityGroupIds: [sg] } : {}) },
        outputs: { clusterEndpoints: [{ address: address(region), port: 6379 }] },
      });
      endpoints[region] = { ...endpoints[region], SESSION_STORE_KIND: "memorydb-multi-region", REDIS_WRITER_HOST: address(sourceOf(region)), REDIS_READER_HOST: address(sourceOf(region)), REDIS_PORT: "6379" };
    }
  }
  for (const region of [writer, ...cacheRegions.filter((r) => r !== writer)]) {
    if (!cacheRegions.includes(region) || o.sessions === "memorydb-multi-region") continue;
    const p = { provider: providers[region] };
    const subnetGroup = groups[region]!;
    const nodes = o.redisNodes?.[region] ?? 3;
    const cacheSg = storeSg(region, "cache", 6379);
    const rg = b.add("aws:elasticache/replicationGroup:ReplicationGroup", `${region}-redis`, {
      description: "sessions",
      port: 6379,
      ...(cacheSg ? { securityGroupIds: [b.id(cacheSg)] } : {}),
      numCacheClusters: nodes,
      preferredCacheClusterAzs: azsOf(region).slice(0, nodes),
      subnetGroupName: b.id(subnetGroup),
      ...(region === writer
        ? { automaticFailoverEnabled: o.redisAutomaticFailover ?? true, multiAzEnabled: o.redisAutomaticFailover ?? true, engine: "valkey" }
        : { globalReplicationGroupId: "ldgnf-test-sessions" }),
    }, {
      ...p,
      deps: { subnetGroupName: [subnetGroup], ...(grg ? { globalReplicationGroupId: [grg] } : {}), ...(cacheSg ? { securityGroupIds: [cacheSg] } : {}) },
      outputs: { primaryEndpointAddress: `master.${region}-redis.abc.cache.amazonaws.com`, readerEndpointAddress: `replica.${region}-redis.abc.cache.amazonaws.com` },
    });
    endpoints[region] = o.sessions === "elasticache-candidates"
      ? {
          ...endpoints[region],
          SESSION_STORE_KIND: "elasticache-global",
          // This region's primary endpoint first, then the others: the app writes to the one that is master.
          REDIS_PRIMARY_CANDIDATES: [region, ...cacheRegions.filter((r) => r !== region)].map((r) => `master.${r}-redis.abc.cache.amazonaws.com:6379`).join(","),
          REDIS_READER_HOST: `replica.${region}-redis.abc.cache.amazonaws.com`,
        }
      : { ...endpoints[region], REDIS_WRITER_HOST: "sessions-writer.test.internal", REDIS_READER_HOST: `replica.${region}-redis.abc.cache.amazonaws.com` };
    if (wired && region === writer && o.sessions !== "elasticache-candidates") {
      const zone = b.add("aws:route53/zone:Zone", "private-zone", { name: "test.internal", vpcs: REGIONS.filter((r) => vpcs[r]).map((r) => ({ vpcId: b.id(vpcs[r]!), vpcRegion: r })) }, { provider: providers[writer], outputs: { zoneId: "Z0PRIVATE" } });
      const record = b.add("aws:route53/record:Record", "sessions-writer", { zoneId: "Z0PRIVATE", name: "sessions-writer.test.internal", type: "CNAME", ttl: 10, records: [`master.${region}-redis.abc.cache.amazonaws.com`] }, { provider: providers[writer], deps: { zoneId: [zone], records: [rg] } });
      (b.get(record) as { ignoreChanges?: string[] }).ignoreChanges = ["records"];
    }
    if (region === writer && cacheRegions.length > 1) {
      grg = b.add("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "global-sessions", { globalReplicationGroupIdSuffix: "test-sessions", primaryReplicationGroupId: b.id(rg) }, { ...p, deps: { primaryReplicationGroupId: [rg] } });
    }
  }

  for (const region of REGIONS) {
    const config = workloadConfigs[region];
    if (config) b.get(config).inputs!.data = { APP_REGION: region, ...endpoints[region] };
  }

  for (const region of REGIONS.filter((r) => vaults[r])) {
    const p = { provider: providers[region] };
    const other = REGIONS.find((r) => r !== region && vaults[r]);
    const copy = o.backupCopies !== false && other ? vaults[other] : undefined;
    const plan = b.add("aws:backup/plan:Plan", `${region}-backup-plan`, {
      name: `${region}-plan`,
      rules: [{ ruleName: "daily", targetVaultName: `${region}-vault`, schedule: "cron(0 5 * * ? *)", ...(copy ? { copyActions: [{ destinationVaultArn: b.arn(copy) }] } : {}) }],
    }, { ...p, deps: { rules: [vaults[region]!, ...(copy ? [copy] : [])] } });
    b.add("aws:backup/selection:Selection", `${region}-backup-selection`, { planId: b.id(plan), resources: clusters[region] ? [b.arn(clusters[region]!)] : [] }, { ...p, deps: { planId: [plan], ...(clusters[region] ? { resources: [clusters[region]!] } : {}) } });
  }

  const entryRegions = REGIONS.filter((r) => has(r, "entry") && albs[r]);
  if (o.route53) {
    for (const region of entryRegions) {
      const alb = albs[region]!;
      const hc = o.route53.healthChecks
        ? b.add("aws:route53/healthCheck:HealthCheck", `${region}-hc`, { type: "HTTPS", fqdn: "alb", resourcePath: "/healthz", requestInterval: 10, failureThreshold: 3 }, { provider: providers[writer] })
        : undefined;
      b.add("aws:route53/record:Record", `${region}-record`, {
        zoneId: "Z123",
        name: "app.example.com",
        type: "A",
        setIdentifier: region,
        latencyRoutingPolicies: [{ region }],
        aliases: [{ name: "alb-dns", zoneId: "Z35", evaluateTargetHealth: o.route53.healthChecks }],
        ...(hc ? { healthCheckId: b.id(hc) } : {}),
      }, { provider: providers[writer], deps: { aliases: [alb], ...(hc ? { healthCheckId: [hc] } : {}) } });
    }
  } else if (entryRegions.length > 0) {
    const p = { provider: providers[writer] };
    const acc = b.add("aws:globalaccelerator/accelerator:Accelerator", "accelerator", { name: "test", enabled: true }, p);
    const listener = b.add("aws:globalaccelerator/listener:Listener", "accelerator-listener", { acceleratorArn: b.arn(acc), protocol: "TCP", portRanges: [{ fromPort: 443, toPort: 443 }] }, { ...p, deps: { acceleratorArn: [acc] } });
    for (const region of entryRegions) {
      b.add("aws:globalaccelerator/endpointGroup:EndpointGroup", `${region}-endpoints`, {
        listenerArn: b.arn(listener),
        endpointGroupRegion: region,
        endpointConfigurations: [{ endpointId: b.arn(albs[region]!), weight: 100, clientIpPreservationEnabled: true }],
      }, { ...p, deps: { listenerArn: [listener], endpointConfigurations: [albs[region]!] } });
    }
  }
  return b.resources;
}

import { plain, type GraphNode, type ResourceGraph, plainString as str, plainNumber as num } from "../../graph/model";

/**
 * The data stores of a graph and every address a client could be configured with, read from the
 * resources' recorded outputs (and inputs where the address is an input, as for DNS records).
 * Nothing here depends on a failure domain: it is built once per graph.
 */

export const STORE_TYPES = {
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  cluster: "aws:rds/cluster:Cluster",
  instance: "aws:rds/clusterInstance:ClusterInstance",
  rdsInstance: "aws:rds/instance:Instance",
  paramGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  globalReplicationGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  record: "aws:route53/record:Record",
  zone: "aws:route53/zone:Zone",
  zoneAssociation: "aws:route53/zoneAssociation:ZoneAssociation",
  memorydbMultiRegion: "aws:memorydb/multiRegionCluster:MultiRegionCluster",
  memorydbCluster: "aws:memorydb/cluster:Cluster",
  dsqlCluster: "aws:dsql/cluster:Cluster",
  dsqlPeering: "aws:dsql/clusterPeering:ClusterPeering",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
} as const;

export type StoreKind = "database" | "cache";

/** A store clients connect to: an Aurora cluster, an RDS instance, a replication group or cache cluster. */
export interface Store {
  readonly node: GraphNode;
  readonly kind: StoreKind;
  /** The global cluster or global datastore it belongs to. */
  readonly global?: GraphNode;
  /** Aurora instances, for liveness. */
  readonly instances: GraphNode[];
  readonly port: number;
  /** Write forwarding on (Aurora PostgreSQL global member): a secondary takes forwarded writes. */
  readonly writeForwarding: boolean;
  /** `rds.global_db_rpo` of this member's own parameter group, in seconds. */
  readonly rpoBoundSeconds?: number;
  /**
   * Every member takes writes in its own region (MemoryDB Multi-Region, Aurora DSQL multi-Region):
   * no member is primary, and losing one needs no promotion. `witnessRegion`: DSQL commits need
   * two of the peers and the witness (the contract's quorum), so losing a peer and the witness
   * together stops writes in the survivor.
   */
  readonly multiWriter?: { readonly service: "memorydb" | "dsql"; readonly witnessRegion?: string };
  /** Interface endpoints clients reach the store through (DSQL PrivateLink), when it has any. */
  readonly endpoints?: GraphNode[];
}

/** What an address resolves to. */
export type AddressTarget =
  | { readonly kind: "db-global-writer"; readonly global: GraphNode }
  | { readonly kind: "db-cluster"; readonly store: Store }
  | { readonly kind: "db-reader"; readonly store: Store }
  | { readonly kind: "db-instance"; readonly store: Store; readonly instance: GraphNode }
  | { readonly kind: "cache-primary"; readonly store: Store }
  | { readonly kind: "cache-reader"; readonly store: Store }
  | { readonly kind: "dns"; readonly record: GraphNode; readonly zone?: GraphNode; readonly targets: string[] };

export interface StoreIndex {
  readonly stores: Store[];
  readonly byNode: Map<string, Store>;
  /** Normalised host name -> what it names. */
  readonly addresses: Map<string, AddressTarget>;
  readonly globals: GraphNode[];
}

/**
 * A host out of whatever a client is configured with: `host`, `host:port`, a URL such as
 * `postgres://user@host:5432/db` or `rediss://host:6379`. Lower-case, without a trailing dot.
 */
export function hostOf(value: string): string | undefined {
  let v = value.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(v);
  if (scheme) v = v.slice(scheme[0].length);
  v = v.replace(/^[^@/]*@/, "").split(/[/?#]/)[0];
  v = v.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(v) ? v : undefined;
}

function normalise(host: string | undefined): string | undefined {
  return host ? hostOf(host) : undefined;
}

function rpoBound(graph: ResourceGraph, cluster: GraphNode): number | undefined {
  for (const group of graph.refs(cluster, "dbClusterParameterGroupName").filter((g) => g.type === STORE_TYPES.paramGroup)) {
    const params = plain(graph.prop(group, "parameters"));
    if (!Array.isArray(params)) continue;
    for (const p of params.map((x) => plain(x) as Record<string, unknown>)) {
      if (p && str(p.name) === "rds.global_db_rpo") return num(p.value);
    }
  }
  return undefined;
}

/** The record's fully qualified name: Route 53 accepts a name relative to its zone. */
function recordFqdn(graph: ResourceGraph, record: GraphNode, zone?: GraphNode): string | undefined {
  const fqdn = normalise(str(record.outputs.fqdn));
  if (fqdn) return fqdn;
  const name = str(graph.input(record, "name"))?.replace(/\.$/, "").toLowerCase();
  if (!name) return undefined;
  const zoneName = str(zone && graph.prop(zone, "name"))?.replace(/\.$/, "").toLowerCase();
  return zoneName && !name.endsWith(zoneName) ? normalise(`${name}.${zoneName}`) : normalise(name);
}

export function buildStoreIndex(graph: ResourceGraph): StoreIndex {
  const stores: Store[] = [];
  const addresses = new Map<string, AddressTarget>();
  const add = (host: string | undefined, target: AddressTarget) => {
    const h = normalise(host);
    if (h && !addresses.has(h)) addresses.set(h, target);
  };
  const globals = graph.ofType(STORE_TYPES.globalCluster, STORE_TYPES.globalReplicationGroup);

  const instances = graph.ofType(STORE_TYPES.instance);
  for (const node of graph.ofType(STORE_TYPES.cluster)) {
    const engine = str(graph.prop(node, "engine")) ?? "aurora-postgresql";
    const store: Store = {
      node,
      kind: "database",
      global: graph.refs(node, "globalClusterIdentifier").find((g) => g.type === STORE_TYPES.globalCluster),
      instances: instances.filter((i) => graph.refs(i, "clusterIdentifier").includes(node)),
      port: num(graph.prop(node, "port")) ?? (engine.includes("mysql") ? 3306 : 5432),
      writeForwarding: plain(graph.prop(node, "enableGlobalWriteForwarding")) === true && engine === "aurora-postgresql",
      rpoBoundSeconds: rpoBound(graph, node),
    };
    stores.push(store);
    add(str(node.outputs.endpoint), { kind: "db-cluster", store });
    add(str(node.outputs.readerEndpoint), { kind: "db-reader", store });
    for (const i of store.instances) add(str(i.outputs.endpoint) ?? str(i.outputs.address), { kind: "db-instance", store, instance: i });
  }
  for (const node of graph.ofType(STORE_TYPES.rdsInstance)) {
    const engine = str(graph.prop(node, "engine")) ?? "postgres";
    const store: Store = { node, kind: "database", instances: [node], port: num(graph.prop(node, "port")) ?? (engine.includes("mysql") || engine.includes("maria") ? 3306 : 5432), writeForwarding: false };
    stores.push(store);
    add(str(node.outputs.address) ?? str(node.outputs.endpoint), { kind: "db-cluster", store });
  }
  for (const g of graph.ofType(STORE_TYPES.globalCluster)) add(str(g.outputs.endpoint), { kind: "db-global-writer", global: g });

  const grgs = graph.ofType(STORE_TYPES.globalReplicationGroup);
  for (const node of graph.ofType(STORE_TYPES.replicationGroup)) {
    const global = grgs.find((g) => graph.refs(g, "primaryReplicationGroupId").includes(node) || graph.refs(node, "globalReplicationGroupId").includes(g));
    const store: Store = { node, kind: "cache", global, instances: [], port: num(graph.prop(node, "port")) ?? 6379, writeForwarding: false };
    stores.push(store);
    add(str(node.outputs.primaryEndpointAddress), { kind: "cache-primary", store });
    add(str(node.outputs.configurationEndpointAddress), { kind: "cache-primary", store });
    add(str(node.outputs.readerEndpointAddress), { kind: "cache-reader", store });
  }
  for (const node of graph.ofType(STORE_TYPES.cacheCluster)) {
    const store: Store = { node, kind: "cache", instances: [], port: num(graph.prop(node, "port")) ?? 6379, writeForwarding: false };
    stores.push(store);
    add(str(node.outputs.clusterAddress), { kind: "cache-primary", store });
    const nodes = plain(node.outputs.cacheNodes);
    if (Array.isArray(nodes)) for (const n of nodes) add(str((plain(n) as Record<string, unknown>)?.address), { kind: "cache-primary", store });
  }

  // MemoryDB Multi-Region: each regional cluster is a member of the multi-Region cluster named by
  // `multiRegionClusterName`, and clients connect to its own cluster endpoint.
  const mrcs = graph.ofType(STORE_TYPES.memorydbMultiRegion);
  for (const node of graph.ofType(STORE_TYPES.memorydbCluster)) {
    const mrcName = str(graph.prop(node, "multiRegionClusterName"));
    const global = graph.refs(node, "multiRegionClusterName").find((g) => g.type === STORE_TYPES.memorydbMultiRegion)
      ?? mrcs.find((g) => mrcName !== undefined && str(g.outputs.multiRegionClusterName) === mrcName);
    const endpoints = plain(node.outputs.clusterEndpoints);
    const first = Array.isArray(endpoints) ? (plain(endpoints[0]) as Record<string, unknown> | undefined) : undefined;
    const store: Store = {
      node, kind: "cache", global, instances: [], port: num(first?.port) ?? num(graph.prop(node, "port")) ?? 6379, writeForwarding: false,
      ...(global ? { multiWriter: { service: "memorydb" as const } } : {}),
    };
    stores.push(store);
    if (Array.isArray(endpoints)) for (const e of endpoints) add(str((plain(e) as Record<string, unknown>)?.address), { kind: "cache-primary", store });
  }

  // Aurora DSQL: peered clusters form one multi-Region cluster; the group is found through the
  // ClusterPeering resources (identifier -> the other clusters' ARNs) and the clusters' own
  // multiRegionProperties. Clients reach a cluster at <identifier>.dsql.<region>.on.aws, over an
  // interface VPC endpoint whose service name is the cluster's vpcEndpointServiceName.
  const dsql = graph.ofType(STORE_TYPES.dsqlCluster);
  if (dsql.length > 0) {
    const group = dsqlGroups(graph, dsql);
    const vpcEndpoints = graph.ofType(STORE_TYPES.vpcEndpoint);
    for (const node of dsql) {
      const service = str(node.outputs.vpcEndpointServiceName);
      const endpoints = vpcEndpoints.filter((e) => graph.refs(e, "serviceName").includes(node) || (service !== undefined && str(graph.prop(e, "serviceName")) === service));
      const witnessRegion = str(graph.prop(node, "multiRegionProperties.witnessRegion"))
        ?? graph.ofType(STORE_TYPES.dsqlPeering).filter((p) => graph.refs(p, "identifier").includes(node)).map((p) => str(graph.prop(p, "witnessRegion"))).find(Boolean);
      const peers = group.get(node.urn)!;
      const store: Store = {
        node, kind: "database", global: peers.length > 1 ? peers[0] : undefined, instances: [], port: 5432, writeForwarding: false,
        multiWriter: { service: "dsql", ...(witnessRegion ? { witnessRegion } : {}) },
        endpoints,
      };
      stores.push(store);
      const host = dsqlHost(graph, node);
      if (host) add(host, { kind: "db-cluster", store });
    }
  }

  for (const record of graph.ofType(STORE_TYPES.record)) {
    const zone = graph.refs(record, "zoneId").find((z) => z.type === STORE_TYPES.zone);
    const fqdn = recordFqdn(graph, record, zone);
    if (!fqdn) continue;
    const records = plain(graph.prop(record, "records"));
    const aliases = plain(graph.prop(record, "aliases"));
    const targets = [
      ...(Array.isArray(records) ? records.map(str) : []),
      ...(Array.isArray(aliases) ? aliases.map((a) => str((plain(a) as Record<string, unknown>)?.name)) : []),
    ].map(normalise).filter((t): t is string => !!t);
    // Several records may share a name (routing policies); the first one seen stands for them.
    add(fqdn, { kind: "dns", record, zone, targets });
  }

  return { stores, byNode: new Map(stores.map((s) => [s.node.urn, s])), addresses, globals };
}

/** `<identifier>.dsql.<region>.on.aws`, the endpoint AWS gives a DSQL cluster. */
function dsqlHost(graph: ResourceGraph, node: GraphNode): string | undefined {
  const id = str(node.outputs.identifier) ?? str(node.id);
  const region = graph.regionOf(node);
  return id && region ? `${id}.dsql.${region}.on.aws`.toLowerCase() : undefined;
}

/**
 * A DSQL host as configured, in the form the index holds: the service also answers on
 * `<identifier>.dsql-<suffix>.<region>.on.aws`, so the suffix is dropped before the lookup.
 */
export function canonicalHost(host: string): string {
  return host.replace(/^([a-z0-9]+)\.dsql-[a-z0-9]+\.([a-z0-9-]+)\.on\.aws$/, "$1.dsql.$2.on.aws");
}

/** Peered DSQL clusters, each mapped to its whole group (sorted by URN, so the first names the group). */
function dsqlGroups(graph: ResourceGraph, clusters: GraphNode[]): Map<string, GraphNode[]> {
  const byArn = new Map<string, GraphNode>();
  for (const c of clusters) {
    const arn = str(c.outputs.arn);
    if (arn) byArn.set(arn, c);
  }
  const parent = new Map<string, string>(clusters.map((c) => [c.urn, c.urn]));
  const find = (u: string): string => (parent.get(u) === u ? u : find(parent.get(u)!));
  const join = (a: GraphNode, b: GraphNode) => parent.set(find(a.urn), find(b.urn));
  const peersOf = (owner: GraphNode, value: unknown, refKey: string, holder: GraphNode) => {
    const listed = plain(value);
    for (const arn of Array.isArray(listed) ? listed.map(str) : []) {
      const other = arn ? byArn.get(arn) : undefined;
      if (other) join(owner, other);
    }
    for (const other of graph.refs(holder, refKey)) if (parent.has(other.urn)) join(owner, other);
  };
  for (const p of graph.ofType(STORE_TYPES.dsqlPeering)) {
    const owner = graph.refs(p, "identifier").find((c) => parent.has(c.urn))
      ?? clusters.find((c) => str(c.outputs.identifier) === str(graph.prop(p, "identifier")));
    if (owner) peersOf(owner, graph.prop(p, "clusters"), "clusters", p);
  }
  for (const c of clusters) peersOf(c, graph.prop(c, "multiRegionProperties.clusters"), "multiRegionProperties", c);
  const groups = new Map<string, GraphNode[]>();
  for (const c of [...clusters].sort((a, b) => a.urn.localeCompare(b.urn))) {
    const root = find(c.urn);
    const list = groups.get(root) ?? [];
    list.push(c);
    groups.set(root, list);
  }
  return new Map(clusters.map((c) => [c.urn, groups.get(find(c.urn))!]));
}

/** Members of the same global cluster or datastore as `store` (itself included). */
export function membersOf(index: StoreIndex, store: Store): Store[] {
  return store.global ? index.stores.filter((s) => s.global === store.global) : [store];
}

import { T } from "../../policies/rules/common";
import { publicSubnets } from "../../policies/rules/nodePlacement";
import type { Mutable, Mutation } from "./mutations";

/** Mutations across every tier of the prod plan (see mutations.ts). */

const notFirst = (m: Mutable, type: string, region: string) => m.all(type, region).slice(1);

export const MUTATIONS: Mutation[] = [
  // Region
  {
    tier: "region",
    what: "one whole region (every resource of the secondary region)",
    needs: [T.vpc],
    rule: "ha-min-regions",
    apply: (m) => {
      const region = m.secondaryRegion();
      const doomed = new Set(m.resources.filter((r) => m.graph.regionOf(m.node(r)) === region).map((r) => r.urn));
      m.remove((r) => doomed.has(r.urn));
    },
  },
  // Network
  {
    tier: "network",
    what: "one AZ of the secondary region's VPC (its subnets)",
    needs: [T.subnet],
    rule: "ha-vpc-multi-az",
    apply: (m) => {
      const region = m.secondaryRegion();
      const last = m.all(T.subnet, region).map((s) => m.azOf(s)[0]).sort().pop();
      m.remove((r) => r.type === T.subnet && m.graph.regionOf(m.node(r)) === region && m.azOf(r)[0] === last);
    },
  },
  {
    tier: "network",
    what: "one NAT gateway (its AZ's private route now crosses into another AZ)",
    needs: [T.nat, T.route],
    rule: "ha-nat-no-single-point",
    apply: (m) => {
      const region = m.primaryRegion();
      const [keep, drop] = m.all(T.nat, region);
      const route = m.all(T.route, region).find((r) => r.propertyDependencies?.natGatewayId?.includes(drop.urn))!;
      m.relink(route, "natGatewayId", [keep], keep.id);
      m.remove((r) => r.urn === drop.urn);
    },
  },
  // Database
  {
    tier: "database",
    what: "the secondary Aurora cluster (and its instances)",
    needs: [T.globalCluster, T.rdsCluster],
    rule: "ha-aurora-global-topology",
    apply: (m) => {
      const cluster = m.one(T.rdsCluster, m.secondaryRegion());
      m.remove((r) => r.urn === cluster.urn || (r.type === T.clusterInstance && !!r.propertyDependencies?.clusterIdentifier?.includes(cluster.urn)));
    },
  },
  {
    tier: "database",
    what: "AZ spread of the writer cluster's instances (all in one AZ)",
    needs: [T.clusterInstance],
    rule: "ha-aurora-multi-az-instances",
    apply: (m) => {
      const instances = m.all(T.clusterInstance, m.primaryRegion());
      const az = instances[0].inputs?.availabilityZone;
      instances.forEach((i) => m.set(i, "availabilityZone", az));
    },
  },
  {
    tier: "database",
    what: "readers of the secondary cluster (one instance left)",
    needs: [T.clusterInstance],
    rule: "ha-aurora-multi-az-instances",
    apply: (m) => {
      const extra = new Set(notFirst(m, T.clusterInstance, m.secondaryRegion()).map((r) => r.urn));
      m.remove((r) => extra.has(r.urn));
    },
  },
  { tier: "database", what: "deletion protection of the global cluster", needs: [T.globalCluster], rule: "ha-aurora-deletion-protection", apply: (m) => m.set(m.one(T.globalCluster), "deletionProtection", false) },
  { tier: "database", what: "backup retention of the writer cluster (back to the 1-day default)", needs: [T.rdsCluster], rule: "ha-aurora-backup-retention", apply: (m) => m.set(m.one(T.rdsCluster, m.primaryRegion()), "backupRetentionPeriod", undefined) },
  { tier: "database", what: "a backup retention AWS accepts (40 days on the writer cluster)", needs: [T.rdsCluster], rule: "ha-retention-within-limits", apply: (m) => m.set(m.one(T.rdsCluster, m.primaryRegion()), "backupRetentionPeriod", 40) },
  { tier: "database", what: "storage encryption of the global cluster", needs: [T.globalCluster], rule: "sec-aurora-encryption", apply: (m) => m.set(m.one(T.globalCluster), "storageEncrypted", false) },
  // Sessions
  {
    tier: "sessions",
    what: "the secondary Redis/Valkey replication group",
    needs: [T.globalReplicationGroup, T.replicationGroup],
    rule: "ha-redis-global-topology",
    apply: (m) => {
      const rg = m.one(T.replicationGroup, m.secondaryRegion());
      m.remove((r) => r.urn === rg.urn);
    },
  },
  { tier: "sessions", what: "the replica node of the primary replication group", needs: [T.replicationGroup], rule: "ha-redis-multi-az-failover", apply: (m) => m.set(m.one(T.replicationGroup, m.primaryRegion()), "numCacheClusters", 1) },
  { tier: "sessions", what: "Multi-AZ of the primary replication group", needs: [T.replicationGroup], rule: "ha-redis-multi-az-failover", apply: (m) => m.set(m.one(T.replicationGroup, m.primaryRegion()), "multiAzEnabled", false) },
  {
    tier: "sessions",
    what: "the explicit Multi-AZ setting of the secondary replication group",
    needs: [T.globalReplicationGroup, T.replicationGroup],
    rule: "ha-redis-multi-az-failover",
    apply: (m) => m.set(m.one(T.replicationGroup, m.secondaryRegion()), "multiAzEnabled", undefined),
  },
  { tier: "sessions", what: "in-transit encryption of the primary replication group", needs: [T.replicationGroup], rule: "sec-redis-encryption-auth", apply: (m) => m.set(m.one(T.replicationGroup, m.primaryRegion()), "transitEncryptionEnabled", false) },
  // Sessions on MemoryDB Multi-Region (the default kind once the data kinds land)
  {
    tier: "sessions",
    what: "the secondary region's MemoryDB regional cluster",
    needs: [T.memorydbMultiRegionCluster, T.memorydbCluster],
    rule: "ha-memorydb-multi-region",
    apply: (m) => {
      const member = m.one(T.memorydbCluster, m.secondaryRegion());
      m.remove((r) => r.urn === member.urn);
    },
  },
  { tier: "sessions", what: "the replicas of the primary region's MemoryDB cluster", needs: [T.memorydbCluster], rule: "ha-memorydb-multi-az", apply: (m) => m.set(m.one(T.memorydbCluster, m.primaryRegion()), "numReplicasPerShard", 0) },
  {
    tier: "sessions",
    what: "two AZs of the secondary region's MemoryDB subnet group",
    needs: [T.memorydbSubnetGroup, T.subnet],
    rule: "ha-memorydb-multi-az",
    apply: (m) => {
      const group = m.one(T.memorydbSubnetGroup, m.secondaryRegion());
      const keep = m.all(T.subnet).filter((s) => (group.propertyDependencies?.subnetIds ?? []).includes(s.urn)).slice(0, 1);
      m.relink(group, "subnetIds", keep, keep.map((s) => s.id));
    },
  },
  { tier: "sessions", what: "TLS of the secondary region's MemoryDB cluster", needs: [T.memorydbCluster], rule: "sec-memorydb-tls-auth", apply: (m) => m.set(m.one(T.memorydbCluster, m.secondaryRegion()), "tlsEnabled", false) },
  { tier: "sessions", what: "snapshots of the primary region's MemoryDB cluster", needs: [T.memorydbCluster], rule: "ha-memorydb-snapshots", apply: (m) => m.set(m.one(T.memorydbCluster, m.primaryRegion()), "snapshotRetentionLimit", 0) },
  // Database on Aurora DSQL (the prod-dsql stack)
  {
    tier: "database",
    what: "the secondary region's DSQL peering",
    needs: [T.dsqlCluster, T.dsqlPeering],
    rule: "ha-dsql-multi-region",
    apply: (m) => {
      const peering = m.one(T.dsqlPeering, m.secondaryRegion());
      m.remove((r) => r.urn === peering.urn);
    },
  },
  {
    tier: "database",
    what: "the secondary region's DSQL peer (cluster and peering)",
    needs: [T.dsqlCluster, T.dsqlPeering],
    rule: "ha-dsql-multi-region",
    apply: (m) => {
      const region = m.secondaryRegion();
      const doomed = new Set([...m.all(T.dsqlCluster, region), ...m.all(T.dsqlPeering, region)].map((r) => r.urn));
      m.remove((r) => doomed.has(r.urn));
    },
  },
  {
    tier: "database",
    what: "a witness region apart from the peers (the witness moved into the secondary region)",
    needs: [T.dsqlCluster],
    rule: "ha-dsql-multi-region",
    apply: (m) => {
      for (const c of m.all(T.dsqlCluster)) m.set(c, "multiRegionProperties", { witnessRegion: m.secondaryRegion() });
    },
  },
  { tier: "database", what: "deletion protection of the primary DSQL peer", needs: [T.dsqlCluster], rule: "ha-dsql-deletion-protection", apply: (m) => m.set(m.one(T.dsqlCluster, m.primaryRegion()), "deletionProtectionEnabled", false) },
  // App
  {
    tier: "app",
    what: "one AZ's node group in the secondary region",
    needs: [T.nodeGroup],
    rule: "ha-eks-nodegroups-span-azs",
    apply: (m) => {
      const groups = m.all(T.nodeGroup, m.secondaryRegion());
      const last = groups[groups.length - 1];
      m.remove((r) => r.urn === last.urn);
    },
  },
  {
    tier: "app",
    what: "replicas of the writer region's Deployment (HPA floor and spec.replicas at 1)",
    needs: [T.deployment],
    rule: "ha-k8s-min-replicas",
    apply: (m) => {
      const dep = m.one(T.deployment, m.primaryRegion());
      m.set(dep, "spec.replicas", 1);
      for (const h of m.resources.filter((r) => (T.hpas as readonly string[]).includes(r.type))) {
        if (m.graph.regionOf(m.node(h)) === m.primaryRegion()) m.set(h, "spec.minReplicas", 1);
      }
    },
  },
  { tier: "app", what: "the zone spread of the Deployment", needs: [T.deployment], rule: "ha-k8s-zone-spread", apply: (m) => m.all(T.deployment).forEach((d) => { m.set(d, "spec.template.spec.topologySpreadConstraints", undefined); m.set(d, "spec.template.spec.affinity", undefined); }) },
  { tier: "app", what: "the PodDisruptionBudgets", needs: [T.deployment, ...T.pdbs.slice(0, 1)], rule: "ha-k8s-deployment-has-pdb", apply: (m) => m.remove((r) => (T.pdbs as readonly string[]).includes(r.type)) },
  {
    tier: "app",
    what: "the readiness probes",
    needs: [T.deployment],
    rule: "ha-k8s-probes",
    apply: (m) => {
      for (const d of m.all(T.deployment)) {
        const containers = JSON.parse(JSON.stringify((d.inputs as any).spec.template.spec.containers));
        containers.forEach((c: Record<string, unknown>) => delete c.readinessProbe);
        m.set(d, "spec.template.spec.containers", containers);
      }
    },
  },
  {
    tier: "app",
    what: "the hostname anti-affinity of the app Deployment (its HPA may run more pods than zones)",
    needs: [T.deployment, T.hpas[0]],
    rule: "ha-k8s-node-spread",
    apply: (m) => m.all(T.deployment).forEach((d) => m.set(d, "spec.template.spec.affinity", undefined)),
  },
  {
    tier: "app",
    what: "the ignoreChanges that lets the HPA own the app Deployment's spec.replicas",
    needs: [T.deployment, T.hpas[0]],
    rule: "ha-k8s-hpa-replicas-unpinned",
    apply: (m) => m.all(T.deployment).forEach((d) => (d.ignoreChanges = [])),
  },
  {
    tier: "app",
    what: "the Deployment kind (the app runs as a StatefulSet) and with it the PDBs",
    needs: [T.deployment, T.pdbs[0]],
    rule: "ha-k8s-deployment-has-pdb",
    apply: (m) => {
      for (const d of m.all(T.deployment)) d.type = T.statefulSet;
      m.remove((r) => r.type === T.pdbs[0]);
    },
  },
  {
    tier: "app",
    what: "the controller of the app pods (a bare Pod copy of the template)",
    needs: [T.deployment],
    rule: "ha-k8s-no-bare-pods",
    apply: (m) => {
      const d = m.one(T.deployment, m.primaryRegion(), (r) => (r.ignoreChanges ?? []).includes("spec.replicas"));
      const template = (d.inputs as any).spec.template;
      m.resources.push({ urn: `${d.urn}-pod`, custom: true, type: T.pod, inputs: { metadata: { ...template.metadata, namespace: (d.inputs as any).metadata.namespace }, spec: template.spec }, outputs: {}, provider: d.provider, dependencies: [], propertyDependencies: {} });
    },
  },
  {
    tier: "app",
    what: "the CoreDNS replicas (one left)",
    needs: [T.eksAddon],
    rule: "ha-eks-coredns-replicas",
    apply: (m) => m.all(T.eksAddon).filter((a) => a.inputs?.addonName === "coredns").forEach((a) => m.set(a, "configurationValues", JSON.stringify({ replicaCount: 1 }))),
  },
  {
    tier: "app",
    what: "the private placement of the node groups (moved to the public subnets)",
    needs: [T.nodeGroup],
    rule: "sec-nodes-private-subnets",
    apply: (m) => {
      const open = publicSubnets(m.graph);
      for (const g of m.all(T.nodeGroup, m.secondaryRegion())) {
        const az = m.azOf(g)[0];
        const target = m.all(T.subnet, m.secondaryRegion()).find((s) => open.has(s.urn) && m.azOf(s)[0] === az)!;
        m.relink(g, "subnetIds", [target], [target.id]);
      }
    },
  },
  {
    tier: "app",
    what: "one AZ of a node group, in its literal subnetIds only (the recorded edge still names the old subnet)",
    needs: [T.nodeGroup],
    rule: "ha-eks-nodegroups-span-azs",
    finalOnly: "a first preview does not know subnet ids, so the edge speaks for the value there",
    apply: (m) => {
      const groups = m.all(T.nodeGroup, m.primaryRegion());
      const first = m.resources.find((r) => r.urn === groups[0].propertyDependencies!.subnetIds![0])!;
      for (const g of groups.slice(1)) m.set(g, "subnetIds", [first.id]);
    },
  },
  { tier: "app", what: "IMDSv2 on the node launch template", needs: [T.launchTemplate], rule: "sec-launch-template-basics", apply: (m) => m.set(m.one(T.launchTemplate), "metadataOptions.httpTokens", "optional") },
  { tier: "app", what: "the private EKS endpoint (public to the world)", needs: [T.eksCluster], rule: "sec-eks-control-plane", apply: (m) => { const c = m.one(T.eksCluster); m.set(c, "vpcConfig.endpointPublicAccess", true); m.set(c, "vpcConfig.publicAccessCidrs", undefined); } },
  // Entry
  {
    tier: "entry",
    what: "one AZ of the secondary region's load balancer",
    needs: [T.loadBalancers[0]],
    rule: "ha-lb-multi-az",
    apply: (m) => {
      const lb = m.one(T.loadBalancers[0], m.secondaryRegion());
      const subnets = (lb.propertyDependencies?.subnets ?? []).slice(0, 1);
      m.relink(lb, "subnets", subnets.map((u) => m.resources.find((r) => r.urn === u)!), subnets.map(() => "subnet-dropped"));
    },
  },
  { tier: "entry", what: "the target group health check", needs: [T.targetGroups[0]], rule: "ha-target-group-health-check", apply: (m) => m.all(T.targetGroups[0]).forEach((t) => m.set(t, "healthCheck.enabled", false)) },
  {
    tier: "entry",
    what: "TLS at the public entry (the HTTPS listeners, HTTP forwarding instead of redirecting)",
    needs: [T.listeners[0]],
    rule: "sec-public-entry-tls",
    apply: (m) => {
      const listeners = m.all(T.listeners[0]);
      const forward = listeners.find((l) => l.inputs?.protocol === "HTTPS")?.inputs?.defaultActions;
      m.remove((r) => r.type === T.listeners[0] && r.inputs?.protocol === "HTTPS");
      for (const l of m.all(T.listeners[0])) m.set(l, "defaultActions", forward);
    },
  },
  { tier: "entry", what: "deletion protection of the load balancer", needs: [T.loadBalancers[0]], rule: "ha-lb-deletion-protection", apply: (m) => m.set(m.one(T.loadBalancers[0]), "enableDeletionProtection", false) },
  // Routing
  {
    tier: "routing",
    what: "the secondary region's endpoint group",
    needs: [T.endpointGroup],
    rule: "ha-global-entrypoint",
    apply: (m) => {
      const eg = m.resources.find((r) => r.type === T.endpointGroup && r.inputs?.endpointGroupRegion === m.secondaryRegion())!;
      m.remove((r) => r.urn === eg.urn);
    },
  },
  {
    tier: "routing",
    what: "the secondary region's Route 53 health check",
    needs: [T.record],
    rule: "ha-global-entrypoint-health-checked",
    apply: (m) => {
      for (const r of m.all(T.record)) {
        m.set(r, "healthCheckId", undefined);
        if (r.propertyDependencies) delete r.propertyDependencies.healthCheckId;
        const aliases = (r.inputs?.aliases as Array<Record<string, unknown>> | undefined)?.map((a) => ({ ...a, evaluateTargetHealth: false }));
        if (aliases) m.set(r, "aliases", aliases);
      }
    },
  },
  // Backup
  {
    tier: "backup",
    what: "the cross-region copy of every backup plan",
    needs: [T.backupPlan],
    rule: "ha-backup-cross-region-copy",
    apply: (m) => {
      for (const p of m.all(T.backupPlan)) {
        const rules = ((p.inputs?.rules as Array<Record<string, unknown>>) ?? []).map(({ copyActions: _c, ...rest }) => rest);
        const region = m.graph.regionOf(m.node(p));
        const keep = (p.propertyDependencies?.rules ?? []).filter((u) => { const n = m.graph.get(u); return !n || n.type !== T.backupVault || m.graph.regionOf(n) === region; });
        m.relink(p, "rules", keep.map((u) => m.resources.find((r) => r.urn === u)!).filter(Boolean), rules);
      }
    },
  },
  { tier: "backup", what: "every backup selection", needs: [T.backupSelection], rule: "ha-backup-coverage", apply: (m) => m.remove((r) => r.type === T.backupSelection) },
  { tier: "backup", what: "the vault lock", needs: [T.vaultLock], rule: "ha-backup-vault-lock", apply: (m) => m.remove((r) => r.type === T.vaultLock) },
  // Monitoring
  {
    tier: "monitoring",
    what: "the secondary region's alarms",
    needs: [T.metricAlarms[0]],
    rule: "ha-tier-in-every-region",
    apply: (m) => { const region = m.secondaryRegion(); m.remove((r) => (T.metricAlarms as readonly string[]).includes(r.type) && m.graph.regionOf(m.node(r)) === region); },
  },
];

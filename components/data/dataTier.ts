import * as pulumi from "@pulumi/pulumi";
import type { AppConnection, DatabaseConnection, RegionalDataStores, SessionConnection } from "../contracts";
import type { DatabaseTopology, RegionDatabaseTopology, RegionSessionsTopology, SessionsTopology } from "../topology";
import type { DsqlMultiRegion } from "./dsqlMultiRegion";
import type { GlobalDatabase } from "./globalDatabase";
import type { MemoryDbMultiRegion } from "./memorydbMultiRegion";
import type { SessionStore } from "./sessionStore";

/**
 * The data tier's seams, per kind: what the app tier connects to in one region, what alarms,
 * backups and drills refer to, and the data tier's part of the `topology` output (which never
 * holds secrets).
 */

export type DatabaseTier =
  | { readonly kind: "aurora-global"; readonly component: GlobalDatabase }
  | { readonly kind: "aurora-dsql"; readonly component: DsqlMultiRegion };

export type SessionTier =
  | { readonly kind: "elasticache-global"; readonly component: SessionStore }
  | { readonly kind: "memorydb-multi-region"; readonly component: MemoryDbMultiRegion };

function memberOf<T>(members: Record<string, T>, region: string, what: string): T {
  const m = members[region];
  if (!m) throw new Error(`the ${what} has no member in ${region} (regions: ${Object.keys(members).join(", ")})`);
  return m;
}

function databaseConnection(db: DatabaseTier, region: string): DatabaseConnection {
  if (db.kind === "aurora-dsql") {
    const peer = memberOf(db.component.peers, region, "Aurora DSQL cluster");
    return { kind: "aurora-dsql", host: peer.endpoint, port: db.component.port, name: db.component.databaseName, user: db.component.databaseRole, clusterArn: peer.arn };
  }
  const database = db.component;
  const cluster = memberOf(database.clusters, region, "global database");
  return {
    kind: "aurora-global",
    writerHost: database.writerEndpoint,
    readerHost: cluster.readerEndpoint,
    port: database.port,
    name: database.databaseName,
    // The app's own role with IAM tokens: the master credential stays in Secrets Manager.
    user: database.appUsername,
    iamRegions: [region, ...Object.keys(database.clusters).filter((r) => r !== region)],
    connectArns: database.appConnectArns,
    ...(region === database.writerRegion
      ? {
        bootstrap: {
          host: database.writerEndpoint,
          port: database.port,
          databaseName: database.databaseName,
          masterUsername: database.masterUsername,
          appUsername: database.appUsername,
          masterSecretArn: database.masterSecretArn,
          masterSecretKeyArn: database.masterSecretKeyArn,
          readyAfter: database.bootstrapReadyAfter,
        },
      }
      : {}),
  };
}

function sessionConnection(s: SessionTier, region: string): SessionConnection {
  if (s.kind === "memorydb-multi-region") {
    const member = memberOf(s.component.members, region, "session store");
    return { kind: "memorydb-multi-region", host: member.endpointAddress, port: member.port, user: member.userName, password: member.password };
  }
  const store = s.component;
  const local = memberOf(store.groups, region, "session store");
  // This region's primary first: after a promotion here the client finds the master on its first try.
  const ordered = [region, ...Object.keys(store.groups).filter((r) => r !== region)];
  return {
    kind: "elasticache-global",
    primaryCandidates: ordered.map((r) => pulumi.interpolate`${store.groups[r].primaryEndpointAddress}:${store.port}`),
    readerHost: local.readerEndpointAddress,
    port: store.port,
    authToken: store.authToken,
  };
}

export function appConnectionFor(db: DatabaseTier, sessions: SessionTier, region: string): AppConnection {
  return { database: databaseConnection(db, region), sessions: sessionConnection(sessions, region) };
}

export function dataStoresFor(db: DatabaseTier, sessions: SessionTier, region: string): RegionalDataStores {
  const database = db.kind === "aurora-global"
    ? (() => {
      const cluster = memberOf(db.component.clusters, region, "global database");
      return {
        auroraClusterArn: cluster.clusterArn,
        auroraClusterIdentifier: cluster.clusterIdentifier,
        auroraSubnetGroupName: cluster.subnetGroupName,
        restoreTestSecurityGroupId: cluster.restoreTestSecurityGroupId,
      };
    })()
    : (() => {
      const peer = memberOf(db.component.peers, region, "Aurora DSQL cluster");
      return { dsqlClusterArn: peer.arn, dsqlClusterIdentifier: peer.identifier };
    })();
  const store = sessions.kind === "elasticache-global"
    ? { replicationGroupId: memberOf(sessions.component.groups, region, "session store").replicationGroupId }
    : { memorydbClusterName: memberOf(sessions.component.members, region, "session store").clusterName };
  return { region, databaseKind: db.kind, sessionStoreKind: sessions.kind, ...database, ...store };
}

export interface DataTopology {
  readonly database: DatabaseTopology;
  readonly sessions: SessionsTopology;
  readonly regions: Record<string, { readonly database: RegionDatabaseTopology; readonly sessions: RegionSessionsTopology }>;
}

function regionDatabase(db: DatabaseTier, region: string): pulumi.Output<RegionDatabaseTopology> {
  if (db.kind === "aurora-dsql") {
    const peer = memberOf(db.component.peers, region, "Aurora DSQL cluster");
    const others = Object.values(db.component.peers).filter((p) => p.region !== region);
    return pulumi.all([peer.identifier, peer.arn, peer.endpoint, peer.vpcEndpointServiceName, peer.vpcEndpointId, peer.securityGroupId, pulumi.all(others.map((o) => o.arn))])
      .apply(([clusterIdentifier, clusterArn, endpoint, vpcEndpointServiceName, vpcEndpointId, securityGroupId, peerClusterArns]): RegionDatabaseTopology => ({
        kind: "aurora-dsql", clusterIdentifier, clusterArn, endpoint, vpcEndpointServiceName, vpcEndpointId, securityGroupId, peerClusterArns,
      }));
  }
  const cluster = memberOf(db.component.clusters, region, "global database");
  return pulumi.all([cluster.clusterIdentifier, cluster.clusterArn, cluster.readerEndpoint, cluster.securityGroupId])
    .apply(([clusterIdentifier, clusterArn, readerEndpoint, securityGroupId]): RegionDatabaseTopology => ({
      kind: "aurora-global", clusterIdentifier, clusterArn, readerEndpoint, instanceCount: cluster.instances.length, securityGroupId,
    }));
}

function regionSessions(s: SessionTier, region: string): pulumi.Output<RegionSessionsTopology> {
  if (s.kind === "memorydb-multi-region") {
    const m = memberOf(s.component.members, region, "session store");
    return pulumi.all([m.clusterName, m.arn, m.endpointAddress, m.securityGroupId])
      .apply(([clusterName, clusterArn, endpoint, securityGroupId]): RegionSessionsTopology => ({
        kind: "memorydb-multi-region", clusterName, clusterArn, endpoint, nodeCount: m.nodeCount, securityGroupId,
      }));
  }
  const group = memberOf(s.component.groups, region, "session store");
  return pulumi.all([group.replicationGroupId, group.primaryEndpointAddress, group.readerEndpointAddress, group.securityGroupId])
    .apply(([replicationGroupId, primaryEndpoint, readerEndpoint, securityGroupId]): RegionSessionsTopology => ({
      kind: "elasticache-global", replicationGroupId, primaryEndpoint, readerEndpoint, nodeCount: group.nodeCount, securityGroupId,
    }));
}

function databaseTopology(db: DatabaseTier, regions: string[]): pulumi.Output<DatabaseTopology> {
  if (db.kind === "aurora-dsql") {
    const d = db.component;
    return pulumi.output<DatabaseTopology>({
      kind: "aurora-dsql",
      writePath: "local-endpoint",
      port: d.port,
      databaseName: d.databaseName,
      databaseRole: d.databaseRole,
      authentication: "iam",
      witnessRegion: d.witnessRegion,
      peerRegions: regions,
      encryption: d.encryption,
      deletionProtection: d.deletionProtection,
    });
  }
  const database = db.component;
  return pulumi.all([database.globalClusterIdentifier, database.globalClusterArn, database.writerEndpoint, database.engineVersion])
    .apply(([globalClusterIdentifier, globalClusterArn, writerEndpoint, engineVersion]): DatabaseTopology => ({
      kind: "aurora-global",
      engine: database.engine,
      engineVersion,
      globalClusterIdentifier,
      globalClusterArn,
      writerEndpoint,
      port: database.port,
      initialWriterRegion: database.writerRegion,
      writePath: "global-writer-endpoint",
      ...(database.globalDbRpoSeconds !== undefined ? { globalDbRpoSeconds: database.globalDbRpoSeconds } : {}),
      rpoBoundRegions: database.rpoBoundRegions,
    }));
}

function sessionsTopology(s: SessionTier): pulumi.Output<SessionsTopology> {
  if (s.kind === "memorydb-multi-region") {
    const m = s.component;
    return m.multiRegionClusterName.apply((multiRegionClusterName): SessionsTopology => ({
      kind: "memorydb-multi-region",
      engine: m.engine,
      engineVersion: m.engineVersion,
      nodeType: m.nodeType,
      multiRegionClusterName,
      homeRegion: m.homeRegion,
      port: m.port,
      writePath: "local-endpoint",
      tls: true,
      numShards: m.numShards,
      replicasPerShard: m.replicasPerShard,
      conflictResolution: "last-writer-wins",
    }));
  }
  const store = s.component;
  const regions = Object.keys(store.groups);
  return pulumi.all([store.globalReplicationGroupId, pulumi.all(regions.map((r) => store.groups[r].primaryEndpointAddress))])
    .apply(([globalReplicationGroupId, primaries]): SessionsTopology => ({
      kind: "elasticache-global",
      engine: store.engine,
      engineVersion: store.engineVersion,
      globalReplicationGroupId,
      port: store.port,
      initialPrimaryRegion: store.writerRegion,
      writePath: "primary-candidates",
      primaryCandidates: Object.fromEntries(regions.map((r, i) => [r, primaries[i]])),
    }));
}

export function dataTopology(db: DatabaseTier, sessions: SessionTier, regionNames: string[]): pulumi.Output<DataTopology> {
  const perRegion = pulumi.all(regionNames.map((region) =>
    pulumi.all([regionDatabase(db, region), regionSessions(sessions, region)]).apply(([database, s]) => [region, { database, sessions: s }] as const)));
  return pulumi.all([databaseTopology(db, regionNames), sessionsTopology(sessions), perRegion]).apply(([database, s, regions]) => ({
    database,
    sessions: s,
    regions: Object.fromEntries(regions),
  }));
}

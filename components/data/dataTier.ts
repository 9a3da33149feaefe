import * as pulumi from "@pulumi/pulumi";
import type { AppConnection, RegionalDataStores } from "../contracts";
import type { DatabaseTopology, RegionDatabaseTopology, RegionSessionsTopology, SessionsTopology } from "../topology";
import type { GlobalDatabase } from "./globalDatabase";
import type { SessionStore } from "./sessionStore";

/**
 * The data tier's seams: what the app tier connects to in one region, what alarms, backups and
 * drills refer to, and the data tier's part of the `topology` output (which never holds secrets).
 */

function memberOf<T>(members: Record<string, T>, region: string, what: string): T {
  const m = members[region];
  if (!m) throw new Error(`the ${what} has no member in ${region} (regions: ${Object.keys(members).join(", ")})`);
  return m;
}

export function appConnectionFor(database: GlobalDatabase, sessions: SessionStore, region: string): AppConnection {
  const cluster = memberOf(database.clusters, region, "global database");
  const group = memberOf(sessions.groups, region, "session store");
  return {
    databaseWriterEndpoint: database.writerEndpoint,
    databaseReaderEndpoint: cluster.readerEndpoint,
    databasePort: database.port,
    databaseName: database.databaseName,
    databaseUser: database.masterUsername,
    databasePassword: database.masterPassword,
    redisWriterHost: sessions.writerRecordName,
    redisReaderHost: group.readerEndpointAddress,
    redisPort: sessions.port,
    redisAuthToken: sessions.authToken,
  };
}

export function dataStoresFor(database: GlobalDatabase, sessions: SessionStore, region: string): RegionalDataStores {
  const cluster = memberOf(database.clusters, region, "global database");
  const group = memberOf(sessions.groups, region, "session store");
  return {
    region,
    auroraClusterArn: cluster.clusterArn,
    auroraClusterIdentifier: cluster.clusterIdentifier,
    auroraSubnetGroupName: cluster.subnetGroupName,
    restoreTestSecurityGroupId: cluster.restoreTestSecurityGroupId,
    replicationGroupId: group.replicationGroupId,
  };
}

export interface DataTopology {
  readonly database: DatabaseTopology;
  readonly sessions: SessionsTopology;
  readonly regions: Record<string, { readonly database: RegionDatabaseTopology; readonly sessions: RegionSessionsTopology }>;
}

export function dataTopology(database: GlobalDatabase, sessions: SessionStore): pulumi.Output<DataTopology> {
  const regionNames = Object.keys(database.clusters);
  const perRegion = pulumi.all(regionNames.map((region) => {
    const cluster = memberOf(database.clusters, region, "global database");
    const group = memberOf(sessions.groups, region, "session store");
    return pulumi
      .all([cluster.clusterIdentifier, cluster.clusterArn, cluster.readerEndpoint, cluster.securityGroupId, group.replicationGroupId, group.primaryEndpointAddress, group.readerEndpointAddress, group.securityGroupId])
      .apply(([clusterIdentifier, clusterArn, readerEndpoint, dbSecurityGroupId, replicationGroupId, primaryEndpoint, cacheReaderEndpoint, cacheSecurityGroupId]) => [region, {
        database: { clusterIdentifier, clusterArn, readerEndpoint, instanceCount: cluster.instances.length, securityGroupId: dbSecurityGroupId },
        sessions: { replicationGroupId, primaryEndpoint, readerEndpoint: cacheReaderEndpoint, nodeCount: group.nodeCount, securityGroupId: cacheSecurityGroupId },
      }] as const);
  }));
  return pulumi
    .all([database.globalClusterIdentifier, database.globalClusterArn, database.writerEndpoint, database.engineVersion, sessions.globalReplicationGroupId, sessions.writerRecordZoneId, perRegion])
    .apply(([globalClusterIdentifier, globalClusterArn, writerEndpoint, engineVersion, globalReplicationGroupId, writerZoneId, regions]) => ({
      database: {
        engine: database.engine,
        engineVersion,
        globalClusterIdentifier,
        globalClusterArn,
        writerEndpoint,
        port: database.port,
        initialWriterRegion: database.writerRegion,
        writePath: "global-writer-endpoint" as const,
        ...(database.globalDbRpoSeconds !== undefined ? { globalDbRpoSeconds: database.globalDbRpoSeconds } : {}),
        rpoBoundRegions: database.rpoBoundRegions,
      },
      sessions: {
        engine: sessions.engine,
        engineVersion: sessions.engineVersion,
        globalReplicationGroupId,
        port: sessions.port,
        initialPrimaryRegion: sessions.writerRegion,
        writerRecord: {
          hostedZoneId: writerZoneId,
          name: sessions.writerRecordName,
          type: "CNAME" as const,
          ttlSeconds: sessions.writerRecordTtlSeconds,
          targets: Object.fromEntries(regions.map(([region, value]) => [region, value.sessions.primaryEndpoint])),
        },
      },
      regions: Object.fromEntries(regions.map(([region, value]) => [region, value])),
    }));
}

import type { ExportedResource } from "../../plan/stackExport";
import { GraphBuilder } from "../helpers/graph";
import { AZ_LETTERS, happyStack, REGIONS, type R } from "./happyStack";

/**
 * The happy two-region stack plus correct instances of every other kind the pack judges:
 * StatefulSets, DaemonSets, Pods with a controller, HPAs on StatefulSets, PDBs with
 * matchExpressions, a standalone RDS instance, a Memcached cluster, ECS services (one scaled by
 * Application Auto Scaling), CoreDNS add-ons, a self-managed node group attached to a target
 * group, a Fargate profile, versioned and replicated S3 buckets, an access-log bucket, a log
 * group, a MemoryDB multi-region cluster and Aurora DSQL peers. Every rule must pass on it; rule cases break one property of it at a time.
 */

/** A GraphBuilder that also records resource options the engine passes to policies (ignoreChanges). */
export class StackBuilder extends GraphBuilder {
  private readonly ignored = new Map<string, string[]>();

  ignoreChanges(name: string, paths: string[]): this {
    this.get(name);
    this.ignored.set(name, paths);
    return this;
  }

  override remove(name: string): this {
    this.ignored.delete(name);
    return super.remove(name);
  }

  override resources(): ExportedResource[] {
    const byUrn = new Map([...this.ignored].map(([name, paths]) => [this.get(name).urn, paths]));
    return super.resources().map((r) => (byUrn.has(r.urn) ? { ...r, ignoreChanges: byUrn.get(r.urn) } : r));
  }
}

const probe = (path: string, period: number) => ({ httpGet: { path, port: 8080 }, periodSeconds: period });
const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false };
const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };

function kubernetes(g: StackBuilder, r: R): void {
  const k8s = { provider: `k8s-${r}` };
  const labels = { app: "queue", tier: "sessions-cache" };
  // A StatefulSet a Service selects, scaled 3..6 by an HPA over 3 zones: zone and host spread.
  g.add("kubernetes:apps/v1:StatefulSet", `queue-${r}`, {
    metadata: { name: "queue", namespace: "app" },
    spec: {
      serviceName: "queue",
      // A broker keeps its messages on a volume per pod, replicated between the pods (quorum queues).
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "20Gi" } } } }],
      ...(r === "east" ? { replicas: 3 } : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true },
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
            { maxSkew: 1, minDomains: 3, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["queue"] }] } },
          ],
          initContainers: [{ name: "init", image: "public.ecr.aws/docker/library/busybox:1.37", resources, securityContext: hardened }],
          containers: [{
            name: "queue",
            image: "public.ecr.aws/docker/library/rabbitmq:4.1.0",
            readinessProbe: probe("/ready", 5),
            livenessProbe: { tcpSocket: { port: 5672 }, periodSeconds: 20 },
            resources,
            securityContext: hardened,
          }],
        },
      },
    },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
  // East keeps an initial size and lets the HPA own it afterwards, as the blueprint's app does.
  if (r === "east") g.ignoreChanges(`queue-${r}`, ["spec.replicas"]);
  g.add("kubernetes:core/v1:Service", `queue-svc-${r}`, { metadata: { name: "queue", namespace: "app" }, spec: { clusterIP: "None", selector: { app: "queue" }, ports: [{ port: 5672 }] } }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
  g.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `queue-hpa-${r}`, {
    metadata: { name: "queue", namespace: "app" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "queue" }, minReplicas: 3, maxReplicas: 6 },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
  g.add("kubernetes:policy/v1:PodDisruptionBudget", `queue-pdb-${r}`, {
    metadata: { name: "queue", namespace: "app" },
    spec: { minAvailable: 2, selector: { matchExpressions: [{ key: "app", operator: "In", values: ["queue"] }, { key: "tier", operator: "Exists" }] }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
  // A node agent: one pod per node, no Service, so liveness but no readiness.
  g.add("kubernetes:apps/v1:DaemonSet", `agent-${r}`, {
    metadata: { name: "agent", namespace: "kube-system" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: {
        metadata: { labels: { app: "agent" } },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [{ name: "agent", image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.5", livenessProbe: probe("/api/v1/health", 30), resources, securityContext: hardened }],
        },
      },
    },
  }, k8s);
  // A pod owned by a Job: it has a controller, so it is not a bare Pod.
  g.add("kubernetes:core/v1:Pod", `migrate-${r}`, {
    metadata: { name: "migrate", namespace: "app", labels: { job: "migrate" }, ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "migrate", uid: "7c1d", controller: true }] },
    spec: {
      restartPolicy: "OnFailure",
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "migrate", image: "public.ecr.aws/docker/library/flyway:11.8", livenessProbe: { exec: { command: ["true"] }, periodSeconds: 60 }, resources, securityContext: hardened }],
    },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
}

function aws(g: StackBuilder, r: R): void {
  const p = { provider: `aws-${r}` };
  const each = (kind: string) => AZ_LETTERS.map((az) => `${kind}-${r}-${az}`);
  g.add("aws:eks/addon:Addon", `coredns-${r}`, {
    addonName: "coredns",
    configurationValues: JSON.stringify(r === "east" ? { replicaCount: 3 } : { autoScaling: { enabled: true, minReplicas: 3, maxReplicas: 10 } }),
  }, { ...p, refs: { clusterName: [`eks-${r}`] } });
  g.add("aws:ecs/service:Service", `worker-${r}`, {
    ...(r === "east" ? { desiredCount: 3 } : {}),
    launchType: "FARGATE",
    networkConfiguration: { assignPublicIp: false },
    deploymentCircuitBreaker: { enable: true, rollback: true },
  }, { ...p, refs: { networkConfiguration: each("private") } });
  g.set(`worker-${r}`, "networkConfiguration.subnets", each("private").map((s) => `${s}-id`));
  if (r === "west") {
    g.add("aws:appautoscaling/target:Target", "worker-west-scaling", { scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs", minCapacity: 2, maxCapacity: 12 }, { ...p, refs: { resourceId: ["worker-west"] } });
  }
  g.add("aws:cloudwatch/logGroup:LogGroup", `worker-logs-${r}`, { retentionInDays: 30 }, p);
}

function eastOnly(g: StackBuilder): void {
  const p = { provider: "aws-east" };
  const each = (kind: string) => AZ_LETTERS.map((az) => `${kind}-east-${az}`);
  // A standalone RDS instance with every safe setting, covered by the region's backup selection.
  g.add("aws:rds/instance:Instance", "reports-db-east", {
    engine: "postgres", instanceClass: "db.m6g.large", multiAz: true, backupRetentionPeriod: 14, storageEncrypted: true, deletionProtection: true, publiclyAccessible: false,
  }, { ...p, refs: { kmsKeyId: ["kms-east"], dbSubnetGroupName: ["dbsubnets-east"], vpcSecurityGroupIds: ["db-sg-east"] } });
  g.link("selection-east", "resources", ["db-east", "reports-db-east", "dsql-east"]);
  g.add("aws:elasticache/cluster:Cluster", "memcache-east", { engine: "memcached", nodeType: "cache.m7g.large", numCacheNodes: 2, azMode: "cross-az" }, { ...p, refs: { subnetGroupName: ["cachesubnets-east"] } });
  // A self-managed node group for the east cluster, registered in the ALB's target group.
  g.set("eks-east", "name", "eks-east");
  g.add("aws:autoscaling/group:Group", "selfmanaged-east", {
    minSize: 2, maxSize: 6, healthCheckType: "ELB", healthCheckGracePeriod: 300,
    tags: [{ key: "kubernetes.io/cluster/eks-east", value: "owned", propagateAtLaunch: true }],
  }, { ...p, refs: { vpcZoneIdentifiers: each("private"), launchTemplate: ["lt-east"] } });
  g.add("aws:autoscaling/attachment:Attachment", "selfmanaged-east-tg", {}, { ...p, refs: { autoscalingGroupName: ["selfmanaged-east"], lbTargetGroupArn: ["tg-east"] } });
  // Buckets: east holds data and replicates to west; the ALB writes its access logs to a log bucket.
  for (const [name, provider] of [["assets-east", "aws-east"], ["assets-west", "aws-west"], ["alb-logs-east", "aws-east"]] as const) {
    g.add("aws:s3/bucket:Bucket", name, { bucket: name }, { provider, outputs: { arn: `arn:aws:s3:::${name}` } });
    g.add("aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`, { versioningConfiguration: { status: "Enabled" } }, { provider, refs: { bucket: [name] } });
  }
  g.add("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "assets-east-replication", {
    rules: [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::assets-west", storageClass: "STANDARD" } }],
  }, { ...p, refs: { bucket: ["assets-east"], rules: ["assets-west"] } });
  g.link("alb-east", "accessLogs", ["alb-logs-east"]).set("alb-east", "accessLogs", { bucket: "alb-logs-east", enabled: true });
}

/** The witness region of the DSQL peers: a third region, holding no peer. */
export const DSQL_WITNESS = "us-east-2";

/**
 * The multi-writer data kinds beside the single-writer ones: a MemoryDB multi-region cluster with a
 * regional cluster per region (one replica per shard, a subnet group over every AZ, TLS, an ACL,
 * daily snapshots) and Aurora DSQL peers in both regions with a witness in a third.
 */
function multiWriterData(g: StackBuilder): void {
  g.add("aws:memorydb/multiRegionCluster:MultiRegionCluster", "sessions-mr", { multiRegionClusterNameSuffix: "sessions", nodeType: "db.r7g.xlarge", engine: "valkey", tlsEnabled: true }, { provider: "aws-east" });
  for (const r of Object.keys(REGIONS) as R[]) {
    const other: R = r === "east" ? "west" : "east";
    const p = { provider: `aws-${r}` };
    g.add("aws:memorydb/subnetGroup:SubnetGroup", `mdbsubnets-${r}`, {}, { ...p, refs: { subnetIds: AZ_LETTERS.map((az) => `isolated-${r}-${az}`) } });
    g.add("aws:memorydb/cluster:Cluster", `mdb-${r}`, {
      nodeType: "db.r7g.xlarge", numReplicasPerShard: 1, tlsEnabled: true, snapshotRetentionLimit: 1, aclName: "sessions-acl",
    }, { ...p, refs: { multiRegionClusterName: ["sessions-mr"], subnetGroupName: [`mdbsubnets-${r}`], securityGroupIds: [`cache-sg-${r}`], kmsKeyArn: [`kms-${r}`] } });
    g.add("aws:dsql/cluster:Cluster", `dsql-${r}`, { deletionProtectionEnabled: true, multiRegionProperties: { witnessRegion: DSQL_WITNESS } }, { ...p, refs: { kmsEncryptionKey: [`kms-${r}`] } });
    g.add("aws:dsql/clusterPeering:ClusterPeering", `dsql-peering-${r}`, { witnessRegion: DSQL_WITNESS }, { ...p, refs: { identifier: [`dsql-${r}`], clusters: [`dsql-${other}`] } });
  }
}

function westOnly(g: StackBuilder): void {
  g.add("aws:eks/fargateProfile:FargateProfile", "fargate-west", { selectors: [{ namespace: "batch" }] }, { provider: "aws-west", refs: { clusterName: ["eks-west"], subnetIds: AZ_LETTERS.map((az) => `private-west-${az}`) } });
}

export function mixedStack(): StackBuilder {
  const g = happyStack(new StackBuilder("prod", "ha-blueprint"));
  for (const r of Object.keys(REGIONS) as R[]) {
    kubernetes(g, r);
    aws(g, r);
  }
  multiWriterData(g);
  eastOnly(g);
  westOnly(g);
  return g;
}

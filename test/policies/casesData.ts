import type { RuleCase } from "./cases";

/** Firing cases for the multi-writer data kinds: MemoryDB Multi-Region and Aurora DSQL (see cases.ts for the shape). */
export const DATA_CASES: RuleCase[] = [
  { rule: "ha-memorydb-multi-region", when: "a serving region lost its MemoryDB regional cluster", offender: "sessions-mr", about: /no regional cluster in us-west-2/, mutate: (g) => g.remove("mdb-west") },
  { rule: "ha-memorydb-multi-region", when: "the multi-region cluster uses a node type Multi-Region does not support", offender: "sessions-mr", about: /db\.r6g\.large.*R7g nodes of size xlarge/, mutate: (g) => g.set("sessions-mr", "nodeType", "db.r6g.large") },
  {
    rule: "ha-memorydb-multi-region",
    when: "a regional cluster leaves the multi-region cluster",
    offender: "mdb-east",
    about: /outside any multi-region cluster/,
    mutate: (g) => g.link("mdb-east", "multiRegionClusterName", []).set("mdb-east", "multiRegionClusterName", undefined),
  },
  { rule: "ha-memorydb-multi-az", when: "a regional cluster keeps no replica per shard", offender: "mdb-west", about: /numReplicasPerShard 0/, mutate: (g) => g.set("mdb-west", "numReplicasPerShard", 0) },
  { rule: "ha-memorydb-multi-az", when: "the subnet group spans two AZs in prod", offender: "mdbsubnets-east", about: /2 availability zone\(s\).*this pack's minimum of 3, set by `ha-memorydb-multi-az.minAzs`/, mutate: (g) => g.link("mdbsubnets-east", "subnetIds", ["isolated-east-a", "isolated-east-b"]) },
  { rule: "ha-memorydb-snapshots", when: "a regional cluster leaves snapshots at the default 0", offender: "mdb-east", about: /unset, default 0.*`ha-memorydb-snapshots.minSnapshotDays`/, mutate: (g) => g.set("mdb-east", "snapshotRetentionLimit", undefined) },
  { rule: "sec-memorydb-tls-auth", when: "a regional cluster turns TLS off", offender: "mdb-west", about: /tlsEnabled: false/, mutate: (g) => g.set("mdb-west", "tlsEnabled", false) },
  { rule: "sec-memorydb-tls-auth", when: "a regional cluster uses the open-access ACL", offender: "mdb-east", about: /open-access ACL/, mutate: (g) => g.set("mdb-east", "aclName", "open-access") },
  { rule: "ha-dsql-multi-region", when: "a serving region lost its DSQL peer", offender: "dsql-east", about: /no peer in us-west-2/, mutate: (g) => g.remove("dsql-peering-west").remove("dsql-west").link("dsql-peering-east", "clusters", []) },
  { rule: "ha-dsql-multi-region", when: "a cluster lost its peering", offender: "dsql-west", about: /no aws\.dsql\.ClusterPeering/, mutate: (g) => g.remove("dsql-peering-west") },
  { rule: "ha-dsql-multi-region", when: "the witness is a peer's region", offender: "dsql-east", about: /witness region us-west-2, which is also a peer/, mutate: (g) => g.set("dsql-east", "multiRegionProperties.witnessRegion", "us-west-2").set("dsql-west", "multiRegionProperties.witnessRegion", "us-west-2").set("dsql-peering-east", "witnessRegion", "us-west-2").set("dsql-peering-west", "witnessRegion", "us-west-2") },
  { rule: "ha-dsql-multi-region", when: "a cluster is single-Region", offender: "dsql-west", about: /single-Region cluster/, mutate: (g) => g.set("dsql-west", "multiRegionProperties", undefined) },
  { rule: "ha-dsql-multi-region", when: "a peering names another witness than its cluster", offender: "dsql-peering-east", about: /witness region us-west-1, while the cluster was created with witness us-east-2/, mutate: (g) => g.set("dsql-peering-east", "witnessRegion", "us-west-1") },
  { rule: "ha-dsql-deletion-protection", when: "a peer leaves deletion protection at its default", offender: "dsql-west", about: /unset, default false/, mutate: (g) => g.set("dsql-west", "deletionProtectionEnabled", undefined) },
  { rule: "ha-tier-in-every-region", when: "one region lost its MemoryDB regional cluster", offender: "mdb-east", about: /MemoryDB cluster.*no counterpart in us-west-2/, mutate: (g) => g.remove("mdb-west") },
  { rule: "ha-tier-in-every-region", when: "one region lost its DSQL peer", offender: "dsql-east", about: /Aurora DSQL cluster.*no counterpart in us-west-2/, mutate: (g) => g.remove("dsql-peering-west").remove("dsql-west") },
  { rule: "ha-backup-coverage", when: "no selection covers either DSQL peer", offender: "dsql-west", about: /selected by no AWS Backup selection/, mutate: (g) => g.link("selection-east", "resources", ["db-east", "reports-db-east"]) },
];

const onePodTemplate = (labels: Record<string, string>, image: string, volumes: unknown[] = [], port?: number) => ({
  metadata: { labels },
  spec: {
    securityContext: { runAsNonRoot: true },
    volumes,
    containers: [{
      name: "main",
      image,
      ...(port ? { ports: [{ containerPort: port }] } : {}),
      livenessProbe: { tcpSocket: { port: port ?? 8080 } },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
    }],
  },
});

/** Firing cases for the stateful blind spots and the region that cannot be found (issue 20). */
export const BLIND_SPOT_CASES: RuleCase[] = [
  { rule: "ha-k8s-datastore-persistent", when: "the broker StatefulSet loses its volumeClaimTemplates", offender: "queue-east", about: /datastore \(image .*rabbitmq:4\.1\.0\).*container's own filesystem/, mutate: (g) => g.set("queue-east", "spec.volumeClaimTemplates", undefined) },
  {
    rule: "ha-k8s-datastore-persistent",
    when: "a PostgreSQL Deployment keeps its data on an emptyDir",
    offender: "pg-east",
    about: /emptyDir volume\(s\) data/,
    mutate: (g) => g.add("kubernetes:apps/v1:Deployment", "pg-east", { metadata: { name: "pg", namespace: "app" }, spec: { replicas: 1, selector: { matchLabels: { app: "pg" } }, template: onePodTemplate({ app: "pg" }, "docker.io/library/postgres:16.4", [{ name: "data", emptyDir: {} }]) } }, { provider: "k8s-east", refs: { metadata: ["ns-east"] } }),
  },
  {
    rule: "ha-k8s-datastore-persistent",
    when: "a Deployment of an unrecognised image serves the Redis port with no volume",
    offender: "kv-west",
    about: /port 6379/,
    mutate: (g) => g.add("kubernetes:apps/v1:Deployment", "kv-west", { metadata: { name: "kv", namespace: "app" }, spec: { replicas: 2, selector: { matchLabels: { app: "kv" } }, template: onePodTemplate({ app: "kv" }, "ghcr.io/acme/kv:2.1", [], 6379) } }, { provider: "k8s-west", refs: { metadata: ["ns-west"] } }),
  },
  {
    rule: "ha-k8s-rwo-volume-single-pod",
    when: "a one-pod Deployment mounts a ReadWriteOnce gp3 claim",
    offender: "uploads-east",
    about: /PersistentVolumeClaim uploads-data/,
    mutate: (g) => {
      g.add("kubernetes:core/v1:PersistentVolumeClaim", "uploads-data-east", { metadata: { name: "uploads-data", namespace: "app" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "10Gi" } } } }, { provider: "k8s-east", refs: { metadata: ["ns-east"] } });
      g.add("kubernetes:apps/v1:Deployment", "uploads-east", { metadata: { name: "uploads", namespace: "app" }, spec: { replicas: 1, selector: { matchLabels: { app: "uploads" } }, template: onePodTemplate({ app: "uploads" }, "public.ecr.aws/acme/uploads:1.0", [{ name: "data", persistentVolumeClaim: { claimName: "uploads-data" } }]) } }, { provider: "k8s-east", refs: { metadata: ["ns-east"] } });
    },
  },
  {
    rule: "ha-k8s-rwo-volume-single-pod",
    when: "the broker StatefulSet is scaled to one pod on its EBS volumeClaimTemplate",
    offender: "queue-west",
    about: /volumeClaimTemplate data/,
    mutate: (g) => g.remove("queue-hpa-west").set("queue-west", "spec.replicas", 1),
  },
  {
    rule: "ha-standalone-instance-tier",
    when: "a third region serves from one standalone EC2 instance",
    offender: "web-euc",
    about: /the only EC2 instance\(s\) serving eu-central-1 \(in eu-central-1a\)/,
    mutate: (g) => g.provider("aws-euc", "eu-central-1").add("aws:ec2/instance:Instance", "web-euc", { instanceType: "m7g.large", availabilityZone: "eu-central-1a", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }, { provider: "aws-euc" }),
  },
  {
    rule: "ha-region-known",
    when: "no AWS resource has a provider and the stack no aws:region (a preview without provider steps)",
    offender: "orphan-bucket",
    about: /whose region the graph does not say, and no resource of the stack is placed/,
    mutate: (g) => {
      for (const n of g.names()) g.remove(n);
      g.add("aws:s3/bucket:Bucket", "orphan-bucket", { bucket: "orphan" }).add("aws:lambda/function:Function", "orphan-fn", { runtime: "nodejs20.x" });
    },
  },
];

type G = Parameters<RuleCase["mutate"]>[0];

/** A second, independent DSQL multi-Region cluster (its own peers) that shares the first one's witness region. */
function secondDsqlPair(g: G): void {
  for (const r of ["east", "west"] as const) {
    g.add("aws:dsql/cluster:Cluster", `ledger-${r}`, { deletionProtectionEnabled: true, multiRegionProperties: { witnessRegion: "us-east-2" } }, { provider: `aws-${r}` });
  }
  for (const [r, other] of [["east", "west"], ["west", "east"]] as const) {
    g.add("aws:dsql/clusterPeering:ClusterPeering", `ledger-peering-${r}`, { witnessRegion: "us-east-2" }, { provider: `aws-${r}`, refs: { identifier: [`ledger-${r}`], clusters: [`ledger-${other}`] } });
  }
  g.link("selection-east", "resources", ["db-east", "reports-db-east", "dsql-east", "ledger-east"]);
}

/** Changes to the multi-writer data and the blind-spot shapes that keep the property (must not fire). */
export const DATA_PASSES: Array<Omit<RuleCase, "offender" | "about">> = [
  { rule: "ha-dsql-multi-region", when: "two independent multi-Region clusters share one witness region", mutate: secondDsqlPair },
  { rule: "ha-backup-coverage", when: "one covered DSQL peer covers its peered cluster", mutate: secondDsqlPair },
  { rule: "ha-memorydb-multi-az", when: "a regional cluster leaves numReplicasPerShard at its default (1)", mutate: (g) => g.set("mdb-east", "numReplicasPerShard", undefined) },
  { rule: "sec-memorydb-tls-auth", when: "a regional cluster leaves tlsEnabled at its default (true)", mutate: (g) => g.set("mdb-west", "tlsEnabled", undefined) },
  {
    rule: "ha-k8s-rwo-volume-single-pod",
    when: "a one-pod Deployment mounts a ReadWriteMany EFS claim",
    mutate: (g) => {
      g.add("kubernetes:storage.k8s.io/v1:StorageClass", "efs-sc-east", { metadata: { name: "efs-sc" }, provisioner: "efs.csi.aws.com" }, { provider: "k8s-east" });
      g.add("kubernetes:core/v1:PersistentVolumeClaim", "shared-east", { metadata: { name: "shared", namespace: "app" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "efs-sc", resources: { requests: { storage: "5Gi" } } } }, { provider: "k8s-east", refs: { metadata: ["ns-east"] } });
      g.add("kubernetes:apps/v1:Deployment", "reports-east", { metadata: { name: "reports", namespace: "app" }, spec: { replicas: 1, selector: { matchLabels: { app: "reports" } }, template: onePodTemplate({ app: "reports" }, "public.ecr.aws/acme/reports:1.0", [{ name: "data", persistentVolumeClaim: { claimName: "shared" } }]) } }, { provider: "k8s-east", refs: { metadata: ["ns-east"] } });
    },
  },
  {
    rule: "ha-standalone-instance-tier",
    when: "a bastion instance sits in a region that an Auto Scaling group serves",
    mutate: (g) => g.add("aws:ec2/instance:Instance", "bastion-east", { instanceType: "t4g.nano", availabilityZone: "us-east-1a" }, { provider: "aws-east" }),
  },
  {
    rule: "ha-k8s-datastore-persistent",
    when: "a PostgreSQL Deployment keeps its data on a claim",
    mutate: (g) => g.add("kubernetes:apps/v1:Deployment", "pg-west", { metadata: { name: "pg", namespace: "app" }, spec: { replicas: 2, selector: { matchLabels: { app: "pg" } }, template: onePodTemplate({ app: "pg" }, "docker.io/library/postgres:16.4", [{ name: "data", persistentVolumeClaim: { claimName: "pg-data" } }]) } }, { provider: "k8s-west", refs: { metadata: ["ns-west"] } }),
  },
];

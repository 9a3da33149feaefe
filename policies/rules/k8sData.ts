import type { GraphNode, ResourceGraph } from "../../graph/model";
import { perGraph } from "../../graph/memo";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asList, asString, field, isUnknown, list } from "../engine/values";
import { T } from "./common";
import { claimNamed, containerName, containersOf, kindOf, podSpecPath, REPLICATED, runsOnePodAtMost } from "./k8sCommon";

/**
 * Data kept inside Kubernetes: a datastore run as a Deployment on an emptyDir (or no volume) loses
 * its data whenever its pod is rescheduled, and a one-pod workload on a ReadWriteOnce EBS volume is
 * pinned to that volume's AZ. Neither shows as a replica or spread problem.
 */

/** Images of databases, caches and brokers (the repository name, after any registry and path). */
const DATASTORE_IMAGE = /^(postgres|postgresql|postgis|mysql|mariadb|percona|mongo|mongodb|redis|valkey|keydb|cassandra|scylla|elasticsearch|opensearch|rabbitmq|kafka|zookeeper|nats|etcd|clickhouse|clickhouse-server|cockroach|couchdb|influxdb|neo4j|minio|memcached)(-[a-z-]+)?$/;
/** Their well-known ports: PostgreSQL, MySQL, MongoDB, Redis, Cassandra, Elasticsearch, AMQP, Kafka, ZooKeeper, etcd, Neo4j, CockroachDB, InfluxDB, NATS, memcached. */
const DATASTORE_PORTS = new Set([5432, 3306, 27017, 6379, 9042, 9200, 5672, 9092, 2181, 2379, 7687, 26257, 8086, 4222, 11211]);

/** The repository part of an image reference: `docker.io/bitnami/postgresql:16` -> `postgresql`. */
function repositoryOf(image: string): string {
  const noDigest = image.split("@")[0];
  const last = noDigest.slice(noDigest.lastIndexOf("/") + 1);
  return last.split(":")[0].toLowerCase();
}

/** What makes a container a datastore, for the message; undefined for anything else. */
export function datastoreOf(c: unknown): string | undefined {
  const image = asString(field(c, "image"));
  if (typeof image === "string" && DATASTORE_IMAGE.test(repositoryOf(image))) return `image ${image}`;
  const ports = asList(field(c, "ports"));
  if (!isUnknown(ports)) {
    for (const p of ports) {
      const port = field(p, "containerPort");
      if (typeof port === "number" && DATASTORE_PORTS.has(port)) return `port ${port}`;
    }
  }
  return undefined;
}

/** Names of the pod volumes backed by a PersistentVolumeClaim. */
function claimVolumes(graph: ResourceGraph, w: GraphNode): { claims: string[]; unknown: boolean } {
  const volumes = asList(graph.prop(w, `${podSpecPath(w)}.volumes`));
  if (isUnknown(volumes)) return { claims: [], unknown: true };
  const claims = volumes.map((v) => field(v, "persistentVolumeClaim.claimName")).filter((n): n is string => typeof n === "string");
  return { claims, unknown: false };
}

function volumeClaimTemplates(graph: ResourceGraph, w: GraphNode): unknown[] {
  if (w.type !== T.statefulSet) return [];
  const t = asList(graph.prop(w, "spec.volumeClaimTemplates"));
  return isUnknown(t) ? [] : t;
}

/**
 * A workload running a datastore whose data lives in the pod (an emptyDir or no volume at all):
 * the container, what marks it as a datastore, and where its data is. undefined otherwise.
 */
export function ephemeralDatastore(graph: ResourceGraph, w: GraphNode): { container: string; what: string; where: string } | undefined {
  const stores = containersOf(graph, w).map((c) => ({ c, what: datastoreOf(c) })).filter((x): x is { c: unknown; what: string } => !!x.what);
  if (stores.length === 0) return undefined;
  const { claims, unknown } = claimVolumes(graph, w);
  if (unknown || claims.length > 0 || volumeClaimTemplates(graph, w).length > 0) return undefined;
  const volumes = asList(graph.prop(w, `${podSpecPath(w)}.volumes`));
  const ephemeral = isUnknown(volumes) ? [] : volumes.filter((v) => field(v, "emptyDir") !== undefined).map((v) => String(field(v, "name") ?? "?"));
  const where = ephemeral.length > 0 ? `on emptyDir volume(s) ${list(ephemeral)}, which are deleted with the pod` : "with no volume, in the container's own filesystem";
  return { container: containerName(stores[0].c), what: stores[0].what, where };
}

/** R-data. A datastore whose data lives in the pod is lost with the pod. */
export const datastoreEphemeral = defineResourceRule({
  name: "ha-k8s-datastore-persistent",
  description: "A Deployment, StatefulSet or ReplicaSet that runs a database, cache or broker (by image or well-known port) keeps its data on a PersistentVolumeClaim (StatefulSet volumeClaimTemplates), not on an emptyDir or the container's own filesystem.",
  severity: "critical",
  kind: "redundancy",
  anchors: ["REL09-BP01", "REL10-BP01", "Kubernetes: StatefulSets (stable storage)", "Kubernetes: emptyDir (deleted with the pod)"],
  remediation: "run it as a StatefulSet with volumeClaimTemplates (and replication between its pods), or use a managed store (Aurora/RDS, ElastiCache/MemoryDB, Amazon MQ, MSK)",
  scope: "resource",
  types: REPLICATED,
  config: {},
  check(w, { graph, report }) {
    const found = ephemeralDatastore(graph, w);
    if (found) report(w, `is a ${kindOf(w)} whose container ${found.container} is a datastore (${found.what}) keeping its data ${found.where}: a reschedule, a node loss or an AZ loss erases it`);
  },
});

/** EBS storage classes: the in-tree and CSI provisioners, and the class names EKS and most charts use. */
const EBS_PROVISIONERS = new Set(["ebs.csi.aws.com", "kubernetes.io/aws-ebs", "ebs.csi.eks.amazonaws.com"]);
const EBS_CLASS_NAME = /^(gp2|gp3|io1|io2|st1|sc1|ebs.*|.*-ebs.*|auto-ebs-sc)$/;

/**
 * Whether a claim is a ReadWriteOnce volume on EBS. An unset storageClassName takes the cluster's
 * default class, which on EKS is the EBS class gp2 (EKS user guide, "Storage classes"): counted as EBS.
 */
function isRwoEbs(graph: ResourceGraph, accessModes: unknown, storageClassName: unknown, classes: Map<string, GraphNode>): boolean {
  const modes = asList(accessModes);
  if (isUnknown(modes) || !modes.some((m) => m === "ReadWriteOnce" || m === "ReadWriteOncePod")) return false;
  if (storageClassName === undefined || storageClassName === null) return true;
  if (typeof storageClassName !== "string") return false;
  const cls = classes.get(storageClassName);
  if (cls) {
    const provisioner = graph.prop(cls, "provisioner");
    return typeof provisioner === "string" && EBS_PROVISIONERS.has(provisioner);
  }
  return EBS_CLASS_NAME.test(storageClassName);
}

const storageClasses = perGraph((graph) => {
  const classes = new Map<string, GraphNode>();
  for (const sc of graph.ofType(T.storageClass)) {
    const name = asString(graph.prop(sc, "metadata.name"));
    if (typeof name === "string") classes.set(name, sc);
  }
  return classes;
});

/** The ReadWriteOnce EBS volumes a workload mounts (claims and volumeClaimTemplates), for messages. */
export function ebsPinnedVolumes(graph: ResourceGraph, w: GraphNode): string[] {
  const classes = storageClasses(graph);
  const pinned: string[] = [];
  for (const name of claimVolumes(graph, w).claims) {
    const pvc = claimNamed(graph, w, name);
    if (pvc && isRwoEbs(graph, graph.prop(pvc, "spec.accessModes"), graph.prop(pvc, "spec.storageClassName"), classes)) pinned.push(`PersistentVolumeClaim ${name}`);
  }
  for (const t of volumeClaimTemplates(graph, w)) {
    if (isRwoEbs(graph, field(t, "spec.accessModes"), field(t, "spec.storageClassName"), classes)) pinned.push(`volumeClaimTemplate ${String(field(t, "metadata.name") ?? "?")}`);
  }
  return pinned;
}

/** R-data. An EBS volume lives in one AZ: a one-pod workload mounting it cannot move to another AZ. */
export const rwoVolumeSingleReplica = defineStackRule({
  name: "ha-k8s-rwo-volume-single-pod",
  description: "No workload that runs one pod at most keeps its data on a ReadWriteOnce EBS volume (a PersistentVolumeClaim or a StatefulSet volumeClaimTemplate), which pins it to the volume's availability zone.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL10-BP01", "Amazon EBS: volumes are AZ-scoped", "EKS Best Practices: EBS volumes and AZ affinity"],
  remediation: "replicate the data over 2 or more pods in different AZs (a StatefulSet with volumeClaimTemplates and application replication), or use EFS (ReadWriteMany) or a managed store",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    for (const w of graph.ofType(...REPLICATED)) {
      if (!runsOnePodAtMost(graph, w)) continue;
      const pinned = ebsPinnedVolumes(graph, w);
      if (pinned.length > 0) {
        report(w, `runs one pod on ReadWriteOnce EBS storage (${list(pinned)}): the volume lives in one AZ, so when that AZ fails the pod cannot start anywhere else and its data is unreachable`);
      }
    }
  },
});

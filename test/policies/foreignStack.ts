import { StackBuilder } from "./mixedStack";

/**
 * A stack another team wrote, shaped like the public examples the pack meets in the wild: project
 * `shop`, no `ha:` tags, one region, subnets placed by availabilityZoneId, an EKS cluster whose
 * node group leaves instanceTypes at the provider default, workloads of every common shape (a
 * one-pod API, a scaled worker without spread or PDB, a PostgreSQL Deployment on emptyDir, a one-pod
 * upload service on a ReadWriteOnce gp2 claim, a Redis StatefulSet whose anti-affinity selects
 * other pods, an HPA whose target is gone, a PDB in another namespace), an ECS service of one
 * task, an RDS instance at its defaults, and a second region served by one standalone EC2 instance.
 */

const AZ_IDS = ["usw2-az1", "usw2-az2", "usw2-az3"];

const container = (name: string, image: string, extra: Record<string, unknown> = {}) => ({
  name,
  image,
  livenessProbe: { httpGet: { path: "/live", port: 8080 } },
  readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
  ...extra,
});

const template = (labels: Record<string, string>, containers: unknown[], spec: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { securityContext: { runAsNonRoot: true }, containers, ...spec },
});

export function foreignStack(): StackBuilder {
  const g = new StackBuilder("production", "shop");
  g.provider("default_6_0_0", "us-west-2");
  const p = { provider: "default_6_0_0" };
  g.add("aws:ec2/vpc:Vpc", "main", { cidrBlock: "10.0.0.0/16" }, p);
  AZ_IDS.forEach((azId, i) => g.add("aws:ec2/subnet:Subnet", `private-${i}`, { availabilityZoneId: azId, cidrBlock: `10.0.${i}.0/24` }, { ...p, refs: { vpcId: ["main"] } }));
  const subnets = AZ_IDS.map((_, i) => `private-${i}`);
  g.add("aws:eks/cluster:Cluster", "shop", { vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: subnets.map((s) => `${s}-id`) } }, { ...p, refs: { vpcConfig: subnets } });
  g.add("aws:eks/nodeGroup:NodeGroup", "shop-nodes", { scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 } }, { ...p, refs: { clusterName: ["shop"], subnetIds: subnets } });
  g.k8sProvider("shop-k8s", "shop");
  const k = { provider: "shop-k8s" };
  const ns = (name: string) => ({ name, namespace: "shop" });

  g.add("kubernetes:apps/v1:Deployment", "api", { metadata: ns("api"), spec: { replicas: 1, selector: { matchLabels: { app: "api" } }, template: template({ app: "api" }, [container("api", "ghcr.io/shop/api:1.4.2")]) } }, k);
  g.add("kubernetes:core/v1:Service", "api-svc", { metadata: ns("api"), spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: 8080 }] } }, k);

  g.add("kubernetes:apps/v1:Deployment", "worker", { metadata: ns("worker"), spec: { selector: { matchLabels: { app: "worker" } }, template: template({ app: "worker" }, [container("worker", "ghcr.io/shop/worker:1.4.2")]) } }, k);
  g.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "worker-hpa", { metadata: ns("worker"), spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker" }, minReplicas: 3, maxReplicas: 10 } }, k);
  g.add("kubernetes:policy/v1:PodDisruptionBudget", "worker-pdb", { metadata: { name: "worker", namespace: "ops" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "worker" } } } }, k);

  g.add("kubernetes:apps/v1:Deployment", "postgres", {
    metadata: ns("postgres"),
    spec: { replicas: 1, selector: { matchLabels: { app: "postgres" } }, template: template({ app: "postgres" }, [container("postgres", "docker.io/library/postgres:16.4", { volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }] })], { volumes: [{ name: "data", emptyDir: {} }] }) },
  }, k);

  g.add("kubernetes:core/v1:PersistentVolumeClaim", "uploads-data", { metadata: ns("uploads-data"), spec: { accessModes: ["ReadWriteOnce"], storageClassName: "gp2", resources: { requests: { storage: "20Gi" } } } }, k);
  g.add("kubernetes:apps/v1:Deployment", "uploads", {
    metadata: ns("uploads"),
    spec: { replicas: 1, selector: { matchLabels: { app: "uploads" } }, template: template({ app: "uploads" }, [container("uploads", "ghcr.io/shop/uploads:0.9.1")], { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "uploads-data" } }] }) },
  }, k);

  const redisLabels = { app: "redis" };
  g.add("kubernetes:apps/v1:StatefulSet", "redis", {
    metadata: ns("redis"),
    spec: {
      serviceName: "redis",
      replicas: 6,
      selector: { matchLabels: redisLabels },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } } }],
      template: template(redisLabels, [container("redis", "docker.io/library/redis:7.4.1")], {
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: redisLabels } }],
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "redis-sentinel" } } }] } },
      }),
    },
  }, k);
  g.add("kubernetes:policy/v1:PodDisruptionBudget", "redis-pdb", { metadata: ns("redis"), spec: { maxUnavailable: 1, selector: { matchLabels: redisLabels } } }, k);
  g.add("kubernetes:core/v1:Service", "redis-svc", { metadata: ns("redis"), spec: { clusterIP: "None", selector: redisLabels, ports: [{ port: 6379 }] } }, k);
  g.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "ghost-hpa", { metadata: ns("ghost"), spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "ghost" }, minReplicas: 2, maxReplicas: 4 } }, k);

  g.add("aws:ecs/cluster:Cluster", "ecs", {}, p);
  g.add("aws:ecs/service:Service", "checkout", { desiredCount: 1, launchType: "FARGATE", networkConfiguration: { assignPublicIp: false } }, { ...p, refs: { cluster: ["ecs"], networkConfiguration: subnets } });
  g.set("checkout", "networkConfiguration.subnets", subnets.map((s) => `${s}-id`));
  g.add("aws:rds/instance:Instance", "orders-db", { engine: "postgres", instanceClass: "db.t4g.medium", allocatedStorage: 20 }, p);

  // A cluster this program did not create: a Kubernetes provider from a kubeconfig string, no edge to any EKS cluster.
  g.add("pulumi:providers:kubernetes", "external-k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
  const batchLabels = { app: "batch" };
  g.add("kubernetes:apps/v1:Deployment", "batch", {
    metadata: { name: "batch", namespace: "jobs" },
    spec: { replicas: 4, selector: { matchLabels: batchLabels }, template: template(batchLabels, [container("batch", "ghcr.io/shop/batch:2.0.0")], { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: batchLabels } }] }) },
  }, { provider: "external-k8s" });

  g.provider("eu", "eu-west-1");
  g.add("aws:ec2/instance:Instance", "eu-web", { instanceType: "t3.small", availabilityZone: "eu-west-1a", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }, { provider: "eu" });
  return g;
}

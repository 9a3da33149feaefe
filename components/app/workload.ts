import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../../config/schema";
import type { AppConnection } from "../contracts";
import type { TierContext } from "./context";
import { appConfigData, appSecretData, mergeSecretData } from "./appEnv";
import { auroraIamAuthEnv, createDatabaseIdentity } from "./databaseIdentity";
import { createDbBootstrap } from "./dbBootstrap";
import { NODE_POOL_LABEL } from "./nodeGroups";
import type { AppSizing } from "./sizing";

export const ZONE_KEY = "topology.kubernetes.io/zone";
export const HOST_KEY = "kubernetes.io/hostname";

export interface WorkloadSettings {
  readonly k8sProvider: k8s.Provider;
  readonly app: AppConfig;
  readonly sizing: AppSizing;
  /** Kubernetes minor version (33 for 1.33): gates fields newer clusters understand. */
  readonly kubernetesMinor: number;
  readonly connection?: AppConnection;
  /** The EKS cluster's name, for the Pod Identity association of an IAM-authenticated database. */
  readonly clusterName?: pulumi.Input<string>;
  /** Node groups and pod-running add-ons: the Deployment's rollout waits for ready pods. */
  readonly dependsOn: pulumi.Resource[];
}

export interface WorkloadParts {
  readonly namespace: k8s.core.v1.Namespace;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  readonly configMap: k8s.core.v1.ConfigMap;
  readonly secret?: k8s.core.v1.Secret;
}

/**
 * Non-secret settings the pods read from their environment, per data-store kind (the contract in
 * docs/components/app-tier.md). Multi-writer kinds give only this region's own endpoints, so a
 * pod never needs another region to write.
 */
export function configData(region: string, app: AppConfig, c?: AppConnection): Record<string, pulumi.Input<string>> {
  const base: Record<string, pulumi.Input<string>> = {
    APP_REGION: region,
    APP_PORT: String(app.containerPort),
    APP_HEALTH_PATH: app.healthPath,
    APP_WRITES_HEALTH_PATH: app.writesHealthPath,
  };
  if (!c) return base;
  const db = c.database;
  const database: Record<string, pulumi.Input<string>> = db.kind === "aurora-dsql"
    ? {
      DATABASE_KIND: db.kind,
      // One cluster per region, and it takes writes: reader and writer are the same local host.
      DATABASE_WRITER_HOST: db.host,
      DATABASE_READER_HOST: db.host,
      DATABASE_PORT: String(db.port),
      DATABASE_NAME: db.name,
      DATABASE_USER: db.user,
      // No password anywhere: the pod signs a short-lived token with its Pod Identity role.
      DATABASE_AUTH: "iam",
    }
    : {
      DATABASE_KIND: db.kind,
      // Writes follow the writer region through the global endpoint; reads stay in the region.
      DATABASE_WRITER_HOST: db.writerHost,
      DATABASE_READER_HOST: db.readerHost,
      DATABASE_PORT: pulumi.output(db.port).apply(String),
      DATABASE_NAME: db.name,
      ...auroraIamAuthEnv(db),
    };
  const ss = c.sessions;
  const sessions: Record<string, pulumi.Input<string>> = ss.kind === "memorydb-multi-region"
    ? {
      SESSION_STORE_KIND: ss.kind,
      REDIS_WRITER_HOST: ss.host,
      REDIS_READER_HOST: ss.host,
      REDIS_PORT: String(ss.port),
      REDIS_TLS: "true",
      REDIS_CLUSTER_MODE: "true",
      REDIS_USER: ss.user,
    }
    : {
      SESSION_STORE_KIND: ss.kind,
      // Every region's primary endpoint, this region's first: the client writes to the one whose
      // ROLE is master, so a promotion needs no DNS change (docs/components/session-store.md).
      REDIS_PRIMARY_CANDIDATES: pulumi.all(ss.primaryCandidates).apply((list) => list.join(",")),
      REDIS_READER_HOST: ss.readerHost,
      REDIS_PORT: String(ss.port),
      REDIS_TLS: "true",
    };
  return { ...base, ...database, ...sessions };
}

/** Secret settings, only what the kinds have: neither database kind has a password (IAM tokens). */
export function secretData(c: AppConnection): pulumi.Output<Record<string, string>> | undefined {
  const entries: [string, pulumi.Input<string>][] = [];
  if (c.sessions.kind === "memorydb-multi-region") entries.push(["REDIS_PASSWORD", c.sessions.password]);
  else entries.push(["REDIS_AUTH_TOKEN", c.sessions.authToken]);
  if (entries.length === 0) return undefined;
  return pulumi.secret(pulumi.all(entries.map(([, v]) => v)).apply((values) => Object.fromEntries(entries.map(([k], i) => [k, values[i]]))));
}

/** The placeholder image's repository; its server block is generated below. */
const PLACEHOLDER_REPOSITORY = "public.ecr.aws/nginx/nginx-unprivileged";

export function isPlaceholderImage(image: string): boolean {
  return image.startsWith(`${PLACEHOLDER_REPOSITORY}:`) || image.startsWith(`${PLACEHOLDER_REPOSITORY}@`);
}

/**
 * The placeholder's server block: nginx-unprivileged keeps its PID and temp files under /tmp and
 * includes /etc/nginx/conf.d/*.conf, so a read-only root with /tmp as emptyDir is enough; this
 * block makes it listen on containerPort and answer the health path that the probes and the ALB
 * use. Its entrypoint scripts skip what they cannot write ("read-only file system?") and go on.
 */
export function placeholderServerBlock(port: number, healthPath: string, writesHealthPath: string): string {
  // The placeholder has no dependencies: it is ready when its process answers, and it can
  // "write" whenever it runs. A real app answers writesHealthPath from its own write attempts.
  return [
    "server {",
    `    listen ${port};`,
    "    server_tokens off;",
    `    location = ${healthPath} {`,
    "        access_log off;",
    "        default_type text/plain;",
    '        return 200 "ok\n";',
    "    }",
    `    location = ${writesHealthPath} {`,
    "        access_log off;",
    "        default_type text/plain;",
    '        return 200 "writes ok\n";',
    "    }",
    "    location / {",
    "        root /usr/share/nginx/html;",
    "        index index.html;",
    "    }",
    "}",
    "",
  ].join("\n");
}

/**
 * The app in one cluster: a restricted namespace, config and secrets, a Deployment spread over
 * zones and hosts that never rolls below capacity, a NodePort Service the ALB's targets forward
 * to, an HPA bounded by the sizing, and a PDB that always allows a drain to make progress.
 */
export function createWorkload(ctx: TierContext, s: WorkloadSettings): WorkloadParts {
  const { name, parent } = ctx;
  const app = s.app;
  const opts = { parent, provider: s.k8sProvider };
  const selector = { "app.kubernetes.io/name": app.name };
  const labels = { ...selector, "app.kubernetes.io/part-of": "ha-blueprint", "ha-blueprint/tier": "app" };

  const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
    metadata: {
      name: app.namespace,
      labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
    },
  }, opts);
  const ns = namespace.metadata.name;

  const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
    metadata: { name: app.name, namespace: ns, labels },
    automountServiceAccountToken: false,
  }, opts);

  // No explicit names: a changed ConfigMap or Secret gets a new name, which rolls the pods.
  const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
    metadata: { namespace: ns, labels },
    data: { ...appConfigData(app.env), ...configData(ctx.region, app, s.connection) },
  }, opts);
  const c = s.connection;
  const secrets = mergeSecretData(c ? secretData(c) : undefined, appSecretData(app.secretEnv, parent));
  const secret = secrets
    ? new k8s.core.v1.Secret(`${name}-secret`, {
      metadata: { namespace: ns, labels },
      type: "Opaque",
      stringData: secrets,
    }, opts)
    : undefined;
  // Both database kinds: the pods' service account gets an IAM role allowed to connect as the app
  // role only, through EKS Pod Identity (the agent add-on is installed by addons.ts).
  const identity = c && s.clusterName
    ? createDatabaseIdentity(ctx, { clusterName: s.clusterName, namespace: app.namespace, serviceAccount: app.name, database: c.database })
    : undefined;
  // Aurora, writer region only: the idempotent SQL bootstrap that creates the app role. The
  // Deployment does not wait for it (see components/app/dbBootstrap.ts).
  if (c?.database.kind === "aurora-global" && c.database.bootstrap && s.clusterName) {
    createDbBootstrap(ctx, { k8sProvider: s.k8sProvider, clusterName: s.clusterName, app, bootstrap: c.database.bootstrap, dependsOn: s.dependsOn });
  }

  const placeholder = isPlaceholderImage(app.image)
    ? new k8s.core.v1.ConfigMap(`${name}-placeholder-nginx`, {
      metadata: { namespace: ns, labels },
      data: { "default.conf": placeholderServerBlock(app.containerPort, app.healthPath, app.writesHealthPath) },
    }, opts)
    : undefined;

  const sizing = s.sizing;
  const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
    metadata: { name: app.name, namespace: ns, labels },
    spec: {
      replicas: sizing.hpaMinReplicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: `${sizing.maxSurgePercent}%`, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccount.metadata.name,
          automountServiceAccountToken: false,
          nodeSelector: NODE_POOL_LABEL,
          terminationGracePeriodSeconds: app.preStopSleepSeconds + 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: app.runAsUser,
            runAsGroup: app.runAsUser,
            fsGroup: app.runAsUser,
            seccompProfile: { type: "RuntimeDefault" },
          },
          // Soft on purpose: a hard zone constraint would freeze every scale-up in the region the
          // moment one AZ runs out of capacity. The per-AZ node groups keep nodes balanced, so
          // the scheduler's spread scoring lands pods evenly in practice.
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: ZONE_KEY,
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: selector },
            matchLabelKeys: ["pod-template-hash"],
            nodeTaintsPolicy: "Honor",
          }],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: { topologyKey: HOST_KEY, labelSelector: { matchLabels: selector } },
              }],
            },
          },
          containers: [{
            name: app.name,
            image: app.image,
            ports: [{ name: "http", containerPort: app.containerPort, protocol: "TCP" }],
            envFrom: [
              { configMapRef: { name: configMap.metadata.name } },
              ...(secret ? [{ secretRef: { name: secret.metadata.name } }] : []),
            ],
            resources: {
              requests: { cpu: app.cpuRequest, memory: app.memoryRequest },
              limits: { memory: app.memoryLimit },
            },
            // Local: ready when this pod can serve with what its own region has. A pod that
            // checked a remote writer here would leave the Service when that region dies, and
            // with externalTrafficPolicy Local the survivor's ALB would lose every target.
            readinessProbe: {
              // The kubelet does not verify the certificate of an HTTPS probe.
              httpGet: { path: app.healthPath, port: "http", ...(app.backendProtocol === "HTTPS" ? { scheme: "HTTPS" } : {}) },
              periodSeconds: 5,
              timeoutSeconds: 2,
              failureThreshold: 2,
            },
            // The process only: a dependency outage must not restart every pod at once.
            livenessProbe: {
              tcpSocket: { port: "http" },
              initialDelaySeconds: 15,
              periodSeconds: 10,
              timeoutSeconds: 2,
              failureThreshold: 6,
            },
            ...(app.preStopSleepSeconds > 0 ? { lifecycle: { preStop: { sleep: { seconds: app.preStopSleepSeconds } } } } : {}),
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ["ALL"] },
            },
            // The root filesystem is read-only: these are the only writable paths.
            volumeMounts: [
              { name: "tmp", mountPath: "/tmp" },
              ...(placeholder
                ? [
                  { name: "nginx-conf", mountPath: "/etc/nginx/conf.d", readOnly: true },
                  // nginx's compiled-in cache directory; the image points every temp path at /tmp.
                  { name: "nginx-cache", mountPath: "/var/cache/nginx" },
                ]
                : []),
            ],
          }],
          volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ...(placeholder
              ? [
                { name: "nginx-conf", configMap: { name: placeholder.metadata.name } },
                { name: "nginx-cache", emptyDir: { sizeLimit: "64Mi" } },
              ]
              : []),
          ],
        },
      },
    },
  }, {
    ...opts,
    // The pods' first database connection needs the Pod Identity association in place.
    dependsOn: [...s.dependsOn, ...(identity ? [identity] : [])],
    // The HPA owns the replica count after creation; a `pulumi up` must not scale the app back down.
    ignoreChanges: ["spec.replicas"],
  });

  const service = new k8s.core.v1.Service(`${name}-service`, {
    metadata: { name: app.name, namespace: ns, labels },
    spec: {
      type: "NodePort",
      selector,
      ports: [{ name: "http", port: 80, targetPort: "http", nodePort: app.nodePort, protocol: "TCP" }],
      // Each node forwards only to ready pods on itself and drops the rest (Kubernetes docs,
      // Service, "Traffic policies"), so the ALB's health check on the NodePort fails on a node
      // without a ready pod: an AZ without ready pods loses its targets and its healthy-host
      // alarm fires, instead of every node looking healthy while any pod anywhere is ready.
      externalTrafficPolicy: "Local",
      // For in-cluster clients of the Service: prefer pods in the caller's own zone (less
      // cross-AZ traffic; an impaired AZ's pods are not picked elsewhere while they linger).
      ...(s.kubernetesMinor >= 31 ? { trafficDistribution: "PreferClose" } : {}),
    },
  }, opts);

  new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
    metadata: { name: app.name, namespace: ns, labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
      minReplicas: sizing.hpaMinReplicas,
      maxReplicas: sizing.hpaMaxReplicas,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: app.targetCpuUtilizationPercent } } }],
      behavior: {
        // A failover doubles the load in seconds: scale up at once, down slowly.
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [{ type: "Percent", value: 100, periodSeconds: 15 }, { type: "Pods", value: 4, periodSeconds: 15 }],
        },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] },
      },
    },
  }, opts);

  new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
    metadata: { name: app.name, namespace: ns, labels },
    spec: {
      maxUnavailable: sizing.pdbMaxUnavailable,
      selector: { matchLabels: selector },
      // A crash-looping pod must never block a node drain.
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    },
  }, opts);

  return { namespace, deployment, service, configMap, secret };
}

import * as aws from "../sdk/aws";
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { physical, serviceTrust, tagsFor, type TierContext } from "./context";
import { HOST_KEY, ZONE_KEY } from "./workload";

export const AUTOSCALER_NAME = "cluster-autoscaler";
export const AUTOSCALER_NAMESPACE = "kube-system";

/** Read-only calls the autoscaler makes to discover groups and instance shapes (upstream README). */
export const AUTOSCALER_READ_ACTIONS = [
  "autoscaling:DescribeAutoScalingGroups",
  "autoscaling:DescribeAutoScalingInstances",
  "autoscaling:DescribeLaunchConfigurations",
  "autoscaling:DescribeScalingActivities",
  "autoscaling:DescribeTags",
  "ec2:DescribeImages",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeLaunchTemplateVersions",
  "ec2:GetInstanceTypesFromInstanceRequirements",
];
/** The only mutating calls; scoped to ASGs tagged as this cluster's. */
export const AUTOSCALER_WRITE_ACTIONS = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"];

/** Node labels that differ per AZ or per group but say nothing about a node's capacity. */
const BALANCING_IGNORED_LABELS = [
  "eks.amazonaws.com/nodegroup-image",
  "eks.amazonaws.com/sourceLaunchTemplateId",
  "eks.amazonaws.com/sourceLaunchTemplateVersion",
  "topology.k8s.aws/zone-id",
  "topology.ebs.csi.aws.com/zone",
];

export interface AutoscalerSettings {
  readonly cluster: aws.eks.Cluster;
  readonly clusterName: string;
  readonly k8sProvider: k8s.Provider;
  readonly image: string;
  /** The Pod Identity agent add-on and the node groups: the pods need both to get credentials. */
  readonly dependsOn: pulumi.Resource[];
}

export function autoscalerIamPolicy(clusterName: string, clusterArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Discover", Effect: "Allow", Action: AUTOSCALER_READ_ACTIONS, Resource: "*" },
      {
        Sid: "DescribeOwnNodeGroups",
        Effect: "Allow",
        Action: ["eks:DescribeNodegroup"],
        Resource: `${clusterArn.replace(":cluster/", ":nodegroup/")}/*`,
      },
      {
        Sid: "ScaleOwnGroups",
        Effect: "Allow",
        Action: AUTOSCALER_WRITE_ACTIONS,
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  });
}

/** The `./cluster-autoscaler` command line. */
export function autoscalerCommand(clusterName: string): string[] {
  return [
    "./cluster-autoscaler",
    "--cloud-provider=aws",
    `--namespace=${AUTOSCALER_NAMESPACE}`,
    `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${clusterName}`,
    // Keeps the per-AZ groups the same size, so pods keep finding room in every zone.
    "--balance-similar-node-groups=true",
    ...BALANCING_IGNORED_LABELS.map((l) => `--balancing-ignore-label=${l}`),
    "--expander=least-waste",
    "--skip-nodes-with-system-pods=false",
    "--skip-nodes-with-local-storage=false",
    "--leader-elect=true",
    "--stderrthreshold=info",
    "--v=2",
  ];
}

/**
 * Kubernetes Cluster Autoscaler, helm-free: an IAM role bound to its service account by EKS Pod
 * Identity, the upstream RBAC, and a two-replica leader-elected Deployment spread over AZs, so
 * losing the AZ that runs the active replica does not stop the scale-up the other AZs now need.
 */
export function createClusterAutoscaler(ctx: TierContext, s: AutoscalerSettings): { role: aws.iam.Role } {
  const { name, parent } = ctx;
  const awsOpts = { parent };
  const opts = { parent, provider: s.k8sProvider };
  const labels = { "app.kubernetes.io/name": AUTOSCALER_NAME, "ha-blueprint/tier": "app" };
  const meta = { name: AUTOSCALER_NAME, namespace: AUTOSCALER_NAMESPACE, labels };

  const role = new aws.iam.Role(`${name}-autoscaler-role`, {
    name: physical(ctx, "cluster-autoscaler", 64),
    assumeRolePolicy: serviceTrust("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    tags: tagsFor(ctx, "app", "cluster-autoscaler-role"),
  }, awsOpts);
  new aws.iam.RolePolicy(`${name}-autoscaler-policy`, {
    role: role.id,
    policy: s.cluster.arn.apply((arn) => autoscalerIamPolicy(s.clusterName, arn)),
  }, awsOpts);
  const association = new aws.eks.PodIdentityAssociation(`${name}-autoscaler-identity`, {
    clusterName: s.cluster.name,
    namespace: AUTOSCALER_NAMESPACE,
    serviceAccount: AUTOSCALER_NAME,
    roleArn: role.arn,
    tags: tagsFor(ctx, "app", "cluster-autoscaler-identity"),
  }, awsOpts);

  const sa = new k8s.core.v1.ServiceAccount(`${name}-autoscaler-sa`, { metadata: meta }, opts);
  const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-autoscaler-clusterrole`, {
    metadata: { name: AUTOSCALER_NAME, labels },
    rules: [
      { apiGroups: [""], resources: ["events", "endpoints"], verbs: ["create", "patch"] },
      { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
      { apiGroups: [""], resources: ["pods/status"], verbs: ["update"] },
      { apiGroups: [""], resources: ["endpoints"], resourceNames: [AUTOSCALER_NAME], verbs: ["get", "update"] },
      { apiGroups: [""], resources: ["nodes"], verbs: ["watch", "list", "get", "update"] },
      { apiGroups: [""], resources: ["namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims", "persistentvolumes"], verbs: ["watch", "list", "get"] },
      { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["watch", "list", "get"] },
      { apiGroups: ["apps"], resources: ["daemonsets", "replicasets", "statefulsets"], verbs: ["watch", "list", "get"] },
      { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["watch", "list"] },
      { apiGroups: ["storage.k8s.io"], resources: ["storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"], verbs: ["watch", "list", "get"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [AUTOSCALER_NAME], verbs: ["get", "update"] },
    ],
  }, opts);
  new k8s.rbac.v1.ClusterRoleBinding(`${name}-autoscaler-clusterrolebinding`, {
    metadata: { name: AUTOSCALER_NAME, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
    subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: AUTOSCALER_NAMESPACE }],
  }, opts);
  const nsRole = new k8s.rbac.v1.Role(`${name}-autoscaler-role-k8s`, {
    metadata: meta,
    rules: [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "list", "watch"] },
      { apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"], verbs: ["delete", "get", "update", "watch"] },
    ],
  }, opts);
  new k8s.rbac.v1.RoleBinding(`${name}-autoscaler-rolebinding`, {
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: nsRole.metadata.name },
    subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: AUTOSCALER_NAMESPACE }],
  }, opts);

  const selector = { "app.kubernetes.io/name": AUTOSCALER_NAME };
  new k8s.apps.v1.Deployment(`${name}-autoscaler-deployment`, {
    metadata: meta,
    spec: {
      replicas: 2,
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels, annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } },
        spec: {
          serviceAccountName: sa.metadata.name,
          priorityClassName: "system-cluster-critical",
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: HOST_KEY, labelSelector: { matchLabels: selector } } }],
            },
          },
          containers: [{
            name: AUTOSCALER_NAME,
            image: s.image,
            command: autoscalerCommand(s.clusterName),
            env: [{ name: "AWS_REGION", value: ctx.region }],
            ports: [{ name: "metrics", containerPort: 8085, protocol: "TCP" }],
            livenessProbe: { httpGet: { path: "/health-check", port: "metrics" }, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 },
            resources: { requests: { cpu: "100m", memory: "600Mi" }, limits: { memory: "600Mi" } },
            securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          }],
        },
      },
    },
  }, { ...opts, dependsOn: [association, ...s.dependsOn] });
  new k8s.policy.v1.PodDisruptionBudget(`${name}-autoscaler-pdb`, {
    metadata: meta,
    spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
  }, opts);

  return { role };
}

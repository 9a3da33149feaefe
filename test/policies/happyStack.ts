import { GraphBuilder } from "../helpers/graph";

/**
 * A hand-built, correct two-region active-active stack (3 AZs per region) in stack-export shape:
 * the "happy path" every rule must accept. Rule tests break one property of it at a time.
 * Names: `<thing>-<r>` with r = east | west, per-AZ things `<thing>-<r>-<az letter>`.
 */

export const REGIONS = { east: "us-east-1", west: "us-west-2" } as const;
export type R = keyof typeof REGIONS;
export const AZ_LETTERS = ["a", "b", "c"] as const;

function region(g: GraphBuilder, r: R): void {
  const name = REGIONS[r];
  const p = { provider: `aws-${r}` };
  g.provider(`aws-${r}`, name, { defaultTags: JSON.stringify({ tags: { "ha:environment": "prod" } }) });
  g.add("aws:ec2/vpc:Vpc", `vpc-${r}`, { cidrBlock: r === "east" ? "10.20.0.0/16" : "10.21.0.0/16" }, p);
  g.add("aws:ec2/flowLog:FlowLog", `flow-${r}`, { trafficType: "ALL" }, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  g.add("aws:ec2/internetGateway:InternetGateway", `igw-${r}`, {}, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  for (const az of AZ_LETTERS) {
    const zone = `${name}${az}`;
    for (const kind of ["public", "private", "isolated"]) {
      g.add("aws:ec2/subnet:Subnet", `${kind}-${r}-${az}`, { availabilityZone: zone, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: false }, { ...p, refs: { vpcId: [`vpc-${r}`] } });
    }
    g.add("aws:ec2/natGateway:NatGateway", `nat-${r}-${az}`, { availabilityMode: "zonal", connectivityType: "public" }, { ...p, refs: { subnetId: [`public-${r}-${az}`] } });
    g.add("aws:ec2/routeTable:RouteTable", `rt-${r}-${az}`, {}, { ...p, refs: { vpcId: [`vpc-${r}`] } });
    g.add("aws:ec2/route:Route", `route-${r}-${az}`, { destinationCidrBlock: "0.0.0.0/0" }, { ...p, refs: { routeTableId: [`rt-${r}-${az}`], natGatewayId: [`nat-${r}-${az}`] } });
    g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", `rta-${r}-${az}`, {}, { ...p, refs: { routeTableId: [`rt-${r}-${az}`], subnetId: [`private-${r}-${az}`] } });
  }
  const each = (kind: string) => AZ_LETTERS.map((az) => `${kind}-${r}-${az}`);

  // Entry: internet-facing ALB in every AZ, 443 from the world on its own group only.
  g.add("aws:ec2/securityGroup:SecurityGroup", `alb-sg-${r}`, { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] }, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  g.add("aws:ec2/securityGroup:SecurityGroup", `app-sg-${r}`, {}, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  g.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `app-from-alb-${r}`, { ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, { ...p, refs: { securityGroupId: [`app-sg-${r}`], referencedSecurityGroupId: [`alb-sg-${r}`] } });
  g.add("aws:lb/loadBalancer:LoadBalancer", `alb-${r}`, { loadBalancerType: "application", internal: false, enableDeletionProtection: true }, { ...p, refs: { subnets: each("public"), securityGroups: [`alb-sg-${r}`] } });
  g.add("aws:lb/targetGroup:TargetGroup", `tg-${r}`, { port: 8080, protocol: "HTTP", targetType: "ip", healthCheck: { enabled: true, path: "/healthz", interval: 10, unhealthyThreshold: 3, matcher: "200" } }, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  g.add("aws:lb/listener:Listener", `listener-${r}`, {
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: `arn:aws:acm:${name}:111122223333:certificate/00000000-0000-4000-8000-00000000000${r === "east" ? 1 : 2}`,
    defaultActions: [{ type: "forward", targetGroupArn: `tg-${r}-arn` }],
  }, { ...p, refs: { loadBalancerArn: [`alb-${r}`], defaultActions: [`tg-${r}`] } });

  // App: private EKS, a node group per AZ, launch template with IMDSv2, hardened Deployment.
  g.add("aws:kms/key:Key", `kms-${r}`, { enableKeyRotation: true }, p);
  g.add("aws:eks/cluster:Cluster", `eks-${r}`, {
    version: "1.33",
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: each("private").map((n) => `${n}-id`) },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: `kms-${r}-arn` } },
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
  }, { ...p, refs: { vpcConfig: each("private"), encryptionConfig: [`kms-${r}`] } });
  g.add("aws:ec2/launchTemplate:LaunchTemplate", `lt-${r}`, {
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50 } }],
  }, p);
  for (const az of AZ_LETTERS) {
    g.add("aws:eks/nodeGroup:NodeGroup", `ng-${r}-${az}`, {
      scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
      instanceTypes: ["m6i.large", "m5.large"],
      launchTemplate: { id: `lt-${r}-id`, version: "1" },
    }, { ...p, refs: { clusterName: [`eks-${r}`], subnetIds: [`private-${r}-${az}`], launchTemplate: [`lt-${r}`] } });
  }
  g.k8sProvider(`k8s-${r}`, `eks-${r}`);
  const k8s = { provider: `k8s-${r}` };
  g.add("kubernetes:core/v1:Namespace", `ns-${r}`, { metadata: { name: "app" } }, k8s);
  const labels = { app: "web" };
  const probe = (path: string, period: number) => ({ httpGet: { path, port: 8080 }, periodSeconds: period });
  g.add("kubernetes:apps/v1:Deployment", `app-${r}`, {
    metadata: { name: "web", namespace: "app" },
    // No spec.replicas: the HPA owns the pod count.
    spec: {
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } }],
          // Up to 12 pods over 3 zones: spread over nodes too.
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } } }] } },
          containers: [{
            name: "web",
            image: "public.ecr.aws/nginx/nginx:1.27.3",
            readinessProbe: probe("/healthz", 5),
            livenessProbe: probe("/livez", 10),
            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false },
          }],
        },
      },
    },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
  g.add("kubernetes:core/v1:Service", `svc-${r}`, {
    metadata: { name: "web", namespace: "app" },
    spec: { type: "ClusterIP", selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });
  // A leader-elected controller: no Service selects it, two replicas are its standby.
  g.add("kubernetes:apps/v1:Deployment", `controller-${r}`, {
    metadata: { name: "controller", namespace: "kube-system" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "controller" } },
      template: {
        metadata: { labels: { app: "controller" } },
        spec: {
          securityContext: { runAsNonRoot: true },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "controller" } } }],
          containers: [{
            name: "controller",
            image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0",
            livenessProbe: probe("/health-check", 10),
            resources: { requests: { cpu: "100m", memory: "600Mi" }, limits: { memory: "600Mi" } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
          }],
        },
      },
    },
  }, k8s);
  g.add("kubernetes:policy/v1:PodDisruptionBudget", `controller-pdb-${r}`, {
    metadata: { name: "controller", namespace: "kube-system" },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: "controller" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
  }, k8s);
  g.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `hpa-${r}`, {
    metadata: { name: "web", namespace: "app" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 3, maxReplicas: 12 },
  }, { ...k8s, refs: { metadata: [`ns-${r}`], spec: [`app-${r}`] } });
  g.add("kubernetes:policy/v1:PodDisruptionBudget", `pdb-${r}`, {
    metadata: { name: "web", namespace: "app" },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
  }, { ...k8s, refs: { metadata: [`ns-${r}`] } });

  // Database: Aurora member with two instances in distinct AZs.
  g.add("aws:ec2/securityGroup:SecurityGroup", `db-sg-${r}`, {}, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  g.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `db-from-app-${r}`, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432 }, { ...p, refs: { securityGroupId: [`db-sg-${r}`], referencedSecurityGroupId: [`app-sg-${r}`] } });
  g.add("aws:rds/subnetGroup:SubnetGroup", `dbsubnets-${r}`, {}, { ...p, refs: { subnetIds: each("isolated") } });
  g.add("aws:rds/cluster:Cluster", `db-${r}`, {
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    storageEncrypted: true,
    deletionProtection: true,
    backupRetentionPeriod: 14,
    ...(r === "east" ? { masterUsername: "app_admin", databaseName: "app" } : { enableGlobalWriteForwarding: true }),
  }, { ...p, refs: { globalClusterIdentifier: ["gdb"], kmsKeyId: [`kms-${r}`], dbSubnetGroupName: [`dbsubnets-${r}`], vpcSecurityGroupIds: [`db-sg-${r}`] } });
  for (const [i, az] of ["a", "b"].entries()) {
    g.add("aws:rds/clusterInstance:ClusterInstance", `db-${r}-${i + 1}`, { engine: "aurora-postgresql", instanceClass: "db.r6g.large", availabilityZone: `${name}${az}`, publiclyAccessible: false, promotionTier: i }, { ...p, refs: { clusterIdentifier: [`db-${r}`] } });
  }

  // Sessions: cache subnet group over all AZs; the secondary inherits encryption from the primary.
  g.add("aws:ec2/securityGroup:SecurityGroup", `cache-sg-${r}`, {}, { ...p, refs: { vpcId: [`vpc-${r}`] } });
  g.add("aws:elasticache/subnetGroup:SubnetGroup", `cachesubnets-${r}`, {}, { ...p, refs: { subnetIds: each("isolated") } });

  // Backup: vault with CMK and lock; alarms.
  g.add("aws:backup/vault:Vault", `vault-${r}`, {}, { ...p, refs: { kmsKeyArn: [`kms-${r}`] } });
  g.add("aws:backup/vaultLockConfiguration:VaultLockConfiguration", `vaultlock-${r}`, { minRetentionDays: 7 }, { ...p, refs: { backupVaultName: [`vault-${r}`] } });
  g.add("aws:cloudwatch/metricAlarm:MetricAlarm", `alarm-5xx-${r}`, { metricName: "HTTPCode_Target_5XX_Count" }, { ...p, refs: { dimensions: [`alb-${r}`] } });
}

function backupPlan(g: GraphBuilder, r: R, other: R): void {
  const p = { provider: `aws-${r}` };
  g.add("aws:backup/plan:Plan", `plan-${r}`, {
    rules: [{
      ruleName: "daily",
      targetVaultName: `vault-${r}-id`,
      schedule: "cron(0 5 * * ? *)",
      enableContinuousBackup: true,
      lifecycle: { deleteAfter: 35 },
      copyActions: [{ destinationVaultArn: `arn:aws:backup:${REGIONS[other]}:111122223333:backup-vault:vault-${other}`, lifecycle: { deleteAfter: 35 } }],
    }],
  }, { ...p, refs: { rules: [`vault-${r}`, `vault-${other}`] } });
  g.add("aws:backup/selection:Selection", `selection-${r}`, { name: "aurora" }, { ...p, refs: { planId: [`plan-${r}`], resources: [`db-${r}`] } });
}

export function happyStack<B extends GraphBuilder = GraphBuilder>(g: B = new GraphBuilder("prod", "ha-blueprint") as B): B {
  region(g, "east");
  region(g, "west");
  const east = { provider: "aws-east" };
  g.add("aws:rds/globalCluster:GlobalCluster", "gdb", { globalClusterIdentifier: "prod-gdb", engine: "aurora-postgresql", engineVersion: "16.6", storageEncrypted: true, deletionProtection: true }, east);
  // Members were added before the global cluster; the builder resolves edges at the end.
  g.add("aws:elasticache/replicationGroup:ReplicationGroup", "cache-east", {
    description: "sessions",
    engine: "valkey",
    nodeType: "cache.r7g.large",
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    snapshotRetentionLimit: 7,
    authToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "ha-blueprint:redacted" },
  }, { ...east, refs: { subnetGroupName: ["cachesubnets-east"], securityGroupIds: ["cache-sg-east"] } });
  g.add("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "sessions", { globalReplicationGroupIdSuffix: "sessions" }, { ...east, refs: { primaryReplicationGroupId: ["cache-east"] } });
  // Failover and Multi-AZ are set on the secondary itself, as the provider requires of multiAzEnabled.
  g.add("aws:elasticache/replicationGroup:ReplicationGroup", "cache-west", { description: "sessions", numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true }, {
    provider: "aws-west",
    refs: { globalReplicationGroupId: ["sessions"], subnetGroupName: ["cachesubnets-west"], securityGroupIds: ["cache-sg-west"] },
  });
  backupPlan(g, "east", "west");
  backupPlan(g, "west", "east");
  g.add("aws:globalaccelerator/accelerator:Accelerator", "ga", { enabled: true, ipAddressType: "IPV4" }, east);
  g.add("aws:globalaccelerator/listener:Listener", "ga-listener", { protocol: "TCP", portRanges: [{ fromPort: 443, toPort: 443 }] }, { ...east, refs: { acceleratorArn: ["ga"] } });
  for (const r of ["east", "west"] as const) {
    g.add("aws:globalaccelerator/endpointGroup:EndpointGroup", `eg-${r}`, {
      endpointGroupRegion: REGIONS[r],
      trafficDialPercentage: 100,
      endpointConfigurations: [{ endpointId: `alb-${r}-arn`, weight: 100, clientIpPreservationEnabled: true }],
    }, { ...east, refs: { listenerArn: ["ga-listener"], endpointConfigurations: [`alb-${r}`] } });
  }
  return g;
}

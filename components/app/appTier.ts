import * as aws from "../sdk/aws";
import type * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../../config/schema";
import type { AppConnection, RegionalEndpoint } from "../contracts";
import type { AppTopology } from "../topology";
import { createAddons } from "./addons";
import { createCluster } from "./cluster";
import { createClusterAutoscaler } from "./clusterAutoscaler";
import type { TierContext } from "./context";
import { createLoadBalancer } from "./loadBalancer";
import { createNodeGroups } from "./nodeGroups";
import { sizeAppTier, type AppSizing } from "./sizing";
import { createWorkload } from "./workload";

export interface AppTierArgs {
  /** The region of the caller's AWS provider (passed in `opts.providers`). */
  readonly region: string;
  /** The Pulumi stack name, used in physical names. */
  readonly stack: string;
  /** How many regions serve traffic; with `app.failoverHeadroom` it sizes the failover capacity. */
  readonly regionCount: number;
  readonly vpcId: pulumi.Input<string>;
  /** One entry per AZ; the length is the AZ count (plain: it decides how many node groups exist). */
  readonly availabilityZones: pulumi.Input<string>[];
  /** One private subnet per AZ, same order as `availabilityZones` (nodes, control-plane ENIs). */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** One public subnet per AZ, same order (ALB). */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** The cell's workload security group; nodes and pods carry it, the ALB gets an ingress on it. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** The validated `app` config section. */
  readonly app: AppConfig;
  /** ACM certificate for this region's HTTPS listener. @default - HTTP listener only */
  readonly certificateArn?: string;
  /** Existing bucket for ALB access logs. @default - access logs off */
  readonly accessLogBucket?: string;
  /** AWS WAF web ACL (AWS managed rule groups) on the internet-facing ALB. @default false */
  readonly waf?: boolean;
  /** Deletion protection of the EKS cluster and the ALB. @default false */
  readonly deletionProtection?: boolean;
  /**
   * Endpoints and credentials of the data tier, per kind. Non-secret parts become a ConfigMap,
   * passwords and tokens a Kubernetes Secret built from the Pulumi secrets; an IAM-authenticated
   * database (Aurora DSQL) gets a Pod Identity role instead of a password.
   * @default - no data-tier settings in the pods' environment
   */
  readonly connection?: AppConnection;
}

/** Rejects argument shapes the tier cannot build, before any resource is declared. */
export function checkAppTierArgs(name: string, args: Pick<AppTierArgs, "availabilityZones" | "privateSubnetIds" | "publicSubnetIds" | "regionCount">): void {
  const azCount = args.availabilityZones.length;
  if (azCount < 2) {
    throw new Error(`AppTier ${name}: availabilityZones has ${azCount} entries; at least 2 AZs are needed`);
  }
  if (args.privateSubnetIds.length !== azCount || args.publicSubnetIds.length !== azCount) {
    throw new Error(
      `AppTier ${name}: expected one private and one public subnet per AZ (${azCount}), got ${args.privateSubnetIds.length} private and ${args.publicSubnetIds.length} public`,
    );
  }
  if (!Number.isInteger(args.regionCount) || args.regionCount < 1) {
    throw new Error(`AppTier ${name}: regionCount must be a positive integer, got ${args.regionCount}`);
  }
}

/**
 * The app tier of one region: an EKS cluster with a managed node group in every AZ, the Cluster
 * Autoscaler, the workload (Deployment spread over zones with HPA and PDB), and an internet-facing
 * ALB in every AZ whose target group holds the nodes' NodePort. Built from raw `aws.*` and `k8s.*`
 * resources so mocks and policies see every per-AZ piece.
 */
export class AppTier extends pulumi.ComponentResource {
  /** For routing and alarms: the ALB, its target group and listener ports. */
  public readonly endpoint: RegionalEndpoint;
  public readonly clusterName: pulumi.Output<string>;
  /** The Kubernetes provider of this region's cluster, for anything else deployed into it. */
  public readonly k8sProvider: k8s.Provider;
  public readonly sizing: AppSizing;
  /** The `app` entry of this region in the stack's topology output. */
  public readonly topology: pulumi.Output<AppTopology>;

  constructor(name: string, args: AppTierArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ha:app:AppTier", name, {}, opts);

    checkAppTierArgs(name, args);
    const app = args.app;
    const deletionProtection = args.deletionProtection ?? false;
    const azCount = args.availabilityZones.length;
    const kubernetesMinor = Number(app.eks.version.split(".")[1]);

    const sizing = sizeAppTier({
      replicasPerRegion: app.replicasPerRegion,
      azCount,
      regionCount: args.regionCount,
      sharePercent: app.failoverHeadroom.sharePercent,
      capacity: app.failoverHeadroom.capacity,
      burstPercent: app.failoverHeadroom.burstPercent,
      podsPerNode: app.eks.podsPerNode,
      minNodesPerAz: app.eks.minNodesPerAz,
    });
    const ctx: TierContext = {
      name,
      parent: this,
      stack: args.stack,
      region: args.region,
      partition: aws.getPartitionOutput({}, { parent: this }).partition,
    };

    const core = createCluster(ctx, {
      version: app.eks.version,
      vpcId: args.vpcId,
      privateSubnetIds: args.privateSubnetIds,
      publicEndpoint: app.eks.publicEndpoint,
      publicAccessCidrs: app.eks.publicAccessCidrs,
      privateAccessCidrs: app.eks.privateAccessCidrs,
      adminPrincipalArns: app.eks.adminPrincipalArns,
      logRetentionDays: app.eks.logRetentionDays,
      deletionProtection,
    });
    const nodes = createNodeGroups(ctx, {
      cluster: core.cluster,
      clusterName: core.clusterName,
      clusterSecurityGroupId: core.clusterSecurityGroupId,
      appSecurityGroupId: args.appSecurityGroupId,
      privateSubnetIds: args.privateSubnetIds,
      instanceTypes: app.eks.instanceTypes,
      amiType: app.eks.amiType,
      volumeSizeGiB: app.eks.nodeVolumeSizeGiB,
      nodesPerAz: sizing.nodesPerAz,
    });
    const addons = createAddons(ctx, { cluster: core.cluster, azCount, nodeGroups: nodes.nodeGroups });
    createClusterAutoscaler(ctx, {
      cluster: core.cluster,
      clusterName: core.clusterName,
      k8sProvider: core.k8sProvider,
      image: app.eks.clusterAutoscalerImage ?? `registry.k8s.io/autoscaling/cluster-autoscaler:v${app.eks.version}.0`,
      dependsOn: [addons["eks-pod-identity-agent"], ...nodes.nodeGroups],
    });
    const workload = createWorkload(ctx, {
      k8sProvider: core.k8sProvider,
      app,
      sizing,
      kubernetesMinor,
      connection: args.connection,
      clusterName: core.cluster.name,
      dependsOn: [...nodes.nodeGroups, addons["coredns"], addons["metrics-server"], addons["eks-pod-identity-agent"]],
    });
    const lb = createLoadBalancer(ctx, {
      vpcId: args.vpcId,
      publicSubnetIds: args.publicSubnetIds,
      appSecurityGroupId: args.appSecurityGroupId,
      nodePort: app.nodePort,
      healthPath: app.healthPath,
      healthCheck: app.healthCheck,
      backendProtocol: app.backendProtocol,
      deregistrationDelaySeconds: app.deregistrationDelaySeconds,
      certificateArn: args.certificateArn,
      sslPolicy: app.sslPolicy,
      accessLogBucket: args.accessLogBucket,
      waf: args.waf ?? false,
      deletionProtection,
      autoscalingGroupNames: nodes.autoscalingGroupNames,
    });

    this.sizing = sizing;
    this.clusterName = core.cluster.name;
    this.k8sProvider = core.k8sProvider;
    this.endpoint = {
      region: args.region,
      albArn: lb.alb.arn,
      albArnSuffix: lb.alb.arnSuffix,
      albDnsName: lb.alb.dnsName,
      albZoneId: lb.alb.zoneId,
      targetGroupArn: lb.targetGroup.arn,
      targetGroupArnSuffix: lb.targetGroup.arnSuffix,
      listenerPorts: lb.listenerPorts,
      healthPath: app.healthPath,
    };
    const hc = app.healthCheck;
    this.topology = pulumi
      .all([lb.alb.arn, lb.alb.arnSuffix, lb.alb.dnsName, lb.alb.zoneId, lb.targetGroup.arn, lb.targetGroup.arnSuffix, core.cluster.name, workload.deployment.metadata.name])
      .apply(([albArn, albArnSuffix, albDnsName, albZoneId, targetGroupArn, targetGroupArnSuffix, clusterName, deploymentName]): AppTopology => ({
        clusterName,
        kubernetesVersion: app.eks.version,
        namespace: app.namespace,
        deploymentName,
        albArn,
        albArnSuffix,
        albDnsName,
        albZoneId,
        targetGroupArn,
        targetGroupArnSuffix,
        listenerPorts: lb.listenerPorts,
        protocol: lb.protocol,
        targetType: "instance",
        externalTrafficPolicy: "Local",
        apiEndpoint: {
          publicAccess: app.eks.publicEndpoint,
          publicAccessCidrs: app.eks.publicEndpoint ? app.eks.publicAccessCidrs : [],
          privateAccessCidrs: app.eks.privateAccessCidrs,
        },
        nodePort: app.nodePort,
        healthCheck: {
          path: app.healthPath,
          protocol: app.backendProtocol,
          intervalSeconds: hc.intervalSeconds,
          timeoutSeconds: hc.timeoutSeconds,
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: hc.unhealthyThreshold,
        },
        deregistrationDelaySeconds: app.deregistrationDelaySeconds,
        capacity: {
          mode: app.failoverHeadroom.capacity,
          sharePercent: app.failoverHeadroom.sharePercent,
          azCount,
          steadyReplicas: sizing.steadyReplicas,
          failoverReplicas: sizing.failoverReplicas,
          hpaMinReplicas: sizing.hpaMinReplicas,
          hpaMaxReplicas: sizing.hpaMaxReplicas,
          podsPerNode: app.eks.podsPerNode,
          nodesPerAz: { min: sizing.nodesPerAz.min, max: sizing.nodesPerAz.max },
        },
      }));

    this.registerOutputs({
      clusterName: this.clusterName,
      albArn: this.endpoint.albArn,
      albDnsName: this.endpoint.albDnsName,
      targetGroupArn: this.endpoint.targetGroupArn,
    });
  }
}

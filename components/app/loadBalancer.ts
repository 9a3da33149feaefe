import * as aws from "../sdk/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../../config/schema";
import { physical, tagsFor, type TierContext } from "./context";
import { createWebAcl } from "./webAcl";

export interface LoadBalancerSettings {
  readonly vpcId: pulumi.Input<string>;
  /** One public subnet per AZ: the ALB gets a node in every AZ. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** NodePort the Service exposes on every node: the targets' traffic and health-check port. */
  readonly nodePort: number;
  readonly healthPath: string;
  readonly healthCheck: AppConfig["healthCheck"];
  /** Protocol to the targets and of their health check. */
  readonly backendProtocol: "HTTP" | "HTTPS";
  readonly deregistrationDelaySeconds: number;
  readonly certificateArn?: string;
  readonly sslPolicy: string;
  readonly accessLogBucket?: string;
  /** Associate a web ACL with the AWS managed rule groups (webAcl.ts). */
  readonly waf: boolean;
  readonly deletionProtection: boolean;
  /** ASG of each per-AZ node group: the ASG registers its nodes in the target group. */
  readonly autoscalingGroupNames: pulumi.Input<string>[];
}

export interface LoadBalancerParts {
  readonly alb: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly listenerPorts: number[];
  readonly protocol: "HTTPS" | "HTTP";
}

/**
 * Internet-facing ALB in every AZ's public subnet, forwarding to a target group of the nodes'
 * NodePort. Nodes are registered by their node group's ASG (`aws.autoscaling.Attachment`), so
 * registration keeps working without any in-cluster controller, even while the cluster's control
 * plane is impaired. The target-group health check is the fast, deep one: Global Accelerator uses
 * the ALB's target health for ALB endpoints, so it decides how fast a failed region is drained.
 *
 * By default TLS ends at the ALB; the hop to the NodePort is HTTP inside the VPC's private subnets,
 * admitted only from the ALB's security group on the one NodePort. `backendProtocol: "HTTPS"`
 * re-encrypts it: the target group and its health check use HTTPS, and the app image must serve
 * TLS on containerPort (ALB does not verify target certificates, so a self-signed one does;
 * Elastic Load Balancing User Guide, "Target groups for your Application Load Balancers"). The
 * placeholder image serves HTTP only; docs/security.md records the choice.
 */
export function createLoadBalancer(ctx: TierContext, s: LoadBalancerSettings): LoadBalancerParts {
  const { name, parent } = ctx;
  const opts = { parent };
  const https = s.certificateArn !== undefined;
  const listenerPorts = https ? [443, 80] : [80];

  const sgName = physical(ctx, "alb");
  const albSg = new aws.ec2.SecurityGroup(`${name}-alb-sg`, {
    name: sgName,
    description: "Internet-facing app ALB: HTTP(S) in from anywhere, out only to the nodes' NodePort",
    vpcId: s.vpcId,
    tags: tagsFor(ctx, "entry", "alb-sg"),
  }, opts);
  // The only world-open ingress in the tier: the public ALB's listener ports.
  for (const port of listenerPorts) {
    new aws.vpc.SecurityGroupIngressRule(`${name}-alb-sg-in-${port}`, {
      securityGroupId: albSg.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrIpv4: "0.0.0.0/0",
      description: port === 443 ? "HTTPS from clients" : https ? "HTTP from clients, redirected to HTTPS" : "HTTP from clients",
      tags: tagsFor(ctx, "entry", `alb-sg-in-${port}`),
    }, opts);
  }
  new aws.vpc.SecurityGroupEgressRule(`${name}-alb-sg-out-nodeport`, {
    securityGroupId: albSg.id,
    ipProtocol: "tcp",
    fromPort: s.nodePort,
    toPort: s.nodePort,
    referencedSecurityGroupId: s.appSecurityGroupId,
    description: "Requests and health checks to the app NodePort",
    tags: tagsFor(ctx, "entry", "alb-sg-out-nodeport"),
  }, opts);
  new aws.vpc.SecurityGroupIngressRule(`${name}-workload-in-from-alb`, {
    securityGroupId: s.appSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: s.nodePort,
    toPort: s.nodePort,
    referencedSecurityGroupId: albSg.id,
    description: "App NodePort from the ALB (requests and health checks)",
    tags: tagsFor(ctx, "app", "workload-in-from-alb"),
  }, opts);

  const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
    name: physical(ctx, "app", 32),
    loadBalancerType: "application",
    internal: false,
    ipAddressType: "ipv4",
    subnets: s.publicSubnetIds,
    securityGroups: [albSg.id],
    enableDeletionProtection: s.deletionProtection,
    dropInvalidHeaderFields: true,
    desyncMitigationMode: "defensive",
    enableHttp2: true,
    idleTimeout: 60,
    // Lets ARC zonal shift / autoshift take an impaired AZ's ALB node out of DNS.
    enableZonalShift: true,
    ...(s.accessLogBucket ? { accessLogs: { bucket: s.accessLogBucket, prefix: physical(ctx, "alb"), enabled: true } } : {}),
    tags: tagsFor(ctx, "entry", "alb"),
  }, opts);
  if (s.waf) createWebAcl(ctx, alb.arn);

  const hc = s.healthCheck;
  const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
    // The NodePort and the protocol are in the name: changing either replaces the group, and a
    // fresh name lets the new group exist before the old one is deleted.
    name: physical(ctx, `app-${s.nodePort}${s.backendProtocol === "HTTPS" ? "-tls" : ""}`, 32),
    targetType: "instance",
    protocol: s.backendProtocol,
    port: s.nodePort,
    vpcId: s.vpcId,
    deregistrationDelay: s.deregistrationDelaySeconds,
    loadBalancingCrossZoneEnabled: "true",
    healthCheck: {
      enabled: true,
      protocol: s.backendProtocol,
      port: "traffic-port",
      path: s.healthPath,
      matcher: "200",
      interval: hc.intervalSeconds,
      timeout: hc.timeoutSeconds,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
    },
    tags: tagsFor(ctx, "entry", "app-tg"),
  }, opts);

  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  if (https) {
    new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: s.sslPolicy,
      certificateArn: s.certificateArn,
      defaultActions: forward,
      tags: tagsFor(ctx, "entry", "alb-https"),
    }, opts);
  }
  new aws.lb.Listener(`${name}-http`, {
    loadBalancerArn: alb.arn,
    port: 80,
    protocol: "HTTP",
    defaultActions: https
      ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
      : forward,
    tags: tagsFor(ctx, "entry", "alb-http"),
  }, opts);

  s.autoscalingGroupNames.forEach((asgName, i) => {
    new aws.autoscaling.Attachment(`${name}-az${i + 1}-ng-tg`, {
      autoscalingGroupName: asgName,
      lbTargetGroupArn: targetGroup.arn,
    }, opts);
  });

  return { alb, targetGroup, listenerPorts, protocol: https ? "HTTPS" : "HTTP" };
}

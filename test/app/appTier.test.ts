import { beforeAll, describe, expect, it } from "vitest";
import { CONTROL_PLANE_LOG_TYPES } from "../../components/app/cluster";
import { AUTOSCALER_WRITE_ACTIONS } from "../../components/app/clusterAutoscaler";
import type { Topology } from "../../components/topology";
import { loadStack } from "../../config/load";
import { DEFAULT_APP_IMAGE } from "../../config/schema";
import { planStack, type Plan } from "../helpers/plan";
import { appChildren, appTierOf, azsOfSubnets, inputs, nameOf, only, providerUrnOf, refsOf, regionAzs, REGIONS, T, tagsOf } from "./support";

describe("AppTier in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("creates one AppTier per region, each through that region's AWS provider", () => {
    for (const region of REGIONS) {
      const cluster = only(appChildren(plan, region, T.cluster), `${region} cluster`);
      expect(plan.regionOf(cluster)).toBe(region);
      expect(plan.regionOf(only(appChildren(plan, region, T.alb), `${region} ALB`))).toBe(region);
    }
    expect(plan.ofType(T.cluster)).toHaveLength(2);
  });

  it("names every app-tier child after the component", () => {
    for (const region of REGIONS) {
      const tier = appTierOf(plan, region);
      const children = plan.resources.filter((r) => r.parent === tier.urn);
      expect(children.length).toBeGreaterThan(50);
      for (const child of children) expect(nameOf(child).startsWith(`${nameOf(tier)}-`), nameOf(child)).toBe(true);
    }
  });

  it("runs the control plane in every AZ, its public endpoint open only to the configured CIDRs, with encrypted Secrets and all logs", () => {
    for (const region of REGIONS) {
      const cluster = only(appChildren(plan, region, T.cluster), "cluster");
      const i = inputs(cluster);
      expect(i.vpcConfig.endpointPrivateAccess).toBe(true);
      // `pulumi up` reaches the API through the public endpoint, from these CIDRs only.
      expect(i.vpcConfig.endpointPublicAccess).toBe(true);
      expect(i.vpcConfig.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
      expect(azsOfSubnets(plan, cluster, "vpcConfig")).toEqual(regionAzs(plan, region));
      expect(i.encryptionConfig.resources).toEqual(["secrets"]);
      const key = only(refsOf(plan, cluster, "encryptionConfig"), "KMS key");
      expect(key.type).toBe("aws:kms/key:Key");
      expect(inputs(key).enableKeyRotation).toBe(true);
      expect([...i.enabledClusterLogTypes].sort()).toEqual([...CONTROL_PLANE_LOG_TYPES].sort());
      expect(i.accessConfig.authenticationMode).toBe("API");
      expect(i.version).toBe("1.33");
      expect(i.deletionProtection).toBe(true);
      expect(i.zonalShiftConfig.enabled).toBe(true);
    }
  });

  it("gives IAM roles names that differ between the regions", () => {
    const names = REGIONS.flatMap((region) => appChildren(plan, region, T.role).map((r) => String(inputs(r).name)));
    // Per region: cluster, nodes, Cluster Autoscaler, VPC CNI.
    expect(names.length).toBe(8);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.includes("use1"))).toHaveLength(4);
    expect(names.filter((n) => n.includes("usw2"))).toHaveLength(4);
  });

  it("puts one managed node group in each AZ's private subnet, covering every AZ", () => {
    for (const region of REGIONS) {
      const groups = appChildren(plan, region, T.nodeGroup);
      expect(groups).toHaveLength(3);
      const azs = groups.map((g) => {
        const subnets = refsOf(plan, g, "subnetIds");
        expect(subnets).toHaveLength(1);
        expect(tagsOf(subnets[0])["ha:subnet-tier"]).toBe("private");
        return String(inputs(subnets[0]).availabilityZone);
      });
      expect(azs.sort()).toEqual(regionAzs(plan, region));
    }
  });

  it("sizes every node group so the cluster never has fewer nodes than AZs and can always grow", () => {
    for (const region of REGIONS) {
      const groups = appChildren(plan, region, T.nodeGroup);
      const total = groups.reduce((sum, g) => sum + Number(inputs(g).scalingConfig.minSize), 0);
      expect(total).toBeGreaterThanOrEqual(3);
      for (const g of groups) {
        const { minSize, maxSize, desiredSize } = inputs(g).scalingConfig;
        // prod pins two nodes per AZ (eks.minNodesPerAz), above what the pods alone need.
        expect(minSize).toBe(2);
        expect(maxSize).toBeGreaterThan(minSize);
        expect(desiredSize).toBe(minSize);
        expect(g.ignoreChanges).toContain("scalingConfig.desiredSize");
        expect(inputs(g).instanceTypes).toEqual(["m6i.large", "m5.large"]);
        expect(inputs(g).capacityType).toBe("ON_DEMAND");
      }
    }
  });

  it("launches nodes from one launch template that requires IMDSv2 and encrypts the root volume", () => {
    for (const region of REGIONS) {
      const lt = only(appChildren(plan, region, T.launchTemplate), "launch template");
      const i = inputs(lt);
      expect(i.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" });
      expect(i.blockDeviceMappings).toHaveLength(1);
      expect(i.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: "true", volumeType: "gp3" });
      for (const g of appChildren(plan, region, T.nodeGroup)) {
        expect(refsOf(plan, g, "launchTemplate").map((r) => r.urn)).toEqual([lt.urn]);
      }
    }
  });

  it("attaches the cluster security group and the cell's workload group to every node", () => {
    for (const region of REGIONS) {
      const lt = only(appChildren(plan, region, T.launchTemplate), "launch template");
      const refs = refsOf(plan, lt, "vpcSecurityGroupIds").map((r) => nameOf(r)).sort();
      expect(refs).toEqual([`ha-${region}-app-cluster`, `ha-${region}-app-sg`].sort());
      expect(inputs(lt).vpcSecurityGroupIds).toHaveLength(2);
    }
  });

  it("spreads the Deployment over zones and hosts with probes, resources and a hardened pod", () => {
    for (const region of REGIONS) {
      const deployment = only(appChildren(plan, region, T.deployment).filter((d) => inputs(d).metadata.namespace === "app"), "app Deployment");
      const spec = inputs(deployment).spec;
      const pod = spec.template.spec;
      const labels = spec.template.metadata.labels;
      expect(spec.replicas).toBeGreaterThanOrEqual(3);
      expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
      expect(deployment.ignoreChanges).toContain("spec.replicas");
      const zone = pod.topologySpreadConstraints.find((c: any) => c.topologyKey === "topology.kubernetes.io/zone");
      expect(zone.maxSkew).toBe(1);
      expect(labels).toMatchObject(zone.labelSelector.matchLabels);
      const host = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(host.topologyKey).toBe("kubernetes.io/hostname");
      expect(labels).toMatchObject(host.labelSelector.matchLabels);
      const [container] = pod.containers;
      expect(container.image).toBe(DEFAULT_APP_IMAGE);
      expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
      // The placeholder image answers the probes' path on the container port from a mounted server block...
      const conf = container.volumeMounts.find((m: any) => m.mountPath === "/etc/nginx/conf.d");
      const confVolume = pod.volumes.find((v: any) => v.name === conf.name);
      const serverBlock = only(appChildren(plan, region, T.configMap).filter((c) => c.outputs?.metadata && (c.outputs.metadata as any).name === confVolume.configMap.name), "server block");
      const block = inputs(serverBlock).data["default.conf"];
      expect(block).toContain("listen 8080;");
      expect(block).toMatch(/location = \/healthz \{[^}]*return 200/);
      // ...and writes only to emptyDir volumes: the root filesystem is read-only.
      const writable = container.volumeMounts.filter((m: any) => !m.readOnly);
      expect(writable.map((m: any) => m.mountPath).sort()).toEqual(["/tmp", "/var/cache/nginx"]);
      for (const m of writable) expect(pod.volumes.find((v: any) => v.name === m.name).emptyDir).toBeDefined();
      // Probe contract: readiness asks the pod itself (no host: nothing outside the region),
      // liveness only the process; the writes path is answered but probed by nobody.
      expect(container.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
      expect(container.livenessProbe.tcpSocket).toEqual({ port: "http" });
      expect(container.livenessProbe.httpGet).toBeUndefined();
      expect(block).toMatch(/location = \/healthz\/writes \{[^}]*return 200/);
      expect(JSON.stringify([container.readinessProbe, container.livenessProbe, container.startupProbe ?? null])).not.toContain("/healthz/writes");
      expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } });
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] } });
      expect(pod.hostNetwork).toBeUndefined();
      // Terminating pods keep serving until kube-proxy everywhere has dropped them.
      expect(container.lifecycle.preStop.sleep.seconds).toBe(10);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
    }
  });

  it("bounds the HPA by the provisioned failover headroom and keeps the PDB from blocking drains", () => {
    for (const region of REGIONS) {
      const deployment = only(appChildren(plan, region, T.deployment).filter((d) => inputs(d).metadata.namespace === "app"), "app Deployment");
      const hpa = only(appChildren(plan, region, T.hpa), "HPA");
      const pdb = only(appChildren(plan, region, T.pdb).filter((p) => inputs(p).metadata.namespace === "app"), "app PDB");
      const h = inputs(hpa).spec;
      expect(h.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: inputs(deployment).metadata.name });
      // prod: 6 pods per region for half the traffic, 100 % share, provisioned -> 12 at the minimum.
      expect(h.minReplicas).toBe(12);
      expect(h.maxReplicas).toBe(18);
      expect(h.minReplicas).toBeGreaterThanOrEqual(3);
      expect(inputs(deployment).spec.replicas).toBe(h.minReplicas);
      expect(h.metrics[0].resource.target).toEqual({ type: "Utilization", averageUtilization: 60 });
      const p = inputs(pdb).spec;
      expect(p.minAvailable).toBeUndefined();
      expect(p.maxUnavailable).toBeGreaterThanOrEqual(1);
      expect(p.maxUnavailable).toBeLessThan(h.minReplicas);
      expect(p.unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
      expect(inputs(deployment).spec.template.metadata.labels).toMatchObject(p.selector.matchLabels);
      // Node groups can hold the HPA maximum in the two AZs left after losing one.
      const maxNodes = appChildren(plan, region, T.nodeGroup).map((g) => inputs(g).scalingConfig.maxSize as number);
      expect(Math.min(...maxNodes) * 2 * 4).toBeGreaterThanOrEqual(h.maxReplicas);
      const minNodes = appChildren(plan, region, T.nodeGroup).reduce((s, g) => s + (inputs(g).scalingConfig.minSize as number), 0);
      expect(minNodes * 4).toBeGreaterThanOrEqual(h.minReplicas);
    }
  });

  it("exposes the pods on a fixed NodePort that the target group and both security groups agree on", () => {
    for (const region of REGIONS) {
      const svc = only(appChildren(plan, region, T.service), "Service").inputs!.spec as any;
      expect(svc.type).toBe("NodePort");
      expect(svc.ports[0].nodePort).toBe(30080);
      // A node forwards only to its own ready pods: its health check fails without one.
      expect(svc.externalTrafficPolicy).toBe("Local");
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      expect(inputs(tg)).toMatchObject({ port: 30080, protocol: "HTTP", targetType: "instance" });
      const fromAlb = only(appChildren(plan, region, T.ingress).filter((r) => nameOf(r).endsWith("workload-in-from-alb")), "ALB -> workload rule");
      expect(inputs(fromAlb)).toMatchObject({ fromPort: 30080, toPort: 30080, ipProtocol: "tcp" });
      expect(nameOf(only(refsOf(plan, fromAlb, "securityGroupId"), "target SG"))).toBe(`ha-${region}-app-sg`);
      expect(nameOf(only(refsOf(plan, fromAlb, "referencedSecurityGroupId"), "source SG"))).toBe(`ha-${region}-app-alb-sg`);
    }
  });

  it("uses the fast, deep target-group health check from config", () => {
    for (const region of REGIONS) {
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      expect(inputs(tg).healthCheck).toEqual({
        enabled: true, protocol: "HTTP", port: "traffic-port", path: "/healthz", matcher: "200",
        interval: 10, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3,
      });
      expect(inputs(tg).deregistrationDelay).toBe(30);
      expect(inputs(tg).loadBalancingCrossZoneEnabled).not.toBe("false");
    }
  });

  it("places each ALB in the public subnet of every AZ, protected from deletion", () => {
    for (const region of REGIONS) {
      const alb = only(appChildren(plan, region, T.alb), "ALB");
      expect(azsOfSubnets(plan, alb, "subnets")).toEqual(regionAzs(plan, region, "public"));
      expect(refsOf(plan, alb, "subnets").every((s) => tagsOf(s)["ha:subnet-tier"] === "public")).toBe(true);
      expect(inputs(alb)).toMatchObject({ internal: false, loadBalancerType: "application", enableDeletionProtection: true, dropInvalidHeaderFields: true });
    }
  });

  it("serves HTTPS with the region's own certificate and only redirects HTTP", () => {
    const certificates = loadStack("prod").config.app.certificateArns;
    for (const region of REGIONS) {
      const listeners = appChildren(plan, region, T.listener);
      expect(listeners).toHaveLength(2);
      const https = only(listeners.filter((l) => inputs(l).port === 443), "HTTPS listener");
      expect(inputs(https)).toMatchObject({ protocol: "HTTPS", certificateArn: certificates[region], sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      expect(inputs(https).defaultActions[0].type).toBe("forward");
      expect(nameOf(only(refsOf(plan, https, "defaultActions"), "target group"))).toBe(`ha-${region}-app-tg`);
      const http = only(listeners.filter((l) => inputs(l).port === 80), "HTTP listener");
      expect(inputs(http).defaultActions).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
    }
  });

  it("registers every node group's ASG in the target group", () => {
    for (const region of REGIONS) {
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      const attachments = appChildren(plan, region, T.attachment);
      expect(attachments).toHaveLength(3);
      const groups = attachments.map((a) => {
        expect(refsOf(plan, a, "lbTargetGroupArn").map((r) => r.urn)).toEqual([tg.urn]);
        const group = only(refsOf(plan, a, "autoscalingGroupName"), "node group");
        expect(group.type).toBe(T.nodeGroup);
        expect(String(inputs(a).autoscalingGroupName)).toMatch(/^eks-ha-prod-/);
        return group.urn;
      });
      expect(new Set(groups)).toEqual(new Set(appChildren(plan, region, T.nodeGroup).map((g) => g.urn)));
    }
  });

  it("opens nothing to the world except the public ALB's HTTP(S) listener ports", () => {
    const world = plan.ofType(T.ingress).filter((r) => inputs(r).cidrIpv4 === "0.0.0.0/0" || inputs(r).cidrIpv6 === "::/0");
    // 443 and 80 (the redirect) on each region's ALB.
    expect(world.length).toBe(4);
    for (const rule of world) {
      expect([80, 443]).toContain(inputs(rule).fromPort);
      expect(inputs(rule).toPort).toBe(inputs(rule).fromPort);
      const sg = only(refsOf(plan, rule, "securityGroupId"), "SG");
      const albs = plan.ofType(T.alb).filter((a) => (a.propertyDependencies?.securityGroups ?? []).includes(sg.urn));
      expect(albs).toHaveLength(1);
      expect(inputs(albs[0]).internal).toBe(false);
    }
    for (const sg of plan.ofType(T.sg)) {
      for (const rule of inputs(sg).ingress ?? []) expect(rule.cidrBlocks ?? []).not.toContain("0.0.0.0/0");
    }
  });

  it("lets the ALB reach the nodes only on the NodePort", () => {
    for (const region of REGIONS) {
      const egress = appChildren(plan, region, T.egress);
      expect(egress).toHaveLength(1);
      expect(inputs(egress[0])).toMatchObject({ fromPort: 30080, toPort: 30080, ipProtocol: "tcp" });
      expect(inputs(egress[0]).cidrIpv4).toBeUndefined();
    }
  });

  it("grants the Cluster Autoscaler only scoped scaling rights, through EKS Pod Identity", () => {
    for (const region of REGIONS) {
      const cluster = only(appChildren(plan, region, T.cluster), "cluster");
      const clusterName = String(inputs(cluster).name);
      const role = only(appChildren(plan, region, T.role).filter((r) => nameOf(r).endsWith("autoscaler-role")), "autoscaler role");
      const trust = JSON.parse(inputs(role).assumeRolePolicy);
      expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
      const policy = only(appChildren(plan, region, T.rolePolicy).filter((p) => refsOf(plan, p, "role")[0]?.urn === role.urn), "autoscaler policy");
      const statements = JSON.parse(inputs(policy).policy).Statement as any[];
      const actions = statements.flatMap((s) => s.Action as string[]);
      expect(actions.every((a) => !a.includes("*"))).toBe(true);
      const writes = statements.filter((s) => (s.Action as string[]).some((a) => AUTOSCALER_WRITE_ACTIONS.includes(a)));
      expect(writes).toHaveLength(1);
      expect(writes[0].Action).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
      expect(writes[0].Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } });
      expect(actions).toEqual(expect.arrayContaining(["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeTags", "ec2:DescribeLaunchTemplateVersions", "eks:DescribeNodegroup"]));
      const association = only(appChildren(plan, region, T.podIdentity), "pod identity association");
      expect(inputs(association)).toMatchObject({ namespace: "kube-system", serviceAccount: "cluster-autoscaler" });
      expect(refsOf(plan, association, "roleArn").map((r) => r.urn)).toEqual([role.urn]);
      expect(refsOf(plan, association, "clusterName").map((r) => r.urn)).toEqual([cluster.urn]);
      expect(appChildren(plan, region, T.addon).map((a) => inputs(a).addonName)).toContain("eks-pod-identity-agent");
    }
  });

  it("makes every node group discoverable by that region's Cluster Autoscaler", () => {
    for (const region of REGIONS) {
      const clusterName = String(inputs(only(appChildren(plan, region, T.cluster), "cluster")).name);
      const expected = { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
      const ca = only(appChildren(plan, region, T.deployment).filter((d) => inputs(d).metadata.name === "cluster-autoscaler"), "autoscaler Deployment");
      const pod = inputs(ca).spec.template.spec;
      expect(pod.serviceAccountName).toBe("cluster-autoscaler");
      const command = pod.containers[0].command as string[];
      expect(command).toContain(`--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${clusterName}`);
      expect(command).toContain("--balance-similar-node-groups=true");
      expect(pod.containers[0].env).toContainEqual({ name: "AWS_REGION", value: region });
      expect(pod.containers[0].image).toBe("registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0");
      expect(inputs(ca).spec.replicas).toBe(2);
      // EKS puts these tags on each managed node group's ASG itself; the program never writes ASG
      // tags (an aws.autoscaling.Tag would take ownership of EKS's tags and delete them with it).
      for (const group of appChildren(plan, region, T.nodeGroup)) expect(tagsOf(group)).toMatchObject(expected);
    }
    expect(plan.ofType(T.asgTag)).toEqual([]);
  });

  it("installs Metrics Server for the HPA and CoreDNS with a replica per AZ, after the nodes exist", () => {
    for (const region of REGIONS) {
      const addons = appChildren(plan, region, T.addon);
      const byName = Object.fromEntries(addons.map((a) => [inputs(a).addonName, a]));
      expect(Object.keys(byName).sort()).toEqual(["coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni"]);
      const groups = appChildren(plan, region, T.nodeGroup).map((g) => g.urn);
      for (const name of ["coredns", "metrics-server"]) expect(byName[name].dependencies).toEqual(expect.arrayContaining(groups));
      expect(JSON.parse(inputs(byName.coredns).configurationValues).autoScaling.minReplicas).toBe(3);
    }
  });

  it("deploys every Kubernetes object through its own region's cluster provider", () => {
    for (const region of REGIONS) {
      const tier = appTierOf(plan, region);
      const provider = only(plan.ofType(T.k8sProvider).filter((p) => p.parent === tier.urn), "k8s provider");
      expect(nameOf(provider)).toBe(`${nameOf(tier)}-k8s`);
      const cluster = only(refsOf(plan, provider, "kubeconfig"), "cluster behind the kubeconfig");
      expect(cluster.type).toBe(T.cluster);
      expect(plan.regionOf(cluster)).toBe(region);
      const kubeconfig = JSON.parse(String(inputs(provider).kubeconfig));
      expect(kubeconfig.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", inputs(cluster).name, "--region", region, "--output", "json"]);
      const k8sObjects = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && r.parent === tier.urn);
      expect(k8sObjects.length).toBeGreaterThanOrEqual(14);
      for (const obj of k8sObjects) expect(providerUrnOf(obj), nameOf(obj)).toBe(provider.urn);
    }
    expect(plan.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.provider)).toEqual([]);
  });

  it("describes each region's app entry point and health check in the topology output", () => {
    const topology = plan.outputs.topology as Topology;
    for (const region of REGIONS) {
      const app = topology.regions.find((r) => r.name === region)!.app!;
      const alb = only(appChildren(plan, region, T.alb), "ALB");
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      expect(app.albArn).toBe(alb.outputs!.arn);
      expect(app.albDnsName).toBe(alb.outputs!.dnsName);
      expect(app.targetGroupArn).toBe(tg.outputs!.arn);
      expect(app.targetGroupArnSuffix).toMatch(/^targetgroup\//);
      expect(app.clusterName).toBe(inputs(only(appChildren(plan, region, T.cluster), "cluster")).name);
      expect(app.listenerPorts).toEqual([443, 80]);
      expect(app.protocol).toBe("HTTPS");
      expect(app.externalTrafficPolicy).toBe("Local");
      expect(app.apiEndpoint).toEqual({ publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"], privateAccessCidrs: [] });
      expect(app.healthCheck).toEqual({ path: "/healthz", protocol: "HTTP", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 3 });
      expect(app.capacity).toMatchObject({ mode: "provisioned", hpaMinReplicas: 12, hpaMaxReplicas: 18, failoverReplicas: 12, azCount: 3 });
    }
  });
});

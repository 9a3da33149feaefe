import { beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { planStack, type Plan } from "../helpers/plan";
import { appChildren, azsOfSubnets, inputs, nameOf, only, refsOf, regionAzs, REGIONS, T } from "./support";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666";
const CERT_WEST = "arn:aws:acm:us-west-2:123456789012:certificate/0f0e0d0c-7777-8888-9999-444455556666";

function hpaOf(plan: Plan, region: string) {
  return inputs(only(appChildren(plan, region, T.hpa), "HPA")).spec;
}

describe("AppTier in the dev plan (scalable headroom, two AZs)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("dev");
  });

  it("keeps only the steady need at the minimum and lets the maximum carry the whole failover share", () => {
    for (const region of REGIONS) {
      const hpa = hpaOf(plan, region);
      // dev: 2 pods per region for half the traffic; the other region's half needs 4 in total.
      expect(hpa.minReplicas).toBe(2);
      expect(hpa.maxReplicas).toBe(6);
      expect(hpa.maxReplicas).toBeGreaterThanOrEqual(4);
      const deployment = only(appChildren(plan, region, T.deployment).filter((d) => inputs(d).metadata.namespace === "app"), "app Deployment");
      expect(inputs(deployment).spec.replicas).toBe(2);
      const pdb = only(appChildren(plan, region, T.pdb).filter((p) => inputs(p).metadata.namespace === "app"), "app PDB");
      expect(inputs(pdb).spec.maxUnavailable).toBe(1);
    }
    const topology = plan.outputs.topology as Topology;
    expect(topology.regions.map((r) => r.app!.capacity.mode)).toEqual(["scalable", "scalable"]);
  });

  it("covers both AZs with one node group each and the ALB", () => {
    for (const region of REGIONS) {
      const groups = appChildren(plan, region, T.nodeGroup);
      expect(groups).toHaveLength(2);
      expect(groups.flatMap((g) => azsOfSubnets(plan, g, "subnetIds")).sort()).toEqual(regionAzs(plan, region));
      expect(appChildren(plan, region, T.attachment)).toHaveLength(2);
      expect(azsOfSubnets(plan, only(appChildren(plan, region, T.alb), "ALB"), "subnets")).toEqual(regionAzs(plan, region, "public"));
    }
  });

  it("leaves deletion protection off outside prod", () => {
    for (const region of REGIONS) {
      expect(inputs(only(appChildren(plan, region, T.alb), "ALB")).enableDeletionProtection).toBe(false);
      expect(inputs(only(appChildren(plan, region, T.cluster), "cluster")).deletionProtection).toBe(false);
    }
  });
});

describe("AppTier in dev with provisioned headroom, HTTPS and operator access", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("dev", {
      "ha-blueprint:app": {
        failoverHeadroom: { capacity: "provisioned" },
        certificateArns: { "us-east-1": CERT, "us-west-2": CERT_WEST },
        healthCheck: { intervalSeconds: 5, timeoutSeconds: 4, healthyThreshold: 2, unhealthyThreshold: 2 },
        eks: {
          publicEndpoint: true,
          publicAccessCidrs: ["203.0.113.0/24"],
          privateAccessCidrs: ["10.200.0.0/16"],
          adminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"],
          instanceTypes: ["m7g.large", "m6g.large"],
          amiType: "AL2023_ARM_64_STANDARD",
        },
      },
    });
  });

  it("raises the minimum to the whole failover need", () => {
    for (const region of REGIONS) {
      const hpa = hpaOf(plan, region);
      expect(hpa.minReplicas).toBe(4);
      expect(hpa.maxReplicas).toBe(6);
      const groups = appChildren(plan, region, T.nodeGroup);
      const minNodes = groups.reduce((s, g) => s + (inputs(g).scalingConfig.minSize as number), 0);
      expect(minNodes * 4).toBeGreaterThanOrEqual(hpa.minReplicas);
    }
  });

  it("serves HTTPS with each region's certificate and a TLS 1.2+ policy, and redirects HTTP", () => {
    for (const [region, cert] of [["us-east-1", CERT], ["us-west-2", CERT_WEST]]) {
      const listeners = appChildren(plan, region, T.listener);
      expect(listeners).toHaveLength(2);
      const https = only(listeners.filter((l) => inputs(l).port === 443), "HTTPS listener");
      expect(inputs(https)).toMatchObject({ protocol: "HTTPS", certificateArn: cert, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      expect(inputs(https).defaultActions[0].type).toBe("forward");
      const http = only(listeners.filter((l) => inputs(l).port === 80), "HTTP listener");
      expect(inputs(http).defaultActions).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
      const open = appChildren(plan, region, T.ingress).filter((r) => inputs(r).cidrIpv4 === "0.0.0.0/0").map((r) => inputs(r).fromPort as number);
      expect(open.sort((a, b) => a - b)).toEqual([80, 443]);
      const topology = plan.outputs.topology as Topology;
      expect(topology.regions.find((r) => r.name === region)!.app!).toMatchObject({ listenerPorts: [443, 80], protocol: "HTTPS" });
    }
  });

  it("applies the configured health-check timing to the target group and the topology", () => {
    for (const region of REGIONS) {
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      expect(inputs(tg).healthCheck).toMatchObject({ interval: 5, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 2 });
      const topology = plan.outputs.topology as Topology;
      expect(topology.regions.find((r) => r.name === region)!.app!.healthCheck).toMatchObject({ intervalSeconds: 5, unhealthyThreshold: 2 });
    }
  });

  it("restricts a public API endpoint to the configured CIDRs and admits operator networks privately", () => {
    for (const region of REGIONS) {
      const cluster = only(appChildren(plan, region, T.cluster), "cluster");
      expect(inputs(cluster).vpcConfig).toMatchObject({ endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
      const apiSg = only(refsOf(plan, cluster, "vpcConfig").filter((r) => r.type === T.sg), "API security group");
      const rules = appChildren(plan, region, T.ingress).filter((r) => refsOf(plan, r, "securityGroupId")[0]?.urn === apiSg.urn);
      expect(rules.map((r) => inputs(r))).toEqual([expect.objectContaining({ fromPort: 443, toPort: 443, cidrIpv4: "10.200.0.0/16" })]);
    }
  });

  it("grants configured principals cluster-admin through access entries", () => {
    for (const region of REGIONS) {
      const entry = only(appChildren(plan, region, "aws:eks/accessEntry:AccessEntry"), "access entry");
      expect(inputs(entry).principalArn).toBe("arn:aws:iam::123456789012:role/platform-admin");
      const association = only(appChildren(plan, region, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"), "policy association");
      expect(inputs(association)).toMatchObject({ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
    }
  });

  it("runs Graviton node groups on the ARM AMI", () => {
    for (const g of plan.ofType(T.nodeGroup)) {
      expect(inputs(g)).toMatchObject({ amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m7g.large", "m6g.large"] });
    }
  });
});

describe("AppTier in prod with scalable headroom", () => {
  it("halves the minimum but keeps the maximum and the node groups' room for the failover share", async () => {
    const plan = await planStack("prod", { "ha-blueprint:app": { failoverHeadroom: { capacity: "scalable" } } });
    for (const region of REGIONS) {
      const hpa = hpaOf(plan, region);
      expect(hpa.minReplicas).toBe(6);
      expect(hpa.maxReplicas).toBe(18);
      const groups = appChildren(plan, region, T.nodeGroup);
      expect(groups.map((g) => inputs(g).scalingConfig)).toEqual(groups.map(() => ({ minSize: 2, maxSize: 3, desiredSize: 2 })));
      expect(groups.map((g) => nameOf(g)).sort()).toEqual([1, 2, 3].map((i) => `ha-${region}-app-az${i}-ng`));
    }
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { adminEntryKey } from "../../components/app/cluster";
import { MANAGED_RULE_GROUPS } from "../../components/app/webAcl";
import { loadStack } from "../../config/load";
import { planStack, type Plan } from "../helpers/plan";
import { appChildren, inputs, only, providerUrnOf, refsOf, REGIONS, T } from "./support";

const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
const ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY = "aws:kms/key:Key";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";
const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

function policyOf(key: { inputs?: Record<string, unknown> }): { Statement: Record<string, any>[] } {
  return JSON.parse(String(key.inputs?.policy));
}

describe("a prod deploy by a team that did not create the clusters", () => {
  let plan: Plan;
  const admins = loadStack("prod").config.app.eks.adminPrincipalArns;
  beforeAll(async () => {
    plan = await planStack("prod");
  });

  it("grants every configured principal cluster-admin through an access entry in each region, and nobody by creation", () => {
    expect(admins.length).toBeGreaterThanOrEqual(2);
    for (const region of REGIONS) {
      const cluster = only(appChildren(plan, region, T.cluster), "cluster");
      expect(inputs(cluster).accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
      // Acts only at creation and would replace a live cluster: never changed after creation.
      expect(cluster.ignoreChanges).toContain("accessConfig.bootstrapClusterCreatorAdminPermissions");
      const entries = appChildren(plan, region, ACCESS_ENTRY);
      expect(entries.map((e) => inputs(e).principalArn).sort()).toEqual([...admins].sort());
      for (const entry of entries) {
        expect(inputs(entry).type).toBe("STANDARD");
        expect(refsOf(plan, entry, "clusterName").map((r) => r.urn)).toEqual([cluster.urn]);
      }
      const associations = appChildren(plan, region, ACCESS_POLICY);
      expect(associations).toHaveLength(admins.length);
      for (const a of associations) {
        expect(inputs(a)).toMatchObject({ policyArn: CLUSTER_ADMIN, accessScope: { type: "cluster" } });
        expect(refsOf(plan, a, "principalArn")[0].type).toBe(ACCESS_ENTRY);
      }
      // Every Kubernetes resource goes through this provider, which waits for the admins' access.
      const provider = only(appChildren(plan, region, T.k8sProvider), "Kubernetes provider");
      expect(provider.dependencies).toEqual(expect.arrayContaining(associations.map((a) => a.urn)));
    }
  });

  it("keys access entries by principal, so dropping one principal leaves the others' entries alone", () => {
    const [a, b] = ["arn:aws:iam::210987654321:role/ci", "arn:aws:iam::210987654321:role/platform/Team.Admin"];
    expect(adminEntryKey(a)).toMatch(/^ci-[0-9a-f]{6}$/);
    expect(adminEntryKey(b)).toMatch(/^team-admin-[0-9a-f]{6}$/);
    expect(adminEntryKey("arn:aws:iam::111111111111:role/ci")).not.toBe(adminEntryKey(a));
  });

  it("encrypts the control-plane log group with its own key that only CloudWatch Logs in that region may use, for that group", () => {
    for (const region of REGIONS) {
      const group = only(appChildren(plan, region, LOG_GROUP), "control-plane log group");
      const [key] = refsOf(plan, group, "kmsKeyId");
      expect(key.type).toBe(KEY);
      const logs = policyOf(key).Statement.find((st) => st.Principal?.Service);
      expect(logs?.Principal.Service).toBe(`logs.${region}.amazonaws.com`);
      expect(logs?.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe(`arn:aws:logs:${region}:123456789012:log-group:${inputs(group).name}`);
      expect(logs?.Action).not.toContain("kms:*");
    }
  });

  it("runs the VPC CNI on a Pod Identity role and leaves the CNI policy off the node role", () => {
    for (const region of REGIONS) {
      const cni = only(appChildren(plan, region, T.addon).filter((a) => inputs(a).addonName === "vpc-cni"), "vpc-cni add-on");
      const [association] = inputs(cni).podIdentityAssociations as { serviceAccount: string; roleArn: string }[];
      expect(association.serviceAccount).toBe("aws-node");
      const role = only(refsOf(plan, cni, "podIdentityAssociations").filter((r) => r.type === T.role), "CNI role");
      expect(JSON.parse(String(inputs(role).assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
      const policiesOf = (roleUrn: string) => plan.ofType(ATTACHMENT)
        .filter((att) => refsOf(plan, att, "role")[0]?.urn === roleUrn)
        .map((att) => String(inputs(att).policyArn).split("/").pop());
      expect(policiesOf(role.urn)).toEqual(["AmazonEKS_CNI_Policy"]);
      const nodeRole = only(appChildren(plan, region, T.role).filter((r) => String(inputs(r).name).includes("eks-node")), "node role");
      expect(policiesOf(nodeRole.urn).sort()).toEqual(["AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy"]);
      // The add-on starts after the Pod Identity agent that serves its credentials.
      const agent = only(appChildren(plan, region, T.addon).filter((a) => inputs(a).addonName === "eks-pod-identity-agent"), "agent");
      expect(cni.dependencies).toContain(agent.urn);
    }
  });

  it("puts a web ACL of AWS managed rule groups in front of every internet-facing ALB", () => {
    const albs = plan.ofType(T.alb).filter((a) => inputs(a).internal === false);
    expect(albs).toHaveLength(2);
    for (const alb of albs) {
      const association = only(plan.ofType(WEB_ACL_ASSOCIATION).filter((w) => refsOf(plan, w, "resourceArn")[0]?.urn === alb.urn), "WAF association");
      const [acl] = refsOf(plan, association, "webAclArn");
      expect(acl.type).toBe(WEB_ACL);
      expect(plan.regionOf(acl)).toBe(plan.regionOf(alb));
      expect(inputs(acl)).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} } });
      const groups = (inputs(acl).rules as Record<string, any>[]).map((r) => r.statement.managedRuleGroupStatement);
      expect(groups.map((g) => `${g.vendorName}/${g.name}`)).toEqual(MANAGED_RULE_GROUPS.map((g) => `AWS/${g}`));
    }
  });

  it("keeps access logs of every ALB in its region's configured bucket", () => {
    const buckets = loadStack("prod").config.app.accessLogBuckets;
    for (const region of REGIONS) {
      const alb = only(appChildren(plan, region, T.alb), "ALB");
      expect(inputs(alb).accessLogs).toMatchObject({ bucket: buckets[region], enabled: true });
    }
  });
});

describe("a dev deploy with no admin principals", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("dev");
  });

  it("leaves the creator as the only admin and creates no access entries", () => {
    for (const region of REGIONS) {
      expect(inputs(only(appChildren(plan, region, T.cluster), "cluster")).accessConfig.bootstrapClusterCreatorAdminPermissions).toBe(true);
      expect(appChildren(plan, region, ACCESS_ENTRY)).toEqual([]);
    }
  });

  it("has no web ACL unless asked for, and gets one with app.waf", async () => {
    expect(plan.ofType(WEB_ACL)).toEqual([]);
    const withWaf = await planStack("dev", { "ha-blueprint:app": { waf: true } });
    expect(withWaf.ofType(WEB_ACL_ASSOCIATION)).toHaveLength(2);
    for (const association of withWaf.ofType(WEB_ACL_ASSOCIATION)) expect(providerUrnOf(association)).toBeDefined();
  });
});

describe("TLS from the ALB to the pods", () => {
  it("is HTTP by default, inside the VPC, admitted only from the ALB's group", async () => {
    const plan = await planStack("dev");
    for (const region of REGIONS) {
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      expect(inputs(tg)).toMatchObject({ protocol: "HTTP", healthCheck: { protocol: "HTTP" } });
    }
  });

  it("re-encrypts to the pods with backendProtocol HTTPS: target group, health check, readiness probe and topology", async () => {
    const plan = await planStack("dev", { "ha-blueprint:app": { backendProtocol: "HTTPS", image: "registry.example.com/shop/api:1.4.2" } });
    for (const region of REGIONS) {
      const tg = only(appChildren(plan, region, T.targetGroup), "target group");
      expect(inputs(tg)).toMatchObject({ protocol: "HTTPS", healthCheck: { protocol: "HTTPS", port: "traffic-port" } });
      expect(String(inputs(tg).name)).toMatch(/-tls$/);
      const app = only(appChildren(plan, region, T.deployment).filter((d) => inputs(d).metadata.name === "app"), "app Deployment");
      expect(inputs(app).spec.template.spec.containers[0].readinessProbe.httpGet.scheme).toBe("HTTPS");
      const topology = plan.outputs.topology as { regions: { name: string; app: { healthCheck: { protocol: string } } }[] };
      expect(topology.regions.find((r) => r.name === region)!.app.healthCheck.protocol).toBe("HTTPS");
    }
  });
});

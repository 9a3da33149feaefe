import { beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../components/topology";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { planStack, type Plan } from "../helpers/plan";
import { appEnv, appSecurityGroup, expectChildNamesPrefixed, inRegion, isolatedSubnets, ref, refs, T } from "./helpers";

const REGIONS = ["us-east-1", "us-west-2"];
const WITNESS = "us-east-2";

function clusterIn(plan: Plan, region: string) {
  const clusters = inRegion(plan, T.dsqlCluster, region);
  expect(clusters, `DSQL clusters in ${region}`).toHaveLength(1);
  return clusters[0];
}

describe("Aurora DSQL multi-Region in the prod-dsql plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack("prod-dsql");
  });

  it("plans one DSQL cluster in each stack region, all with the witness in a third region, and no Aurora", () => {
    expect(plan.ofType(T.globalCluster)).toEqual([]);
    expect(plan.ofType(T.cluster)).toEqual([]);
    expect(plan.ofType(T.dsqlCluster).map((c) => plan.regionOf(c)).sort()).toEqual(REGIONS);
    for (const region of REGIONS) {
      const c = clusterIn(plan, region);
      expect(c.inputs?.multiRegionProperties).toEqual({ witnessRegion: WITNESS });
      expect(REGIONS).not.toContain((c.inputs?.multiRegionProperties as { witnessRegion: string }).witnessRegion);
      expect(c.inputs?.deletionProtectionEnabled).toBe(true);
    }
  });

  it("peers each cluster with the other one, both ways, through the same witness", () => {
    const peerings = plan.ofType(T.dsqlPeering);
    expect(peerings).toHaveLength(2);
    for (const region of REGIONS) {
      const own = clusterIn(plan, region);
      const mine = peerings.filter((p) => p.inputs?.identifier === own.outputs?.identifier);
      expect(mine, `peering of ${region}`).toHaveLength(1);
      expect(plan.regionOf(mine[0])).toBe(region);
      const others = REGIONS.filter((r) => r !== region).map((r) => clusterIn(plan, r));
      expect(mine[0].inputs?.clusters).toEqual(others.map((o) => o.outputs?.arn));
      expect(refs(plan, mine[0], "clusters").map((r) => r.urn)).toEqual(others.map((o) => o.urn));
      expect(mine[0].inputs?.witnessRegion).toBe(WITNESS);
    }
  });

  it("encrypts each cluster with a customer key of its own region", () => {
    for (const region of REGIONS) {
      const key = ref(plan, clusterIn(plan, region), "kmsEncryptionKey");
      expect(key.type).toBe(T.kmsKey);
      expect(plan.regionOf(key)).toBe(region);
    }
  });

  it("reaches each cluster privately through an interface endpoint in every AZ that admits only the local app tier", () => {
    for (const region of REGIONS) {
      const endpoints = inRegion(plan, T.vpcEndpoint, region);
      expect(endpoints).toHaveLength(1);
      const e = endpoints[0];
      expect(e.inputs).toMatchObject({ vpcEndpointType: "Interface", privateDnsEnabled: true, serviceName: clusterIn(plan, region).outputs?.vpcEndpointServiceName });
      expect(ref(plan, e, "serviceName").urn).toBe(clusterIn(plan, region).urn);
      // Created once the cluster is peered (a multi-Region cluster serves nothing before).
      const peering = plan.ofType(T.dsqlPeering).find((p) => p.inputs?.identifier === clusterIn(plan, region).outputs?.identifier)!;
      expect(e.dependencies).toContain(peering.urn);
      expect(refs(plan, e, "subnetIds").map((s) => s.urn).sort()).toEqual(isolatedSubnets(plan, region).map((s) => s.urn).sort());
      const sg = ref(plan, e, "securityGroupIds");
      const rules = plan.ofType(T.ingress).filter((r) => ref(plan, r, "securityGroupId").urn === sg.urn);
      expect(rules).toHaveLength(1);
      expect(rules[0].inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
      expect(ref(plan, rules[0], "referencedSecurityGroupId").urn).toBe(appSecurityGroup(plan, region).urn);
    }
  });

  it("points each region's workload at its own cluster for reads and writes, with IAM authentication and no password", () => {
    for (const region of REGIONS) {
      const env = appEnv(plan, region);
      const own = clusterIn(plan, region).outputs!;
      const service = String(own.vpcEndpointServiceName).split(".").pop();
      const host = `${own.identifier}.${service}.${region}.on.aws`;
      expect(host).toMatch(new RegExp(`^${String(own.identifier)}\\.dsql(-[a-z0-9]+)?\\.${region}\\.on\\.aws$`));
      expect(env).toMatchObject({
        DATABASE_KIND: "aurora-dsql", DATABASE_WRITER_HOST: host, DATABASE_READER_HOST: host,
        DATABASE_PORT: "5432", DATABASE_NAME: "postgres", DATABASE_USER: "app", DATABASE_AUTH: "iam",
      });
    }
    expect(JSON.stringify(plan.export)).not.toMatch(/DATABASE_PASSWORD/);
  });

  it("lets each region's pods DbConnect to their own cluster only, through EKS Pod Identity", () => {
    for (const region of REGIONS) {
      const associations = inRegion(plan, T.podIdentity, region).filter((a) => a.inputs?.namespace === "app");
      expect(associations).toHaveLength(1);
      const role = ref(plan, associations[0], "roleArn");
      const policies = plan.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => ref(plan, p, "role").urn === role.urn);
      expect(policies).toHaveLength(1);
      expect(JSON.parse(String(policies[0].inputs?.policy)).Statement).toEqual([
        { Sid: "ConnectAsCustomRole", Effect: "Allow", Action: "dsql:DbConnect", Resource: clusterIn(plan, region).outputs?.arn },
      ]);
    }
  });

  it("backs up each region's cluster with AWS Backup, copied to the other region's vault", () => {
    for (const region of REGIONS) {
      const selections = inRegion(plan, "aws:backup/selection:Selection", region).filter((s) => (s.inputs?.resources as string[]).some((r) => r.includes(":dsql:")));
      expect(selections).toHaveLength(1);
      expect(selections[0].inputs?.resources).toEqual([clusterIn(plan, region).outputs?.arn]);
      const rule = (ref(plan, selections[0], "planId").inputs?.rules as { copyActions: { destinationVaultArn: string }[] }[])[0];
      const otherVault = inRegion(plan, "aws:backup/vault:Vault", REGIONS.find((r) => r !== region)!)[0];
      expect(rule.copyActions.map((c) => c.destinationVaultArn)).toEqual([otherVault.outputs?.arn]);
    }
  });

  it("describes the kind in the topology output", () => {
    const topology = plan.outputs.topology as Topology;
    expect(topology.database).toMatchObject({ kind: "aurora-dsql", writePath: "local-endpoint", witnessRegion: WITNESS, peerRegions: REGIONS, authentication: "iam" });
    for (const region of topology.regions) {
      const other = REGIONS.find((r) => r !== region.name)!;
      expect(region.database).toMatchObject({ kind: "aurora-dsql", clusterIdentifier: clusterIn(plan, region.name).outputs?.identifier, peerClusterArns: [clusterIn(plan, other).outputs?.arn] });
    }
  });

  it("passes the policy pack with no mandatory violation (what `check --stack prod-dsql` runs)", () => {
    const result = checkGraph(new ResourceGraph(plan.resources, "us-east-1"), { environment: "prod" });
    expect(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message)).toEqual([]);
  });

  it("names every child of the database after its parent", () => {
    expectChildNamesPrefixed(plan, plan.resources.find((r) => r.type === "ha:data:DsqlMultiRegion")!);
  });
});

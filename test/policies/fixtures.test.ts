import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStateText } from "../../graph/load";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { happyStack } from "./happyStack";

/**
 * Real files written by the Pulumi CLI for stacks this blueprint did not create: they parse, the
 * graph model places them, and the verdicts are the ones a reviewer would give.
 */
const DIR = path.resolve(__dirname, "../fixtures/stack-exports");
const has = fs.existsSync(DIR);

function check(file: string) {
  const loaded = parseStateText(fs.readFileSync(path.join(DIR, file), "utf8"), file);
  const graph = ResourceGraph.from(loaded);
  return { loaded, graph, result: checkGraph(graph) };
}

const policies = (r: ReturnType<typeof check>["result"]) => new Set(r.violations.map((v) => v.policy));

describe.runIf(has)("real Pulumi state files", () => {
  it("rds-instance (v3.86 export, secret with ciphertext): one region, no backup selection, and a standalone instance left at every unsafe default", () => {
    const { result } = check("pulumi-aws__rds-instance__5.42.0__stack.json");
    expect(policies(result)).toEqual(new Set([
      "ha-min-regions", "ha-backup-coverage",
      // multiAz, backupRetentionPeriod, storageEncrypted and deletionProtection are all unset.
      "ha-rds-instance-multi-az", "ha-rds-instance-backup-retention", "sec-rds-instance-encryption", "ha-rds-instance-deletion-protection",
    ]));
  });

  it("ts-lb-simple (awsx ALB): world-open group on all ports, no global entry, deletion protection and health path recorded as defaults", () => {
    const { result, graph } = check("pulumi-awsx__ts-lb-simple__1.0.6__stack.json");
    const lb = graph.ofType("aws:lb/loadBalancer:LoadBalancer")[0];
    expect(lb.inputs.enableDeletionProtection).toBe(false);
    // Some awsx resources carry no provider region, but the stack's others are placed: judged, not "region unknown".
    expect(policies(result).has("ha-region-known")).toBe(false);
    // The target group sets no health check; only its outputs record AWS's default path "/".
    const tg = graph.ofType("aws:lb/targetGroup:TargetGroup")[0];
    expect([tg.inputs.healthCheck, (tg.outputs.healthCheck as Record<string, unknown>).path]).toEqual([undefined, "/"]);
    expect(policies(result)).toEqual(new Set([
      "ha-min-regions", "ha-global-entrypoint", "sec-sg-no-world-ingress", "ha-lb-deletion-protection", "ha-target-group-health-check", "sec-vpc-flow-logs",
      // Port 80 forwards in plain HTTP; the Fargate service runs one task with no circuit breaker.
      "sec-public-entry-tls", "ha-ecs-min-tasks", "ha-ecs-circuit-breaker",
    ]));
    // enableCrossZoneLoadBalancing: false is recorded too, but an ALB is always cross-zone.
    expect(policies(result).has("ha-lb-cross-zone")).toBe(false);
  });

  it("managed-nodegroups (awsx VPC): NAT per AZ with same-AZ routes and three AZs pass; the public EKS endpoint does not", () => {
    const { result, graph } = check("pulumi-eks__managed-nodegroups__3.0.0__stack.json");
    expect(graph.ofType("aws:ec2/natGateway:NatGateway").map((n) => graph.azsOf(n)[0]).sort()).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
    const p = policies(result);
    for (const ok of ["ha-nat-no-single-point", "ha-vpc-multi-az", "ha-eks-nodegroups-span-azs", "ha-subnet-groups-multi-az"]) expect(p.has(ok), ok).toBe(false);
    expect(p.has("sec-eks-control-plane")).toBe(true);
    // The example's node groups list the public subnets (default route to the IGW) among theirs.
    const publicNodes = result.violations.filter((v) => v.policy === "sec-nodes-private-subnets");
    expect(publicNodes.length).toBeGreaterThan(0);
    for (const v of publicNodes) expect(v.message).toMatch(/public subnet\(s\) eks-vpc-public-1, eks-vpc-public-2, eks-vpc-public-3, whose default route goes to an internet gateway/);
  });

  it("encryption-provider (secrets recorded as plaintext): a one-replica Deployment without probes is caught, and the one-node self-managed node group counts as the cluster's capacity", () => {
    const { result } = check("pulumi-eks__encryption-provider__3.0.0__stack.json");
    const p = policies(result);
    for (const rule of ["ha-k8s-min-replicas", "ha-k8s-probes", "sec-kms-key-rotation"]) expect(p.has(rule), rule).toBe(true);
    // One root cause, one finding: the one-pod Deployment's PDB and spreads are not applicable until it runs 2 pods.
    for (const rule of ["ha-k8s-zone-spread", "ha-k8s-node-spread", "ha-k8s-deployment-has-pdb"]) {
      expect(p.has(rule), rule).toBe(false);
      expect(result.notApplicable.map((n) => n.policy), rule).toContain(rule);
    }
    expect(result.violations.filter((v) => v.policy === "ha-k8s-min-replicas").map((v) => v.urn)).toEqual([expect.stringMatching(/Deployment::nginx$/)]);
    // The ASG is tagged kubernetes.io/cluster/<name>: judged per cluster (one node is too few), not as a standalone ASG.
    expect(result.violations.filter((v) => v.policy === "ha-eks-nodegroups-span-azs").map((v) => v.message)).toEqual([expect.stringMatching(/keeps at least 1 node\(s\) across its node groups; at least 2/)]);
    expect(p.has("ha-asg-health-and-azs")).toBe(false);
  });

  it("a preview with unknown sentinels and no provider steps parses and decides nothing it cannot know", () => {
    const { loaded, result } = check("stratify__sample-preview-creates.json");
    expect(loaded.format).toBe("preview");
    expect(result.summary.resources).toBe(16);
    // No region anywhere: the regional rules judge nothing, so the preview cannot pass clean.
    expect(result.summary.passed).toBe(false);
    expect(policies(result)).toEqual(new Set(["ha-region-known"]));
    // With the region given (--stack's aws:region) the rules judge it: one region is this pack's
    // house rule (ha-min-regions), which the foreign profile drops; nothing else blocks.
    const placed = checkGraph(ResourceGraph.from(loaded, "us-east-1"));
    expect(policies(placed)).toEqual(new Set(["ha-min-regions"]));
    expect(checkGraph(ResourceGraph.from(loaded, "us-east-1"), { profile: "foreign" }).summary.passed).toBe(true);
  });
});

describe.runIf(has)("every real file, under both profiles", () => {
  it.each(has ? fs.readdirSync(DIR).filter((f) => f.endsWith(".json")) : [])("%s: no default read as zero, and no PASS without a region", (file) => {
    const loaded = parseStateText(fs.readFileSync(path.join(DIR, file), "utf8"), file);
    for (const profile of ["blueprint", "foreign"] as const) {
      const graph = ResourceGraph.from(loaded);
      const result = checkGraph(graph, { profile });
      for (const v of result.violations) expect(v.message, `${profile}: ${v.policy}`).not.toMatch(/\b0 (availability zone|instance type)/);
      const placed = graph.managed().some((n) => n.type.startsWith("aws:") && !!graph.regionOf(n) && graph.regionOf(n) !== "global");
      if (!placed) expect(result.summary.passed, `${profile}: a graph with no region passed`).toBe(false);
    }
  });
});

describe("defaults present or absent", () => {
  it("gives the same verdict when a provider default is recorded and when it is left out", () => {
    for (const [name, path, value] of [
      ["alb-east", "enableDeletionProtection", false],
      ["eks-east", "vpcConfig.endpointPublicAccess", true],
      ["cache-east", "snapshotRetentionLimit", 0],
      ["kms-east", "enableKeyRotation", false],
    ] as const) {
      const absent = happyStack();
      absent.set(name, path, undefined);
      const present = happyStack();
      present.set(name, path, value);
      const a = checkGraph(absent.graph()).violations.map((v) => v.policy);
      const b = checkGraph(present.graph()).violations.map((v) => v.policy);
      expect(a.length, `${name}.${path}`).toBeGreaterThan(0);
      expect(b, `${name}.${path}`).toEqual(a);
    }
  });
});

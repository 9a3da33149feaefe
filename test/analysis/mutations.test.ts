import { beforeAll, describe, expect, it } from "vitest";
import { analyzeInput } from "../../cli/commands/analyze";
import { loadStack } from "../../config/load";
import { ResourceGraph } from "../../graph/model";
import type { AnalysisReport } from "../../analysis/report";
import type { ExportedResource } from "../../plan/stackExport";
import { nameOf, planStack, type Plan } from "../helpers/plan";
import { analyzeFailureDomains } from "../../analysis/failureDomains";
import { objectiveSections } from "../../analysis/objectives";
import { buildReport } from "../../analysis/report";
import { buildTopologyView } from "../../analysis/topologyView";
import { topologyFixture } from "../drills/fixtures";
import { healthyGraph } from "./fixture";

/**
 * The mutation suite of issue 18: the prod plan broken one resilience property at a time, the way
 * a deployed stack drifts or a colleague's change breaks it. Each break must fail `analyze` with a
 * reason that names the property, the resource and the region; each neutral change must not change
 * the verdict. The classes: name resolution, settings that look right, keys in the wrong region,
 * the load balancer's own path, capacity per region, facts read from resources, Multi-AZ flags,
 * and what it must stop saying (a drained dial, wiring it cannot see).
 */

const EAST = "us-east-1";
const WEST = "us-west-2";
let plan: Plan;
const config = loadStack("prod").config;

beforeAll(async () => {
  plan = await planStack("prod");
});

function analyze(edit?: (rs: ExportedResource[]) => void, opts: { strict?: boolean } = {}): AnalysisReport {
  const copy = JSON.parse(JSON.stringify(plan.resources)) as ExportedResource[];
  edit?.(copy);
  return analyzeInput({ source: { kind: "stack", name: "prod" }, graph: new ResourceGraph(copy, EAST), config }, opts);
}

const find = (rs: ExportedResource[], re: RegExp) => {
  const r = rs.find((x) => re.test(nameOf(x)));
  if (!r) throw new Error(`no resource matches ${re}`);
  return r;
};
/** Sets a property in inputs and outputs alike, as a drifted export would show it. */
function set(r: ExportedResource, key: string, value: unknown): void {
  for (const bag of [r.inputs, r.outputs]) if (bag) bag[key] = value;
}
function appConfig(rs: ExportedResource[], region: string): Record<string, string> {
  return rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs?.data as Record<string, string>)?.APP_REGION === region)!.inputs!.data as Record<string, string>;
}
const reasons = (r: AnalysisReport) => r.verdict.reasons.join("\n");

describe("the intact prod plan", () => {
  it("passes, with nothing hidden", () => {
    const r = analyze();
    expect(r.verdict).toMatchObject({ status: "ok", exitCode: 0, reasons: [] });
  });
});

describe("mutations that must fail, naming property, resource and region", () => {
  it.each<[string, (rs: ExportedResource[]) => void, RegExp]>([
    // Name resolution
    ["VPC DNS support off", (rs) => set(find(rs, /^ha-us-west-2-network-vpc$/), "enableDnsSupport", false), /VPC ha-us-west-2-network-vpc \(us-west-2\) has enableDnsSupport off/],
    ["VPC DNS hostnames off (private zone)", (rs) => set(find(rs, /^ha-us-west-2-network-vpc$/), "enableDnsHostnames", false), /VPC ha-us-west-2-network-vpc \(us-west-2\) has enableDnsHostnames off: private zone .* does not resolve/],
    // Settings that look right but are not
    ["reader setting pointed at another region", (rs) => { appConfig(rs, WEST).DATABASE_READER_HOST = appConfig(rs, EAST).DATABASE_READER_HOST; }, /DATABASE_READER_HOST .* in us-west-2 names ha-database-us-east-1-cluster in us-east-1, not ha-database-us-west-2-cluster of its own region/],
    ["typo'd writer host", (rs) => { appConfig(rs, WEST).DATABASE_WRITER_HOST = appConfig(rs, WEST).DATABASE_WRITER_HOST.replace(/^([a-z-]+)/, "$1x"); }, /DATABASE_WRITER_HOST \(ConfigMap .* in us-west-2\) names .*, which no store or record in the graph answers/],
    ["writer setting on a regional cluster endpoint instead of the global writer", (rs) => {
      appConfig(rs, EAST).DATABASE_WRITER_HOST = String(find(rs, /^ha-database-us-east-1-cluster$/).outputs!.endpoint);
    }, /us-east-1 cannot write after a planned switchover to us-west-2: DATABASE_WRITER_HOST .*ha-database-us-east-1-cluster \(us-east-1\) is not the writer: its cluster endpoint writes only while that cluster writes/],
    // Keys in the wrong region
    ["secondary cluster encrypted with the primary region's key", (rs) => {
      set(find(rs, /^ha-database-us-west-2-cluster$/), "kmsKeyId", find(rs, /^ha-database-us-east-1-cluster$/).inputs!.kmsKeyId);
    }, /ha-database-us-west-2-cluster \(Cluster, us-west-2\): kmsKeyId is a KMS key of us-east-1/],
    // The load balancer's own path
    ["target group health check on a path the app does not serve", (rs) => {
      const tg = find(rs, /^ha-us-west-2-app-tg$/);
      set(tg, "healthCheck", { ...(tg.inputs!.healthCheck as object), path: "/status" });
    }, /target group ha-us-west-2-app-tg \(us-west-2\) checks \/status, but the workload of us-west-2 serves its health on .*\/healthz/],
    ["accelerator listener ports that reach no ALB listener", (rs) => {
      set(find(rs, /^ha-traffic-listener$/), "portRanges", [{ fromPort: 8443, toPort: 8443 }]);
    }, /accelerator listener ha-traffic-listener takes ports 8443, but load balancer .* listens on 80, 443/],
    ["the nodes' ingress rule from the load balancer removed", (rs) => {
      rs.splice(rs.indexOf(find(rs, /^ha-us-west-2-app-workload-in-from-alb$/)), 1);
    }, /nodes of us-west-2 \(security groups .*ha-us-west-2-app-sg.*\) admit nothing on 30080 from load balancer ha-us-west-2-app-alb/],
    ["the load balancer's egress rule on the wrong port", (rs) => {
      const rule = find(rs, /^ha-us-west-2-app-alb-sg-out-nodeport$/);
      set(rule, "fromPort", 8080);
      set(rule, "toPort", 8080);
    }, /load balancer ha-us-west-2-app-alb \(us-west-2\): its security groups ha-us-west-2-app-alb-sg allow no egress on 30080 to the nodes/],
    ["target group port that is not the Service's NodePort", (rs) => set(find(rs, /^ha-us-west-2-app-tg$/), "port", 30081),
      /target group ha-us-west-2-app-tg \(us-west-2\): port 30081 is not what the workload of us-west-2 serves for instance targets \(NodePort 30080\)/],
    ["HTTPS listener deleted while the global entry forwards 443", (rs) => {
      rs.splice(rs.indexOf(find(rs, /^ha-us-west-2-app-https$/)), 1);
    }, /load balancer ha-us-west-2-app-alb \(us-west-2\) has no listener on port 443, which the global entry forwards to it/],
    ["HTTPS listener turned into plain HTTP on 443", (rs) => set(find(rs, /^ha-us-west-2-app-https$/), "protocol", "HTTP"),
      /listener ha-us-west-2-app-https \(us-west-2\) listens on 443 with protocol HTTP/],
    ["HTTPS listener with another region's certificate", (rs) => {
      set(find(rs, /^ha-us-west-2-app-https$/), "certificateArn", find(rs, /^ha-us-east-1-app-https$/).inputs!.certificateArn);
    }, /listener ha-us-west-2-app-https \(us-west-2\): certificateArn is an ACM certificate of us-east-1/],
    ["HTTPS listener forwarding to the other region's target group", (rs) => {
      set(find(rs, /^ha-us-west-2-app-https$/), "defaultActions", [{ type: "forward", targetGroupArn: find(rs, /^ha-us-east-1-app-tg$/).outputs!.arn }]);
    }, /listener ha-us-west-2-app-https \(us-west-2\) forwards to target group ha-prod-use1-app-30080 of us-east-1/],
    ["HTTPS listener forwarding to a target group with no targets", (rs) => {
      const tg = find(rs, /^ha-us-west-2-app-tg$/);
      const spare = structuredClone(tg);
      spare.urn = tg.urn.replace(/app-tg$/, "spare-tg");
      spare.id = "spare";
      spare.outputs!.arn = String(tg.outputs!.arn).replace("ha-prod-usw2-app-30080", "ha-prod-usw2-spare");
      rs.push(spare);
      const https = find(rs, /^ha-us-west-2-app-https$/);
      set(https, "defaultActions", [{ type: "forward", targetGroupArn: spare.outputs!.arn }]);
      https.propertyDependencies = { ...https.propertyDependencies, defaultActions: [spare.urn] };
    }, /listener ha-us-west-2-app-https \(us-west-2\) forwards to target group ha-us-west-2-spare-tg, which has no targets registered \(the app's nodes are registered with ha-us-west-2-app-tg\)/],
    // A backup copy's destination key in the wrong region
    ["backup copy destination vault encrypted with a key of the source region", (rs) => {
      set(find(rs, /^ha-backup-us-west-2-vault$/), "kmsKeyArn", find(rs, /^ha-backup-us-east-1-vault$/).inputs!.kmsKeyArn);
    }, /backup plan ha-backup-us-east-1-plan \(us-east-1\): its copy to vault ha-backup-us-west-2-vault \(us-west-2\) is encrypted with the vault's kmsKeyArn, a KMS key of us-east-1/],
    // Capacity per region
    ["a survivor's node groups too small for the pods it must run", (rs) => {
      for (const ng of rs.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && /us-west-2/.test(r.urn))) set(ng, "scalingConfig", { desiredSize: 1, minSize: 1, maxSize: 1 });
      const app = find(rs, /^ha-us-west-2-app-deployment$/);
      (app.inputs!.spec as { template: { spec: { containers: { resources: { requests: Record<string, string> } }[] } } }).template.spec.containers[0].resources.requests.cpu = "600m";
    }, /us-west-2: its node groups at scalingConfig.maxSize \(ha-us-west-2-app-az1-ng maxSize 1 x 2 vCPU\/8 GiB, .*\) cannot hold the 12 pods it must run after losing another region \(7.2 vCPU of requests against 6/],
    ["a region with zero pods", (rs) => {
      for (const r of rs.filter((x) => x.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" || x.type === "kubernetes:apps/v1:Deployment")) {
        if (!/us-west-2/.test(r.urn)) continue;
        const spec = r.inputs!.spec as Record<string, unknown>;
        if ("minReplicas" in spec) spec.minReplicas = 0;
        if ("replicas" in spec) spec.replicas = 0;
      }
    }, /app does not serve in us-west-2 even with nothing lost/],
    // Foreign-looking stores: a single-AZ database is a single point of failure whoever wrote it
    ["a Single-AZ RDS instance added as a store", (rs) => {
      const provider = rs.find((r) => r.type === "pulumi:providers:aws" && (r.inputs as { region?: string })?.region === WEST)!;
      rs.push({ urn: "urn:pulumi:prod::ha-blueprint::aws:rds/instance:Instance::orders", custom: true, type: "aws:rds/instance:Instance", id: "orders",
        inputs: { engine: "postgres", multiAz: false, availabilityZone: "us-west-2a", instanceClass: "db.t4g.micro" }, outputs: { address: "orders.abc.us-west-2.rds.amazonaws.com", availabilityZone: "us-west-2a" },
        provider: `${provider.urn}::${provider.id}`, dependencies: [], propertyDependencies: {} } as ExportedResource);
    }, /single point of failure: losing AZ us-west-2a stops database reads in us-west-2/],
  ])("%s", (_name, edit, reason) => {
    const r = analyze(edit);
    expect(r.verdict.exitCode, reasons(r)).toBe(1);
    expect(reasons(r)).toMatch(reason);
  });
});

describe("capacity per region", () => {
  it("a survivor that must scale out but whose HPAs cannot reach the load of both regions", async () => {
    const staging = await planStack("staging");
    const copy = JSON.parse(JSON.stringify(staging.resources)) as ExportedResource[];
    const stagingConfig = loadStack("staging").config;
    expect(stagingConfig.app.failoverHeadroom.capacity).toBe("scalable");
    const ok = analyzeInput({ source: { kind: "stack", name: "staging" }, graph: new ResourceGraph(copy, EAST), config: stagingConfig });
    expect(ok.failureDomains.configuration).toEqual([]);
    for (const hpa of copy.filter((r) => r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" && /us-west-2/.test(r.urn))) {
      const spec = hpa.inputs!.spec as Record<string, unknown>;
      spec.maxReplicas = spec.minReplicas;
    }
    const r = analyzeInput({ source: { kind: "stack", name: "staging" }, graph: new ResourceGraph(copy, EAST), config: stagingConfig });
    expect(r.verdict.exitCode).toBe(1);
    expect(reasons(r)).toMatch(/us-west-2 can run at most \d+ pods \(HPA maxReplicas\), but after losing another region it must carry the \d+ pods every region runs now/);
  });
});

describe("node capacity after a region loss", () => {
  it("a survivor whose node groups hold its own pods but not the other region's share", async () => {
    const staging = await planStack("staging");
    const stagingConfig = loadStack("staging").config;
    const run = (cpu?: string) => {
      const copy = structuredClone(staging.resources) as ExportedResource[];
      if (cpu) {
        const app = copy.find((r) => r.type === "kubernetes:apps/v1:Deployment" && /::ha-us-west-2-app-deployment$/.test(r.urn))!;
        (app.inputs!.spec as { template: { spec: { containers: { resources: { requests: Record<string, string> } }[] } } }).template.spec.containers[0].resources.requests.cpu = cpu;
      }
      return analyzeInput({ source: { kind: "stack", name: "staging" }, graph: new ResourceGraph(copy, EAST), config: stagingConfig });
    };
    // 3 pods x 2.5 vCPU fit on three m5.large at maxSize 2 (12 vCPU); the 6 pods of both regions (15 vCPU) do not.
    const broken = run("2500m");
    expect(broken.verdict.exitCode).toBe(1);
    expect(reasons(broken)).toMatch(/us-west-2: its node groups at scalingConfig.maxSize \(ha-us-west-2-app-az1-ng maxSize 2 x 2 vCPU\/8 GiB, .*\) cannot hold the 6 pods it must run after losing another region \(15.0 vCPU of requests against 12/);
    expect(reasons(broken)).not.toMatch(/us-east-1: its node groups/);
    // Neutral: a request that still fits twice over.
    expect(run("900m").failureDomains.configuration).toEqual([]);
  });
});

describe("numbers read from the resources", () => {
  it("a slower target-group health check makes a slower region-loss RTO, named by the resource", () => {
    const r = analyze((rs) => {
      const tg = find(rs, /^ha-us-east-1-app-tg$/);
      set(tg, "healthCheck", { ...(tg.inputs!.healthCheck as object), interval: 60, unhealthyThreshold: 5 });
    });
    const budgets = r.budget!.data as { disruption: string; rto: { paths: { name: string; terms: { id: string; seconds: number; settings?: string[] }[] }[] } }[];
    const reads = budgets.find((b) => b.disruption === "regionLoss")!.rto.paths.find((p) => p.name === "reads")!;
    expect(reads.terms[0]).toMatchObject({ id: "detect.alb", seconds: 300, settings: ["target group ha-us-east-1-app-tg healthCheck.interval", "target group ha-us-east-1-app-tg healthCheck.unhealthyThreshold"] });
  });

  it("the ARC plan's deactivate workflow fails the writer over with no person: region-loss writes within 600 s", () => {
    type Budget = { disruption: string; rto: { seconds: number; paths: { name: string; terms: { id: string }[] }[] }; caveats: string[] };
    const regionLoss = (r: AnalysisReport) => (r.budget!.data as Budget[]).find((b) => b.disruption === "regionLoss")!;
    const ids = (b: Budget) => b.rto.paths.find((p) => p.name === "database writes")!.terms.map((t) => t.id);
    const automatic = regionLoss(analyze());
    expect(ids(automatic)).toEqual(["detect.triggerAlarm", "decide.trigger", "plan.scale-survivor", "plan.promote-database", "client.dns", "client.reconnect"]);
    expect(automatic.rto.seconds).toBeLessThanOrEqual(600);
    // Without the Aurora block in the workflow its trigger runs, a person decides again.
    const manual = regionLoss(analyze((rs) => {
      const plan = rs.find((r) => r.type === "aws:arcregionswitch/plan:Plan")!;
      const workflows = plan.inputs!.workflows as { workflowTargetAction: string; steps: { executionBlockType: string }[] }[];
      for (const w of workflows) w.steps = w.steps.filter((st) => st.executionBlockType !== "AuroraGlobalDatabase");
    }));
    expect(ids(manual)).toContain("decide");
    expect(manual.rto.seconds).toBeGreaterThan(600);
    expect(manual.caveats.join("\n")).toMatch(/cannot fail over on its own: its workflow has no Aurora global database block/);
  });

  it("deleted alarms cannot fire: detection waits for users' reports", () => {
    const r = analyze((rs) => rs.splice(0, rs.length, ...rs.filter((x) => !/^aws:cloudwatch\/(metric|composite)Alarm:/.test(x.type))));
    const budgets = r.budget!.data as { disruption: string; rto: { seconds: number; paths: { name: string; terms: { id: string }[] }[] } }[];
    const region = budgets.find((b) => b.disruption === "regionLoss")!;
    expect(region.rto.paths.find((p) => p.name === "database writes")!.terms.map((t) => t.id)).toEqual(["detect.noAlarm", "decide", "promote.aurora", "client.dns", "client.reconnect"]);
    expect(r.verdict.exitCode).toBe(1);
    expect(reasons(r)).toMatch(/Region loss: RTO 2900 s exceeds the objective 600 s; largest term: No alarm in the stack/);
  });

  it("alarms that live only in the lost region cannot page about its loss", () => {
    const r = analyze((rs) => rs.splice(0, rs.length, ...rs.filter((x) => !(/^aws:cloudwatch\/(metric|composite)Alarm:/.test(x.type) && /us-west-2/.test(x.urn)))));
    const budgets = r.budget!.data as { disruption: string; rto: { paths: { name: string; terms: { id: string }[] }[] } }[];
    expect(budgets.find((b) => b.disruption === "regionLoss")!.rto.paths.find((p) => p.name === "database writes")!.terms[0].id).toBe("detect.noAlarm");
  });

});

describe("what it must stop saying", () => {
  it("a traffic dial at 0 is a drain (a drill state), not a single point of failure", () => {
    const r = analyze((rs) => set(rs.find((x) => x.type === "aws:globalaccelerator/endpointGroup:EndpointGroup" && (x.inputs as { endpointGroupRegion?: string }).endpointGroupRegion === WEST)!, "trafficDialPercentage", 0));
    expect(r.failureDomains.singlePointsOfFailure).toEqual([]);
    expect(r.verdict.exitCode).toBe(0);
  });

});

describe("neutral changes keep the verdict", () => {
  it.each<[string, (rs: ExportedResource[]) => void]>([
    ["a tag changed on every resource", (rs) => rs.forEach((r) => { if (r.inputs?.tags) (r.inputs.tags as Record<string, string>).Owner = "team-b"; })],
    ["an unrelated setting added to the workload", (rs) => { appConfig(rs, WEST).FEATURE_FLAGS = "checkout-v2"; }],
    ["the reader setting written as a URL", (rs) => { appConfig(rs, WEST).DATABASE_READER_HOST = `postgres://app@${appConfig(rs, WEST).DATABASE_READER_HOST}:5432/app`; }],
    ["subnets placed by AZ ID instead of AZ name", (rs) => rs.filter((r) => r.type === "aws:ec2/subnet:Subnet").forEach((r) => {
      for (const bag of [r.inputs, r.outputs]) {
        if (!bag?.availabilityZone) continue;
        bag.availabilityZoneId = `id-${String(bag.availabilityZone)}`;
        delete bag.availabilityZone;
      }
    })],
    ["the HTTPS listener's forward written as a weighted list of the same target group", (rs) => {
      const https = find(rs, /^ha-us-west-2-app-https$/);
      set(https, "defaultActions", [{ type: "forward", forward: { targetGroups: [{ arn: find(rs, /^ha-us-west-2-app-tg$/).outputs!.arn, weight: 1 }] } }]);
    }],
    ["the nodes admit the load balancer by its subnets' CIDRs instead of its group", (rs) => {
      const rule = find(rs, /^ha-us-west-2-app-workload-in-from-alb$/);
      for (const bag of [rule.inputs, rule.outputs]) if (bag) { delete bag.referencedSecurityGroupId; bag.cidrIpv4 = "10.21.0.0/16"; }
      rule.propertyDependencies = {};
    }],
    ["a larger instance type added to the node groups", (rs) => {
      for (const ng of rs.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")) set(ng, "instanceTypes", [...(ng.inputs!.instanceTypes as string[]), "m6i.xlarge"]);
    }],
    ["the destination vault given another key of its own region", (rs) => {
      set(find(rs, /^ha-backup-us-west-2-vault$/), "kmsKeyArn", "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555");
    }],
    ["a slower but still fast health check", (rs) => {
      const tg = find(rs, /^ha-us-west-2-app-tg$/);
      set(tg, "healthCheck", { ...(tg.inputs!.healthCheck as object), interval: 15 });
    }],
  ])("%s", (_name, edit) => {
    const r = analyze(edit);
    expect(r.verdict.reasons).toEqual([]);
    expect(r.verdict.exitCode).toBe(0);
  });
});

/**
 * Breaks that need the single-writer session store (an ElastiCache global datastore behind the
 * private record), on the hand-built two-region graph: the shipped stacks may use another kind.
 */
describe("mutations of the ElastiCache global datastore design (hand-built graph)", () => {
  const options = { writerRegion: EAST, regions: [EAST, WEST] };
  function report(edit: (rs: ExportedResource[]) => void, strict = false): AnalysisReport {
    const rs = healthyGraph();
    edit(rs);
    const graph = new ResourceGraph(rs, EAST);
    // The hand-built graph holds no alarm: a region loss is noticed from users' reports (counted).
    const topology = { ...topologyFixture(), objectives: { availabilityPercent: 99.95, azLoss: { rtoSeconds: 120, rpoSeconds: 1 }, regionLoss: { rtoSeconds: 3600, rpoSeconds: 30 } } };
    return buildReport({ strict, source: { kind: "state", name: "hand-built" }, topology: buildTopologyView(graph, options), failureDomains: analyzeFailureDomains(graph, options), ...objectiveSections(topology, undefined, "hand-built", graph) });
  }
  const byUrn = (rs: ExportedResource[], tail: string) => rs.find((r) => r.urn.endsWith(`::${tail}`))!;
  const configOf = (rs: ExportedResource[], region: string) => rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs?.data as Record<string, string>)?.APP_REGION === region)!.inputs!.data as Record<string, string>;

  it("the intact graph passes (the reference for the cases below)", () => {
    expect(report(() => undefined).verdict.reasons).toEqual([]);
  });

  it("a session record pointing at the read-only secondary", () => {
    const r = report((rs) => set(byUrn(rs, "sessions-writer"), "records", ["master.us-west-2-redis.abc.cache.amazonaws.com"]));
    expect(r.verdict.exitCode).toBe(1);
    expect(reasons(r)).toMatch(/us-west-2 cannot hold sessions: REDIS_WRITER_HOST .*record sessions-writer points at us-west-2-redis \(us-west-2\), a read-only secondary of the global datastore; the primary is us-east-1-redis \(us-east-1\)/);
  });

  it("an ElastiCache group with Multi-AZ off loses the Multi-AZ SLA", () => {
    const r = report((rs) => set(byUrn(rs, "us-east-1-redis"), "multiAzEnabled", false));
    const a = r.availability!.data as { regionDataPath: { factors: { sla: string }[] } };
    expect(a.regionDataPath.factors.map((f) => f.sla)).toContain("elasticacheSingleAz");
    expect(reasons(r)).toMatch(/availability estimate .* is below the objective 99.95 % .*weakest write factor: ElastiCache, single-AZ, the primary/);
  });

  it("wiring kept in a Secret is 'cannot tell': exit 0 with a warning, exit 1 with --strict", () => {
    const hide = (rs: ExportedResource[]) => {
      for (const region of [EAST, WEST]) delete configOf(rs, region).REDIS_WRITER_HOST;
      for (const d of rs.filter((x) => x.type === "kubernetes:apps/v1:Deployment")) {
        const containers = (d.inputs!.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
        containers[0].envFrom = [...(containers[0].envFrom as unknown[]), { secretRef: { name: "web-secrets" } }];
      }
    };
    const r = report(hide);
    expect(r.verdict).toMatchObject({ status: "cannot-tell", exitCode: 0, reasons: [] });
    expect(r.verdict.warnings.join("\n")).toMatch(/cannot tell whether us-east-1 can hold sessions: .*; to make it visible: put the endpoint in a ConfigMap/);
    const strict = report(hide, true);
    expect(strict.verdict).toMatchObject({ status: "fail", exitCode: 1 });
    expect(reasons(strict)).toMatch(/cannot tell whether us-east-1 can hold sessions: .*\(--strict\)/);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../config/parse";
import { validRawConfig, VALID_APP } from "../helpers/config";
import { isGravitonInstanceType, isPrivateIpv4Cidr } from "../../config/schema";

/**
 * A valid prod config in Pulumi's shape (objects as JSON text) whose `app` section is prod's
 * required settings with `app` laid over them (`eks` merged one level deep).
 */
function withApp(app: Record<string, unknown> = {}, environment = "prod"): Record<string, unknown> {
  const eks = { ...VALID_APP.eks, ...((app.eks as Record<string, unknown>) ?? {}) };
  return {
    ...validRawConfig(),
    "ha-blueprint:environment": environment,
    "ha-blueprint:app": JSON.stringify({ ...VALID_APP, ...app, eks }),
  };
}

function problemsOf(app: Record<string, unknown>, environment = "prod"): string[] {
  try {
    parseConfig(withApp(app, environment));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected the app config to be rejected");
}

describe("app config", () => {
  it("fills safe defaults for the app tier", () => {
    const app = parseConfig(withApp()).app;
    expect(app).toMatchObject({
      name: "app",
      namespace: "app",
      containerPort: 8080,
      nodePort: 30080,
      healthPath: "/healthz",
      runAsUser: 10001,
      deregistrationDelaySeconds: 30,
      failoverHeadroom: { sharePercent: 100, capacity: "provisioned", burstPercent: 50 },
      healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(app.eks).toMatchObject({
      version: "1.33",
      amiType: "AL2023_x86_64_STANDARD",
      publicEndpoint: true,
      publicAccessCidrs: ["198.51.100.7/32"],
      privateAccessCidrs: [],
      adminPrincipalArns: ["arn:aws:iam::111122223333:role/ci-deployer"],
      minNodesPerAz: 1,
    });
    expect(app.deletionProtection).toBeUndefined();
  });

  it("fails when the NodePort is outside the Kubernetes NodePort range", () => {
    expect(problemsOf({ nodePort: 8080 })).toEqual(["ha-blueprint:app.nodePort: 8080 must be in the Kubernetes NodePort range 30000-32767"]);
  });

  it("fails when the container port needs root", () => {
    expect(problemsOf({ containerPort: 80 })[0]).toMatch(/^ha-blueprint:app\.containerPort: 80 must be 1024 or higher/);
  });

  it("fails when the pod would run as root", () => {
    expect(problemsOf({ runAsUser: 0 })[0]).toMatch(/^ha-blueprint:app\.runAsUser: 0 must not be 0/);
  });

  it("fails when the image is not pinned", () => {
    expect(problemsOf({ image: "nginx:latest" })[0]).toMatch(/app\.image: "nginx:latest" must be pinned/);
  });

  it("fails when the health-check timeout is not below the interval", () => {
    expect(problemsOf({ healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } })).toEqual([
      "ha-blueprint:app.healthCheck.timeoutSeconds: 5 must be less than intervalSeconds (ELB rejects a timeout as long as the interval)",
    ]);
  });

  it("fails when a health-check threshold is outside 2..10", () => {
    expect(problemsOf({ healthCheck: { unhealthyThreshold: 1 } })[0]).toMatch(/^ha-blueprint:app\.healthCheck\.unhealthyThreshold: 1 /);
  });

  it("fails when the workload would go into a namespace Kubernetes owns", () => {
    expect(problemsOf({ namespace: "kube-system" })[0]).toMatch(/app\.namespace: "kube-system" must not be a namespace Kubernetes or EKS own/);
  });

  it("fails when the EKS version is older than 1.30", () => {
    expect(problemsOf({ eks: { version: "1.29" } })[0]).toMatch(/app\.eks\.version: "1\.29" must be 1\.30 or newer/);
  });

  it("fails when Graviton instance types meet the x86 AMI", () => {
    expect(problemsOf({ eks: { instanceTypes: ["m6i.large", "m7g.large"] } })).toEqual([
      "ha-blueprint:app.eks.instanceTypes[1]: \"m7g.large\" does not match amiType AL2023_x86_64_STANDARD: x86_64 AMIs need Intel or AMD types such as m6i.large; set amiType AL2023_ARM_64_STANDARD for Graviton",
    ]);
  });

  it("fails when x86 instance types meet the ARM AMI", () => {
    expect(problemsOf({ eks: { amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m6i.large"] } })[0]).toMatch(/instanceTypes\[0\]: "m6i\.large" does not match amiType AL2023_ARM_64_STANDARD/);
  });

  it("fails when a private API access CIDR is public or malformed", () => {
    expect(problemsOf({ eks: { privateAccessCidrs: ["10.0.0.0/8", "8.8.8.0/24", "10.1.2.3/16"] } })).toEqual([
      "ha-blueprint:app.eks.privateAccessCidrs[1]: \"8.8.8.0/24\" is not a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16); the private endpoint is only reachable from inside the VPC or networks routed into it",
      "ha-blueprint:app.eks.privateAccessCidrs[2]: \"10.1.2.3/16\" has host bits set; the network address is 10.1.0.0/16",
    ]);
  });

  it("fails when the public endpoint (the default) is on without CIDRs or open to the internet", () => {
    expect(problemsOf({ eks: { publicAccessCidrs: [] } })).toEqual([
      "ha-blueprint:app.eks.publicAccessCidrs: [] list the egress CIDRs of the machines that run pulumi up and kubectl (e.g. [\"198.51.100.7/32\"]); the public EKS endpoint admits only these (or set publicEndpoint: false and privateAccessCidrs)",
    ]);
    expect(problemsOf({ eks: { publicEndpoint: true, publicAccessCidrs: ["0.0.0.0/0"] } })[0]).toMatch(/opens the EKS API to the internet/);
  });

  it("fails when the endpoint is private-only and nothing names the network that deploys", () => {
    expect(problemsOf({ eks: { publicEndpoint: false, publicAccessCidrs: [] } })[0])
      .toMatch(/^ha-blueprint:app\.eks\.privateAccessCidrs: missing; must list the network that runs pulumi up .* every Kubernetes resource would fail to apply$/);
    expect(parseConfig(withApp({ eks: { publicEndpoint: false, publicAccessCidrs: [], privateAccessCidrs: ["10.99.0.0/16"] } })).app.eks.publicEndpoint).toBe(false);
  });

  it("fails when an admin principal is not an IAM role or user ARN", () => {
    expect(problemsOf({ eks: { adminPrincipalArns: ["arn:aws:iam::123456789012:group/admins"] } })[0]).toMatch(/adminPrincipalArns\[0\]: .* is not an IAM role or user ARN/);
  });

  it("fails when access-log buckets or certificates name a region that is not configured", () => {
    expect(problemsOf({ accessLogBuckets: { ...VALID_APP.accessLogBuckets, "eu-west-1": "my-alb-logs" } })).toEqual([
      "ha-blueprint:app.accessLogBuckets.eu-west-1: \"my-alb-logs\" names a region that is not configured (us-east-1, us-west-2)",
    ]);
  });

  it("fails when only some regions have a certificate", () => {
    expect(problemsOf({ certificateArns: { "us-east-1": "arn:aws:acm:us-east-1:123456789012:certificate/abc-123" } }, "staging")).toEqual([
      "ha-blueprint:app.certificateArns: {\"us-east-1\":\"arn:aws:acm:us-east-1:123456789012:certificate/abc-123\"} must name a certificate for every region or for none (missing: us-west-2); the global entry point forwards the same ports to every region",
    ]);
  });

  it("fails when prod would serve plain HTTP in any region", () => {
    expect(problemsOf({ certificateArns: {} })).toEqual([
      "ha-blueprint:app.certificateArns: {} must name an ACM certificate for every region in prod (missing: us-east-1, us-west-2); prod serves HTTPS only",
    ]);
    expect(problemsOf({ certificateArns: { "us-east-1": VALID_APP.certificateArns["us-east-1"] } })[0]).toMatch(/in prod \(missing: us-west-2\)/);
    expect(parseConfig(withApp({ certificateArns: {} }, "staging")).app.certificateArns).toEqual({});
  });

  it("fails when a certificate lives in another region than its ALB", () => {
    const problems = problemsOf({ certificateArns: { ...VALID_APP.certificateArns, "us-west-2": VALID_APP.certificateArns["us-east-1"] } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ha-blueprint:app\.certificateArns\.us-west-2: "arn:aws:acm:us-east-1:.* is a certificate in us-east-1; an ALB can only use an ACM certificate from its own region \(us-west-2\)$/);
  });

  it("fails when the TLS policy allows TLS 1.0 or 1.1", () => {
    expect(problemsOf({ sslPolicy: "ELBSecurityPolicy-2016-08" })[0]).toMatch(/app\.sslPolicy: .* must be an ELB security policy that allows only TLS 1\.2 or newer/);
  });

  it("fails when the failover share or capacity mode is out of range", () => {
    expect(problemsOf({ failoverHeadroom: { sharePercent: 30 } })[0]).toMatch(/^ha-blueprint:app\.failoverHeadroom\.sharePercent: 30 /);
    expect(problemsOf({ failoverHeadroom: { capacity: "burst" } })[0]).toMatch(/failoverHeadroom\.capacity: "burst" is not allowed \(allowed: "provisioned", "scalable"\)/);
  });

  it("fails when an app key is misspelled", () => {
    expect(problemsOf({ replicasPerRegoin: 4 })[0]).toMatch(/app\.replicasPerRegoin: unknown key/);
  });
});

describe("isGravitonInstanceType", () => {
  it.each([
    ["m7g.large", true], ["c6gn.xlarge", true], ["r6gd.2xlarge", true], ["t4g.medium", true], ["x2gd.large", true],
    ["m6i.large", false], ["m5.large", false], ["g5.xlarge", false], ["g4dn.xlarge", false], ["c5n.large", false],
  ])("classifies %s as Graviton: %s", (type, expected) => {
    expect(isGravitonInstanceType(type)).toBe(expected);
  });
});

describe("isPrivateIpv4Cidr", () => {
  it.each([
    ["10.0.0.0/8", true], ["172.16.0.0/12", true], ["172.31.5.0/24", true], ["192.168.1.0/24", true],
    ["172.32.0.0/16", false], ["8.0.0.0/8", false], ["0.0.0.0/0", false], ["10.0.0.0/7", false],
  ])("classifies %s as private: %s", (cidr, expected) => {
    expect(isPrivateIpv4Cidr(cidr)).toBe(expected);
  });
});

/**
 * The machine-readable `topology` stack output. Drills and the analyzer read it from a stack's
 * outputs (`pulumi stack output topology --json`) or from a plan, so its shape is an API: add
 * fields, do not rename them.
 */
export interface RegionTopology {
  readonly name: string;
  readonly isWriter: boolean;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly vpcId: string;
  readonly natGateways: "zonal" | "regional";
  /** Per-tier details, filled by the tier components (ALB, clusters, alarms, vaults). */
  readonly app?: AppTopology;
  readonly database?: Record<string, unknown>;
  readonly sessions?: Record<string, unknown>;
  readonly monitoring?: Record<string, unknown>;
  readonly backup?: Record<string, unknown>;
}

/**
 * The app tier of one region: where traffic enters (ALB, target group, listeners), how its health
 * is judged (the analyzer derives detection time as intervalSeconds x unhealthyThreshold), and the
 * capacity bounds the failover headroom produced.
 */
export interface AppTopology {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly namespace: string;
  readonly deploymentName: string;
  readonly albArn: string;
  /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension. */
  readonly albArnSuffix: string;
  readonly albDnsName: string;
  readonly albZoneId: string;
  readonly targetGroupArn: string;
  /** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension. */
  readonly targetGroupArnSuffix: string;
  /** 443 first when HTTPS is on (80 then only redirects), else just 80. */
  readonly listenerPorts: number[];
  readonly protocol: "HTTPS" | "HTTP";
  /** `instance`: nodes registered by their node group's ASG, traffic to the NodePort. */
  readonly targetType: "instance" | "ip";
  readonly nodePort: number;
  readonly healthCheck: {
    readonly path: string;
    readonly protocol: "HTTP" | "HTTPS";
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
  readonly deregistrationDelaySeconds: number;
  readonly capacity: {
    readonly mode: "provisioned" | "scalable";
    readonly sharePercent: number;
    readonly azCount: number;
    readonly steadyReplicas: number;
    readonly failoverReplicas: number;
    readonly hpaMinReplicas: number;
    readonly hpaMaxReplicas: number;
    readonly podsPerNode: number;
    readonly nodesPerAz: { readonly min: number; readonly max: number };
  };
}

export interface Topology {
  readonly version: 1;
  readonly project: string;
  readonly stack: string;
  readonly environment: string;
  readonly writerRegion: string;
  readonly secondaryRegions: string[];
  readonly objectives: {
    readonly availabilityPercent: number;
    readonly azLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
    readonly regionLoss: { readonly rtoSeconds: number; readonly rpoSeconds: number };
  };
  readonly regions: RegionTopology[];
  /** Global parts: global cluster, global datastore, accelerator or DNS records. */
  readonly database?: Record<string, unknown>;
  readonly sessions?: Record<string, unknown>;
  readonly routing?: Record<string, unknown>;
}

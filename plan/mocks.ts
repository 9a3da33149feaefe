import type * as pulumi from "@pulumi/pulumi";
import { COMPUTED, genericComputed, hexOf, MOCK_ACCOUNT, type ComputeContext } from "./computed";
import { PLAN_MOCK_SECRET_MARKER } from "../components/app/appEnv";
import { SECRET_SIG, SIG_KEY } from "./stackExport";

/**
 * Mocks that answer like AWS would: provider invokes per region (AZ names, caller identity) and
 * computed outputs per resource type. Unmocked invokes fail loudly instead of returning nothing.
 */

/** Region-specific AZ layouts that differ from the common a..f pattern. */
const AZ_LETTERS: Record<string, string[]> = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-west-1": ["a", "c"],
  "ap-northeast-1": ["a", "c", "d"],
};

export function availabilityZonesOf(region: string): { names: string[]; zoneIds: string[] } {
  const letters = AZ_LETTERS[region] ?? ["a", "b", "c", "d"];
  const short = region.replace(/-([a-z])[a-z]*-(\d+)$/, "$1$2").replace(/-/g, "");
  return {
    names: letters.map((l) => `${region}${l}`),
    zoneIds: letters.map((_, i) => `${short}-az${i + 1}`),
  };
}

type CallHandler = (inputs: Record<string, unknown>, region: string) => Record<string, unknown>;

export const CALLS: Record<string, CallHandler> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
    const { names, zoneIds } = availabilityZonesOf(region);
    return { id: region, names, zoneIds, groupNames: names.map(() => region), region };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: MOCK_ACCOUNT,
    accountId: MOCK_ACCOUNT,
    arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/ha-blueprint-plan`,
    userId: "AIDAHABLUEPRINTPLAN",
  }),
  "aws:index/getRegion:getRegion": (_inputs, region) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com` }),
  "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
  // A bare major resolves to an illustrative minor: the real answer comes from AWS at deploy time.
  "aws:rds/getEngineVersion:getEngineVersion": (inputs) => {
    const engine = String(inputs.engine);
    const requested = String(inputs.version ?? "16");
    const version = /^\d+$/.test(requested) ? `${requested}.${MOCK_MINOR[requested] ?? 1}` : requested;
    return {
      id: version, engine, version, versionActual: version, latest: true, supportsGlobalDatabases: true,
      parameterGroupFamily: `${engine}${requested.split(".")[0]}`, status: "available",
    };
  },
  // Offline the secret's content is unknown: a JSON object whose marker makes every jsonKey read a
  // placeholder (components/app/appEnv.ts); the value stays a Pulumi secret either way.
  "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs, region) => {
    const arn = String(inputs.secretId);
    return {
      id: `${arn}|AWSCURRENT`, arn, secretId: arn, region, versionId: "plan-version", versionStage: "AWSCURRENT",
      versionStages: ["AWSCURRENT"], createdDate: "2026-01-01T00:00:00Z", secretBinary: "",
      secretString: JSON.stringify({ [PLAN_MOCK_SECRET_MARKER]: true }),
    };
  },
};

/** Minor versions the mocks answer with; not a claim about what AWS offers. */
const MOCK_MINOR: Record<string, number> = { "14": 17, "15": 12, "16": 8, "17": 4 };

export class UnmockedInvokeError extends Error {}

function isSecret(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function providerUrnOf(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const i = ref.lastIndexOf("::");
  return i < 0 ? ref : ref.slice(0, i);
}

export class RealisticMocks implements pulumi.runtime.Mocks {
  /** Provider URN -> region, learned as providers are registered. */
  private readonly providerRegions = new Map<string, string>();
  /** `type::name` -> outputs the engine would mark secret (a class's `additionalSecretOutputs`). */
  private readonly secretOutputs = new Map<string, string[]>();

  constructor(private readonly defaultRegion: string) {}

  regionOf(providerRef: string | undefined, inputs: Record<string, unknown> = {}): string {
    if (typeof inputs.region === "string" && inputs.region) return inputs.region;
    const urn = providerUrnOf(providerRef);
    return (urn && this.providerRegions.get(urn)) || this.defaultRegion;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    if (args.type.startsWith("pulumi:providers:")) {
      // The provider's URN is not known here; the recorder tells us (see `rememberProvider`).
      return { id: `${args.name}-${hexOf(args.name, 8)}`, state: inputs };
    }
    if (args.custom === false) return { id: undefined, state: {} };
    const region = this.regionOf(args.provider, inputs);
    const ctx: ComputeContext = {
      type: args.type,
      name: args.name,
      inputs,
      region,
      hex: (length) => hexOf(`${args.type}::${args.name}::${region}`, length),
    };
    const computed = (COMPUTED[args.type] ?? (args.type.startsWith("kubernetes:") ? kubernetesComputed : genericComputed))(ctx);
    const state: Record<string, unknown> = { ...inputs, ...computed.state, ...(args.type.startsWith("aws:") ? { region } : {}) };
    // Play the engine's part: outputs a class declares secret come back as secrets (e.g. the
    // `result` of random.RandomPassword), so they stay secret in the program and in the plan.
    for (const key of this.secretOutputs.get(`${args.type}::${args.name}`) ?? []) {
      if (state[key] !== undefined && !isSecret(state[key])) state[key] = { [SIG_KEY]: SECRET_SIG, value: state[key] };
    }
    return { id: computed.id ?? `${args.name}-id`, state };
  }

  rememberSecretOutputs(type: string, name: string, names: string[]): void {
    this.secretOutputs.set(`${type}::${name}`, names);
  }

  rememberProvider(urn: string, inputs: Record<string, unknown>): void {
    if (typeof inputs.region === "string") this.providerRegions.set(urn, inputs.region);
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const handler = CALLS[args.token];
    if (!handler) {
      throw new UnmockedInvokeError(`the plan's mock runtime has no answer for the invoke ${args.token}; add one in plan/mocks.ts`);
    }
    return handler((args.inputs ?? {}) as Record<string, unknown>, this.regionOf(args.provider, (args.inputs ?? {}) as Record<string, unknown>));
  }
}

/** Kubernetes objects: the provider auto-names `metadata.name` when it is not given. */
function kubernetesComputed(ctx: ComputeContext): { id?: string; state: Record<string, unknown> } {
  const metadata = { ...((ctx.inputs.metadata as Record<string, unknown>) ?? {}) };
  if (!metadata.name) metadata.name = `${ctx.name}-${ctx.hex(8)}`;
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  return { id: namespace ? `${namespace}/${String(metadata.name)}` : String(metadata.name), state: { metadata } };
}

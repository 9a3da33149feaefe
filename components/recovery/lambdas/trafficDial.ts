import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from "@aws-sdk/client-global-accelerator";
import { envJson, envString } from "./shared";

/**
 * Custom-action Lambda for the Region switch plan: ARC has no Global Accelerator block, so this
 * moves the global entry's traffic dials. One copy runs in each plan region; ARC invokes the copy
 * in the activating Region (never the deactivating one, which may be lost).
 * - `activate`: this region's dial goes to 100.
 * - `deactivate`: every OTHER region's dial goes to 0, but only while this region is healthy
 *   and serving: a drain never leaves the entry without a healthy region (the floor).
 * Idempotent: a dial already where it should be is left alone and reported as done.
 */

export interface DialGroup {
  readonly dial: number;
  /** Every endpoint of the group reports HEALTHY. */
  readonly healthy: boolean;
}

export interface DialApi {
  describe(endpointGroupArn: string): Promise<DialGroup>;
  setDial(endpointGroupArn: string, percent: number): Promise<void>;
}

export interface DialSettings {
  readonly selfRegion: string;
  readonly action: "activate" | "deactivate";
  /** Region -> Global Accelerator endpoint group ARN. */
  readonly endpointGroups: Readonly<Record<string, string>>;
}

export async function moveDials(s: DialSettings, api: DialApi): Promise<string[]> {
  const self = s.endpointGroups[s.selfRegion];
  if (!self) throw new Error(`no endpoint group for ${s.selfRegion} (groups: ${Object.keys(s.endpointGroups).join(", ")})`);
  const out: string[] = [];
  if (s.action === "activate") {
    const g = await api.describe(self);
    if (g.dial === 100) return [`${s.selfRegion} already at 100 %`];
    await api.setDial(self, 100);
    return [`${s.selfRegion} ${g.dial} % -> 100 %`];
  }
  const me = await api.describe(self);
  if (!me.healthy || me.dial === 0) {
    throw new Error(`refusing to drain the other regions: ${s.selfRegion} itself is ${me.healthy ? "" : "unhealthy"}${!me.healthy && me.dial === 0 ? " and " : ""}${me.dial === 0 ? "at dial 0" : ""} (the entry would have no healthy region)`);
  }
  for (const [region, arn] of Object.entries(s.endpointGroups)) {
    if (region === s.selfRegion) continue;
    const g = await api.describe(arn);
    if (g.dial === 0) out.push(`${region} already at 0 %`);
    else {
      await api.setDial(arn, 0);
      out.push(`${region} ${g.dial} % -> 0 %`);
    }
  }
  return out;
}

/** Global Accelerator's control plane is in us-west-2 (its API is only served there). */
export function sdkDialApi(client = new GlobalAcceleratorClient({ region: "us-west-2", maxAttempts: 2 })): DialApi {
  return {
    async describe(arn) {
      const g = (await client.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: arn }))).EndpointGroup;
      const endpoints = g?.EndpointDescriptions ?? [];
      return { dial: g?.TrafficDialPercentage ?? 100, healthy: endpoints.length > 0 && endpoints.every((e) => e.HealthState === "HEALTHY") };
    },
    async setDial(arn, percent) {
      // UpdateEndpointGroup is a full update of the dial only when the health-check fields are
      // re-sent; Describe first so nothing else is reset.
      const g = (await client.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: arn }))).EndpointGroup;
      await client.send(
        new UpdateEndpointGroupCommand({
          EndpointGroupArn: arn,
          TrafficDialPercentage: percent,
          ...(g?.HealthCheckPort !== undefined ? { HealthCheckPort: g.HealthCheckPort } : {}),
          ...(g?.HealthCheckProtocol !== undefined ? { HealthCheckProtocol: g.HealthCheckProtocol } : {}),
          ...(g?.HealthCheckPath !== undefined ? { HealthCheckPath: g.HealthCheckPath } : {}),
          ...(g?.HealthCheckIntervalSeconds !== undefined ? { HealthCheckIntervalSeconds: g.HealthCheckIntervalSeconds } : {}),
          ...(g?.ThresholdCount !== undefined ? { ThresholdCount: g.ThresholdCount } : {}),
        }),
      );
    },
  };
}

export async function handler(): Promise<{ readonly moved: string[] }> {
  const settings: DialSettings = {
    selfRegion: envString("SELF_REGION"),
    action: envString("DIAL_ACTION") as DialSettings["action"],
    endpointGroups: envJson("ENDPOINT_GROUPS"),
  };
  const moved = await moveDials(settings, sdkDialApi());
  console.log(JSON.stringify({ action: settings.action, moved }));
  return { moved };
}

import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeAvailabilityZonesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { envJson, envString, isThrottle } from "./shared";

/**
 * The outside-region canary. It runs every minute in one region and judges every OTHER region
 * with two independent signals, published as metrics in its own region (where the alarms that
 * trigger the Region switch plan live, so they still evaluate when the judged region is gone):
 * - `entry`: an HTTP(S) GET of the judged region's load balancer health path. Any answer below
 *   500 is success; a 5xx, a refused connection or no answer within the timeout is failure.
 * - `regional-api`: DescribeAvailabilityZones against the judged region's own EC2 endpoint.
 *   Success when it answers and lists at least one of the stack's zones as `available`.
 * A throttled or otherwise inconclusive read publishes NO datapoint (the alarms treat missing
 * data as not breaching): only an observed failure counts against a region.
 */

export const METRIC_NAMESPACE = "HaBlueprint/Recovery";
export const PROBE_METRIC = "ProbeSuccess";
export type ProbeKind = "entry" | "regional-api";

export interface ProbeTarget {
  readonly region: string;
  /** `https://<alb dns>/<health path>` (or http when the listener has no certificate). */
  readonly url: string;
  readonly availabilityZones: readonly string[];
}

export type ProbeResult = { readonly ok: boolean; readonly detail: string } | { readonly inconclusive: string };

export interface ProbeApi {
  get(url: string, timeoutMs: number): Promise<number>;
  zoneStates(region: string, timeoutMs: number): Promise<Record<string, string>>;
  publish(datapoints: ReadonlyArray<{ readonly target: string; readonly probe: ProbeKind; readonly value: number }>): Promise<void>;
}

export async function probeEntry(t: ProbeTarget, api: ProbeApi, timeoutMs: number): Promise<ProbeResult> {
  try {
    const status = await api.get(t.url, timeoutMs);
    return { ok: status < 500, detail: `HTTP ${status}` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

export async function probeRegionalApi(t: ProbeTarget, api: ProbeApi, timeoutMs: number): Promise<ProbeResult> {
  try {
    const states = await api.zoneStates(t.region, timeoutMs);
    const up = t.availabilityZones.filter((z) => states[z] === "available");
    return { ok: up.length > 0, detail: `${up.length}/${t.availabilityZones.length} zones available` };
  } catch (err) {
    if (isThrottle(err)) return { inconclusive: `throttled: ${(err as Error).message}` };
    return { ok: false, detail: (err as Error).message };
  }
}

export async function runProbes(targets: readonly ProbeTarget[], api: ProbeApi, timeoutMs = 5000): Promise<Array<{ target: string; probe: ProbeKind; result: ProbeResult }>> {
  const results = await Promise.all(
    targets.flatMap((t) => [
      probeEntry(t, api, timeoutMs).then((result) => ({ target: t.region, probe: "entry" as const, result })),
      probeRegionalApi(t, api, timeoutMs).then((result) => ({ target: t.region, probe: "regional-api" as const, result })),
    ]),
  );
  const datapoints = results.filter((r) => "ok" in r.result).map((r) => ({ target: r.target, probe: r.probe, value: "ok" in r.result && r.result.ok ? 1 : 0 }));
  if (datapoints.length > 0) await api.publish(datapoints);
  return results;
}

export function sdkProbeApi(selfRegion: string): ProbeApi {
  const cw = new CloudWatchClient({ region: selfRegion });
  return {
    async get(url, timeoutMs) {
      const res = await fetch(url, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      return res.status;
    },
    async zoneStates(region, timeoutMs) {
      const ec2 = new EC2Client({ region, maxAttempts: 1, requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true } });
      const out = await ec2.send(new DescribeAvailabilityZonesCommand({}));
      return Object.fromEntries((out.AvailabilityZones ?? []).map((z) => [z.ZoneName ?? "", z.State ?? "unknown"]));
    },
    async publish(datapoints) {
      await cw.send(
        new PutMetricDataCommand({
          Namespace: METRIC_NAMESPACE,
          MetricData: datapoints.map((d) => ({
            MetricName: PROBE_METRIC,
            Dimensions: [{ Name: "TargetRegion", Value: d.target }, { Name: "Probe", Value: d.probe }],
            Value: d.value,
            Unit: "Count",
          })),
        }),
      );
    },
  };
}

export async function handler(): Promise<unknown> {
  const results = await runProbes(envJson<ProbeTarget[]>("PROBE_TARGETS"), sdkProbeApi(envString("SELF_REGION")));
  console.log(JSON.stringify(results));
  return results;
}

import { envJson, envString } from "./shared";
import { sdkDialApi, type DialApi } from "./trafficDial";

/**
 * Cascading-health drain. EventBridge invokes it in the region it judges when that region's
 * drain or restore alarm changes state:
 * - the drain alarm (p99 latency or 5xx rate over budget for `drainAfterMinutes`) turning ALARM
 *   sets this region's dial to 0, unless no other region is healthy with a dial above 0 (the
 *   floor: the last healthy region is never drained);
 * - the restore alarm (under 80 % of the budget, or no traffic, for `restoreAfterMinutes`)
 *   turning ALARM sets the dial back to 100.
 * The two thresholds and windows differ, so a region hovering at its budget does not flap.
 */

export interface AlarmEvent {
  readonly detail?: { readonly alarmName?: string; readonly state?: { readonly value?: string } };
}

export interface DrainSettings {
  readonly selfRegion: string;
  readonly endpointGroups: Readonly<Record<string, string>>;
  readonly drainAlarm: string;
  readonly restoreAlarm: string;
}

export async function onAlarm(event: AlarmEvent, s: DrainSettings, api: DialApi): Promise<string> {
  const name = event.detail?.alarmName;
  const state = event.detail?.state?.value;
  if (state !== "ALARM") return `ignored: ${name} is ${state}`;
  const self = s.endpointGroups[s.selfRegion];
  if (!self) throw new Error(`no endpoint group for ${s.selfRegion}`);
  const mine = await api.describe(self);
  if (name === s.restoreAlarm) {
    if (mine.dial === 100) return `${s.selfRegion} already at 100 %`;
    await api.setDial(self, 100);
    return `restored ${s.selfRegion}: ${mine.dial} % -> 100 %`;
  }
  if (name !== s.drainAlarm) return `ignored: ${name} is not this region's drain or restore alarm`;
  if (mine.dial === 0) return `${s.selfRegion} already drained`;
  const others = Object.entries(s.endpointGroups).filter(([r]) => r !== s.selfRegion);
  const serving: string[] = [];
  for (const [region, arn] of others) {
    const g = await api.describe(arn);
    if (g.healthy && g.dial > 0) serving.push(region);
  }
  if (serving.length === 0) return `not drained: ${s.selfRegion} is the last healthy region with traffic (floor)`;
  await api.setDial(self, 0);
  return `drained ${s.selfRegion}: ${mine.dial} % -> 0 % (still serving: ${serving.join(", ")})`;
}

export async function handler(event: AlarmEvent): Promise<{ readonly result: string }> {
  const result = await onAlarm(
    event,
    { selfRegion: envString("SELF_REGION"), endpointGroups: envJson("ENDPOINT_GROUPS"), drainAlarm: envString("DRAIN_ALARM"), restoreAlarm: envString("RESTORE_ALARM") },
    sdkDialApi(),
  );
  console.log(JSON.stringify({ result }));
  return { result };
}

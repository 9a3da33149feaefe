/**
 * Request limits for every SDK client (and the simulator's idea of how long a call to a lost
 * region hangs). SDK v3 clients have no request timeout by default (@smithy/node-http-handler
 * `requestTimeout` 0), and since node-http-handler 4.4 an exceeded `requestTimeout` only logs a
 * warning unless `throwOnRequestTimeout` is set: without both, a call to a region that stopped
 * answering hangs the drill. Kept apart from sdkAws.ts so the simulator does not load the SDK.
 */
export const SDK_LIMITS = {
  normal: { requestTimeoutMs: 10_000, connectionTimeoutMs: 3_000, maxAttempts: 3 },
  /** Regions suspected lost (the source of an unplanned failover): one short attempt, then move on. */
  suspect: { requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, maxAttempts: 1 },
  /**
   * Calls that change something (promotions, dials, fences, plan executions): one attempt. The
   * SDK's standard retry would re-send a promotion whose answer was lost; the caller asks AWS
   * instead whether it took effect (drills/steps/promote.ts sendOnce).
   */
  mutate: { requestTimeoutMs: 10_000, connectionTimeoutMs: 3_000, maxAttempts: 1 },
} as const;

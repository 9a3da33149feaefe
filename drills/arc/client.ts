import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { ArcApi, PlanExecutionView, ZonalShiftView } from "../aws";

/**
 * A small client for ARC Region switch and ARC zonal shift: the npm registry reachable here has
 * no @aws-sdk/client-arc-region-switch or client-arc-zonal-shift, so requests are built from the
 * service models and signed with @smithy/signature-v4, the signer the SDK itself uses.
 * - Region switch (2022-07-26): JSON 1.0 protocol (the model lists `json` next to rpc-v2-cbor),
 *   POST / with `X-Amz-Target: ArcRegionSwitch.<Operation>`, signing name `arc-region-switch`,
 *   regional data-plane endpoint `https://arc-region-switch.<region>.amazonaws.com`
 *   (botocore data/arc-region-switch/2022-07-26/service-2.json, endpoint-rule-set-1.json).
 * - Zonal shift (2022-10-30): REST-JSON, `POST /zonalshifts` (201), `GET /zonalshifts`,
 *   `DELETE /zonalshifts/{id}`, signing name `arc-zonal-shift`,
 *   `https://arc-zonal-shift.<region>.amazonaws.com`.
 * Endpoints honour the SDK's environment overrides (AWS_ENDPOINT_URL_ARC_REGION_SWITCH,
 * AWS_ENDPOINT_URL_ARC_ZONAL_SHIFT, AWS_ENDPOINT_URL), so a local stand-in can answer.
 * Every request is sent once: there is no retry here (a start or an approval is never re-sent);
 * callers decide what a lost answer means by reading the state back.
 */

export class ArcError extends Error {
  constructor(readonly code: string, message: string, readonly status?: number) {
    super(message);
    this.name = code;
  }
}

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** node:crypto behind the Checksum interface SignatureV4 expects. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: string | Uint8Array | ArrayBuffer): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error("not supported");
  }
}

function toBuffer(d: string | Uint8Array | ArrayBuffer): Buffer {
  if (typeof d === "string") return Buffer.from(d, "utf8");
  return d instanceof ArrayBuffer ? Buffer.from(new Uint8Array(d)) : Buffer.from(d);
}

export interface ArcClientOptions {
  readonly credentials?: () => Promise<Credentials>;
  readonly env?: NodeJS.ProcessEnv;
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

function endpointFor(service: "arc-region-switch" | "arc-zonal-shift", region: string, env: NodeJS.ProcessEnv): string {
  const specific = env[`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/-/g, "_")}`];
  return (specific || env.AWS_ENDPOINT_URL || `https://${service}.${region}.amazonaws.com`).replace(/\/$/, "");
}

async function defaultCredentials(): Promise<Credentials> {
  // Loaded on use: the provider chain is the SDK's (env, ini, SSO, process, IMDS ...).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultProvider } = require("@aws-sdk/credential-provider-node") as typeof import("@aws-sdk/credential-provider-node");
  return defaultProvider()();
}

const epochToIso = (v: unknown) => (typeof v === "number" ? new Date(v * 1000).toISOString() : typeof v === "string" ? v : undefined);

export class SignedArcClient implements ArcApi {
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;
  private readonly credentials: () => Promise<Credentials>;

  constructor(opts: ArcClientOptions = {}) {
    this.env = opts.env ?? process.env;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.doFetch = opts.fetch ?? fetch;
    this.credentials = opts.credentials ?? defaultCredentials;
  }

  private async send(service: "arc-region-switch" | "arc-zonal-shift", region: string, req: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string }): Promise<{ status: number; json: Record<string, unknown> }> {
    const base = new URL(endpointFor(service, region, this.env));
    const headers: Record<string, string> = { host: base.host, ...(req.headers ?? {}) };
    const signer = new SignatureV4({ service, region, credentials: this.credentials, sha256: Sha256 as never, uriEscapePath: true });
    const signed = await signer.sign({
      method: req.method,
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path: `${base.pathname === "/" ? "" : base.pathname}${req.path}`,
      query: req.query ?? {},
      headers,
      body: req.body,
    });
    const qs = new URLSearchParams(req.query ?? {}).toString();
    const url = `${base.origin}${signed.path}${qs ? `?${qs}` : ""}`;
    const { host: _host, ...sendHeaders } = signed.headers as Record<string, string>;
    let res: Response;
    try {
      res = await this.doFetch(url, { method: req.method, headers: sendHeaders, body: req.body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const e = err as Error;
      throw new ArcError(e.name === "TimeoutError" || e.name === "AbortError" ? "TimeoutError" : "NetworkingError", `${service} ${req.method} ${req.path}: ${e.message}`);
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    if (text) {
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { message: text };
      }
    }
    if (res.status >= 300) {
      const type = String(json.__type ?? json.code ?? res.headers.get("x-amzn-errortype") ?? `HTTP${res.status}`).split("#").pop()!.split(":")[0];
      throw new ArcError(type, String(json.message ?? json.Message ?? text ?? `HTTP ${res.status}`), res.status);
    }
    return { status: res.status, json };
  }

  private rs(region: string, operation: string, body: Record<string, unknown>) {
    return this.send("arc-region-switch", region, {
      method: "POST",
      path: "/",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `ArcRegionSwitch.${operation}` },
      body: JSON.stringify(body),
    }).then((r) => r.json);
  }

  async startPlanExecution(region: string, input: { planArn: string; targetRegion: string; action: "activate" | "deactivate"; mode: "graceful" | "ungraceful"; comment?: string }): Promise<{ executionId: string }> {
    const out = await this.rs(region, "StartPlanExecution", { ...input, latestVersion: "true" });
    if (typeof out.executionId !== "string") throw new ArcError("InvalidResponse", "StartPlanExecution returned no executionId");
    return { executionId: out.executionId };
  }

  async getPlanExecution(region: string, planArn: string, executionId: string): Promise<PlanExecutionView> {
    const pages = await this.rsPages(region, "GetPlanExecution", { planArn, executionId });
    const first = pages[0];
    const steps = pages.flatMap((out) => ((out.stepStates as Array<Record<string, unknown>> | undefined) ?? []).map((s) => (
      { name: String(s.name ?? ""), status: String(s.status ?? "notStarted"), startTime: epochToIso(s.startTime), endTime: epochToIso(s.endTime), mode: s.stepMode as string | undefined })));
    return {
      executionId,
      state: String(first.executionState ?? "unknown"),
      action: String(first.executionAction ?? ""),
      region: String(first.executionRegion ?? ""),
      mode: String(first.mode ?? ""),
      startTime: epochToIso(first.startTime),
      endTime: epochToIso(first.endTime),
      actualRecoveryTime: first.actualRecoveryTime as string | undefined,
      steps,
    };
  }

  async listPlanExecutions(region: string, planArn: string): Promise<Array<{ executionId: string; state: string; action: string; region: string; startTime?: string }>> {
    const pages = await this.rsPages(region, "ListPlanExecutions", { planArn });
    return pages.flatMap((out) => (out.items as Array<Record<string, unknown>> | undefined) ?? []).map((x) => ({
      executionId: String(x.executionId),
      state: String(x.executionState ?? ""),
      action: String(x.executionAction ?? ""),
      region: String(x.executionRegion ?? ""),
      startTime: epochToIso(x.startTime),
    }));
  }

  async listPlanExecutionEvents(region: string, planArn: string, executionId: string): Promise<Array<{ time?: string; type: string; step?: string; error?: string; description?: string }>> {
    const pages = await this.rsPages(region, "ListPlanExecutionEvents", { planArn, executionId });
    return pages.flatMap((out) => (out.items as Array<Record<string, unknown>> | undefined) ?? []).map((e) => (
      { time: epochToIso(e.timestamp), type: String(e.type ?? "unknown"), step: e.stepName as string | undefined, error: e.error as string | undefined, description: e.description as string | undefined }));
  }

  /** Every page of a paginated Region switch read (`nextToken` in, `nextToken` out), in order. */
  private async rsPages(region: string, operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const pages: Record<string, unknown>[] = [];
    let token: string | undefined;
    do {
      const out = await this.rs(region, operation, { ...input, ...(token ? { nextToken: token } : {}) });
      pages.push(out);
      token = out.nextToken as string | undefined;
    } while (token);
    return pages;
  }

  async approvePlanExecutionStep(region: string, input: { planArn: string; executionId: string; stepName: string; approval: "approve" | "decline"; comment?: string }): Promise<void> {
    await this.rs(region, "ApprovePlanExecutionStep", input);
  }

  async cancelPlanExecution(region: string, planArn: string, executionId: string): Promise<void> {
    await this.rs(region, "CancelPlanExecution", { planArn, executionId });
  }

  async startZonalShift(region: string, input: { resourceIdentifier: string; awayFrom: string; expiresIn: string; comment: string }): Promise<ZonalShiftView> {
    const r = await this.send("arc-zonal-shift", region, { method: "POST", path: "/zonalshifts", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
    return zonalShiftOf(r.json);
  }

  async listZonalShifts(region: string, resourceIdentifier: string): Promise<ZonalShiftView[]> {
    const r = await this.send("arc-zonal-shift", region, { method: "GET", path: "/zonalshifts", query: { resourceIdentifier } });
    return ((r.json.items as Array<Record<string, unknown>> | undefined) ?? []).map(zonalShiftOf);
  }

  async cancelZonalShift(region: string, zonalShiftId: string): Promise<void> {
    await this.send("arc-zonal-shift", region, { method: "DELETE", path: `/zonalshifts/${encodeURIComponent(zonalShiftId)}` });
  }
}

function zonalShiftOf(x: Record<string, unknown>): ZonalShiftView {
  return {
    zonalShiftId: String(x.zonalShiftId ?? ""),
    resourceIdentifier: String(x.resourceIdentifier ?? ""),
    awayFrom: String(x.awayFrom ?? ""),
    status: String(x.status ?? ""),
    expiryTime: epochToIso(x.expiryTime),
    startTime: epochToIso(x.startTime),
  };
}

import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for AWS on 127.0.0.1: it records every request (any service: the SDK and the
 * drill's own ARC client are pointed at it through AWS_ENDPOINT_URL) and answers ARC Region
 * switch's JSON protocol with a scripted execution. Anything else gets an error, so a promotion
 * the drill sent itself would show up in `requests` and fail.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly target?: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: string;
}

export interface StandInScript {
  /** Drop the connection (no answer) on the first StartPlanExecution, after recording it. */
  readonly loseStartAnswer?: boolean;
  /** Steps of the execution and whether one waits for approval. */
  readonly steps?: string[];
  readonly approvalStep?: string;
  readonly actualRecoveryTime?: string;
  /** An execution already in flight when the drill starts. */
  readonly inFlight?: { executionId: string; action: string; region: string; state: string };
  /** Traffic dial every endpoint group reports. @default 100 */
  readonly dial?: number;
}

export class ArcStandIn {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private executions: Array<{ executionId: string; action: string; region: string; state: string; polls: number; approved?: string; mode?: string }> = [];
  url = "";

  constructor(private readonly script: StandInScript = {}) {
    if (script.inFlight) this.executions.push({ ...script.inFlight, polls: 0 });
  }

  targets(): string[] {
    return this.requests.map((r) => r.target ?? `${r.method} ${r.url} ${r.body.slice(0, 80)}`);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => this.answer(req, res, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private shifts: Array<{ zonalShiftId: string; resourceIdentifier: string; awayFrom: string; status: string }> = [];

  /** ARC zonal shift (REST-JSON): start, list, cancel. */
  private zonalShift(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (req.method === "POST") {
      const input = JSON.parse(body) as { resourceIdentifier: string; awayFrom: string };
      const shift = { zonalShiftId: `zs-${this.shifts.length + 1}`, resourceIdentifier: input.resourceIdentifier, awayFrom: input.awayFrom, status: "ACTIVE" };
      this.shifts.push(shift);
      return send(201, { ...shift, startTime: 1767225600, expiryTime: 1767229200, comment: "x" });
    }
    if (req.method === "GET") return send(200, { items: this.shifts.filter((x) => x.resourceIdentifier === url.searchParams.get("resourceIdentifier")) });
    if (req.method === "DELETE") {
      const s = this.shifts.find((x) => url.pathname.endsWith(`/${x.zonalShiftId}`));
      if (!s) return send(404, { message: "no such shift" });
      s.status = "CANCELED";
      return send(200, s);
    }
    return send(400, { message: "unsupported" });
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const target = req.headers["x-amz-target"] as string | undefined;
    this.requests.push({ method: req.method ?? "", url: req.url ?? "", target, authorization: req.headers.authorization, contentType: req.headers["content-type"], body });
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify(payload));
    };
    if (!target && req.url?.startsWith("/zonalshifts")) return this.zonalShift(req, res, body);
    // Global Accelerator reads (the drill's check that every region serves after a restore).
    if (target === "GlobalAccelerator_V20180706.DescribeEndpointGroup") {
      const arn = (JSON.parse(body) as { EndpointGroupArn: string }).EndpointGroupArn;
      return json(200, { EndpointGroup: { EndpointGroupArn: arn, TrafficDialPercentage: this.script.dial ?? 100, EndpointDescriptions: [{ EndpointId: "alb", HealthState: "HEALTHY" }] } });
    }
    if (!target?.startsWith("ArcRegionSwitch.")) return json(400, { __type: "UnknownOperationException", message: `stand-in answers ARC only: ${req.method} ${req.url}` });
    const input = JSON.parse(body || "{}") as Record<string, string>;
    const op = target.split(".")[1];
    const steps = this.script.steps ?? ["scale-survivor", "promote-database", "drain-traffic"];
    switch (op) {
      case "ListPlanExecutions":
        return json(200, { items: this.executions.map((e) => ({ planArn: input.planArn, executionId: e.executionId, executionAction: e.action, executionRegion: e.region, executionState: e.state, mode: "graceful", startTime: 1767225600 })) });
      case "StartPlanExecution": {
        const e = { executionId: `ex-${this.executions.length + 1}`, action: input.action, region: input.targetRegion, state: "inProgress", polls: 0, mode: input.mode };
        this.executions.push(e);
        if (this.script.loseStartAnswer && this.executions.length === 1 + (this.script.inFlight ? 1 : 0)) {
          req.socket.destroy();
          return;
        }
        return json(200, { executionId: e.executionId, plan: input.planArn });
      }
      case "GetPlanExecution": {
        const e = this.executions.find((x) => x.executionId === input.executionId)!;
        e.polls++;
        // Only deactivate workflows hold the approval step (activate only moves the dial back).
        const waiting = this.script.approvalStep && e.action === "deactivate" && !e.approved && e.polls >= 2;
        if (e.state === "failed") {
          // A declined approval fails the execution for good.
        } else if (waiting) e.state = "pendingManualApproval";
        else if (e.polls >= 3) e.state = "completed";
        const status = (name: string) => (e.state === "completed" ? "completed" : name === this.script.approvalStep && waiting ? "pendingApproval" : "running");
        return json(200, {
          planArn: input.planArn,
          executionId: e.executionId,
          executionState: e.state,
          executionAction: e.action,
          executionRegion: e.region,
          mode: e.mode ?? "graceful",
          startTime: 1767225600,
          ...(e.state === "completed" ? { endTime: 1767225850, actualRecoveryTime: this.script.actualRecoveryTime ?? "PT4M10S" } : {}),
          stepStates: steps.map((name, i) => ({ name, status: status(name), startTime: 1767225600 + i * 10, ...(e.state === "completed" ? { endTime: 1767225610 + i * 60 } : {}) })),
        });
      }
      case "ApprovePlanExecutionStep": {
        const e = this.executions.find((x) => x.executionId === input.executionId)!;
        e.approved = input.approval;
        e.state = input.approval === "approve" ? "inProgress" : "failed";
        return json(200, {});
      }
      case "ListPlanExecutionEvents":
        return json(200, { items: [{ eventId: "1", type: "executionStarted", timestamp: 1767225600 }] });
      default:
        return json(400, { __type: "IllegalArgumentException", message: `stand-in: ${op} not scripted` });
    }
  }
}

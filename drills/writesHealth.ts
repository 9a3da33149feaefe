import * as http from "node:http";
import * as https from "node:https";

/**
 * Whether each region WRITES, asked of the workload itself: GET `app.writesHealthPath` (the pods'
 * APP_WRITES_HEALTH_PATH, default /healthz/writes: 200 when this pod's writes work, 503 when they
 * do not) through the region's own ALB, by its DNS name, so the answer is that region's and not
 * whichever region the global entry picks. A region that serves but cannot write (a multi-writer
 * store that stayed read-only, a global writer it cannot reach) shows up here and nowhere else.
 *
 * HTTPS when the ALB listens on 443: the certificate names the app's domain, not the ALB's DNS
 * name, so the probe does not verify it (it reads a status code and sends nothing secret).
 */

export interface WritesProbeTarget {
  readonly region: string;
  readonly albDnsName: string;
  /** 443 first when HTTPS is on (components/topology.ts). */
  readonly listenerPorts?: readonly number[];
}

export interface WritesProbeResult {
  readonly lines: string[];
  /** An answer other than 200: the region serves but does not write. Fails the drill. */
  readonly problems: string[];
  /**
   * No answer at all (DNS, connection, timeout): the drill's machine may not reach the ALB, so this
   * is said as "NOT verified", never as "writes".
   */
  readonly unverified: string[];
}

export function writesUrl(t: WritesProbeTarget, path: string): string {
  const ports = t.listenerPorts ?? [];
  if (ports.includes(443)) return `https://${t.albDnsName}${path}`;
  const port = ports[0] ?? 80;
  return `http://${t.albDnsName}${port === 80 ? "" : `:${port}`}${path}`;
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const client = u.protocol === "https:" ? https : http;
    const req = client.request(u, { method: "GET", timeout: timeoutMs, ...(u.protocol === "https:" ? { rejectUnauthorized: false } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** One GET per region; a region writes when its ALB answers 200 on the writes path. */
export async function probeRegionWrites(targets: readonly WritesProbeTarget[], path: string, opts: { timeoutMs?: number } = {}): Promise<WritesProbeResult> {
  const lines: string[] = [];
  const problems: string[] = [];
  const unverified: string[] = [];
  for (const t of targets) {
    const url = writesUrl(t, path);
    const status = await get(url, opts.timeoutMs ?? 5000).catch((err: Error) => err);
    if (status === 200) {
      lines.push(`${t.region}: writes (GET ${url}: 200)`);
    } else if (typeof status === "number") {
      const what = `${status}${status === 503 ? ", the app reports its writes failing" : ""}`;
      lines.push(`${t.region}: does NOT write (GET ${url}: ${what})`);
      problems.push(`${t.region} does not write after the drill (GET ${url}: ${what})`);
    } else {
      const why = (status as NodeJS.ErrnoException).code ?? status.message;
      lines.push(`${t.region}: writes NOT verified (GET ${url}: no answer, ${why}); ask it from a machine that reaches the ALB`);
      unverified.push(t.region);
    }
  }
  return { lines, problems, unverified };
}

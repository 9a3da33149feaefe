import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../drills/plan";
import { progressReporter } from "../../drills/progress";
import { reportExitCode } from "../../drills/report";
import { mermaidGantt, reportToJson, reportToMarkdown, reportToText, writeReport } from "../../drills/reportFormat";
import { simulateDrill } from "../../drills/run";
import { parseTopology } from "../../drills/topology";
import { topologyFixture, WEST } from "./fixtures";

const plan = () => buildPlan(parseTopology(topologyFixture(), "fixture"), { kind: "region", to: WEST, mode: "planned" });

describe("drill report writers", () => {
  it("draws a Mermaid gantt with one task per step that ran, in seconds since the start", async () => {
    const { report } = await simulateDrill(plan());
    const gantt = mermaidGantt(report);
    expect(gantt.split("\n").slice(0, 6)).toEqual([
      "```mermaid",
      "gantt",
      "    title Planned switchover us-east-1 -> us-west-2",
      "    dateFormat YYYY-MM-DD HH:mm:ss",
      "    axisFormat %H:%M:%S",
      "    section Drill",
    ]);
    // Explicit dates (Mermaid 11 draws `dateFormat X` bars from 0): 2000-01-01 00:00:00 is the start.
    expect(gantt).toContain("    Drain the source region :done, drain, 2000-01-01 00:00:00, 2000-01-01 00:00:30");
    // The two promotions overlap: the database and the session store are promoted side by side.
    expect(gantt).toContain("    Switch over Aurora :active, promote_aurora, 2000-01-01 00:00:30, 2000-01-01 00:03:30");
    expect(gantt).toContain("    Promote the session store :active, promote_redis, 2000-01-01 00:00:30, 2000-01-01 00:01:30");
    expect(gantt).toContain("    Point the session-writer record at the new primary :active, repoint_sessions, 2000-01-01 00:01:30, 2000-01-01 00:02:30");
    expect(gantt).toContain("    Preflight checks :milestone, preflight, 2000-01-01 00:00:00, 0s");
    // Every bar starts where its step started: the starts are distinct points in time, in step order.
    const starts = [...gantt.matchAll(/:(?:done|active|crit), \w+, ([\d-]+ [\d:]+), ([\d-]+ [\d:]+)$/gm)].map((m) => [Date.parse(`${m[1]}Z`), Date.parse(`${m[2]}Z`)]);
    expect(starts.length).toBeGreaterThan(3);
    expect(new Set(starts.map(([a]) => a)).size).toBeGreaterThan(2);
    expect(starts.every(([a, b]) => b > a)).toBe(true);
  });

  it("puts measured RTO and RPO against budget and objective at the top of the Markdown", async () => {
    const { report } = await simulateDrill(plan());
    const md = reportToMarkdown(report);
    expect(md).toMatch(/\| RTO \| 180 s \| \d+ s \| \d+ s \| 600 s \| met \|/);
    // The budget's RPO counts the session store's promotion (typical lag, 1 s) beside Aurora's 0 s.
    expect(md).toContain("| RPO | 0 s | 0 s | 1 s | 30 s | met |");
    expect(md).toContain("## Budget: Planned switchover");
    expect(md).toContain("- Global Accelerator traffic dials: control plane in us-west-2");
    expect(md).toContain("- Route 53 changes: control plane in us-east-1 (session-writer record)");
    expect(md).toContain("- database writer: us-west-2; session store primary: us-west-2");
    expect(md).toContain("RPO bound: bounded at 30 s during this drill: us-east-1's parameter group sets rds.global_db_rpo; bounded at 30 s after it");
  });

  it("shows a failure with its observed state, compensation, final state and next commands, and marks the failed task critical", async () => {
    const { report } = await simulateDrill(plan(), { fault: { step: "promote-aurora", kind: "throttle" } });
    const md = reportToMarkdown(report);
    expect(md).toMatch(/## Failure\n\nStep `promote-aurora` stopped: ThrottlingException: switchoverGlobalCluster: Rate exceeded \(injected; still throttled after 3 attempts\)/);
    expect(md).toContain("## Compensation\n\n- `promote-redis` done: moved back");
    expect(md).toMatch(/## Next commands\n\n```sh\nre-run the same drill command {3}# resumes: finished steps are skipped\naws rds describe-global-clusters --region us-west-2/);
    expect(mermaidGantt(report)).toContain("Switch over Aurora (FAILED) :crit, promote_aurora, 2000-01-01 00:00:30, 2000-01-01 00:00:32");
    const text = reportToText(report);
    expect(text).toMatch(/: rolled-back\nstopped at promote-aurora; every change was undone/);
    expect(text).toContain("FAILED at promote-aurora: ThrottlingException");
    expect(text).toContain("compensation drain done: dials restored to their values before the drill: us-east-1 100%, us-west-2 100%");
    expect(reportExitCode(report)).toBe(1);
  });

  it("the JSON report always carries outcome, finalState (writer, dials) and nextCommands", async () => {
    for (const fault of [undefined, { step: "repoint-sessions", kind: "timeout" as const }]) {
      const { report } = await simulateDrill(plan(), { fault });
      const json = JSON.parse(reportToJson(report));
      expect(json).toMatchObject({ outcome: expect.stringMatching(/^(succeeded|rolled-back|stopped)$/), finalState: { writer: { database: expect.any(String), sessions: expect.any(String) }, dials: expect.any(Object) }, nextCommands: expect.any(Array) });
    }
  });

  it("writes JSON or Markdown by extension and refuses anything else", async () => {
    const { report } = await simulateDrill(plan());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-report-"));
    writeReport(path.join(dir, "r.json"), report);
    writeReport(path.join(dir, "sub", "r.md"), report);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8"))).toEqual(JSON.parse(reportToJson(report)));
    expect(fs.readFileSync(path.join(dir, "sub", "r.md"), "utf8")).toMatch(/^# Planned switchover: us-east-1 -> us-west-2/);
    expect(() => writeReport(path.join(dir, "r.txt"), report)).toThrow(/use a .json or .md file name/);
    expect(reportExitCode(report)).toBe(0);
  });
});

describe("progress display", () => {
  it("prints plain lines, one per step start and end and per changed state, when stderr is not a TTY", () => {
    const lines: string[] = [];
    const p = progressReporter((s) => lines.push(s), { tty: false, live: true });
    const step = { id: "x", title: "Switch over Aurora" } as never;
    p.onEvent({ type: "start", index: 2, total: 7, step, atSeconds: 30 });
    p.onEvent({ type: "observe", step, observed: "writer=us-east-1", atSeconds: 30 });
    p.onEvent({ type: "observe", step, observed: "writer=us-east-1", atSeconds: 40 });
    p.onEvent({ type: "end", index: 2, total: 7, record: { title: "Switch over Aurora", status: "done", startSeconds: 30, endSeconds: 210 } as never });
    expect(lines).toEqual(["T+30s [3/7] Switch over Aurora: started\n", "T+30s   writer=us-east-1\n", "T+210s [3/7] Switch over Aurora: ok (180 s)\n"]);
  });

  it("redraws one line with the running steps and their elapsed time on a TTY, side by side when they run in parallel", () => {
    const lines: string[] = [];
    const p = progressReporter((s) => lines.push(s), { tty: true, live: true });
    const aurora = { id: "promote-aurora", title: "Switch over Aurora" } as never;
    const redis = { id: "promote-redis", title: "Promote the session store" } as never;
    p.onEvent({ type: "start", index: 3, total: 9, step: aurora, atSeconds: 0 });
    p.onEvent({ type: "start", index: 4, total: 9, step: redis, atSeconds: 0 });
    p.onEvent({ type: "end", index: 4, total: 9, record: { id: "promote-redis", title: "Promote the session store", status: "failed", startSeconds: 0, endSeconds: 5, error: "boom" } as never });
    p.stop();
    expect(lines[0]).toBe("\r\x1b[K[4/9] Switch over Aurora ... 0 s");
    expect(lines[1]).toBe("\r\x1b[K[4/9] Switch over Aurora ... 0 s | [5/9] Promote the session store ... 0 s");
    expect(lines[2]).toBe("\r\x1b[K[5/9] Promote the session store: FAIL (5 s) boom\n");
    // The step still running keeps its live line.
    expect(lines.at(-1)).toBe("\r\x1b[K[4/9] Switch over Aurora ... 0 s");
  });
});

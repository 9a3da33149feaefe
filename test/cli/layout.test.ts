import { describe, expect, it } from "vitest";
import { analyzeFailureDomains } from "../../analysis/failureDomains";
import { objectiveSections } from "../../analysis/objectives";
import { renderText } from "../../analysis/render/text";
import { buildReport } from "../../analysis/report";
import { buildTopologyView } from "../../analysis/topologyView";
import { breakLongWords, drawTable, fitColumns, shellCommand, wrap, wrapClipped } from "../../text/layout";
import { DEFAULT_WIDTH, MIN_WIDTH, slowStatus, terminalWidth } from "../../text/terminal";
import { buildPlan } from "../../drills/plan";
import { progressReporter } from "../../drills/progress";
import { reportToText } from "../../drills/reportFormat";
import { describePlan, simulateDrill } from "../../drills/run";
import { parseTopology } from "../../drills/topology";
import { renderSummary, renderWarnings, summarize } from "../../graph/summary";
import { ResourceGraph } from "../../graph/model";
import { checkGraph } from "../../policies/check";
import { renderCheckText } from "../../policies/render";
import { healthyGraph } from "../analysis/fixture";
import { topologyFixture, WEST } from "../drills/fixtures";
import { happyStack } from "../policies/happyStack";

/** Width handling in-process: the renderers are pure functions of (data, { width }). */

const widest = (text: string) => Math.max(...text.split("\n").map((l) => [...l].length));
const WIDTHS = [40, 60, 80, 100, 120, 160];
const URN = "urn:pulumi:dev::ha-blueprint::ha:data:AuroraRegionalCluster$aws:rds/cluster:Cluster::ha-database-us-east-1-cluster";

describe("terminalWidth", () => {
  it("takes COLUMNS first, then a TTY's columns, else 120; never under 40", () => {
    expect(terminalWidth(undefined, {})).toBe(DEFAULT_WIDTH);
    expect(terminalWidth({ isTTY: false, columns: 200 }, {})).toBe(120);
    expect(terminalWidth({ isTTY: true, columns: 200 }, {})).toBe(200);
    expect(terminalWidth({ isTTY: true, columns: 200 }, { COLUMNS: "80" })).toBe(80);
    expect(terminalWidth(undefined, { COLUMNS: " 90 " })).toBe(90);
    for (const bad of ["", "0", "-5", "abc", "80px", "1e3"]) expect(terminalWidth({ isTTY: true, columns: 100 }, { COLUMNS: bad }), bad).toBe(100);
    expect(terminalWidth(undefined, { COLUMNS: "10" })).toBe(MIN_WIDTH);
  });
});

describe("layout on cli-table3", () => {
  const rows = [
    ["Region loss", "The region-unhealthy alarm of us-east-1 fires", "180", "60 s period x 3 evaluation periods", URN],
    ["AZ loss", "ALB stops routing to targets in the lost AZ of us-east-1", "30", "10 s interval x 3 unhealthy checks", "elb-health-checks A"],
  ];

  it("keeps a table that fits as it is, and fits one that does not, breaking only words longer than a column", () => {
    expect(fitColumns([10, 10], 120)).toBeUndefined();
    const natural = drawTable(["a", "b"], [["x", "y"]], 120);
    expect(natural.split("\n")[0]).toBe("┌───┬───┐");
    for (const width of WIDTHS) {
      const t = drawTable(["disruption", "term", "s", "basis", "source"], rows, width);
      expect(widest(t), `width ${width}\n${t}`).toBeLessThanOrEqual(width);
      // Nothing is cut off: no ellipsis, and every word of the prose cells is still there.
      expect(t, `width ${width}`).not.toContain("…");
      const words = new Set(t.split(/[\s│┌┐└┘├┤┬┴┼─]+/));
      // (From 80 columns on there is room for every word; narrower, long words break.)
      if (width >= 80) for (const w of [...rows[0][1].split(" "), ...rows[1][3].split(" ")]) expect(words.has(w), `${w} at width ${width}`).toBe(true);
    }
  });

  it("shrinks the widest column first, down to its longest word", () => {
    // The narrow status columns keep their width while the long one wraps.
    expect(fitColumns([60, 13, 13], 60, [20, 8, 8])).toEqual([30, 13, 13]);
    // When even the words do not fit, the widest columns give up the rest.
    expect(fitColumns([40, 40], 40, [38, 38])!.sort()).toEqual([18, 19]);
  });

  it("breaks a word longer than its room after a separator, and wraps paragraphs with a hanging indent", () => {
    expect(breakLongWords(URN, 40).split("\n").every((l) => l.length <= 40)).toBe(true);
    expect(breakLongWords(URN, 40).replace(/\n/g, "")).toBe(URN);
    expect(breakLongWords("short words stay", 10)).toBe("short words stay");
    const lines = wrap(`note: ${"lorem ipsum ".repeat(20)}`, 60, "  ", "    ");
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((l) => l.length <= 60)).toBe(true);
    expect(lines[0].startsWith("  note: ")).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith("    ") && !l.startsWith("     "))).toBe(true);
    const clipped = wrapClipped("word ".repeat(100), 40, "  1. ");
    expect(clipped).toHaveLength(2);
    expect(clipped[1].endsWith("…")).toBe(true);
  });

  it("wraps a shell command into lines that still paste: continuations between words, quoted JSON cut after commas", () => {
    const cmd = `aws route53 change-resource-record-sets --hosted-zone-id Z0PRIVATE1234 --change-batch '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"sessions-writer.prod.ha-blueprint.internal","Type":"CNAME","TTL":10,"ResourceRecords":[{"Value":"master.ha-prod-use1-sessions.cbd637.use1.cache.amazonaws.com"}]}}]}'   # point the record back`;
    for (const width of [60, 80, 120]) {
      const lines = shellCommand(cmd, width);
      expect(lines[0]).toBe("  # point the record back");
      expect(widest(lines.join("\n")), lines.join("\n")).toBeLessThanOrEqual(width);
      // What the shell reads: ` \` continuations become spaces, `'...'\` + `'...'` pieces join up.
      const read = lines.slice(1).join("\n").replace(/ \\\n +/g, " ").replace(/'\\\n'/g, "").trim();
      expect(read).toBe(cmd.replace(/\s{2,}#.*$/, ""));
    }
    expect(shellCommand("pulumi preview --stack prod --diff   # once us-east-1 is back", 120)).toEqual(["  # once us-east-1 is back", "  pulumi preview --stack prod --diff"]);
  });
});

describe("renderers fit the width they are given", () => {
  const graph = new ResourceGraph(healthyGraph({ singleNat: true }));
  const report = buildReport({
    source: { kind: "state", name: "fixture.json" },
    topology: buildTopologyView(graph),
    failureDomains: analyzeFailureDomains(graph),
    ...objectiveSections(topologyFixture(), undefined, "fixture"),
  });

  it("analyze: summary, matrices, budget and availability at every width, verbose too", () => {
    for (const width of WIDTHS) {
      for (const verbose of [false, true]) {
        const text = renderText(report, { width, verbose });
        expect(widest(text), `width ${width}${verbose ? " verbose" : ""}`).toBeLessThanOrEqual(width);
        expect(text).toContain("Verdict: FAIL (exit 1)");
      }
    }
    const text = renderText(report, { verbose: true });
    expect(text.indexOf("Next: ")).toBeLessThan(text.indexOf("Steady state"));
    expect(text).toMatch(/Tags: A AWS documentation, A-w AWS workshop\/FAQ, U upstream project docs, C community reports, E this project's\s+estimate\./);
    expect(renderText(report, { verbose: true })).toContain("Aurora User Guide, Using switchover or failover in Amazon Aurora");
    expect(renderText(report)).not.toContain("Aurora User Guide, Using switchover or failover in Amazon Aurora");
    // The default is the summary plus what a failing stack must act on: its single points of failure.
    const short = renderText(report);
    expect(short).not.toContain("Steady state");
    expect(short).toMatch(/Single points of failure|single point of failure/);
    expect(short.split("\n").length).toBeLessThan(text.split("\n").length / 2);
  });

  it("check: mandatory and advisory findings with URNs at every width", () => {
    const g = happyStack();
    g.link("route-west-b", "natGatewayId", ["nat-west-a"]);
    g.set("db-east", "backupRetentionPeriod", 1);
    const prod = checkGraph(new ResourceGraph(g.resources()), { environment: "prod" });
    const dev = checkGraph(new ResourceGraph(g.resources()), { environment: "dev" });
    for (const width of WIDTHS) {
      for (const result of [prod, dev]) {
        const text = renderCheckText(result, "state.json", "stack-export", { width, verbose: true });
        expect(widest(text), `width ${width}\n${text}`).toBeLessThanOrEqual(width);
      }
    }
    const devText = renderCheckText(dev, "state.json");
    expect(devText).toMatch(/^FAIL \(exit 1\): 1 mandatory violation/m);
    expect(devText).toContain("[advisory] ha-aurora-backup-retention (medium; mandatory in prod)");
    expect(devText).toContain(`urn: ${g.get("route-west-b").urn}`);
    expect(devText).not.toContain(`urn: ${g.get("db-east").urn}`);
    expect(renderCheckText(dev, "state.json", undefined, { verbose: true })).toContain(`urn: ${g.get("db-east").urn}`);
  });

  it("plan summary, drill plan, drill report and progress lines", async () => {
    const summary = summarize(new ResourceGraph(healthyGraph()));
    const plan = buildPlan(parseTopology(topologyFixture(), "fixture"), { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true });
    const { report: drill } = await simulateDrill(plan);
    for (const width of WIDTHS) {
      expect(widest(renderSummary(summary, "Plan of stack prod (offline, Pulumi mock runtime)", { width })), `summary ${width}`).toBeLessThanOrEqual(width);
      expect(widest(renderWarnings("dev", ["app.eks access CIDRs 203.0.113.0/24 are documentation ranges (RFC 5737): no operator can reach the Kubernetes API from them; set your own before pulumi up"], { width }))).toBeLessThanOrEqual(width);
      expect(widest(describePlan(plan, { width, notice: ["Plan only: nothing runs."] })), `plan ${width}`).toBeLessThanOrEqual(width);
      expect(widest(reportToText(drill, { width })), `report ${width}`).toBeLessThanOrEqual(width);
      const lines: string[] = [];
      const p = progressReporter((s) => lines.push(s), { tty: false, live: false, width });
      await simulateDrill(plan, { onEvent: p.onEvent });
      expect(widest(lines.join("")), `progress ${width}`).toBeLessThanOrEqual(width);
      const live: string[] = [];
      const l = progressReporter((s) => live.push(s), { tty: true, live: true, width });
      const step = { id: "x", title: "Point the session-writer record at the new primary, then wait for INSYNC".repeat(2) } as never;
      l.onEvent({ type: "start", index: 0, total: 9, step, atSeconds: 0 });
      l.stop();
      expect([...live[0].replace("\r\x1b[K", "")].length, `live ${width}`).toBeLessThan(width);
    }
  });
});

describe("slowStatus: a progress line on a terminal, for work slower than a second", () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, isTTY, columns: 60, write: (c: string) => written.push(c) };
  };
  it("says nothing on a pipe, nothing for a quick run, and the current stage (erased at the end) for a slow one", () => {
    let t = 0;
    const pipe = stream(false);
    const p = slowStatus(pipe, "analyze", 1000, () => t);
    p.stage("planning");
    t = 5000;
    p.stage("analyzing");
    p.done();
    expect(pipe.written).toEqual([]);

    t = 0;
    const quick = stream(true);
    const q = slowStatus(quick, "analyze", 1000, () => t);
    q.stage("planning");
    t = 400;
    q.stage("analyzing");
    q.done();
    expect(quick.written).toEqual([]);

    t = 0;
    const slow = stream(true);
    const s = slowStatus(slow, "analyze", 1000, () => t);
    s.stage("planning");
    t = 1500;
    s.stage(`analyzing ${"x".repeat(100)}`);
    s.done();
    expect(slow.written[0]).toMatch(/^\r\x1b\[Kanalyze: analyzing x+$/);
    expect([...slow.written[0].replace("\r\x1b[K", "")].length).toBeLessThan(60);
    expect(slow.written.at(-1)).toBe("\r\x1b[K");
  });
});

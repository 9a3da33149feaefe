import { describe, expect, it } from "vitest";
import { analyzeFailureDomains } from "../../analysis/failureDomains";
import { renderMarkdown } from "../../analysis/render/markdown";
import { failureMatrixDiagram, q, topologyDiagram } from "../../analysis/render/mermaid";
import { resourceTable } from "../../analysis/render/tables";
import { renderText } from "../../analysis/render/text";
import { buildReport, renderJson, type ObjectiveSection, type ReportInput } from "../../analysis/report";
import { buildTopologyView } from "../../analysis/topologyView";
import { ResourceGraph } from "../../graph/model";
import { healthyGraph, type FixtureOptions } from "./fixture";

function input(o: FixtureOptions = {}): ReportInput {
  const graph = new ResourceGraph(healthyGraph(o));
  return { source: { kind: "state", name: "fixture.json" }, topology: buildTopologyView(graph), failureDomains: analyzeFailureDomains(graph) };
}

const mermaidBlocks = (md: string) => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("report verdict", () => {
  it("passes a healthy graph and fails one with a SPOF, naming it", () => {
    expect(buildReport(input()).verdict).toEqual({ ok: true, status: "ok", strict: false, exitCode: 0, reasons: [], warnings: [] });
    const v = buildReport(input({ redisNodes: { "us-east-1": 1 } })).verdict;
    expect(v.exitCode).toBe(1);
    expect(v.reasons).toEqual(["single point of failure: losing AZ us-east-1a stops sessions in us-east-1"]);
  });

  it("summarises the data path by what the stores do: no switchover to claim for multi-writer stores", () => {
    const multi = renderText(buildReport(input({ database: "aurora-dsql", sessions: "memorydb-multi-region" })));
    expect(multi).toMatch(/data path +every region reads, writes and keeps sessions \(no writer to switch over\)/);
    const single = renderText(buildReport(input()));
    expect(single).toMatch(/data path +every region reads, writes and keeps sessions, now and after the planned switchover/);
    expect(single).not.toMatch(/but not the writer region/);
  });

  it("fails when a contributed section misses an objective, with the section's own reason", () => {
    const budget: ObjectiveSection = {
      title: "RTO/RPO budget",
      objectivesMet: false,
      misses: ["region loss RTO 700 s exceeds the objective 600 s (term: Aurora promotion)"],
      data: { example: true },
      tables: [{ head: ["disruption", "RTO"], rows: [["region loss", "700 s"]] }],
      notes: ["from the test"],
    };
    const report = buildReport({ ...input(), budget });
    expect(report.verdict.exitCode).toBe(1);
    expect(report.verdict.reasons).toEqual(budget.misses);
    expect(renderText(report, { verbose: true })).toMatch(/RTO\/RPO budget \(objective missed\)[\s\S]*region loss[\s\S]*700 s/);
    expect(renderMarkdown(report)).toContain("## RTO/RPO budget (objective missed)\n\n| disruption | RTO |");
    expect(JSON.parse(renderJson(report)).budget.data).toEqual({ example: true });
  });

  it("warns, without failing, about tiers the graph does not contain", () => {
    const v = buildReport(input({ omit: { "us-east-1": ["backup"], "us-west-2": ["backup"] } })).verdict;
    expect(v.exitCode).toBe(0);
    expect(v.warnings).toEqual(["not in this graph, so not analyzed: backups"]);
  });
});

describe("text rendering", () => {
  it("draws the steady state, the AZ and region matrices and says there is no SPOF", () => {
    const text = renderText(buildReport(input()), { verbose: true });
    expect(text).toMatch(/Regions: us-east-1 \(writer\) \[us-east-1a, us-east-1b, us-east-1c\]; us-west-2/);
    expect(text).toContain("Loss of one availability zone");
    expect(text).toMatch(/region us-east-1 .*promote us-west-2/);
    expect(text).toContain("Single points of failure: none.");
    expect(text.trimEnd().endsWith("Verdict: OK")).toBe(true);
  });

  it("marks the SPOF rows and lists the resources to make redundant", () => {
    // Wide enough for every row to stay on one line.
    const text = renderText(buildReport(input({ singleNat: true })), { width: 250, verbose: true });
    expect(text).toContain("✗ AZ us-east-1a");
    expect(text).toMatch(/│ 1 │ AZ us-east-1a .*│ entry in us-east-1 .*│ us-east-1-az1-nat \(us-east-1a\)/);
    expect(text).toContain("Verdict: FAIL (exit 1)");
    // At the default width the same row wraps inside its cells.
    const narrow = renderText(buildReport(input({ singleNat: true })), { verbose: true });
    expect(narrow).toMatch(/│ 1 │ AZ us-east-1a +│ entry in us-east-1 +│ us-east-1-az1-nat +│/);
    expect(narrow).toMatch(/│ {3}│ [^│]*│ app in us-east-1 +│ \(us-east-1a\) +│/);
  });

  it("groups single resources by effect and never puts a SPOF in a row with a non-SPOF", () => {
    const t = resourceTable(analyzeFailureDomains(new ResourceGraph(healthyGraph({ singleNat: true }))));
    const natRow = t.rows.find((r) => r[0].includes("us-east-1-az1-nat"))!;
    expect(natRow[0].startsWith("✗ ")).toBe(true);
    expect(natRow[0]).not.toContain("us-east-1-alb");
    expect(t.unchanged).toBeGreaterThan(0);
  });
});

describe("JSON rendering", () => {
  it("holds the whole model: matrix rows, SPOFs and topology", () => {
    const doc = JSON.parse(renderJson(buildReport(input({ albAzs: 1 }))));
    expect(doc.version).toBe(1);
    expect(doc.failureDomains.singlePointsOfFailure[0].resources[0].name).toBe("us-east-1-alb");
    expect(doc.failureDomains.domains.find((d: { key: string }) => d.key === "region:us-west-2").tiers.app.regions["us-west-2"].status).toBe("down");
    expect(doc.topology.regions.map((r: { name: string }) => r.name)).toEqual(["us-east-1", "us-west-2"]);
  });
});

describe("Markdown rendering", () => {
  it("has a topology and a failure-matrix Mermaid diagram, then the tables", () => {
    const md = renderMarkdown(buildReport(input({ singleNat: true })));
    const [topology, matrix, ...rest] = mermaidBlocks(md);
    expect(rest).toEqual([]);
    // Regions side by side, one subgraph each, no nested AZ subgraphs (current Mermaid staggers those).
    expect(topology).toMatch(/^flowchart LR/);
    expect(topology.match(/^ {2}subgraph /gm)).toHaveLength(2);
    expect(topology).toMatch(/^ {4}R0_Z0\["us-east-1a<br\/>NAT gateway/m);
    // Cross-region links join the stores they are about: database to database, backup vault to vault.
    expect(topology).toContain(`R0_g3 -.->|"Aurora replication"| R1_g3`);
    expect(topology).toContain(`R0_g4 -.->|"cache replication"| R1_g4`);
    expect(topology).toContain(`R0_g2 <-.->|"VPC peering"| R1_g2`);
    expect(topology).toMatch(/R0_g\d+ -.->\|"backup copy"\| R1_g\d+/);
    expect(topology).toMatch(/R1_g\d+ -.->\|"backup copy"\| R0_g\d+/);
    // The data path: the ALB to the workload, the workload to its region's stores, a secondary's writes to the writer.
    expect(topology).toMatch(/R1_g0 --> R1_g\d+\n/);
    expect(topology).toMatch(/R1_g\d+ -->\|"writes"\| R0_g3/);
    expect(matrix).toMatch(/^flowchart LR/);
    expect(matrix).toContain(`D1["✗ AZ us-east-1a"]`);
    expect(matrix).toContain("D1 ~~~ D1_entry ~~~ D1_app ~~~ D1_databaseWriter ~~~ D1_databaseReads ~~~ D1_sessions ~~~ D1_backups");
    expect(matrix).toMatch(/class [^\n]*D1_app[^\n]* down/);
    expect(md).toContain("| lost | entry | app | database writer | database reads | sessions | backups |");
    expect(md).toMatch(/\| AZ us-east-1b \| ok<br>100% \/ 100% \|/);
  });

  it("puts each AZ's zonal capacity in the topology: NAT, node group, Aurora instance, cache nodes", () => {
    const view = buildTopologyView(new ResourceGraph(healthyGraph()));
    const zone = view.regions[0].zones[0];
    expect(zone.az).toBe("us-east-1a");
    expect(zone.items.map((i) => i.label)).toEqual(["NAT gateway", "node group (min 2)", "Aurora instance", "cache node (primary)"]);
    expect(view.entry).toEqual({ kind: "accelerator", label: "Global Accelerator", regions: ["us-east-1", "us-west-2"] });
    expect(topologyDiagram(view)).toContain("entry --> R1_g0");
  });

  it("quotes Mermaid labels safely and leaves absent tiers out of the matrix", () => {
    expect(q(`a "b"\nc`)).toBe(`"a #quot;b#quot;<br/>c"`);
    const diagram = failureMatrixDiagram(analyzeFailureDomains(new ResourceGraph(healthyGraph({ omit: { "us-east-1": ["backup"], "us-west-2": ["backup"] } }))));
    expect(diagram).not.toContain("backups:");
    expect(diagram).toContain("sessions: ok");
  });
});

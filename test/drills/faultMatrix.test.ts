import { describe, expect, it } from "vitest";
import type { RecordedState } from "../../drills/aws";
import type { CloudModel } from "../../drills/cloudModel";
import { buildPlan, type DrillOptions, type DrillPlan } from "../../drills/plan";
import { reportToJson } from "../../drills/reportFormat";
import { simulateDrill, stepIds } from "../../drills/run";
import { FAULT_KINDS, InMemoryStackConfig } from "../../drills/simulator";
import { fencedRule } from "../../drills/steps/fence";
import { parseTopology } from "../../drills/topology";
import { EAST, ids, topologyFixture, WEST } from "./fixtures";

/**
 * The fault matrix: every step of every drill shape, failing in every way (`timeout`: the request
 * may have been applied, the answer is lost; `throttle`; `reject`), run on the cloud model. Whatever
 * fails, the drill must end in a state that is safe or says plainly what is not:
 * - no region drained by accident (a region at 0 % is on purpose, or listed with the command to undo it);
 * - the database writer and the session store primary in one region, or the split named;
 * - the session-writer record naming the primary, or "sessions are not writable" said;
 * - the writer's region never left fenced without saying so;
 * - the stack config never written (the writer region is read from AWS, never committed);
 * - no unsafe command suggested (never `writerRegion`, no data-loss failover after a planned drill);
 * - a rollback that really restored the starting state;
 * - and the JSON report carries `outcome`, `finalState` and `nextCommands`.
 */

interface Scenario {
  readonly name: string;
  readonly options: DrillOptions;
  readonly mode?: "accelerator" | "route53";
  /** State before the drill (what an earlier failover left). */
  readonly prepare?: (m: CloudModel) => Promise<void>;
  /** Steps with nothing to change in this scenario: a fault there cannot fire. */
  readonly idle?: readonly string[];
}

/**
 * The state an unplanned failover to us-west-2 left behind, once us-east-1 is back and rebuilt: the
 * model starts with the writer in us-west-2 (the failback plan's source); us-east-1 is still
 * fenced and drained.
 */
async function afterFailover(m: CloudModel): Promise<void> {
  await m.setTrafficDial(ids.eg(EAST), 0);
  for (const g of [ids.dbSg(EAST), ids.cacheSg(EAST)]) await m.modifyIngressRules(EAST, g, (await m.ingressRules(EAST, g)).map(fencedRule));
}

const SCENARIOS: Scenario[] = [
  { name: "planned switchover (accelerator)", options: { kind: "region", to: WEST, mode: "planned" }, idle: ["lift-fence"] },
  { name: "planned switchover (route53)", options: { kind: "region", to: WEST, mode: "planned" }, mode: "route53", idle: ["lift-fence"] },
  // The lost source's APIs are down: the reconcile step skips its preview and calls nothing.
  { name: "unplanned failover, source lost", options: { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true }, idle: ["reconcile"] },
  { name: "unplanned rehearsal (accelerator)", options: { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true, rehearsal: true } },
  { name: "unplanned rehearsal (route53)", options: { kind: "region", to: WEST, mode: "unplanned", allowDataLoss: true, rehearsal: true }, mode: "route53" },
];

function planOf(s: Scenario): DrillPlan {
  return buildPlan(parseTopology(topologyFixture({ mode: s.mode, writer: s.options.failback ? WEST : EAST }), "fixture"), s.options);
}

/** Failback after a failover: the plan is built from the state AWS is in (writer in us-west-2). */
const FAILBACK: Scenario = {
  name: "failback to a region an earlier failover fenced",
  options: { kind: "region", to: EAST, failback: true },
  prepare: afterFailover,
};

const initialConfig: RecordedState = { currentWriterRegion: EAST, trafficDials: { [EAST]: 100, [WEST]: 100 } };

async function runCase(s: Scenario, step: string, kind: (typeof FAULT_KINDS)[number]) {
  const plan = planOf(s);
  const config = new InMemoryStackConfig(s.options.failback ? { currentWriterRegion: WEST, trafficDials: { [EAST]: 0, [WEST]: 100 } } : initialConfig, "matrix config");
  const before = await config.read();
  let startState: { writer: string; cachePrimary: string; dials: Record<string, number> } | undefined;
  const { report, model } = await simulateDrill(plan, {
    fault: { step, kind },
    config,
    rerun: "npx ha-blueprint drill ... --execute --yes",
    prepare: async (m) => {
      await s.prepare?.(m);
      startState = { ...m.snapshot(), dials: m.dials() };
    },
  });
  return { plan, report, model, config, before, startState: startState! };
}

function assertSafe(c: Awaited<ReturnType<typeof runCase>>, s: Scenario) {
  const { plan, report, model, config, before } = c;
  const json = JSON.parse(reportToJson(report));
  expect(["succeeded", "rolled-back", "stopped"]).toContain(json.outcome);
  expect(json.finalState.writer).toEqual({ database: expect.any(String), sessions: expect.any(String) });
  expect(json.finalState.dials).toBeTypeOf("object");
  expect(Array.isArray(json.nextCommands)).toBe(true);
  if (report.outcome !== "succeeded") expect(report.nextCommands.length).toBeGreaterThan(0);

  // The report tells the truth about the model.
  const truth = model.snapshot();
  expect(report.finalState.writer).toEqual({ database: truth.writer, sessions: truth.cachePrimary });
  const problems = report.finalState.problems.join("\n");
  const notes = report.finalState.notes.join("\n");

  // No unsafe command.
  for (const cmd of report.nextCommands) expect(cmd).not.toMatch(/ha-blueprint:writerRegion\b/);
  if (plan.mode === "planned") {
    expect(model.mutations.some((m) => m.startsWith("FailoverGlobalCluster"))).toBe(false);
    expect(report.nextCommands.some((cmd) => cmd.includes("failover-global-cluster") || cmd.includes("--allow-data-loss"))).toBe(false);
  }

  // No region drained by accident.
  if (plan.targets.routingMode === "accelerator") {
    const dials = model.dials();
    for (const [region, dial] of Object.entries(dials)) {
      if (dial !== 0) continue;
      const onPurpose = notes.includes(`${region} is drained on purpose`);
      const said = problems.includes(`${region} takes no traffic`) && report.nextCommands.some((cmd) => cmd.includes("update-endpoint-group") && cmd.includes(ids.eg(region)) && cmd.includes("--traffic-dial-percentage 100"));
      expect(onPurpose || said, `${region} at 0% in ${s.name}: ${problems} | ${notes}`).toBe(true);
      if (onPurpose) expect(plan.mode === "unplanned" ? region === plan.source && s.name.includes("source lost") : plan.keepDrained).toBe(true);
    }
    expect(Object.values(dials).some((d) => d > 0)).toBe(true);
    // A planned drill that fails after the drain puts the dials back (no --keep-drained here).
    if (plan.mode === "planned" && report.outcome !== "succeeded") expect(dials).toEqual(c.startState.dials);
  }

  // Writers together, or the split said.
  if (truth.writer !== truth.cachePrimary) expect(problems).toMatch(/the two writers are in different regions|is still (pending|switching-over|failing-over|cancelling)/);
  if (truth.auroraOp) expect(problems).toContain("is still");

  // The session-writer record names the primary, or sessions are said not to be writable.
  const rec = plan.targets.writerRecord!;
  if (model.recordValue() !== rec.targets[truth.cachePrimary]) expect(problems).toMatch(/sessions (are|may) not (be )?writable/);

  // The writer's region is never left fenced silently; a fenced region is always named.
  for (const region of [EAST, WEST]) {
    const fenced = [ids.dbSg(region), ids.cacheSg(region)].some((g) => (model as unknown as { rules: Map<string, Array<{ description?: string }>> }).rules.get(g)?.some((r) => r.description?.startsWith("ha-blueprint fence")));
    if (!fenced) continue;
    if (region === truth.writer) expect(problems).toContain(`${region} holds the database writer but its data security groups are fenced`);
    else expect(problems.includes(`${region}'s data security groups are fenced`) || notes.includes(`${region} stays fenced`)).toBe(true);
  }

  // The stack config is never written: the writer is read from AWS, nothing needs a commit.
  return config.read().then((after) => {
    expect(after).toEqual(before);
  });
}

function assertRollback(c: Awaited<ReturnType<typeof runCase>>, s: Scenario) {
  const truth0 = c.model.snapshot();
  // With a healthy source, a drill that changed something but never moved the writer is undone whole.
  const undoable = !s.name.includes("source lost") && c.report.outcome !== "succeeded" && !c.report.summary.includes("before changing anything");
  if (undoable && truth0.writer === c.plan.source && !truth0.auroraOp) expect(c.report.outcome, `${c.report.summary} | ${c.report.finalState.problems.join("; ")}`).toBe("rolled-back");
  if (c.report.outcome !== "rolled-back") return;
  const truth = c.model.snapshot();
  expect({ writer: truth.writer, cachePrimary: truth.cachePrimary }).toEqual({ writer: c.startState.writer, cachePrimary: c.startState.cachePrimary });
  if (c.plan.targets.routingMode === "accelerator") expect(c.model.dials()).toEqual(c.startState.dials);
  // Only what was already wrong before the drill may remain (the failback scenario starts fenced and drained).
  const preexisting = (p: string) => p.endsWith("as before the drill") || (c.plan.failback && p.startsWith(`${EAST}'s data security groups are fenced`));
  expect(c.report.finalState.problems.filter((p) => !preexisting(p))).toEqual([]);
}

const cases = [...SCENARIOS, FAILBACK].flatMap((s) => stepIds(planOf(s)).flatMap((step) => FAULT_KINDS.map((kind) => ({ s, step, kind }))));

describe("fault matrix: every step x every kind leaves a safe, stated state", () => {
  it("covers every step of every drill shape", () => {
    expect(cases.length).toBeGreaterThanOrEqual(140);
    for (const s of [...SCENARIOS, FAILBACK]) for (const step of stepIds(planOf(s))) expect(cases.filter((c) => c.s === s && c.step === step)).toHaveLength(FAULT_KINDS.length);
  });

  it.each(cases.map((c) => [c.s.name, c.step, c.kind, c] as const))("%s: %s fails with %s", async (_n, step, kind, c) => {
    const run = await runCase(c.s, step, kind);
    await assertSafe(run, c.s);
    assertRollback(run, c.s);
    const fired = !run.report.warnings.some((w) => w.includes("never fired"));
    expect(fired, run.report.warnings.join("; ")).toBe(!(c.s.idle ?? []).includes(step));
    // A fault that fired stops the drill, unless the step is best-effort by design (a lost region's fence).
    if (fired && !(c.s.name.includes("source lost") && step === "fence")) expect(run.report.outcome).not.toBe("succeeded");
  });
});


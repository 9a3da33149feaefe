import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { planCacheDir, planKey } from "../../cli/planCache";
import { loadStack } from "../../config/load";
import { ROOT, runCli } from "../helpers/cli";

/**
 * The CLI's plan cache through the binary: a repeated plan of the same config is reused (and is
 * the same graph; two processes at once plan it once), a changed config has another key, a
 * damaged entry is planned again, and HA_BLUEPRINT_PLAN_CACHE=off turns it off.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-plan-cache-"));
const cache = path.join(dir, "cache");
const stacks = path.join(dir, "stacks");
fs.mkdirSync(stacks);
const env = { ...process.env, HA_BLUEPRINT_PLAN_CACHE: cache };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeStack(name: string, edit: (config: Record<string, unknown>) => void = () => undefined): void {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, "stacks/Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  edit(doc.config);
  fs.writeFileSync(path.join(stacks, `Pulumi.${name}.yaml`), toYaml(doc));
}

const graphOf = (stdout: string) => (JSON.parse(stdout) as { deployment: { resources: unknown[] } }).deployment.resources;
const plan = (name: string, format = "json", e: NodeJS.ProcessEnv = env) => runCli(["plan", "--stack", name, "--stacks-dir", stacks, "--format", format], { env: e });

describe("plan cache", () => {
  it("reuses the plan of an unchanged config (two at once plan it once), and plans again over a damaged entry", async () => {
    writeStack("cached");
    // Two processes planning the same config at once: one plans, the other waits for its entry.
    const [a, b] = await Promise.all([plan("cached", "text"), plan("cached", "text")]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect([a, b].filter((r) => /Reused the cached plan/.test(r.stdout))).toHaveLength(1);
    const first = await plan("cached");
    expect(first.code, first.stderr).toBe(0);
    const key = planKey(loadStack("cached", stacks));
    const entry = path.join(cache, `${key}.json`);
    expect(fs.existsSync(entry)).toBe(true);

    const again = await plan("cached", "text");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Reused the cached plan/);
    const againJson = await plan("cached");
    expect(graphOf(againJson.stdout)).toEqual(graphOf(first.stdout));

    // A damaged entry is not a plan: planned again, and the entry repaired.
    fs.writeFileSync(entry, "{ not json");
    const repaired = await plan("cached", "text");
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).not.toMatch(/Reused the cached plan/);
    expect(graphOf(JSON.stringify({ deployment: JSON.parse(fs.readFileSync(entry, "utf8")).export.deployment }))).toEqual(graphOf(first.stdout));
  });

  it("keys a plan by config and stack name (the name is in every URN), and is off with HA_BLUEPRINT_PLAN_CACHE=off", () => {
    writeStack("one");
    writeStack("two");
    const one = planKey(loadStack("one", stacks));
    expect(one).not.toBe(planKey(loadStack("two", stacks)));
    writeStack("one", (c) => ((c["ha-blueprint:app"] as Record<string, unknown>).replicasPerRegion = 3));
    expect(planKey(loadStack("one", stacks))).not.toBe(one);
    const saved = process.env.HA_BLUEPRINT_PLAN_CACHE;
    try {
      process.env.HA_BLUEPRINT_PLAN_CACHE = "off";
      expect(planCacheDir()).toBeUndefined();
      process.env.HA_BLUEPRINT_PLAN_CACHE = cache;
      expect(planCacheDir()).toBe(cache);
    } finally {
      process.env.HA_BLUEPRINT_PLAN_CACHE = saved;
    }
  });
});

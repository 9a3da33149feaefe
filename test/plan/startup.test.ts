import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli";
import { planStack } from "../helpers/plan";

/**
 * What the binary does before the CLI loads (scripts/startup.js): the Pulumi SDK's unused modules
 * are deferred, yet load on first use; the compile cache is not rewritten by a run that compiled
 * nothing new; and the plan the binary writes is the plan the program makes in-process.
 */

function node(script: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, env, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const STARTUP = JSON.stringify(path.join(ROOT, "scripts/startup.js"));

describe("deferred SDK modules", () => {
  it("are not loaded with the Pulumi SDK, and work on first use (closure serialization parses with typescript)", () => {
    const out = node(`
      require(${STARTUP}).deferSdkModules();
      const pulumi = require("@pulumi/pulumi");
      const loaded = () => Object.keys(require.cache).filter((f) => /node_modules[\\\\/](typescript|@npmcli[\\\\/]arborist|normalize-package-data)[\\\\/]/.test(f)).length;
      const before = loaded();
      const ts = require("@pulumi/pulumi/typescript-shim");
      const real = require("typescript");
      const sameKind = ts.SyntaxKind.FunctionDeclaration === real.SyntaxKind.FunctionDeclaration;
      pulumi.runtime.serializeFunction(function add(a, b) { return a + b; }).then((s) => {
        console.log(JSON.stringify({ before, after: loaded(), sameKind, serialized: s.text.includes("a + b") }));
      });
    `);
    expect(JSON.parse(out)).toEqual({ before: 0, after: expect.any(Number), sameKind: true, serialized: true });
    expect(JSON.parse(out).after).toBeGreaterThan(0);
  });
});

describe("compile cache (Node 20: v8-compile-cache)", () => {
  it("is written when a module is new, and not by a run that compiled nothing new", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-compile-cache-"));
    const env = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: dir };
    const script = `require(${STARTUP}).compileCache(); require("commander"); require("yaml");`;
    node(script, env);
    const files = () => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith("BLOB"));
    if (typeof (require("node:module") as { enableCompileCache?: unknown }).enableCompileCache === "function") return; // Node 22+: Node's own cache
    const [blob] = files();
    expect(blob, "the first run writes the cache").toBeDefined();
    const file = path.join(blob.parentPath ?? (blob as unknown as { path: string }).path, blob.name);
    const first = fs.statSync(file).mtimeMs;
    node(script, env);
    expect(fs.statSync(file).mtimeMs, "a second, identical run leaves it alone").toBe(first);
    node(`${script} require("zod");`, env);
    expect(fs.statSync(file).mtimeMs, "a run that compiles a new module adds it").toBeGreaterThan(first);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("the binary's plan", () => {
  it("is the plan the program makes in-process, resource for resource", async () => {
    const r = await runCli(["plan", "--stack", "prod", "--format", "json"], { env: { ...process.env, HA_BLUEPRINT_PLAN_CACHE: "off" } });
    expect(r.code, r.stderr).toBe(0);
    const spawned = JSON.parse(r.stdout) as { deployment: { resources: unknown[] } };
    const inProcess = await planStack("prod");
    expect(spawned.deployment.resources.length).toBeGreaterThan(300);
    expect(spawned.deployment.resources).toEqual(JSON.parse(JSON.stringify(inProcess.export.deployment.resources)));
  });
});

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LoadedStack } from "../config/load";
import { PROJECT_ROOT } from "../config/paths";
import type { StackExport } from "../plan/stackExport";

/**
 * Plans kept between runs: `check --stack prod` after `plan --stack prod` does not run the program
 * again. A plan is a pure function of the stack's name and config, the code (every TypeScript
 * source the CLI builds from, by the build's own fingerprint) and the versions of the Pulumi SDKs
 * and providers; the key hashes all of them, so any change plans afresh. The program reads nothing
 * else (no environment, no files). Stored under .ha-blueprint/plan-cache/ (gitignored), the newest
 * MAX_ENTRIES kept; HA_BLUEPRINT_PLAN_CACHE=<dir> puts it elsewhere, =off turns it off.
 */

export interface CachedPlan {
  readonly export: StackExport;
  readonly warnings: string[];
  /**
   * The program's stack outputs, when they are plain JSON: the test helpers share plans between
   * vitest workers through this cache and read them; the CLI does not.
   */
  readonly outputs?: Record<string, unknown>;
}

const MAX_ENTRIES = 24;
/** A plan takes seconds; a lock this old belongs to a process that hung. */
const LOCK_STALE_MS = 120_000;
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/random"];

export function planCacheDir(): string | undefined {
  const setting = process.env.HA_BLUEPRINT_PLAN_CACHE;
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  return setting ? path.resolve(setting) : path.join(PROJECT_ROOT, ".ha-blueprint", "plan-cache");
}

function versionOf(pkg: string): string {
  try {
    return String(JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [PROJECT_ROOT] }), "utf8")).version);
  } catch {
    return "unknown";
  }
}

/** The build's fingerprint of the sources; undefined when it cannot be computed (then nothing is cached). */
function sourceFingerprint(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join(PROJECT_ROOT, "scripts", "build.js")) as { sourceFingerprint(): string }).sourceFingerprint();
  } catch {
    return undefined;
  }
}

/** The cache key of a stack's plan (config, code and SDK versions), or undefined when the code cannot be fingerprinted. */
export function planKey(stack: LoadedStack): string | undefined {
  const sources = sourceFingerprint();
  if (!sources) return undefined;
  const identity = {
    format: 1,
    stack: stack.name,
    config: stack.rawConfig,
    sources,
    versions: Object.fromEntries(["ha-blueprint", ...SDKS].map((p) => [p, p === "ha-blueprint" ? versionOf(PROJECT_ROOT) : versionOf(p)])),
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

function isCachedPlan(v: unknown): v is CachedPlan {
  const p = v as CachedPlan | null;
  return !!p && Array.isArray(p.warnings) && Array.isArray(p.export?.deployment?.resources);
}

/** The cached plan for `key`, or undefined (absent, unreadable or not a plan: planned again). */
export function readCachedPlan(key: string | undefined): CachedPlan | undefined {
  const dir = planCacheDir();
  if (!dir || !key) return undefined;
  try {
    const file = path.join(dir, `${key}.json`);
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    if (!isCachedPlan(doc)) return undefined;
    const now = new Date();
    fs.utimesSync(file, now, now); // recently used: kept by prune()
    return doc;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `fn` (which plans and stores under `key`) while holding `<key>.lock`, so processes that
 * plan the same config at once (a script running check and analyze side by side, the workers of
 * the test suite) plan it once: the others wait for the entry, then read it. The lock names its
 * process: a lock whose process is gone, or older than LOCK_STALE_MS, is ignored.
 */
export async function withPlanLock<T>(key: string | undefined, fn: () => Promise<T>): Promise<T> {
  const dir = planCacheDir();
  if (!dir || !key) return fn();
  const lock = path.join(dir, `${key}.lock`);
  let held = false;
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const start = Date.now(); Date.now() - start < LOCK_STALE_MS; ) {
      try {
        fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
        held = true;
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") break;
        const owner = Number(fs.readFileSync(lock, { encoding: "utf8", flag: "r" }) || 0);
        const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
        if ((owner > 0 && !isAlive(owner)) || age > LOCK_STALE_MS) {
          fs.rmSync(lock, { force: true });
          continue;
        }
        if (fs.existsSync(path.join(dir, `${key}.json`))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch {
    // An unwritable cache directory: plan without the lock.
  }
  try {
    return await fn();
  } finally {
    if (held) fs.rmSync(lock, { force: true });
  }
}

/** Stores a plan; a cache that cannot be written is skipped silently (the plan itself succeeded). */
export function writeCachedPlan(key: string | undefined, plan: CachedPlan): void {
  const dir = planCacheDir();
  if (!dir || !key) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    // Write then rename: a concurrent reader sees the old file or the whole new one.
    const tmp = path.join(dir, `.${key}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify({ export: plan.export, warnings: plan.warnings, ...(plan.outputs ? { outputs: plan.outputs } : {}) }));
    fs.renameSync(tmp, path.join(dir, `${key}.json`));
    prune(dir);
  } catch {
    // Read-only checkout, full disk: plans are simply not reused.
  }
}

function prune(dir: string): void {
  const entries = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of entries.slice(MAX_ENTRIES)) fs.rmSync(path.join(dir, f), { force: true });
}

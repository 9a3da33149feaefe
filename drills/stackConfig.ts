import * as fs from "node:fs";
import * as path from "node:path";
import type * as Automation from "@pulumi/pulumi/automation";
import { PROJECT } from "../config/schema";
import type { PreviewResult, RecordedState, StackConfigStore } from "./aws";

/**
 * Stack config through the Pulumi Automation API (needs the Pulumi CLI at run time, as `pulumi up`
 * does). The drill records runtime state only: `currentWriterRegion` and the traffic dials (with
 * `--path`, so they land as numbers inside the existing `routing` object). `writerRegion` is never
 * written: it is the shape the clusters were created with.
 *
 * The module is loaded with `require`, on first use: `import("@pulumi/pulumi/automation")` is a
 * directory import, which Node's ESM loader refuses (ERR_UNSUPPORTED_DIR_IMPORT) when the CLI runs
 * through tsx; `require` resolves the package's `automation/index.js` under tsx, plain Node and a
 * bundler alike, and loading it lazily keeps @pulumi/pulumi off the plan and simulate paths.
 */
function automation(): typeof Automation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/pulumi/automation") as typeof Automation;
}

/** Every Automation API call is bounded: a backend that stops answering must not hang the drill. */
const CALL_TIMEOUT_MS = 120_000;

function bounded<T>(what: string, p: Promise<T>, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** The Pulumi CLI missing is the usual cause; say that instead of a spawn error. */
export function explainAutomationError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  const text = `${e?.message ?? String(err)}`;
  if (e?.code === "ENOENT" || /ENOENT|command not found|not found on PATH|spawn pulumi/i.test(text)) {
    return "the Pulumi CLI was not found on PATH (install it and log in to the stack's backend, or pass --topology with the stack's topology output)";
  }
  const first = (e?.stderr || text).split("\n").map((l) => l.trim()).find((l) => l.length > 0) ?? text;
  return first.length > 300 ? `${first.slice(0, 300)}...` : first;
}

/** `stacks/Pulumi.prod.yaml` for stack `prod` (or `org/prod`) under Pulumi.yaml's stackConfigDir. */
export function stackFileFor(workDir: string, stackName: string): string | undefined {
  const project = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(workDir, f)).find((f) => fs.existsSync(f));
  if (!project) return undefined;
  const dir = /^\s*stackConfigDir:\s*["']?([^"'\n#]+?)["']?\s*$/m.exec(fs.readFileSync(project, "utf8"))?.[1] ?? ".";
  const file = path.join(dir, `Pulumi.${stackName.split("/").pop()}.yaml`);
  return path.normalize(file);
}

export class AutomationStackConfig implements StackConfigStore {
  private stackPromise?: Promise<Automation.Stack>;
  readonly stackFile?: string;

  constructor(private readonly opts: { readonly stackName: string; readonly workDir: string }) {
    this.stackFile = stackFileFor(opts.workDir, opts.stackName);
  }

  get description(): string {
    return `Pulumi stack ${this.opts.stackName} (${this.opts.workDir})`;
  }

  private stack(): Promise<Automation.Stack> {
    this.stackPromise ??= bounded(
      `selecting Pulumi stack ${this.opts.stackName}`,
      Promise.resolve().then(() => automation().LocalWorkspace.selectStack({ stackName: this.opts.stackName, workDir: this.opts.workDir })),
    );
    return this.stackPromise;
  }

  async read(): Promise<RecordedState> {
    const all = await bounded("pulumi config", (await this.stack()).getAllConfig());
    const routing = all[`${PROJECT}:routing`]?.value;
    let trafficDials: Record<string, number> = {};
    if (routing) {
      try {
        trafficDials = (JSON.parse(routing) as { trafficDials?: Record<string, number> }).trafficDials ?? {};
      } catch {
        trafficDials = {};
      }
    }
    const current = all[`${PROJECT}:currentWriterRegion`]?.value;
    return { ...(current ? { currentWriterRegion: current } : {}), trafficDials };
  }

  async write(state: RecordedState): Promise<void> {
    const stack = await this.stack();
    if (state.currentWriterRegion) await bounded("pulumi config set", stack.setConfig(`${PROJECT}:currentWriterRegion`, { value: state.currentWriterRegion }));
    else await bounded("pulumi config rm", stack.removeConfig(`${PROJECT}:currentWriterRegion`)).catch(() => undefined);
    for (const [region, dial] of Object.entries(state.trafficDials)) {
      // With --path, integers are stored as numbers (pulumi config set docs).
      await bounded("pulumi config set", stack.setConfig(`${PROJECT}:routing.trafficDials["${region}"]`, { value: String(dial) }, true));
    }
  }

  /** The deployed stack's `topology` output (real identifiers, unlike an offline plan). */
  async deployedTopology(): Promise<unknown> {
    const outputs = await bounded("pulumi stack output", (await this.stack()).outputs());
    return outputs.topology?.value;
  }

  async preview(opts: { signal?: AbortSignal }): Promise<PreviewResult> {
    const stack = await this.stack();
    const result = await stack.preview({ diff: true, color: "never", signal: opts.signal });
    // Lines of the diff that name a change: `~ update`, `+ create`, `- delete`, `+- replace`.
    const diff = result.stdout
      .split("\n")
      .map((l) => l.trimEnd())
      .filter((l) => /^\s*(\+-|-\+|~|\+|-)\s+\S/.test(l))
      .slice(0, 40);
    return { counts: { ...result.changeSummary } as Record<string, number>, diff };
  }
}

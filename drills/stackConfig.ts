import type { Stack } from "@pulumi/pulumi/automation";
import { PROJECT } from "../config/schema";
import type { StackConfigStore } from "./aws";

/**
 * Stack config through the Pulumi Automation API (needs the Pulumi CLI at run time, as `pulumi up`
 * does). Dials are written with `--path` semantics so they land as numbers inside the existing
 * `routing` object instead of replacing it; `preview` is the guard that the new config changes
 * nothing the program should not.
 */
export class AutomationStackConfig implements StackConfigStore {
  private stackPromise?: Promise<Stack>;

  constructor(private readonly opts: { readonly stackName: string; readonly workDir: string }) {}

  get description(): string {
    return `Pulumi stack ${this.opts.stackName} (${this.opts.workDir})`;
  }

  private stack(): Promise<Stack> {
    this.stackPromise ??= import("@pulumi/pulumi/automation").then(({ LocalWorkspace }) =>
      LocalWorkspace.selectStack({ stackName: this.opts.stackName, workDir: this.opts.workDir }),
    );
    return this.stackPromise;
  }

  async read(): Promise<{ writerRegion?: string; trafficDials: Record<string, number> }> {
    const all = await (await this.stack()).getAllConfig();
    const routing = all[`${PROJECT}:routing`]?.value;
    let trafficDials: Record<string, number> = {};
    if (routing) {
      try {
        trafficDials = (JSON.parse(routing) as { trafficDials?: Record<string, number> }).trafficDials ?? {};
      } catch {
        trafficDials = {};
      }
    }
    return { writerRegion: all[`${PROJECT}:currentWriterRegion`]?.value ?? all[`${PROJECT}:writerRegion`]?.value, trafficDials };
  }

  async write(change: { writerRegion?: string; trafficDials?: Record<string, number> }): Promise<void> {
    const stack = await this.stack();
    // `writerRegion` is the shape the clusters were created with (changing it would move ForceNew
    // credentials); the region that writes now is runtime state, recorded in its own key.
    if (change.writerRegion) await stack.setConfig(`${PROJECT}:currentWriterRegion`, { value: change.writerRegion });
    for (const [region, dial] of Object.entries(change.trafficDials ?? {})) {
      // With --path, integers are stored as numbers (pulumi config set docs).
      await stack.setConfig(`${PROJECT}:routing.trafficDials["${region}"]`, { value: String(dial) }, true);
    }
  }

  /** The deployed stack's `topology` output (real identifiers, unlike an offline plan). */
  async deployedTopology(): Promise<unknown> {
    const outputs = await (await this.stack()).outputs();
    return outputs.topology?.value;
  }

  async preview(): Promise<Record<string, number>> {
    const result = await (await this.stack()).preview();
    return { ...result.changeSummary } as Record<string, number>;
  }
}

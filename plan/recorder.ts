import type { ExportedResource } from "./stackExport";

/**
 * Records the full resource graph from the mock monitor's requests. `MockResourceArgs` carries no
 * parent or dependency edges, but the RegisterResourceRequest does, so we wrap the monitor's
 * `registerResource` and `registerResourceOutputs` and copy them out.
 */

interface JsMessage { toJavaScript(): unknown }
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): JsMessage | undefined;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getAliasurnsList(): string[];
}
interface RegisterResponse { getUrn(): string; getId(): string; getObject(): JsMessage | undefined }
type Callback = (err: unknown, response: RegisterResponse | undefined) => void;

interface MonitorLike {
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): JsMessage | undefined }, cb: (err: unknown, r: unknown) => void): void;
}

export interface GraphRecorder {
  readonly resources: ExportedResource[];
  /** Called with each provider's URN and inputs once it is registered. */
  onProvider?: (urn: string, inputs: Record<string, unknown>) => void;
  /**
   * Called before a resource reaches the mocks, with the outputs its class asks the engine to
   * treat as secret (`additionalSecretOutputs`); the engine, not the SDK, applies them.
   */
  onSecretOutputs?: (type: string, name: string, names: string[]) => void;
}

export function recordGraph(monitor: MonitorLike, recorder: GraphRecorder): void {
  const byUrn = new Map<string, ExportedResource>();
  const originalRegister = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const type = req.getType();
    const custom = req.getCustom();
    const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = value.getUrnsList();
    });
    if (req.getAdditionalsecretoutputsList().length) recorder.onSecretOutputs?.(type, req.getName(), req.getAdditionalsecretoutputsList());
    return originalRegister(req, (err, response) => {
      if (!err && response) {
        const urn = response.getUrn();
        const entry: ExportedResource = {
          urn,
          custom,
          ...(custom ? { id: response.getId() } : {}),
          type,
          inputs,
          outputs: custom ? ((response.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>) : {},
          ...(req.getParent() ? { parent: req.getParent() } : {}),
          ...(req.getProvider() ? { provider: req.getProvider() } : {}),
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          ...(req.getProtect() ? { protect: true } : {}),
          ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
          ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
          ...(req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
          ...(req.getAdditionalsecretoutputsList().length ? { additionalSecretOutputs: req.getAdditionalsecretoutputsList() } : {}),
        };
        recorder.resources.push(entry);
        byUrn.set(urn, entry);
        if (type.startsWith("pulumi:providers:")) recorder.onProvider?.(urn, inputs);
      }
      cb(err, response);
    });
  };
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const entry = byUrn.get(req.getUrn());
    if (entry) entry.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    originalOutputs(req, cb);
  };
}

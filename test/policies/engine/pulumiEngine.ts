import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, type ExportedResource } from "../../../plan/stackExport";

/**
 * The Pulumi engine's side of the policy-pack protocol, for a test that has no Pulumi CLI. It
 * starts the real pack entry (`policies/index.ts`, which constructs the PolicyPack and serves the
 * @pulumi/policy analyzer over gRPC) and sends it what the engine sends, ported from
 * pulumi/pulumi `sdk/go/common/resource/plugin/analyzer_plugin.go` and
 * `pkg/resource/analyzer/config.go`:
 * - GetAnalyzerInfo, then the config reconciled as ReconcilePolicyPackConfig does (schema
 *   defaults, the pack's initial config, then the `--policy-pack-config` file; `all` sets every
 *   level), sent with Configure;
 * - Analyze per resource with its inputs and its provider's inputs, AnalyzeStack once with every
 *   resource's outputs, options, parent and edges; properties marshalled as MarshalProperties
 *   with KeepUnknowns, KeepSecrets and SkipInternalKeys: unknowns as the sentinel strings,
 *   secrets as `{sig: secret, value}` with their plaintext, resource references as their id.
 * What it does not reproduce: the CLI's own process launch (it runs the entry with tsx instead of
 * run-policy-pack's type-checking ts-node, which takes minutes), and the engine's decision of
 * which steps to analyze (every resource of the graph is sent).
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

type Level = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVEL_OF: Record<number, Level> = { [pb.EnforcementLevel.ADVISORY]: "advisory", [pb.EnforcementLevel.MANDATORY]: "mandatory", [pb.EnforcementLevel.DISABLED]: "disabled", [pb.EnforcementLevel.REMEDIATE]: "remediate" };
const ENUM_OF: Record<Level, number> = { advisory: pb.EnforcementLevel.ADVISORY, mandatory: pb.EnforcementLevel.MANDATORY, disabled: pb.EnforcementLevel.DISABLED, remediate: pb.EnforcementLevel.REMEDIATE };
const SEVERITY_OF: Record<number, string> = {
  [pb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [pb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [pb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [pb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

interface PolicyConfig {
  enforcementLevel: Level | "";
  properties?: Record<string, unknown>;
}

export interface EngineDiagnostic {
  readonly policy: string;
  readonly urn: string;
  readonly message: string;
  readonly enforcementLevel: string;
  readonly severity: string;
}

/** MarshalPropertyValue with KeepUnknowns and KeepSecrets: the wire shape policies deserialize. */
export function marshalValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(marshalValue);
  const o = v as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) {
    // The engine holds secrets decrypted. An export that redacted the plaintext cannot give it
    // back, so a stand-in value travels instead (rules only ask whether such a secret is set).
    const value = "plaintext" in o && typeof o.plaintext === "string" ? JSON.parse(o.plaintext) : "value" in o ? o.value : "[secret]";
    return { [SIG_KEY]: SECRET_SIG, value: marshalValue(value) };
  }
  if (o[SIG_KEY] === RESOURCE_REF_SIG) return o.id ?? o.urn;
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, marshalValue(x)]));
}

/** MarshalProperties with SkipInternalKeys: keys starting with "__" stay in the engine. */
function marshalProperties(props: Record<string, unknown> | undefined): unknown {
  const out = Object.fromEntries(Object.entries(props ?? {}).filter(([k, v]) => !k.startsWith("__") && v !== undefined).map(([k, v]) => [k, marshalValue(v)]));
  return Struct.fromJavaScript(out);
}

function providerUrnOf(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  return ref.split("::").length > 4 ? ref.slice(0, ref.lastIndexOf("::")) : ref;
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function options(r: ExportedResource): unknown {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(r.protect === true);
  o.setIgnorechangesList(r.ignoreChanges ?? []);
  o.setDeletebeforereplacedefined(r.deleteBeforeReplace !== undefined);
  o.setDeletebeforereplace(r.deleteBeforeReplace === true);
  o.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
  o.setAliasesList([]);
  const t = new pb.AnalyzerResourceOptions.CustomTimeouts();
  t.setCreate(r.customTimeouts?.create ?? 0);
  t.setUpdate(r.customTimeouts?.update ?? 0);
  t.setDelete(r.customTimeouts?.delete ?? 0);
  o.setCustomtimeouts(t);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function providerMessage(byUrn: Map<string, ExportedResource>, r: ExportedResource): unknown {
  const urn = providerUrnOf(r.provider);
  const p = urn ? byUrn.get(urn) : undefined;
  if (!p || !urn) return undefined;
  const m = new pb.AnalyzerProviderResource();
  m.setUrn(urn);
  m.setType(p.type);
  m.setName(nameOf(urn));
  m.setProperties(marshalProperties(p.inputs));
  return m;
}

/** What AnalyzeStack carries: outputs (with the id bridged providers return among them), else the planned inputs. */
function stackProperties(r: ExportedResource): Record<string, unknown> {
  const outputs = r.outputs ?? {};
  if (Object.keys(outputs).length === 0) return r.inputs ?? {};
  return r.id && r.custom && !("id" in outputs) ? { id: r.id, ...outputs } : outputs;
}

function call<T>(client: any, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** parsePolicyPackConfig: a string is a level; an object may hold one plus properties. */
function parseConfigFile(doc: Record<string, unknown>): Record<string, PolicyConfig> {
  const out: Record<string, PolicyConfig> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === "string") out[k] = { enforcementLevel: v as Level };
    else {
      const { enforcementLevel, ...properties } = v as Record<string, unknown>;
      out[k] = { enforcementLevel: (enforcementLevel as Level) ?? "", properties: Object.keys(properties).length ? properties : undefined };
    }
  }
  return out;
}

/** applyConfig of pkg/resource/analyzer: `all` first (level only), then each policy's entry. */
function applyConfig(result: Record<string, PolicyConfig>, given: Record<string, PolicyConfig>): Record<string, PolicyConfig> {
  const all = given.all;
  if (all && all.enforcementLevel) for (const k of Object.keys(result)) result[k] = { enforcementLevel: all.enforcementLevel, properties: result[k].properties };
  for (const [policy, g] of Object.entries(given)) {
    const current = result[policy] ?? { enforcementLevel: "" };
    const properties = g.properties ? { ...(current.properties ?? {}), ...g.properties } : current.properties;
    result[policy] = { enforcementLevel: g.enforcementLevel || current.enforcementLevel, properties };
  }
  return result;
}

export class PolicyPackProcess {
  private constructor(private readonly child: ChildProcess, private readonly client: any) {}

  /** Starts `policies/index.ts` from the pack directory (PolicyPack reads its package.json from the cwd). */
  static async start(env: Record<string, string>): Promise<PolicyPackProcess> {
    const dir = path.resolve(__dirname, "../../../policies");
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), "index.ts"], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.stderr!.on("data", (d) => (err += d));
      child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
    });
    const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    return new PolicyPackProcess(child, client);
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }

  /**
   * GetAnalyzerInfo, ReconcilePolicyPackConfig and Configure, as `pulumi preview --policy-pack
   * policies --policy-pack-config <file>` does before the first resource is analyzed.
   */
  async configure(userConfig: Record<string, unknown> = {}): Promise<Record<string, PolicyConfig>> {
    const info = await call<any>(this.client, "getAnalyzerInfo", new Empty());
    const result: Record<string, PolicyConfig> = {};
    for (const p of info.getPoliciesList()) {
      const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
      const defaults = Object.fromEntries(Object.entries(schema as Record<string, any>).filter(([, s]) => s && "default" in s).map(([k, s]) => [k, s.default]));
      result[p.getName()] = { enforcementLevel: LEVEL_OF[p.getEnforcementlevel()], properties: Object.keys(defaults).length ? defaults : undefined };
    }
    // GetAnalyzerInfo converts each initial entry's level, absent ones reading as ADVISORY (0).
    const initial: Record<string, PolicyConfig> = {};
    info.getInitialconfigMap().forEach((v: any, k: string) => {
      initial[k] = { enforcementLevel: LEVEL_OF[v.getEnforcementlevel()], properties: v.getProperties()?.toJavaScript() };
    });
    applyConfig(result, initial);
    applyConfig(result, parseConfigFile(userConfig));
    const req = new pb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [k, v] of Object.entries(result)) {
      const c = new pb.PolicyConfig();
      c.setEnforcementlevel(ENUM_OF[(v.enforcementLevel || "advisory") as Level]);
      c.setProperties(Struct.fromJavaScript(v.properties ?? {}));
      map.set(k, c);
    }
    await call(this.client, "configure", req);
    const stack = new pb.AnalyzerStackConfigureRequest();
    stack.setStack("prod");
    stack.setProject("ha-blueprint");
    stack.setOrganization("organization");
    stack.setDryRun(true);
    await call(this.client, "configureStack", stack);
    return result;
  }

  private async diagnostics(method: "analyze" | "analyzeStack", req: unknown, urn: string, descriptions: Map<string, string>): Promise<EngineDiagnostic[]> {
    const res = await call<any>(this.client, method, req);
    return res.getDiagnosticsList().map((d: any) => {
      const prefix = `${d.getDescription()}\n`;
      descriptions.set(d.getPolicyname(), d.getDescription());
      return {
        policy: d.getPolicyname(),
        urn: d.getUrn() || urn,
        message: d.getMessage().startsWith(prefix) ? d.getMessage().slice(prefix.length) : d.getMessage(),
        enforcementLevel: LEVEL_OF[d.getEnforcementlevel()],
        severity: SEVERITY_OF[d.getSeverity()] ?? "unspecified",
      };
    });
  }

  /** Analyze every resource with its inputs, then AnalyzeStack with all of them: the diagnostics of one preview or update. */
  async run(resources: readonly ExportedResource[]): Promise<EngineDiagnostic[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const descriptions = new Map<string, string>();
    const found: EngineDiagnostic[] = [];
    const analyses = resources.map((r) => {
      const req = new pb.AnalyzeRequest();
      req.setUrn(r.urn);
      req.setType(r.type);
      req.setName(nameOf(r.urn));
      req.setProperties(marshalProperties(r.inputs));
      req.setOptions(options(r));
      const provider = providerMessage(byUrn, r);
      if (provider) req.setProvider(provider);
      return this.diagnostics("analyze", req, r.urn, descriptions);
    });
    for (const d of await Promise.all(analyses)) found.push(...d);
    const stack = new pb.AnalyzeStackRequest();
    stack.setResourcesList(resources.map((r) => {
      const m = new pb.AnalyzerResource();
      m.setUrn(r.urn);
      m.setType(r.type);
      m.setName(nameOf(r.urn));
      m.setProperties(marshalProperties(stackProperties(r)));
      m.setOptions(options(r));
      const provider = providerMessage(byUrn, r);
      if (provider) m.setProvider(provider);
      if (r.parent) m.setParent(r.parent);
      m.setDependenciesList(r.dependencies ?? []);
      const deps = m.getPropertydependenciesMap();
      for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) {
        // The engine skips properties with no dependencies.
        if (!v || v.length === 0) continue;
        const d = new pb.AnalyzerPropertyDependencies();
        d.setUrnsList(v);
        deps.set(k, d);
      }
      return m;
    }));
    found.push(...(await this.diagnostics("analyzeStack", stack, "", descriptions)));
    return found;
  }
}

import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { BLUEPRINT_ENV_VARS } from "../../config/appEnv";
import { loadStack } from "../../config/load";
import { runPlan } from "../../plan/run";
import { isSecretValue } from "../../plan/stackExport";
import { buildProgram } from "../../program";
import { withOverrides, wrapPlan, type Plan } from "../helpers/plan";
import { inputs, T } from "./support";

/**
 * docs/app-contract.md against the plan: for every combination of data-store kinds, the variables
 * of the app's ConfigMap and Secret and the container's mounts are exactly the doc's tables.
 * Whatever the plan gives wins: when the workload changes, this test says which row to change.
 */

/**
 * The plan redacts a secret as a whole, and the Secret's stringData is one secret, so its key names
 * are hidden too. This plans afresh (never through the shared plan cache) with an SDK-side stack
 * transformation that reads each Secret's data inside this process: names for the comparison, and
 * values only for the assertions below.
 */
async function planWithSecrets(stack: string, rawConfig: Record<string, unknown>): Promise<{ plan: Plan; secrets: Record<string, string>[] }> {
  const secrets: Record<string, string>[] = [];
  const result = await runPlan({
    stack,
    rawConfig,
    program: () => {
      pulumi.runtime.registerStackTransformation((args) => {
        if (args.type === T.secret) pulumi.output(args.props.stringData as pulumi.Input<Record<string, string>>).apply((d) => secrets.push(d));
        return undefined;
      });
      return buildProgram(() => undefined);
    },
  });
  return { plan: wrapPlan(result), secrets };
}

const DOC = path.resolve(__dirname, "../../docs/app-contract.md");
const doc = fs.readFileSync(DOC, "utf8");

interface Row { readonly name: string; readonly from: string; readonly when?: string }

/** The rows of the table between `<!-- contract:<id> -->` markers: first column unquoted, second column. */
function table(id: string): Row[] {
  const m = new RegExp(`<!-- contract:${id} -->\\n([\\s\\S]*?)<!-- /contract:${id} -->`).exec(doc);
  if (!m) throw new Error(`docs/app-contract.md has no contract:${id} table`);
  return m[1].split("\n").filter((l) => /^\| `/.test(l)).map((l) => {
    const cells = l.split("|").slice(1, -1).map((c) => c.trim());
    return { name: cells[0].replace(/`/g, ""), from: cells[1], when: cells[1] };
  });
}

const ELASTICACHE = { kind: "elasticache-global", nodeType: "cache.r7g.large", nodesPerRegion: 3, snapshotRetentionDays: 7 };
const COMBINATIONS = [
  { database: "aurora-global", sessions: "memorydb-multi-region", stack: "prod", replace: {} },
  { database: "aurora-global", sessions: "elasticache-global", stack: "prod", replace: { "ha-blueprint:sessionStore": ELASTICACHE } },
  { database: "aurora-dsql", sessions: "memorydb-multi-region", stack: "prod-dsql", replace: {} },
  { database: "aurora-dsql", sessions: "elasticache-global", stack: "prod-dsql", replace: { "ha-blueprint:sessionStore": ELASTICACHE } },
] as const;

interface Given { configMap: string[]; secret: string[]; mounts: string[] }
const given = new Map<string, Given>();

/** The mount paths of the app container, the same in every region. */
function appMounts(plan: Plan): string[] {
  const apps = plan.ofType(T.deployment).filter((r) => inputs(r).metadata.name === "app");
  expect(apps.length).toBeGreaterThanOrEqual(2);
  const mounts = apps.map((d) => inputs(d).spec.template.spec.containers[0].volumeMounts.map((v: { mountPath: string }) => v.mountPath).sort().join(","));
  expect(new Set(mounts).size).toBe(1);
  return mounts[0].split(",");
}

beforeAll(async () => {
  for (const c of COMBINATIONS) {
    const { plan, secrets } = await planWithSecrets(c.stack, { ...loadStack(c.stack).rawConfig, ...c.replace });
    const maps = plan.ofType(T.configMap).filter((m) => inputs(m).data?.APP_REGION !== undefined);
    expect(maps.length).toBeGreaterThanOrEqual(2);
    // Every region's pods get the same names.
    expect(new Set(maps.map((m) => Object.keys(inputs(m).data).sort().join(","))).size).toBe(1);
    // One Secret per region, redacted in the plan; the same names in each.
    expect(plan.ofType(T.secret).every((s) => isSecretValue(inputs(s).stringData))).toBe(true);
    expect(secrets).toHaveLength(plan.ofType(T.secret).length);
    expect(new Set(secrets.map((d) => Object.keys(d).sort().join(","))).size).toBeLessThanOrEqual(1);
    given.set(`${c.database}+${c.sessions}`, {
      configMap: Object.keys(inputs(maps[0]).data).sort(),
      secret: secrets[0] ? Object.keys(secrets[0]).sort() : [],
      mounts: appMounts(plan),
    });
  }
});

describe("docs/app-contract.md", () => {
  for (const c of COMBINATIONS) {
    it(`names exactly the variables the plan gives with ${c.database} and ${c.sessions}`, () => {
      const rows = [...table("always"), ...table(c.database), ...table(c.sessions)];
      const g = given.get(`${c.database}+${c.sessions}`)!;
      expect({ configMap: rows.filter((r) => r.from === "ConfigMap").map((r) => r.name).sort(), secret: rows.filter((r) => r.from === "Secret").map((r) => r.name).sort() })
        .toEqual({ configMap: g.configMap, secret: g.secret });
    });
  }

  it("lists the container's mounts (the shipped stacks run the placeholder image)", () => {
    const rows = table("mounts");
    for (const g of given.values()) expect(rows.map((r) => r.name).sort()).toEqual(g.mounts);
    expect(rows.filter((r) => r.when === "always").map((r) => r.name)).toEqual(["/tmp"]);
  });

  it("reserves every variable the plan gives, so app.env cannot shadow one", () => {
    const all = new Set([...given.values()].flatMap((g) => [...g.configMap, ...g.secret]));
    expect([...all].filter((n) => !(BLUEPRINT_ENV_VARS as readonly string[]).includes(n))).toEqual([]);
  });

  it("has a client snippet that reads only variables the plan gives", () => {
    const snippet = /```js\n\/\/ contract:snippet\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const read = [...new Set([...snippet.matchAll(/env\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]))];
    expect(read.length).toBeGreaterThan(10);
    const all = new Set([...given.values()].flatMap((g) => [...g.configMap, ...g.secret]));
    expect(read.filter((n) => !all.has(n))).toEqual([]);
  });
});

describe("the app's own variables on top of the contract", () => {
  it("adds app.env to the ConfigMap and app.secretEnv to the Secret, each value where it belongs", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-AbCdEf";
    const { plan, secrets } = await planWithSecrets("prod", withOverrides(loadStack("prod").rawConfig, {
      "ha-blueprint:app": { env: { LOG_LEVEL: "debug" }, secretEnv: { STRIPE_API_KEY: { fromConfig: "stripeApiKey" }, PARTNER_TOKEN: { secretsManagerArn: arn, jsonKey: "token" } } },
      "ha-blueprint:stripeApiKey": "sk_test_value_1",
    }));
    const base = given.get("aurora-global+memorydb-multi-region")!;
    for (const m of plan.ofType(T.configMap).filter((c) => inputs(c).data?.APP_REGION !== undefined)) {
      expect(Object.keys(inputs(m).data).sort()).toEqual([...base.configMap, "LOG_LEVEL"].sort());
      expect(inputs(m).data.LOG_LEVEL).toBe("debug");
    }
    expect(plan.ofType(T.secret)).toHaveLength(2);
    expect(secrets).toHaveLength(2);
    expect(JSON.stringify(plan.export)).not.toContain("sk_test_value_1");
    for (const data of secrets) {
      expect(Object.keys(data).sort()).toEqual([...base.secret, "PARTNER_TOKEN", "STRIPE_API_KEY"].sort());
      expect(data.STRIPE_API_KEY).toBe("sk_test_value_1");
      // Offline, Secrets Manager's answer is the mock's placeholder for the JSON key.
      expect(data.PARTNER_TOKEN).toBe("plan-placeholder-token");
    }
  });
});

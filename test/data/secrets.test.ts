import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActiveActiveStack } from "../../components";
import { secretData } from "../../components/app/workload";
import { loadStack } from "../../config/load";
import { parseConfig } from "../../config/parse";
import { COMPUTED, type ComputeContext } from "../../plan/computed";
import { runPlan } from "../../plan/run";
import { planStackFresh, type Plan } from "../helpers/plan";
import { isSecret, T } from "./helpers";

/**
 * The DB master password and the session store's auth token come from @pulumi/random. This file
 * captures the values the mock provider generates for them, then proves they appear nowhere in
 * plain text: not in the plan JSON, not in a stack output, not in any resource input or output.
 */

const generated: string[] = [];
const original = COMPUTED[T.password];
COMPUTED[T.password] = (ctx: ComputeContext) => {
  const out = original(ctx);
  generated.push(String(out.state.result));
  return out;
};
// Test files share modules within a worker (vitest.config.mts): leave the mocks as they were.
afterAll(() => {
  COMPUTED[T.password] = original;
});

function valueOf<V>(input: pulumi.Input<V>): Promise<V> {
  return new Promise((resolve) => pulumi.output(input).apply((v) => {
    resolve(v as V);
    return v;
  }));
}

/** Every 12-character slice, so a value embedded in a longer string (a URL, a DSN) is caught too. */
function fragments(value: string): string[] {
  return Array.from({ length: value.length - 11 }, (_, i) => value.slice(i, i + 12));
}

describe("secrets in the prod plan", () => {
  let plan: Plan;
  beforeAll(async () => {
    generated.length = 0;
    // Planned here, not reused from another file: the values are captured while the program runs.
    plan = await planStackFresh("prod");
  });

  it("generates exactly a 32-character DB password and a 64-character MemoryDB password per region", () => {
    expect(generated.map((g) => g.length).sort((a, b) => a - b)).toEqual([32, 64, 64]);
    // The session passwords hold only characters MemoryDB accepts, and differ per region.
    for (const g of generated.filter((x) => x.length === 64)) expect(g).toMatch(/^[A-Za-z0-9!&#$^<>-]+$/);
    expect(new Set(generated.filter((x) => x.length === 64)).size).toBe(2);
    expect(generated.find((g) => g.length === 32)).not.toMatch(/[/"@ ]/);
  });

  it("records the generated results as secrets, never as values", () => {
    const passwords = plan.ofType(T.password);
    expect(passwords).toHaveLength(3);
    for (const p of passwords) {
      expect(isSecret(p.outputs?.result)).toBe(true);
      expect(isSecret(p.outputs?.bcryptHash)).toBe(true);
      // @pulumi/random runs on its own default provider, not a regional AWS provider.
      expect(plan.regionOf(p)).toBeUndefined();
    }
  });

  it("keeps every input built from them secret: the writer's master password and every region's session password", () => {
    const clusters = plan.ofType(T.cluster).filter((c) => c.inputs?.masterPassword !== undefined);
    expect(clusters).toHaveLength(1);
    expect(isSecret(clusters[0].inputs?.masterPassword)).toBe(true);
    expect(isSecret(clusters[0].outputs?.masterPassword)).toBe(true);
    const users = plan.ofType(T.memorydbUser);
    expect(users).toHaveLength(2);
    for (const u of users) {
      const passwords = (u.inputs?.authenticationMode as { passwords: unknown }).passwords;
      expect(isSecret(passwords) || (Array.isArray(passwords) && passwords.every(isSecret))).toBe(true);
      const out = (u.outputs?.authenticationMode as { passwords: unknown }).passwords;
      expect(isSecret(u.outputs?.authenticationMode) || isSecret(out) || (Array.isArray(out) && out.every(isSecret))).toBe(true);
    }
  });

  it("never writes a generated value in plain text into the plan JSON", () => {
    const json = JSON.stringify(plan.export);
    expect(generated).toHaveLength(3);
    for (const value of generated) {
      for (const fragment of fragments(value)) expect(json.includes(fragment), "plan JSON leaks a secret").toBe(false);
    }
  });

  it("never exposes a generated value in a stack output", () => {
    const stackOutputs = JSON.stringify(plan.outputs) + JSON.stringify(plan.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs);
    expect(stackOutputs).toContain("writerEndpoint");
    for (const value of generated) {
      for (const fragment of fragments(value)) expect(stackOutputs.includes(fragment), "stack output leaks a secret").toBe(false);
    }
  });
});

describe("secrets handed to the app tier", () => {
  // One in-process run of the prod program for both cases, with the values the mock generated in it.
  let stack: ActiveActiveStack | undefined;
  let values: string[] = [];
  beforeAll(async () => {
    generated.length = 0;
    await runPlan({
      stack: "prod",
      rawConfig: loadStack("prod").rawConfig,
      program: () => {
        stack = new ActiveActiveStack("ha", { config: parseConfig(pulumi.runtime.allConfig()), stack: "prod" });
        return { topology: stack.topology };
      },
    });
    values = [...generated];
  });

  it("passes no DB password, and each region's own session password to its AppConnection as Pulumi secrets", async () => {
    expect(Object.keys(stack!.appConnections).sort()).toEqual(["us-east-1", "us-west-2"]);
    const sessionPasswords: string[] = [];
    for (const { database, sessions } of Object.values(stack!.appConnections)) {
      if (database.kind !== "aurora-global" || sessions.kind !== "memorydb-multi-region") throw new Error("prod uses aurora-global and memorydb-multi-region");
      // The app gets no database password at all: it signs IAM tokens as its own role.
      expect(database).not.toHaveProperty("password");
      expect(await valueOf(database.user)).not.toBe("app_admin");
      expect(await pulumi.isSecret(pulumi.output(sessions.password))).toBe(true);
      expect(await pulumi.isSecret(pulumi.output(database.writerHost))).toBe(false);
      sessionPasswords.push(await valueOf(sessions.password));
    }
    expect(sessionPasswords.sort()).toEqual(values.filter((g) => g.length === 64).sort());
  });

  it("builds each region's app-namespace Secret without the master password: only the session password", async () => {
    const master = values.find((g) => g.length === 32);
    expect(master).toBeDefined();
    for (const connection of Object.values(stack!.appConnections)) {
      const data = await valueOf(secretData(connection)!);
      expect(Object.keys(data)).toEqual(["REDIS_PASSWORD"]);
      for (const value of Object.values(data)) expect(value).not.toBe(master);
    }
  });
});

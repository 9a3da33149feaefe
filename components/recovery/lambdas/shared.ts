/**
 * What every recovery Lambda shares: its configuration comes from environment variables the
 * component sets (components/recovery/functions.ts), never from the invocation payload, so a
 * function behaves the same whether ARC, EventBridge or a person invokes it.
 */

export function envJson<T>(name: string, env: NodeJS.ProcessEnv = process.env): T {
  const raw = env[name];
  if (!raw) throw new Error(`environment variable ${name} is not set`);
  return JSON.parse(raw) as T;
}

export function envString(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[name];
  if (!raw) throw new Error(`environment variable ${name} is not set`);
  return raw;
}

/** Errors that say "the service is busy", not "the thing is broken": never read as a failure. */
export function isThrottle(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? "";
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|Rate exceeded/i.test(name) || /Rate exceeded/i.test((err as Error)?.message ?? "");
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

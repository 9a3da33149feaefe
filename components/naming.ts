import { createHash } from "node:crypto";

/**
 * Physical (AWS-side) names. Logical names are `${parent}-<role>`; physical names add the stack and
 * a short region code so two stacks, or two regions of one stack, never collide, including for
 * global names such as IAM roles. Each AWS name field has its own length limit, so the caller
 * passes it and long names are shortened with a stable hash suffix.
 */

const REGION_WORDS: Record<string, string> = {
  north: "n", south: "s", east: "e", west: "w", central: "c",
  northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
};

/** `us-east-1` -> `use1`, `ap-southeast-2` -> `apse2`, `us-gov-west-1` -> `usgovw1`. */
export function regionCode(region: string): string {
  const parts = region.split("-");
  const number = parts.pop() ?? "";
  const area = parts.pop() ?? "";
  return `${parts.join("")}${REGION_WORDS[area] ?? area.slice(0, 2)}${number}`;
}

export interface NameParts {
  readonly stack: string;
  /** Omit for global (region-less) resources that are unique per stack anyway. */
  readonly region?: string;
  readonly role: string;
}

/** Lower-case, hyphenated, at most `maxLength` characters, starting with a letter. */
export function physicalName(parts: NameParts, maxLength = 63): string {
  const raw = ["ha", parts.stack, parts.region ? regionCode(parts.region) : undefined, parts.role]
    .filter((p): p is string => !!p)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-");
  if (raw.length <= maxLength) return raw;
  const hash = createHash("sha256").update(raw).digest("hex").slice(0, 7);
  return `${raw.slice(0, maxLength - 8).replace(/-$/, "")}-${hash}`;
}

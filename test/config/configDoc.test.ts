import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_DOC, renderConfigDoc, schemaComments } from "../../scripts/configDoc";

describe("docs/config.md", () => {
  it("is what the generator writes from config/schema.ts (run npm run generate:config-doc after a schema change)", () => {
    expect(fs.readFileSync(CONFIG_DOC, "utf8")).toBe(renderConfigDoc());
  });

  it("takes each key's explanation and @default from the TSDoc above it, through referenced schema variables", () => {
    const comments = schemaComments();
    // A shorthand property (`cidr,`) inside a schema variable (regionSchema) used through z.array().
    expect(comments.get("regions.cidr")?.text).toMatch(/^VPC CIDR; must not overlap/);
    expect(comments.get("app.failoverHeadroom.sharePercent")).toEqual({ text: "Share of the total traffic, in percent, one region must be able to serve alone.", default: "100", prose: false });
    expect(comments.get("app.deletionProtection")).toMatchObject({ default: "true in prod, false elsewhere", prose: true });
    const doc = renderConfigDoc();
    expect(doc).toContain("| `app.secretEnv.<NAME>.secretsManagerArn` | string |");
    expect(doc).toMatch(/\| `strictness` \| `"dev"` \\\| `"staging"` \\\| `"prod"` \|/);
  });
});

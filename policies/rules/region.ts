import { defineStackRule } from "../engine/types";
import { GLOBAL } from "../../graph/model";

/**
 * Every regional rule asks "where": a graph whose AWS resources have no region (a preview without
 * provider steps, an export whose provider leaves the region to the environment) would pass them
 * all for want of a region to compare. That is unknown, never clean.
 */
export const regionKnown = defineStackRule({
  name: "ha-region-known",
  description: "The region of the stack's regional AWS resources can be determined (their own region input, their provider's region or the stack's aws:region); a graph with none placed cannot be judged region by region and never passes clean.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL10-BP01"],
  remediation: "check with --stack <name> (its aws:region), check a `pulumi stack export` (which records provider regions), or set region on the AWS providers",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    const aws = graph.managed().filter((n) => n.custom && n.type.startsWith("aws:"));
    const unplaced = aws.filter((n) => graph.regionOf(n) === undefined);
    // With some resources placed the regional rules judge those; with none, they judge nothing.
    if (unplaced.length === 0 || aws.some((n) => { const r = graph.regionOf(n); return r !== undefined && r !== GLOBAL; })) return;
    report(unplaced[0], `is one of ${unplaced.length} AWS resource(s) whose region the graph does not say, and no resource of the stack is placed in a region, so the region-by-region rules judge nothing and a clean result would mean nothing`);
  },
});

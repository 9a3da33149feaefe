import { defineStackRule } from "../engine/types";
import { GLOBAL } from "../../graph/model";

/**
 * Every regional rule asks "where": a graph whose AWS resources have no region (a preview without
 * provider steps, an export whose provider leaves the region to the environment) would pass them
 * all for want of a region to compare. That is unknown, never clean.
 */
export const regionKnown = defineStackRule({
  name: "ha-region-known",
  description: "The region of every regional AWS resource can be determined (its own region input, its provider's region or the stack's aws:region); otherwise the regional rules cannot judge the stack and it never passes clean.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL10-BP01"],
  remediation: "check with --stack <name> (its aws:region), check a `pulumi stack export` (which records provider regions), or set region on the AWS providers",
  scope: "stack",
  config: {},
  check({ graph, report }) {
    const unplaced = graph.managed().filter((n) => n.custom && n.type.startsWith("aws:") && graph.regionOf(n) === undefined);
    if (unplaced.length === 0) return;
    const placed = graph.managed().filter((n) => n.custom && n.type.startsWith("aws:") && graph.regionOf(n) !== GLOBAL && graph.regionOf(n) !== undefined).length;
    report(unplaced[0], `is one of ${unplaced.length} AWS resource(s) whose region the graph does not say (${placed} placed), so region-by-region rules cannot judge them and a clean result would mean nothing`);
  },
});

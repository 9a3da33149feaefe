import { defineResourceRule } from "../engine/types";
import { asString, effectiveBool } from "../engine/values";
import { T } from "./common";

/** R30. Keys that protect the data tier and backups rotate yearly. */
export const kmsKeyRotation = defineResourceRule({
  name: "sec-kms-key-rotation",
  description: "Symmetric customer-managed KMS keys have automatic rotation enabled.",
  severity: "medium",
  kind: "security",
  anchors: ["AwsSolutions-KMS5", "CKV_AWS_7", "awsguard cmk-backing-key-rotation-enabled"],
  remediation: "set enableKeyRotation: true",
  scope: "resource",
  types: [T.kmsKey],
  config: {},
  check(key, { graph, report }) {
    const spec = asString(graph.prop(key, "customerMasterKeySpec")) ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") return; // AWS rotates only symmetric keys automatically
    if (effectiveBool(graph, key, "enableKeyRotation", false) === false) report(key, "does not rotate (enableKeyRotation defaults to false)");
  },
});

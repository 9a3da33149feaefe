import { PolicyPack } from "@pulumi/policy";
import { packArgs, packInitialConfig } from "./pack";

// The pack's entry point does only this: the rules live in policies/rules/ so tests and
// `ha-blueprint check` import them without starting the policy analyzer's gRPC server.
new PolicyPack("ha-blueprint", packArgs(), packInitialConfig());

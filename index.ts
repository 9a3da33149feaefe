import { buildProgram } from "./program";

const outputs = buildProgram();

/** Machine-readable description of the deployed topology; `ha-blueprint drill` and `analyze` read it. */
export const topology = outputs.topology;

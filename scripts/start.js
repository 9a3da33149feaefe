#!/usr/bin/env node
"use strict";
// `npm start`: what a new user runs first. Plans the dev stack offline, checks the plan against the
// policy pack, and analyzes it: three runs of bin/ha-blueprint.js, each printing its own summary.
// The exit code is the worst of the three (0 clean, 1 a finding, 2 bad input stops at once).
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const bin = path.join(__dirname, "..", "bin", "ha-blueprint.js");
const plan = path.join(".ha-blueprint", "plan-dev.json");
const steps = [
  ["plan", "--stack", "dev", "--out", plan],
  ["check", "--state", plan, "--stack", "dev"],
  ["analyze", "--state", plan, "--stack", "dev"],
];

let worst = 0;
for (const args of steps) {
  process.stdout.write(`\n$ ha-blueprint ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: "inherit" });
  const code = r.status ?? 70;
  worst = Math.max(worst, code);
  if (code >= 2) break;
}
process.exit(worst);

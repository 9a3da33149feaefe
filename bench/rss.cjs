"use strict";
// Preloaded by bench/cli.ts into every measured process: reports the process's peak memory.
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) require("node:fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});

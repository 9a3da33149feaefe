// Loaded with `node --require` in front of bin/ha-blueprint.js by the real-CLI tests of an
// execute run: AWS answers from the cloud model (aws-sdk-client-mock patches the same SDK client
// classes the CLI loads) and the drill's clock is virtual, so a run that polls for minutes takes
// milliseconds. The CLI itself, its loader and the Automation API run unchanged.
"use strict";
// The clock module of the build bin/ha-blueprint.js will run (dist/).
const clock = require(`${require("../../scripts/runtime.js").builtCli()}/drills/aws`);
require("tsx/cjs");
const { FakeCloud } = require("./fakeCloud.ts");

const cloud = new FakeCloud();
// Polls and waits run on the virtual clock; step deadlines stay real timers (they never fire in
// a run this short). A virtual deadline would jump ahead while the Automation API waits on the
// real Pulumi CLI process, which is I/O the virtual clock cannot see.
clock.realClock.now = () => cloud.clock.now();
clock.realClock.sleep = (ms) => cloud.clock.sleep(ms);
process.on("exit", () => {
  if (process.env.FAKE_AWS_LOG) require("node:fs").writeFileSync(process.env.FAKE_AWS_LOG, JSON.stringify(cloud.mutations()));
});

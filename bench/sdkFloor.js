"use strict";
// The floor `npm run bench` compares the CLI with: a bare Node process that loads the Pulumi SDKs
// a program uses (their package roots, as `import * as aws from "@pulumi/aws"` does) and sets up
// the mock runtime, and does nothing else. No CLI can plan under mocks faster than this.
const pulumi = require("@pulumi/pulumi");
require("@pulumi/aws");
require("@pulumi/kubernetes");
require("@pulumi/random");
pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "floor", "floor", false).then(() => process.exit(0));

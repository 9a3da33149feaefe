import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The project's root directory (where Pulumi.yaml and package.json live), found from this file's
 * location whether it runs as TypeScript from config/ or as the built JavaScript from dist/config/.
 */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, "..");
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

/** Where `--stack <name>` finds `Pulumi.<name>.yaml` unless `--stacks-dir` says otherwise. */
export const STACK_DIR = path.join(PROJECT_ROOT, "stacks");

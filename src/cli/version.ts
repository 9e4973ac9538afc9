// The `--version` fallback (`findPackageVersion()`): the version of the nearest package.json
// above the entry script. May import node built-ins only.
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The `version` of the nearest package.json at or above `from` (the app's own, so the search stops there) (default: the entry script's
 * folder), or `undefined` when there is none.
 *
 * @example
 * ```ts
 * findPackageVersion(); // "1.4.0"
 * ```
 */
export function findPackageVersion(from?: string): string | undefined {
  let dir: string;
  try {
    dir = from ?? dirname(realpathSync(process.argv[1] ?? ""));
  } catch {
    dir = process.cwd();
  }
  for (;;) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, "package.json"), "utf8");
    } catch {
      // no package.json here: keep going up
    }
    if (text !== undefined) {
      try {
        const { version } = JSON.parse(text) as { version?: unknown };
        return typeof version === "string" ? version : undefined;
      } catch {
        return undefined;
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

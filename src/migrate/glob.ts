/**
 * `expandModulePatterns()`: turns the `models` entries of a config (paths or globs with `*`, `?` and
 * `**`) into files. A small matcher rather than a dependency: Node 20 has no `fs.glob`, and these
 * patterns need no more. It may import node:fs, node:path and the errors.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { MigrationConfigError } from "./errors.js";

const MAGIC = /[*?]/;

/**
 * The files `patterns` name, relative to `root`, in order (each pattern's matches sorted), without
 * duplicates. A plain path must exist; a glob must match at least one file. `node_modules` and
 * folders starting with `.` are never searched by a glob.
 *
 * @example
 * ```ts
 * expandModulePatterns(["./src/models/*.ts"], "/app"); // ["/app/src/models/order.ts", "/app/src/models/user.ts"]
 * ```
 */
export function expandModulePatterns(patterns: readonly string[], root: string): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    if (typeof pattern !== "string" || pattern.trim() === "") {
      throw new MigrationConfigError(
        `models: every entry must be a path or a glob, got ${JSON.stringify(pattern)}`,
      );
    }
    const absolute = isAbsolute(pattern) ? pattern : resolve(root, pattern);
    if (!MAGIC.test(pattern)) {
      if (!existsSync(absolute) || !statSync(absolute).isFile()) {
        throw new MigrationConfigError(`models: ${pattern} does not exist (relative to ${root})`);
      }
      out.add(absolute);
      continue;
    }
    const segments = absolute.split(/[\\/]/);
    const fixed = segments.findIndex((s) => MAGIC.test(s));
    const base = segments.slice(0, fixed).join("/") || "/";
    const matches = walk(base, segments.slice(fixed)).sort();
    if (matches.length === 0)
      throw new MigrationConfigError(`models: ${pattern} matches no file (relative to ${root})`);
    for (const match of matches) out.add(match);
  }
  return [...out];
}

/** Files under `dir` matching the remaining pattern `segments`. */
function walk(dir: string, segments: readonly string[]): string[] {
  if (segments.length === 0) return [];
  const [head, ...rest] = segments;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (head === "**") {
    out.push(...walk(dir, rest));
    for (const name of entries) {
      const path = join(dir, name);
      if (searchable(name) && isDirectory(path)) out.push(...walk(path, segments));
    }
    return out;
  }
  const match = segmentRegExp(head);
  for (const name of entries) {
    if (!match.test(name)) continue;
    const path = join(dir, name);
    if (rest.length === 0) {
      if (!isDirectory(path)) out.push(path);
    } else if (searchable(name) && isDirectory(path)) out.push(...walk(path, rest));
  }
  return out;
}

function segmentRegExp(segment: string): RegExp {
  const body = segment
    .split("")
    .map((c) => (c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

const searchable = (name: string) => name !== "node_modules" && !name.startsWith(".");

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

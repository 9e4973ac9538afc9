// Fast mode runs from source with the repository's own devDependencies, never bench/node_modules
// (the peer install of full mode, which may or may not be there). Files under bench/ would resolve
// bare imports from bench/node_modules first, so the fast suites load packages through this module,
// which resolves them from the repository root, as src/ does: the same better-sqlite3 binding and
// the same zod instance on both sides of every comparison.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const rootRequire = createRequire(join(ROOT, "package.json"));

/** Imports `name` as the repository root would (its ESM entry when it has one). */
export async function rootImport<T>(name: string): Promise<T> {
  const dir = join(ROOT, "node_modules", name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const dot = typeof pkg.exports === "object" ? (pkg.exports["."] ?? pkg.exports) : undefined;
  const esm = typeof dot === "string" ? dot : (dot?.import?.default ?? dot?.import ?? dot?.default);
  if (typeof esm === "string") return (await import(pathToFileURL(join(dir, esm)).href)) as T;
  return rootRequire(name) as T;
}

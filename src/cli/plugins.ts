// Loads a folder of command modules (`loadPlugins()`) so their `register()` calls run, calling a
// `register` / default export with the registry. May import node built-ins, errors.ts, and the
// `CommandRegistry` type (a plugin's setup function receives the full class, to register on it).
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PluginLoadError } from "./errors.js";
import type { CommandRegistry } from "./registry.js";

/**
 * One imported plugin module.
 *
 * @example
 * ```ts
 * for (const { name, path } of await loadPlugins("./commands", cli)) console.log(name, path);
 * ```
 */
export interface LoadedPlugin {
  /** File name without extension. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  /** The module namespace. */
  readonly module: Record<string, unknown>;
}

const MODULE = /\.(m|c)?(j|t)s$/;
const SKIP = /(^[_.])|\.d\.(m|c)?ts$|\.(test|spec)\.(m|c)?(j|t)s$/;

/**
 * Imports every non-private module of `dir` (files starting with `_` or `.`, tests and `.d.ts`
 * are skipped), in name order, so that their module-level `register()` calls run. A module whose
 * `register` export (or default export) is a function gets called with `registry`, for plugins
 * that do not import the app's registry themselves. Returns the loaded modules.
 * A missing folder, or a module that fails to import or register, throws `PluginLoadError`.
 *
 * @example
 * ```ts
 * // commands/deploy.js: export default (cli) => cli.register({ name: "deploy", args: { env: String } }, ...)
 * await loadPlugins(new URL("./commands", import.meta.url).pathname, cli);
 * ```
 */
export async function loadPlugins(dir: string, registry: CommandRegistry): Promise<LoadedPlugin[]> {
  const root = resolve(dir);
  let names: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
    names = readdirSync(root).sort();
  } catch (err) {
    throw new PluginLoadError(root, `plugin folder not found (${(err as Error).message})`, err);
  }
  const loaded: LoadedPlugin[] = [];
  for (const file of names) {
    if (!MODULE.test(file) || SKIP.test(file)) continue;
    const path = join(root, file);
    if (!statSync(path).isFile()) continue;
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const setup = [module.register, module.default].find(
        (f): f is (r: CommandRegistry) => unknown =>
          typeof f === "function" && !/^class\b/.test(Function.prototype.toString.call(f)),
      );
      if (setup) await setup(registry);
    } catch (err) {
      throw new PluginLoadError(path, err instanceof Error ? err.message : String(err), err);
    }
    loaded.push({ name: file.replace(MODULE, ""), path, module });
  }
  return loaded;
}

// Loads a folder of command modules (`loadPlugins()`) so their `register()` calls run, calling a
// `register` / default export with the registry. The work is in plugin-loader.ts, loaded by
// `import()` when `loadPlugins()` runs, so it stays off an app's start-up path. May import
// errors.ts, plugin-loader.ts and the `CommandRegistry` type.
import { PluginLoadError } from "./errors.js";
import type { LoadedPlugin } from "./plugin-loader.js";
import type { CommandRegistry } from "./registry.js";

export type { LoadedPlugin } from "./plugin-loader.js";

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
  const { importPlugins } = await import("./plugin-loader.js");
  return importPlugins({
    dir,
    registry,
    fail: (path, message, cause) => new PluginLoadError(path, message, cause),
  });
}

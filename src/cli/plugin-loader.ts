// The body of `loadPlugins()` (plugins.ts): reads a folder and imports its command modules. It is
// a chunk of its own, loaded by `import()` when `loadPlugins()` runs, so an app that loads no
// plugins never parses it. Internal (registers/cli does not export it). May import node built-ins
// only: the registry is a type parameter and the error comes in as `fail` (plugins.ts passes the
// `CommandRegistry` and `PluginLoadError`), so that this chunk shares no module with the start-up
// path and esbuild does not split errors.ts into a chunk of its own (one more file at start-up).
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

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

/** What `importPlugins()` works on. @internal */
export interface PluginFolder<R> {
  /** The folder to import. */
  readonly dir: string;
  /** Passed to each module's `register` / default export. */
  readonly registry: R;
  /** The error for a missing folder or a failing module (`PluginLoadError`). */
  readonly fail: (path: string, message: string, cause: unknown) => Error;
}

/**
 * What `loadPlugins(dir, registry)` does (see its documentation in plugins.ts). @internal
 *
 * @example
 * ```ts
 * const loaded = await importPlugins({ dir: "./commands", registry: cli, fail: (path, message, cause) => new PluginLoadError(path, message, cause) });
 * ```
 */
export async function importPlugins<R>({ dir, registry, fail }: PluginFolder<R>): Promise<LoadedPlugin[]> {
  const root = resolve(dir);
  let names: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
    names = readdirSync(root).sort();
  } catch (err) {
    throw fail(root, `plugin folder not found (${(err as Error).message})`, err);
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
        (f): f is (r: R) => unknown =>
          typeof f === "function" && !/^class\b/.test(Function.prototype.toString.call(f)),
      );
      if (setup) await setup(registry);
    } catch (err) {
      throw fail(path, err instanceof Error ? err.message : String(err), err);
    }
    loaded.push({ name: file.replace(MODULE, ""), path, module });
  }
  return loaded;
}

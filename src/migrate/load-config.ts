/**
 * Loads `registers.config.ts` and the model modules it names, with no build step for the user: like
 * drizzle-kit, each is bundled at run time by esbuild (TypeScript, TC39 decorators) into a temporary
 * `.mjs` beside the config, imported, and deleted. Packages stay external, so the models import the
 * same installed `registers` (and `zod`) as the command: one copy, one model registry. It may import
 * registers/db's model internals, the config types and the errors; esbuild is imported lazily.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import type { AnyModelClass } from "../db/database-registry.js";
import { MANAGER, ModelBase } from "../db/model-base.js";
import type { RegistersConfig } from "./config.js";
import { MigrationConfigError } from "./errors.js";
import { expandModulePatterns } from "./glob.js";

/** The names looked for in the current directory, in this order. */
export const CONFIG_FILES = [
  "registers.config.ts",
  "registers.config.mts",
  "registers.config.js",
  "registers.config.mjs",
] as const;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Directory searched for a config file; default `process.cwd()`. */
  readonly cwd?: string;
  /** An explicit config file (relative to `cwd`). */
  readonly config?: string;
  /** Read for `DATABASE_URL`; default `process.env`. */
  readonly env?: Record<string, string | undefined>;
}

/** A loaded config: absolute paths, the models loaded on first request. */
export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Absolute path of the migrations folder. */
  readonly migrations: string;
  /** The model classes of the config's modules (imported on first call, then cached). */
  models(): Promise<readonly AnyModelClass[]>;
  /** The database URL: `DATABASE_URL`, else the config's `url`, else the models' shared URL. */
  url(): Promise<string>;
}

/**
 * Finds, bundles and imports the config. Throws `MigrationConfigError` when there is none, when it
 * fails to load, or when its default export is not a config.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ cwd: "/app" });
 * const models = await config.models();
 * ```
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = findConfig(cwd, options.config);
  const root = dirname(file);
  const exported = await importBundled(file, { entryPoints: [file] });
  const config = (exported as { default?: unknown }).default;
  checkConfig(config, file);
  const patterns = typeof config.models === "string" ? [config.models] : [...config.models];
  let models: Promise<readonly AnyModelClass[]> | undefined;
  const loadModels = () => {
    models ??= loadModelModules(expandModulePatterns(patterns, root), root);
    return models;
  };
  return {
    file,
    migrations: resolve(root, config.migrations ?? "./migrations"),
    models: loadModels,
    async url() {
      if (env.DATABASE_URL) return env.DATABASE_URL;
      if (config.url !== undefined) return config.url;
      const urls = new Set((await loadModels()).map((model) => modelUrl(model)));
      if (urls.size === 1) return [...urls][0];
      throw new MigrationConfigError(
        `${basename(file)} gives no url and the models are registered on ${urls.size === 0 ? "no database" : `${urls.size} databases`}: ` +
          "set url in the config or DATABASE_URL",
      );
    },
  };
}

function findConfig(cwd: string, explicit: string | undefined): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new MigrationConfigError(`the config file ${explicit} does not exist`);
    return file;
  }
  for (const name of CONFIG_FILES) {
    const file = join(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new MigrationConfigError(
    `no registers.config.ts in ${cwd}: create one (export default defineConfig({ models: ["./src/models.ts"], url: "app.db" })) or pass --config <file>`,
  );
}

function checkConfig(config: unknown, file: string): asserts config is RegistersConfig {
  const name = basename(file);
  if (config === null || typeof config !== "object") {
    throw new MigrationConfigError(`${name} must export default defineConfig({ models: [...], url: "..." })`);
  }
  const { models, url, migrations } = config as Record<string, unknown>;
  const isStrings = Array.isArray(models) && models.length > 0 && models.every((m) => typeof m === "string");
  if (typeof models !== "string" && !isStrings)
    throw new MigrationConfigError(`${name}: models must be a path or glob, or a non-empty list of them`);
  if (url !== undefined && (typeof url !== "string" || url === ""))
    throw new MigrationConfigError(`${name}: url must be a non-empty string`);
  if (migrations !== undefined && (typeof migrations !== "string" || migrations === ""))
    throw new MigrationConfigError(`${name}: migrations must be a folder path`);
}

/** Bundles `files` (one entry re-exporting each) and collects their registered model classes. */
async function loadModelModules(files: readonly string[], root: string): Promise<readonly AnyModelClass[]> {
  const contents = files.map((f, i) => `export * as m${i} from ${JSON.stringify(f)};`).join("\n");
  const namespaces = await importBundled(join(root, CONFIG_FILES[0]), {
    stdin: { contents, resolveDir: root, loader: "js", sourcefile: "registers-models.js" },
  });
  const found = new Set<AnyModelClass>();
  for (const [i, namespace] of Object.values(namespaces).entries()) {
    for (const value of Object.values(namespace as Record<string, unknown>)) {
      if (typeof value !== "function") continue;
      if (value.prototype instanceof ModelBase) {
        if (Object.hasOwn(value, MANAGER)) found.add(value as AnyModelClass);
      } else if ("schema" in value && "objects" in value) {
        throw new MigrationConfigError(
          `${value.name} in ${files[i]} is a model of another copy of registers: install registers once (npm ls registers)`,
        );
      }
    }
  }
  if (found.size === 0) {
    throw new MigrationConfigError(
      `no registered model is exported by ${files.join(", ")}: export the classes decorated with @databaseRegistry`,
    );
  }
  return [...found];
}

function modelUrl(model: AnyModelClass): string {
  return (model as unknown as Record<symbol, { engine: { url: string } }>)[MANAGER].engine.url;
}

/** Bundles with esbuild into a temporary .mjs beside `near` (so packages resolve as from there) and imports it. */
async function importBundled(
  near: string,
  input:
    | { entryPoints: string[] }
    | { stdin: { contents: string; resolveDir: string; loader: "js"; sourcefile: string } },
): Promise<Record<string, unknown>> {
  const { build } = await import("esbuild");
  let code: string;
  try {
    const result = await build({
      ...input,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "silent",
      plugins: [oneRegisters(), keepImportMeta()],
    });
    code = result.outputFiles[0].text;
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } }[] })
      .errors;
    const first = errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    throw new MigrationConfigError(
      `cannot compile ${basename(near)} or the modules it names: ${first?.text ?? String(error)}${where}`,
      { cause: error },
    );
  }
  const temp = join(dirname(near), `.registers-${process.pid}-${Date.now().toString(36)}.mjs`);
  writeFileSync(temp, code);
  try {
    return (await import(pathToFileURL(temp).href)) as Record<string, unknown>;
  } catch (error) {
    throw new MigrationConfigError(
      `loading ${basename(near)} or its models failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The root of the registers package this code runs from (the folder of its package.json). */
function registersRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "registers")
          return dir;
      } catch {
        // not ours: keep climbing
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const ENTRY_SOURCES: Record<string, string> = {
  "src/index": "registers",
  "src/cli/index": "registers/cli",
  "src/db/index": "registers/db",
  "src/fastify/index": "registers/fastify",
  "src/migrate/index": "registers/migrate",
};

/**
 * Code inside the registers repository (its examples) imports registers' own source entry points by
 * relative path; they are mapped to the package, so the command and the models share one copy.
 */
function oneRegisters(): Plugin {
  const root = registersRoot();
  return {
    name: "registers-one-copy",
    setup(build) {
      if (root === undefined) return;
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (!target.startsWith(root + sep)) return undefined;
        const relative = target
          .slice(root.length + 1)
          .split(sep)
          .join("/");
        const entry = ENTRY_SOURCES[relative.slice(0, relative.length - extname(relative).length)];
        return entry === undefined ? undefined : { path: entry, external: true };
      });
    },
  };
}

/** `import.meta.url`, `.dirname` and `.filename` keep naming each source file, not the bundle. */
function keepImportMeta(): Plugin {
  return {
    name: "registers-import-meta",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const contents = source
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
        const ext = extname(args.path).replace(/^\.[cm]?/, "");
        return { contents, loader: ext as "ts" | "tsx" | "js" | "jsx" };
      });
    },
  };
}

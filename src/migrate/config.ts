/**
 * The shape of `registers.config.ts` and `defineConfig()`, which only types it. A leaf: imports
 * nothing, so a config file costs nothing to type-check.
 */

/**
 * What `registers.config.ts` (or `.mts`, `.js`, `.mjs`) exports as default. Paths are relative to
 * the config file.
 *
 * @example
 * ```ts
 * const config: RegistersConfig = { models: "./src/models/*.ts", migrations: "./db/migrations" };
 * ```
 */
export interface RegistersConfig {
  /**
   * The modules that define the models: paths or globs (`*`, `?`, `**`), such as
   * `["./src/models.ts"]` or `"./src/models/*.ts"`. Every exported registered model class of these
   * modules is part of the schema.
   */
  readonly models: string | readonly string[];
  /**
   * The database URL. `DATABASE_URL` overrides it. Default: the URL the models are registered on,
   * when they all share one.
   */
  readonly url?: string;
  /** The migrations folder; default `"./migrations"`. */
  readonly migrations?: string;
}

/**
 * Types a `registers.config.ts` (it returns its argument unchanged).
 *
 * @example
 * ```ts
 * // registers.config.ts
 * import { defineConfig } from "registers/migrate";
 *
 * export default defineConfig({ models: ["./src/models.ts"], url: "app.db", migrations: "./migrations" });
 * ```
 */
export function defineConfig(config: RegistersConfig): RegistersConfig {
  return config;
}

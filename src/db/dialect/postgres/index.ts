/**
 * The PostgreSQL dialect's entry point, loaded only when a `postgres://` URL is used.
 */
import type { Dialect } from "../dialect.js";
import { parseServerUrl, type ServerUrlRules } from "../server-url.js";
import { PostgresDialect } from "./postgres-dialect.js";

/** URL rules for PostgreSQL: `postgres://` or `postgresql://`, default port 5432, `schema` allowed. */
export const postgresUrlRules: ServerUrlRules = {
  dialect: "PostgreSQL",
  driver: "pg",
  schemes: ["postgres", "postgresql"],
  defaultPort: 5432,
  requireDatabase: false,
  allowSchema: true,
};

/**
 * Parses a PostgreSQL URL (synchronously; throws `ConfigurationError` on a bad one) and returns its
 * dialect. `pg` is loaded only by `createDriver()`.
 *
 * Options: `sslmode`, `poolSize` (or `max`), `connectTimeout` (ms), `statementTimeout` (ms),
 * `schema` (search_path; created if missing).
 *
 * @example
 * ```ts
 * const dialect = createPostgresDialect("postgres://app:s%40cret@db:5432/shop?schema=tenant_1&poolSize=20");
 * const driver = await dialect.createDriver();
 * ```
 */
export function createPostgresDialect(url: string): Dialect {
  return new PostgresDialect(parseServerUrl(url, postgresUrlRules));
}

export { PostgresDialect } from "./postgres-dialect.js";

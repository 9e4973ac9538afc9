/**
 * The MariaDB/MySQL dialect's entry point, loaded only when a `mysql://` or `mariadb://` URL is
 * used.
 */
import type { Dialect } from "../dialect.js";
import { parseServerUrl, type ServerUrlRules } from "../server-url.js";
import { MysqlDialect } from "./mysql-dialect.js";

/** URL rules for MariaDB/MySQL: `mysql://` or `mariadb://`, default port 3306, a database is required. */
export const mysqlUrlRules: ServerUrlRules = {
  dialect: "MySQL",
  driver: "mysql2",
  schemes: ["mysql", "mariadb"],
  defaultPort: 3306,
  requireDatabase: true,
  allowSchema: false,
};

/**
 * Parses a MariaDB/MySQL URL (synchronously; throws `ConfigurationError` on a bad one) and returns its
 * dialect. `mysql2` is loaded only by `createDriver()`.
 *
 * Options: `sslmode`, `poolSize` (or `max`), `connectTimeout` (ms), `statementTimeout` (ms: MariaDB
 * `max_statement_time`, MySQL `max_execution_time`, which MySQL applies to SELECT only).
 *
 * @example
 * ```ts
 * const dialect = createMysqlDialect("mariadb://app:s%40cret@db:3306/shop?poolSize=20");
 * const driver = await dialect.createDriver();
 * ```
 */
export function createMysqlDialect(url: string): Dialect {
  return new MysqlDialect(parseServerUrl(url, mysqlUrlRules));
}

export { MysqlDialect } from "./mysql-dialect.js";

import { isAbsolute, resolve } from "node:path";
import { ConfigurationError } from "../../errors.js";
import type { Dialect } from "../dialect.js";
import { SqliteDialect, type SqliteTarget } from "./sqlite-dialect.js";

const MEMORY = new Set([
  ":memory:",
  "sqlite::memory:",
  "sqlite://",
  "sqlite:///:memory:",
  "sqlite://:memory:",
]);

/**
 * Parses a SQLite URL, synchronously: a bare path (`"app.db"`, relative to the current directory),
 * `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (SQLAlchemy's form: the path is what
 * follows `sqlite:///`), or the in-memory database (`":memory:"`, `"sqlite::memory:"`).
 * Throws `ConfigurationError` on anything else.
 *
 * @example
 * ```ts
 * parseSqliteUrl("sqlite:////var/lib/app.db"); // { filename: "/var/lib/app.db", memory: false }
 * parseSqliteUrl(":memory:"); // { filename: ":memory:", memory: true }
 * ```
 */
export function parseSqliteUrl(url: string): SqliteTarget {
  if (typeof url !== "string" || url.trim() === "") {
    throw new ConfigurationError(
      `invalid database URL ${JSON.stringify(url)}: give a file path, sqlite:///path or ":memory:"`,
    );
  }
  if (MEMORY.has(url)) return { filename: ":memory:", memory: true };
  let path = url;
  if (url.startsWith("sqlite:")) {
    if (!url.startsWith("sqlite:///")) {
      throw new ConfigurationError(
        `invalid SQLite URL ${JSON.stringify(url)}: use sqlite:///relative.db, sqlite:////absolute.db or sqlite::memory:`,
      );
    }
    path = decodeURIComponent(url.slice("sqlite:///".length).split("?")[0]);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigurationError(
      `unsupported database URL scheme in ${JSON.stringify(url.split("://")[0])}://...: ` +
        "use a file path, sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
    );
  }
  if (path === "")
    throw new ConfigurationError(`invalid SQLite URL ${JSON.stringify(url)}: the path is empty`);
  return { filename: isAbsolute(path) ? path : resolve(process.cwd(), path), memory: false };
}

/**
 * Creates the SQLite dialect for a URL (see `parseSqliteUrl`). better-sqlite3 is loaded only by
 * `createDriver()`.
 *
 * @example
 * ```ts
 * const dialect = createSqliteDialect("app.db");
 * const driver = await dialect.createDriver();
 * ```
 */
export function createSqliteDialect(url: string): Dialect {
  return new SqliteDialect(parseSqliteUrl(url));
}

export { SqliteDialect, type SqliteTarget } from "./sqlite-dialect.js";
export { SqliteDriver } from "./sqlite-driver.js";

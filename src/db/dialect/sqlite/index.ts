/**
 * The SQLite dialect's entry point (built in: no server, no optional package).
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigurationError } from "../../errors.js";
import type { Dialect } from "../dialect.js";
import { parseSqliteDriverName, type SqliteDriverName } from "./sqlite-binding.js";
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
 * Any of them may end in `?driver=better-sqlite3` or `?driver=node` (node:sqlite) to pick the
 * binding (see `loadSqliteBinding`); a bare path keeps any other `?...` as part of the file name.
 * Throws `ConfigurationError` on anything else.
 *
 * @example
 * ```ts
 * parseSqliteUrl("sqlite:////var/lib/app.db"); // { filename: "/var/lib/app.db", memory: false }
 * parseSqliteUrl(":memory:"); // { filename: ":memory:", memory: true }
 * parseSqliteUrl("app.db?driver=node"); // { filename: "<cwd>/app.db", memory: false, driver: "node" }
 * ```
 */
export function parseSqliteUrl(url: string): SqliteTarget {
  if (typeof url !== "string" || url.trim() === "") {
    throw new ConfigurationError(
      `invalid database URL ${JSON.stringify(url)}: give a file path, sqlite:///path or ":memory:"`,
    );
  }
  const { base, driver } = splitDriverOption(url);
  const withDriver = <T extends object>(target: T) => (driver === undefined ? target : { ...target, driver });
  if (MEMORY.has(base)) return withDriver({ filename: ":memory:", memory: true });
  let path = base;
  if (base.startsWith("sqlite:")) {
    if (!base.startsWith("sqlite:///")) {
      throw new ConfigurationError(
        `invalid SQLite URL ${JSON.stringify(url)}: use sqlite:///relative.db, sqlite:////absolute.db or sqlite::memory:`,
      );
    }
    path = decodeURIComponent(base.slice("sqlite:///".length).split("?")[0]);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(base)) {
    throw new ConfigurationError(
      `unsupported database URL scheme in ${JSON.stringify(base.split("://")[0])}://...: ` +
        "use a file path, sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
    );
  }
  if (path === "")
    throw new ConfigurationError(`invalid SQLite URL ${JSON.stringify(url)}: the path is empty`);
  return withDriver({ filename: isAbsolute(path) ? path : resolve(process.cwd(), path), memory: false });
}

/**
 * Takes the `driver` option off a URL's query. `sqlite:` URLs: the query is always options (others
 * are ignored, as before). Bare paths: only a query holding `driver` is options, so a file named
 * `a?b.db` keeps working.
 */
function splitDriverOption(url: string): { base: string; driver?: SqliteDriverName } {
  const mark = url.indexOf("?");
  if (mark < 0) return { base: url };
  const query = new URLSearchParams(url.slice(mark + 1));
  const value = query.get("driver");
  if (value === null) return { base: url.startsWith("sqlite:") ? url.slice(0, mark) : url };
  return { base: url.slice(0, mark), driver: parseSqliteDriverName(value, `the URL ${JSON.stringify(url)}`) };
}

/**
 * Creates the SQLite dialect for a URL (see `parseSqliteUrl`). The binding (better-sqlite3 or
 * node:sqlite) is chosen and loaded only by `createDriver()`.
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

export { NodeSqliteDatabase } from "./node-sqlite-database.js";
export {
  betterSqlite3Misfit,
  defaultSqliteDriver,
  loadSqliteBinding,
  parseSqliteDriverName,
  type SqliteBinding,
  type SqliteDriverName,
} from "./sqlite-binding.js";
export { SqliteDialect, type SqliteTarget } from "./sqlite-dialect.js";
export { SqliteDriver } from "./sqlite-driver.js";

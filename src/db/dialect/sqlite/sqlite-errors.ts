import type { DriverErrorKind } from "../dialect.js";

/** The fields of a better-sqlite3 `SqliteError` this module reads. */
interface SqliteErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
}

/**
 * Classifies a better-sqlite3 error by its SQLite extended result code (`SQLITE_CONSTRAINT_UNIQUE`,
 * `SQLITE_CONSTRAINT_PRIMARYKEY`, ...), never by message text. For a unique violation the column
 * list is read from SQLite's fixed detail format (`UNIQUE constraint failed: t.a, t.b`) once the code
 * has said what the error is.
 *
 * @example
 * ```ts
 * classifySqliteError(error); // { kind: "unique", columns: ["email"] }
 * ```
 */
export function classifySqliteError(error: unknown): DriverErrorKind {
  const code = (error as SqliteErrorLike | null)?.code;
  if (typeof code !== "string") return { kind: "other" };
  switch (code) {
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
      return { kind: "unique", primaryKey: true, columns: uniqueColumns(error) };
    case "SQLITE_CONSTRAINT_UNIQUE":
      return { kind: "unique", primaryKey: false, columns: uniqueColumns(error) };
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return { kind: "foreign-key" };
    case "SQLITE_CONSTRAINT_NOTNULL": {
      const columns = uniqueColumns(error);
      return columns ? { kind: "not-null", column: columns[0] } : { kind: "not-null" };
    }
    case "SQLITE_BUSY":
    case "SQLITE_BUSY_TIMEOUT":
    case "SQLITE_LOCKED":
    case "SQLITE_INTERRUPT":
      return { kind: "timeout" };
    case "SQLITE_CANTOPEN":
    case "SQLITE_NOTADB":
    case "SQLITE_IOERR":
      return { kind: "connection" };
    default:
      return { kind: "other" };
  }
}

/** `UNIQUE constraint failed: users.email, users.name` -> `["email", "name"]` (SQLite's fixed detail format). */
function uniqueColumns(error: unknown): string[] | undefined {
  const message = (error as SqliteErrorLike | null)?.message;
  if (typeof message !== "string") return undefined;
  const colon = message.lastIndexOf(": ");
  if (colon < 0) return undefined;
  const columns = message
    .slice(colon + 2)
    .split(", ")
    .map((part) => part.slice(part.indexOf(".") + 1).trim())
    .filter((part) => part.length > 0);
  return columns.length > 0 ? columns : undefined;
}

/**
 * SQLite error classification by extended result code. It imports the dialect types only.
 */
import type { DriverErrorKind } from "../dialect.js";

/** The fields of a better-sqlite3 `SqliteError` (or a node:sqlite error) this module reads. */
interface SqliteErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  /** node:sqlite: the extended result code as a number (its `code` is always `ERR_SQLITE_ERROR`). */
  readonly errcode?: unknown;
}

/** node:sqlite's numeric extended result codes, named as better-sqlite3 names them (the ones classified). */
const NODE_SQLITE_CODES: ReadonlyMap<number, string> = new Map([
  [1, "SQLITE_ERROR"],
  [5, "SQLITE_BUSY"],
  [6, "SQLITE_LOCKED"],
  [9, "SQLITE_INTERRUPT"],
  [10, "SQLITE_IOERR"],
  [14, "SQLITE_CANTOPEN"],
  [26, "SQLITE_NOTADB"],
  [773, "SQLITE_BUSY_TIMEOUT"],
  [787, "SQLITE_CONSTRAINT_FOREIGNKEY"],
  [1299, "SQLITE_CONSTRAINT_NOTNULL"],
  [1555, "SQLITE_CONSTRAINT_PRIMARYKEY"],
  [1811, "SQLITE_CONSTRAINT_TRIGGER"],
  [2067, "SQLITE_CONSTRAINT_UNIQUE"],
]);

/** The better-sqlite3 style code of an error from either binding. */
function sqliteCode(error: unknown): unknown {
  const { code, errcode } = (error ?? {}) as SqliteErrorLike;
  if (code === "ERR_SQLITE_ERROR" && typeof errcode === "number") return NODE_SQLITE_CODES.get(errcode);
  return code;
}

/**
 * Classifies a better-sqlite3 error by its SQLite extended result code (`SQLITE_CONSTRAINT_UNIQUE`,
 * `SQLITE_CONSTRAINT_PRIMARYKEY`, ...), never by message text; a node:sqlite error by its numeric
 * `errcode`, mapped to the same names. For a unique violation the column
 * list is read from SQLite's fixed detail format (`UNIQUE constraint failed: t.a, t.b`) once the code
 * has said what the error is.
 *
 * @example
 * ```ts
 * classifySqliteError(error); // { kind: "unique", columns: ["email"] }
 * ```
 */
export function classifySqliteError(error: unknown): DriverErrorKind {
  const code = sqliteCode(error);
  if (typeof code !== "string") return { kind: "other" };
  switch (code) {
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
      return { kind: "unique", primaryKey: true, columns: uniqueColumns(error) };
    case "SQLITE_CONSTRAINT_UNIQUE":
      return { kind: "unique", primaryKey: false, columns: uniqueColumns(error) };
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return { kind: "foreign-key" };
    case "SQLITE_CONSTRAINT_TRIGGER": {
      // ON DELETE RESTRICT reports this code (as a trigger's RAISE would), with SQLite's fixed text.
      const message = (error as SqliteErrorLike | null)?.message;
      return typeof message === "string" && message.startsWith("FOREIGN KEY constraint failed")
        ? { kind: "foreign-key" }
        : { kind: "other" };
    }
    case "SQLITE_CONSTRAINT_NOTNULL": {
      const columns = uniqueColumns(error);
      return columns ? { kind: "not-null", column: columns[0] } : { kind: "not-null" };
    }
    case "SQLITE_BUSY":
    case "SQLITE_BUSY_TIMEOUT":
    case "SQLITE_LOCKED":
    case "SQLITE_INTERRUPT":
      return { kind: "timeout" };
    case "SQLITE_ERROR": {
      // The generic code: a missing table is told apart only by SQLite's fixed message prefix.
      const message = (error as SqliteErrorLike | null)?.message;
      return typeof message === "string" && message.startsWith("no such table: ")
        ? { kind: "missing-table" }
        : { kind: "other" };
    }
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

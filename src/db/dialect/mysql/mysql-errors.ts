import { ConnectionError, StatementTimeoutError } from "../../errors.js";
import type { DriverErrorKind } from "../dialect.js";
import { SOCKET_ERROR_CODES } from "../server-url.js";

/** The fields of a `mysql2` error this dialect reads. */
export interface MysqlErrorFields {
  errno?: unknown;
  code?: unknown;
  fatal?: unknown;
  message?: unknown;
}

/** What a unique key this dialect created covers (kept for names too long to parse back). */
export interface KeyInfo {
  readonly columns: readonly string[];
}

/** mysql2's own codes for a lost or closed connection, beside the Node socket codes. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  ...SOCKET_ERROR_CODES,
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "POOL_CLOSED",
]);

/** errno values of a refused or lost session: access denied, unknown database, too many connections, killed. */
const CONNECTION_ERRNOS: ReadonlySet<number> = new Set([
  1040, 1044, 1045, 1049, 1927, 2002, 2003, 2006, 2013,
]);

/** True when the error means "no usable connection" (`fatal` is mysql2's structured flag for that). */
export function isMysqlConnectionFailure(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  const fields = (error ?? {}) as MysqlErrorFields;
  if (fields.fatal === true) return true;
  if (typeof fields.code === "string" && CONNECTION_CODES.has(fields.code)) return true;
  return typeof fields.errno === "number" && CONNECTION_ERRNOS.has(fields.errno);
}

/**
 * Classifies a `mysql2` error by errno / code, never by message text. The one exception is the NAME of
 * the violated unique key on errno 1062: MySQL and MariaDB report it nowhere but inside the message
 * (`... for key 'email_key'`), so only that trailing quoted name is read, and mapped back to columns
 * through this dialect's deterministic key names (`<column>_key`, `PRIMARY`).
 *
 * @example
 * ```ts
 * classifyMysqlError({ errno: 1062, message: "Duplicate entry 'a' for key 'email_key'" }, new Map());
 * // { kind: "unique", constraint: "email_key", columns: ["email"] }
 * ```
 */
export function classifyMysqlError(error: unknown, keys: ReadonlyMap<string, KeyInfo>): DriverErrorKind {
  if (error instanceof StatementTimeoutError) return { kind: "timeout" };
  if (isMysqlConnectionFailure(error)) return { kind: "connection" };
  const fields = (error ?? {}) as MysqlErrorFields;
  switch (fields.errno) {
    case 1062:
    case 1586:
      return duplicateEntry(fields, keys);
    case 1216:
    case 1217:
    case 1451:
    case 1452:
      return { kind: "foreign-key" };
    case 1048:
    case 1364:
      return { kind: "not-null" };
    case 1969: // MariaDB max_statement_time
    case 3024: // MySQL max_execution_time
      return { kind: "timeout" };
    case 1146:
      return { kind: "missing-table" };
    default:
      return { kind: "other" };
  }
}

function duplicateEntry(fields: MysqlErrorFields, keys: ReadonlyMap<string, KeyInfo>): DriverErrorKind {
  const quoted = typeof fields.message === "string" ? /'([^']*)'$/.exec(fields.message)?.[1] : undefined;
  if (quoted === undefined) return { kind: "unique" };
  // MySQL 8 qualifies the key with its table (`users.email_key`); MariaDB does not.
  const key = quoted.slice(quoted.lastIndexOf(".") + 1);
  if (key === "PRIMARY") return { kind: "unique", constraint: key, primaryKey: true };
  const known = keys.get(key);
  if (known) return { kind: "unique", constraint: key, columns: [...known.columns] };
  if (key.endsWith("_key") && key.length > 4) {
    return { kind: "unique", constraint: key, columns: [key.slice(0, -"_key".length)] };
  }
  return { kind: "unique", constraint: key };
}

/**
 * MariaDB/MySQL error classification by errno, and the unique-key name read robustly from
 * `ER_DUP_ENTRY`. It imports the dialect types only.
 */
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

/**
 * errno values of a refused or lost session: access denied, unknown database, too many connections,
 * killed; 1047 is what a Galera node that is not (yet) part of the primary component answers
 * ("WSREP has not yet prepared node for application use"): the node cannot serve, like a lost link.
 */
const CONNECTION_ERRNOS: ReadonlySet<number> = new Set([
  1040, 1044, 1045, 1047, 1049, 1927, 2002, 2003, 2006, 2013,
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
 * the violated unique key on errno 1062: MySQL and MariaDB report it nowhere but at the end of the
 * message (`Duplicate entry '<value>' for key '<name>'`, neither part escaped), so only that name is
 * read, and mapped back to columns through this dialect's key names (`<column>_key`, `PRIMARY`).
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
      return foreignKeyFailure(fields);
    case 1048:
    case 1364:
      return { kind: "not-null" };
    case 1969: // MariaDB max_statement_time
    case 3024: // MySQL max_execution_time
      return { kind: "timeout" };
    case 1146:
      return { kind: "missing-table" };
    case 1213: // ER_LOCK_DEADLOCK: an InnoDB deadlock, or a Galera certification conflict at COMMIT
      return { kind: "serialization" };
    default:
      return { kind: "other" };
  }
}

/**
 * errno 1451/1452 name the constraint only in the message (`..., CONSTRAINT \`orders_user_id_fkey\`
 * FOREIGN KEY ...`): once the errno has said what the error is, the name is read from there.
 */
function foreignKeyFailure(fields: MysqlErrorFields): DriverErrorKind {
  const message = typeof fields.message === "string" ? fields.message : "";
  const match = /CONSTRAINT `((?:[^`]|``)+)` FOREIGN KEY/.exec(message);
  return match
    ? { kind: "foreign-key", constraint: (match[1] as string).replaceAll("``", "`") }
    : { kind: "foreign-key" };
}

const FOR_KEY = " for key '";

function duplicateEntry(fields: MysqlErrorFields, keys: ReadonlyMap<string, KeyInfo>): DriverErrorKind {
  const key = typeof fields.message === "string" ? duplicateKeyName(fields.message, keys) : undefined;
  if (key === undefined) return { kind: "unique" };
  if (key === "PRIMARY") return { kind: "unique", constraint: key, primaryKey: true };
  const known = keys.get(key);
  if (known) return { kind: "unique", constraint: key, columns: [...known.columns] };
  if (key.endsWith("_key") && key.length > 4) {
    return { kind: "unique", constraint: key, columns: [key.slice(0, -"_key".length)] };
  }
  return { kind: "unique", constraint: key };
}

/**
 * The key name of a duplicate-entry message. Neither the value nor the name is escaped (a field named
 * `o'brien` has the key `o'brien_key`), and the value comes first and may hold quotes or the text
 * `for key '`, so the name is read from the END: the longest key this dialect created (or `PRIMARY`)
 * that the message ends with as `for key '<name>'`, or as `.<name>'` (MySQL 8 qualifies the name with
 * its table: `users.email_key`); else the text after the last `for key '` (and its last dot).
 */
function duplicateKeyName(message: string, keys: ReadonlyMap<string, KeyInfo>): string | undefined {
  if (!message.endsWith("'")) return undefined;
  let best: string | undefined;
  for (const name of [...keys.keys(), "PRIMARY"]) {
    if (best !== undefined && name.length <= best.length) continue;
    const start = message.length - name.length - 1;
    if (start < 1 || !message.endsWith(`${name}'`)) continue;
    const exact = message.endsWith(`${FOR_KEY}${name}'`);
    if (exact || (message[start - 1] === "." && message.lastIndexOf(FOR_KEY, start) >= 0)) best = name;
  }
  if (best !== undefined) return best;
  const at = message.lastIndexOf(FOR_KEY);
  if (at < 0 || message.length < at + FOR_KEY.length + 1) return undefined;
  const quoted = message.slice(at + FOR_KEY.length, -1);
  return quoted.slice(quoted.lastIndexOf(".") + 1);
}

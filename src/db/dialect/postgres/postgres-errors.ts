/**
 * PostgreSQL error classification by SQLSTATE. It imports the dialect types only.
 */
import { ConnectionError, StatementTimeoutError } from "../../errors.js";
import type { DriverErrorKind } from "../dialect.js";
import { SOCKET_ERROR_CODES } from "../server-url.js";

/** The fields of a `pg` error this dialect reads (server errors carry a 5-character SQLSTATE). */
export interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
}

/** What a unique constraint this dialect created covers (kept for names too long to parse back). */
export interface ConstraintInfo {
  readonly columns: readonly string[];
  readonly primaryKey: boolean;
}

/** Constraint name -> columns, filled by `createTable`. */
export type ConstraintColumns = ReadonlyMap<string, ConstraintInfo>;

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a PostgreSQL server error, or `undefined` for client-side errors. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as PgErrorFields | null)?.code;
  return typeof code === "string" && SQLSTATE.test(code) ? code : undefined;
}

/**
 * True when the error means "no usable connection": socket errors, SQLSTATE class 08 (except 08P01,
 * a protocol misuse), 28 (authentication), 3D000 (no such database), 57P01-57P03 (server shutting down).
 */
export function isPostgresConnectionFailure(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  const state = sqlState(error);
  if (state === undefined) {
    const code = (error as PgErrorFields | null)?.code;
    return typeof code === "string" && SOCKET_ERROR_CODES.has(code);
  }
  if (state === "08P01") return false;
  return state.startsWith("08") || state.startsWith("28") || state === "3D000" || /^57P0[123]$/.test(state);
}

/**
 * Classifies a `pg` error from its SQLSTATE and structured fields (`constraint`, `table`, `column`),
 * never from message text.
 *
 * @example
 * ```ts
 * classifyPostgresError({ code: "23505", table: "users", constraint: "users_email_key" }, new Map());
 * // { kind: "unique", constraint: "users_email_key", columns: ["email"] }
 * ```
 */
export function classifyPostgresError(error: unknown, constraints: ConstraintColumns): DriverErrorKind {
  if (error instanceof StatementTimeoutError) return { kind: "timeout" };
  if (isPostgresConnectionFailure(error)) return { kind: "connection" };
  const fields = error as PgErrorFields;
  switch (sqlState(error)) {
    case "23505":
      return uniqueViolation(fields, constraints);
    case "23503":
      return typeof fields.constraint === "string"
        ? { kind: "foreign-key", constraint: fields.constraint }
        : { kind: "foreign-key" };
    case "23502":
      return typeof fields.column === "string"
        ? { kind: "not-null", column: fields.column }
        : { kind: "not-null" };
    case "57014":
      return { kind: "timeout" };
    case "42P01":
      return { kind: "missing-table" };
    case "40001": // serialization_failure (also a standby's recovery conflict)
    case "40P01": // deadlock_detected
      return { kind: "serialization" };
    default:
      return { kind: "other" };
  }
}

function uniqueViolation(fields: PgErrorFields, constraints: ConstraintColumns): DriverErrorKind {
  const constraint = typeof fields.constraint === "string" ? fields.constraint : undefined;
  if (constraint === undefined) return { kind: "unique" };
  const table = typeof fields.table === "string" ? fields.table : "";
  const known = constraints.get(constraint);
  if (known?.primaryKey) return { kind: "unique", constraint, columns: [...known.columns], primaryKey: true };
  if (known) return { kind: "unique", constraint, columns: [...known.columns] };
  if (constraint === `${table}_pkey`) return { kind: "unique", constraint, primaryKey: true };
  const prefix = `${table}_`;
  if (table && constraint.startsWith(prefix) && constraint.endsWith("_key")) {
    return { kind: "unique", constraint, columns: [constraint.slice(prefix.length, -"_key".length)] };
  }
  return { kind: "unique", constraint };
}

/**
 * Small value helpers shared by the manager's operation modules: storable strings, snapshots of
 * mutable values, cursor values, key comparison, option checks and message pieces. It may import
 * errors and the field description types only.
 */
import { InvalidQueryError, ValidationError } from "../errors.js";
import type { FieldInfo } from "../zod-to-columns.js";

const LONE_SURROGATE = /\p{Cs}/u;
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
/** `String.prototype.isWellFormed` (Node 20+), else a regular expression. */
const isWellFormed: (value: string) => boolean =
  nativeWellFormed === undefined
    ? (value) => !LONE_SURROGATE.test(value)
    : (value) => nativeWellFormed.call(value);

/**
 * Refuses strings with lone UTF-16 surrogates: databases store them as U+FFFD (SQLite) or reject
 * them with a raw driver error, so the value would not round-trip. Returns the value unchanged.
 */
export function wellFormed(model: string, column: { name: string; kind: string }, value: unknown): unknown {
  if (column.kind === "string" && typeof value === "string" && !isWellFormed(value)) {
    throw new ValidationError(
      `${model}.${column.name}: the string holds a lone UTF-16 surrogate and cannot be stored exactly`,
      [{ path: [column.name], message: "ill-formed UTF-16 (lone surrogate)", code: "invalid_string" }],
    );
  }
  return value;
}

/** A Date or JSON value as a snapshot holds it: its time or its JSON text (immune to in-place changes). */
export function frozenValue(field: FieldInfo, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (field.kind === "date") return value instanceof Date ? value.getTime() : value;
  return JSON.stringify(value);
}

/** A cursor value back as the field's JS value, or `undefined` if it is not one. */
export function cursorValue(field: FieldInfo, raw: unknown): unknown {
  switch (field.kind) {
    case "integer":
    case "float":
      return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
    case "bigint":
      return typeof raw === "string" && /^-?\d+$/.test(raw) ? BigInt(raw) : undefined;
    case "boolean":
      return typeof raw === "boolean" ? raw : undefined;
    case "date": {
      const date = typeof raw === "string" ? new Date(raw) : undefined;
      return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
    }
    default:
      return typeof raw === "string" ? raw : undefined;
  }
}

/** Ascending order of key values (numbers, bigints or strings). */
export function ascending(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Whether two key values are the same key (Dates by time). */
export function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
}

/** A `limit`/`offset`-like option: `null` when absent, else a non-negative integer (`InvalidQueryError`). */
export function count(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidQueryError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value as number;
}

/** `items` in slices of at most `size`. */
export function* chunks<V>(items: readonly V[], size: number): Generator<V[]> {
  const step = Math.max(1, size);
  for (let i = 0; i < items.length; i += step) yield items.slice(i, i + step);
}

/** An error's message (or the value itself as text). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `{ a: 1, b: "x" }` as `a = 1 AND b = "x"`, for not-found messages. */
export function describeCriteria(criteria: Record<string, unknown>): string {
  return Object.entries(criteria)
    .map(([k, v]) => `${k} = ${typeof v === "bigint" ? `${v}n` : JSON.stringify(v)}`)
    .join(" AND ");
}

/** The statement-cache part of an `orderBy` option. */
export function orderKey(orderBy: unknown): string {
  if (orderBy === undefined) return "";
  return typeof orderBy === "string" ? orderBy : JSON.stringify(orderBy);
}

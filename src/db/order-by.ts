/**
 * `orderBy`: parses `"name"`, `"-name"` or `[["name", "asc"], ...]` to items checked against the
 * model's fields (refusing fields that cannot order, such as hashed ones) and renders `ORDER BY`
 * with the dialect (NULLs first on every database). It may import errors, describe-value, dialect
 * and field types.
 */

import { describe } from "./describe-value.js";
import type { Dialect } from "./dialect/dialect.js";
import { InvalidQueryError } from "./errors.js";
import type { FieldInfo } from "./zod-to-columns.js";

/** `orderBy` as `filter` accepts it: `"name"`, `"-name"` (descending), or `[["name", "asc"], ...]`. */
export type OrderBy<D> =
  | (keyof D & string)
  | `-${keyof D & string}`
  | ReadonlyArray<readonly [keyof D & string, "asc" | "desc"]>;

/** One `ORDER BY` item: a field and its direction. */
export type OrderItem = readonly [field: string, direction: "asc" | "desc"];

/**
 * Parses `orderBy` (`"name"`, `"-name"`, `[["name", "asc"], ...]`) to items, validating field names
 * (`InvalidQueryError`). `undefined` gives no items.
 *
 * @example
 * ```ts
 * parseOrderBy("-name", fields, "users"); // [["name", "desc"]]
 * ```
 */
export function parseOrderBy(
  orderBy: unknown,
  fields: ReadonlyMap<string, FieldInfo>,
  table: string,
  refused: ReadonlyMap<string, string> = NO_REFUSALS,
): OrderItem[] {
  if (orderBy === undefined || orderBy === null) return [];
  const items: OrderItem[] = [];
  if (typeof orderBy === "string") {
    items.push(orderBy.startsWith("-") ? [orderBy.slice(1), "desc"] : [orderBy, "asc"]);
  } else if (Array.isArray(orderBy)) {
    for (const item of orderBy) {
      if (!Array.isArray(item) || typeof item[0] !== "string" || (item[1] !== "asc" && item[1] !== "desc")) {
        throw new InvalidQueryError(`orderBy entries must be [field, "asc" | "desc"], got ${describe(item)}`);
      }
      items.push([item[0], item[1]]);
    }
  } else {
    throw new InvalidQueryError(
      `orderBy must be "field", "-field" or [["field", "asc"]], got ${describe(orderBy)}`,
    );
  }
  for (const [name] of items) {
    const refusal = refused.get(name);
    if (refusal !== undefined) throw new InvalidQueryError(refusal);
    if (!fields.has(name)) {
      throw new InvalidQueryError(
        `unknown field "${name}" in orderBy for "${table}"; fields: ${[...fields.keys()].join(", ")}`,
      );
    }
  }
  return items;
}

/**
 * Renders order items as ` ORDER BY ...` (or `""`). NULLs sort as the smallest value (first
 * ascending, last descending) on every database.
 *
 * @example
 * ```ts
 * renderOrderBy([["name", "desc"]], fields, dialect); // ' ORDER BY "name" DESC'
 * ```
 */
export function renderOrderBy(
  items: readonly OrderItem[],
  fields: ReadonlyMap<string, FieldInfo>,
  dialect: Dialect,
): string {
  if (items.length === 0) return "";
  return ` ORDER BY ${items
    .map(([name, direction]) => {
      const column = dialect.quote(name);
      const field = fields.get(name) as FieldInfo;
      const sql = `${column} ${direction === "desc" ? "DESC" : "ASC"}`;
      if (!field.nullable && !field.optional) return sql;
      // NULL sorts first ascending and last descending on every database (PostgreSQL's default is
      // the opposite); written portably, as MySQL has no NULLS FIRST/LAST.
      return `(${column} IS NULL) ${direction === "desc" ? "ASC" : "DESC"}, ${sql}`;
    })
    .join(", ")}`;
}

/**
 * Compiles `orderBy` to ` ORDER BY ...`, validating field names (`parseOrderBy` + `renderOrderBy`).
 *
 * @example
 * ```ts
 * compileOrderBy("-name", fields, dialect, "users"); // ' ORDER BY "name" DESC'
 * ```
 */
export function compileOrderBy(
  orderBy: unknown,
  fields: ReadonlyMap<string, FieldInfo>,
  dialect: Dialect,
  table: string,
  refused: ReadonlyMap<string, string> = NO_REFUSALS,
): string {
  return renderOrderBy(parseOrderBy(orderBy, fields, table, refused), fields, dialect);
}

/** No field refused in `orderBy`. */
const NO_REFUSALS: ReadonlyMap<string, string> = new Map();

/**
 * The types of criteria: what `filter`, `count`, `updateWhere`... accept per field (values, lists,
 * operators) and as logic (`or`/`and`/`not`), typed from the model's data, and the compiled form the
 * manager binds. Types only; it imports nothing.
 */

/**
 * Operators of a string-like field (string, enum, uuid): patterns are case-sensitive except `ilike`.
 *
 * @example
 * ```ts
 * const ops: StringOperators = { contains: "50%", ilike: "al%" };
 * ```
 */
export interface StringOperators {
  /** SQL LIKE pattern (`%`, `_`; `\` escapes), case-sensitive. */
  readonly like?: string;
  /** Case-insensitive LIKE (ASCII only on SQLite). */
  readonly ilike?: string;
  /** Substring match; `%` and `_` in the value match literally. */
  readonly contains?: string;
  readonly startsWith?: string;
  readonly endsWith?: string;
}

/**
 * Operators of any field. Comparisons never match a NULL value; use `isNull`.
 *
 * @example
 * ```ts
 * const ops: ComparisonOperators<number> = { gte: 18, notIn: [21, 30] };
 * ```
 */
export interface ComparisonOperators<V> {
  readonly eq?: V;
  readonly ne?: V;
  readonly gt?: V;
  readonly gte?: V;
  readonly lt?: V;
  readonly lte?: V;
  readonly in?: readonly V[];
  readonly notIn?: readonly V[];
  readonly isNull?: boolean;
}

/**
 * The operators a field of type `V` accepts: comparisons typed by the field, string patterns only on
 * string fields.
 *
 * @example
 * ```ts
 * const adult: FieldOperators<number | null> = { gte: 18, lt: 65 };
 * const named: FieldOperators<string> = { startsWith: "Al", ne: "Alf" };
 * ```
 */
export type FieldOperators<V> = [NonNullable<V>] extends [string]
  ? ComparisonOperators<NonNullable<V>> & StringOperators
  : ComparisonOperators<NonNullable<V>>;

/**
 * What one field of criteria accepts: a value (equality), a list (IN), `null` (IS NULL) or operators.
 *
 * @example
 * ```ts
 * const age: FieldCriteria<number | null> = { gt: 18 }; // or 30, [30, 40], null
 * ```
 */
export type FieldCriteria<V> = V | readonly NonNullable<V>[] | FieldOperators<V>;

/**
 * `or`, `and` and `not` in criteria.
 *
 * @example
 * ```ts
 * const c: LogicalCriteria<{ age: number | null }> = { or: [{ age: null }, { age: { lt: 18 } }] };
 * ```
 */
export interface LogicalCriteria<D> {
  /** Any of these matches (an empty list matches nothing). */
  readonly or?: readonly Criteria<D>[];
  /** All of these match (an empty list matches everything). */
  readonly and?: readonly Criteria<D>[];
  /** Exactly the rows the inner criteria does not match (rows with NULLs included). */
  readonly not?: Criteria<D>;
}

/**
 * Criteria: `{ field: value }` (equality), a list (`IN`), `null` (`IS NULL`), an operator object
 * (`{ age: { gt: 18, lte: 65 } }`), and `or` / `and` / `not`. Top-level fields are ANDed. Values are
 * validated against the field's type and always bound as parameters. `undefined` is rejected
 * (`InvalidQueryError`), never dropped.
 *
 * @example
 * ```ts
 * const criteria: Criteria<{ role: string; age: number | null }> = {
 *   role: ["admin", "owner"],
 *   or: [{ age: { gte: 18 } }, { age: null }],
 * };
 * ```
 */
export type Criteria<D> = { [K in keyof D]?: FieldCriteria<D[K]> } & LogicalCriteria<D>;

/** The SQL operator of one compiled comparison. */
export type LeafOp =
  | "="
  | "<>"
  | ">"
  | ">="
  | "<"
  | "<="
  | "in"
  | "notIn"
  | "null"
  | "notNull"
  | "none"
  | "like"
  | "ilike";

/** One compiled term: a comparison on a column, or `or` / `and` / `not` over terms. */
export type Term =
  | {
      readonly column: string;
      readonly op: LeafOp;
      /** Bound parameters this term takes. */
      readonly count: number;
    }
  | { readonly op: "or" | "and" | "not"; readonly children: readonly Term[] };

/**
 * Criteria compiled to bound parameters and a shape. Statements are cached by `shape`, so the SQL
 * text (`where()`) is built only the first time a shape is seen.
 */
export interface CompiledCriteria {
  /** Stable across calls with the same fields and operators (not values): the statement cache key. */
  readonly shape: string;
  /** Encoded parameter values, in order. */
  readonly params: unknown[];
  /** Top-level terms, ANDed. */
  readonly terms: readonly Term[];
}

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
 * const ops: ComparisonOperators<number> = { gte: 18, notIn: [21, 30], between: [18, 65] };
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
  /** Inclusive range `[low, high]`: `low <= value <= high` (none when `low > high`). */
  readonly between?: readonly [V, V];
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
export interface LogicalCriteria<D, T = unknown> {
  /** Any of these matches (an empty list matches nothing). */
  readonly or?: readonly Criteria<D, T>[];
  /** All of these match (an empty list matches everything). */
  readonly and?: readonly Criteria<D, T>[];
  /** Exactly the rows the inner criteria does not match (rows with NULLs included). */
  readonly not?: Criteria<D, T>;
}

/**
 * A relationship filter: related rows matching criteria exist (`some`), none match (`none`), or all
 * match (`every`, true when there are none). Several modes are ANDed.
 *
 * @example
 * ```ts
 * const f: RelationFilter<{ published: boolean }> = { some: { published: true }, none: { published: false } };
 * ```
 */
export interface RelationFilter<D, T = unknown> {
  readonly some?: Criteria<D, T>;
  readonly none?: Criteria<D, T>;
  readonly every?: Criteria<D, T>;
}

/** The fields of a model instance type: no methods, no relationship accessors. */
export type DataOf<T> = {
  [K in keyof T as T[K] extends ((...args: never[]) => unknown) | PromiseLike<unknown> ? never : K]: T[K];
};

/** The related instance type of a relationship accessor (`Promise<Post[]>` -> `Post`). */
type Related<V> = Awaited<V> extends readonly (infer E)[] ? E : NonNullable<Awaited<V>>;

/**
 * Relationship filters of an instance type `T`: one `RelationFilter` per relationship accessor
 * (`Promise<...>` members), typed by the related model. Nothing when `T` is unknown.
 *
 * @example
 * ```ts
 * type F = RelationFilters<Author>; // { posts?: RelationFilter<PostData, Post> }
 * ```
 */
export type RelationFilters<T> = unknown extends T
  ? unknown
  : {
      [K in keyof T & string as T[K] extends PromiseLike<unknown> ? K : never]?: RelationFilter<
        DataOf<Related<T[K]>>,
        Related<T[K]>
      >;
    };

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
export type Criteria<D, T = unknown> = { [K in keyof D]?: FieldCriteria<D[K]> } & LogicalCriteria<D, T> &
  RelationFilters<T>;

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

/**
 * How a relationship filter reaches the related rows: the related table and its column equal to the
 * owner's column, or through a join table. `compiler` is the related model's criteria compiler.
 */
export interface RelationJoin {
  /** The relationship's name on the owner. */
  readonly name: string;
  /** The related model's table. */
  readonly table: string;
  /** Column of the related table matched (directly, or through the join table). */
  readonly column: string;
  /** Column of the owner's table it matches (without `through`). */
  readonly ownerColumn: string;
  /** Many-to-many: the join table, its column holding the owner's key and the one holding the related key. */
  readonly through?: { readonly table: string; readonly ownerColumn: string; readonly column: string };
  /** The related model's criteria compiler (a `CriteriaCompiler`). */
  readonly compiler: unknown;
  /** Terms the related model always adds (soft delete), or none. */
  readonly scope?: (terms: Term[]) => Term[];
}

/** One compiled term: a comparison on a column, `or` / `and` / `not` over terms, or a relationship filter. */
export type Term =
  | {
      readonly column: string;
      readonly op: LeafOp;
      /** Bound parameters this term takes. */
      readonly count: number;
    }
  | { readonly op: "or" | "and" | "not"; readonly children: readonly Term[] }
  | {
      /** `EXISTS` a related row matching `children` (`some`), none (`none`), or none failing them (`every`). */
      readonly op: "some" | "none" | "every";
      readonly join: RelationJoin;
      /** Terms on the related model, ANDed. */
      readonly children: readonly Term[];
    };

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

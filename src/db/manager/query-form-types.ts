/**
 * Types of the grouped aggregates (`aggregate({ by, count, sum, ... })`, `countBy`,
 * `countDistinct`): which fields each option accepts and the typed rows they return, computed from
 * the options given. Types only; it may import criteria and manager types.
 */
import type { Criteria } from "../criteria.js";
import type { ComparableField, NumericField, SumOf } from "./types.js";

/**
 * Fields that can group rows or be counted distinctly: scalar fields (numbers, bigints, strings,
 * booleans, Dates), not JSON.
 *
 * @example
 * ```ts
 * type G = GroupableField<{ id: number; role: "a" | "b"; tags: string[] }>; // "id" | "role"
 * ```
 */
export type GroupableField<D> = {
  [K in keyof D & string]: [NonNullable<D[K]>] extends [string | number | bigint | boolean | Date]
    ? K
    : never;
}[keyof D & string];

/** One field or a list of fields. */
export type FieldList<F extends string> = F | readonly F[];

/**
 * Options of `aggregate()`: `by` the fields to group on (none: one row for all matching rows),
 * `where` the criteria rows match, and the aggregates to compute per group.
 *
 * @example
 * ```ts
 * const options: AggregateOptions<{ role: string; amount: number }> = { by: ["role"], count: true, sum: "amount" };
 * ```
 */
export interface AggregateOptions<D> {
  /** Group on these fields (rows come back ordered by them, NULL first). */
  readonly by?: readonly GroupableField<D>[];
  /** Only rows matching these criteria. */
  readonly where?: Criteria<D>;
  /** `count`: rows in the group. */
  readonly count?: boolean;
  /** `countDistinct.<field>`: distinct non-null values of the field in the group. */
  readonly countDistinct?: FieldList<GroupableField<D>>;
  /** `sum.<field>` (`null` when every value is NULL). */
  readonly sum?: FieldList<NumericField<D>>;
  /** `avg.<field>` (`null` when every value is NULL). */
  readonly avg?: FieldList<NumericField<D>>;
  /** `min.<field>` (`null` when every value is NULL). */
  readonly min?: FieldList<ComparableField<D>>;
  /** `max.<field>` (`null` when every value is NULL). */
  readonly max?: FieldList<ComparableField<D>>;
}

/** The field names of a `FieldList` option (never when absent). */
type Names<F> = F extends readonly (infer K)[] ? K : F extends string ? F : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * One row of `aggregate(options)`: the `by` fields with their group's values, then `count`,
 * `countDistinct`, `sum`, `avg`, `min`, `max` as asked (each aggregate keyed by field).
 *
 * @example
 * ```ts
 * type R = AggregateRow<{ role: string; amount: number }, { by: ["role"]; count: true; sum: "amount" }>;
 * // { role: string; count: number; sum: { amount: number | null } }
 * ```
 */
export type AggregateRow<D, O> = Simplify<
  { [K in Names<O extends { by?: infer B } ? B : never> & keyof D]: D[K] } & (O extends { count: true }
    ? { count: number }
    : unknown) &
    AggregateOf<"countDistinct", O, D, number, false> &
    AggregateOf<"sum", O, D, "sum", true> &
    AggregateOf<"avg", O, D, number, true> &
    AggregateOf<"min", O, D, "value", true> &
    AggregateOf<"max", O, D, "value", true>
>;

type AggregateOf<Name extends string, O, D, V, Nullable extends boolean> = [
  Names<O extends { readonly [P in Name]?: infer F } ? F : never>,
] extends [never]
  ? unknown
  : {
      [P in Name]: {
        [K in Names<O extends { readonly [Q in Name]?: infer F } ? F : never> & keyof D]:
          | (V extends "sum" ? SumOf<D[K]> : V extends "value" ? NonNullable<D[K]> : V)
          | (Nullable extends true ? null : never);
      };
    };

/**
 * One row of `countBy(field)`: the field's value and how many rows have it.
 *
 * @example
 * ```ts
 * type R = CountByRow<{ role: "admin" | "member" }, "role">; // { role: "admin" | "member"; count: number }
 * ```
 */
export type CountByRow<D, K extends keyof D> = Simplify<{ [P in K]: D[P] } & { count: number }>;

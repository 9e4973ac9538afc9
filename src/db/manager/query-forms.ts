/**
 * The query forms of `Model.objects` (docs/db/raw-sql.md, docs/db/query-forms.md): raw SQL returning
 * instances, grouped aggregates (`countBy`, `countDistinct`, `aggregate`) and `getOrCreate` /
 * `updateOrCreate`, between the relationship writes (`writer.ts`) and the facade (`manager.ts`,
 * which supplies `create`): one-liners over `raw.ts`, `aggregate.ts` and `get-or-create.ts`,
 * failures translated by `guard`. It may import those modules, the writer, raw-sql and the types.
 */
import type { Criteria } from "../criteria.js";
import type { ModelBase } from "../model-base.js";
import { type SqlFragment, type SqlValue, toFragment } from "../raw-sql.js";
import { countBy, countDistinct, groupAggregate } from "./aggregate.js";
import { type GetOrCreateResult, getOrCreate, type ManagerOps, updateOrCreate } from "./get-or-create.js";
import type { AggregateOptions, AggregateRow, CountByRow, GroupableField } from "./query-form-types.js";
import { rawInstances } from "./raw.js";
import { ModelWriter } from "./writer.js";

/**
 * The query forms of `Model.objects` (see `ModelManager`).
 */
export abstract class ModelQueries<
  T extends object = ModelBase,
  I = Record<string, unknown>,
  D = Record<string, unknown>,
> extends ModelWriter<T, I, D> {
  /**
   * Raw SQL whose rows come back as validated instances: every `${value}` is a bound parameter,
   * names enter through `sql.id()`; inside the ambient `transaction()`, seen by `onQuery`. Rows
   * must carry every field (`SELECT *`). A plain string is an `InvalidQueryError`.
   *
   * @example
   * ```ts
   * const adults = await User.objects.raw`SELECT * FROM ${sql.id("users")} WHERE age > ${18} ORDER BY id`;
   * ```
   */
  raw(strings: TemplateStringsArray, ...values: SqlValue[]): Promise<T[]>;
  raw(fragment: SqlFragment): Promise<T[]>;
  raw(strings: TemplateStringsArray | SqlFragment, ...values: SqlValue[]): Promise<T[]> {
    const what = `${this.model.name}.objects.raw\`...\``;
    return this.guard(() => rawInstances(this.state, toFragment(strings, values, what)));
  }

  /**
   * How many matching rows have each value of `field`, in value order (the NULL group first).
   *
   * @example
   * ```ts
   * await User.objects.countBy("role"); // [{ role: "admin", count: 2 }, { role: "member", count: 40 }]
   * ```
   */
  countBy<K extends GroupableField<D>>(field: K, criteria?: Criteria<D, T>): Promise<CountByRow<D, K>[]> {
    return this.guard(() => countBy(this.state, field, criteria)) as Promise<CountByRow<D, K>[]>;
  }

  /**
   * How many distinct non-null values `field` has over the matching rows.
   *
   * @example
   * ```ts
   * await Order.objects.countDistinct("customerId", { status: "paid" }); // 17
   * ```
   */
  countDistinct(field: GroupableField<D>, criteria?: Criteria<D, T>): Promise<number> {
    return this.guard(() => countDistinct(this.state, field, criteria));
  }

  /**
   * Grouped aggregates in one statement: a row per group of the `by` fields (one row without `by`),
   * ordered by them, with `count`, `countDistinct`, `sum`, `avg`, `min`, `max` as asked (keyed by
   * field; `null` where every value is NULL) over the rows matching `where`.
   *
   * @example
   * ```ts
   * const byRole = await Order.objects.aggregate({ by: ["role"], count: true, sum: "amount" });
   * // [{ role: "admin", count: 2, sum: { amount: 130 } }, ...]
   * ```
   */
  aggregate<const O extends AggregateOptions<D>>(options: O): Promise<AggregateRow<D, O>[]> {
    return this.guard(() => groupAggregate(this.state, options)) as Promise<AggregateRow<D, O>[]>;
  }

  /**
   * The row matching `criteria` (field values), else one created from `criteria` and `defaults`;
   * a concurrent creator is resolved through the unique constraints (`created: false`).
   *
   * @example
   * ```ts
   * const { instance, created } = await User.objects.getOrCreate({ email: "ann@example.com" }, { name: "Ann" });
   * ```
   */
  getOrCreate(criteria: Partial<D>, defaults?: Partial<I>): Promise<GetOrCreateResult<T>> {
    return this.guard(() => getOrCreate(this.state, this as unknown as ManagerOps<T>, criteria, defaults));
  }

  /**
   * Updates the rows matching `criteria` (field values) with `values`, else creates one from both;
   * returns the row (the lowest key when several matched) and whether it was created.
   *
   * @example
   * ```ts
   * const { instance } = await User.objects.updateOrCreate({ email: "ann@example.com" }, { name: "Ann B." });
   * ```
   */
  updateOrCreate(criteria: Partial<D>, values: Partial<I>): Promise<GetOrCreateResult<T>> {
    return this.guard(() => updateOrCreate(this.state, this as unknown as ManagerOps<T>, criteria, values));
  }
}

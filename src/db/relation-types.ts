/**
 * The types of relationships: the options `HasMany`, `BelongsTo` and `HasManyThrough` take, the
 * `Relation` a declaration builds and what a `BelongsTo` declares for the schema. Types only:
 * `relations.ts` (declarations, loading) and the schema code both read them from here.
 */
import type { ModelBase } from "./model-base.js";

/** What deleting a referenced row does to the rows of a `BelongsTo` with a constraint. */
export type OnDelete = "cascade" | "restrict" | "setNull";

/** A model class as relations name it (through a thunk, so forward references work). */
export type RelatedModel<M> = abstract new (...args: never[]) => M;

/** `HasMany`: rows of the target whose `foreignKey` equals this row's key (or `localKey`). */
export interface HasManyOptions {
  /** Field of the target holding this model's key. */
  readonly foreignKey: string;
  /** Field of this model the foreign key points at; default its key field. */
  readonly localKey?: string;
}

/** `BelongsTo`: the target row whose key (or `targetKey`) equals this row's `localKey`. */
export interface BelongsToOptions {
  /** Field of this model holding the target's key. */
  readonly localKey: string;
  /** Field of the target it points at; default the target's key field. */
  readonly targetKey?: string;
  /**
   * Declares a real foreign key constraint on `localKey` (created with the table, compared by
   * `diffSchema`), with what deleting the target row does: `"cascade"` deletes this row too,
   * `"restrict"` refuses the delete (`ForeignKeyError`), `"setNull"` clears `localKey` (it must be
   * nullable). Absent: no constraint. `localKey` is indexed either way.
   */
  readonly onDelete?: OnDelete;
}

/** What a `BelongsTo` declares for the schema: the indexed field, and its constraint if any. */
export interface RelationForeignKey {
  readonly localKey: string;
  /** The target model (a thunk, resolved when the table is created or diffed). */
  readonly target: () => unknown;
  readonly targetKey?: string;
  /** Set when the relationship declares a constraint. */
  readonly onDelete?: OnDelete;
}

/** `HasManyThrough`: targets linked through a join model (`through`). */
export interface HasManyThroughOptions {
  /** The join model (a thunk). */
  readonly through: () => RelatedModel<ModelBase>;
  /** Field of the join model holding this model's key. */
  readonly sourceKey: string;
  /** Field of the join model holding the target's key. */
  readonly targetKey: string;
}

/**
 * A declared relationship: loads its value for one owner instance (`load`), or for many owners at
 * once (`loadMany`, used by `include` / `prefetch`). `loadMany` and `target` are optional for
 * hand-written relations passed to `relate()`: without `loadMany`, eager loading falls back to one
 * `load` per owner.
 *
 * @example
 * ```ts
 * const relation = HasMany(() => Post, { foreignKey: "author_id" }).relation;
 * const byAuthor = await relation.loadMany?.(authors, Author); // Map<author, Post[]>
 * ```
 */
export interface Relation<V> {
  readonly kind: "hasMany" | "belongsTo" | "hasManyThrough";
  /**
   * The options a built-in relationship was declared with (`foreignKey`, `localKey`, ...), for tools
   * that draw links between records (registers/studio); absent on hand-written relations.
   */
  readonly options?: HasManyOptions | BelongsToOptions | HasManyThroughOptions;
  load(owner: ModelBase): Promise<V>;
  /** The target model class (nested eager loading continues from it). */
  target?(): unknown;
  /**
   * The value for every owner (all of `ownerModel`), equal to what `load` returns for each, in one
   * query per relation level (`HasManyThrough`: two), with at most 10,000 keys per query.
   */
  loadMany?(owners: readonly ModelBase[], ownerModel: unknown): Promise<Map<ModelBase, V>>;
  /** `BelongsTo`: the field it reads (indexed) and the constraint it declares (schema lifecycle). */
  readonly foreignKey?: RelationForeignKey;
}

/**
 * The relationship-write and soft-delete methods of `Model.objects`, between the read half
 * (`reader.ts`) and the facade (`manager.ts`, which supplies `create`): one-liners over
 * `relation-writes.ts` and `soft-delete.ts`, failures translated by `guard`. It may import those
 * modules, the reader and the types.
 */
import type { Criteria } from "../criteria.js";
import type { ModelBase } from "../model-base.js";
import { ModelReader } from "./reader.js";
import {
  associate,
  type CreateWithInput,
  createWith,
  link,
  type ManyRelationName,
  type OneRelationName,
  type RelatedItem,
  type RelatedOf,
  setLinks,
  unlink,
} from "./relation-writes.js";
import * as soft from "./soft-delete.js";
import type { KeyValue } from "./types.js";

/**
 * Relationship writes and soft delete of `Model.objects` (see `ModelManager`).
 */
export abstract class ModelWriter<
  T extends object = ModelBase,
  I = Record<string, unknown>,
  D = Record<string, unknown>,
> extends ModelReader<T, D> {
  /** Strict INSERT (the facade's). */
  abstract create(data: I): Promise<T>;

  // ---------------------------------------------------------------- relationship writes

  /**
   * Links `owner` to items of a to-many relationship: `HasManyThrough` inserts the missing join rows
   * (no duplicates); `HasMany` sets each child's foreign key and saves it. Items are instances
   * (saved first if new) or data for new ones (created). One transaction; returns the linked rows.
   *
   * @example
   * ```ts
   * await Post.objects.link(post, "tags", [news, { name: "fresh" }]);
   * ```
   */
  link<K extends ManyRelationName<T>>(
    owner: T,
    relation: K,
    items: RelatedItem<RelatedOf<T, K>> | readonly RelatedItem<RelatedOf<T, K>>[],
  ): Promise<RelatedOf<T, K>[]> {
    return this.guard(() => link(this.state, owner, relation, items)) as unknown as Promise<
      RelatedOf<T, K>[]
    >;
  }

  /**
   * Removes links: `HasManyThrough` deletes the join rows to these targets (they stay);
   * `HasMany` clears the children's foreign key (it must be nullable). Returns how many.
   *
   * @example
   * ```ts
   * await Post.objects.unlink(post, "tags", [news]); // 1
   * ```
   */
  unlink<K extends ManyRelationName<T>>(
    owner: T,
    relation: K,
    targets: RelatedOf<T, K> | readonly RelatedOf<T, K>[],
  ): Promise<number> {
    return this.guard(() => unlink(this.state, owner, relation, targets));
  }

  /**
   * Makes `owner` linked to exactly these items (others unlinked, missing ones linked), in one
   * transaction; `[]` unlinks all. Returns the linked rows.
   *
   * @example
   * ```ts
   * await Post.objects.setLinks(post, "tags", [news, tech]);
   * ```
   */
  setLinks<K extends ManyRelationName<T>>(
    owner: T,
    relation: K,
    items: readonly RelatedItem<RelatedOf<T, K>>[],
  ): Promise<RelatedOf<T, K>[]> {
    return this.guard(() => setLinks(this.state, owner, relation, items)) as unknown as Promise<
      RelatedOf<T, K>[]
    >;
  }

  /**
   * Sets a `BelongsTo` from a saved instance (its key into the foreign key field), or clears it with
   * `null`, in memory: `save()` writes it. The relationship then reads back without a query.
   *
   * @example
   * ```ts
   * await Post.objects.associate(post, "author", ann).save();
   * ```
   */
  associate<K extends OneRelationName<T>>(owner: T, relation: K, target: RelatedOf<T, K> | null): T {
    return associate(this.state, owner, relation, target);
  }

  /**
   * Creates a row and its children in one transaction: each to-many relationship named in `data`
   * takes a list of new children's data (created with the foreign key set) or instances (linked).
   * The new row's relationships then read back without a query.
   *
   * @example
   * ```ts
   * const ann = await Author.objects.createWith({ name: "Ann", posts: [{ title: "Hello" }] });
   * (await ann.posts).length; // 1
   * ```
   */
  createWith(data: CreateWithInput<I, T>): Promise<T> {
    return this.guard(() => createWith(this.state, data, (fields) => this.create(fields as unknown as I)));
  }

  // ---------------------------------------------------------------- soft delete

  /**
   * The reads of this model over every row, soft-deleted ones included (`softDelete` models).
   *
   * @example
   * ```ts
   * const all = await Post.objects.withDeleted().count();
   * ```
   */
  withDeleted(): ModelReader<T, D> {
    return soft.scopedReader<T, D>(this.state, "withDeleted");
  }

  /**
   * The reads of this model over soft-deleted rows only.
   *
   * @example
   * ```ts
   * const bin = await Post.objects.onlyDeleted().filter({}, { orderBy: "-deletedAt" });
   * ```
   */
  onlyDeleted(): ModelReader<T, D> {
    return soft.scopedReader<T, D>(this.state, "onlyDeleted");
  }

  /**
   * Undoes a soft delete; `true` if the row was soft-deleted.
   *
   * @example
   * ```ts
   * await Post.objects.restore(1);
   * ```
   */
  restore(key: KeyValue): Promise<boolean> {
    return this.guard(() => soft.restore(this.state, key));
  }

  /**
   * Undoes the soft delete of matching rows; how many.
   *
   * @example
   * ```ts
   * await Post.objects.restoreWhere({ author_id: 1 });
   * ```
   */
  restoreWhere(criteria: Criteria<D>): Promise<number> {
    return this.guard(() => soft.restoreWhere(this.state, criteria));
  }

  /**
   * Removes the row for good, soft-deleted or not; `true` if there was one. Runs no hooks.
   *
   * @example
   * ```ts
   * await Post.objects.forceDelete(1);
   * ```
   */
  forceDelete(key: KeyValue): Promise<boolean> {
    return this.guard(() => soft.forceDelete(this.state, key));
  }

  /**
   * Removes matching rows for good, soft-deleted or not (purges); how many.
   *
   * @example
   * ```ts
   * await Post.objects.forceDeleteWhere({ deletedAt: { lt: new Date(Date.now() - 30 * 86_400_000) } });
   * ```
   */
  forceDeleteWhere(criteria: Criteria<D>): Promise<number> {
    return this.guard(() => soft.forceDeleteWhere(this.state, criteria));
  }
}

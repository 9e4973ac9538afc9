import { RelationshipError } from "./errors.js";
import type { ModelManager } from "./manager.js";
import { type ModelBase, managerOfClass } from "./model.js";

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

/** A declared relationship: loads its value for one owner instance. */
export interface Relation<V> {
  readonly kind: "hasMany" | "belongsTo" | "hasManyThrough";
  load(owner: ModelBase): Promise<V>;
}

/**
 * A relationship usable both as a TC39 accessor decorator (`@HasMany(...) accessor posts!: ...`) and
 * as a value for `relate()`.
 */
export type RelationDecorator<V> = (<This extends ModelBase>(
  target: ClassAccessorDecoratorTarget<This, Promise<V>>,
  context: ClassAccessorDecoratorContext<This, Promise<V>>,
) => ClassAccessorDecoratorResult<This, Promise<V>>) & { readonly relation: Relation<V> };

type AnyManager = ModelManager<ModelBase>;

function manager(model: unknown, role: string): AnyManager {
  try {
    return managerOfClass(model);
  } catch (error) {
    throw new RelationshipError(
      `the ${role} model of this relationship is not registered: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function requireField(owner: AnyManager, field: string, option: string): void {
  if (!owner.table.columns.some((c) => c.name === field)) {
    const available = owner.table.columns.map((c) => c.name).join(", ");
    throw new RelationshipError(
      `${option} "${field}" is not a field of ${owner.model.name}; available fields: ${available}`,
    );
  }
}

function decorator<V>(relation: Relation<V>): RelationDecorator<V> {
  const decorate = <This extends ModelBase>(
    _target: ClassAccessorDecoratorTarget<This, Promise<V>>,
    context: ClassAccessorDecoratorContext<This, Promise<V>>,
  ): ClassAccessorDecoratorResult<This, Promise<V>> => ({
    get(this: This): Promise<V> {
      return relation.load(this);
    },
    set(): void {
      throw new RelationshipError(
        `${String(context.name)} is a read-only relationship: change the foreign key fields instead`,
      );
    },
  });
  return Object.assign(decorate, { relation }) as unknown as RelationDecorator<V>;
}

/**
 * One-to-many: `await author.posts` runs `Post.objects.filter({ author_id: author.id })` (ordered by
 * the target's key). An unsaved owner has no rows.
 *
 * @example
 * ```ts
 * class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
 *   @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
 * }
 * ```
 */
export function HasMany<M extends ModelBase>(
  target: () => RelatedModel<M>,
  options: HasManyOptions,
): RelationDecorator<M[]> {
  return decorator<M[]>({
    kind: "hasMany",
    async load(owner) {
      const ownerManager = manager(owner.constructor, "owning");
      const targetManager = manager(target(), "target");
      requireField(targetManager, options.foreignKey, "HasMany foreignKey");
      const localKey = options.localKey ?? ownerManager.keyField;
      requireField(ownerManager, localKey, "HasMany localKey");
      const value = (owner as unknown as Record<string, unknown>)[localKey];
      if (value === null || value === undefined) return [];
      return (await targetManager.filter(
        { [options.foreignKey]: value },
        { orderBy: targetManager.keyField },
      )) as unknown as M[];
    },
  });
}

/**
 * Many-to-one: `await post.author` is the row of the target whose key equals `post.author_id`, or
 * `null` when the foreign key is null (or points nowhere).
 *
 * @example
 * ```ts
 * class Post extends Model({ id: z.int().nullable().default(null), author_id: z.int().nullable(), title: z.string() }) {
 *   @BelongsTo(() => Author, { localKey: "author_id" }) accessor author!: Promise<Author | null>;
 * }
 * ```
 */
export function BelongsTo<M extends ModelBase>(
  target: () => RelatedModel<M>,
  options: BelongsToOptions,
): RelationDecorator<M | null> {
  return decorator<M | null>({
    kind: "belongsTo",
    async load(owner) {
      const ownerManager = manager(owner.constructor, "owning");
      const targetManager = manager(target(), "target");
      requireField(ownerManager, options.localKey, "BelongsTo localKey");
      const targetKey = options.targetKey ?? targetManager.keyField;
      requireField(targetManager, targetKey, "BelongsTo targetKey");
      const value = (owner as unknown as Record<string, unknown>)[options.localKey];
      if (value === null || value === undefined) return null;
      return (await targetManager.first({ [targetKey]: value })) as unknown as M | null;
    },
  });
}

/**
 * Many-to-many through a join model: `await post.tags` reads the join rows for this owner, then the
 * targets they name, de-duplicated, in join-row order, skipping targets that no longer exist.
 *
 * @example
 * ```ts
 * class Post extends Model({ id: z.int().nullable().default(null), title: z.string() }) {
 *   @HasManyThrough(() => Tag, { through: () => PostTag, sourceKey: "post_id", targetKey: "tag_id" })
 *   accessor tags!: Promise<Tag[]>;
 * }
 * ```
 */
export function HasManyThrough<M extends ModelBase>(
  target: () => RelatedModel<M>,
  options: HasManyThroughOptions,
): RelationDecorator<M[]> {
  return decorator<M[]>({
    kind: "hasManyThrough",
    async load(owner) {
      const ownerManager = manager(owner.constructor, "owning");
      const targetManager = manager(target(), "target");
      const throughManager = manager(options.through(), "through");
      requireField(throughManager, options.sourceKey, "HasManyThrough sourceKey");
      requireField(throughManager, options.targetKey, "HasManyThrough targetKey");
      const ownerKey = (owner as unknown as Record<string, unknown>)[ownerManager.keyField];
      if (ownerKey === null || ownerKey === undefined) return [];
      const links = await throughManager.filter(
        { [options.sourceKey]: ownerKey },
        { orderBy: throughManager.keyField },
      );
      const ids: unknown[] = [];
      const seen = new Set<unknown>();
      for (const link of links) {
        const id = (link as unknown as Record<string, unknown>)[options.targetKey];
        if (id === null || id === undefined || seen.has(id)) continue;
        seen.add(id);
        ids.push(id);
      }
      if (ids.length === 0) return [];
      const byKey = new Map<unknown, M>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await targetManager.filter({ [targetManager.keyField]: ids.slice(i, i + 500) });
        for (const row of rows)
          byKey.set((row as unknown as Record<string, unknown>)[targetManager.keyField], row as unknown as M);
      }
      const out: M[] = [];
      for (const id of ids) {
        const row = byKey.get(id);
        if (row !== undefined) out.push(row);
      }
      return out;
    },
  });
}

/**
 * Declares relationships without decorators (JavaScript): defines read-only getters on the model's
 * prototype. Returns the model.
 *
 * @example
 * ```js
 * relate(Author, { posts: HasMany(() => Post, { foreignKey: "author_id" }) });
 * const posts = await author.posts;
 * ```
 */
export function relate<C extends RelatedModel<ModelBase>>(
  model: C,
  relations: Record<string, { readonly relation: Relation<unknown> } | Relation<unknown>>,
): C {
  const schema = (model as unknown as { schema?: { shape?: Record<string, unknown> } }).schema;
  for (const [name, entry] of Object.entries(relations)) {
    const relation = "relation" in entry ? entry.relation : (entry as Relation<unknown>);
    if (typeof relation?.load !== "function") {
      throw new RelationshipError(
        `relate(): "${name}" must be HasMany(...), BelongsTo(...) or HasManyThrough(...)`,
      );
    }
    if (schema?.shape && Object.hasOwn(schema.shape, name)) {
      throw new RelationshipError(
        `relate(): "${name}" is already a field of ${model.name}; name the relationship differently`,
      );
    }
    Object.defineProperty(model.prototype, name, {
      configurable: true,
      enumerable: false,
      get(this: ModelBase) {
        return relation.load(this);
      },
      set() {
        throw new RelationshipError(
          `${name} is a read-only relationship: change the foreign key fields instead`,
        );
      },
    });
  }
  return model;
}

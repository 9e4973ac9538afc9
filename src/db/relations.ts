/**
 * Relationships (`HasMany`, `BelongsTo`, `HasManyThrough`, `relate()`): their declarations, lazy
 * loading through accessors and the batch loaders eager loading uses (their types are in
 * `relation-types.ts`). It reaches other models'
 * managers only through `ModelPort`; it may import model-base, ports, value-key and errors.
 */
import { RelationshipError } from "./errors.js";
import { type ModelBase, managerOfClass } from "./model-base.js";
import type { ModelPort } from "./ports.js";
import type {
  BelongsToOptions,
  HasManyOptions,
  HasManyThroughOptions,
  RelatedModel,
  Relation,
  RelationForeignKey,
} from "./relation-types.js";
import { valueKey } from "./value-key.js";

export type {
  BelongsToOptions,
  HasManyOptions,
  HasManyThroughOptions,
  OnDelete,
  RelatedModel,
  Relation,
  RelationForeignKey,
} from "./relation-types.js";

/** Tags the getter a relation installs on a prototype (decorator or `relate()`), for discovery. */
const RELATION: unique symbol = Symbol("registers.relation");

/** Values loaded by `include` / `prefetch`, per instance and relation (absent: load lazily). */
const preloaded = new WeakMap<object, Map<Relation<unknown>, unknown>>();

/**
 * Internal (`eager.ts`): stores the eagerly loaded value of `relation` for `owner`, so reading the
 * relationship returns it without a query. A later call replaces it.
 *
 * @example
 * ```ts
 * storePreloaded(author, postsRelation, posts);
 * ```
 */
export function storePreloaded(owner: object, relation: Relation<unknown>, value: unknown): void {
  let values = preloaded.get(owner);
  if (values === undefined) {
    values = new Map();
    preloaded.set(owner, values);
  }
  values.set(relation, value);
}

/**
 * Internal (relationship writes): forgets the preloaded value of `relation` for `owner`, so the next
 * read loads what the database now holds.
 *
 * @example
 * ```ts
 * forgetPreloaded(post, tagsRelation);
 * ```
 */
export function forgetPreloaded(owner: object, relation: Relation<unknown>): void {
  preloaded.get(owner)?.delete(relation);
}

/** The preloaded value (a fresh array for lists, like a lazy load), else the lazy load. */
function relationValue<V>(relation: Relation<V>, owner: ModelBase): Promise<V> {
  const values = preloaded.get(owner);
  if (values?.has(relation as Relation<unknown>)) {
    const value = values.get(relation as Relation<unknown>);
    return Promise.resolve((Array.isArray(value) ? value.slice() : value) as V);
  }
  return relation.load(owner);
}

function tag<F extends (...args: never[]) => unknown>(getter: F, relation: Relation<unknown>): F {
  Object.defineProperty(getter, RELATION, { value: relation });
  return getter;
}

/**
 * The relationships declared on a model class (decorators or `relate()`, inherited ones too), by
 * property name; a subclass's declaration of a name wins. Other members shadow inherited relations.
 *
 * @example
 * ```ts
 * [...relationsOf(Author).keys()]; // ["posts"]
 * ```
 */
export function relationsOf(model: unknown): Map<string, Relation<unknown>> {
  const out = new Map<string, Relation<unknown>>();
  const seen = new Set<string>();
  let proto = (model as { prototype?: unknown } | null)?.prototype;
  while (typeof proto === "object" && proto !== null && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const getter = Object.getOwnPropertyDescriptor(proto, name)?.get as
        | { [RELATION]?: Relation<unknown> }
        | undefined;
      const relation = getter?.[RELATION];
      if (relation !== undefined) out.set(name, relation);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return out;
}

/**
 * A relationship usable both as a TC39 accessor decorator (`@HasMany(...) accessor posts!: ...`) and
 * as a value for `relate()`.
 */
export type RelationDecorator<V> = (<This extends ModelBase>(
  target: ClassAccessorDecoratorTarget<This, Promise<V>>,
  context: ClassAccessorDecoratorContext<This, Promise<V>>,
) => ClassAccessorDecoratorResult<This, Promise<V>>) & { readonly relation: Relation<V> };

type AnyManager = ModelPort;

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

/** Most keys one eager-loading query binds (`IN (...)`); more keys run in several queries. */
const CHUNK = 10_000;

function field(instance: unknown, name: string): unknown {
  return (instance as Record<string, unknown>)[name];
}

/** The distinct non-null values of `name` over `instances`, in first-seen order. */
function distinctValues(instances: readonly unknown[], name: string): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const instance of instances) {
    const value = field(instance, name);
    if (value === null || value === undefined) continue;
    const key = valueKey(value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}

/**
 * Rows of `target` whose `name` is one of `values`, in queries of at most `CHUNK` keys (each ordered
 * by `orderBy` when given). A chunk is padded to a power of two with its last key (harmless in
 * `IN`), so the statement cache holds a few list shapes rather than one per list length.
 */
async function filterIn(
  target: AnyManager,
  name: string,
  values: readonly unknown[],
  orderBy?: string,
): Promise<ModelBase[]> {
  const out: ModelBase[] = [];
  const limit = Math.min(CHUNK, target.engine.dialect?.maxParameters ?? CHUNK);
  for (let i = 0; i < values.length; i += limit) {
    const chunk = values.slice(i, i + limit);
    let size = 1;
    while (size < chunk.length) size *= 2;
    if (size > limit) size = limit;
    const last = chunk[chunk.length - 1];
    while (chunk.length < size) chunk.push(last);
    const rows = await target.filter({ [name]: chunk }, orderBy === undefined ? undefined : { orderBy });
    for (const row of rows) out.push(row as ModelBase);
  }
  return out;
}

/**
 * A built-in relationship as a decorator: `load` gets the owners with the owning and the target
 * model's managers resolved (a `RelationshipError` when either is not registered).
 */
function declareRelation<V>(
  kind: Relation<V>["kind"],
  target: () => unknown,
  options: NonNullable<Relation<V>["options"]>,
  load: (owners: readonly ModelBase[], owner: AnyManager, target: AnyManager) => Promise<Map<ModelBase, V>>,
): RelationDecorator<V> {
  const relation = batchRelation(kind, target, (owners, ownerModel) =>
    load(owners, manager(ownerModel, "owning"), manager(target(), "target")),
  );
  const foreignKey = kind === "belongsTo" ? belongsToKey(options as BelongsToOptions, target) : undefined;
  return decorator<V>({ ...relation, options, ...(foreignKey === undefined ? {} : { foreignKey }) });
}

/** What a `BelongsTo` declares for the schema lifecycle (its indexed field and its constraint). */
function belongsToKey(options: BelongsToOptions, target: () => unknown): RelationForeignKey {
  return {
    localKey: options.localKey,
    target,
    ...(options.targetKey === undefined ? {} : { targetKey: options.targetKey }),
    ...(options.onDelete === undefined ? {} : { onDelete: options.onDelete }),
  };
}

/**
 * A built-in relation: `loadMany` does the work, and `load` is `loadMany` for one owner, so lazy and
 * eager loading share one query shape and one set of rules (ordering, nulls, de-duplication).
 */
function batchRelation<V>(
  kind: Relation<V>["kind"],
  target: () => unknown,
  loadMany: NonNullable<Relation<V>["loadMany"]>,
): Relation<V> {
  return {
    kind,
    target,
    loadMany,
    async load(owner) {
      return (await loadMany([owner], owner.constructor)).get(owner) as V;
    },
  };
}

function decorator<V>(relation: Relation<V>): RelationDecorator<V> {
  const decorate = <This extends ModelBase>(
    _target: ClassAccessorDecoratorTarget<This, Promise<V>>,
    context: ClassAccessorDecoratorContext<This, Promise<V>>,
  ): ClassAccessorDecoratorResult<This, Promise<V>> => ({
    get: tag(
      function (this: This): Promise<V> {
        return relationValue(relation, this);
      },
      relation as Relation<unknown>,
    ),
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
  return declareRelation<M[]>("hasMany", target, options, async (owners, ownerManager, targetManager) => {
    requireField(targetManager, options.foreignKey, "HasMany foreignKey");
    const localKey = options.localKey ?? ownerManager.keyField;
    requireField(ownerManager, localKey, "HasMany localKey");
    const rows = await filterIn(
      targetManager,
      options.foreignKey,
      distinctValues(owners, localKey),
      targetManager.keyField,
    );
    const groups = new Map<unknown, M[]>();
    for (const row of rows) {
      const key = valueKey(field(row, options.foreignKey));
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [row as unknown as M]);
      else group.push(row as unknown as M);
    }
    const out = new Map<ModelBase, M[]>();
    for (const owner of owners) {
      const value = field(owner, localKey);
      const group = value === null || value === undefined ? undefined : groups.get(valueKey(value));
      out.set(owner, group === undefined ? [] : group.slice());
    }
    return out;
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
  return declareRelation<M | null>(
    "belongsTo",
    target,
    options,
    async (owners, ownerManager, targetManager) => {
      requireField(ownerManager, options.localKey, "BelongsTo localKey");
      const targetKey = options.targetKey ?? targetManager.keyField;
      requireField(targetManager, targetKey, "BelongsTo targetKey");
      // Ordered by key, the first row per value wins: what `first()` returns for one owner.
      const rows = await filterIn(
        targetManager,
        targetKey,
        distinctValues(owners, options.localKey),
        targetManager.keyField,
      );
      const byValue = new Map<unknown, M>();
      for (const row of rows) {
        const key = valueKey(field(row, targetKey));
        if (!byValue.has(key)) byValue.set(key, row as unknown as M);
      }
      const out = new Map<ModelBase, M | null>();
      for (const owner of owners) {
        const value = field(owner, options.localKey);
        out.set(owner, value === null || value === undefined ? null : (byValue.get(valueKey(value)) ?? null));
      }
      return out;
    },
  );
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
  return declareRelation<M[]>(
    "hasManyThrough",
    target,
    options,
    async (owners, ownerManager, targetManager) => {
      const throughManager = manager(options.through(), "through");
      requireField(throughManager, options.sourceKey, "HasManyThrough sourceKey");
      requireField(throughManager, options.targetKey, "HasManyThrough targetKey");
      const links = await filterIn(
        throughManager,
        options.sourceKey,
        distinctValues(owners, ownerManager.keyField),
        throughManager.keyField,
      );
      // Per owner key: the target ids of its join rows, de-duplicated, in join-row order.
      const idsBySource = new Map<unknown, { ids: unknown[]; seen: Set<unknown> }>();
      for (const link of links) {
        const id = field(link, options.targetKey);
        if (id === null || id === undefined) continue;
        const source = valueKey(field(link, options.sourceKey));
        let entry = idsBySource.get(source);
        if (entry === undefined) {
          entry = { ids: [], seen: new Set() };
          idsBySource.set(source, entry);
        }
        const key = valueKey(id);
        if (entry.seen.has(key)) continue;
        entry.seen.add(key);
        entry.ids.push(id);
      }
      const targets = await filterIn(
        targetManager,
        targetManager.keyField,
        distinctValues(links, options.targetKey),
      );
      const byKey = new Map<unknown, M>();
      for (const row of targets) byKey.set(valueKey(field(row, targetManager.keyField)), row as unknown as M);
      const out = new Map<ModelBase, M[]>();
      for (const owner of owners) {
        const value = field(owner, ownerManager.keyField);
        const entry = value === null || value === undefined ? undefined : idsBySource.get(valueKey(value));
        const list: M[] = [];
        if (entry !== undefined) {
          for (const id of entry.ids) {
            const row = byKey.get(valueKey(id));
            if (row !== undefined) list.push(row);
          }
        }
        out.set(owner, list);
      }
      return out;
    },
  );
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
      get: tag(function (this: ModelBase) {
        return relationValue(relation, this);
      }, relation),
      set() {
        throw new RelationshipError(
          `${name} is a read-only relationship: change the foreign key fields instead`,
        );
      },
    });
  }
  return model;
}

/**
 * Relationship writes: `link` / `unlink` / `setLinks` (join rows of a `HasManyThrough` written by
 * registers; a `HasMany`'s foreign key set on the children), `associate` (a `BelongsTo` set from an
 * instance) and `createWith` (a parent and its children in one transaction), with their types. It
 * reaches other models through `managerOfClass`, and may import relations, the state, lifecycle
 * types, model-base, value-key, the transaction seam and errors.
 */
import { isPlainObject } from "../criteria.js";
import { InvalidQueryError, RelationshipError } from "../errors.js";
import { type ModelBase, managerOfClass, persistedKey } from "../model-base.js";
import type { ModelPort } from "../ports.js";
import {
  type BelongsToOptions,
  forgetPreloaded,
  type HasManyOptions,
  type HasManyThroughOptions,
  type Relation,
  relationsOf,
  storePreloaded,
} from "../relations.js";
import { runTransaction } from "../transaction.js";
import { valueKey } from "../value-key.js";
import type { FieldsOf } from "./lifecycle.js";
import type { ModelState } from "./state.js";

/**
 * Names of the to-many relationships of instances of `T` (`HasMany`, `HasManyThrough`).
 *
 * @example
 * ```ts
 * type N = ManyRelationName<Post>; // "tags"
 * ```
 */
export type ManyRelationName<T> = {
  [K in keyof T & string]: T[K] extends PromiseLike<readonly unknown[]> ? K : never;
}[keyof T & string];

/**
 * Names of the to-one relationships of instances of `T` (`BelongsTo`).
 *
 * @example
 * ```ts
 * type N = OneRelationName<Post>; // "author"
 * ```
 */
export type OneRelationName<T> = {
  [K in keyof T & string]: T[K] extends PromiseLike<infer V>
    ? [V] extends [readonly unknown[]]
      ? never
      : K
    : never;
}[keyof T & string];

/**
 * The instance type a relationship of `T` leads to.
 *
 * @example
 * ```ts
 * type M = RelatedOf<Post, "tags">; // Tag
 * ```
 */
export type RelatedOf<T, K extends keyof T> =
  T[K] extends PromiseLike<infer V> ? (V extends readonly (infer M)[] ? M : NonNullable<V>) : never;

/**
 * What a to-many write takes per item: an instance (linked; saved first if new), or the data of a
 * new one (created, then linked).
 *
 * @example
 * ```ts
 * const items: RelatedItem<Tag>[] = [existingTag, { name: "new" }];
 * ```
 */
export type RelatedItem<M> = M | Partial<FieldsOf<M>>;

/**
 * The data of `createWith`: the model's fields plus, per to-many relationship, its items.
 *
 * @example
 * ```ts
 * const data: CreateWithInput<{ name: string }, Author> = { name: "Ann", posts: [{ title: "Hello" }] };
 * ```
 */
export type CreateWithInput<I, T> = I & {
  readonly [K in ManyRelationName<T>]?: readonly RelatedItem<RelatedOf<T, K>>[];
};

/** What relationship writes need of another model's manager. */
interface WritePort extends ModelPort {
  readonly model: { readonly name: string } & (abstract new (...args: never[]) => object);
  create(data: unknown): Promise<object>;
  bulkCreate(rows: readonly unknown[]): Promise<object[]>;
  deleteWhere(criteria: unknown): Promise<number>;
  transaction<R>(fn: () => Promise<R>): Promise<R>;
}

type Kind = Relation<unknown>["kind"];

function port(model: unknown): WritePort {
  return managerOfClass(model) as WritePort;
}

/** The relationship `name` of the model, of one of `kinds` (`RelationshipError` otherwise). */
function relationNamed(s: ModelState, name: unknown, kinds: readonly Kind[], method: string) {
  const relations = relationsOf(s.model);
  const relation = typeof name === "string" ? relations.get(name) : undefined;
  if (relation === undefined) {
    const names = [...relations.keys()];
    throw new RelationshipError(
      `${s.model.name} has no relationship "${String(name)}"; relationships: ${names.join(", ") || "none"}`,
    );
  }
  if (!kinds.includes(relation.kind) || relation.options === undefined || relation.target === undefined) {
    throw new RelationshipError(
      `${method}() works on ${kinds.join(" / ")} relationships declared with registers; "${String(name)}" is ${relation.options === undefined ? "hand-written" : `a ${relation.kind}`}`,
    );
  }
  return { relation, options: relation.options, target: port(relation.target()) };
}

/** The owner's value of `field` (its key, or `localKey`): it must be a saved instance of the model. */
function ownerValue(s: ModelState, owner: unknown, field: string, method: string): unknown {
  if (!(owner instanceof s.model))
    throw new InvalidQueryError(`${method}() takes a ${s.model.name} instance`);
  const value = (owner as Record<string, unknown>)[field];
  if (value == null) {
    throw new RelationshipError(`${method}(): this ${s.model.name} has no ${field} yet: save it first`);
  }
  return value;
}

/**
 * The items as saved instances of the target: an instance is saved when new or when `fixed` changes
 * it (its foreign key); plain data is created (with `fixed`).
 */
async function targetsOf(
  target: WritePort,
  items: readonly unknown[],
  method: string,
  fixed?: Record<string, unknown>,
): Promise<ModelBase[]> {
  const out: ModelBase[] = [];
  for (const item of items) {
    if (item instanceof target.model) {
      const instance = item as ModelBase;
      if (fixed !== undefined) Object.assign(instance, fixed);
      const stored = persistedKey(instance) !== undefined;
      if (fixed !== undefined || !stored) await target.save(instance);
      out.push(instance);
    } else if (isPlainObject(item)) {
      out.push((await target.create(fixed === undefined ? item : { ...item, ...fixed })) as ModelBase);
    } else {
      throw new RelationshipError(
        `${method}() takes ${target.model.name} instances or data objects, got ${item === null ? "null" : typeof item}`,
      );
    }
  }
  return out;
}

function list(items: unknown, method: string): readonly unknown[] {
  if (Array.isArray(items)) return items;
  if (items === null || items === undefined) throw new InvalidQueryError(`${method}() needs items to link`);
  return [items];
}

function distinctKeys(rows: readonly object[], field: string): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const row of rows) {
    const value = (row as Record<string, unknown>)[field];
    if (value == null || seen.has(valueKey(value))) continue;
    seen.add(valueKey(value));
    out.push(value);
  }
  return out;
}

/** Inserts the join rows `owner -> keys` that are missing. */
async function addJoinRows(
  through: WritePort,
  options: HasManyThroughOptions,
  owner: unknown,
  keys: readonly unknown[],
): Promise<void> {
  if (keys.length === 0) return;
  const existing = await through.filter({ [options.sourceKey]: owner, [options.targetKey]: [...keys] });
  const have = new Set(existing.map((row) => valueKey((row as Record<string, unknown>)[options.targetKey])));
  const missing = keys.filter((key) => !have.has(valueKey(key)));
  if (missing.length > 0) {
    await through.bulkCreate(
      missing.map((key) => ({ [options.sourceKey]: owner, [options.targetKey]: key })),
    );
  }
}

/**
 * `link(owner, relation, items)`: `HasManyThrough` inserts the missing join rows; `HasMany` sets the
 * children's foreign key to the owner and saves them. Items may be new data (created first). One
 * transaction (on the join or child model's database). Returns the linked instances.
 */
export async function link(
  s: ModelState,
  owner: unknown,
  name: unknown,
  items: unknown,
): Promise<ModelBase[]> {
  const { relation, options, target } = relationNamed(s, name, ["hasMany", "hasManyThrough"], "link");
  const entries = list(items, "link");
  try {
    if (relation.kind === "hasMany") {
      const { foreignKey, localKey } = options as HasManyOptions;
      const value = ownerValue(s, owner, localKey ?? s.keyField, "link");
      return await target.transaction(() => targetsOf(target, entries, "link", { [foreignKey]: value }));
    }
    const through = options as HasManyThroughOptions;
    const value = ownerValue(s, owner, s.keyField, "link");
    const join = port(through.through());
    return await join.transaction(async () => {
      const targets = await targetsOf(target, entries, "link");
      await addJoinRows(join, through, value, distinctKeys(targets, target.keyField));
      return targets;
    });
  } finally {
    forgetPreloaded(owner as object, relation);
  }
}

/**
 * `unlink(owner, relation, targets)`: `HasManyThrough` deletes the join rows to these targets (the
 * targets stay); `HasMany` clears the foreign key of those children that point at the owner (it must
 * be nullable: `ValidationError` otherwise). Returns how many links were removed.
 */
export async function unlink(s: ModelState, owner: unknown, name: unknown, items: unknown): Promise<number> {
  const { relation, options, target } = relationNamed(s, name, ["hasMany", "hasManyThrough"], "unlink");
  const entries = list(items, "unlink");
  for (const item of entries) {
    if (!(item instanceof target.model)) {
      throw new RelationshipError(`unlink() takes ${target.model.name} instances`);
    }
  }
  try {
    if (relation.kind === "hasMany") {
      const { foreignKey, localKey } = options as HasManyOptions;
      const value = ownerValue(s, owner, localKey ?? s.keyField, "unlink");
      return await target.transaction(async () => {
        let removed = 0;
        for (const child of entries as Record<string, unknown>[]) {
          if (child[foreignKey] == null || valueKey(child[foreignKey]) !== valueKey(value)) continue;
          child[foreignKey] = null;
          await target.save(child);
          removed++;
        }
        return removed;
      });
    }
    const through = options as HasManyThroughOptions;
    const value = ownerValue(s, owner, s.keyField, "unlink");
    const keys = distinctKeys(entries as object[], target.keyField);
    if (keys.length === 0) return 0;
    return await port(through.through()).deleteWhere({
      [through.sourceKey]: value,
      [through.targetKey]: keys,
    });
  } finally {
    forgetPreloaded(owner as object, relation);
  }
}

/**
 * `setLinks(owner, relation, items)`: afterwards the owner is linked to exactly these items (others
 * unlinked as `unlink` does, missing ones linked as `link` does), in one transaction.
 */
export async function setLinks(
  s: ModelState,
  owner: unknown,
  name: unknown,
  items: unknown,
): Promise<ModelBase[]> {
  const { relation, options, target } = relationNamed(s, name, ["hasMany", "hasManyThrough"], "setLinks");
  if (!Array.isArray(items)) throw new InvalidQueryError("setLinks() takes a list (empty to unlink all)");
  try {
    if (relation.kind === "hasMany") {
      const { foreignKey, localKey } = options as HasManyOptions;
      const value = ownerValue(s, owner, localKey ?? s.keyField, "setLinks");
      return await target.transaction(async () => {
        const targets = await targetsOf(target, items, "setLinks", { [foreignKey]: value });
        const keep = new Set(
          targets.map((t) => valueKey((t as unknown as Record<string, unknown>)[target.keyField])),
        );
        for (const child of await target.filter({ [foreignKey]: value })) {
          const row = child as Record<string, unknown>;
          if (keep.has(valueKey(row[target.keyField]))) continue;
          row[foreignKey] = null;
          await target.save(row);
        }
        return targets;
      });
    }
    const through = options as HasManyThroughOptions;
    const value = ownerValue(s, owner, s.keyField, "setLinks");
    const join = port(through.through());
    return await join.transaction(async () => {
      const targets = await targetsOf(target, items, "setLinks");
      const keys = distinctKeys(targets, target.keyField);
      await join.deleteWhere(
        keys.length === 0
          ? { [through.sourceKey]: value }
          : { [through.sourceKey]: value, [through.targetKey]: { notIn: keys } },
      );
      await addJoinRows(join, through, value, keys);
      return targets;
    });
  } finally {
    forgetPreloaded(owner as object, relation);
  }
}

/**
 * `associate(owner, relation, target)`: sets a `BelongsTo`'s field from a saved instance (or clears
 * it with `null`), in memory: `save()` writes it. Reading the relationship then returns `target`
 * without a query. Returns the owner.
 */
export function associate<T>(s: ModelState, owner: T, name: unknown, value: unknown): T {
  const { relation, options, target } = relationNamed(s, name, ["belongsTo"], "associate");
  if (!(owner instanceof s.model))
    throw new InvalidQueryError(`associate() takes a ${s.model.name} instance`);
  const { localKey, targetKey } = options as BelongsToOptions;
  let fk: unknown = null;
  if (value !== null) {
    if (!(value instanceof target.model)) {
      throw new RelationshipError(`associate() takes a ${target.model.name} instance or null`);
    }
    fk = (value as Record<string, unknown>)[targetKey ?? target.keyField];
    if (fk == null) {
      throw new RelationshipError(`associate(): this ${target.model.name} has no key yet: save it first`);
    }
  }
  (owner as Record<string, unknown>)[localKey] = fk;
  storePreloaded(owner as object, relation, value);
  return owner;
}

/**
 * `createWith(data)`: creates the row from the model's fields, then, per to-many relationship named
 * in `data`, links its items (creating new ones), all in one transaction. The parent's relationships
 * then read back without a query. Returns the parent.
 */
export async function createWith<T extends object>(
  s: ModelState<T>,
  data: unknown,
  create: (fields: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  if (!isPlainObject(data)) throw new InvalidQueryError("createWith() takes a data object");
  const relations = relationsOf(s.model);
  const fields: Record<string, unknown> = {};
  const nested: [string, Relation<unknown>, unknown][] = [];
  for (const [name, value] of Object.entries(data)) {
    const relation = s.fields.has(name) ? undefined : relations.get(name);
    if (relation === undefined) {
      fields[name] = value;
    } else if (relation.kind === "belongsTo" || !Array.isArray(value)) {
      throw new RelationshipError(
        `createWith(): "${name}" takes a list of ${relation.kind === "belongsTo" ? "children; set a belongs-to with associate() or its field" : "items"}`,
      );
    } else {
      nested.push([name, relation, value]);
    }
  }
  return await runTransaction(s.engine, async () => {
    const parent = await create(fields);
    for (const [name, relation, items] of nested) {
      const linked = await link(s, parent, name, items);
      const target = relation.target?.();
      const keyField = target === undefined ? undefined : port(target).keyField;
      const seen = new Set<unknown>();
      const unique = linked.filter((row) => {
        const key = valueKey(
          keyField === undefined ? row : (row as unknown as Record<string, unknown>)[keyField],
        );
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      storePreloaded(parent, relation, unique);
    }
    return parent;
  });
}

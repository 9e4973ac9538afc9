/**
 * Resolves the relationship named in criteria (`{ posts: { some: {...} } }`) to the join a
 * relationship filter renders (`RelationJoin`): the related model's table, compiler and columns,
 * from the `HasMany` / `BelongsTo` / `HasManyThrough` declaration. Resolved once per model and
 * name; and the models a model's relationships reach (`relatedStates`), whose tables its first use
 * creates. It may import criteria types, relations, model-base and errors; the state it reads is the
 * structural `ModelState` below.
 */
import type { CompiledCriteria, CriteriaCompiler, RelationJoin, Term } from "../criteria.js";
import type { Dialect } from "../dialect/dialect.js";
import { InvalidQueryError, RelationshipError } from "../errors.js";
import { managerOfClass } from "../model-base.js";
import type { BelongsToOptions, HasManyOptions, HasManyThroughOptions } from "../relations.js";
import { relationsOf } from "../relations.js";

/**
 * What a relationship filter reads of a model's state (`ModelState` satisfies it). A structural
 * interface here, not an import of `state.ts`, which imports this module: the imports point one way.
 */
export interface ModelState {
  readonly model: { readonly name: string };
  readonly engine: unknown;
  readonly fields: ReadonlyMap<string, unknown>;
  readonly columns: readonly string[];
  readonly tableName: string;
  readonly keyField: string;
  readonly compiler: CriteriaCompiler | null;
  readonly d: Dialect;
  useDialect(dialect: Dialect): void;
}

const resolved = new WeakMap<ModelState, Map<string, RelationJoin>>();

/** The state behind a registered model class (its first registry, as relationships use). */
function stateOf(model: unknown, role: string, owner: ModelState): ModelState {
  let manager: unknown;
  try {
    manager = managerOfClass(model);
  } catch (error) {
    throw new RelationshipError(`the ${role} model of ${owner.model.name}'s relationship is not registered`, {
      cause: error,
    });
  }
  // The facade keeps its state in a protected member; this module is part of the manager.
  return (manager as { state: ModelState }).state;
}

function requireColumn(s: ModelState, column: string, option: string): string {
  if (!s.fields.has(column)) {
    throw new RelationshipError(
      `${option} "${column}" is not a field of ${s.model.name}; fields: ${s.columns.join(", ")}`,
    );
  }
  return column;
}

/** A related model usable in a subquery of `owner`'s statements: same database, compiler ready. */
function related(owner: ModelState, model: unknown, role: string, name: string): ModelState {
  const target = stateOf(model, role, owner);
  if (target.engine !== owner.engine) {
    throw new InvalidQueryError(
      `the relationship filter "${name}" of ${owner.model.name} reaches ${target.model.name}, which is on another database: filter in two steps`,
    );
  }
  if (target.compiler === null) target.useDialect(owner.d);
  return target;
}

/** Soft delete on the related model: its scope term joins the filter's terms (no parameters). */
function scopeOf(target: ModelState): RelationJoin["scope"] {
  const scope = (target as { scope?: { apply(c: CompiledCriteria): CompiledCriteria } | null }).scope;
  if (scope === null || scope === undefined) return undefined;
  return (terms: Term[]) => [...scope.apply({ shape: "", params: [], terms }).terms];
}

/**
 * The states of the models `owner`'s declared relationships reach on its database: `HasMany` and
 * `BelongsTo` targets, a `HasManyThrough`'s target and join model. Models not registered (yet), on
 * another database, or hand-written relations are left out: a filter naming them reports it. Read
 * on each call (the model's one-time setup asks), so a model registered later is found later.
 *
 * @example
 * ```ts
 * relatedStates(postState).map((s) => s.tableName); // ["authors", "tags", "post_tags"]
 * ```
 */
export function relatedStates(owner: ModelState): ModelState[] {
  const out: ModelState[] = [];
  for (const relation of relationsOf(owner.model).values()) {
    if (relation.options === undefined || relation.target === undefined) continue;
    const models = [relation.target];
    if (relation.kind === "hasManyThrough") models.push((relation.options as HasManyThroughOptions).through);
    for (const model of models) {
      let state: ModelState;
      try {
        state = (managerOfClass(model()) as unknown as { state: ModelState }).state;
      } catch {
        continue; // not registered (yet): the filter's own resolution reports it
      }
      if (state !== owner && state.engine === owner.engine && !out.includes(state)) out.push(state);
    }
  }
  return out;
}

/**
 * The join of `owner`'s relationship `name`, or `undefined` when the model has no relationship of
 * that name. A hand-written relationship (`relate()` with a custom loader), a related model on
 * another database or a declaration naming a missing field is a typed error.
 *
 * @example
 * ```ts
 * relationJoin(authorState, "posts"); // { table: "posts", column: "author_id", ownerColumn: "id", ... }
 * ```
 */
export function relationJoin(owner: ModelState, name: string): RelationJoin | undefined {
  let byName = resolved.get(owner);
  const cached = byName?.get(name);
  if (cached !== undefined) return cached;
  const relation = relationsOf(owner.model).get(name);
  if (relation === undefined) return undefined;
  const options = relation.options;
  if (options === undefined || relation.target === undefined) {
    throw new InvalidQueryError(
      `"${name}" of ${owner.model.name} is a hand-written relationship: relationship filters need HasMany, BelongsTo or HasManyThrough`,
    );
  }
  const target = related(owner, relation.target(), "related", name);
  let join: RelationJoin;
  if (relation.kind === "hasMany") {
    const o = options as HasManyOptions;
    join = {
      name,
      table: target.tableName,
      column: requireColumn(target, o.foreignKey, "HasMany foreignKey"),
      ownerColumn: requireColumn(owner, o.localKey ?? owner.keyField, "HasMany localKey"),
      compiler: target.compiler,
      scope: scopeOf(target),
    };
  } else if (relation.kind === "belongsTo") {
    const o = options as BelongsToOptions;
    join = {
      name,
      table: target.tableName,
      column: requireColumn(target, o.targetKey ?? target.keyField, "BelongsTo targetKey"),
      ownerColumn: requireColumn(owner, o.localKey, "BelongsTo localKey"),
      compiler: target.compiler,
      scope: scopeOf(target),
    };
  } else {
    const o = options as HasManyThroughOptions;
    const through = related(owner, o.through(), "through", name);
    join = {
      name,
      table: target.tableName,
      column: target.keyField,
      ownerColumn: owner.keyField,
      through: {
        table: through.tableName,
        ownerColumn: requireColumn(through, o.sourceKey, "HasManyThrough sourceKey"),
        column: requireColumn(through, o.targetKey, "HasManyThrough targetKey"),
      },
      compiler: target.compiler,
      scope: scopeOf(target),
    };
  }
  if (byName === undefined) {
    byName = new Map();
    resolved.set(owner, byName);
  }
  byName.set(name, join);
  return join;
}

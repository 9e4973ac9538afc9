/**
 * Soft delete (registry option `softDelete`): `delete` and `deleteWhere` set the field instead of
 * removing rows, `restore` clears it, `forceDelete` removes rows whatever their state, and
 * `withDeleted()` / `onlyDeleted()` are read views over the same table with another scope (their
 * own statement caches, the model's readiness and dialect). It may import the state, scope, reader,
 * sql helpers, the statement cache and errors.
 */
import { InvalidQueryError } from "../errors.js";
import { StatementCache } from "../statement-cache.js";
import { ModelReader } from "./reader.js";
import { deletedScope, type Scope } from "./scope.js";
import { deleteSql, updateSql, whereKeySql } from "./sql.js";
import type { ModelState } from "./state.js";

/** The soft-delete field, or `InvalidQueryError` naming the method when the model has none. */
function softField(s: ModelState, method: string): string {
  const field = s.lifecycle?.deletedAt;
  if (field == null) {
    throw new InvalidQueryError(
      `${s.model.name}.${method}() needs soft delete: register the model with softDelete: true and a deletedAt: z.date().nullable().default(null) field`,
    );
  }
  return field;
}

/** `delete(key)` of a soft-delete model: sets the field on the live row; `true` if one was live. */
export async function softDeleteByKey(s: ModelState, key: unknown): Promise<boolean> {
  const session = await s.session();
  const field = softField(s, "delete");
  const param = s.keyParam(key);
  const statement = s.statements.prepare(session, "softdelete", () =>
    updateSql(s, [field], whereKeySql(s, 2) + s.keyScopeSql()),
  );
  return (await statement.run([s.d.encode("date", new Date()), param])).changes > 0;
}

/** `deleteWhere(criteria)` of a soft-delete model: sets the field on matching live rows; how many. */
export async function softDeleteWhere(s: ModelState, criteria: unknown): Promise<number> {
  const session = await s.session();
  const field = softField(s, "deleteWhere");
  const compiled = s.compile(criteria);
  if (s.unfiltered(compiled)) {
    throw new InvalidQueryError("deleteWhere() needs criteria: use truncate() to delete every row");
  }
  const statement = s.statements.prepare(session, `softdeletewhere:${compiled.shape}`, () =>
    updateSql(s, [field], s.where(compiled, 2)),
  );
  return (await statement.run([s.d.encode("date", new Date()), ...compiled.params])).changes;
}

/** `restore(key)`: clears the field of a soft-deleted row; `true` if one was deleted. */
export async function restore(s: ModelState, key: unknown): Promise<boolean> {
  const session = await s.session();
  const field = softField(s, "restore");
  const param = s.keyParam(key);
  const statement = s.statements.prepare(session, "restore", () =>
    updateSql(s, [field], `${whereKeySql(s, 2)} AND ${s.d.quote(field)} IS NOT NULL`),
  );
  return (await statement.run([null, param])).changes > 0;
}

/** `restoreWhere(criteria)`: clears the field of matching soft-deleted rows; how many. */
export async function restoreWhere(s: ModelState, criteria: unknown): Promise<number> {
  const session = await s.session();
  const field = softField(s, "restoreWhere");
  const compiled = deletedScope(field).apply(rawCompile(s, criteria));
  const statement = s.statements.prepare(session, `restorewhere:${compiled.shape}`, () =>
    updateSql(s, [field], s.where(compiled, 2)),
  );
  return (await statement.run([null, ...compiled.params])).changes;
}

/** `forceDelete(key)`: removes the row, deleted or not; `true` if there was one. */
export async function forceDelete(s: ModelState, key: unknown): Promise<boolean> {
  const session = await s.session();
  softField(s, "forceDelete");
  const param = s.keyParam(key);
  const statement = s.statements.prepare(session, "forcedelete", () => deleteSql(s, whereKeySql(s)));
  return (await statement.run([param])).changes > 0;
}

/** `forceDeleteWhere(criteria)`: removes matching rows, deleted or not; how many (empty criteria refused). */
export async function forceDeleteWhere(s: ModelState, criteria: unknown): Promise<number> {
  const session = await s.session();
  softField(s, "forceDeleteWhere");
  const compiled = rawCompile(s, criteria);
  if (compiled.terms.length === 0) {
    throw new InvalidQueryError("forceDeleteWhere() needs criteria: use truncate() to delete every row");
  }
  const statement = s.statements.prepare(session, `forcedeletewhere:${compiled.shape}`, () =>
    deleteSql(s, s.where(compiled)),
  );
  return (await statement.run(compiled.params)).changes;
}

/** Criteria compiled without the model's scope (every row). */
function rawCompile(s: ModelState, criteria: unknown) {
  const compiled = s.compile(criteria);
  const scope = s.scope;
  if (scope === null) return compiled;
  // The scope's term is the last one and binds nothing: drop it.
  return {
    shape: `${compiled.shape}\u0006all`,
    params: compiled.params,
    terms: compiled.terms.slice(0, -1),
  };
}

const views = new WeakMap<ModelState, Map<string, ModelReader<object, unknown>>>();

/**
 * `withDeleted()` (every row) or `onlyDeleted()` (soft-deleted rows): the reads of the model over
 * another scope. Built once per model and scope.
 */
export function scopedReader<T extends object, D>(
  s: ModelState<T>,
  which: "withDeleted" | "onlyDeleted",
): ModelReader<T, D> {
  const field = softField(s, which);
  let byName = views.get(s);
  if (byName === undefined) {
    byName = new Map();
    views.set(s, byName);
  }
  let reader = byName.get(which);
  if (reader === undefined) {
    const state = scopedState(s, which === "withDeleted" ? null : deletedScope(field));
    reader = new ModelReader<T, D>(s.model, s.engine, s.config, state) as ModelReader<object, unknown>;
    byName.set(which, reader);
  }
  return reader as unknown as ModelReader<T, D>;
}

/**
 * A view of `base` with another scope: its own statement caches (statements differ by scope), the
 * base's dialect, compiler, table readiness and sessions.
 */
function scopedState<T extends object>(base: ModelState<T>, scope: Scope | null): ModelState<T> {
  const hints = base.config.fields.some((f) => f.kind === "bigint") ? { bigints: true } : undefined;
  const caches = [new StatementCache(hints), new StatementCache(hints), new StatementCache(hints)];
  let generation = -1;
  const view = Object.create(base) as ModelState<T>;
  Object.defineProperties(view, {
    scope: { value: scope },
    statements: { value: caches[0] },
    countStatements: { value: caches[1] },
    filterStatements: { value: caches[2] },
    getEntry: { value: null, writable: true },
    insertEntry: { value: null, writable: true },
    session: {
      value: () => {
        if (generation !== base.engine.generation) {
          generation = base.engine.generation;
          for (const cache of caches) cache.reset();
        }
        return base.session();
      },
    },
    catalogSession: { value: () => base.catalogSession() },
  });
  return view;
}

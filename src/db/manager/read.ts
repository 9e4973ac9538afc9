/**
 * Reads beyond the hot paths the facade keeps inline: `filter` with options, `first`/`last`,
 * `get` with a criteria object or `{ forUpdate }`, `require`, `exists`, `values`, `refresh` and
 * eager loading (`include`/`prefetch`). It may import the state, rows, sql and value helpers,
 * criteria ordering, eager loading, model-base and the transaction seam.
 */
import {
  type CompiledCriteria,
  compileOrderBy,
  isPlainObject,
  type OrderItem,
  parseOrderBy,
  renderOrderBy,
} from "../criteria.js";
import type { Row, Session, Statement } from "../dialect/dialect.js";
import { loadRelations } from "../eager.js";
import { InvalidQueryError, RecordNotFoundError } from "../errors.js";
import { type ModelBase, persistedKey } from "../model-base.js";
import { transactionConnection } from "../transaction.js";
import { decodeValue, hydrateRow } from "./rows.js";
import { existsSql, selectColumnsSql, selectSql } from "./sql.js";
import type { ModelState } from "./state.js";
import type { FilterOptions, GetOptions } from "./types.js";
import { count, describeCriteria, orderKey } from "./values.js";

/** The rows of `filter(criteria, options)` (limit, offset, orderBy), not yet hydrated. */
export function filterRows(
  s: ModelState,
  session: Session,
  criteria: unknown,
  options: FilterOptions | undefined,
): Row[] | Promise<Row[]> {
  const compiled = s.compile(criteria);
  if (options === undefined) return plainFilterStatement(s, session, compiled).all(compiled.params);
  const d = s.d;
  const limit = count("limit", options.limit);
  const offset = count("offset", options.offset);
  const orderBy = options.orderBy;
  const tail = d.limitOffset(limit, offset, compiled.params.length + 1);
  const key = `filter:${compiled.shape}|${orderKey(orderBy)}|${limit === null ? 0 : 1}${offset === null ? 0 : 1}`;
  const statement = s.statements.prepare(session, key, () => {
    const order = compileOrderBy(orderBy, s.orderFields, d, s.tableName, s.unorderable);
    return selectSql(s, s.where(compiled), `${order}${tail.sql}`);
  });
  return statement.all(tail.params.length === 0 ? compiled.params : [...compiled.params, ...tail.params]);
}

/** The cached statement of `filter(criteria)` without options (params: `compiled.params`). */
export function plainFilterStatement(s: ModelState, session: Session, compiled: CompiledCriteria): Statement {
  return s.filterStatements.prepare(session, compiled.shape, () => selectSql(s, s.where(compiled)));
}

/** The first matching row in `orderBy` order (default the key; `DESC` reverses it), optionally locked. */
export async function firstMatch<T extends object>(
  s: ModelState<T>,
  session: Session,
  criteria: unknown,
  direction: "ASC" | "DESC",
  orderBy?: unknown,
  lock = false,
): Promise<T | null> {
  const compiled = s.compile(criteria);
  const d = s.d;
  const tail = d.limitOffset(1, null, compiled.params.length + 1);
  const key = `first:${direction}:${compiled.shape}|${orderKey(orderBy)}|${lock ? 1 : 0}`;
  const statement = s.statements.prepare(session, key, () => {
    const items: OrderItem[] =
      orderBy === undefined
        ? [[s.keyField, "asc"]]
        : parseOrderBy(orderBy, s.orderFields, s.tableName, s.unorderable);
    const ordered =
      direction === "ASC"
        ? items
        : items.map(([name, dir]): OrderItem => [name, dir === "asc" ? "desc" : "asc"]);
    const order = renderOrderBy(ordered, s.orderFields, d);
    return selectSql(s, s.where(compiled), `${order}${tail.sql}${lock ? (d.rowLock ?? "") : ""}`);
  });
  const rows = await statement.all([...compiled.params, ...tail.params]);
  return rows.length === 0 ? null : hydrateRow(s, rows[0]);
}

/** `get(key or criteria)` after the fast path: a criteria object, or a session still opening. */
export async function getSlow<T extends object>(
  s: ModelState<T>,
  pending: Session | Promise<Session>,
  keyOrCriteria: unknown,
  getByKey: (key: unknown) => Promise<T | null>,
): Promise<T | null> {
  const session = await pending;
  if (isPlainObject(keyOrCriteria)) return await firstMatch(s, session, keyOrCriteria, "ASC");
  return await getByKey(keyOrCriteria);
}

/** `get()` with options: `{ forUpdate: true }` locks the row until the transaction ends. */
export async function getWith<T extends object>(
  s: ModelState<T>,
  keyOrCriteria: unknown,
  options: unknown,
  getPlain: (keyOrCriteria: unknown) => Promise<T | null>,
): Promise<T | null> {
  const keys = isPlainObject(options) ? Object.keys(options) : null;
  const forUpdate = (options as GetOptions | null)?.forUpdate;
  if (
    keys === null ||
    keys.some((k) => k !== "forUpdate") ||
    (forUpdate !== undefined && typeof forUpdate !== "boolean")
  ) {
    throw new InvalidQueryError(
      "get() takes one key or one criteria object, then optionally { forUpdate: true }, e.g. get(1) or get({ email })",
    );
  }
  if (forUpdate !== true) return await getPlain(keyOrCriteria);
  if (transactionConnection(s.engine) === undefined) {
    throw new InvalidQueryError(
      "get(..., { forUpdate: true }) locks the row until its transaction ends: call it inside Model.objects.transaction(...)",
    );
  }
  const session = await s.session();
  if (!isPlainObject(keyOrCriteria)) s.keyParam(keyOrCriteria); // validates the key
  const criteria = isPlainObject(keyOrCriteria) ? keyOrCriteria : { [s.keyField]: keyOrCriteria };
  return await firstMatch(s, session, criteria, "ASC", undefined, true);
}

/** The `RecordNotFoundError` of `require()`. */
export function notFound(s: ModelState, keyOrCriteria: unknown): RecordNotFoundError {
  const what = isPlainObject(keyOrCriteria)
    ? describeCriteria(keyOrCriteria)
    : `${s.keyField} = ${String(keyOrCriteria)}`;
  return new RecordNotFoundError(`no ${s.model.name} in "${s.tableName}" where ${what}`);
}

/** `exists(criteria)`. */
export async function exists(s: ModelState, criteria: unknown): Promise<boolean> {
  const session = await s.session();
  const compiled = s.compile(criteria);
  const tail = s.d.limitOffset(1, null, compiled.params.length + 1);
  const statement = s.statements.prepare(session, `exists:${compiled.shape}`, () =>
    existsSql(s, s.where(compiled), tail.sql),
  );
  return (await statement.all([...compiled.params, ...tail.params])).length > 0;
}

/** `values(criteria, fields, options)`: plain objects of these fields, decoded. */
export async function values(
  s: ModelState,
  criteria: unknown,
  fields: readonly string[],
  options: FilterOptions | undefined,
): Promise<Record<string, unknown>[]> {
  const session = await s.session();
  if (!Array.isArray(fields) || fields.length === 0) {
    throw new InvalidQueryError(`values() takes a non-empty list of fields, e.g. ["id", "email"]`);
  }
  const infos = fields.map((name) => {
    const field = s.fields.get(name);
    if (field === undefined) {
      throw new InvalidQueryError(
        `unknown field "${String(name)}" in values() for "${s.tableName}"; fields: ${s.columns.join(", ")}`,
      );
    }
    return field;
  });
  const compiled = s.compile(criteria);
  const d = s.d;
  const limit = count("limit", options?.limit);
  const offset = count("offset", options?.offset);
  const orderBy = options?.orderBy;
  const tail = d.limitOffset(limit, offset, compiled.params.length + 1);
  const key = `values:${fields.join(",")}|${compiled.shape}|${orderKey(orderBy)}|${limit === null ? 0 : 1}${offset === null ? 0 : 1}`;
  const statement = s.statements.prepare(session, key, () => {
    const order = compileOrderBy(orderBy, s.orderFields, d, s.tableName, s.unorderable);
    return selectColumnsSql(
      s,
      infos.map((f) => f.name),
      s.where(compiled),
      `${order}${tail.sql}`,
    );
  });
  const rows = await statement.all([...compiled.params, ...tail.params]);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const field of infos) out[field.name] = decodeValue(s, field, row[field.name]);
    return out;
  });
}

/** `refresh(instance)`: a fresh copy by the key it was loaded with; `RecordNotFoundError` if gone. */
export async function refresh<T extends object>(
  s: ModelState<T>,
  instance: T,
  getByKey: (key: unknown) => Promise<T | null>,
): Promise<T> {
  const key =
    persistedKey(instance as unknown as ModelBase) ?? (instance as Record<string, unknown>)[s.keyField];
  if (key == null)
    throw new RecordNotFoundError(`this ${s.model.name} was never saved: there is nothing to refresh`);
  const fresh = await getByKey(key);
  if (fresh === null) {
    throw new RecordNotFoundError(
      `${s.model.name} with ${s.keyField} = ${String(key)} no longer exists in "${s.tableName}"`,
    );
  }
  return fresh;
}

/** `prefetch(rows, ...paths)`: relationships loaded one query per relationship and level. */
export async function prefetch<T extends object>(
  s: ModelState<T>,
  rows: readonly T[],
  paths: readonly unknown[],
): Promise<T[]> {
  if (!Array.isArray(rows)) throw new InvalidQueryError("prefetch() takes an array of rows");
  if (!Array.isArray(paths) || paths.some((path) => typeof path !== "string")) {
    throw new InvalidQueryError('include / prefetch take relationship names, e.g. ["posts", "posts.tags"]');
  }
  for (const row of rows) {
    if (!(row instanceof s.model)) throw new InvalidQueryError(`prefetch() takes ${s.model.name} instances`);
  }
  if (paths.length > 0) await loadRelations(s.model, rows as object[], paths as string[]);
  return rows as T[];
}

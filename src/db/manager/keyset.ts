/**
 * Keyset reads: `page()` (one page and its cursor) and `iterate()` (every row in batches, flat
 * memory), ordered by non-null fields with the key breaking ties, and the cursor format (it names
 * the table and the order, so a foreign cursor is refused). It may import the state, rows, sql and
 * value helpers, criteria ordering and errors.
 */
import {
  type CompiledCriteria,
  isPlainObject,
  type OrderItem,
  parseOrderBy,
  renderOrderBy,
} from "../criteria.js";
import type { Row, Session } from "../dialect/dialect.js";
import { InvalidQueryError } from "../errors.js";
import type { FieldInfo } from "../zod-to-columns.js";
import { hydrateRows } from "./rows.js";
import { afterPositionSql, selectSql } from "./sql.js";
import type { ModelState } from "./state.js";
import type { IterateOptions, Page, PageOptions } from "./types.js";
import { count, cursorValue } from "./values.js";

/** Keyset order: items (orderBy, then the key), their fields, and a signature for cursors and caching. */
interface KeysetOrder {
  readonly items: readonly OrderItem[];
  readonly fields: readonly FieldInfo[];
  readonly signature: string;
}

/** `page(options)`: `limit` rows after the cursor `after`, and the next cursor (`null` on the last page). */
export async function page<T extends object>(s: ModelState<T>, options: PageOptions): Promise<Page<T>> {
  if (!isPlainObject(options))
    throw new InvalidQueryError("page() takes { limit, where?, orderBy?, after? }");
  const limit = count("limit", options.limit);
  if (limit === null || limit === 0) {
    throw new InvalidQueryError(`page() needs a positive integer limit, got ${String(options.limit)}`);
  }
  const session = await s.session();
  const compiled = s.compile(options.where);
  const order = keysetOrder(s, options.orderBy, "page()");
  const after =
    options.after === undefined || options.after === null ? null : fromCursor(s, options.after, order);
  const rows = await keysetBatch(s, session, compiled, order, after, limit + 1);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const items = hydrateRows(s, rows);
  const nextCursor = more ? toCursor(order, items[items.length - 1]) : null;
  return { items, nextCursor };
}

/**
 * `iterate(criteria, options)`: every matching row in keyset batches. `translate` turns a failure
 * into the caller's typed error (an async generator cannot be wrapped after the fact).
 */
export async function* iterate<T extends object>(
  s: ModelState<T>,
  criteria: unknown,
  options: IterateOptions | undefined,
  translate: (error: unknown) => unknown,
): AsyncGenerator<T, void, undefined> {
  let after: unknown[] | null = null;
  let compiled: CompiledCriteria;
  let order: KeysetOrder;
  let batchSize: number;
  try {
    batchSize = count("batchSize", options?.batchSize) ?? 1000;
    if (batchSize === 0) throw new InvalidQueryError("iterate() needs a positive integer batchSize");
    await s.session();
    compiled = s.compile(criteria);
    order = keysetOrder(s, options?.orderBy, "iterate()");
  } catch (error) {
    throw translate(error);
  }
  for (;;) {
    let items: T[];
    try {
      items = hydrateRows(s, await keysetBatch(s, await s.session(), compiled, order, after, batchSize));
    } catch (error) {
      throw translate(error);
    }
    for (const item of items) yield item;
    if (items.length < batchSize) return;
    after = keysetValues(s, order, items[items.length - 1]);
  }
}

/** Order items for keyset reads: `orderBy` (non-nullable fields) then the key as tie-breaker. */
function keysetOrder(s: ModelState, orderBy: unknown, method: string): KeysetOrder {
  const items = parseOrderBy(orderBy, s.orderFields, s.tableName, s.unorderable);
  const fields: FieldInfo[] = [];
  const out: OrderItem[] = [];
  for (const item of items) {
    const field = s.orderFields.get(item[0]) as FieldInfo;
    if (field.nullable || field.optional) {
      throw new InvalidQueryError(
        `${method} orders by non-null fields only: "${field.name}" of ${s.model.name} can be null (use filter() with orderBy and offset for it)`,
      );
    }
    if (field.kind === "json")
      throw new InvalidQueryError(`${method} cannot order by the JSON field "${field.name}"`);
    if (fields.some((f) => f.name === field.name)) continue;
    fields.push(field);
    out.push(item);
    if (field.name === s.keyField) break; // the key is unique: later items never decide
  }
  if (!fields.some((f) => f.name === s.keyField)) {
    fields.push(s.orderFields.get(s.keyField) as FieldInfo);
    out.push([s.keyField, "asc"]);
  }
  // The table is part of the signature, so a cursor of another model is refused.
  const signature = `${s.tableName}:${out.map(([name, direction]) => (direction === "desc" ? `-${name}` : name)).join(",")}`;
  return { items: out, fields, signature };
}

/** One keyset batch: rows matching `compiled` strictly after `after` (encoded values), `limit` of them. */
function keysetBatch(
  s: ModelState,
  session: Session,
  compiled: CompiledCriteria,
  order: KeysetOrder,
  after: unknown[] | null,
  limit: number,
): Promise<Row[]> | Row[] {
  const d = s.d;
  const params = [...compiled.params];
  if (after !== null) {
    for (let i = 0; i < after.length; i++) for (let j = 0; j <= i; j++) params.push(after[j]);
  }
  const tail = d.limitOffset(limit, null, params.length + 1);
  const key = `keyset:${compiled.shape}|${order.signature}|${after === null ? 0 : 1}`;
  const statement = s.statements.prepare(session, key, () => {
    const conditions: string[] = [];
    if (compiled.terms.length > 0) conditions.push(`(${s.compiler?.condition(compiled.terms, 1)})`);
    if (after !== null) conditions.push(afterPositionSql(d, order.items, compiled.params.length + 1));
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
    return selectSql(s, where, `${renderOrderBy(order.items, s.orderFields, d)}${tail.sql}`);
  });
  for (const value of tail.params) params.push(value);
  return statement.all(params);
}

/** The encoded keyset values of an instance (the position to continue after). */
function keysetValues(s: ModelState, order: KeysetOrder, instance: object): unknown[] {
  const d = s.d;
  return order.fields.map((field) => d.encode(field.kind, (instance as Record<string, unknown>)[field.name]));
}

function toCursor(order: KeysetOrder, instance: object): string {
  const values = order.fields.map((field) => {
    const value = (instance as Record<string, unknown>)[field.name];
    if (value instanceof Date) return value.toISOString();
    return typeof value === "bigint" ? value.toString() : value;
  });
  return Buffer.from(JSON.stringify({ o: order.signature, v: values })).toString("base64url");
}

function fromCursor(s: ModelState, cursor: unknown, order: KeysetOrder): unknown[] {
  const invalid = (why: string) =>
    new InvalidQueryError(
      `page(): invalid cursor (${why}); pass the nextCursor of the previous page with the same orderBy`,
    );
  if (typeof cursor !== "string") throw invalid("not a string");
  let parsed: { o?: unknown; v?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw new InvalidQueryError("page(): invalid cursor (not one registers made)", { cause: error });
  }
  if (!isPlainObject(parsed) || !Array.isArray(parsed.v)) throw invalid("not one registers made");
  if (parsed.o !== order.signature) throw invalid(`it was made for orderBy "${String(parsed.o)}"`);
  const raw = parsed.v as unknown[];
  if (raw.length !== order.fields.length) throw invalid("wrong length");
  const d = s.d;
  return order.fields.map((field, i) => {
    const value = cursorValue(field, raw[i]);
    if (value === undefined) throw invalid(`bad value for "${field.name}"`);
    return d.encode(field.kind, value);
  });
}

/**
 * `updateCount(criteria, updates)`: one `UPDATE ... WHERE <criteria>` that returns how many rows
 * matched, with no `RETURNING` and no rows read back, so it costs what the statement costs. It runs
 * synchronously up to the driver's answer on SQLite. A model with a lifecycle (hooks, timestamps,
 * soft delete) goes through `updateWhere` and counts its rows. It may import the state, sql, write,
 * values and update-delete helpers, criteria, plain-parse, the statement cache's types and errors.
 */
import { isPlainObject } from "../criteria.js";
import type { Session } from "../dialect/dialect.js";
import { InvalidQueryError } from "../errors.js";
import { fieldCheck } from "../plain-parse.js";
import type { CachedStatement } from "../statement-cache.js";
import { updateSql, whereKeySql } from "./sql.js";
import type { ModelState } from "./state.js";
import { updateWhere, validateUpdates } from "./update-delete.js";
import { wellFormed } from "./values.js";
import { hashValues } from "./write.js";

/**
 * Updates the rows matching `criteria` (non-empty) with `updates` (validated per field, as
 * `updateWhere`) and returns how many rows matched. A number, or a Promise on asynchronous drivers,
 * with hashed fields, or while the engine opens.
 *
 * @example
 * ```ts
 * const n = await updateCount(state, { id: 1 }, { name: "Ann" }); // 1
 * ```
 */
export function updateCount(s: ModelState, criteria: unknown, updates: unknown): number | Promise<number> {
  // Hooks, timestamps and soft delete act on the rows themselves: the same path as updateWhere.
  if (s.lifecycle !== null) return updateWhere(s, criteria, updates).then((rows) => rows.length);
  const session = s.session();
  if (session instanceof Promise) return session.then((x) => updateOn(s, x, criteria, updates, true));
  if (s.hashedFields.length === 0) {
    const done = updateByKey(s, session, criteria, updates);
    if (done !== undefined) return done;
  }
  return updateOn(s, session, criteria, updates, s.hashedFields.length > 0);
}

/** Per model state: compiled value checks per field (`null`: not a plain kind), statements by field list. */
interface ByKey {
  readonly checks: Map<string, ((value: unknown) => boolean) | null>;
  readonly statements: Map<string, CachedStatement>;
}
const byKeyStates = new WeakMap<ModelState, ByKey>();

/**
 * The update by key, `updateCount({ [key]: value }, { field: value, ... })` with plain values, without
 * the criteria compiler, Zod or a statement key built per call; `undefined` for anything else (the
 * general path then validates and reports it exactly as `updateWhere` does).
 */
function updateByKey(
  s: ModelState,
  session: Session,
  criteria: unknown,
  updates: unknown,
): number | Promise<number> | undefined {
  if (!isPlainObject(criteria) || !isPlainObject(updates)) return undefined;
  let keys = 0;
  for (const name in criteria) if (name !== s.keyField || ++keys > 1) return undefined;
  const key = criteria[s.keyField];
  const keyKind = s.key.kind;
  if (!(keyKind === "integer" ? Number.isSafeInteger(key) : keyKind === "string" && typeof key === "string"))
    return undefined;
  let state = byKeyStates.get(s);
  if (state === undefined) {
    state = { checks: new Map(), statements: new Map() };
    byKeyStates.set(s, state);
  }
  const d = s.d;
  const params: unknown[] = [];
  let names = "";
  for (const name in updates) {
    const value = updates[name];
    const field = s.fields.get(name);
    if (field === undefined || name === s.keyField || value === undefined) return undefined;
    let check = state.checks.get(name);
    if (check === undefined) {
      const source = fieldCheck((s.schema.shape as Record<string, unknown>)[name], "v");
      check =
        source === null ? null : (new Function("v", `return ${source};`) as (value: unknown) => boolean);
      state.checks.set(name, check);
    }
    if (check === null || !check(value)) return undefined;
    params.push(d.encode(field.kind, wellFormed(s.model.name, field, value)));
    names = names === "" ? name : `${names}\u0000${name}`;
  }
  if (names === "") return undefined;
  let entry = state.statements.get(names);
  if (entry === undefined) {
    const columns = names.split("\u0000");
    entry = s.statements.entry(`updatekey:${names}`, () =>
      updateSql(s, columns, whereKeySql(s, columns.length + 1)),
    );
    state.statements.set(names, entry);
  }
  params.push(key);
  const result = s.statements.statementFor(entry, session).run(params);
  return result instanceof Promise ? result.then((r) => r.changes) : result.changes;
}

function updateOn(
  s: ModelState,
  session: Session,
  criteria: unknown,
  updates: unknown,
  slow: boolean,
): number | Promise<number> {
  const compiled = s.compile(criteria);
  if (s.unfiltered(compiled)) {
    throw new InvalidQueryError("updateCount() needs criteria: an empty filter would update every row");
  }
  const assignments = validateUpdates(s, updates);
  if (slow) {
    return (async () => {
      await hashValues(s, assignments);
      return await run(s, await s.session(), compiled, assignments);
    })();
  }
  return run(s, session, compiled, assignments);
}

function run(
  s: ModelState,
  session: Session,
  compiled: ReturnType<ModelState["compile"]>,
  assignments: Record<string, unknown>,
): number | Promise<number> {
  const params: unknown[] = [];
  let names = "";
  for (const name in assignments) {
    params.push(assignments[name]);
    names = names === "" ? name : `${names},${name}`;
  }
  const statement = s.statements.prepare(session, `updatecount:${names}|${compiled.shape}`, () =>
    updateSql(s, Object.keys(assignments), s.where(compiled, params.length + 1)),
  );
  for (const value of compiled.params) params.push(value);
  const result = statement.run(params);
  return result instanceof Promise ? result.then((r) => r.changes) : result.changes;
}

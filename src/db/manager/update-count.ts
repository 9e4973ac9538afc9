/**
 * `updateCount(criteria, updates)`: one `UPDATE ... WHERE <criteria>` that returns how many rows
 * matched, with no `RETURNING` and no rows read back, so it costs what the statement costs. It runs
 * synchronously up to the driver's answer on SQLite. A model with a lifecycle (hooks, timestamps,
 * soft delete) goes through `updateWhere` and counts its rows. It may import the state, sql, write
 * and update-delete helpers and errors.
 */
import { InvalidQueryError } from "../errors.js";
import type { Session } from "../dialect/dialect.js";
import { updateSql } from "./sql.js";
import type { ModelState } from "./state.js";
import { updateWhere, validateUpdates } from "./update-delete.js";
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
  return updateOn(s, session, criteria, updates, s.hashedFields.length > 0);
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

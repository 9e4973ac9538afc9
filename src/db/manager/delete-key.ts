/**
 * `delete(key)` of a model without a lifecycle: one cached `DELETE ... WHERE key = ?`, synchronous up
 * to the driver's answer on SQLite (no async frames). It may import the state and sql helpers.
 */
import type { Session } from "../dialect/dialect.js";
import { deleteSql, whereKeySql } from "./sql.js";
import type { ModelState } from "./state.js";

/**
 * Deletes the row with this key: `true` if one was deleted. A boolean, or a Promise on asynchronous
 * drivers or while the engine opens. `InvalidQueryError` (thrown) for a value that is not a key.
 *
 * @example
 * ```ts
 * const deleted = await deleteKey(state, 1); // true
 * ```
 */
export function deleteKey(s: ModelState, key: unknown): boolean | Promise<boolean> {
  const session = s.session();
  if (session instanceof Promise) return session.then((x) => deleteOn(s, x, key));
  return deleteOn(s, session, key);
}

function deleteOn(s: ModelState, session: Session, key: unknown): boolean | Promise<boolean> {
  const param = s.keyParam(key);
  const statement = s.statements.prepare(session, "delete", () => deleteSql(s, whereKeySql(s)));
  const result = statement.run([param]);
  return result instanceof Promise ? result.then((r) => r.changes > 0) : result.changes > 0;
}

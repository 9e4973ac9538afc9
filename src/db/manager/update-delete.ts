/**
 * Set-based writes: `updateWhere` (one `UPDATE ... RETURNING` where the database has it, else the
 * matching keys, chunked UPDATEs and a re-read, in one transaction), `delete` by key and
 * `deleteWhere`. It may import the state, rows, sql, write and value helpers, the transaction seam
 * and errors.
 */
import type { CompiledCriteria } from "../criteria.js";
import { isPlainObject } from "../criteria.js";
import type { Session } from "../dialect/dialect.js";
import { ImmutableFieldError, InvalidQueryError, ValidationError } from "../errors.js";
import { validationError } from "../model-base.js";
import { runTransaction } from "../transaction.js";
import { hydrateRow, hydrateRows } from "./rows.js";
import { deleteSql, keysSql, selectSql, updateSql, whereKeySql, whereKeysInSql } from "./sql.js";
import type { ModelState } from "./state.js";
import { ascending, chunks, wellFormed } from "./values.js";
import { hashValues } from "./write.js";

/** `updateWhere(criteria, updates)`: the updated rows re-read by key, in key order. */
export async function updateWhere<T extends object>(
  s: ModelState<T>,
  criteria: unknown,
  updates: unknown,
): Promise<T[]> {
  await s.session();
  const compiled = s.compile(criteria);
  if (s.unfiltered(compiled)) {
    throw new InvalidQueryError("updateWhere() needs criteria: an empty filter would update every row");
  }
  const assignments = validateUpdates(s, updates);
  await hashValues(s, assignments);
  if (s.d.supportsReturning) return await updateReturning(s, compiled, assignments);
  return await runTransaction(s.engine, async () => {
    const session = await s.session();
    const keys = await matchingKeys(s, session, compiled);
    if (keys.length === 0) return [];
    const names = Object.keys(assignments);
    for (const chunk of chunks(keys, s.d.maxParameters - names.length)) {
      const statement = s.statements.prepare(session, `update:${names.join(",")}:${chunk.length}`, () =>
        updateSql(s, names, whereKeysInSql(s, chunk.length, names.length + 1, false)),
      );
      await statement.run([...names.map((n) => assignments[n]), ...chunk]);
    }
    return await byKeys(s, session, keys);
  });
}

/** `UPDATE ... WHERE <criteria> RETURNING <row>`: one atomic statement; rows ordered by key. */
async function updateReturning<T extends object>(
  s: ModelState<T>,
  compiled: CompiledCriteria,
  assignments: Record<string, unknown>,
): Promise<T[]> {
  const session = await s.session();
  const names = Object.keys(assignments);
  const statement = s.statements.prepare(
    session,
    `updatereturning:${names.join(",")}|${compiled.shape}`,
    () => updateSql(s, names, s.where(compiled, names.length + 1), true),
  );
  const params = names.map((n) => assignments[n]);
  for (const value of compiled.params) params.push(value);
  const updated = hydrateRows(s, await statement.all(params));
  const key = s.keyField;
  return updated.sort((a, b) =>
    ascending((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/** The validated, encoded assignments of `updateWhere` (unknown fields, keys and `undefined` refused). */
export function validateUpdates(s: ModelState, updates: unknown): Record<string, unknown> {
  if (!isPlainObject(updates) || Object.keys(updates).length === 0) {
    throw new InvalidQueryError("updateWhere() needs at least one field to update, e.g. { role: 'active' }");
  }
  const out: Record<string, unknown> = {};
  for (const name in updates) {
    const field = s.fields.get(name);
    if (field === undefined) {
      throw new ValidationError(`${s.model.name}: unknown field "${name}"; fields: ${s.columns.join(", ")}`, [
        { path: [name], message: `unknown field "${name}"`, code: "unrecognized_keys" },
      ]);
    }
    if (name === s.keyField) {
      throw new ImmutableFieldError(
        `${s.model.name}.${s.keyField} is immutable: updateWhere() cannot change keys`,
      );
    }
    if (updates[name] === undefined) {
      // A default would be written silently otherwise (`{ flag: undefined }` -> false).
      throw new InvalidQueryError(
        `${s.model.name}.updateWhere(): "${name}" is undefined; pass a value, or null to clear it`,
      );
    }
    const result = field.schema.safeParse(updates[name]);
    if (!result.success) throw validationError(s.model.name, result.error);
    out[name] = s.d.encode(field.kind, wellFormed(s.model.name, { name, kind: field.kind }, result.data));
  }
  return out;
}

/** The encoded keys of the rows matching `compiled`, in key order. */
async function matchingKeys(s: ModelState, session: Session, compiled: CompiledCriteria): Promise<unknown[]> {
  const d = s.d;
  const statement = s.statements.prepare(session, `keys:${compiled.shape}`, () =>
    keysSql(s, s.where(compiled)),
  );
  const rows = await statement.all(compiled.params);
  return rows.map((row) => d.encode(s.key.kind, d.decode(s.key.kind, row[s.keyField])));
}

/** The rows with these (encoded) keys, in key order. */
async function byKeys<T extends object>(
  s: ModelState<T>,
  session: Session,
  keys: readonly unknown[],
): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks(keys, s.d.maxParameters)) {
    const statement = s.statements.prepare(session, `bykeys:${chunk.length}`, () =>
      selectSql(s, whereKeysInSql(s, chunk.length)),
    );
    for (const row of await statement.all(chunk)) out.push(hydrateRow(s, row));
  }
  return out;
}

/** `delete(key)`: `true` if a row was deleted. */
export async function deleteByKey(s: ModelState, key: unknown): Promise<boolean> {
  const session = await s.session();
  const param = s.keyParam(key);
  const statement = s.statements.prepare(session, "delete", () => deleteSql(s, whereKeySql(s)));
  return (await statement.run([param])).changes > 0;
}

/** `deleteWhere(criteria)`: how many rows were deleted (empty criteria refused). */
export async function deleteWhere(s: ModelState, criteria: unknown): Promise<number> {
  const session = await s.session();
  const compiled = s.compile(criteria);
  if (s.unfiltered(compiled)) {
    throw new InvalidQueryError("deleteWhere() needs criteria: use truncate() to delete every row");
  }
  const statement = s.statements.prepare(session, `deletewhere:${compiled.shape}`, () =>
    deleteSql(s, s.where(compiled)),
  );
  return (await statement.run(compiled.params)).changes;
}

/**
 * The single-row writes of a model with a lifecycle (`lifecycle.ts`): `create`, `save` and `delete`
 * with generated keys, timestamps, soft delete and hooks, the write and its hooks in one transaction
 * (a savepoint inside an enclosing one). Plain models never reach this module: the facade checks
 * `state.lifecycle` once per call. It may import the state, lifecycle, soft-delete, read, write,
 * update-delete and value helpers, model-base and the transaction seam.
 */
import { validateData, validationError } from "../model-base.js";
import { runTransaction } from "../transaction.js";
import { atomically, hasHooks, runHook, stampCreate, withGeneratedKey } from "./lifecycle.js";
import { firstMatch } from "./read.js";
import { softDeleteByKey } from "./soft-delete.js";
import type { ModelState } from "./state.js";
import { translateError } from "./translate-error.js";
import { deleteByKey } from "./update-delete.js";
import { frozenValue } from "./values.js";
import { changedFields, createRow, hashValues, prepareSave, refuseManagedKey, writeSave } from "./write.js";

/** `create(data)`: key generated, validated, stamped, then `beforeCreate`, INSERT, `afterCreate`. */
export async function createWithLifecycle<T extends object>(s: ModelState<T>, data: unknown): Promise<T> {
  let values: Record<string, unknown> | undefined;
  try {
    refuseManagedKey(s, data, "leave it out of create(), or use upsert() to write a known key");
    values = validateData(s.schema, withGeneratedKey(s, data), s.model.name);
    stampCreate(s, values);
    const row = values;
    const hooked = hasHooks(s, "beforeCreate", "afterCreate");
    return await atomically(
      s,
      async () => {
        const given = hooked ? { ...row } : row;
        await runHook(s, "beforeCreate", row);
        if (hooked) revalidate(s, row, given);
        const created = await createRow(s, row);
        await runHook(s, "afterCreate", created);
        return created;
      },
      hooked,
    );
  } catch (error) {
    throw translateError(s, error, values?.[s.keyField]);
  }
}

/**
 * `save(instance)`: a new instance as `create` (timestamps set, create hooks); a loaded one with
 * its timestamps kept from the row (unless `acceptTimestamps`), `updatedAt` set when anything else
 * changed, and the update hooks. Nothing changed: no statement, no hook.
 */
export async function saveWithLifecycle<T extends object>(s: ModelState<T>, instance: T): Promise<T> {
  let values: Record<string, unknown> | undefined;
  try {
    const prepared = prepareSave(s, instance);
    values = prepared.values;
    const row = values;
    const snapshot = prepared.snapshot;
    const lc = s.lifecycle;
    const isNew = snapshot === undefined;
    if (isNew) {
      const generate = lc?.keyGenerator;
      if (generate != null && row[s.keyField] == null) row[s.keyField] = generate();
      stampCreate(s, row);
    } else if (lc !== null) {
      if (!lc.acceptTimestamps) {
        for (const name of [lc.createdAt, lc.updatedAt]) {
          if (name !== null) row[name] = thawDate(snapshot[name]);
        }
      }
      if (changedFields(s, row, snapshot).length === 0) return await writeSave(s, instance, prepared);
      if (lc.updatedAt !== null && (!lc.acceptTimestamps || sameTime(s, lc.updatedAt, row, snapshot))) {
        row[lc.updatedAt] = new Date();
      }
    }
    const before = isNew ? "beforeCreate" : "beforeUpdate";
    const after = isNew ? "afterCreate" : "afterUpdate";
    const hooked = hasHooks(s, before, after);
    return await atomically(
      s,
      async () => {
        const given = hooked ? { ...row } : row;
        await runHook(s, before, row);
        if (hooked) revalidate(s, row, given);
        await hashValues(s, row, instance); // after the hook: a password it sets is hashed too
        await writeSave(s, instance, prepared);
        await runHook(s, after, instance);
        return instance;
      },
      hooked,
    );
  } catch (error) {
    throw translateError(s, error, values?.[s.keyField]);
  }
}

/**
 * `delete(key)`: soft or hard; with delete hooks, the row is read (and locked on server databases)
 * in the transaction first, and hooks see it. `false`, and no hook, when no (live) row has the key.
 */
export async function deleteWithLifecycle(s: ModelState, key: unknown): Promise<boolean> {
  const remove = () => (s.scope !== null ? softDeleteByKey(s, key) : deleteByKey(s, key));
  if (!hasHooks(s, "beforeDelete", "afterDelete")) return await remove();
  s.keyParam(key); // validates the key before any statement
  return await runTransaction(s.engine, async () => {
    const row = await firstMatch(s, await s.session(), { [s.keyField]: key }, "ASC", undefined, true);
    if (row === null) return false;
    await runHook(s, "beforeDelete", row);
    const removed = await remove();
    if (removed) await runHook(s, "afterDelete", row);
    return removed;
  });
}

/** Validates again the fields a `before*` hook changed (`ValidationError`). */
function revalidate(s: ModelState, values: Record<string, unknown>, given: Record<string, unknown>): void {
  for (const field of s.fields.values()) {
    if (values[field.name] === given[field.name]) continue;
    const result = field.schema.safeParse(values[field.name]);
    if (!result.success) throw validationError(s.model.name, result.error, `${field.name} after a hook`);
  }
}

/** A snapshot's date back as a Date (snapshots keep times). */
function thawDate(value: unknown): unknown {
  return typeof value === "number" ? new Date(value) : value;
}

/** Whether a date field holds the time it was loaded with. */
function sameTime(
  s: ModelState,
  name: string,
  values: Record<string, unknown>,
  snapshot: Record<string, unknown>,
): boolean {
  const field = s.fields.get(name);
  return field !== undefined && frozenValue(field, values[name]) === snapshot[name];
}

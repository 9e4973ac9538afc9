/**
 * Single-row writes: INSERT (synchronous when the session is), upsert by key or unique field,
 * `save()` of an instance with dirty tracking, and the value rules every write shares (managed and
 * required keys, password hashing). It may import the state, rows, sql and value helpers,
 * model-base and password; errors reach the caller untranslated except where a key is known.
 */
import { isPlainObject } from "../criteria.js";
import type { Session } from "../dialect/dialect.js";
import {
  ImmutableFieldError,
  InvalidPrimaryKeyAssignmentError,
  InvalidQueryError,
  ValidationError,
} from "../errors.js";
import {
  type ModelBase,
  persistedKey,
  persistedSnapshot,
  setPersistedKey,
  validateData,
} from "../model-base.js";
import { hashPassword, isPasswordHash } from "../password.js";
import { transactionConnection } from "../transaction.js";
import type { FieldInfo } from "../zod-to-columns.js";
import { stampCreate, withGeneratedKey } from "./lifecycle.js";
import { firstRow, hydrateRow, instanceOf, plainData, snapshotOf } from "./rows.js";
import { insertSql, selectSql, updateSql, whereKeySql } from "./sql.js";
import type { ModelState } from "./state.js";
import { translateError } from "./translate-error.js";
import { frozenValue, sameKey, wellFormed } from "./values.js";

/** INSERT of validated values; synchronous when the session answers synchronously (SQLite). */
export function insertRow<T extends object>(
  s: ModelState<T>,
  session: Session,
  values: Record<string, unknown>,
): T | Promise<T> {
  const dialect = s.d;
  const columns = s.insertColumns;
  requireKey(s, values);
  const params = new Array(columns.length);
  for (let i = 0; i < columns.length; i++)
    params[i] = dialect.encode(
      columns[i].kind,
      wellFormed(s.model.name, columns[i], values[columns[i].name]),
    );
  const useReturning =
    s.config.managedKey && dialect.supportsReturning && dialect.reportsLastInsertId !== true;
  s.insertEntry ??= s.statements.entry("insert", () =>
    insertSql(
      s,
      columns.map((c) => c.name),
      1,
      useReturning,
    ),
  );
  const statement = s.statements.statementFor(s.insertEntry, session);
  if (!s.config.managedKey) {
    const result = statement.run(params);
    const key = values[s.keyField];
    if (result instanceof Promise) return result.then(() => instanceOf(s, values, key));
    return instanceOf(s, values, key);
  }
  if (useReturning) {
    const rows = statement.all(params);
    if (rows instanceof Promise) return rows.then((r) => created(s, values, r[0][s.keyField]));
    return created(s, values, rows[0][s.keyField]);
  }
  const result = statement.run(params);
  if (result instanceof Promise) return result.then((r) => created(s, values, r.lastInsertId));
  return created(s, values, result.lastInsertId);
}

function created<T extends object>(s: ModelState<T>, values: Record<string, unknown>, rawKey: unknown): T {
  const key = s.d.decode(s.key.kind, rawKey);
  values[s.keyField] = key;
  return instanceOf(s, values, key);
}

/** `InvalidPrimaryKeyAssignmentError` when `data` sets a database-managed key. */
export function refuseManagedKey(s: ModelState, data: unknown, advice: string): void {
  if (s.config.managedKey && isPlainObject(data) && data[s.keyField] != null) {
    throw new InvalidPrimaryKeyAssignmentError(
      `${s.model.name}.${s.keyField} is database-managed: ${advice}`,
    );
  }
}

/** `ValidationError` when a key that is not database-managed is missing. */
export function requireKey(s: ModelState, values: Record<string, unknown>): void {
  if (!s.config.managedKey && values[s.keyField] == null) {
    throw new ValidationError(
      `${s.model.name}: the key "${s.keyField}" is required (it is not database-managed)`,
      [{ path: [s.keyField], message: "required", code: "invalid_type" }],
    );
  }
}

/**
 * Replaces plain values of `hashedFields` with their hash, in place. A value that already is a
 * hash is kept only when it is the one the instance was loaded or saved with (`stored`), or when
 * hashes are accepted (`acceptPasswordHashes`); otherwise it is a `ValidationError`, so a client
 * cannot send a ready-made hash and bypass the password rules.
 */
export async function hashValues(
  s: ModelState,
  values: Record<string, unknown>,
  stored?: unknown,
  accept = false,
): Promise<void> {
  const snapshot = stored instanceof s.model ? persistedSnapshot(stored as unknown as ModelBase) : undefined;
  for (const name of s.hashedFields) {
    const value = values[name];
    if (typeof value !== "string") continue;
    if (!isPasswordHash(value)) {
      values[name] = await hashPassword(value);
    } else if (!accept && !s.config.acceptPasswordHashes && snapshot?.[name] !== value) {
      throw new ValidationError(
        `${s.model.name}.${name} was given a ready-made password hash: give the plain password (registers hashes it), or pass acceptPasswordHashes: true to import hashes`,
        [{ path: [name], message: "a password hash is not accepted as a password", code: "custom" }],
      );
    }
  }
}

/** `create()` after the fast path: validated values, hashed, inserted. */
export async function createRow<T extends object>(
  s: ModelState<T>,
  values: Record<string, unknown>,
): Promise<T> {
  await hashValues(s, values);
  return await insertRow(s, await s.session(), values);
}

/** `upsert(data)`: validated, hashed, then one atomic statement. */
export async function upsert<T extends object>(s: ModelState<T>, data: unknown): Promise<T> {
  let values: Record<string, unknown> | undefined;
  try {
    const input = s.lifecycle === null ? plainData(s, data) : withGeneratedKey(s, plainData(s, data));
    values = validateData(s.schema, input, s.model.name);
    await hashValues(s, values, data);
    if (s.lifecycle === null) return await upsertRow(s, await s.session(), values);
    stampCreate(s, values);
    return await upsertStamped(s, values);
  } catch (error) {
    throw translateError(s, error, values?.[s.keyField]);
  }
}

/**
 * The upsert of a model with a lifecycle (values stamped): with `createdAt`, the row is read back so
 * the instance holds the stored `createdAt` (an update keeps the first insert's).
 */
async function upsertStamped<T extends object>(
  s: ModelState<T>,
  values: Record<string, unknown>,
): Promise<T> {
  const session = await s.session();
  const saved = await upsertRow(s, session, values);
  if (s.lifecycle?.createdAt == null) return saved;
  const statement = s.statements.prepare(session, "upsert:reread", () => selectSql(s, whereKeySql(s)));
  const key = (saved as Record<string, unknown>)[s.keyField];
  const row = await firstRow(statement, [s.d.encode(s.key.kind, key)]);
  return row === undefined ? saved : hydrateRow(s, row);
}

/** One upsert of validated values: by key, else by the first unique field a managed-key row has. */
export async function upsertRow<T extends object>(
  s: ModelState<T>,
  session: Session,
  values: Record<string, unknown>,
): Promise<T> {
  const dialect = s.d;
  const keyValue = values[s.keyField];
  let conflict: string;
  let columns: readonly FieldInfo[];
  if (keyValue != null) {
    conflict = s.keyField;
    columns = s.table.columns.map((c) => s.fields.get(c.name) as FieldInfo);
  } else if (s.config.managedKey) {
    const unique = s.uniqueFields.find((name) => values[name] != null);
    if (unique === undefined) return insertRow(s, session, values);
    conflict = unique;
    columns = s.insertColumns;
  } else {
    return insertRow(s, session, values);
  }
  const names = columns.map((c) => c.name);
  const returning = dialect.supportsReturning && s.config.managedKey;
  const statement = s.statements.prepare(session, `upsert:${conflict}:${names.length}`, () =>
    dialect.upsert({
      table: s.tableName,
      columns: names,
      conflict: [conflict],
      update: names.filter((n) => n !== conflict && n !== s.keyField && !s.lifecycle?.insertOnly.has(n)),
      returning: returning ? [s.keyField] : [],
      generatedKey: s.config.managedKey ? s.keyField : undefined,
    }),
  );
  const params = columns.map((c) => dialect.encode(c.kind, wellFormed(s.model.name, c, values[c.name])));
  const execute = async (): Promise<unknown> => {
    if (returning) return dialect.decode(s.key.kind, (await statement.all(params))[0][s.keyField]);
    const result = await statement.run(params);
    return keyValue == null ? dialect.decode(s.key.kind, result.lastInsertId) : keyValue;
  };
  let key: unknown;
  try {
    key = await execute();
  } catch (error) {
    // PostgreSQL checks only the conflict target atomically: a concurrent insert of the same row can
    // break ANOTHER unique index first (23505 on email while upserting by key). The statement had no
    // effect, so outside a transaction it runs once more and now meets the row; a real duplicate
    // fails again. (Inside a transaction PostgreSQL has aborted it: the error stands.)
    if (transactionConnection(s.engine) !== undefined || dialect.classifyError(error).kind !== "unique")
      throw error;
    key = await execute();
  }
  values[s.keyField] = key;
  return instanceOf(s, values, key);
}

/**
 * `save(instance)`: a loaded instance is updated by key, writing only the fields that changed (no
 * statement when nothing did; re-inserted if its row was deleted meanwhile); a new one is inserted
 * or upserted by its key. A persisted key that was changed is an `ImmutableFieldError`.
 */
export async function save<T extends object>(s: ModelState<T>, instance: T): Promise<T> {
  let values: Record<string, unknown> | undefined;
  try {
    const prepared = prepareSave(s, instance);
    values = prepared.values;
    await hashValues(s, values, instance);
    return await writeSave(s, instance, prepared);
  } catch (error) {
    throw translateError(s, error, values?.[s.keyField]);
  }
}

/** An instance about to be saved: its validated values and what it was loaded with. */
export interface PreparedSave {
  readonly values: Record<string, unknown>;
  /** The stored values it was loaded or last saved with; `undefined` for a new instance. */
  readonly snapshot: Record<string, unknown> | undefined;
  /** Its key now. */
  readonly current: unknown;
}

/** `save()`'s checks (an instance of the model, an unchanged persisted key) and validated values. */
export function prepareSave<T extends object>(s: ModelState<T>, instance: T): PreparedSave {
  if (!(instance instanceof s.model)) throw new InvalidQueryError(`save() takes a ${s.model.name} instance`);
  const persisted = persistedKey(instance as unknown as ModelBase);
  const current = (instance as Record<string, unknown>)[s.keyField];
  if (persisted !== undefined && !sameKey(persisted, current)) {
    throw new ImmutableFieldError(
      `${s.model.name}.${s.keyField} is immutable once persisted (was ${String(persisted)}, now ${String(current)}): create a new record instead`,
    );
  }
  const values = validateData(s.schema, plainData(s, instance), s.model.name);
  const snapshot = persisted === undefined ? undefined : persistedSnapshot(instance as unknown as ModelBase);
  return { values, snapshot, current };
}

/**
 * Writes a prepared save: the changed fields by key (no statement when nothing changed; re-inserted
 * if the row was deleted meanwhile), else an insert or upsert; reflects the values on the instance.
 */
export async function writeSave<T extends object>(
  s: ModelState<T>,
  instance: T,
  prepared: PreparedSave,
): Promise<T> {
  const { values, snapshot, current } = prepared;
  const changed = snapshot === undefined ? null : changedFields(s, values, snapshot);
  if (changed !== null && changed.length === 0) {
    Object.assign(instance, values);
    return instance;
  }
  const session = await s.session();
  let key: unknown;
  if (changed !== null && (await updateChanged(s, session, values, changed))) {
    key = values[s.keyField];
  } else {
    const saved =
      s.config.managedKey && current == null
        ? await insertRow(s, session, values)
        : await upsertRow(s, session, values);
    key = (saved as Record<string, unknown>)[s.keyField];
  }
  Object.assign(instance, values);
  setPersistedKey(instance as unknown as ModelBase, key, snapshotOf(s, values));
  return instance;
}

/** The fields whose validated value differs from the snapshot. */
export function changedFields(
  s: ModelState,
  values: Record<string, unknown>,
  snapshot: Record<string, unknown>,
): FieldInfo[] {
  const changed: FieldInfo[] = [];
  for (const field of s.fields.values()) {
    if (field.name === s.keyField) continue;
    const value = values[field.name];
    const before = snapshot[field.name];
    const now = field.kind === "date" || field.kind === "json" ? frozenValue(field, value) : value;
    if (now !== before && !(now == null && before == null)) changed.push(field);
  }
  return changed;
}

/** `UPDATE ... SET <changed> WHERE key = ?`; `false` when no row has the key any more. */
async function updateChanged(
  s: ModelState,
  session: Session,
  values: Record<string, unknown>,
  changed: readonly FieldInfo[],
): Promise<boolean> {
  const d = s.d;
  const names = changed.map((f) => f.name);
  const statement = s.statements.prepare(session, `save:${names.join("\u0000")}`, () =>
    updateSql(s, names, whereKeySql(s, names.length + 1)),
  );
  const params = changed.map((f) => d.encode(f.kind, wellFormed(s.model.name, f, values[f.name])));
  params.push(d.encode(s.key.kind, values[s.keyField]));
  return (await statement.run(params)).changes > 0;
}

/**
 * Bulk writes: `bulkCreate` and `bulkUpsert` validate every row first, then write in one transaction
 * of multi-row statements chunked under the database's parameter limit; on failure nothing is kept
 * and the typed error names the failing row (`rowIndex`), found by replaying the failing chunk in a
 * transaction that always rolls back. It may import the state, rows, sql, write and value helpers,
 * the transaction seam and errors.
 */
import type { Session } from "../dialect/dialect.js";
import { atRow, DatabaseError, InvalidQueryError, type RegistryError } from "../errors.js";
import { validateData } from "../model-base.js";
import { runTransaction } from "../transaction.js";
import { valueKey } from "../value-key.js";
import type { FieldInfo } from "../zod-to-columns.js";
import { stampCreate, withGeneratedKey } from "./lifecycle.js";
import { decodeValue, instanceOf, plainData } from "./rows.js";
import { insertSql } from "./sql.js";
import type { ModelState } from "./state.js";
import { translateError } from "./translate-error.js";
import type { BulkOptions } from "./types.js";
import { ascending, count, wellFormed } from "./values.js";
import { hashValues, insertRow, refuseManagedKey, requireKey, upsertRow } from "./write.js";

/** Consecutive rows of a bulk upsert with one conflict target (`null`: plain insert). */
interface UpsertRun {
  readonly start: number;
  readonly conflict: string | null;
  readonly rows: Record<string, unknown>[];
}

/**
 * `bulkCreate` (`mode: "create"`) and `bulkUpsert` (`"upsert"`: by key, or the first unique field a
 * row has): every row validated first, then one transaction of multi-row statements; all or
 * nothing; instances with their keys, in input order.
 */
export async function bulkWrite<T extends object>(
  s: ModelState<T>,
  mode: "create" | "upsert",
  rows: readonly unknown[],
  options: BulkOptions | undefined,
): Promise<T[]> {
  let failedAt = -1;
  let size = 1;
  let all: Record<string, unknown>[] = [];
  let hadKey: boolean[] | undefined;
  try {
    const chunkSize = bulkChunkSize(rows, options, mode === "create" ? "bulkCreate" : "bulkUpsert");
    if (rows.length === 0) return [];
    all = await validateRows(s, rows, mode, options?.acceptPasswordHashes === true);
    size = rowsPerStatement(s, chunkSize);
    if (mode === "upsert") hadKey = all.map((values) => values[s.keyField] != null);
    return await runTransaction(s.engine, async () => {
      const session = await s.session();
      const out = new Array<T>(all.length);
      for (const run of mode === "create" ? insertRuns(all, size) : upsertRuns(s, all, size)) {
        failedAt = run.start;
        const saved = await upsertMany(s, session, run);
        for (let i = 0; i < saved.length; i++) out[run.start + i] = saved[i];
      }
      failedAt = -1;
      return out;
    });
  } catch (error) {
    throw await bulkFailure(s, error, all, () => {
      if (failedAt < 0) return undefined;
      // Inserts replay the failing chunk after the rows before it; upserts replay every row.
      return hadKey === undefined
        ? locateFailure(s, all, failedAt, Math.min(failedAt + size, all.length), size)
        : locateFailure(s, all, 0, all.length, size, hadKey);
    });
  }
}

/** Plain inserts in runs of `size` rows (no conflict target). */
function insertRuns(rows: Record<string, unknown>[], size: number): UpsertRun[] {
  const runs: UpsertRun[] = [];
  for (let start = 0; start < rows.length; start += size) {
    runs.push({ start, conflict: null, rows: rows.slice(start, start + size) });
  }
  return runs;
}

/** Validates a bulk write's input list and `chunkSize` option; returns the requested chunk size. */
function bulkChunkSize(rows: unknown, options: BulkOptions | undefined, method: string): number {
  if (!Array.isArray(rows)) throw new InvalidQueryError(`${method}() takes an array of rows`);
  const chunkSize = count("chunkSize", options?.chunkSize) ?? 1000;
  if (chunkSize === 0) throw new InvalidQueryError(`${method}() needs a positive chunkSize`);
  return chunkSize;
}

/** Rows per statement: `chunkSize`, lowered to fit the parameter limit (the dialect is resolved). */
function rowsPerStatement(s: ModelState, chunkSize: number): number {
  const perRow = Math.max(1, s.columns.length);
  return Math.max(1, Math.min(chunkSize, Math.floor(s.d.maxParameters / perRow)));
}

/**
 * The typed error of a failed bulk write, with `rowIndex` (and the row's key) from `locate` unless
 * the error already names its row (validation).
 */
async function bulkFailure(
  s: ModelState,
  error: unknown,
  rows: readonly Record<string, unknown>[],
  locate: () => Promise<number | undefined> | undefined,
): Promise<RegistryError> {
  const located = (error as RegistryError | null)?.rowIndex !== undefined;
  const index = located ? undefined : await locate();
  const typed = translateError(s, error, index === undefined ? undefined : rows[index][s.keyField]);
  return index === undefined ? typed : atRow(typed, index);
}

/** Validates (and hashes) every row before any SQL runs; errors carry the row index. */
async function validateRows(
  s: ModelState,
  rows: readonly unknown[],
  mode: "create" | "upsert",
  acceptHashes: boolean,
): Promise<Record<string, unknown>[]> {
  await s.session(); // resolves the dialect (server dialects load lazily)
  const out = new Array<Record<string, unknown>>(rows.length);
  const strings = s.config.fields.filter((f) => f.kind === "string");
  // Timestamps and a live soft-delete field (lifecycle.ts); one time for the whole batch.
  const lifecycle = s.lifecycle !== null;
  const now = new Date();
  for (let i = 0; i < rows.length; i++) {
    try {
      const data = mode === "upsert" ? plainData(s, rows[i]) : rows[i];
      if (mode === "create") {
        refuseManagedKey(s, data, "leave it out of bulkCreate(), or use bulkUpsert() to write known keys");
      }
      const values = validateData(s.schema, lifecycle ? withGeneratedKey(s, data) : data, s.model.name);
      if (lifecycle) stampCreate(s, values, now);
      requireKey(s, values);
      for (const column of strings) wellFormed(s.model.name, column, values[column.name]);
      if (s.hashedFields.length > 0) await hashValues(s, values, rows[i], acceptHashes);
      out[i] = values;
    } catch (error) {
      throw atRow(translateError(s, error), i);
    }
  }
  return out;
}

/** One multi-row INSERT of validated rows; returns their instances with keys, in order. */
async function insertMany<T extends object>(
  s: ModelState<T>,
  session: Session,
  rows: Record<string, unknown>[],
  firstIndex: number,
): Promise<T[]> {
  const d = s.d;
  const columns = s.insertColumns;
  if (columns.length === 0) {
    const out: T[] = [];
    for (const values of rows) out.push(await insertRow(s, session, values));
    return out;
  }
  const managed = s.config.managedKey;
  const returning = managed && d.bulkInsertId === undefined && d.supportsReturning;
  const width = columns.length;
  const params = new Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r];
    for (let c = 0; c < width; c++) {
      const column = columns[c];
      params[r * width + c] = d.encode(column.kind, values[column.name]);
    }
  }
  const statement = s.statements.prepare(session, `bulk:${rows.length}`, () =>
    insertSql(
      s,
      columns.map((c) => c.name),
      rows.length,
      returning,
    ),
  );
  const out = new Array<T>(rows.length);
  if (!managed) {
    await statement.run(params);
    for (let r = 0; r < rows.length; r++) out[r] = instanceOf(s, rows[r], rows[r][s.keyField]);
    return out;
  }
  let keys: unknown[];
  if (returning) {
    // Generated keys ascend in VALUES order; RETURNING's row order is not guaranteed, so sort.
    keys = (await statement.all(params)).map((row) => d.decode(s.key.kind, row[s.keyField]));
    keys.sort(ascending);
  } else {
    const reported = (await statement.run(params)).lastInsertId;
    if (reported === undefined || d.bulkInsertId === undefined) {
      throw new DatabaseError(
        `${s.model.name}: the database did not report the generated keys of rows ${firstIndex}..${firstIndex + rows.length - 1}`,
      );
    }
    const offset = d.bulkInsertId === "last" ? rows.length - 1 : 0;
    // Galera spaces generated keys by the cluster size (auto_increment_increment): ask the session.
    const step = rows.length > 1 && d.insertIdStep !== undefined ? await d.insertIdStep(session) : 1;
    keys = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const raw =
        typeof reported === "bigint"
          ? reported + BigInt((r - offset) * step)
          : Number(reported) + (r - offset) * step;
      keys[r] = d.decode(s.key.kind, raw);
    }
  }
  for (let r = 0; r < rows.length; r++) {
    rows[r][s.keyField] = keys[r];
    out[r] = instanceOf(s, rows[r], keys[r]);
  }
  return out;
}

/** Splits rows into runs of one conflict target, each with distinct conflict values, `size` rows at most. */
function upsertRuns(s: ModelState, rows: readonly Record<string, unknown>[], size: number): UpsertRun[] {
  const runs: UpsertRun[] = [];
  let current: UpsertRun | null = null;
  let seen = new Set<unknown>();
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i];
    let conflict: string | null = null;
    if (values[s.keyField] != null) conflict = s.keyField;
    else if (s.config.managedKey) conflict = s.uniqueFields.find((name) => values[name] != null) ?? null;
    const value = conflict === null ? null : valueKey(values[conflict]);
    if (
      current === null ||
      current.conflict !== conflict ||
      current.rows.length >= size ||
      (value !== null && seen.has(value))
    ) {
      current = { start: i, conflict, rows: [] };
      runs.push(current);
      seen = new Set();
    }
    current.rows.push(values);
    if (value !== null) seen.add(value);
  }
  return runs;
}

/** Runs one upsert run as one multi-row statement where the database can report its keys. */
async function upsertMany<T extends object>(
  s: ModelState<T>,
  session: Session,
  run: UpsertRun,
): Promise<T[]> {
  const d = s.d;
  const conflict = run.conflict;
  if (conflict === null) return insertMany(s, session, run.rows, run.start);
  const byKey = conflict === s.keyField;
  if (!byKey && !d.supportsReturning) {
    const out: T[] = [];
    for (const values of run.rows) out.push(await upsertRow(s, session, values));
    return out;
  }
  const columns = byKey ? s.config.fields : s.insertColumns;
  const names = columns.map((c) => c.name);
  const statement = s.statements.prepare(session, `bulkupsert:${conflict}:${run.rows.length}`, () =>
    d.upsert({
      table: s.tableName,
      columns: names,
      conflict: [conflict],
      update: names.filter((n) => n !== conflict && n !== s.keyField && !s.lifecycle?.insertOnly.has(n)),
      returning: byKey ? [] : [s.keyField, conflict],
      rows: run.rows.length,
    }),
  );
  const params: unknown[] = [];
  for (const values of run.rows) for (const c of columns) params.push(d.encode(c.kind, values[c.name]));
  if (byKey) {
    await statement.run(params);
    return run.rows.map((values) => instanceOf(s, values, values[s.keyField]));
  }
  const field = s.fields.get(conflict) as FieldInfo;
  const keys = new Map<unknown, unknown>();
  for (const row of await statement.all(params)) {
    keys.set(valueKey(decodeValue(s, field, row[conflict])), d.decode(s.key.kind, row[s.keyField]));
  }
  return run.rows.map((values) => {
    const key = keys.get(valueKey(values[conflict]));
    values[s.keyField] = key;
    return instanceOf(s, values, key);
  });
}

/**
 * After a bulk write failed (and rolled back): replays rows `from..to` one at a time in a transaction
 * that is always rolled back (rows before `from` as one bulk), to find the index of the failing row.
 */
async function locateFailure(
  s: ModelState,
  rows: readonly Record<string, unknown>[],
  from: number,
  to: number,
  /** Rows per statement for the rows before `from`. */
  size: number,
  /** For upserts: whether each row came with its key (generated keys were set on the rows since). */
  hadKey?: readonly boolean[],
): Promise<number | undefined> {
  const upsert = hadKey !== undefined;
  const rollback = new Error("registers: diagnosis rollback");
  let found: number | undefined;
  try {
    await runTransaction(s.engine, async () => {
      const session = await s.session();
      const copy = (values: Record<string, unknown>, i = -1) => {
        const fresh = { ...values };
        if (s.config.managedKey && !hadKey?.[i]) fresh[s.keyField] = null;
        return fresh;
      };
      for (let start = 0; start < from; start += size) {
        const chunk = rows.slice(start, Math.min(start + size, from)).map((values) => copy(values));
        await insertMany(s, session, chunk, start);
      }
      for (let i = from; i < to; i++) {
        try {
          if (upsert) await upsertRow(s, session, copy(rows[i], i));
          else await insertRow(s, session, copy(rows[i]));
        } catch {
          found = i;
          break;
        }
      }
      throw rollback;
    });
  } catch {
    // the diagnosis transaction always rolls back; a failure to diagnose leaves rowIndex unset
  }
  return found;
}

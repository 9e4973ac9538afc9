/**
 * `Model.objects`: the facade of registers/db. It extends the read half (`manager/reader.ts`) and
 * the relationship / soft-delete methods (`manager/writer.ts`), through the query forms
 * (`manager/query-forms.ts`: raw SQL, grouped aggregates, getOrCreate), with writes, schema and lifecycle; each method is a one-liner over an operation module in `manager/`
 * (write, bulk, update-delete, ddl), all working on one `ModelState`, with failures translated in
 * one place (`translate-error.ts`). `create` stays inline: it answers synchronously on SQLite under
 * the Promise API. It may import every module of `manager/`, the engine, transaction and query-log
 * seams; nothing imports it but the decorator, `model.ts` (its type) and `index.ts`.
 */
import type { z } from "zod";
import type { Criteria } from "./criteria.js";
import type { RegistryError } from "./errors.js";
import { bulkWrite } from "./manager/bulk.js";
import * as ddl from "./manager/ddl.js";
import { deleteKey } from "./manager/delete-key.js";
import { stampUpdates } from "./manager/lifecycle.js";
import { createWithLifecycle, deleteWithLifecycle, saveWithLifecycle } from "./manager/lifecycle-writes.js";
import { ModelQueries } from "./manager/query-forms.js";
import { softDeleteWhere } from "./manager/soft-delete.js";
import { translateError } from "./manager/translate-error.js";
import type { BulkOptions, KeyValue } from "./manager/types.js";
import { updateCount } from "./manager/update-count.js";
import { deleteWhere, updateWhere } from "./manager/update-delete.js";
import { createRow, insertRow, refuseManagedKey, save, upsert } from "./manager/write.js";
import { type ModelBase, persistedKey, validateData } from "./model-base.js";
import { type QueryListener, subscribeQueries } from "./query-log.js";
import { primaryView } from "./replicas/primary-view.js";
import { runTransaction, type TransactionOptions } from "./transaction.js";

export type { GetOrCreateResult } from "./manager/get-or-create.js";
export type * from "./manager/query-form-types.js";
export type * from "./manager/types.js";

/**
 * `Model.objects`: every persistence operation of one model. All methods return Promises. Statements
 * are built once per shape and cached with their prepared handles; rows read back are validated by
 * the model's schema and returned as instances.
 *
 * @example
 * ```ts
 * const alice = await User.objects.create({ name: "Alice", email: "alice@example.com" });
 * const admins = await User.objects.filter({ role: "admin" }, { orderBy: "-id", limit: 20 });
 * ```
 */
export class ModelManager<
  T extends object = ModelBase,
  I = Record<string, unknown>,
  D = Record<string, unknown>,
> extends ModelQueries<T, I, D> {
  // ---------------------------------------------------------------- writes

  /**
   * Strict INSERT; returns the instance with its generated key. `DuplicateKeyError` on a key
   * collision, `UniqueConstraintError` on another unique field, `ValidationError` on bad data,
   * `InvalidPrimaryKeyAssignmentError` when a database-managed key is given.
   *
   * @example
   * ```ts
   * const bob = await User.objects.create({ name: "Bob", email: "bob@example.com" });
   * bob.id; // 1
   * ```
   */
  create(data: I): Promise<T> {
    // Hot path, inline: synchronous on SQLite up to the returned Promise.
    const s = this.state;
    if (s.lifecycle !== null) return createWithLifecycle(s, data);
    let values: Record<string, unknown> | undefined;
    try {
      refuseManagedKey(s, data, "leave it out of create(), or use upsert() to write a known key");
      values = validateData(s.schema, data, s.model.name);
      const key = values[s.keyField];
      if (s.hashedFields.length > 0) {
        return createRow(s, values).catch((error: unknown) => {
          throw translateError(s, error, key);
        });
      }
      const session = s.session();
      const row = values;
      const created =
        session instanceof Promise ? session.then((x) => insertRow(s, x, row)) : insertRow(s, session, row);
      if (created instanceof Promise) {
        return created.catch((error: unknown) => {
          throw translateError(s, error, key);
        });
      }
      return Promise.resolve(created);
    } catch (error) {
      return Promise.reject(translateError(s, error, values?.[s.keyField]));
    }
  }

  /**
   * Inserts many rows in one transaction with multi-row INSERTs (chunked under the database's
   * parameter limit; `chunkSize` rows at most per statement, default 1000). Returns the instances
   * with their keys, in input order. All or nothing: on any error nothing is written, and the typed
   * error carries `rowIndex`, the index of the failing row.
   *
   * @example
   * ```ts
   * const users = await User.objects.bulkCreate([
   *   { name: "Ann", email: "ann@example.com" },
   *   { name: "Bob", email: "bob@example.com" },
   * ]);
   * users.map((u) => u.id); // [1, 2]
   * ```
   */
  bulkCreate(rows: readonly I[], options?: BulkOptions): Promise<T[]> {
    return bulkWrite(this.state, "create", rows, options);
  }

  /**
   * Upserts many rows in one transaction, by key (or, on a database-managed key, by the first unique
   * field a row has), with multi-row statements. Returns the instances with their keys, in input
   * order. All or nothing, with `rowIndex` on the error, as `bulkCreate`.
   *
   * @example
   * ```ts
   * await User.objects.bulkUpsert([
   *   { name: "Ann", email: "ann@example.com", role: "admin" }, // updates Ann (by email)
   *   { name: "Eve", email: "eve@example.com" },                // inserts Eve
   * ]);
   * ```
   */
  bulkUpsert(rows: readonly (I | T)[], options?: BulkOptions): Promise<T[]> {
    return bulkWrite(this.state, "upsert", rows, options);
  }

  /**
   * Same as `create()`, for callers who want explicit strict-insert wording.
   *
   * @example
   * ```ts
   * await User.objects.strictCreate({ name: "Bob", email: "bob@example.com" });
   * ```
   */
  strictCreate(data: I): Promise<T> {
    return this.create(data);
  }

  /**
   * Atomic `INSERT ... ON CONFLICT (key) DO UPDATE`. Without a key on a database-managed key, the
   * conflict target is the first unique field (`uniqueFields`); with none, it is a plain create.
   *
   * @example
   * ```ts
   * await User.objects.upsert({ id: 1, name: "Bob", email: "bob@example.com" });
   * await User.objects.upsert({ name: "Bob", email: "bob@example.com" }); // by email
   * ```
   */
  upsert(data: I | T): Promise<T> {
    return upsert(this.state, data);
  }

  /**
   * Saves an instance and reflects generated values back onto it. A loaded (or created) instance is
   * updated by key, writing only the fields that changed since it was loaded or last saved (no
   * statement at all when nothing changed; re-inserted if its row was deleted meanwhile). A new
   * instance is inserted (or upserted by its key). A persisted key that was changed is an
   * `ImmutableFieldError`.
   *
   * @example
   * ```ts
   * alice.name = "Alicia";
   * await User.objects.save(alice); // UPDATE "users" SET "name" = ? WHERE "id" = ?
   * ```
   */
  save(instance: T): Promise<T> {
    return this.state.lifecycle === null
      ? save(this.state, instance)
      : saveWithLifecycle(this.state, instance);
  }

  /**
   * Updates every row matching `criteria` with `updates` (validated per field) and returns the rows
   * re-fetched by key, so updating the filtered field itself works. Empty criteria or updates are an
   * `InvalidQueryError`; changing the key is an `ImmutableFieldError`.
   *
   * @example
   * ```ts
   * const activated = await User.objects.updateWhere({ role: "trial" }, { role: "active" });
   * ```
   */
  updateWhere(criteria: Criteria<D, T>, updates: Partial<D>): Promise<T[]> {
    return this.guard(() => updateWhere(this.state, criteria, stampUpdates(this.state, updates)));
  }

  /**
   * Like `updateWhere`, but returns how many rows matched instead of the rows: one
   * `UPDATE ... WHERE` with no `RETURNING` and no re-read, the cheapest write of a known change
   * (update by key: `updateCount({ id }, { name })`). Same validation and errors as `updateWhere`.
   *
   * @example
   * ```ts
   * const n = await User.objects.updateCount({ id: 1 }, { name: "Ann" }); // 1, or 0 if no row has id 1
   * ```
   */
  updateCount(criteria: Criteria<D, T>, updates: Partial<D>): Promise<number> {
    const s = this.state;
    try {
      const n = updateCount(s, criteria, s.lifecycle === null ? updates : stampUpdates(s, updates));
      if (n instanceof Promise) {
        return n.catch((error: unknown) => {
          throw translateError(s, error);
        });
      }
      return Promise.resolve(n);
    } catch (error) {
      return Promise.reject(translateError(s, error));
    }
  }

  /**
   * Deletes the row with this key; `true` if one was deleted.
   *
   * @example
   * ```ts
   * await User.objects.delete(1); // true
   * ```
   */
  delete(key: KeyValue): Promise<boolean> {
    const s = this.state;
    if (s.lifecycle !== null) return this.guard(() => deleteWithLifecycle(s, key));
    // Hot path, inline: synchronous on SQLite up to the returned Promise.
    try {
      const deleted = deleteKey(s, key);
      if (deleted instanceof Promise) {
        return deleted.catch((error: unknown) => {
          throw translateError(s, error);
        });
      }
      return Promise.resolve(deleted);
    } catch (error) {
      return Promise.reject(translateError(s, error));
    }
  }

  /** Deletes an instance's row (by the key it was loaded with); `false` if it was never saved. */
  async deleteInstance(instance: T): Promise<boolean> {
    const key =
      persistedKey(instance as unknown as ModelBase) ?? (instance as Record<string, unknown>)[this.keyField];
    if (key == null) return false;
    return this.delete(key as KeyValue);
  }

  /**
   * Deletes every row matching `criteria`; returns how many. Empty criteria is an `InvalidQueryError`
   * (use `truncate()` to empty the table).
   *
   * @example
   * ```ts
   * const removed = await User.objects.deleteWhere({ role: "inactive" });
   * ```
   */
  deleteWhere(criteria: Criteria<D, T>): Promise<number> {
    const s = this.state;
    return this.guard(() => (s.scope === null ? deleteWhere(s, criteria) : softDeleteWhere(s, criteria)));
  }

  // ---------------------------------------------------------------- schema

  /**
   * Creates the table if it does not exist (idempotent).
   *
   * @example
   * ```ts
   * await User.objects.createSchema();
   * ```
   */
  createSchema(): Promise<void> {
    return this.guard(() => ddl.createSchema(this.state));
  }

  /**
   * Drops the table (and its rows) if it exists.
   *
   * @example
   * ```ts
   * await User.objects.dropSchema();
   * ```
   */
  dropSchema(): Promise<void> {
    return this.guard(() => ddl.dropSchema(this.state));
  }

  /**
   * Whether the table exists.
   *
   * @example
   * ```ts
   * if (!(await User.objects.schemaExists())) await User.objects.createSchema();
   * ```
   */
  schemaExists(): Promise<boolean> {
    return this.guard(() => ddl.schemaExists(this.state));
  }

  /**
   * Deletes every row, keeping the table (deleted autoincrement ids are not reused).
   *
   * @example
   * ```ts
   * await User.objects.truncate();
   * ```
   */
  truncate(): Promise<void> {
    return this.guard(() => ddl.truncate(this.state));
  }

  /**
   * Adds a column to the table (additive evolution). `MigrationError` if it already exists.
   * `nullable` defaults to whether the Zod type accepts null or undefined.
   *
   * @example
   * ```ts
   * await User.objects.addColumn("verified_at", z.date().nullable());
   * ```
   */
  addColumn(name: string, type: z.ZodType, options?: { nullable?: boolean }): Promise<void> {
    return this.guard(() => ddl.addColumn(this.state, name, type, options));
  }

  /**
   * Adds the column only if it is missing; `true` if it was added.
   *
   * @example
   * ```ts
   * await User.objects.ensureColumn("verified_at", z.date().nullable()); // true, then false
   * ```
   */
  ensureColumn(name: string, type: z.ZodType, options?: { nullable?: boolean }): Promise<boolean> {
    return this.guard(() => ddl.ensureColumn(this.state, name, type, options));
  }

  /**
   * The table's column names, from the database catalog.
   *
   * @example
   * ```ts
   * await User.objects.columnNames(); // ["id", "name", "email"]
   * ```
   */
  columnNames(): Promise<string[]> {
    return this.guard(() => ddl.columnNames(this.state));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs `fn` in a transaction: every model on this database joins it, with no object to pass
   * (AsyncLocalStorage). Commits when `fn` resolves, rolls back when it throws; a nested call is a
   * savepoint. Operations started outside `fn` wait and never see its uncommitted rows.
   * `options`: `isolation`, and `retries` to rerun the whole callback on a `SerializationError`
   * (conflict with a concurrent transaction); see `TransactionOptions`.
   *
   * @example
   * ```ts
   * await User.objects.transaction(async () => {
   *   const user = await User.objects.create({ name: "Ann", email: "ann@example.com" });
   *   await Profile.objects.create({ user_id: user.id, bio: "..." });
   * });
   * ```
   */
  transaction<R>(fn: () => Promise<R> | R, options?: TransactionOptions): Promise<R> {
    return runTransaction(
      this.engine,
      fn,
      (error): RegistryError => translateError(this.state, error),
      options,
    );
  }

  /**
   * This manager with every call sent to the primary: for one read that must see the latest writes
   * when the database has replicas (`usePrimary(fn)` does the same for a whole async scope).
   * Without replicas it is the same as the manager.
   *
   * @example
   * ```ts
   * await User.objects.updateWhere({ id: 1 }, { name: "Ann" });
   * const fresh = await User.objects.primary.get(1); // not a replica: sees "Ann" at once
   * ```
   */
  get primary(): this {
    return primaryView(this);
  }

  /**
   * Subscribes to every statement run on this model's database (every model sharing its URL,
   * transactions included): `sql`, `params`, `durationMs` (and `error` when it failed). Returns the
   * function that unsubscribes. Costs nothing while nobody listens.
   *
   * @example
   * ```ts
   * const stop = User.objects.onQuery(({ sql, durationMs }) => console.log(durationMs.toFixed(2), sql));
   * await User.objects.filter({ role: "admin" });
   * stop();
   * ```
   */
  onQuery(listener: QueryListener): () => void {
    return subscribeQueries(this.engine, listener);
  }

  /**
   * Closes this model's engine (shared by every model on the same URL); it reopens on next use.
   *
   * @example
   * ```ts
   * await User.objects.dispose();
   * ```
   */
  dispose(): Promise<void> {
    return this.engine.dispose();
  }

  /**
   * Allows this model's database to be used again after `dispose()` (or `disposeAll()`, or a
   * Fastify app's `close()`); it opens on next use. Until then every call fails with
   * `EngineDisposedError`. An in-memory database starts empty again.
   *
   * @example
   * ```ts
   * await User.objects.dispose();
   * User.objects.reopen();
   * await User.objects.count();
   * ```
   */
  reopen(): void {
    this.engine.reopen();
  }
}

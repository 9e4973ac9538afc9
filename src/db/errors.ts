/**
 * Typed errors of registers/db. Every error has a stable `code` (`REGISTERS_...`), a message that
 * says what to do next, and keeps the underlying driver error as `cause`. No raw driver error is
 * ever thrown to the user.
 *
 * @example
 * ```ts
 * try {
 *   await User.objects.create({ name: "Bob", email: "taken@example.com" });
 * } catch (error) {
 *   if (error instanceof UniqueConstraintError) console.log(error.table, error.fields);
 * }
 * ```
 */
export class RegistryError extends Error {
  /** Stable machine-readable code, e.g. `REGISTERS_DUPLICATE_KEY`. */
  readonly code: string = "REGISTERS_ERROR";
  /** Bulk writes (`bulkCreate`, `bulkUpsert`): the 0-based index of the row that failed. */
  rowIndex?: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Marks an error of a bulk write with the failing row: sets `rowIndex` and prefixes the message with
 * `row <i>: `. Returns the same error.
 *
 * @example
 * ```ts
 * throw atRow(new ValidationError("User: email: invalid", []), 3); // "row 3: User: email: invalid"
 * ```
 */
export function atRow<E extends RegistryError>(error: E, index: number): E {
  if (error.rowIndex === undefined) {
    error.rowIndex = index;
    error.message = `row ${index}: ${error.message}`;
  }
  return error;
}

/** Decorator options or a URL are invalid (unknown field, bad autoincrement, missing driver...). */
export class ConfigurationError extends RegistryError {
  override readonly code: string = "REGISTERS_CONFIGURATION";
}

/** The decorated class is not a valid `Model(...)` class, or a name collides. */
export class ModelRegistrationError extends RegistryError {
  override readonly code: string = "REGISTERS_MODEL_REGISTRATION";
}

/** A DDL operation (CREATE / DROP / ALTER) failed. */
export class SchemaError extends RegistryError {
  override readonly code: string = "REGISTERS_SCHEMA";
}

/** A schema evolution step cannot be applied (e.g. `addColumn` on an existing column). */
export class MigrationError extends SchemaError {
  override readonly code: string = "REGISTERS_MIGRATION";
}

/** A relationship is misconfigured, or was assigned to. */
export class RelationshipError extends RegistryError {
  override readonly code: string = "REGISTERS_RELATIONSHIP";
}

/** An INSERT collided with an existing primary key. */
export class DuplicateKeyError extends RegistryError {
  override readonly code: string = "REGISTERS_DUPLICATE_KEY";
  constructor(
    message: string,
    readonly table: string,
    readonly key: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An INSERT or UPDATE violated a UNIQUE constraint on a non-key column. Same shape on every database. */
export class UniqueConstraintError extends RegistryError {
  override readonly code: string = "REGISTERS_UNIQUE_CONSTRAINT";
  constructor(
    message: string,
    readonly table: string,
    readonly fields: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A database-managed primary key was assigned explicitly on create. */
export class InvalidPrimaryKeyAssignmentError extends RegistryError {
  override readonly code: string = "REGISTERS_INVALID_PRIMARY_KEY_ASSIGNMENT";
}

/** A persisted primary key was changed and then saved. */
export class ImmutableFieldError extends RegistryError {
  override readonly code: string = "REGISTERS_IMMUTABLE_FIELD";
}

/** `require()` / `refresh()` found no matching row. */
export class RecordNotFoundError extends RegistryError {
  override readonly code: string = "REGISTERS_RECORD_NOT_FOUND";
}

/** Criteria reference unknown fields, carry values of the wrong type, or are malformed. */
export class InvalidQueryError extends RegistryError {
  override readonly code: string = "REGISTERS_INVALID_QUERY";
}

/** One issue of a failed validation (the Zod issue, trimmed to what users read). */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code: string;
}

/** Data failed the model's schema (on write, or a row read back that breaks the model). */
export class ValidationError extends RegistryError {
  override readonly code: string = "REGISTERS_VALIDATION";
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The database could not be reached or the connection died. Names host and port, never the password. */
export class ConnectionError extends RegistryError {
  override readonly code: string = "REGISTERS_CONNECTION";
}

/** A statement exceeded the configured `statementTimeout`. */
export class StatementTimeoutError extends RegistryError {
  override readonly code: string = "REGISTERS_STATEMENT_TIMEOUT";
}

/**
 * A write broke a foreign key: a row pointing at no row of the referenced table, or a delete of a
 * row that others still reference (`onDelete: "restrict"`). `table` and `fields` name the foreign
 * key (the table that holds it and its fields), `referencedTable` the table it points at, where
 * registers knows the constraint (declared by a `BelongsTo` with `onDelete`).
 */
export class ForeignKeyError extends RegistryError {
  override readonly code: string = "REGISTERS_FOREIGN_KEY";
  /** The fields of the foreign key (empty when the database did not say which key failed). */
  readonly fields: readonly string[];
  /** The table the foreign key points at, when known. */
  readonly referencedTable?: string;
  constructor(
    message: string,
    readonly table: string,
    options?: { cause?: unknown; fields?: readonly string[]; referencedTable?: string },
  ) {
    super(message, options);
    this.fields = options?.fields ?? [];
    if (options?.referencedTable !== undefined) this.referencedTable = options.referencedTable;
  }
}

/** Any other database failure, with the driver error as `cause` (never thrown raw). */
export class DatabaseError extends RegistryError {
  override readonly code: string = "REGISTERS_DATABASE";
}

/**
 * The transaction can no longer commit: on PostgreSQL a statement that fails inside `transaction()`
 * aborts the whole transaction, even when the callback catches its error. Raised at the next
 * statement and when `transaction()` would otherwise resolve; nothing of the transaction is kept.
 * To carry on after an expected failure, wrap the call that may fail in a nested `transaction()`
 * (a savepoint): only that part is rolled back.
 *
 * @example
 * ```ts
 * await User.objects.transaction(async () => {
 *   await User.objects.create({ name: "new" });
 *   await User.objects.transaction(() => User.objects.create({ name: "dup" })).catch(() => undefined);
 * }); // commits "new" on every database
 * ```
 */
export class TransactionAbortedError extends RegistryError {
  override readonly code: string = "REGISTERS_TRANSACTION_ABORTED";
}

/**
 * The model's database was closed by `dispose()`, `disposeAll()` or a Fastify app's `close()`.
 * Calls fail instead of quietly reopening (an in-memory database would come back empty); call
 * `Model.objects.reopen()` to use it again.
 *
 * @example
 * ```ts
 * await User.objects.dispose();
 * await User.objects.count(); // EngineDisposedError
 * User.objects.reopen();
 * ```
 */
export class EngineDisposedError extends RegistryError {
  override readonly code: string = "REGISTERS_ENGINE_DISPOSED";
}

/**
 * A lifecycle hook (`beforeCreate`, `afterUpdate`...) refused the write: throw it from a hook, or
 * throw anything else and registers wraps it (as `cause`). The write and its hooks are rolled back.
 *
 * @example
 * ```ts
 * hooks: { beforeDelete(user) { if (user.role === "owner") throw new HookRefusedError("the owner cannot be deleted"); } }
 * ```
 */
export class HookRefusedError extends RegistryError {
  override readonly code: string = "REGISTERS_HOOK_REFUSED";
}

/**
 * The database refused a transaction because it conflicted with a concurrent one: a serialization
 * failure (PostgreSQL 40001), a deadlock (PostgreSQL 40P01, MariaDB/MySQL 1213) or a Galera
 * certification conflict (also 1213, at COMMIT). Nothing of the transaction was kept, and running
 * the whole transaction again may succeed: `transaction(fn, { retries: n })` does that for you.
 *
 * @example
 * ```ts
 * try {
 *   await Account.objects.transaction(() => transfer(1, 2, 10));
 * } catch (error) {
 *   if (error instanceof SerializationError && error.retryable) console.log("conflict, try again");
 * }
 * ```
 */
export class SerializationError extends RegistryError {
  override readonly code: string = "REGISTERS_SERIALIZATION";
  /** Always `true`: rerunning the whole transaction may succeed. */
  readonly retryable = true as const;
}

/**
 * The one place where failures become typed errors: a driver error is classified by the dialect and
 * turned into the `RegistryError` that says what happened and what to do, with the driver error as
 * `cause`; registers' own errors pass through. It may import errors and the state's type.
 */
import {
  ConnectionError,
  DatabaseError,
  DuplicateKeyError,
  RegistryError,
  SchemaError,
  SerializationError,
  StatementTimeoutError,
  UniqueConstraintError,
  ValidationError,
} from "../errors.js";
import { foreignKeyError } from "../schema/foreign-key-error.js";
import { constraintNamed } from "../schema/model-definition.js";
import type { ModelState } from "./state.js";
import { messageOf } from "./values.js";

/** Turns any failure into a typed `RegistryError` (never a raw driver error), keeping the cause. */
export function translateError(s: ModelState, error: unknown, key?: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  const dialect = s.dialect;
  const kind = dialect === null ? { kind: "other" as const } : dialect.classifyError(error);
  const table = s.tableName;
  const model = s.model.name;
  switch (kind.kind) {
    case "unique": {
      // A unique index a model declares (`indexes`) is known by name, also when a migration made it.
      const named = kind.constraint === undefined ? undefined : constraintNamed(kind.constraint);
      const columns =
        named?.references === undefined && named !== undefined ? [...named.columns] : (kind.columns ?? []);
      if (kind.primaryKey || (columns.length > 0 && columns.every((c) => c === s.keyField))) {
        return new DuplicateKeyError(
          `a ${model} with ${s.keyField} = ${String(key)} already exists in "${table}": use upsert() to overwrite it`,
          table,
          key,
          { cause: error },
        );
      }
      const fields = columns.length > 0 ? columns : [...s.uniqueFields];
      return new UniqueConstraintError(
        `another row of "${table}" already has this ${fields.join(", ")}: values of ${fields.join(", ")} must be unique`,
        table,
        fields,
        { cause: error },
      );
    }
    case "foreign-key":
      return foreignKeyError(table, kind.constraint, error, { engine: s.engine, dialect: s.d });
    case "not-null":
      return new ValidationError(
        `"${table}": ${kind.column ?? "a column"} cannot be null`,
        [{ path: kind.column ? [kind.column] : [], message: "cannot be null", code: "invalid_type" }],
        { cause: error },
      );
    case "connection":
      return new ConnectionError(`lost the database connection of "${table}": ${messageOf(error)}`, {
        cause: error,
      });
    case "timeout":
      return new StatementTimeoutError(`a statement on "${table}" timed out or the database was busy`, {
        cause: error,
      });
    case "serialization":
      return new SerializationError(
        `a concurrent transaction conflicted with this one on "${table}" (serialization failure, deadlock or ` +
          "cluster certification conflict): nothing was kept; run the whole transaction again, e.g. " +
          "transaction(fn, { retries: 3 })",
        { cause: error },
      );
    case "missing-table":
      return new SchemaError(
        `table "${table}" does not exist: call ${model}.createSchema() or keep autoCreate on`,
        { cause: error },
      );
    default:
      return new DatabaseError(`database error on "${table}": ${messageOf(error)}`, { cause: error });
  }
}

/** A failed DDL statement as a `SchemaError` saying `what` failed (registers' errors pass through). */
export function schemaError(error: unknown, what: string): RegistryError {
  if (error instanceof RegistryError) return error;
  return new SchemaError(`${what}: ${messageOf(error)}`, { cause: error });
}

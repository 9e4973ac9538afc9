/**
 * The `ForeignKeyError` of a failed write, naming the foreign key: found by the constraint name the
 * database reports (PostgreSQL, MySQL), else, on SQLite, which reports none, from the keys declared
 * around the written table (the one that can have failed). It may import errors and the model
 * definitions.
 */

import type { Dialect } from "../dialect/dialect.js";
import { ForeignKeyError } from "../errors.js";
import {
  constraintNamed,
  foreignKeysAround,
  learnConstraints,
  type NamedConstraint,
} from "./model-definition.js";

/**
 * The typed error of a foreign key violation on a write to `table`.
 *
 * @example
 * ```ts
 * foreignKeyError("orders", "orders_user_id_fkey", error, { engine, dialect }).fields; // ["user_id"]
 * ```
 */
export function foreignKeyError(
  table: string,
  constraint: string | undefined,
  cause: unknown,
  context?: { readonly engine: object; readonly dialect: Dialect },
): ForeignKeyError {
  if (context !== undefined) learnConstraints(context.engine, context.dialect);
  let named: NamedConstraint | undefined = constraint === undefined ? undefined : constraintNamed(constraint);
  if (named?.references === undefined) named = undefined;
  if (named === undefined && constraint === undefined) {
    const { outgoing, incoming } = foreignKeysAround(table);
    if (outgoing.length === 1 && incoming.length === 0) named = outgoing[0];
    else if (incoming.length === 1 && outgoing.length === 0) named = incoming[0];
  }
  if (named?.references === undefined) {
    return new ForeignKeyError(
      `a foreign key of "${table}" (or one referencing it) does not hold: write only values that exist in the referenced table, and delete referencing rows first`,
      table,
      { cause },
    );
  }
  const fields = named.columns.join(", ");
  const referenced = named.references.table;
  const message =
    named.table === table
      ? `"${table}".${fields} must name an existing row of "${referenced}" (or be null where allowed)`
      : `rows of "${named.table}" (${fields}) still reference this row of "${referenced}": delete them first, or declare the BelongsTo with onDelete "cascade" or "setNull"`;
  return new ForeignKeyError(message, named.table, {
    cause,
    fields: named.columns,
    referencedTable: referenced,
  });
}

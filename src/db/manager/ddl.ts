/**
 * Schema operations of one model: create, drop, check and truncate its table, and additive column
 * changes (`addColumn`, `ensureColumn`, `columnNames`). Catalog calls never trigger `autoCreate`;
 * `dropSchema` re-arms it. It may import the state, zod-to-columns and errors.
 */
import type { z } from "zod";
import type { Session } from "../dialect/dialect.js";
import { MigrationError } from "../errors.js";
import { describeField } from "../zod-to-columns.js";
import { columnSpec, type ModelState } from "./state.js";
import { schemaError } from "./translate-error.js";
import { messageOf } from "./values.js";

/** `createSchema()`: the table if it does not exist (idempotent). */
export async function createSchema(s: ModelState): Promise<void> {
  await s.createTable(await s.catalogSession());
}

/** `dropSchema()`: drops the table if it exists; the next use creates it again (`autoCreate`). */
export async function dropSchema(s: ModelState): Promise<void> {
  const session = await s.catalogSession();
  try {
    await execSchema(session, s.d.dropTable(s.tableName), `cannot drop table "${s.tableName}"`);
  } finally {
    // The next use creates the table again (autoCreate), or fails with SchemaError.
    s.readyGeneration = -1;
  }
}

/** `schemaExists()`. */
export async function schemaExists(s: ModelState): Promise<boolean> {
  const session = await s.catalogSession(); // resolves the dialect first (server dialects load lazily)
  return await s.d.tableExists(session, s.tableName);
}

/** `truncate()`: deletes every row, keeping the table. */
export async function truncate(s: ModelState): Promise<void> {
  await execSchema(await s.session(), s.d.truncate(s.tableName), `cannot truncate table "${s.tableName}"`);
}

/** Runs one DDL statement; a failure is a `SchemaError` saying `what` failed. */
async function execSchema(session: Session, sql: string, what: string): Promise<void> {
  try {
    await session.exec(sql);
  } catch (error) {
    throw schemaError(error, what);
  }
}

/** `addColumn(name, type, options)`: `MigrationError` if it exists or cannot be added. */
export async function addColumn(
  s: ModelState,
  name: string,
  type: z.ZodType,
  options: { nullable?: boolean } | undefined,
): Promise<void> {
  const session = await s.catalogSession();
  if ((await columnNames(s)).includes(name)) {
    throw new MigrationError(
      `column "${name}" already exists on "${s.tableName}": use ensureColumn() to add it only if missing`,
    );
  }
  try {
    const field = describeField(name, type);
    const nullable = options?.nullable ?? (field.nullable || field.optional);
    const column = { ...columnSpec(field, s.config), nullable, primaryKey: false, autoincrement: false };
    await session.exec(s.d.addColumn(s.tableName, column));
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`cannot add column "${name}" to "${s.tableName}": ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** `ensureColumn(...)`: adds the column only if missing; `true` if it was added. */
export async function ensureColumn(
  s: ModelState,
  name: string,
  type: z.ZodType,
  options: { nullable?: boolean } | undefined,
): Promise<boolean> {
  if ((await columnNames(s)).includes(name)) return false;
  await addColumn(s, name, type, options);
  return true;
}

/** `columnNames()`: the table's columns from the database catalog. */
export async function columnNames(s: ModelState): Promise<string[]> {
  const session = await s.catalogSession();
  return await s.d.columnNames(session, s.tableName);
}

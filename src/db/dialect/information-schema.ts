/**
 * Catalog queries over the SQL-standard `information_schema` (PostgreSQL, MariaDB/MySQL): whether a
 * table exists and its column names, in the current schema. It imports the dialect types only.
 */
import type { Session } from "./dialect.js";

/** The catalog part of a dialect, for a current-schema expression and a parameter placeholder. */
export interface InformationSchemaCatalog {
  tableExists(session: Session, table: string): Promise<boolean>;
  columnNames(session: Session, table: string): Promise<string[]>;
}

/**
 * Catalog queries for a database whose current schema is `schema` (`current_schema()`,
 * `DATABASE()`) and whose first parameter is written `param` (`$1`, `?`).
 */
export function informationSchemaCatalog(schema: string, param: string): InformationSchemaCatalog {
  const where = `WHERE table_schema = ${schema} AND table_name = ${param}`;
  const tables = `SELECT 1 AS found FROM information_schema.tables ${where}`;
  const columns = `SELECT column_name AS column_name FROM information_schema.columns ${where} ORDER BY ordinal_position`;
  return {
    async tableExists(session, table) {
      return (await session.prepare(tables).all([table])).length > 0;
    },
    async columnNames(session, table) {
      return (await session.prepare(columns).all([table])).map((row) => String(row.column_name));
    },
  };
}

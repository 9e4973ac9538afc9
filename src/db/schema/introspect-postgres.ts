/**
 * PostgreSQL catalog introspection of the current schema: tables from `information_schema.tables`,
 * columns (type through `format_type`, nullability, default expression), indexes with their unique
 * and primary-key constraints, and foreign keys (with `confdeltype`) from `pg_catalog`. It may
 * import the dialect types and normalisation.
 */
import type { Row, Session } from "../dialect/dialect.js";
import { normalizeDefault, normalizeType } from "./normalize.js";
import type { ColumnDefinition, ForeignKeyDefinition, IndexDefinition, TableDefinition } from "./types.js";

const TABLES = `SELECT table_name AS name FROM information_schema.tables
  WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`;

const COLUMNS = `SELECT c.relname AS table_name, a.attname AS column_name,
    format_type(a.atttypid, a.atttypmod) AS column_type, a.attnotnull AS not_null,
    pg_get_expr(d.adbin, d.adrelid) AS column_default
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname, a.attnum`;

const INDEXES = `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique,
    ix.indisprimary AS is_primary, con.contype AS constraint_type,
    (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
  FROM pg_index ix
  JOIN pg_class t ON t.oid = ix.indrelid
  JOIN pg_class i ON i.oid = ix.indexrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = t.oid AND con.contype IN ('u', 'p')
  WHERE n.nspname = current_schema() AND ix.indpred IS NULL AND ix.indexprs IS NULL
  ORDER BY t.relname, i.relname`;

const FOREIGN_KEYS = `SELECT con.conname AS name, t.relname AS table_name, r.relname AS ref_table,
    con.confdeltype AS on_delete,
    (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
    (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns
  FROM pg_constraint con
  JOIN pg_class t ON t.oid = con.conrelid
  JOIN pg_class r ON r.oid = con.confrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE con.contype = 'f' AND n.nspname = current_schema()
  ORDER BY t.relname, con.conname`;

const ON_DELETE: Record<string, ForeignKeyDefinition["onDelete"]> = {
  c: "cascade",
  r: "restrict",
  n: "setNull",
};

const names = (value: unknown): string[] =>
  (typeof value === "string" ? (JSON.parse(value) as unknown[]) : ((value ?? []) as unknown[])).map(String);

/**
 * Every table of the current schema, as definitions.
 *
 * @example
 * ```ts
 * const tables = await introspectPostgres(driver);
 * ```
 */
export async function introspectPostgres(session: Session): Promise<TableDefinition[]> {
  const run = async (sql: string): Promise<Row[]> => await session.prepare(sql).all([]);
  const [tables, columns, indexes, keys] = [
    await run(TABLES),
    await run(COLUMNS),
    await run(INDEXES),
    await run(FOREIGN_KEYS),
  ];
  return tables.map((t) => {
    const name = String(t.name);
    const own = (rows: Row[]) => rows.filter((r) => r.table_name === name);
    const primary = own(indexes).find((i) => i.is_primary === true);
    const primaryKey = primary ? names(primary.columns) : [];
    const cols: ColumnDefinition[] = own(columns).map((c) => ({
      name: String(c.column_name),
      type: normalizeType("postgres", String(c.column_type)),
      nullable: c.not_null !== true,
      default: identityOrSequence(c.column_default) ? null : normalizeDefault(c.column_default),
      primaryKey: primaryKey.includes(String(c.column_name)),
    }));
    const idx: IndexDefinition[] = own(indexes)
      .filter((i) => i.is_primary !== true)
      .map((i) => ({
        name: String(i.index_name),
        columns: names(i.columns),
        unique: i.is_unique === true,
        ...(i.constraint_type === "u" ? { constraint: true } : {}),
      }));
    const fks: ForeignKeyDefinition[] = own(keys).map((k) => ({
      name: String(k.name),
      columns: names(k.columns),
      references: { table: String(k.ref_table), columns: names(k.ref_columns) },
      onDelete: ON_DELETE[String(k.on_delete)] ?? "noAction",
    }));
    return { name, columns: cols, primaryKey, indexes: idx, foreignKeys: fks };
  });
}

/** A `serial` column's `nextval(...)` default: the database's, not a literal to compare. */
function identityOrSequence(value: unknown): boolean {
  return typeof value === "string" && value.startsWith("nextval(");
}

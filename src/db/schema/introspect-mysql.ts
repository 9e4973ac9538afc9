/**
 * MariaDB/MySQL catalog introspection of the current database over `information_schema`: tables,
 * columns (`column_type`; MariaDB's JSON is a `longtext` with a `json_valid` check), indexes from
 * `statistics` (with `sub_part`, a prefix length) and foreign keys from `referential_constraints` + `key_column_usage`. It may import
 * the dialect types and normalisation.
 */
import type { Row, Session } from "../dialect/dialect.js";
import { normalizeDefault, normalizeType } from "./normalize.js";
import type { ForeignKeyDefinition, IndexDefinition, TableDefinition } from "./types.js";

const TABLES = `SELECT table_name AS name FROM information_schema.tables
  WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name`;

const COLUMNS = `SELECT table_name AS table_name, column_name AS column_name, column_type AS column_type,
    is_nullable AS is_nullable, column_default AS column_default, column_key AS column_key
  FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`;

const CHECKS = `SELECT table_name AS table_name, check_clause AS check_clause
  FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()`;

const INDEXES = `SELECT table_name AS table_name, index_name AS index_name, non_unique AS non_unique,
    column_name AS column_name, seq_in_index AS seq, sub_part AS sub_part
  FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`;

const FOREIGN_KEYS = `SELECT rc.constraint_name AS name, rc.table_name AS table_name,
    rc.referenced_table_name AS ref_table, rc.delete_rule AS delete_rule,
    k.column_name AS column_name, k.referenced_column_name AS ref_column
  FROM information_schema.referential_constraints rc
  JOIN information_schema.key_column_usage k ON k.constraint_schema = rc.constraint_schema
    AND k.constraint_name = rc.constraint_name AND k.table_name = rc.table_name
  WHERE rc.constraint_schema = DATABASE() ORDER BY rc.table_name, rc.constraint_name, k.ordinal_position`;

const ON_DELETE: Record<string, ForeignKeyDefinition["onDelete"]> = {
  CASCADE: "cascade",
  RESTRICT: "restrict",
  "SET NULL": "setNull",
};

/**
 * Every table of the current database, as definitions.
 *
 * @example
 * ```ts
 * const tables = await introspectMysql(driver);
 * ```
 */
export async function introspectMysql(session: Session): Promise<TableDefinition[]> {
  const run = async (sql: string): Promise<Row[]> => await session.prepare(sql).all([]);
  const tables = await run(TABLES);
  const columns = await run(COLUMNS);
  const checks = await run(CHECKS).catch(() => [] as Row[]); // MySQL before 8.0.16 has no such view
  const indexes = await run(INDEXES);
  const keys = await run(FOREIGN_KEYS);
  const json = new Set(
    checks.flatMap((c) => {
      const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(c.check_clause).trim());
      return match ? [`${String(c.table_name)}.${(match[1] as string).replaceAll("``", "`")}`] : [];
    }),
  );
  return tables.map((t) => {
    const name = String(t.name);
    const own = (rows: Row[]) => rows.filter((r) => r.table_name === name);
    const grouped = new Map<
      string,
      { unique: boolean; columns: string[]; prefixes?: Record<string, number> }
    >();
    for (const row of own(indexes)) {
      const key = String(row.index_name);
      const entry = grouped.get(key) ?? { unique: Number(row.non_unique) === 0, columns: [] };
      entry.columns.push(String(row.column_name));
      // SUB_PART: the index covers the column's first N characters only.
      if (row.sub_part !== null && row.sub_part !== undefined) {
        entry.prefixes = { ...entry.prefixes, [String(row.column_name)]: Number(row.sub_part) };
      }
      grouped.set(key, entry);
    }
    const primaryKey = grouped.get("PRIMARY")?.columns ?? [];
    const cols = own(columns).map((c) => {
      const column = String(c.column_name);
      const type = normalizeType("mysql", String(c.column_type));
      return {
        name: column,
        type: type === "longtext" && json.has(`${name}.${column}`) ? "json" : type,
        nullable: c.is_nullable === "YES",
        default: normalizeDefault(c.column_default, true),
        primaryKey: primaryKey.includes(column),
      };
    });
    const idx: IndexDefinition[] = [...grouped]
      .filter(([key]) => key !== "PRIMARY")
      .map(([key, entry]) => ({
        name: key,
        columns: entry.columns,
        unique: entry.unique,
        ...(entry.prefixes === undefined ? {} : { prefixes: entry.prefixes }),
      }));
    const fkMap = new Map<string, { columns: string[]; refs: string[]; table: string; rule: string }>();
    for (const row of own(keys)) {
      const key = String(row.name);
      const entry = fkMap.get(key) ?? {
        columns: [],
        refs: [],
        table: String(row.ref_table),
        rule: String(row.delete_rule),
      };
      entry.columns.push(String(row.column_name));
      entry.refs.push(String(row.ref_column));
      fkMap.set(key, entry);
    }
    const fks: ForeignKeyDefinition[] = [...fkMap].map(([key, entry]) => ({
      name: key,
      columns: entry.columns,
      references: { table: entry.table, columns: entry.refs },
      onDelete: ON_DELETE[entry.rule.toUpperCase()] ?? "noAction",
    }));
    return { name, columns: cols, primaryKey, indexes: idx, foreignKeys: fks };
  });
}

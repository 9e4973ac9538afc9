/**
 * SQLite catalog introspection: tables from `sqlite_schema`, columns from `pragma_table_info`,
 * indexes from `pragma_index_list`/`pragma_index_info` (unique constraints are its `u` indexes),
 * foreign keys from `pragma_foreign_key_list`. It may import the dialect types, naming and
 * normalisation.
 */
import type { Row, Session } from "../dialect/dialect.js";
import { foreignKeyName } from "./naming.js";
import { normalizeDefault, normalizeType } from "./normalize.js";
import type { ForeignKeyDefinition, IndexDefinition, TableDefinition } from "./types.js";

const ON_DELETE: Record<string, ForeignKeyDefinition["onDelete"]> = {
  CASCADE: "cascade",
  RESTRICT: "restrict",
  "SET NULL": "setNull",
};

const all = async (session: Session, sql: string, params: unknown[] = []): Promise<Row[]> =>
  await session.prepare(sql).all(params);

/**
 * Every table of the SQLite database (but SQLite's own), as definitions.
 *
 * @example
 * ```ts
 * const tables = await introspectSqlite(driver);
 * ```
 */
export async function introspectSqlite(session: Session): Promise<TableDefinition[]> {
  const names = await all(
    session,
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  const out: TableDefinition[] = [];
  for (const { name } of names) out.push(await table(session, String(name)));
  return out;
}

async function table(session: Session, name: string): Promise<TableDefinition> {
  const info = await all(
    session,
    'SELECT name, type, "notnull" AS not_null, dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
    [name],
  );
  const primaryKey = info
    .filter((c) => Number(c.pk) > 0)
    .sort((a, b) => Number(a.pk) - Number(b.pk))
    .map((c) => String(c.name));
  const columns = info.map((c) => ({
    name: String(c.name),
    type: normalizeType("sqlite", String(c.type ?? "")),
    nullable: Number(c.not_null) === 0 && Number(c.pk) === 0,
    default: normalizeDefault(c.dflt_value),
    primaryKey: Number(c.pk) > 0,
  }));
  const indexes: IndexDefinition[] = [];
  const list = await all(
    session,
    'SELECT name, "unique" AS is_unique, origin, partial FROM pragma_index_list(?)',
    [name],
  );
  for (const index of list) {
    if (index.origin === "pk" || Number(index.partial) === 1) continue;
    const cols = await all(session, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", [index.name]);
    if (cols.some((c) => c.name === null)) continue; // an expression index (made by hand)
    indexes.push({
      name: String(index.name),
      columns: cols.map((c) => String(c.name)),
      unique: Number(index.is_unique) === 1,
      ...(index.origin === "u" ? { constraint: true } : {}),
    });
  }
  const keys = await all(
    session,
    'SELECT id, seq, "table" AS ref_table, "from" AS from_column, "to" AS to_column, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
    [name],
  );
  const byId = new Map<
    number,
    { columns: string[]; refs: (string | null)[]; table: string; onDelete: string }
  >();
  for (const key of keys) {
    const id = Number(key.id);
    let entry = byId.get(id);
    if (entry === undefined) {
      entry = { columns: [], refs: [], table: String(key.ref_table), onDelete: String(key.on_delete) };
      byId.set(id, entry);
    }
    entry.columns.push(String(key.from_column));
    entry.refs.push(key.to_column === null ? null : String(key.to_column));
  }
  const foreignKeys: ForeignKeyDefinition[] = [];
  for (const entry of byId.values()) {
    let refs = entry.refs;
    if (refs.some((r) => r === null)) {
      // REFERENCES t without columns: the referenced table's primary key.
      const pk = await all(session, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [
        entry.table,
      ]);
      refs = pk.map((c) => String(c.name));
    }
    foreignKeys.push({
      name: foreignKeyName(name, entry.columns),
      columns: entry.columns,
      references: { table: entry.table, columns: refs as string[] },
      onDelete: ON_DELETE[entry.onDelete.toUpperCase()] ?? "noAction",
    });
  }
  return { name, columns, primaryKey, indexes, foreignKeys };
}

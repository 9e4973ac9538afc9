/**
 * `migrationSql(diff, dialect)`: the statements that apply a diff, in an order every database
 * accepts: foreign keys and indexes dropped first, renames, new tables (referenced ones first),
 * columns added, altered and dropped, then indexes and foreign keys created, and tables dropped last
 * (referencing ones first). SQLite changes that `ALTER TABLE` cannot make are a table rebuild (see
 * `sqlite-rebuild.ts`). It may import the dialect SQL helpers and the schema modules.
 */
import { createIndexSql, foreignKeySql } from "../dialect/ddl-sql.js";
import type { Dialect } from "../dialect/dialect.js";
import { tableSpecOf } from "./create-tables.js";
import { bareType, columnDefinitionSql, ddlDialect, defaultSql } from "./ddl-dialects.js";
import {
  needsRebuild,
  rebuildSql,
  SQLITE_FOREIGN_KEYS_OFF,
  SQLITE_FOREIGN_KEYS_ON,
} from "./sqlite-rebuild.js";
import type {
  AlterColumnChange,
  CreateTableChange,
  DialectName,
  DropTableChange,
  SchemaChange,
  SchemaDiff,
  TableDefinition,
} from "./types.js";

const ORDER: Record<SchemaChange["kind"], number> = {
  dropForeignKey: 0,
  dropIndex: 1,
  renameColumn: 2,
  createTable: 3,
  addColumn: 4,
  alterColumn: 5,
  dropColumn: 6,
  addIndex: 7,
  addForeignKey: 8,
  dropTable: 9,
};

/**
 * The statements (without a trailing `;`) that apply `diff` on `dialect`, in order. On SQLite a
 * table rebuild is bracketed by `PRAGMA foreign_keys = OFF` / `ON` (first and last statement):
 * SQLite ignores them inside a transaction, so a runner executes those two outside it.
 *
 * @example
 * ```ts
 * const diff = await diffSchema([User], "app.db");
 * for (const sql of migrationSql(diff, diff.dialect)) console.log(`${sql};`);
 * ```
 */
export function migrationSql(diff: SchemaDiff | readonly SchemaChange[], dialectName: DialectName): string[] {
  const changes = "changes" in diff ? diff.changes : (diff as readonly SchemaChange[]);
  const dialect = ddlDialect(dialectName);
  const q = (name: string) => dialect.quote(name);
  const rebuilt = dialect.name === "sqlite" ? needsRebuild(changes) : new Map<string, TableDefinition>();
  const sorted = [...changes].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const out: string[] = [];
  const creates = order(
    sorted.filter((c): c is CreateTableChange => c.kind === "createTable"),
    dialect.name !== "sqlite", // SQLite checks references only when rows are written
  );
  const cyclic = new Set(creates.flatMap((c) => c.deferred));
  const drops = dropOrder(sorted.filter((c): c is DropTableChange => c.kind === "dropTable"));
  let created = false;
  for (const change of sorted) {
    const table = change.table;
    const rebuild = rebuilt.get(table);
    // Rebuilt after every rename (the copy reads the renamed columns), with the other changes.
    if (rebuild !== undefined && change.kind !== "renameColumn") continue;
    switch (change.kind) {
      case "createTable":
        if (created) break;
        created = true;
        for (const { change: create, deferred } of creates) {
          const keys = create.definition.foreignKeys.filter((k) => !deferred.includes(k.name));
          out.push(...dialect.createTable(tableSpecOf(create.definition, keyOf(create.definition), keys)));
        }
        break;
      case "dropTable":
        break;
      case "renameColumn":
        out.push(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(change.from)} TO ${q(change.to)}`);
        break;
      case "addColumn": {
        const spec = change.column.spec;
        if (spec !== undefined)
          out.push(
            `ALTER TABLE ${q(table)} ADD COLUMN ${columnDefinitionSql(dialect, { ...spec, unique: false })}`,
          );
        break;
      }
      case "dropColumn":
        out.push(`ALTER TABLE ${q(table)} DROP COLUMN ${q(change.column.name)}`);
        break;
      case "alterColumn":
        out.push(...alterSql(dialect, change));
        break;
      case "addIndex":
        out.push(createIndexSql(q, table, change.index, false));
        break;
      case "dropIndex":
        out.push(dropIndexSql(dialect, table, change.index.name, change.index.constraint === true));
        break;
      case "addForeignKey":
        out.push(`ALTER TABLE ${q(table)} ADD ${foreignKeySql(q, change.foreignKey)}`);
        break;
      case "dropForeignKey":
        out.push(dropForeignKeySql(dialect, table, change.foreignKey.name));
        break;
    }
    if (change.kind === "createTable" && cyclic.size > 0) {
      for (const { change: create } of creates) {
        for (const key of create.definition.foreignKeys) {
          if (cyclic.has(key.name)) out.push(`ALTER TABLE ${q(create.table)} ADD ${foreignKeySql(q, key)}`);
        }
      }
      cyclic.clear();
    }
  }
  for (const [, definition] of rebuilt) out.push(...rebuildSql(dialect, definition, changes));
  if (dialect.name !== "sqlite") {
    // Keys between dropped tables go first, so any order of the drops works (also a cycle).
    const dropped = new Set(drops.map((d) => d.table));
    for (const drop of drops) {
      for (const key of drop.definition.foreignKeys) {
        if (!dropped.has(key.references.table) || key.references.table === drop.table) continue;
        out.push(dropForeignKeySql(dialect, drop.table, key.name));
      }
    }
  }
  for (const drop of drops) out.push(dialect.dropTable(drop.table));
  if (rebuilt.size === 0) return out;
  return [SQLITE_FOREIGN_KEYS_OFF, ...out, ...SQLITE_FOREIGN_KEYS_ON];
}

function keyOf(definition: TableDefinition): string {
  return definition.primaryKey[0] ?? definition.columns[0]?.name ?? "";
}

/** New tables, referenced ones first; a key that closes a cycle is added after all are created. */
function order(
  creates: CreateTableChange[],
  defer: boolean,
): { change: CreateTableChange; deferred: string[] }[] {
  const byName = new Map(creates.map((c) => [c.table, c]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: { change: CreateTableChange; deferred: string[] }[] = [];
  const visit = (change: CreateTableChange) => {
    if (done.has(change.table)) return;
    visiting.add(change.table);
    const deferred: string[] = [];
    for (const key of change.definition.foreignKeys) {
      const target = byName.get(key.references.table);
      if (target === undefined || target === change) continue;
      if (visiting.has(target.table)) {
        if (defer) deferred.push(key.name);
      } else visit(target);
    }
    visiting.delete(change.table);
    done.add(change.table);
    out.push({ change, deferred });
  };
  for (const change of creates) visit(change);
  return out;
}

/** Dropped tables, those that reference others first. */
function dropOrder(drops: DropTableChange[]): DropTableChange[] {
  const out: DropTableChange[] = [];
  const left = new Set(drops);
  while (left.size > 0) {
    const referenced = new Set(
      [...left].flatMap((d) => d.definition.foreignKeys.map((k) => k.references.table)),
    );
    const next = [...left].filter(
      (d) => !referenced.has(d.table) || d.definition.foreignKeys.some((k) => k.references.table === d.table),
    );
    const batch = next.length > 0 ? next : [...left];
    for (const drop of batch) {
      out.push(drop);
      left.delete(drop);
    }
  }
  return out;
}

function dropForeignKeySql(dialect: Dialect, table: string, name: string): string {
  const q = (n: string) => dialect.quote(n);
  return dialect.name === "mysql"
    ? `ALTER TABLE ${q(table)} DROP FOREIGN KEY ${q(name)}`
    : `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)}`;
}

function dropIndexSql(dialect: Dialect, table: string, name: string, constraint: boolean): string {
  const q = (n: string) => dialect.quote(n);
  if (dialect.name === "mysql") return `ALTER TABLE ${q(table)} DROP INDEX ${q(name)}`;
  if (constraint && dialect.name === "postgres") return `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)}`;
  return `DROP INDEX ${q(name)}`;
}

/** PostgreSQL: one `ALTER COLUMN` per aspect; MySQL: `MODIFY COLUMN` with the whole definition. */
function alterSql(dialect: Dialect, change: AlterColumnChange): string[] {
  const q = (n: string) => dialect.quote(n);
  const spec = change.to.spec;
  if (spec === undefined) return [];
  const table = q(change.table);
  const column = q(change.column);
  const out: string[] = [];
  const fallback = defaultSql(dialect, spec);
  if (!change.to.nullable && change.from.nullable && fallback !== null) {
    out.push(`UPDATE ${table} SET ${column} = ${fallback} WHERE ${column} IS NULL`);
  }
  if (dialect.name === "mysql") {
    out.push(`ALTER TABLE ${table} MODIFY COLUMN ${columnDefinitionSql(dialect, spec)}`);
    return out;
  }
  if (change.changes.includes("type")) {
    const type = bareType(dialect, spec);
    // Through text: every type has a text input, where direct casts (bigint to boolean) may not exist.
    const cast = type === "TEXT" ? `${column}::TEXT` : `${column}::TEXT::${type}`;
    // An enum's CHECK (PostgreSQL names a column's check <table>_<column>_check) follows the type.
    const check = q(`${change.table}_${change.column}_check`);
    out.push(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check}`);
    out.push(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP DEFAULT`);
    out.push(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${type} USING ${cast}`);
    const full = dialect.columnType(spec);
    const at = full.indexOf(" CHECK ");
    if (at >= 0) out.push(`ALTER TABLE ${table} ADD CONSTRAINT ${check}${full.slice(at)}`);
  }
  if (change.changes.includes("default") || (change.changes.includes("type") && fallback !== null)) {
    out.push(
      `ALTER TABLE ${table} ALTER COLUMN ${column} ${fallback === null ? "DROP DEFAULT" : `SET DEFAULT ${fallback}`}`,
    );
  }
  if (change.changes.includes("nullability")) {
    out.push(
      `ALTER TABLE ${table} ALTER COLUMN ${column} ${change.to.nullable ? "DROP NOT NULL" : "SET NOT NULL"}`,
    );
  }
  return out;
}

/**
 * The comparison itself, pure: the tables the models want against the tables the catalog reports,
 * as typed changes. Columns, indexes and foreign keys are matched by name / by what they cover
 * (never by index or constraint name, which differ between databases). A dropped and an added
 * column of compatible types are reported as a possible rename, and become a rename only when hinted.
 * It imports the schema types only.
 */
import type {
  AlterColumnChange,
  ColumnDefinition,
  DialectName,
  ForeignKeyDefinition,
  IndexDefinition,
  PossibleRename,
  SchemaChange,
  TableDefinition,
} from "./types.js";

/** Type changes that keep every value: wider text, text of uuids and JSON, integers to floats. */
function widens(dialect: DialectName, from: string, to: string): boolean {
  const varchar = (type: string) => /^varchar\((\d+)\)$/.exec(type);
  const a = varchar(from);
  const b = varchar(to);
  if (a && b) return Number(b[1]) >= Number(a[1]);
  if (a && (to === "longtext" || to === "text")) return true;
  if (dialect === "mysql" && from === "char(36)" && (to === "longtext" || b !== null)) return true;
  if (dialect === "postgres" && (from === "uuid" || from === "jsonb") && to === "text") return true;
  // Integers to floats: every z.int() value (53 bits) stays exact.
  return (
    (from === "integer" && to === "real") ||
    (from === "bigint" && (to === "double precision" || to === "double"))
  );
}

function sameDefault(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== "" && b.trim() !== "" && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

/** What an index covers: unique or not, its columns, and a column's prefix length (MySQL) if any. */
const indexKey = (i: IndexDefinition) =>
  `${i.unique ? "u" : "i"}:${i.columns.map((c) => (i.prefixes?.[c] === undefined ? c : `${c}(${i.prefixes[c]})`)).join(",")}`;
const foreignKeyKey = (k: ForeignKeyDefinition) =>
  `${k.columns.join(",")}>${k.references.table}(${k.references.columns.join(",")}):${k.onDelete}`;

const describeIndex = (i: IndexDefinition) =>
  `${i.unique ? "unique index" : "index"} on (${i.columns.map((c) => (i.prefixes?.[c] === undefined ? c : `${c}(${i.prefixes[c]})`)).join(", ")})`;
const describeKey = (k: ForeignKeyDefinition) =>
  `foreign key (${k.columns.join(", ")}) -> ${k.references.table}(${k.references.columns.join(", ")}) on delete ${k.onDelete}`;

/**
 * The changes that turn `actual` into `desired`.
 *
 * @example
 * ```ts
 * const { changes, possibleRenames } = diffTables(wanted, found, "sqlite", []);
 * ```
 */
export function diffTables(
  desired: readonly TableDefinition[],
  actual: readonly TableDefinition[],
  dialect: DialectName,
  renames: readonly PossibleRename[],
): { changes: SchemaChange[]; possibleRenames: PossibleRename[] } {
  const changes: SchemaChange[] = [];
  const possibleRenames: PossibleRename[] = [];
  const found = new Map(actual.map((t) => [t.name, t]));
  const wanted = new Set(desired.map((t) => t.name));
  for (const table of desired) {
    const live = found.get(table.name);
    if (live === undefined) {
      changes.push({
        kind: "createTable",
        table: table.name,
        destructive: false,
        summary: `create table "${table.name}" (${table.columns.map((c) => c.name).join(", ")})`,
        definition: table,
      });
      continue;
    }
    compareTable(table, live, dialect, renames, changes, possibleRenames);
  }
  for (const table of actual) {
    if (wanted.has(table.name)) continue;
    changes.push({
      kind: "dropTable",
      table: table.name,
      destructive: true,
      summary: `drop table "${table.name}" (no model defines it; its rows are lost)`,
      definition: table,
    });
  }
  return { changes, possibleRenames };
}

function compareTable(
  table: TableDefinition,
  live: TableDefinition,
  dialect: DialectName,
  hints: readonly PossibleRename[],
  changes: SchemaChange[],
  possibleRenames: PossibleRename[],
): void {
  const name = table.name;
  const wanted = new Map(table.columns.map((c) => [c.name, c]));
  const renamed = new Map<string, string>(); // live name -> model name
  for (const hint of hints) {
    if (hint.table !== name) continue;
    const from = live.columns.find((c) => c.name === hint.from);
    if (from === undefined || wanted.has(hint.from) || !wanted.has(hint.to)) continue;
    if (live.columns.some((c) => c.name === hint.to)) continue;
    renamed.set(hint.from, hint.to);
    changes.push({
      kind: "renameColumn",
      table: name,
      from: hint.from,
      to: hint.to,
      destructive: false,
      summary: `rename column "${name}"."${hint.from}" to "${hint.to}"`,
    });
  }
  const mapName = (column: string) => renamed.get(column) ?? column;
  const liveColumns = new Map(live.columns.map((c) => [mapName(c.name), { ...c, name: mapName(c.name) }]));
  const added = table.columns.filter((c) => !liveColumns.has(c.name));
  const dropped = [...liveColumns.values()].filter((c) => !wanted.has(c.name));
  for (const column of added) {
    const destructive = !column.nullable && column.default === null;
    changes.push({
      kind: "addColumn",
      table: name,
      column,
      definition: table,
      destructive,
      summary:
        `add column "${name}"."${column.name}" ${column.type}${column.nullable ? "" : " NOT NULL"}` +
        (column.default === null ? "" : ` DEFAULT ${column.default}`) +
        (destructive ? " (no default: fails on a table that has rows)" : ""),
    });
  }
  for (const column of dropped) {
    changes.push({
      kind: "dropColumn",
      table: name,
      column,
      definition: table,
      destructive: true,
      summary: `drop column "${name}"."${column.name}" (its values are lost)`,
    });
  }
  for (const from of dropped) {
    for (const to of added) {
      // Compatible: the same storage type, or one that keeps every value (VARCHAR to text, ...).
      if (from.type === to.type || widens(dialect, from.type, to.type)) {
        possibleRenames.push({ table: name, from: from.name, to: to.name });
      }
    }
  }
  for (const to of table.columns) {
    const from = liveColumns.get(to.name);
    if (from === undefined) continue;
    const change = compareColumn(name, from, to, table, dialect);
    if (change !== undefined) changes.push(change);
  }
  const liveIndexes = live.indexes.map((i) => ({
    ...i,
    columns: i.columns.map(mapName),
    ...(i.prefixes === undefined
      ? {}
      : { prefixes: Object.fromEntries(Object.entries(i.prefixes).map(([c, n]) => [mapName(c), n])) }),
  }));
  const liveKeys = live.foreignKeys.map((k) => ({ ...k, columns: k.columns.map(mapName) }));
  const wantedIndexes = new Set(table.indexes.map(indexKey));
  const foundIndexes = new Set(liveIndexes.map(indexKey));
  for (const index of liveIndexes) {
    if (wantedIndexes.has(indexKey(index))) continue;
    changes.push({
      kind: "dropIndex",
      table: name,
      index,
      unique: index.unique,
      definition: table,
      destructive: false,
      summary: `drop ${describeIndex(index)} of "${name}" ("${index.name}")`,
    });
  }
  for (const index of table.indexes) {
    if (foundIndexes.has(indexKey(index))) continue;
    changes.push({
      kind: "addIndex",
      table: name,
      index,
      unique: index.unique,
      definition: table,
      destructive: false,
      summary: `add ${describeIndex(index)} to "${name}"${index.unique ? " (fails if rows repeat a value)" : ""}`,
    });
  }
  const wantedKeys = new Set(table.foreignKeys.map(foreignKeyKey));
  const foundKeys = new Set(liveKeys.map(foreignKeyKey));
  for (const key of liveKeys) {
    if (wantedKeys.has(foreignKeyKey(key))) continue;
    changes.push({
      kind: "dropForeignKey",
      table: name,
      foreignKey: key,
      definition: table,
      destructive: false,
      summary: `drop ${describeKey(key)} of "${name}"`,
    });
  }
  for (const key of table.foreignKeys) {
    if (foundKeys.has(foreignKeyKey(key))) continue;
    changes.push({
      kind: "addForeignKey",
      table: name,
      foreignKey: key,
      definition: table,
      destructive: false,
      summary: `add ${describeKey(key)} to "${name}" (fails if rows point nowhere)`,
    });
  }
}

function compareColumn(
  table: string,
  from: ColumnDefinition,
  to: ColumnDefinition,
  definition: TableDefinition,
  dialect: DialectName,
): AlterColumnChange | undefined {
  const kinds: AlterColumnChange["changes"][number][] = [];
  if (from.type !== to.type) kinds.push("type");
  if (from.nullable !== to.nullable) kinds.push("nullability");
  if (!sameDefault(from.default, to.default)) kinds.push("default");
  if (kinds.length === 0) return undefined;
  const narrowing = kinds.includes("type") && !widens(dialect, from.type, to.type);
  const notNull = from.nullable && !to.nullable && to.default === null;
  const parts: string[] = [];
  if (kinds.includes("type"))
    parts.push(`type ${from.type} -> ${to.type}${narrowing ? " (may not fit)" : ""}`);
  if (kinds.includes("nullability")) {
    parts.push(
      to.nullable ? "allow NULL" : `NOT NULL${notNull ? " without a default (fails on NULL rows)" : ""}`,
    );
  }
  if (kinds.includes("default")) parts.push(`default ${from.default ?? "none"} -> ${to.default ?? "none"}`);
  return {
    kind: "alterColumn",
    table,
    column: to.name,
    changes: kinds,
    from,
    to,
    definition,
    destructive: narrowing || notNull,
    summary: `alter column "${table}"."${to.name}": ${parts.join(", ")}`,
  };
}

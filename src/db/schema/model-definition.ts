/**
 * The table a registered model wants on one dialect, as a `TableDefinition`: its columns (with the
 * dialect's storage type, nullability and literal default), primary key, unique constraints,
 * indexes (the `indexes` option, `.meta({ index: true })` fields, `BelongsTo` fields) and foreign
 * keys (`BelongsTo` with `onDelete`). Also the registry from a model class to its state, and from a
 * constraint name to what it covers (typed errors name the fields). It may import dialect types,
 * manager types, relations, naming and schema types.
 */
import type { ColumnSpec, Dialect } from "../dialect/dialect.js";
import { ConfigurationError } from "../errors.js";
import { type RelationForeignKey, relationsOf } from "../relations.js";
import { foreignKeyName, indexName, uniqueConstraintName } from "./naming.js";
import { normalizeType } from "./normalize.js";
import type { ColumnDefinition, ForeignKeyDefinition, IndexDefinition, TableDefinition } from "./types.js";

/** What the schema lifecycle reads of a registered model (a `ModelState` satisfies it). */
export interface DefinitionSource {
  readonly model: { readonly name: string };
  /** The part of the manager's configuration the schema reads (`ManagerConfig` satisfies it). */
  readonly config: {
    readonly autoCreate: boolean;
    readonly fields: readonly { readonly name: string; readonly index?: boolean }[];
    readonly indexes?: readonly {
      readonly fields: readonly string[];
      readonly unique: boolean;
      readonly name?: string;
    }[];
  };
  readonly tableName: string;
  readonly keyField: string;
  readonly table: { readonly columns: readonly ColumnSpec[] };
  readonly engine: object;
}

const sources = new WeakMap<object, DefinitionSource>();
/** Every registered model's state, for the names of constraints of tables never created here. */
const tracked = new Set<DefinitionSource>();
const learned = new WeakSet<DefinitionSource>();

/** Internal (`ModelState`): records the state of a registered model class. */
export function trackModel(model: object, source: DefinitionSource): void {
  if (sources.has(model)) return;
  sources.set(model, source);
  tracked.add(source);
}

/**
 * Records the constraint names of every model on `engine` (once per model), so a constraint of a
 * table created by a migration (`autoCreate: false`) is known by name too. Models whose keys cannot
 * be resolved are skipped: their own use reports that.
 */
export function learnConstraints(engine: object, dialect: Dialect): void {
  for (const source of tracked) {
    if (source.engine !== engine || learned.has(source)) continue;
    learned.add(source);
    try {
      modelDefinition(source, dialect);
    } catch {
      // ConfigurationError: reported where the model is used.
    }
  }
}

/** The state of a registered model class, or `undefined`. */
export function sourceOf(model: unknown): DefinitionSource | undefined {
  return typeof model === "function" ? sources.get(model) : undefined;
}

/** What a named unique index or foreign key covers, for typed errors (`UniqueConstraintError`, `ForeignKeyError`). */
export interface NamedConstraint {
  readonly table: string;
  readonly columns: readonly string[];
  readonly references?: { readonly table: string; readonly columns: readonly string[] };
}

const constraints = new Map<string, NamedConstraint>();
const foreignKeysByTable = new Map<string, ForeignKeyDefinition[]>();

/**
 * What a constraint or index named `name` covers, when a model declared it (else `undefined`).
 *
 * @example
 * ```ts
 * constraintNamed("orders_user_id_fkey"); // { table: "orders", columns: ["user_id"], references: { table: "users", columns: ["id"] } }
 * ```
 */
export function constraintNamed(name: string): NamedConstraint | undefined {
  return constraints.get(name);
}

/** The declared foreign keys that leave `table` (`outgoing`) or point at it (`incoming`). */
export function foreignKeysAround(table: string): {
  outgoing: NamedConstraint[];
  incoming: NamedConstraint[];
} {
  const outgoing: NamedConstraint[] = [];
  const incoming: NamedConstraint[] = [];
  for (const [from, keys] of foreignKeysByTable) {
    for (const key of keys) {
      const named = { table: from, columns: key.columns, references: key.references };
      if (from === table) outgoing.push(named);
      if (key.references.table === table && key.onDelete !== "cascade" && key.onDelete !== "setNull") {
        incoming.push(named);
      }
    }
  }
  return { outgoing, incoming };
}

/** A `BelongsTo` foreign key resolved against its target model. */
export interface ResolvedForeignKey {
  readonly definition: ForeignKeyDefinition;
  /** The target model's state (absent when only the index is declared). */
  readonly target: DefinitionSource;
}

/**
 * The foreign keys `source` declares (`BelongsTo` with `onDelete`), resolved: the target must be a
 * registered model on the same database. `ConfigurationError` otherwise, or when `setNull` is asked
 * of a field that cannot be null.
 */
export function declaredForeignKeys(source: DefinitionSource): ResolvedForeignKey[] {
  const out: ResolvedForeignKey[] = [];
  for (const declared of belongsTo(source)) {
    if (declared.onDelete === undefined) continue;
    const target = sourceOf(declared.target());
    const where = `${source.model.name}: BelongsTo on "${declared.localKey}"`;
    if (target === undefined) {
      throw new ConfigurationError(
        `${where}: its target model is not registered; register it with databaseRegistry`,
      );
    }
    if (target.engine !== source.engine) {
      throw new ConfigurationError(
        `${where}: a foreign key needs both models on the same database, but ${target.model.name} is on another URL`,
      );
    }
    const local = source.table.columns.find((c) => c.name === declared.localKey);
    if (local === undefined) {
      throw new ConfigurationError(`${where}: "${declared.localKey}" is not a field of ${source.model.name}`);
    }
    const targetKey = declared.targetKey ?? target.keyField;
    if (!target.table.columns.some((c) => c.name === targetKey)) {
      throw new ConfigurationError(`${where}: "${targetKey}" is not a field of ${target.model.name}`);
    }
    if (declared.onDelete === "setNull" && !local.nullable) {
      throw new ConfigurationError(
        `${where}: onDelete "setNull" needs a field that accepts null; declare it .nullable() or choose "cascade" or "restrict"`,
      );
    }
    const columns = [declared.localKey];
    const definition: ForeignKeyDefinition = {
      name: foreignKeyName(source.tableName, columns),
      columns,
      references: { table: target.tableName, columns: [targetKey] },
      onDelete: declared.onDelete,
    };
    out.push({ definition, target });
  }
  return out;
}

function belongsTo(source: DefinitionSource): RelationForeignKey[] {
  const out: RelationForeignKey[] = [];
  for (const relation of relationsOf(source.model).values()) {
    if (relation.kind === "belongsTo" && relation.foreignKey !== undefined) out.push(relation.foreignKey);
  }
  return out;
}

/**
 * The table `source` wants on `dialect`.
 *
 * @example
 * ```ts
 * modelDefinition(sourceOf(User)!, dialect).indexes; // [{ name: "users_email_key", columns: ["email"], unique: true, constraint: true }]
 * ```
 */
export function modelDefinition(source: DefinitionSource, dialect: Dialect): TableDefinition {
  const table = source.tableName;
  const indexes: IndexDefinition[] = [];
  const covered = (column: string) =>
    column === source.keyField || indexes.some((index) => index.columns[0] === column);
  for (const column of source.table.columns) {
    if (column.unique && !column.primaryKey) {
      indexes.push({
        name: uniqueConstraintName(dialect.name, table, column.name),
        columns: [column.name],
        unique: true,
        constraint: true,
      });
    }
  }
  for (const index of source.config.indexes ?? []) {
    const name = index.name ?? indexName(table, index.fields, index.unique);
    indexes.push({ name, columns: [...index.fields], unique: index.unique });
  }
  for (const field of source.config.fields) {
    if (field.index === true && !covered(field.name)) {
      indexes.push({ name: indexName(table, [field.name], false), columns: [field.name], unique: false });
    }
  }
  for (const declared of belongsTo(source)) {
    if (!covered(declared.localKey) && source.table.columns.some((c) => c.name === declared.localKey)) {
      indexes.push({
        name: indexName(table, [declared.localKey], false),
        columns: [declared.localKey],
        unique: false,
      });
    }
  }
  const foreignKeys = declaredForeignKeys(source).map((key) => key.definition);
  // Bounded on MySQL: unique and relationship keys. A plain index alone keeps a string LONGTEXT
  // (indexed by prefix below), so adding one never narrows a column.
  const indexed = new Set(indexes.flatMap((index) => (index.unique ? index.columns : [])));
  for (const key of foreignKeys) for (const column of key.columns) indexed.add(column);
  for (const declared of belongsTo(source)) indexed.add(declared.localKey);
  const columns = source.table.columns.map((spec): ColumnDefinition => {
    const full: ColumnSpec = indexed.has(spec.name) && !spec.indexed ? { ...spec, indexed: true } : spec;
    return {
      name: spec.name,
      type: normalizeType(dialect.name, dialect.columnType(full)),
      nullable: spec.nullable && !spec.primaryKey,
      default: spec.primaryKey ? null : defaultText(dialect, full),
      primaryKey: spec.primaryKey,
      spec: full,
    };
  });
  remember(table, indexes, foreignKeys);
  return {
    name: table,
    columns,
    primaryKey: source.table.columns.filter((c) => c.primaryKey).map((c) => c.name),
    indexes: dialect.name === "mysql" ? indexes.map((index) => withPrefixes(index, columns)) : indexes,
    foreignKeys,
  };
}

/** MySQL's prefix length for a plain index on an unbounded string: 255 characters, as `VARCHAR(255)`. */
export const MYSQL_INDEX_PREFIX = 255;

/** A non-unique MySQL index with its `LONGTEXT` columns indexed by prefix (`(col(255))`). */
function withPrefixes(index: IndexDefinition, columns: readonly ColumnDefinition[]): IndexDefinition {
  if (index.unique) return index;
  const prefixes: Record<string, number> = {};
  for (const name of index.columns) {
    if (columns.find((c) => c.name === name)?.type === "longtext") prefixes[name] = MYSQL_INDEX_PREFIX;
  }
  return Object.keys(prefixes).length === 0 ? index : { ...index, prefixes };
}

/** Records the names of unique indexes and foreign keys, so errors can name their fields. */
function remember(
  table: string,
  indexes: readonly IndexDefinition[],
  foreignKeys: ForeignKeyDefinition[],
): void {
  for (const index of indexes) {
    if (index.unique) constraints.set(index.name, { table, columns: index.columns });
  }
  for (const key of foreignKeys) {
    constraints.set(key.name, { table, columns: key.columns, references: key.references });
  }
  foreignKeysByTable.set(table, foreignKeys);
}

/**
 * The normalised literal text of a column's database default: the schema's literal default as the
 * dialect stores it (booleans as `1`/`0`), or `null` (no default, a `null` default, or a kind whose
 * defaults are left to the application: dates and JSON).
 */
export function defaultText(dialect: Dialect, spec: ColumnSpec): string | null {
  const value = spec.defaultValue;
  if (value === undefined || value === null || spec.kind === "json" || spec.kind === "date") return null;
  const encoded = dialect.encode(spec.kind, value);
  if (typeof encoded === "boolean") return encoded ? "1" : "0";
  return String(encoded);
}

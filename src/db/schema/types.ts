/**
 * Types of the schema lifecycle (types only, no runtime code): a table as a definition (what the
 * models want, or what the catalog reports), the changes `diffSchema` finds between the two, and
 * the diff itself. It may import the dialect and relationship types.
 */
import type { ColumnSpec } from "../dialect/dialect.js";
import type { OnDelete } from "../relation-types.js";

/** The databases registers speaks. */
export type DialectName = "sqlite" | "postgres" | "mysql";

/** What a foreign key does to the referencing rows when the referenced row is deleted. */
export type { OnDelete };

/**
 * A column as the diff compares it. `type` is the dialect's storage type, normalised (lower case,
 * no display width, no CHECK): `"bigint"`, `"text"`, `"varchar(255)"`, ... `default` is the
 * normalised literal text of the column's database default, or `null` for none.
 */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly primaryKey: boolean;
  /** How the model defines it (absent for a column read from the catalog only). */
  readonly spec?: ColumnSpec;
}

/** An index or a unique constraint. */
export interface IndexDefinition {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /**
   * Created as part of the table (a `UNIQUE` constraint): dropping it on SQLite needs a table
   * rebuild, on PostgreSQL `DROP CONSTRAINT`.
   */
  readonly constraint?: boolean;
  /**
   * MariaDB/MySQL: columns indexed by their first N characters (a plain index on a `LONGTEXT`
   * string; `information_schema.STATISTICS.SUB_PART`). Absent: every column whole.
   */
  readonly prefixes?: { readonly [column: string]: number };
}

/** A foreign key constraint. `onDelete` is `"noAction"` for a constraint created without a rule. */
export interface ForeignKeyDefinition {
  readonly name: string;
  readonly columns: readonly string[];
  readonly references: { readonly table: string; readonly columns: readonly string[] };
  readonly onDelete: OnDelete | "noAction";
}

/** A table: its columns in order, its primary key, indexes and foreign keys. */
export interface TableDefinition {
  readonly name: string;
  readonly columns: readonly ColumnDefinition[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexDefinition[];
  readonly foreignKeys: readonly ForeignKeyDefinition[];
}

interface ChangeBase {
  readonly table: string;
  /** The change can lose data (rows, values, or rows that no longer fit). */
  readonly destructive: boolean;
  /** One human-readable line. */
  readonly summary: string;
}

/** A table the models define and the database lacks. */
export interface CreateTableChange extends ChangeBase {
  readonly kind: "createTable";
  readonly definition: TableDefinition;
}

/** A table the database holds and no model defines (never `registers_migrations`). */
export interface DropTableChange extends ChangeBase {
  readonly kind: "dropTable";
  /** The table as the catalog reports it. */
  readonly definition: TableDefinition;
}

export interface AddColumnChange extends ChangeBase {
  readonly kind: "addColumn";
  readonly column: ColumnDefinition;
  /** The table as the models define it (SQLite rebuilds a table from it). */
  readonly definition: TableDefinition;
}

export interface DropColumnChange extends ChangeBase {
  readonly kind: "dropColumn";
  readonly column: ColumnDefinition;
  readonly definition: TableDefinition;
}

/** A column whose type, nullability or default differs; `changes` lists which. */
export interface AlterColumnChange extends ChangeBase {
  readonly kind: "alterColumn";
  readonly column: string;
  readonly changes: readonly ("type" | "nullability" | "default")[];
  readonly from: ColumnDefinition;
  readonly to: ColumnDefinition;
  readonly definition: TableDefinition;
}

/** Only ever produced from an explicit rename hint (`options.renames`). */
export interface RenameColumnChange extends ChangeBase {
  readonly kind: "renameColumn";
  readonly from: string;
  readonly to: string;
}

export interface AddIndexChange extends ChangeBase {
  readonly kind: "addIndex";
  readonly index: IndexDefinition;
  readonly unique: boolean;
  readonly definition: TableDefinition;
}

export interface DropIndexChange extends ChangeBase {
  readonly kind: "dropIndex";
  readonly index: IndexDefinition;
  readonly unique: boolean;
  readonly definition: TableDefinition;
}

export interface AddForeignKeyChange extends ChangeBase {
  readonly kind: "addForeignKey";
  readonly foreignKey: ForeignKeyDefinition;
  readonly definition: TableDefinition;
}

export interface DropForeignKeyChange extends ChangeBase {
  readonly kind: "dropForeignKey";
  readonly foreignKey: ForeignKeyDefinition;
  readonly definition: TableDefinition;
}

/** One difference between the models and the database (discriminated on `kind`). */
export type SchemaChange =
  | CreateTableChange
  | DropTableChange
  | AddColumnChange
  | DropColumnChange
  | AlterColumnChange
  | RenameColumnChange
  | AddIndexChange
  | DropIndexChange
  | AddForeignKeyChange
  | DropForeignKeyChange;

/**
 * A column dropped and another added in the same table with a compatible type: maybe a rename.
 * Never applied unless given back as a hint (`diffSchema(models, url, { renames: [...] })`).
 */
export interface PossibleRename {
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

/** What `diffSchema` returns. `clean`: no change at all. */
export interface SchemaDiff {
  readonly dialect: DialectName;
  readonly changes: readonly SchemaChange[];
  readonly possibleRenames: readonly PossibleRename[];
  readonly clean: boolean;
}

/** Options of `diffSchema`. */
export interface DiffOptions {
  /** Confirmed renames: each becomes a `renameColumn` instead of a drop and an add. */
  readonly renames?: readonly PossibleRename[];
}

/**
 * `diffSchema(models, url)`: the models' tables against the live database at `url`, read from its
 * catalog (never through a user's transaction), and the introspection entry per dialect. It may
 * import the engine, errors and the schema modules.
 */
import type { AnyModelClass } from "../database-registry.js";
import type { Dialect, Session } from "../dialect/dialect.js";
import { engineFor } from "../engine.js";
import { ConfigurationError } from "../errors.js";
import { diffTables } from "./diff.js";
import { introspectMysql } from "./introspect-mysql.js";
import { introspectPostgres } from "./introspect-postgres.js";
import { introspectSqlite } from "./introspect-sqlite.js";
import { type DefinitionSource, modelDefinition, sourceOf } from "./model-definition.js";
import type { DialectName, DiffOptions, SchemaDiff, TableDefinition } from "./types.js";

/** The migration ledger's table: never part of a diff. */
export const MIGRATIONS_TABLE = "registers_migrations";

const INTROSPECT: Record<DialectName, (session: Session) => Promise<TableDefinition[]>> = {
  sqlite: introspectSqlite,
  postgres: introspectPostgres,
  mysql: introspectMysql,
};

/**
 * Every table of the database behind `session` (but the migration ledger), as definitions.
 *
 * @example
 * ```ts
 * const tables = await introspect(dialect, driver);
 * ```
 */
export async function introspect(dialect: Dialect, session: Session): Promise<TableDefinition[]> {
  const tables = await INTROSPECT[dialect.name](session);
  return tables.filter((table) => table.name !== MIGRATIONS_TABLE);
}

/** The registered state of each model (`ConfigurationError` for a class that is not registered). */
export function sourcesOf(models: readonly unknown[]): DefinitionSource[] {
  const out: DefinitionSource[] = [];
  const tables = new Map<string, string>();
  for (const model of models) {
    const source = sourceOf(model);
    if (source === undefined) {
      const name = (model as { name?: unknown } | null)?.name;
      throw new ConfigurationError(
        `${typeof name === "string" ? name : String(model)} is not a registered model: decorate it with @databaseRegistry(...) before diffing`,
      );
    }
    if (out.includes(source)) continue;
    const other = tables.get(source.tableName);
    if (other !== undefined) {
      throw new ConfigurationError(
        `${other} and ${source.model.name} both use the table "${source.tableName}"`,
      );
    }
    tables.set(source.tableName, source.model.name);
    out.push(source);
  }
  return out;
}

/**
 * Compares the models with the database at `url` (a URL as `databaseRegistry` takes it): every
 * table, column (type, nullability, default), index, unique constraint and foreign key. Tables no
 * model defines are reported as drops (but `registers_migrations`). A column dropped while another
 * of a compatible type is added is listed in `possibleRenames` and becomes a `renameColumn` only when
 * passed back in `options.renames`.
 *
 * @example
 * ```ts
 * const diff = await diffSchema([User, Order], "app.db");
 * if (!diff.clean) for (const change of diff.changes) console.log(change.summary);
 * ```
 */
export async function diffSchema(
  models: readonly AnyModelClass[],
  url: string,
  options: DiffOptions = {},
): Promise<SchemaDiff> {
  const sources = sourcesOf(models);
  const engine = engineFor(url);
  const dialect = await engine.resolveDialect();
  const driver = await engine.open();
  const desired = sources.map((source) => modelDefinition(source, dialect));
  const actual = await introspect(dialect, driver);
  const { changes, possibleRenames } = diffTables(desired, actual, dialect.name, options.renames ?? []);
  return { dialect: dialect.name, changes, possibleRenames, clean: changes.length === 0 };
}

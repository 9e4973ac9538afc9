/**
 * Creating a model's table the way `autoCreate` and `createSchema()` do: with its indexes and
 * foreign keys, after the tables its foreign keys reference (created first when their models use
 * `autoCreate`). A cycle of foreign keys on a server database creates the first table without the
 * key that closes the cycle and adds it once the referenced table exists; SQLite checks references
 * only when rows are written, so it declares every key with its table. It may import the dialect
 * types and SQL helpers, and the model definitions.
 */
import { foreignKeySql } from "../dialect/ddl-sql.js";
import type { Dialect, ForeignKeySpec, Session, TableSpec } from "../dialect/dialect.js";
import { type DefinitionSource, declaredForeignKeys, modelDefinition } from "./model-definition.js";
import type { TableDefinition } from "./types.js";

/**
 * The `createTable` input of a definition: its columns, `uniqueFields` constraints, the other
 * indexes, the given foreign keys and literal defaults.
 */
export function tableSpecOf(
  definition: TableDefinition,
  keyField: string,
  foreignKeys: readonly ForeignKeySpec[] = definition.foreignKeys,
): TableSpec {
  const columns = definition.columns.flatMap((c) => (c.spec === undefined ? [] : [c.spec]));
  return {
    name: definition.name,
    columns,
    keyField,
    uniqueFields: definition.indexes.filter((i) => i.constraint === true).map((i) => i.columns[0] as string),
    indexes: definition.indexes.filter((i) => i.constraint !== true),
    foreignKeys,
    columnDefaults: true,
  };
}

/**
 * Creates `source`'s table (if missing) on `session`, after the tables it references.
 *
 * @example
 * ```ts
 * await createModelTable(orderState, dialect, driver); // creates "users" first, then "orders"
 * ```
 */
export async function createModelTable(
  source: DefinitionSource,
  dialect: Dialect,
  session: Session,
): Promise<void> {
  const run = async () => {
    const later: string[] = [];
    await create(source, dialect, session, new Set(), later);
    for (const sql of later) await session.exec(sql);
  };
  // SQLite's one connection already runs statements one at a time (and a transaction may hold it).
  if (dialect.name === "sqlite") return await run();
  // PostgreSQL: two concurrent CREATE TABLE IF NOT EXISTS of one table can still collide, and a
  // referenced table is created from every model that references it: one creation at a time.
  const previous = queues.get(source.engine) ?? Promise.resolve();
  const current = previous.then(run, run);
  queues.set(
    source.engine,
    current.catch(() => undefined),
  );
  await current;
}

const queues = new WeakMap<object, Promise<void>>();

async function create(
  source: DefinitionSource,
  dialect: Dialect,
  session: Session,
  chain: Set<DefinitionSource>,
  later: string[],
): Promise<void> {
  if (chain.has(source)) return;
  chain.add(source);
  const definition = modelDefinition(source, dialect);
  const inline: ForeignKeySpec[] = [];
  const deferred: ForeignKeySpec[] = [];
  for (const { definition: key, target } of declaredForeignKeys(source)) {
    if (target !== source) {
      if (chain.has(target)) {
        // A cycle: the referenced table is being created further up this call.
        if (dialect.name !== "sqlite" && !(await dialect.tableExists(session, target.tableName))) {
          deferred.push(key);
          continue;
        }
      } else if (target.config.autoCreate) {
        await create(target, dialect, session, chain, later);
      }
    }
    inline.push(key);
  }
  const existed = deferred.length > 0 && (await dialect.tableExists(session, source.tableName));
  for (const sql of dialect.createTable(tableSpecOf(definition, source.keyField, inline))) {
    await session.exec(sql);
  }
  if (!existed) {
    for (const key of deferred)
      later.push(
        `ALTER TABLE ${dialect.quote(source.tableName)} ADD ${foreignKeySql((n) => dialect.quote(n), key)}`,
      );
  }
}

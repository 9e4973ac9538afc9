/**
 * `SchemaDriftError` and `assertSchemaCurrent(models, url?)`: refuse to start on a database that
 * differs from the models, naming every difference. It may import errors and the schema modules.
 */
import type { AnyModelClass } from "../database-registry.js";
import { SchemaError } from "../errors.js";
import { diffSchema, sourcesOf } from "./diff-schema.js";
import { sourceOf } from "./model-definition.js";
import type { PossibleRename, SchemaChange } from "./types.js";

/**
 * The database differs from the models. `changes` lists every difference (what a migration would
 * do), `possibleRenames` the dropped/added column pairs that may be renames.
 *
 * @example
 * ```ts
 * try {
 *   await assertSchemaCurrent([User]);
 * } catch (error) {
 *   if (error instanceof SchemaDriftError) for (const change of error.changes) console.log(change.summary);
 * }
 * ```
 */
export class SchemaDriftError extends SchemaError {
  override readonly code: string = "REGISTERS_SCHEMA_DRIFT";
  constructor(
    message: string,
    readonly changes: readonly SchemaChange[],
    readonly possibleRenames: readonly PossibleRename[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Throws `SchemaDriftError` unless the database matches the models (tables, columns, indexes,
 * unique constraints and foreign keys; see `diffSchema`). `url` defaults to each model's own
 * database; models on several databases are checked on each.
 *
 * @example
 * ```ts
 * await assertSchemaCurrent([User, Order]); // at start-up, with autoCreate off and migrations applied
 * ```
 */
export async function assertSchemaCurrent(models: readonly AnyModelClass[], url?: string): Promise<void> {
  const groups = new Map<string, AnyModelClass[]>();
  const sources = sourcesOf(models); // validates every model first
  for (const model of models) {
    const key = url ?? ((sourceOf(model)?.engine as { url?: string } | undefined)?.url as string);
    groups.set(key, [...(groups.get(key) ?? []), model]);
  }
  const changes: SchemaChange[] = [];
  const renames: PossibleRename[] = [];
  const tables = new Set(sources.map((s) => s.tableName));
  for (const [target, group] of groups) {
    const diff = await diffSchema(group, target);
    // With several databases, a table of another group is not a stray table here.
    for (const change of diff.changes) {
      if (change.kind === "dropTable" && groups.size > 1 && tables.has(change.table)) continue;
      changes.push(change);
    }
    renames.push(...diff.possibleRenames);
  }
  if (changes.length === 0) return;
  const lines = changes.map((c) => `  - ${c.summary}${c.destructive ? " [destructive]" : ""}`);
  const hint = renames.map((r) => `  ? "${r.table}"."${r.from}" -> "${r.to}" may be a rename`);
  throw new SchemaDriftError(
    `the database differs from the models in ${changes.length} way(s):\n${[...lines, ...hint].join("\n")}\n` +
      "generate and apply a migration (registers db generate, registers db migrate), or turn autoCreate on for a scratch database",
    changes,
    renames,
  );
}

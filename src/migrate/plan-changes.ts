/**
 * `planChanges()`: the diff between the models and the database after the decisions no tool should
 * take alone: every possible rename confirmed or declined (asked through `confirmRename`, else given
 * as options), and destructive changes allowed explicitly. Shared by `generateMigration()` (which
 * writes the changes) and `pushSchema()` (which applies them). It may import registers/db's schema
 * API and the migration errors.
 */
import type { AnyModelClass } from "../db/database-registry.js";
import { diffSchema } from "../db/schema/diff-schema.js";
import type { PossibleRename, SchemaDiff } from "../db/schema/types.js";
import { MigrationDecisionError } from "./errors.js";

/**
 * The schema to reach and the decisions taken on the way.
 *
 * @example
 * ```ts
 * const options: PlanOptions = { models: [User], url: "app.db", allowDestructive: true, notRenamed: [{ table: "users", from: "nick", to: "handle" }] };
 * ```
 */
export interface PlanOptions {
  /** The registered model classes: the schema the database should have. */
  readonly models: readonly AnyModelClass[];
  readonly url: string;
  /** Allow destructive changes (drops, narrowing types, NOT NULL without default). */
  readonly allowDestructive?: boolean;
  /** Confirmed renames (`{ table: "users", from: "name", to: "fullName" }`). */
  readonly renames?: readonly PossibleRename[];
  /** Possible renames that are not renames: the old column is dropped and the new one added. */
  readonly notRenamed?: readonly PossibleRename[];
  /** Asked for each possible rename neither confirmed nor declined (the command asks on a terminal). */
  readonly confirmRename?: (rename: PossibleRename) => Promise<boolean>;
}

/**
 * The diff to apply, once every possible rename is decided and destructive changes are allowed.
 * Throws `MigrationDecisionError` (`kind` `"rename"` or `"destructive"`) naming the option to pass.
 * `done` completes the refusal message: "destructive change not <done>".
 *
 * @example
 * ```ts
 * const diff = await planChanges({ models: [User], url: "app.db", allowDestructive: true }, "applied");
 * ```
 */
export async function planChanges(options: PlanOptions, done: string): Promise<SchemaDiff> {
  const diff = await decideRenames(options);
  const destructive = diff.changes.filter((c) => c.destructive);
  if (destructive.length > 0 && options.allowDestructive !== true) {
    throw new MigrationDecisionError(
      `destructive change${destructive.length > 1 ? "s" : ""} not ${done.split(" ")[0]}: ${destructive.map((c) => c.summary).join("; ")}; ` +
        `pass --allow-destructive to have them ${done}, or change the models`,
      "destructive",
      destructive.map((c) => c.summary),
    );
  }
  return diff;
}

const key = (r: PossibleRename) => `${r.table}.${r.from}=${r.to}`;

/** Diffs until every possible rename is confirmed or declined. */
async function decideRenames(options: PlanOptions): Promise<SchemaDiff> {
  const renames = [...(options.renames ?? [])];
  const decided = new Set([...renames, ...(options.notRenamed ?? [])].map(key));
  for (;;) {
    const diff = await diffSchema(options.models, options.url, { renames });
    const unknown = renames.filter(
      (r) =>
        !diff.changes.some(
          (c) => c.kind === "renameColumn" && c.table === r.table && c.from === r.from && c.to === r.to,
        ),
    );
    if (unknown.length > 0) {
      throw new MigrationDecisionError(
        `no such rename: ${unknown.map(key).join(", ")} (a rename names a column the database has and the models lost, ` +
          "and one the models added: table.old=new)",
        "rename",
        unknown.map(key),
      );
    }
    const open = diff.possibleRenames.filter((r) => !decided.has(key(r)));
    if (open.length === 0) return diff;
    if (options.confirmRename === undefined) {
      const [first] = open;
      const several = open.length > 1;
      throw new MigrationDecisionError(
        `possible rename${several ? "s" : ""}: ${open.map((r) => `${r.table}.${r.from} -> ${r.to}`).join(", ")}; ` +
          `${several ? "for each, " : ""}pass --rename ${key(first)} if it is a rename, or --not-renamed ${key(first)} ` +
          `to drop the old column and add the new one${several ? " (comma-separated for several)" : ""}`,
        "rename",
        open.map(key),
      );
    }
    let confirmed = false;
    for (const rename of open) {
      decided.add(key(rename));
      if (await options.confirmRename(rename)) {
        renames.push(rename);
        confirmed = true;
      }
    }
    if (!confirmed) return diff;
  }
}

// Type-level tests of the schema lifecycle in registers/db (checked by `tsc -p tsconfig.json`, never run).
import { z } from "zod";
import {
  assertSchemaCurrent,
  BelongsTo,
  type DialectName,
  databaseRegistry,
  diffSchema,
  ForeignKeyError,
  Model,
  migrationSql,
  type PossibleRename,
  type SchemaChange,
  type SchemaDiff,
  SchemaDriftError,
} from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", {
  tableName: "type_schema_users",
  indexes: [["name"], { fields: ["email"], unique: true }],
})
class User extends Model({ id: z.int().nullable().default(null), name: z.string(), email: z.string() }) {}

@databaseRegistry(":memory:", { tableName: "type_schema_orders" })
class Order extends Model({ id: z.int().nullable().default(null), user_id: z.int().nullable() }) {
  @BelongsTo(() => User, { localKey: "user_id", onDelete: "setNull" }) accessor user!: Promise<User | null>;
}

// @ts-expect-error onDelete is one of "cascade" | "restrict" | "setNull"
BelongsTo(() => User, { localKey: "user_id", onDelete: "nothing" });
// @ts-expect-error an index entry names fields
databaseRegistry(":memory:", { indexes: [{ unique: true }] });

export async function typeTests(): Promise<void> {
  const diff = await diffSchema([User, Order], ":memory:", { renames: [{ table: "t", from: "a", to: "b" }] });
  expectType<Equal<typeof diff, SchemaDiff>>(true);
  expectType<Equal<typeof diff.dialect, DialectName>>(true);
  expectType<Equal<typeof diff.possibleRenames, readonly PossibleRename[]>>(true);
  for (const change of diff.changes) {
    expectType<Equal<typeof change.destructive, boolean>>(true);
    expectType<Equal<typeof change.summary, string>>(true);
    // The union narrows on kind.
    if (change.kind === "renameColumn") expectType<Equal<typeof change.from, string>>(true);
    if (change.kind === "addIndex") expectType<Equal<typeof change.unique, boolean>>(true);
    if (change.kind === "alterColumn") {
      expectType<Equal<typeof change.changes, readonly ("type" | "nullability" | "default")[]>>(true);
    }
  }
  const statements = migrationSql(diff, "postgres");
  expectType<Equal<typeof statements, string[]>>(true);
  migrationSql([] as SchemaChange[], "sqlite");
  // @ts-expect-error an unknown dialect
  migrationSql(diff, "oracle");
  await assertSchemaCurrent([User]);
  const drift = new SchemaDriftError("drift", diff.changes);
  expectType<Equal<typeof drift.changes, readonly SchemaChange[]>>(true);
  const fk = new ForeignKeyError("fk", "orders", { fields: ["user_id"], referencedTable: "users" });
  expectType<Equal<typeof fk.fields, readonly string[]>>(true);
  expectType<Equal<typeof fk.referencedTable, string | undefined>>(true);
}

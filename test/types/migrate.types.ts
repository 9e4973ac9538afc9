// Type-level tests of registers/migrate (checked by `tsc -p tsconfig.json`, never run).
import { z } from "zod";
import { databaseRegistry, Model, type SchemaChange } from "../../src/db/index.js";
import {
  type AppliedMigration,
  checkMigrations,
  defineConfig,
  generateMigration,
  type MigrationEvent,
  MigrationFailedError,
  type MigrationState,
  markApplied,
  migrate,
  migrationStatus,
  pushSchema,
  type RegistersConfig,
} from "../../src/migrate/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", { tableName: "type_migrate_users" })
class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}

export async function typeTests(): Promise<void> {
  // defineConfig returns its argument, typed; models is a path, a glob or a list of them.
  const config = defineConfig({ models: ["./src/models.ts"], url: "app.db" });
  expectType<Equal<typeof config, RegistersConfig>>(true);
  defineConfig({ models: "./src/**/*.ts", migrations: "./db/migrations" });
  // @ts-expect-error models is required
  defineConfig({ url: "app.db" });
  // @ts-expect-error models are paths, not classes
  defineConfig({ models: [User] });

  const events: MigrationEvent["kind"][] = [];
  const result = await migrate({
    url: "app.db",
    migrations: "./migrations",
    onEvent: (e) => events.push(e.kind),
  });
  expectType<Equal<typeof result.applied, readonly AppliedMigration[]>>(true);
  expectType<
    Equal<(typeof events)[number], "lock-wait" | "start" | "statement" | "applied" | "failed" | "skipped">
  >(true);

  const states = await migrationStatus({ url: "app.db", migrations: "./migrations" });
  expectType<Equal<typeof states, MigrationState[]>>(true);
  expectType<Equal<MigrationState["state"], "applied" | "pending" | "changed" | "missing">>(true);

  const generated = await generateMigration({
    models: [User],
    url: "app.db",
    migrations: "./migrations",
    name: "init",
    renames: [{ table: "users", from: "name", to: "fullName" }],
    confirmRename: async (rename) => rename.to !== "",
  });
  expectType<Equal<typeof generated.name, string | null>>(true);
  await checkMigrations({ models: [User], url: "app.db", migrations: "./migrations" });
  const pushed = await pushSchema({ models: [User], url: "dev.db", allowDestructive: true });
  expectType<Equal<(typeof pushed.changes)[number]["kind"], SchemaChange["kind"]>>(true);
  await markApplied({ url: "app.db", migrations: "./migrations", name: "20260101000000_init" });
  // @ts-expect-error the migration's name is required
  await markApplied({ url: "app.db", migrations: "./migrations" });

  try {
    await migrate({ url: "app.db", migrations: "./migrations" });
  } catch (error) {
    if (error instanceof MigrationFailedError) {
      expectType<Equal<typeof error.applied, readonly string[]>>(true);
      expectType<Equal<typeof error.rolledBack, boolean>>(true);
    }
  }
}

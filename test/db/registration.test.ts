import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  ConfigurationError,
  DatabaseRegistry,
  databaseRegistry,
  defaultTableName,
  EngineDisposedError,
  MigrationError,
  Model,
  ModelRegistrationError,
  RegistryError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const id = () => z.int().nullable().default(null);

describe("registration (no database needed)", () => {
  it("the default table name is the snake_case plural of the class name", () => {
    assert.equal(defaultTableName("UserProfile"), "user_profiles");
    assert.equal(defaultTableName("Category"), "categories");
    assert.equal(defaultTableName("Box"), "boxes");
    assert.equal(defaultTableName("HTTPLog"), "http_logs");
    const Gadget = databaseRegistry(":memory:")(class GadgetPart extends Model({ id: id() }) {});
    assert.equal(Gadget.objects.tableName, "gadget_parts");
  });

  it("autoincrement on a non-integer or non-nullable key is a ConfigurationError", () => {
    assert.throws(
      () =>
        databaseRegistry(":memory:", { autoincrement: true, keyField: "code" })(
          class A extends Model({ code: z.string().nullable() }) {},
        ),
      ConfigurationError,
    );
    assert.throws(
      () => databaseRegistry(":memory:", { autoincrement: true })(class B extends Model({ id: z.int() }) {}),
      ConfigurationError,
    );
  });

  it("unknown keyField, unknown or duplicate uniqueFields are ConfigurationErrors naming them", () => {
    assert.throws(
      () => databaseRegistry(":memory:", { keyField: "uid" })(class C extends Model({ id: id() }) {}),
      /"uid"/,
    );
    assert.throws(
      () =>
        databaseRegistry(":memory:", { uniqueFields: ["mail"] })(
          class D extends Model({ id: id(), email: z.string() }) {},
        ),
      (e: unknown) => e instanceof ConfigurationError && /"mail"/.test(e.message),
    );
    assert.throws(
      () =>
        databaseRegistry(":memory:", { uniqueFields: ["email", "email"] })(
          class E extends Model({ id: id(), email: z.string() }) {},
        ),
      (e: unknown) => e instanceof ConfigurationError && /"email"/.test(e.message),
    );
  });

  it("decorating something that is not a Model class is a ModelRegistrationError", () => {
    assert.throws(() => databaseRegistry(":memory:")(class Plain {} as never), ModelRegistrationError);
    assert.throws(() => databaseRegistry(":memory:")({} as never), ModelRegistrationError);
  });

  it("a managerAttr or injected name colliding with a field or member is a ModelRegistrationError", () => {
    assert.throws(
      () =>
        databaseRegistry(":memory:", { managerAttr: "name" })(
          class F extends Model({ id: id(), name: z.string() }) {},
        ),
      ModelRegistrationError,
    );
    assert.throws(
      () => databaseRegistry(":memory:", { managerAttr: "schema" })(class G extends Model({ id: id() }) {}),
      ModelRegistrationError,
    );
    assert.throws(
      () =>
        databaseRegistry(":memory:", { managerAttr: "repo" })(
          class H extends Model({ id: id() }) {
            static repo = 1;
          },
        ),
      ModelRegistrationError,
    );
    assert.throws(
      () =>
        databaseRegistry(":memory:")(
          class I extends Model({ id: id() }) {
            static override truncate() {
              return Promise.resolve();
            }
          },
        ),
      ModelRegistrationError,
    );
    assert.throws(
      () => databaseRegistry(":memory:")(class J extends Model({ id: id(), save: z.string() }) {}),
      ModelRegistrationError,
    );
    assert.throws(
      () =>
        databaseRegistry(":memory:")(
          class K extends Model({ id: id(), label: z.string() }) {
            // @ts-expect-error deliberately shadows the field, which registration must refuse
            get label() {
              return "x";
            }
          },
        ),
      ModelRegistrationError,
    );
  });

  it("a custom managerAttr installs the manager under that name", async () => {
    const L = databaseRegistry(":memory:", { managerAttr: "repo", tableName: "reg_custom_attr" })(
      class L extends Model({ id: id(), name: z.string() }) {},
    );
    const repo = (L as unknown as { repo: typeof L.objects }).repo;
    const row = await repo.create({ name: "x" });
    assert.equal(row.id, 1);
    await row.save();
  });

  it("an unregistered model says how to register it", () => {
    class Loose extends Model({ id: id() }) {}
    assert.throws(
      () => Loose.objects,
      (e: unknown) => e instanceof ModelRegistrationError && /databaseRegistry/.test(e.message),
    );
  });

  it("url defaults to <tableName>.db relative to the working directory", () => {
    const M = databaseRegistry(undefined, { tableName: "reg_default_url", autoCreate: false })(
      class M extends Model({ id: id() }) {},
    );
    assert.equal(M.objects.engine.key, `sqlite:${process.cwd()}/reg_default_url.db`);
  });
});

eachDatabase("registration", (target) => {
  const Thing = databaseRegistry(target.url, { tableName: "reg_things" })(
    class Thing extends Model({ id: id(), name: z.string() }) {},
  );

  freshTables(Thing);

  it("class forwarders: createSchema (idempotent), schemaExists, truncate, dropSchema", async () => {
    await Thing.createSchema();
    assert.equal(await Thing.schemaExists(), true);
    await Thing.objects.create({ name: "a" });
    await Thing.truncate();
    assert.equal(await Thing.objects.count(), 0);
    await Thing.dropSchema();
    assert.equal(await Thing.schemaExists(), false);
    assert.equal(await Thing.objects.schemaExists(), false);
    await Thing.objects.createSchema();
    assert.equal(await Thing.objects.schemaExists(), true);
  });

  it("addColumn, ensureColumn and columnNames evolve the table additively", async () => {
    assert.deepEqual(await Thing.objects.columnNames(), ["id", "name"]);
    await Thing.objects.addColumn("verified_at", z.date().nullable());
    assert.deepEqual(await Thing.objects.columnNames(), ["id", "name", "verified_at"]);
    await assert.rejects(Thing.objects.addColumn("verified_at", z.date().nullable()), MigrationError);
    assert.equal(await Thing.objects.ensureColumn("score", z.int().default(0)), true);
    assert.equal(await Thing.objects.ensureColumn("score", z.int().default(0)), false);
    assert.deepEqual(await Thing.objects.columnNames(), ["id", "name", "verified_at", "score"]);
    await Thing.objects.create({ name: "still works" });
    assert.equal(await Thing.objects.count(), 1);
  });

  it("new DatabaseRegistry builds a manager without the decorator; dispose closes its engine", async () => {
    class Plain extends Model({ id: id(), name: z.string() }) {}
    const registry = new DatabaseRegistry<Plain>(Plain, target.url, { tableName: "reg_plain" });
    await registry.dropSchema();
    await registry.createSchema();
    const created = await registry.create({ name: "p" });
    assert.ok(created instanceof Plain);
    created.name = "q";
    await created.save();
    assert.equal((await registry.require(created.id as number)).name, "q");
    await registry.dropSchema();
    await registry.dispose();
    assert.equal(registry.engine.driver, null);
    await assert.rejects(Thing.objects.count(), EngineDisposedError, "no silent reopen after dispose()");
    registry.reopen();
    assert.equal(await Thing.objects.count(), 0, "the engine reopens on next use after reopen()");
  });

  it("every error is a RegistryError with a stable code", async () => {
    const error = await Thing.objects.addColumn("name", z.string()).catch((e: unknown) => e);
    assert.ok(error instanceof MigrationError);
    assert.ok(error instanceof RegistryError);
    assert.equal(error.code, "REGISTERS_MIGRATION");
  });
});

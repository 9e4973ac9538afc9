import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import {
  DuplicateKeyError,
  databaseRegistry,
  ImmutableFieldError,
  InvalidPrimaryKeyAssignmentError,
  InvalidQueryError,
  Model,
  RecordNotFoundError,
  RegistryError,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("CRUD", (target) => {
  const User = databaseRegistry(target.url, { tableName: "crud_users", uniqueFields: ["email"] })(
    class User extends Model({
      id: z.int().nullable().default(null),
      name: z.string(),
      email: z.string().max(255),
      role: z.enum(["admin", "member", "trial"]).default("member"),
      age: z.int().nullable().default(null),
    }) {},
  );
  const Country = databaseRegistry(target.url, { tableName: "crud_countries", keyField: "code" })(
    class Country extends Model({ code: z.string().length(2), name: z.string() }) {},
  );

  freshTables(User, Country);

  const seed = async () => {
    await User.objects.create({ name: "Ann", email: "ann@example.com", role: "admin", age: 40 });
    await User.objects.create({ name: "Bob", email: "bob@example.com", role: "member", age: 30 });
    await User.objects.create({ name: "Cid", email: "cid@example.com", role: "trial" });
    await User.objects.create({ name: "Dee", email: "dee@example.com", role: "trial", age: 30 });
  };

  it("create returns an instance with the generated key, get reads it back", async () => {
    const alice = await User.objects.create({ name: "Alice", email: "alice@example.com" });
    assert.ok(alice instanceof User);
    assert.equal(alice.id, 1);
    assert.deepEqual(alice.toJSON(), {
      id: 1,
      name: "Alice",
      email: "alice@example.com",
      role: "member",
      age: null,
    });
    assert.deepEqual(Object.keys(alice), ["id", "name", "email", "role", "age"]);
    const again = await User.objects.get(1);
    assert.ok(again instanceof User);
    assert.deepEqual(again?.toJSON(), alice.toJSON());
    assert.equal(await User.objects.get(99), null);
    const bob = await User.objects.strictCreate({ name: "Bob", email: "bob@example.com" });
    assert.equal(bob.id, 2);
  });

  it("save updates a loaded instance, delete removes it, refresh reloads it", async () => {
    const alice = await User.objects.create({ name: "Alice", email: "alice@example.com" });
    alice.name = "Alicia";
    assert.equal(await alice.save(), alice);
    assert.equal((await User.objects.require(alice.id as number)).name, "Alicia");
    await User.objects.updateWhere({ id: alice.id }, { name: "Changed" });
    assert.equal(alice.name, "Alicia");
    assert.equal(await alice.refresh(), alice);
    assert.equal(alice.name, "Changed");
    const copy = await User.objects.refresh(alice);
    assert.notEqual(copy, alice);
    assert.equal(copy.name, "Changed");
    assert.equal(await alice.delete(), true);
    assert.equal(await alice.delete(), false);
    assert.equal(await User.objects.get(alice.id as number), null);
    await assert.rejects(alice.refresh(), RecordNotFoundError);
  });

  it("save on a new instance inserts it and reflects the generated key", async () => {
    const draft = new User({ name: "Draft", email: "draft@example.com" });
    assert.equal(draft.id, null);
    await draft.save();
    assert.equal(draft.id, 1);
    draft.role = "admin";
    await draft.save();
    assert.equal(await User.objects.count(), 1);
    assert.equal((await User.objects.require(1)).role, "admin");
  });

  it("a changed persisted key cannot be saved", async () => {
    const alice = await User.objects.create({ name: "Alice", email: "alice@example.com" });
    alice.id = 99;
    await assert.rejects(alice.save(), ImmutableFieldError);
    assert.equal(await User.objects.get(99), null);
    await assert.rejects(User.objects.updateWhere({ id: 1 }, { id: 5 } as never), ImmutableFieldError);
  });

  it("a database-managed key cannot be assigned on create, and deleted ids are not reused", async () => {
    await assert.rejects(
      User.objects.create({ id: 5, name: "X", email: "x@example.com" }),
      InvalidPrimaryKeyAssignmentError,
    );
    const a = await User.objects.create({ name: "A", email: "a@example.com" });
    const b = await User.objects.create({ name: "B", email: "b@example.com" });
    await User.objects.delete(b.id as number);
    const c = await User.objects.create({ name: "C", email: "c@example.com" });
    assert.deepEqual([a.id, b.id, c.id], [1, 2, 3]);
    await User.truncate();
    const d = await User.objects.create({ name: "D", email: "d@example.com" });
    assert.equal(d.id, 4);
  });

  it("a manual key must be supplied, and a duplicate is a DuplicateKeyError", async () => {
    const fr = await Country.objects.create({ code: "FR", name: "France" });
    assert.equal(fr.code, "FR");
    const error = await Country.objects.create({ code: "FR", name: "Again" }).catch((e: unknown) => e);
    assert.ok(error instanceof DuplicateKeyError, String(error));
    assert.equal(error.table, "crud_countries");
    assert.equal(error.key, "FR");
    assert.ok(error.cause !== undefined && !(error.cause instanceof RegistryError));
    await assert.rejects(Country.objects.create({ name: "Nowhere" } as never), ValidationError);
    await assert.rejects(Country.objects.get(12 as never), InvalidQueryError);
  });

  it("a unique field collision is a UniqueConstraintError with table and fields", async () => {
    await User.objects.create({ name: "A", email: "same@example.com" });
    const error = await User.objects
      .create({ name: "B", email: "same@example.com" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof UniqueConstraintError, String(error));
    assert.equal(error.code, "REGISTERS_UNIQUE_CONSTRAINT");
    assert.equal(error.table, "crud_users");
    assert.deepEqual(error.fields, ["email"]);
    assert.ok(error.cause instanceof Error && !(error.cause instanceof RegistryError));
    const b = await User.objects.create({ name: "B", email: "b@example.com" });
    await assert.rejects(
      User.objects.updateWhere({ id: b.id }, { email: "same@example.com" }),
      UniqueConstraintError,
    );
  });

  it("upsert by key inserts then updates atomically", async () => {
    const first = await User.objects.upsert({ id: 7, name: "Seven", email: "seven@example.com" });
    assert.equal(first.id, 7);
    const second = await User.objects.upsert({ id: 7, name: "Sept", email: "seven@example.com" });
    assert.equal(second.id, 7);
    assert.equal(await User.objects.count(), 1);
    assert.equal((await User.objects.require(7)).name, "Sept");
    const loaded = await User.objects.require(7);
    loaded.role = "admin";
    await User.objects.upsert(loaded);
    assert.equal((await User.objects.require(7)).role, "admin");
  });

  it("upsert without a key conflicts on uniqueFields, else creates", async () => {
    const a = await User.objects.upsert({ name: "A", email: "a@example.com" });
    const again = await User.objects.upsert({ name: "A2", email: "a@example.com", role: "admin" });
    assert.equal(again.id, a.id);
    assert.equal(await User.objects.count(), 1);
    const row = await User.objects.require({ email: "a@example.com" });
    assert.equal(row.name, "A2");
    assert.equal(row.role, "admin");
    const Note = databaseRegistry(target.url, { tableName: "crud_notes" })(
      class Note extends Model({ id: z.int().nullable().default(null), text: z.string() }) {},
    );
    await Note.dropSchema();
    await Note.createSchema();
    await Note.objects.upsert({ text: "x" });
    await Note.objects.upsert({ text: "x" });
    assert.equal(await Note.objects.count(), 2);
    await Note.dropSchema();
  });

  it("upsert on a manual key", async () => {
    await Country.objects.upsert({ code: "DE", name: "Germany" });
    await Country.objects.upsert({ code: "DE", name: "Deutschland" });
    assert.deepEqual(
      (await Country.objects.all()).map((c) => c.toJSON()),
      [{ code: "DE", name: "Deutschland" }],
    );
  });

  it("filter, all, first, last, exists and count", async () => {
    await seed();
    assert.deepEqual(
      (await User.objects.filter({ role: "trial" })).map((u) => u.name),
      ["Cid", "Dee"],
    );
    assert.deepEqual(
      (await User.objects.filter({ role: ["admin", "member"] })).map((u) => u.name),
      ["Ann", "Bob"],
    );
    assert.deepEqual(
      (await User.objects.filter({ age: null })).map((u) => u.name),
      ["Cid"],
    );
    assert.deepEqual(
      (await User.objects.filter({ role: "trial", age: 30 })).map((u) => u.name),
      ["Dee"],
    );
    assert.deepEqual(await User.objects.filter({ role: [] }), []);
    assert.equal((await User.objects.filter()).length, 4);
    assert.deepEqual(
      (await User.objects.all({ orderBy: "-name" })).map((u) => u.name),
      ["Dee", "Cid", "Bob", "Ann"],
    );
    assert.deepEqual(
      (
        await User.objects.all({
          orderBy: [
            ["age", "desc"],
            ["name", "desc"],
          ],
          limit: 2,
        })
      ).map((u) => u.name),
      ["Ann", "Dee"],
    );
    assert.deepEqual(
      (await User.objects.all({ orderBy: "name", limit: 2, offset: 1 })).map((u) => u.name),
      ["Bob", "Cid"],
    );
    assert.deepEqual(
      (await User.objects.all({ orderBy: "name", offset: 3 })).map((u) => u.name),
      ["Dee"],
    );
    assert.equal((await User.objects.first())?.name, "Ann");
    assert.equal((await User.objects.last())?.name, "Dee");
    assert.equal((await User.objects.first({ role: "trial" }))?.name, "Cid");
    assert.equal((await User.objects.last({ role: "trial" }))?.name, "Dee");
    assert.equal(await User.objects.first({ role: "admin", age: 1 }), null);
    assert.equal(await User.objects.exists({ email: "bob@example.com" }), true);
    assert.equal(await User.objects.exists({ email: "nobody@example.com" }), false);
    assert.equal(await User.objects.exists(), true);
    assert.equal(await User.objects.count(), 4);
    assert.equal(await User.objects.count({ role: "trial" }), 2);
    assert.equal(await User.objects.count({ age: [30, 40] }), 3);
  });

  it("get and require by criteria", async () => {
    await seed();
    assert.equal((await User.objects.get({ email: "bob@example.com" }))?.name, "Bob");
    assert.equal((await User.objects.get({ role: "trial" }))?.name, "Cid");
    assert.equal(await User.objects.get({ email: "x@example.com" }), null);
    assert.equal((await User.objects.require({ name: "Dee" })).email, "dee@example.com");
    const error = await User.objects.require({ name: "Zed" }).catch((e: unknown) => e);
    assert.ok(error instanceof RecordNotFoundError);
    assert.match(error.message, /Zed/);
    await assert.rejects(User.objects.require(42), RecordNotFoundError);
    await assert.rejects(
      (User.objects.get as (...a: unknown[]) => Promise<unknown>)(1, { name: "Ann" }),
      InvalidQueryError,
    );
    await assert.rejects((User.objects.get as (...a: unknown[]) => Promise<unknown>)(), InvalidQueryError);
  });

  it("updateWhere updates matching rows and returns them refreshed, also when the filtered field changes", async () => {
    await seed();
    const updated = await User.objects.updateWhere({ role: "trial" }, { role: "member" });
    assert.deepEqual(
      updated.map((u) => [u.name, u.role]),
      [
        ["Cid", "member"],
        ["Dee", "member"],
      ],
    );
    assert.ok(updated.every((u) => u instanceof User));
    assert.equal(await User.objects.count({ role: "trial" }), 0);
    assert.equal(await User.objects.count({ role: "member" }), 3);
    assert.deepEqual(await User.objects.updateWhere({ role: "trial" }, { role: "admin" }), []);
    await assert.rejects(User.objects.updateWhere({}, { role: "admin" }), InvalidQueryError);
    await assert.rejects(User.objects.updateWhere({ role: "member" }, {}), InvalidQueryError);
    await assert.rejects(
      User.objects.updateWhere({ role: "member" }, { role: "boss" as never }),
      ValidationError,
    );
    await assert.rejects(User.objects.updateWhere({ role: "member" }, { nope: 1 } as never), ValidationError);
    assert.equal(await User.objects.count({ role: "admin" }), 1);
  });

  it("delete and deleteWhere", async () => {
    await seed();
    assert.equal(await User.objects.delete(1), true);
    assert.equal(await User.objects.delete(1), false);
    assert.equal(await User.objects.deleteWhere({ role: "trial" }), 2);
    assert.equal(await User.objects.deleteWhere({ role: "trial" }), 0);
    await assert.rejects(User.objects.deleteWhere({}), InvalidQueryError);
    await assert.rejects(User.objects.deleteWhere(undefined as never), InvalidQueryError);
    assert.equal(await User.objects.count(), 1);
  });

  it("criteria are validated before any SQL runs", async () => {
    await seed();
    const unknown = await User.objects.filter({ nope: 1 } as never).catch((e: unknown) => e);
    assert.ok(unknown instanceof InvalidQueryError);
    assert.match(unknown.message, /"nope"/);
    await assert.rejects(User.objects.deleteWhere({ email: undefined }), InvalidQueryError);
    assert.equal(await User.objects.count(), 4, "an undefined criteria value must never widen a delete");
    await assert.rejects(User.objects.filter({ age: "thirty" as never }), InvalidQueryError);
    await assert.rejects(User.objects.filter({ role: "boss" as never }), InvalidQueryError);
    await assert.rejects(User.objects.filter({ age: [30, "x"] as never }), InvalidQueryError);
    await assert.rejects(User.objects.filter("role" as never), InvalidQueryError);
    await assert.rejects(User.objects.all({ orderBy: "nope" as never }), InvalidQueryError);
    await assert.rejects(User.objects.all({ limit: -1 }), InvalidQueryError);
    await assert.rejects(User.objects.get(null as never), InvalidQueryError);
    await assert.rejects(User.objects.get("1" as never), InvalidQueryError);
  });

  it("writes are validated with the schema: invalid and unknown fields are a ValidationError", async () => {
    const invalid = await User.objects
      .create({ name: 1, email: "x@example.com" } as never)
      .catch((e: unknown) => e);
    assert.ok(invalid instanceof ValidationError);
    assert.ok(invalid instanceof RegistryError);
    assert.equal(invalid.issues[0].path[0], "name");
    await assert.rejects(
      User.objects.create({ name: "A", email: "a@example.com", extra: 1 } as never),
      ValidationError,
    );
    await assert.rejects(User.objects.create({ email: "a@example.com" } as never), ValidationError);
    await assert.rejects(
      User.objects.upsert({ id: 1, name: "A", email: "a@example.com", role: "boss" } as never),
      ValidationError,
    );
    const alice = await User.objects.create({ name: "A", email: "a@example.com" });
    (alice as { name: unknown }).name = 42;
    await assert.rejects(alice.save(), ValidationError);
    assert.throws(() => new User({ name: "A" } as never), ValidationError);
    assert.equal(await User.objects.count(), 1);
  });
});

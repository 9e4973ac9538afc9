// `hashedFields: ["password"]`: the value is hashed (scrypt, src/db/password.ts) on create, save,
// upsert and updateWhere, never hashed twice, left out of toJSON() unless asked, and instances get
// verifyPassword(candidate). The stored column, read with raw SQL outside registers, never holds the
// plain text.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { z } from "zod";
import type { Session } from "../../src/db/dialect/dialect.js";
import {
  ConfigurationError,
  DatabaseRegistry,
  databaseRegistry,
  InvalidQueryError,
  Model,
  ValidationError,
} from "../../src/db/index.js";
import { hashPassword, isPasswordHash, verifyPassword } from "../../src/db/password.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { type AdminConnection, openAdmin } from "./fixtures/admin.js";

const TABLE = "rel_hashed_users";

eachDatabase("hashedFields", (target) => {
  const User = databaseRegistry(target.url, {
    tableName: TABLE,
    uniqueFields: ["email"],
    hashedFields: ["password"],
  })(
    class User extends Model({
      id: z.int().nullable().default(null),
      email: z.string().max(255),
      password: z.string().min(8),
      name: z.string().default(""),
    }) {},
  );
  let admin: AdminConnection | undefined;

  /** The stored column, read with raw SQL (not through the model). */
  const rawPasswords = async (): Promise<string[]> => {
    const sql = `SELECT password FROM ${TABLE} ORDER BY id`;
    if (admin !== undefined) return (await admin.query(sql)).map((r) => String(r.password));
    if (target.name === "sqlite-memory") {
      const session = User.objects.engine.driver as unknown as Session;
      return (await session.prepare(sql).all([])).map((r) => String(r.password));
    }
    const db = new Database(target.url, { readonly: true });
    try {
      return (db.prepare(sql).all() as Array<{ password: string }>).map((r) => r.password);
    } finally {
      db.close();
    }
  };
  const rawPassword = async (): Promise<string> => {
    const all = await rawPasswords();
    assert.equal(all.length, 1);
    return all[0];
  };

  before(async () => {
    if (target.name === "postgres" || target.name === "mysql")
      admin = await openAdmin(target.name, target.url);
  });
  after(async () => {
    await admin?.close();
  });
  freshTables(User);

  it("create hashes the value; the raw column is a hash that verifies, never the plain text", async () => {
    const user = await User.objects.create({ email: "ann@example.com", password: "correct horse" });
    const stored = await rawPassword();
    assert.notEqual(stored, "correct horse");
    assert.ok(!stored.includes("correct horse"));
    assert.ok(isPasswordHash(stored), stored);
    assert.equal(await verifyPassword("correct horse", stored), true);
    // The instance holds the stored hash, and checks candidates against it.
    assert.equal(user.password, stored);
    assert.equal(await user.verifyPassword("correct horse"), true);
    assert.equal(await user.verifyPassword("correct horsE"), false);
    const loaded = await User.objects.require(user.id as number);
    assert.equal(loaded.password, stored);
    assert.equal(await loaded.verifyPassword("correct horse"), true);
  });

  it("validation runs on the plain text, before hashing", async () => {
    await assert.rejects(User.objects.create({ email: "a@example.com", password: "short" }), ValidationError);
    assert.equal(await User.objects.count(), 0);
  });

  it("save hashes a new value once, and never re-hashes a stored hash", async () => {
    const user = await User.objects.create({ email: "bob@example.com", password: "first password" });
    const first = await rawPassword();
    user.name = "Bob";
    await user.save();
    assert.equal(await rawPassword(), first, "saving an unchanged hash must not hash it again");
    user.password = "second password";
    await user.save();
    const second = await rawPassword();
    assert.ok(isPasswordHash(second) && second !== first);
    assert.equal(user.password, second);
    assert.equal(await verifyPassword("second password", second), true);
    assert.equal(await verifyPassword("first password", second), false);
    const draft = new User({ email: "new@example.com", password: "draft password" });
    await draft.save();
    assert.ok(isPasswordHash(draft.password));
    assert.ok(!(await rawPasswords()).includes("draft password"));
  });

  it("upsert and updateWhere hash plain values and keep hashes as they are", async () => {
    const user = await User.objects.upsert({ email: "cid@example.com", password: "upserted password" });
    const afterUpsert = await rawPassword();
    assert.ok(isPasswordHash(afterUpsert));
    assert.equal(await verifyPassword("upserted password", afterUpsert), true);
    await User.objects.upsert(user);
    assert.equal(await rawPassword(), afterUpsert, "upserting a loaded instance re-hashed its hash");

    const [updated] = await User.objects.updateWhere({ id: user.id }, { password: "updated password" });
    const afterUpdate = await rawPassword();
    assert.ok(isPasswordHash(afterUpdate) && afterUpdate !== afterUpsert);
    assert.equal(updated.password, afterUpdate);
    assert.equal(await updated.verifyPassword("updated password"), true);
    await User.objects.updateWhere({ id: user.id }, { name: "Cid" });
    assert.equal(await rawPassword(), afterUpdate, "an update of another field touched the hash");
    // A ready-made hash given as a value is refused (it would bypass the password rules)...
    await assert.rejects(
      User.objects.updateWhere({ id: user.id }, { password: afterUpdate }),
      (e: unknown) => e instanceof ValidationError && e.issues[0].path[0] === "password",
    );
    assert.equal(await rawPassword(), afterUpdate, "a refused update wrote something");
    // ...but a loaded instance keeps the hash it was loaded with, never hashed twice.
    const loaded = await User.objects.require(user.id as number);
    loaded.name = "Cid again";
    await loaded.save();
    await User.objects.upsert(loaded);
    assert.equal(await rawPassword(), afterUpdate, "an existing hash was hashed twice");
  });

  it("a ready-made hash as a password is a ValidationError before any SQL, unless acceptPasswordHashes", async () => {
    const hash = await hashPassword("a");
    for (const write of [
      () => User.objects.create({ email: "h1@example.com", password: hash }),
      () => User.objects.upsert({ email: "h2@example.com", password: hash }),
      () => User.objects.bulkCreate([{ email: "h3@example.com", password: hash }]),
      () => new User({ email: "h4@example.com", password: hash }).save(),
    ]) {
      const error = await write().catch((e: unknown) => e);
      assert.ok(error instanceof ValidationError, String(error));
      assert.match(error.message, /acceptPasswordHashes/);
    }
    assert.equal(await User.objects.count(), 0);
    const [imported] = await User.objects.bulkCreate([{ email: "imp@example.com", password: hash }], {
      acceptPasswordHashes: true,
    });
    assert.equal(await rawPassword(), hash, "an accepted hash is stored as it is");
    assert.equal(await imported.verifyPassword("a"), true);
  });

  it("acceptPasswordHashes on the registry stores ready-made hashes as they are", async () => {
    // An import model on the same table (a class is registered once).
    class ImportUser extends Model(User.schema.shape) {}
    const Importer = new DatabaseRegistry<ImportUser>(ImportUser, target.url, {
      tableName: TABLE,
      uniqueFields: ["email"],
      hashedFields: ["password"],
      acceptPasswordHashes: true,
    });
    const hash = await hashPassword("imported password");
    await Importer.create({ email: "imp2@example.com", password: hash });
    assert.equal(await rawPassword(), hash);
  });

  it("ordering or paging by a hashed field is an InvalidQueryError (a cursor would carry the hash)", async () => {
    await User.objects.create({ email: "ord@example.com", password: "secret words" });
    await assert.rejects(User.objects.page({ orderBy: "password", limit: 1 }), InvalidQueryError);
    await assert.rejects(User.objects.page({ orderBy: [["password", "desc"]], limit: 1 }), InvalidQueryError);
    await assert.rejects(User.objects.filter({}, { orderBy: "-password" }), InvalidQueryError);
    await assert.rejects(User.objects.first({}, { orderBy: "password" }), InvalidQueryError);
    const error = await User.objects
      .iterate({}, { orderBy: "password" })
      .next()
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvalidQueryError, String(error));
    assert.match(error.message, /hashed/);
  });

  it("toJSON() leaves hashed fields out unless asked", async () => {
    const user = await User.objects.create({ email: "dee@example.com", password: "secret words" });
    assert.deepEqual(Object.keys(user.toJSON()), ["id", "email", "name"]);
    assert.ok(!JSON.stringify(user).includes("scrypt"));
    assert.ok(!JSON.stringify([user]).includes("password"));
    assert.equal(user.toJSON({ includeHidden: true }).password, user.password);
  });

  it("criteria cannot match a hashed field (salted hashes never compare equal)", async () => {
    await User.objects.create({ email: "eve@example.com", password: "secret words" });
    await assert.rejects(User.objects.filter({ password: "secret words" }), InvalidQueryError);
  });
});

describe("hashedFields configuration", () => {
  const url = ":memory:";
  it("must name string fields of the model", () => {
    const shape = { id: z.int().nullable().default(null), password: z.string(), pin: z.int() };
    assert.throws(
      () =>
        databaseRegistry(url, { tableName: "rel_h1", hashedFields: ["nope"] })(
          class A extends Model(shape) {},
        ),
      ConfigurationError,
    );
    assert.throws(
      () =>
        databaseRegistry(url, { tableName: "rel_h2", hashedFields: ["pin"] })(
          class B extends Model(shape) {},
        ),
      ConfigurationError,
    );
    assert.throws(
      () =>
        databaseRegistry(url, { tableName: "rel_h3", hashedFields: ["id"] })(class C extends Model(shape) {}),
      ConfigurationError,
    );
  });

  it("a model without hashedFields keeps every field in toJSON() and has nothing to verify", async () => {
    const Plain = databaseRegistry(url, { tableName: "rel_h4" })(
      class Plain extends Model({ id: z.int().nullable().default(null), password: z.string() }) {},
    );
    const row = await Plain.objects.create({ password: "stored as given" });
    assert.deepEqual(row.toJSON(), { id: row.id, password: "stored as given" });
    await assert.rejects(row.verifyPassword("stored as given"), ConfigurationError);
  });
});

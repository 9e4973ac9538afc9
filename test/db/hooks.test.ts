/**
 * Lifecycle hooks and timestamps on every database: hooks run in the write's transaction (a refusal
 * or a failing after-hook rolls everything back, a savepoint inside an outer transaction), `before*`
 * hooks change the values written, set-based writes run no per-row hooks, and `createdAt` /
 * `updatedAt` are set by registers on every write path.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { z } from "zod";
import {
  ConfigurationError,
  databaseRegistry,
  HookRefusedError,
  InvalidQueryError,
  type ManagerOf,
  Model,
  ValidationError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

eachDatabase("lifecycle hooks", (target) => {
  const calls: string[] = [];
  const refuse = { beforeCreate: false, afterCreate: false, afterDelete: false, beforeUpdate: false };

  @databaseRegistry(target.url, { tableName: "hk_audit" })
  class Audit extends Model({ id: z.int().nullable().default(null), what: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Audit>;
  }

  @databaseRegistry<Account>(target.url, {
    tableName: "hk_accounts",
    hooks: {
      beforeCreate(values) {
        calls.push(`beforeCreate:${values.email}`);
        values.email = values.email.toLowerCase();
        if (refuse.beforeCreate) throw new Error("no new accounts today");
      },
      async afterCreate(account) {
        calls.push(`afterCreate:${account.id}`);
        await Audit.objects.create({ what: `created ${account.email}` });
        if (refuse.afterCreate) throw new ValidationError("audit says no", []);
      },
      beforeUpdate(values) {
        calls.push(`beforeUpdate:${values.name}`);
        if (refuse.beforeUpdate) values.name = "";
      },
      afterUpdate(account) {
        calls.push(`afterUpdate:${account.name}`);
      },
      async beforeDelete(account) {
        calls.push(`beforeDelete:${account.email}`);
        await Audit.objects.create({ what: `deleting ${account.email}` });
      },
      afterDelete(account) {
        calls.push(`afterDelete:${account.id}`);
        if (refuse.afterDelete) throw new HookRefusedError("keep it");
      },
    },
  })
  class Account extends Model({
    id: z.int().nullable().default(null),
    email: z.string(),
    name: z.string().min(1),
  }) {
    declare static readonly objects: ManagerOf<typeof Account>;
  }

  @databaseRegistry<Member>(target.url, {
    tableName: "hk_members",
    hashedFields: ["password"],
    hooks: {
      beforeUpdate(values) {
        if (values.name === "reset") values.password = "a-new-secret";
      },
    },
  })
  class Member extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    password: z.string().min(8),
  }) {
    declare static readonly objects: ManagerOf<typeof Member>;
  }

  freshTables(Audit, Account, Member);
  beforeEach(() => {
    calls.length = 0;
    Object.assign(refuse, {
      beforeCreate: false,
      afterCreate: false,
      afterDelete: false,
      beforeUpdate: false,
    });
  });

  it("create runs beforeCreate (values changed in place) then afterCreate with the key", async () => {
    const ann = await Account.objects.create({ email: "ANN@Example.com", name: "Ann" });
    assert.equal(ann.email, "ann@example.com");
    assert.deepEqual(calls, ["beforeCreate:ANN@Example.com", `afterCreate:${ann.id}`]);
    assert.equal((await Account.objects.require(ann.id as number)).email, "ann@example.com");
    assert.deepEqual(
      (await Audit.objects.all()).map((a) => a.what),
      ["created ann@example.com"],
    );
  });

  it("a hook that throws refuses the write with a typed error, and nothing is kept", async () => {
    refuse.beforeCreate = true;
    const refused = await Account.objects.create({ email: "a@x.io", name: "A" }).catch((e: unknown) => e);
    assert.ok(refused instanceof HookRefusedError);
    assert.equal(refused.code, "REGISTERS_HOOK_REFUSED");
    assert.match(refused.message, /Account\.beforeCreate refused the write: no new accounts today/);
    assert.equal((refused.cause as Error).message, "no new accounts today");
    refuse.beforeCreate = false;
    refuse.afterCreate = true;
    // A RegistryError thrown by a hook is kept as it is; the INSERT and the hook's own write roll back.
    await assert.rejects(Account.objects.create({ email: "b@x.io", name: "B" }), ValidationError);
    assert.equal(await Account.objects.count(), 0);
    assert.equal(await Audit.objects.count(), 0);
  });

  it("inside an outer transaction, a refused write rolls back to its savepoint only", async () => {
    await Account.objects.transaction(async () => {
      await Account.objects.create({ email: "kept@x.io", name: "Kept" });
      refuse.afterCreate = true;
      await assert.rejects(Account.objects.create({ email: "gone@x.io", name: "Gone" }), ValidationError);
      refuse.afterCreate = false;
    });
    assert.deepEqual(
      (await Account.objects.all({ orderBy: "id" })).map((a) => a.email),
      ["kept@x.io"],
    );
    assert.deepEqual(
      (await Audit.objects.all()).map((a) => a.what),
      ["created kept@x.io"],
    );
  });

  it("save runs the update hooks only when something changed; before-hook changes are validated", async () => {
    const ann = await Account.objects.create({ email: "ann@x.io", name: "Ann" });
    calls.length = 0;
    await ann.save();
    assert.deepEqual(calls, [], "nothing changed: no statement, no hook");
    ann.name = "Annie";
    await ann.save();
    assert.deepEqual(calls, ["beforeUpdate:Annie", "afterUpdate:Annie"]);
    refuse.beforeUpdate = true;
    ann.name = "Anna";
    await assert.rejects(ann.save(), ValidationError);
    assert.equal((await Account.objects.require(ann.id as number)).name, "Annie");
  });

  it("delete reads the row for the hooks, inside the transaction; a failing afterDelete keeps the row", async () => {
    const ann = await Account.objects.create({ email: "ann@x.io", name: "Ann" });
    calls.length = 0;
    refuse.afterDelete = true;
    const error = await ann.delete().catch((e: unknown) => e);
    assert.ok(error instanceof HookRefusedError);
    assert.equal(await Account.objects.count(), 1);
    assert.deepEqual(
      (await Audit.objects.all()).map((a) => a.what),
      ["created ann@x.io"],
      "the beforeDelete audit row rolled back with the delete",
    );
    refuse.afterDelete = false;
    calls.length = 0;
    assert.equal(await Account.objects.delete(ann.id as number), true);
    assert.deepEqual(calls, ["beforeDelete:ann@x.io", `afterDelete:${ann.id}`]);
    calls.length = 0;
    assert.equal(await Account.objects.delete(ann.id as number), false);
    assert.deepEqual(calls, [], "no row: no hook");
  });

  it("password fields: a hook sees plain values, and what it sets is hashed", async () => {
    const member = await Member.objects.create({ name: "m", password: "first-secret" });
    member.name = "renamed";
    await member.save(); // the stored hash is kept, not validated as a password
    assert.equal(
      await (await Member.objects.require(member.id as number)).verifyPassword("first-secret"),
      true,
    );
    member.name = "reset";
    await member.save();
    const stored = await Member.objects.require(member.id as number);
    assert.notEqual(stored.password, "a-new-secret");
    assert.equal(await stored.verifyPassword("a-new-secret"), true);
  });

  it("set-based writes run no per-row hooks", async () => {
    await Account.objects.bulkCreate([
      { email: "A@x.io", name: "A" },
      { email: "B@x.io", name: "B" },
    ]);
    await Account.objects.updateWhere({ name: "A" }, { name: "AA" });
    await Account.objects.upsert({ id: 2, email: "b@x.io", name: "BB" });
    await Account.objects.deleteWhere({ name: "AA" });
    assert.deepEqual(calls, []);
    assert.deepEqual(
      (await Account.objects.all()).map((a) => a.email),
      ["b@x.io"],
    );
  });
});

eachDatabase("timestamps", (target) => {
  const stamped = {
    id: z.int().nullable().default(null),
    title: z.string(),
    createdAt: z.date().default(() => new Date()),
    updatedAt: z.date().default(() => new Date()),
  };

  @databaseRegistry(target.url, { tableName: "ts_notes", timestamps: true, uniqueFields: ["title"] })
  class Note extends Model(stamped) {
    declare static readonly objects: ManagerOf<typeof Note>;
  }

  @databaseRegistry(target.url, { tableName: "ts_imports", timestamps: true, acceptTimestamps: true })
  class Imported extends Model(stamped) {
    declare static readonly objects: ManagerOf<typeof Imported>;
  }

  freshTables(Note, Imported);
  const old = new Date("2001-02-03T04:05:06.007Z");

  it("create sets both to the same now, ignoring the caller's values", async () => {
    const before = Date.now();
    const note = await Note.objects.create({ title: "a", createdAt: old, updatedAt: old });
    assert.ok(note.createdAt.getTime() >= before);
    assert.equal(note.createdAt.getTime(), note.updatedAt.getTime());
    const stored = await Note.objects.require(note.id as number);
    assert.equal(stored.createdAt.getTime(), note.createdAt.getTime());
    const [bulk] = await Note.objects.bulkCreate([{ title: "b", createdAt: old }]);
    assert.ok(bulk.createdAt.getTime() >= before);
  });

  it("acceptTimestamps keeps given values (imports) and fills missing ones", async () => {
    const imported = await Imported.objects.create({ title: "a", createdAt: old, updatedAt: old });
    assert.equal((await Imported.objects.require(imported.id as number)).createdAt.getTime(), old.getTime());
    const fresh = await Imported.objects.create({ title: "b" });
    assert.ok(fresh.createdAt.getTime() > old.getTime());
  });

  it("save moves updatedAt and keeps createdAt, whatever the instance holds", async () => {
    const note = await Note.objects.create({ title: "a" });
    const created = note.createdAt.getTime();
    await pause(15);
    note.title = "b";
    note.createdAt = old;
    await note.save();
    assert.equal(note.createdAt.getTime(), created);
    assert.ok(note.updatedAt.getTime() > created);
    const stored = await Note.objects.require(note.id as number);
    assert.equal(stored.createdAt.getTime(), created);
    assert.equal(stored.updatedAt.getTime(), note.updatedAt.getTime());
    const untouched = stored.updatedAt.getTime();
    stored.updatedAt = old;
    await stored.save();
    assert.equal((await Note.objects.require(note.id as number)).updatedAt.getTime(), untouched);
  });

  it("updateWhere, updateCount and upsert set updatedAt; callers cannot set the stamps there", async () => {
    const note = await Note.objects.create({ title: "a" });
    const created = note.createdAt.getTime();
    await pause(15);
    const [updated] = await Note.objects.updateWhere({ id: note.id }, { title: "b" });
    assert.ok(updated.updatedAt.getTime() > created);
    assert.equal(updated.createdAt.getTime(), created);
    await pause(15);
    assert.equal(await Note.objects.updateCount({ id: note.id }, { title: "c" }), 1);
    const counted = await Note.objects.require(note.id as number);
    assert.ok(counted.updatedAt.getTime() > updated.updatedAt.getTime());
    await assert.rejects(Note.objects.updateWhere({ id: note.id }, { createdAt: old }), InvalidQueryError);
    await pause(15);
    const upserted = await Note.objects.upsert({ id: note.id, title: "d", createdAt: old });
    assert.equal(upserted.createdAt.getTime(), created, "the first insert's createdAt is kept");
    assert.ok(upserted.updatedAt.getTime() > counted.updatedAt.getTime());
    const [bulk] = await Note.objects.bulkUpsert([{ id: note.id, title: "e" }]);
    const stored = await Note.objects.require(note.id as number);
    assert.equal(stored.createdAt.getTime(), created);
    assert.equal(stored.updatedAt.getTime(), bulk.updatedAt.getTime());
  });
});

describe("lifecycle options are checked at registration", () => {
  const base = { id: z.int().nullable().default(null), name: z.string() };
  const register = (options: Record<string, unknown>, shape: Record<string, z.ZodType> = base) =>
    databaseRegistry(":memory:", { tableName: "checked", ...options })(class Checked extends Model(shape) {});

  it("refuses unknown hooks, missing or mistyped timestamp fields, and required stamps", () => {
    assert.throws(() => register({ hooks: { beforeSave() {} } }), ConfigurationError);
    assert.throws(() => register({ hooks: { beforeCreate: "no" } }), ConfigurationError);
    assert.throws(() => register({ timestamps: true }), /declare createdAt: z\.date\(\)\.default/);
    assert.throws(
      () => register({ timestamps: { updatedAt: false } }, { ...base, createdAt: z.date() }),
      /callers must be able to leave it out/,
    );
    assert.throws(
      () => register({ timestamps: { createdAt: "name", updatedAt: false } }),
      ConfigurationError,
    );
    assert.throws(() => register({ timestamps: "yes" }), ConfigurationError);
    const ok = register(
      { timestamps: { createdAt: "at", updatedAt: false } },
      { ...base, at: z.date().optional() },
    );
    assert.equal(typeof ok, "function");
  });
});

/**
 * `updateCount(criteria, updates)`: the count-returning update (no RETURNING, no re-read), on every
 * database: matched-row counts (also when the value does not change), the same validation and typed
 * errors as `updateWhere`, hashed fields, and inside transactions.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import {
  databaseRegistry,
  ImmutableFieldError,
  InvalidQueryError,
  type ManagerOf,
  Model,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("updateCount", (target) => {
  @databaseRegistry(target.url, {
    tableName: "update_count_users",
    uniqueFields: ["email"],
    hashedFields: ["password"],
  })
  class User extends Model({
    id: z.int().nullable().default(null),
    name: z.string().max(40),
    email: z.string(),
    role: z.enum(["trial", "member"]).default("trial"),
    password: z.string().nullable().default(null),
  }) {
    declare static readonly objects: ManagerOf<typeof User>;
  }
  freshTables(User);

  const seed = () =>
    User.objects.bulkCreate([
      { name: "Ann", email: "ann@example.com" },
      { name: "Bob", email: "bob@example.com" },
      { name: "Cy", email: "cy@example.com", role: "member" },
    ]);

  it("updates by key and returns 1, then 0 for a missing key", async () => {
    const [ann] = await seed();
    assert.equal(await User.objects.updateCount({ id: ann.id }, { name: "Anna" }), 1);
    assert.equal((await User.objects.get(ann.id as number))?.name, "Anna");
    assert.equal(await User.objects.updateCount({ id: 999_999 }, { name: "Nobody" }), 0);
  });

  it("counts every matched row, also rows whose value does not change", async () => {
    await seed();
    assert.equal(await User.objects.updateCount({ role: "trial" }, { role: "member" }), 2);
    assert.equal(await User.objects.updateCount({ role: "member" }, { role: "member" }), 3);
    assert.equal(await User.objects.count({ role: "member" }), 3);
  });

  it("validates like updateWhere: empty criteria, unknown fields, keys, bad values, undefined", async () => {
    await seed();
    await assert.rejects(User.objects.updateCount({}, { name: "x" }), InvalidQueryError);
    await assert.rejects(User.objects.updateCount({ id: 1 }, {}), InvalidQueryError);
    await assert.rejects(User.objects.updateCount({ id: 1 }, { nope: 1 } as never), ValidationError);
    await assert.rejects(User.objects.updateCount({ id: 1 }, { id: 5 } as never), ImmutableFieldError);
    await assert.rejects(User.objects.updateCount({ id: 1 }, { name: "x".repeat(41) }), ValidationError);
    await assert.rejects(User.objects.updateCount({ id: 1 }, { name: undefined }), InvalidQueryError);
    await assert.rejects(User.objects.updateCount({ nope: 1 } as never, { name: "x" }), InvalidQueryError);
  });

  it("maps a unique violation to UniqueConstraintError", async () => {
    const [ann] = await seed();
    await assert.rejects(
      User.objects.updateCount({ id: ann.id }, { email: "bob@example.com" }),
      UniqueConstraintError,
    );
  });

  it("hashes password fields it writes", async () => {
    const [ann] = await seed();
    assert.equal(await User.objects.updateCount({ id: ann.id }, { password: "correct horse" }), 1);
    const stored = await User.objects.require(ann.id as number);
    assert.notEqual(stored.password, "correct horse");
    assert.equal(await stored.verifyPassword("correct horse"), true);
  });

  it("joins the enclosing transaction and rolls back with it", async () => {
    const [ann] = await seed();
    await assert.rejects(
      User.objects.transaction(async () => {
        assert.equal(await User.objects.updateCount({ id: ann.id }, { name: "Inside" }), 1);
        assert.equal((await User.objects.get(ann.id as number))?.name, "Inside");
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.equal((await User.objects.get(ann.id as number))?.name, "Ann");
  });
});

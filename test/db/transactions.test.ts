import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import { databaseRegistry, Model, UniqueConstraintError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const id = () => z.int().nullable().default(null);

eachDatabase("transactions", (target) => {
  const User = databaseRegistry(target.url, { tableName: "tx_users", uniqueFields: ["email"] })(
    class User extends Model({
      id: id(),
      name: z.string(),
      email: z.string().max(255),
      visits: z.int().default(0),
    }) {},
  );
  const Profile = databaseRegistry(target.url, { tableName: "tx_profiles" })(
    class Profile extends Model({ id: id(), user_id: z.int(), bio: z.string() }) {},
  );

  freshTables(User, Profile);

  it("commits every model's writes together", async () => {
    const result = await User.objects.transaction(async () => {
      const user = await User.objects.create({ name: "Ann", email: "ann@example.com" });
      await Profile.objects.create({ user_id: user.id as number, bio: "hi" });
      return user.id;
    });
    assert.equal(result, 1);
    assert.equal(await User.objects.count(), 1);
    assert.equal(await Profile.objects.count(), 1);
  });

  it("rolls back every model's writes when the callback throws", async () => {
    await assert.rejects(
      Profile.objects.transaction(async () => {
        const user = await User.objects.create({ name: "Ann", email: "ann@example.com" });
        await Profile.objects.create({ user_id: user.id as number, bio: "hi" });
        await User.objects.create({ name: "Dup", email: "ann@example.com" });
      }),
      UniqueConstraintError,
    );
    assert.equal(await User.objects.count(), 0);
    assert.equal(await Profile.objects.count(), 0);
  });

  it("a nested transaction is a savepoint", async () => {
    await User.objects.transaction(async () => {
      await User.objects.create({ name: "outer", email: "outer@example.com" });
      await assert.rejects(
        User.objects.transaction(async () => {
          await User.objects.create({ name: "inner", email: "inner@example.com" });
          throw new Error("undo inner");
        }),
        /undo inner/,
      );
      await User.objects.transaction(async () => {
        await User.objects.create({ name: "kept", email: "kept@example.com" });
      });
    });
    assert.deepEqual(
      (await User.objects.all({ orderBy: "id" })).map((u) => u.name),
      ["outer", "kept"],
    );
  });

  it("operations started outside the callback never run inside it, even while it awaits", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let insideDone!: () => void;
    const inserted = new Promise<void>((resolve) => {
      insideDone = resolve;
    });
    const tx = User.objects
      .transaction(async () => {
        await User.objects.create({ name: "pending", email: "pending@example.com" });
        insideDone();
        await gate;
        throw new Error("roll back");
      })
      .catch((e: Error) => e.message);
    await inserted;
    // Started outside the callback while the transaction is open and awaiting.
    // (Count only the pending row: on a server the outside create commits on another pooled
    // connection concurrently, so a plain count() could legitimately see it.)
    const outsideCount = User.objects.count({ email: "pending@example.com" });
    const outsideCreate = User.objects.create({ name: "outside", email: "outside@example.com" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    assert.equal(await tx, "roll back");
    assert.equal(await outsideCount, 0, "the outside read must not see the uncommitted row");
    assert.equal((await outsideCreate).name, "outside");
    assert.deepEqual(
      (await User.objects.all()).map((u) => u.name),
      ["outside"],
      "the outside write must not be rolled back",
    );
  });

  it("200 concurrent creates all succeed with distinct keys", async () => {
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        User.objects.create({ name: `u${i}`, email: `u${i}@example.com` }),
      ),
    );
    assert.equal(new Set(created.map((u) => u.id)).size, 200);
    assert.equal(await User.objects.count(), 200);
  });

  it("50 concurrent upserts on one key leave one row", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        User.objects.upsert({ name: `v${i}`, email: "same@example.com", visits: i }),
      ),
    );
    assert.equal(new Set(results.map((u) => u.id)).size, 1);
    assert.equal(await User.objects.count(), 1);
    const row = await User.objects.require({ email: "same@example.com" });
    assert.ok(results.some((r) => r.name === row.name && r.visits === row.visits));
    const byKey = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        User.objects.upsert({ id: 99, name: `k${i}`, email: "key@example.com" }),
      ),
    );
    assert.ok(byKey.every((u) => u.id === 99));
    assert.equal(await User.objects.count(), 2);
  });

  it("concurrent transactions run one after another and all commit", async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        User.objects.transaction(async () => {
          const user = await User.objects.create({ name: `t${i}`, email: `t${i}@example.com` });
          await Profile.objects.create({ user_id: user.id as number, bio: String(i) });
        }),
      ),
    );
    assert.equal(await User.objects.count(), 10);
    assert.equal(await Profile.objects.count(), 10);
  });
});

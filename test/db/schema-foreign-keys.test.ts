/**
 * Foreign keys declared by `BelongsTo(..., { onDelete })` on every database: tables are created
 * after the tables they reference (also through a cycle), a violation is a `ForeignKeyError` naming
 * the table and fields, and `cascade`, `restrict` and `setNull` do what they say.
 */
import assert from "node:assert/strict";
import { beforeEach, it } from "node:test";
import { z } from "zod";
import type { ColumnSpec } from "../../src/db/dialect/dialect.js";
import { engineFor } from "../../src/db/engine.js";
import { BelongsTo, databaseRegistry, diffSchema, ForeignKeyError, Model } from "../../src/db/index.js";
import { eachDatabase } from "../support/each-database.js";
import { applySql, dropTables, kinds, ours } from "./fixtures/schema-support.js";

eachDatabase("foreign keys", (target) => {
  const url = target.url;
  const P = "sf_";

  class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}
  databaseRegistry(url, { tableName: `${P}users` })(User);

  class Order extends Model({ id: z.int().nullable().default(null), user_id: z.int(), total: z.int() }) {
    @BelongsTo(() => User, { localKey: "user_id", onDelete: "restrict" })
    accessor user!: Promise<User | null>;
  }
  databaseRegistry(url, { tableName: `${P}orders` })(Order);

  class Session extends Model({ id: z.int().nullable().default(null), user_id: z.int(), token: z.string() }) {
    @BelongsTo(() => User, { localKey: "user_id", onDelete: "cascade" }) accessor user!: Promise<User | null>;
  }
  databaseRegistry(url, { tableName: `${P}sessions` })(Session);

  class Note extends Model({
    id: z.int().nullable().default(null),
    user_id: z.int().nullable(),
    text: z.string(),
  }) {
    @BelongsTo(() => User, { localKey: "user_id", onDelete: "setNull" }) accessor user!: Promise<User | null>;
  }
  databaseRegistry(url, { tableName: `${P}notes` })(Note);

  // A cycle: each row may point at a row of the other table.
  class Left extends Model({ id: z.int().nullable().default(null), right_id: z.int().nullable() }) {
    @BelongsTo(() => Right, { localKey: "right_id", onDelete: "setNull" })
    accessor right!: Promise<Right | null>;
  }
  class Right extends Model({ id: z.int().nullable().default(null), left_id: z.int().nullable() }) {
    @BelongsTo(() => Left, { localKey: "left_id", onDelete: "setNull" }) accessor left!: Promise<Left | null>;
  }
  databaseRegistry(url, { tableName: `${P}left` })(Left);
  databaseRegistry(url, { tableName: `${P}right` })(Right);

  const tables = [`${P}orders`, `${P}sessions`, `${P}notes`, `${P}users`];
  beforeEach(async () => {
    await dropTables(url, tables);
    // The children first: each creates the users table it references before its own.
    for (const model of [Order, Session, Note]) await model.objects.createSchema();
  });

  it("creates referenced tables first, with an index on each foreign key, and diffs clean", async () => {
    assert.ok(await User.objects.schemaExists());
    assert.deepEqual(
      kinds(
        ours(await diffSchema([User, Order, Session, Note], url), `${P}`).filter((c) =>
          tables.includes(c.table),
        ),
      ),
      [],
    );
  });

  it("first uses of a referenced model and its referencing models at once all create their tables", async () => {
    await dropTables(url, tables);
    // A fresh opening of the (shared) engine: every model runs its autoCreate again on first use.
    await User.objects.dispose();
    User.objects.reopen();
    const counts = await Promise.all([Order, Session, User, Note, Order].map((m) => m.objects.count()));
    assert.deepEqual(counts, [0, 0, 0, 0, 0]);
  });

  it("a first use inside a transaction creates the tables outside it: a rollback undoes every row", async () => {
    await dropTables(url, tables);
    await User.objects.dispose();
    User.objects.reopen();
    await User.objects.createSchema(); // users exists; orders is created on Order's first use below
    await assert.rejects(
      User.objects.transaction(async () => {
        const kim = await User.objects.create({ name: "Kim" });
        await Order.objects.create({ user_id: kim.id as number, total: 3 }); // first use: CREATE TABLE
        throw new Error("roll back");
      }),
      /roll back/,
    );
    // On MariaDB, DDL on the transaction's connection would have committed Kim implicitly.
    assert.equal(await User.objects.count(), 0);
    assert.equal(await Order.objects.count(), 0);
  });

  it("a row pointing nowhere is a ForeignKeyError naming the table and fields", async () => {
    const error = await Order.objects.create({ user_id: 999, total: 1 }).then(
      () => assert.fail("expected ForeignKeyError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ForeignKeyError, String(error));
    assert.equal(error.code, "REGISTERS_FOREIGN_KEY");
    assert.equal(error.table, `${P}orders`);
    assert.deepEqual(error.fields, ["user_id"]);
    assert.equal(error.referencedTable, `${P}users`);
    assert.match(error.message, /user_id/);
    assert.ok(error.cause !== undefined);
    assert.equal(await Order.objects.count(), 0);
  });

  it("names the fields of a constraint registers did not create in this process (autoCreate off)", async () => {
    await dropTables(url, [`${P}lchildren`, `${P}lparents`]);
    const dialect = await engineFor(url).resolveDialect();
    const id: ColumnSpec = {
      name: "id",
      kind: "integer",
      nullable: false,
      primaryKey: true,
      autoincrement: true,
      unique: false,
      indexed: true,
    };
    const parentId: ColumnSpec = { ...id, name: "parent_id", primaryKey: false, autoincrement: false };
    await applySql(url, [
      ...dialect.createTable({ name: `${P}lparents`, keyField: "id", uniqueFields: [], columns: [id] }),
      ...dialect.createTable({
        name: `${P}lchildren`,
        keyField: "id",
        uniqueFields: [],
        columns: [id, parentId],
        foreignKeys: [
          {
            name: `${P}lchildren_parent_id_fkey`,
            columns: ["parent_id"],
            references: { table: `${P}lparents`, columns: ["id"] },
            onDelete: "restrict",
          },
        ],
      }),
    ]);
    class LParent extends Model({ id: z.int().nullable().default(null) }) {}
    databaseRegistry(url, { tableName: `${P}lparents`, autoCreate: false })(LParent);
    class LChild extends Model({ id: z.int().nullable().default(null), parent_id: z.int() }) {
      @BelongsTo(() => LParent, { localKey: "parent_id", onDelete: "restrict" })
      accessor parent!: Promise<LParent | null>;
    }
    databaseRegistry(url, { tableName: `${P}lchildren`, autoCreate: false })(LChild);
    const error = await LChild.objects.create({ parent_id: 77 }).catch((e: unknown) => e);
    assert.ok(error instanceof ForeignKeyError, String(error));
    assert.deepEqual(
      [error.table, error.fields, error.referencedTable],
      [`${P}lchildren`, ["parent_id"], `${P}lparents`],
    );
    await dropTables(url, [`${P}lchildren`, `${P}lparents`]);
  });

  it("restrict: deleting a referenced row is a ForeignKeyError, and the row stays", async () => {
    const ann = await User.objects.create({ name: "Ann" });
    await Order.objects.create({ user_id: ann.id as number, total: 5 });
    const error = await User.objects.delete(ann.id as number).then(
      () => assert.fail("expected ForeignKeyError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ForeignKeyError, String(error));
    assert.equal(error.table, `${P}orders`);
    assert.deepEqual(error.fields, ["user_id"]);
    assert.equal(error.referencedTable, `${P}users`);
    assert.equal(await User.objects.count(), 1);
  });

  it("cascade deletes the referencing rows; setNull clears their field", async () => {
    const bob = await User.objects.create({ name: "Bob" });
    const eve = await User.objects.create({ name: "Eve" });
    await Session.objects.create({ user_id: bob.id as number, token: "b1" });
    await Session.objects.create({ user_id: bob.id as number, token: "b2" });
    await Session.objects.create({ user_id: eve.id as number, token: "e1" });
    const note = await Note.objects.create({ user_id: bob.id, text: "hi" });
    assert.equal(await User.objects.delete(bob.id as number), true);
    assert.deepEqual(
      (await Session.objects.all()).map((s) => s.token),
      ["e1"],
    );
    assert.equal((await Note.objects.require(note.id as number)).user_id, null);
    // An update that points nowhere fails as an insert does.
    const error = await Session.objects
      .updateWhere({ token: "e1" }, { user_id: 12345 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ForeignKeyError && error.table === `${P}sessions`, String(error));
  });

  it("a cycle of foreign keys is created (the closing key added once both tables exist) and holds", async () => {
    await dropTables(url, [`${P}left`, `${P}right`]);
    await Left.objects.createSchema();
    assert.ok(await Right.objects.schemaExists());
    const changes = ours(await diffSchema([Left, Right], url), `${P}`).filter(
      (c) => c.table === `${P}left` || c.table === `${P}right`,
    );
    assert.deepEqual(kinds(changes), []);
    const right = await Right.objects.create({ left_id: null });
    const left = await Left.objects.create({ right_id: right.id });
    await Right.objects.updateWhere({ id: right.id }, { left_id: left.id });
    await assert.rejects(Left.objects.create({ right_id: 4242 }), ForeignKeyError);
    await Right.objects.delete(right.id as number);
    assert.equal((await Left.objects.require(left.id as number)).right_id, null);
  });
});

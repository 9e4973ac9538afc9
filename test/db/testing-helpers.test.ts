// registers/db/testing (src/db/testing.ts) on every database: withRollback leaves nothing behind
// (and returns or rethrows what the callback did), expectQueries counts statements through
// onQuery and lists them when the count is wrong, isolatedDatabase gives a fresh SQLite file or a
// fresh server database and removes it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { it } from "node:test";
import { z } from "zod";
import {
  database,
  databaseRegistry,
  HasMany,
  type ManagerOf,
  Model,
  UniqueConstraintError,
} from "../../src/db/index.js";
import { expectQueries, isolatedDatabase, QueryCountError, withRollback } from "../../src/db/testing.js";
import { eachDatabase, freshTables, isServer } from "../support/each-database.js";

eachDatabase("test helpers", (target) => {
  @databaseRegistry(target.url, { tableName: "th_authors", uniqueFields: ["name"] })
  class Author extends Model({ id: z.int().nullable().default(null), name: z.string().max(50) }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Book, { foreignKey: "author_id" }) accessor books!: Promise<Book[]>;
  }

  @databaseRegistry(target.url, { tableName: "th_books" })
  class Book extends Model({ id: z.int().nullable().default(null), author_id: z.int(), title: z.string() }) {}

  freshTables(Author, Book);

  it("withRollback: returns the callback's value and leaves no rows behind, savepoints included", async () => {
    await Author.objects.create({ name: "kept" });
    const result = await withRollback(Author, async () => {
      const ann = await Author.objects.create({ name: "Ann" });
      await Book.objects.create({ author_id: ann.id as number, title: "t" });
      await Author.objects.transaction(() => Author.objects.create({ name: "nested" }));
      await Author.objects
        .transaction(() => Author.objects.create({ name: "Ann" }))
        .catch((error: unknown) => assert.ok(error instanceof UniqueConstraintError));
      assert.equal(await Author.objects.count(), 3);
      return ann.name;
    });
    assert.equal(result, "Ann");
    assert.deepEqual(
      (await Author.objects.all()).map((a) => a.name),
      ["kept"],
    );
    assert.equal(await Book.objects.count(), 0);
  });

  it("withRollback: rethrows what the callback threw, and rolls back", async () => {
    await assert.rejects(
      withRollback(target.url, async () => {
        await Author.objects.create({ name: "gone" });
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await Author.objects.count(), 0);
  });

  it("expectQueries: passes on the right count, lists the statements on a wrong one", async () => {
    const ann = await Author.objects.create({ name: "Ann" });
    const bob = await Author.objects.create({ name: "Bob" });
    for (const author of [ann, bob])
      await Book.objects.create({ author_id: author.id as number, title: author.name });
    const authors = await expectQueries(Author, 2, () => Author.objects.filter({}, { include: ["books"] }));
    assert.equal(authors.length, 2);
    await expectQueries(Author, { atMost: 3 }, () => Author.objects.count());
    // transaction control is left out unless asked
    await expectQueries(Author, 1, () => Author.objects.transaction(() => Author.objects.count()));
    await expectQueries(Author, 3, () => Author.objects.transaction(() => Author.objects.count()), {
      all: true,
    });
    // an N+1 loop fails with every statement listed
    const error = await expectQueries(Author, 2, async () => {
      for (const author of await Author.objects.all()) await author.books;
    }).then(
      () => assert.fail("expected a QueryCountError"),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof QueryCountError);
    assert.ok(error instanceof assert.AssertionError);
    assert.equal(error.statements.length, 3);
    assert.match(error.message, /^expected 2 statements, 3 ran:\n {2}1\. SELECT/);
    assert.match(error.message, /3\. SELECT .*th_books.*-- params: \[/);
    await assert.rejects(
      expectQueries(Author, 0, () => Author.objects.count()),
      QueryCountError,
    );
    await assert.rejects(
      expectQueries(Author, { atMost: 0 }, () => Author.objects.count()),
      /at most 0 statements, 1 ran/,
    );
    await assert.rejects(
      expectQueries(Author, -1 as never, () => 1),
      TypeError,
    );
  });

  it("isolatedDatabase: a fresh database per call, removed by dispose()", { timeout: 60_000 }, async () => {
    const options = isServer(target) ? { baseUrl: target.url } : {};
    const one = await isolatedDatabase(options);
    const two = await isolatedDatabase(options);
    assert.notEqual(one.url, two.url);
    const make = (url: string) =>
      databaseRegistry(url, { tableName: "th_notes" })(
        class Note extends Model({ id: z.int().nullable().default(null), text: z.string() }) {},
      );
    const NoteOne = make(one.url);
    const NoteTwo = make(two.url);
    await NoteOne.objects.create({ text: "only in one" });
    assert.equal(await NoteOne.objects.count(), 1);
    assert.equal(await NoteTwo.objects.count(), 0);
    await one.dispose();
    await one.dispose(); // idempotent
    await two[Symbol.asyncDispose]();
    if (!isServer(target)) {
      assert.equal(existsSync(dirname(one.url)), false);
      return;
    }
    const name = new URL(one.url).pathname.slice(1);
    const rows =
      target.name === "postgres"
        ? await database(target.url).query`SELECT 1 AS found FROM pg_database WHERE datname = ${name}`
        : await database(target.url)
            .query`SELECT 1 AS found FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${name}`;
    assert.deepEqual(rows, []);
  });
});

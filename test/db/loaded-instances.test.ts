/**
 * Instances built from rows without the model's constructors (`loaded.ts`, `manager/row-plan.ts`):
 * they behave as before (prototype, fields, relationships, dirty tracking, key immutability,
 * equality), classes whose construction does something keep being constructed, and a row the
 * compiled check does not prove still goes through the Zod parse and its errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  databaseRegistry,
  HasMany,
  ImmutableFieldError,
  type ManagerOf,
  Model,
  ModelBase,
  ValidationError,
} from "../../src/db/index.js";
import { constructionIsInert } from "../../src/db/loaded.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("loaded instances", (target) => {
  @databaseRegistry(target.url, { tableName: "loaded_authors" })
  class Author extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    born: z.date().nullable().default(null),
    tags: z.array(z.string()).default([]),
  }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Book, { foreignKey: "author_id" }) accessor books!: Promise<Book[]>;
    shout(): string {
      return this.name.toUpperCase();
    }
  }

  @databaseRegistry(target.url, { tableName: "loaded_books" })
  class Book extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int(),
    title: z.string().min(2),
  }) {
    declare static readonly objects: ManagerOf<typeof Book>;
  }

  @databaseRegistry(target.url, { tableName: "loaded_counters" })
  class Counter extends Model({ id: z.int().nullable().default(null), label: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Counter>;
    visits = 0;
    #secret = "kept";
    secret(): string {
      return this.#secret;
    }
  }

  freshTables(Author, Book, Counter);

  it("reads rows as instances of the model with its fields, methods and relationships", async () => {
    const ann = await Author.objects.create({
      name: "Ann",
      born: new Date("1990-01-02T00:00:00Z"),
      tags: ["a"],
    });
    await Book.objects.create({ author_id: ann.id as number, title: "First" });
    const loaded = await Author.objects.require(ann.id as number);
    assert.equal(Object.getPrototypeOf(loaded), Author.prototype);
    assert.ok(loaded instanceof Author && loaded instanceof ModelBase);
    assert.deepEqual(Object.keys(loaded), ["id", "name", "born", "tags"]);
    assert.equal(loaded.shout(), "ANN");
    assert.deepEqual(
      (await loaded.books).map((b) => b.title),
      ["First"],
    );
    assert.deepStrictEqual(loaded, await Author.objects.require(ann.id as number));
    assert.deepEqual(JSON.parse(JSON.stringify(loaded)), {
      id: ann.id,
      name: "Ann",
      born: "1990-01-02T00:00:00.000Z",
      tags: ["a"],
    });
  });

  it("keeps dirty tracking: only changed fields are written, nothing when nothing changed", async () => {
    const created = await Author.objects.create({ name: "Bea", tags: ["x"] });
    const loaded = await Author.objects.require(created.id as number);
    const statements: string[] = [];
    const stop = Author.objects.onQuery(({ sql }) => statements.push(sql));
    try {
      await loaded.save();
      assert.deepEqual(statements, []);
      loaded.tags.push("y"); // mutated in place: seen through the snapshot's JSON text
      await loaded.save();
      assert.equal(statements.length, 1);
      assert.match(statements[0], /SET .*tags/);
      assert.doesNotMatch(statements[0], /name/);
      loaded.name = "Beatrice";
      await loaded.save();
      assert.match(statements[1], /SET .*name/);
      await loaded.save();
      assert.equal(statements.length, 2);
    } finally {
      stop();
    }
    assert.deepEqual((await Author.objects.require(created.id as number)).tags, ["x", "y"]);
  });

  it("refuses a changed key on rows read back and on created rows", async () => {
    const created = await Author.objects.create({ name: "Cy" });
    const loaded = await Author.objects.require(created.id as number);
    loaded.id = (created.id as number) + 1000;
    await assert.rejects(loaded.save(), ImmutableFieldError);
    created.id = (created.id as number) + 1000;
    await assert.rejects(created.save(), ImmutableFieldError);
    assert.equal(await (await Author.objects.require(loaded.id - 1000)).delete(), true);
  });

  it("still constructs models whose classes declare fields or private members", async () => {
    const made = await Counter.objects.create({ label: "home" });
    const [loaded] = await Counter.objects.filter({ id: made.id });
    assert.equal(loaded.visits, 0);
    assert.equal(loaded.secret(), "kept");
    loaded.label = "away";
    await loaded.save();
    assert.equal((await Counter.objects.require(made.id as number)).label, "away");
  });

  it("a row that breaks the schema is still a ValidationError", async () => {
    const ann = await Author.objects.create({ name: "Dee" });
    // "x" is shorter than z.string().min(2): written around the model
    const book = await Book.objects.create({ author_id: ann.id as number, title: "ok" });
    const db = Book.objects.engine;
    const session = db.driver as unknown as { exec(sql: string): Promise<void> };
    await session.exec(`UPDATE loaded_books SET title = 'x' WHERE id = ${Number(book.id)}`);
    await assert.rejects(Book.objects.get(book.id as number), ValidationError);
  });
});

describe("constructionIsInert", () => {
  const stop = ModelBase;
  it("accepts classes whose constructors hold only relationship accessor storage", () => {
    // tsc's ES2022 output of `@HasMany(...) accessor posts`
    const tsc = {
      toString: () => `class Author extends _classSuper {
        #posts_accessor_storage = __runInitializers(this, _posts_initializers, void 0);
        get posts() { return this.#posts_accessor_storage; }
        set posts(value) { this.#posts_accessor_storage = value; }
        constructor() {
            super(...arguments);
            __runInitializers(this, _posts_extraInitializers);
        }
      }`,
    };
    // esbuild's (tsx) output, minified whitespace
    const esbuild = {
      toString: () =>
        "class _U extends(_a=Model({}),_posts_dec=[HasMany(()=>_U,{})],_a){constructor(){super(...arguments);__privateAdd(this,_posts,__runInitializers(_init,8,this)),__runInitializers(_init,11,this)}}",
    };
    for (const source of [tsc, esbuild]) {
      const fake = Object.setPrototypeOf(() => {}, stop);
      Object.defineProperty(fake, "toString", { value: source.toString });
      assert.equal(inert(fake, ["posts"]), true);
      assert.equal(inert(fake, ["other"]), false);
    }
  });

  it("refuses private fields, constructor bodies and constructor parameters", () => {
    for (const source of [
      "class A extends B { #cache = new Map(); }",
      "class A extends B { constructor() { super(...arguments); this.x = 1; } }",
      "class A extends B { constructor(data) { super(data); } }",
      "class A extends B { constructor() { super(...arguments); __privateAdd(this, _cache, new Map()); } }",
      "function A() {}",
    ]) {
      const fake = Object.setPrototypeOf(() => {}, stop);
      Object.defineProperty(fake, "toString", { value: () => source });
      assert.equal(inert(fake, ["posts"]), false, source);
    }
  });

  function inert(fake: Function, relations: string[]): boolean {
    const original = Function.prototype.toString;
    Function.prototype.toString = function (this: Function) {
      return Object.hasOwn(this, "toString")
        ? (this as { toString(): string }).toString()
        : original.call(this);
    };
    try {
      return constructionIsInert(fake, stop, new Set(relations));
    } finally {
      Function.prototype.toString = original;
    }
  }
});

eachDatabase("loaded instances read as arrays", { only: ["sqlite-file", "sqlite-memory"] }, (target) => {
  @databaseRegistry(target.url, { tableName: "loaded_plain" })
  class Plain extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    score: z.number().nullable(),
    active: z.boolean().default(true),
  }) {
    declare static readonly objects: ManagerOf<typeof Plain>;
    @HasMany(() => Plain, { foreignKey: "id" }) accessor same!: Promise<Plain[]>;
  }
  freshTables(Plain);

  it("get by key decodes, checks and builds the instance from the row's values", async () => {
    const made = await Plain.objects.create({ name: "Ann", score: 1.5, active: false });
    const got = await Plain.objects.require(made.id as number);
    assert.deepStrictEqual(got, made);
    assert.equal(got.active, false); // decoded from SQLite's 0
    assert.equal(await Plain.objects.get(999_999), null);
    got.name = "Anna";
    const statements: string[] = [];
    const stop = Plain.objects.onQuery(({ sql }) => statements.push(sql));
    await got.save();
    stop();
    assert.match(statements[0], /SET "name"/);
  });

  it("a stored value the schema refuses still fails with ValidationError", async () => {
    const made = await Plain.objects.create({ name: "Bob", score: null });
    const driver = Plain.objects.engine.driver as unknown as { exec(sql: string): Promise<void> };
    await driver.exec(`UPDATE loaded_plain SET score = 'not a number' WHERE id = ${Number(made.id)}`);
    await assert.rejects(Plain.objects.get(made.id as number), ValidationError);
  });
});

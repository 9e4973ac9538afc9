// Raw SQL (src/db/raw-sql.ts, database.ts, manager/raw.ts) on every database: values bound as
// parameters (never SQL text), identifiers only through sql.id(), composable fragments, validated
// instances from Model.objects.raw, plain rows from db.query, changes from db.execute, the ambient
// transaction, onQuery, typed errors before any SQL, and a plain string refused at run time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import { createMysqlDialect } from "../../src/db/dialect/mysql/index.js";
import { createPostgresDialect } from "../../src/db/dialect/postgres/index.js";
import { createSqliteDialect } from "../../src/db/dialect/sqlite/index.js";
import {
  DatabaseError,
  database,
  databaseRegistry,
  InvalidQueryError,
  Model,
  type QueryEvent,
  type SqlFragment,
  sql,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import { compileSql } from "../../src/db/raw-sql.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const HOSTILE = "x'); DROP TABLE rs_people; --";

describe("compileSql", () => {
  const sqlite = createSqliteDialect(":memory:");
  const postgres = createPostgresDialect("postgres://u@127.0.0.1:5432/x");
  const mysql = createMysqlDialect("mysql://u@127.0.0.1:3306/x");

  it("numbers placeholders per dialect and quotes identifiers with the dialect's quote", () => {
    const where = sql`${sql.id("age")} > ${18} AND ${sql.id("name")} <> ${"a"}`;
    const query = sql`SELECT * FROM ${sql.id("public", 'we"ird`')} WHERE ${where} LIMIT ${5}`;
    assert.deepEqual(compileSql(query, sqlite), {
      text: 'SELECT * FROM "public"."we""ird`" WHERE "age" > ? AND "name" <> ? LIMIT ?',
      params: [18, "a", 5],
    });
    assert.deepEqual(compileSql(query, postgres), {
      text: 'SELECT * FROM "public"."we""ird`" WHERE "age" > $1 AND "name" <> $2 LIMIT $3',
      params: [18, "a", 5],
    });
    assert.deepEqual(compileSql(query, mysql), {
      text: 'SELECT * FROM `public`.`we"ird``` WHERE `age` > ? AND `name` <> ? LIMIT ?',
      params: [18, "a", 5],
    });
  });

  it("sql.join lists values and fragments; sql.empty renders nothing", () => {
    const ids = sql`id IN (${sql.join([1, 2, 3])})`;
    assert.deepEqual(compileSql(ids, postgres), { text: "id IN ($1, $2, $3)", params: [1, 2, 3] });
    const both = sql.join([sql`a = ${1}`, sql`b = ${2}`, sql.empty], sql` AND `);
    assert.deepEqual(compileSql(both, sqlite), { text: "a = ? AND b = ? AND ", params: [1, 2] });
    assert.deepEqual(compileSql(sql`x${sql.join([])}y`, sqlite), { text: "xy", params: [] });
  });

  it("encodes Dates, booleans and bigints as the dialect stores them", () => {
    const at = new Date("2024-05-06T07:08:09.010Z");
    const query = sql`${at} ${true} ${2n ** 62n} ${null}`;
    assert.deepEqual(compileSql(query, sqlite).params, ["2024-05-06T07:08:09.010Z", 1, 2n ** 62n, null]);
    assert.deepEqual(compileSql(query, mysql).params, [
      "2024-05-06 07:08:09.010",
      1,
      (2n ** 62n).toString(),
      null,
    ]);
    assert.deepEqual(compileSql(query, postgres).params, [
      "2024-05-06T07:08:09.010Z",
      true,
      (2n ** 62n).toString(),
      null,
    ]);
  });

  it("refuses values that cannot be parameters, and strings where a template is expected", () => {
    for (const bad of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { a: 1 },
      [1, 2],
      new Date(Number.NaN),
      () => 1,
    ]) {
      assert.throws(() => compileSql(sql`SELECT ${bad as never}`, sqlite), InvalidQueryError, String(bad));
    }
    assert.throws(() => sql.id(""), InvalidQueryError);
    assert.throws(() => sql.id("a\u0000b"), InvalidQueryError);
    assert.throws(() => (sql as unknown as (s: string) => SqlFragment)("SELECT 1"), /plain string/);
    // A run-time array is not a template object (only the language makes frozen ones with .raw).
    const forged = Object.assign(["SELECT 1"], { raw: ["SELECT 1"] });
    assert.throws(() => (sql as unknown as (s: unknown) => SqlFragment)(forged), InvalidQueryError);
  });

  it("property: the text never contains a value, and params hold every value in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxLength: 8 }),
        (values) => {
          const fragment = sql`SELECT ${sql.join(values)} FROM ${sql.id("t")}`;
          for (const dialect of [sqlite, postgres]) {
            const { text, params } = compileSql(fragment, dialect);
            assert.equal(params.length, values.length);
            const expected = values.map((v) =>
              dialect.encode(typeof v === "boolean" ? "boolean" : "string", v),
            );
            assert.deepEqual(params, expected);
            const placeholders = values.map((_, i) => dialect.param(i + 1)).join(", ");
            assert.equal(text, `SELECT ${placeholders} FROM "t"`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

eachDatabase("raw SQL", (target) => {
  const Person = databaseRegistry(target.url, { tableName: "rs_people", uniqueFields: ["email"] })(
    class Person extends Model({
      id: z.int().nullable().default(null),
      name: z.string(),
      email: z.string().max(200),
      age: z.int().min(0),
      joined: z.date(),
      active: z.boolean(),
    }) {},
  );
  freshTables(Person);
  const db = database(Person);
  const people = sql.id("rs_people");
  const seed = async () => {
    for (let i = 0; i < 5; i++) {
      await Person.objects.create({
        name: `p${i}`,
        email: `p${i}@example.com`,
        age: 10 + i * 10,
        joined: new Date(Date.UTC(2024, 0, 1 + i)),
        active: i % 2 === 0,
      });
    }
  };

  it("Model.objects.raw returns validated instances (Dates, booleans decoded)", async () => {
    await seed();
    const minAge = 25;
    const rows = await Person.objects
      .raw`SELECT * FROM ${people} WHERE ${sql.id("age")} > ${minAge} ORDER BY ${sql.id("id")}`;
    assert.deepEqual(
      rows.map((p) => p.name),
      ["p2", "p3", "p4"],
    );
    assert.ok(rows[0] instanceof Person);
    assert.ok(rows[0].joined instanceof Date);
    assert.equal(rows[0].active, true);
    // instances are persisted: saving one updates it
    rows[0].name = "renamed";
    await rows[0].save();
    assert.equal((await Person.objects.require(rows[0].id as number)).name, "renamed");
  });

  it("binds hostile strings as values: they never become SQL", async () => {
    await seed();
    const found = await Person.objects.raw`SELECT * FROM ${people} WHERE ${sql.id("name")} = ${HOSTILE}`;
    assert.deepEqual(found, []);
    await db.execute`UPDATE ${people} SET ${sql.id("name")} = ${HOSTILE} WHERE ${sql.id("age")} = ${10}`;
    const rows = await db.query<{
      name: string;
    }>`SELECT ${sql.id("name")} FROM ${people} WHERE ${sql.id("name")} = ${HOSTILE}`;
    assert.deepEqual(rows, [{ name: HOSTILE }]);
    assert.equal(await Person.objects.count(), 5);
  });

  it("composes fragments (sql.join for IN lists, optional clauses)", async () => {
    await seed();
    const ids = [1, 3, 5];
    const onlyActive: boolean = true;
    const activeClause = onlyActive ? sql` AND ${sql.id("active")} = ${true}` : sql.empty;
    const query = sql`SELECT * FROM ${people} WHERE ${sql.id("id")} IN (${sql.join(ids)})${activeClause} ORDER BY ${sql.id("id")}`;
    assert.deepEqual(
      (await Person.objects.raw(query)).map((p) => p.id),
      [1, 3, 5],
    );
    const rows = await db.query(query);
    assert.equal(rows.length, 3);
  });

  it("db.query returns plain rows; db.execute reports changes; query of a write returns []", async () => {
    await seed();
    const [row] = await db.query<{
      n: number | string | bigint;
    }>`SELECT COUNT(*) AS ${sql.id("n")} FROM ${people} WHERE ${sql.id("age")} >= ${30}`;
    assert.equal(Number(row.n), 3);
    const { changes } =
      await db.execute`UPDATE ${people} SET ${sql.id("active")} = ${false} WHERE ${sql.id("age")} < ${35}`;
    assert.equal(changes, 3);
    const none = await db.query`DELETE FROM ${people} WHERE ${sql.id("age")} = ${50}`;
    assert.deepEqual(none, []);
    assert.equal(await Person.objects.count(), 4);
    assert.equal(await Person.objects.count({ active: true }), 0);
    assert.equal(await Person.objects.count({ active: false }), 4);
  });

  it("runs inside the ambient transaction: a rollback undoes raw writes, raw reads see uncommitted rows", async () => {
    await seed();
    await assert.rejects(
      Person.objects.transaction(async () => {
        await db.execute`DELETE FROM ${people} WHERE ${sql.id("age")} > ${20}`;
        const inside = await Person.objects.raw`SELECT * FROM ${people}`;
        assert.equal(inside.length, 2);
        const [row] = await db.query<{ n: unknown }>`SELECT COUNT(*) AS ${sql.id("n")} FROM ${people}`;
        assert.equal(Number(row.n), 2);
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.equal(await Person.objects.count(), 5);
    await db.transaction(async () => {
      await db.execute`DELETE FROM ${people} WHERE ${sql.id("age")} = ${10}`;
    });
    assert.equal(await Person.objects.count(), 4);
  });

  it("is visible to onQuery with placeholders and params", async () => {
    await seed();
    const events: QueryEvent[] = [];
    const stop = db.onQuery((event) => events.push(event));
    try {
      await Person.objects.raw`SELECT * FROM ${people} WHERE ${sql.id("name")} = ${"p1"}`;
      await db.execute`UPDATE ${people} SET ${sql.id("age")} = ${99} WHERE ${sql.id("name")} = ${"p1"}`;
    } finally {
      stop();
    }
    const placeholder = target.name === "postgres" ? "$1" : "?";
    assert.equal(events.length, 2, JSON.stringify(events.map((e) => e.sql)));
    assert.ok(events[0].sql.endsWith(` = ${placeholder}`), events[0].sql);
    assert.deepEqual(events[0].params, ["p1"]);
    assert.deepEqual(events[1].params, [99, "p1"]);
  });

  it("refuses a plain string at run time (InvalidQueryError), before any SQL", async () => {
    const events: QueryEvent[] = [];
    const stop = db.onQuery((event) => events.push(event));
    try {
      const text = "SELECT * FROM rs_people";
      await assert.rejects(
        (Person.objects.raw as unknown as (s: string) => Promise<unknown>)(text),
        (error) => {
          assert.ok(error instanceof InvalidQueryError);
          assert.equal(error.code, "REGISTERS_INVALID_QUERY");
          assert.match(error.message, /Person\.objects\.raw`\.\.\.` takes a tagged template/);
          return true;
        },
      );
      await assert.rejects((db.query as unknown as (s: string) => Promise<unknown>)(text), InvalidQueryError);
      await assert.rejects(
        (db.execute as unknown as (s: string) => Promise<unknown>)(text),
        InvalidQueryError,
      );
      await assert.rejects(db.query`SELECT ${undefined as never}`, InvalidQueryError);
      await assert.rejects(db.query`SELECT ${[1, 2] as never}`, /sql\.join/);
    } finally {
      stop();
    }
    assert.deepEqual(events, []);
  });

  it("rows missing a field, and rows breaking the schema, are typed errors", async () => {
    await seed();
    await assert.rejects(
      Person.objects.raw`SELECT ${sql.id("id")}, ${sql.id("name")} FROM ${people}`,
      (error) => error instanceof InvalidQueryError && /no column "email"/.test(error.message),
    );
    await db.execute`UPDATE ${people} SET ${sql.id("age")} = ${-5} WHERE ${sql.id("id")} = ${1}`;
    await assert.rejects(Person.objects.raw`SELECT * FROM ${people}`, ValidationError);
  });

  it("driver failures are typed errors with the driver error as cause", async () => {
    await seed();
    await assert.rejects(
      db.execute`UPDATE ${people} SET ${sql.id("email")} = ${"p0@example.com"} WHERE ${sql.id("id")} = ${2}`,
      (error) => error instanceof UniqueConstraintError && error.cause !== undefined,
    );
    await assert.rejects(db.query`SELECT * FROM ${sql.id("rs_missing_table")}`, (error) => {
      assert.ok(
        error instanceof DatabaseError || (error as { code?: string }).code === "REGISTERS_SCHEMA",
        String(error),
      );
      return true;
    });
    await assert.rejects(db.query`SELEKT ${1}`, DatabaseError);
  });
});

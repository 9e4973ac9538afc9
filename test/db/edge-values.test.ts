// Values at the edges, on every database: each gives the same answer everywhere, or a typed error
// before any SQL runs, never a driver error. Number bounds on integer fields (fractions, ±Infinity,
// past 64 bits), bigints and dates outside what every database stores, `in` lists past the
// parameter limit and very wide `or`s, MySQL's duplicate-key name of a field holding a quote, and
// messages that show the value given (NaN, not null).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import { CriteriaCompiler } from "../../src/db/criteria.js";
import { mysqlUrlRules } from "../../src/db/dialect/mysql/index.js";
import { MysqlDialect } from "../../src/db/dialect/mysql/mysql-dialect.js";
import { classifyMysqlError } from "../../src/db/dialect/mysql/mysql-errors.js";
import { parseServerUrl } from "../../src/db/dialect/server-url.js";
import { SqliteDialect } from "../../src/db/dialect/sqlite/sqlite-dialect.js";
import {
  databaseRegistry,
  InvalidQueryError,
  Model,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import { describeShape } from "../../src/db/zod-to-columns.js";
import { eachDatabase } from "../support/each-database.js";

const seed = Number(process.env.REGISTERS_FUZZ_SEED ?? Date.now() % 1_000_000);

const MAX_I64 = 2n ** 63n - 1n;
const MIN_I64 = -(2n ** 63n);
const FIRST_DAY = new Date("0001-01-01T00:00:00.000Z");
const LAST_MOMENT = new Date("9999-12-31T23:59:59.999Z");
const YEAR_ZERO = new Date("0000-06-01T00:00:00.000Z");
const YEAR_10000 = new Date("+010000-01-01T00:00:00.000Z");
/** Texts a naive array literal, JSON or SQL quoting would get wrong. */
const AWKWARD = [
  "o'brien",
  'say "hi"',
  "back\\slash",
  "{a,b}",
  "a,b",
  "NULL",
  "",
  " x",
  "é",
  "日本",
  "😀",
  "x' for key 'y",
];

const shape = {
  id: z.int().nullable().default(null),
  age: z.int().nullable().default(null),
  big: z.bigint().nullable().default(null),
  score: z.number().nullable().default(null),
  at: z.date().nullable().default(null),
  name: z.string().nullable().default(null),
  flag: z.boolean().nullable().default(null),
  tag: z.uuid().nullable().default(null),
};

type Op = "gt" | "gte" | "lt" | "lte" | "ne";
const OPS: readonly Op[] = ["gt", "gte", "lt", "lte", "ne"];

/** The reference: how a number compares with a number, and NULL with nothing. */
function holds(value: number | bigint | null, op: Op, bound: number): boolean {
  if (value === null) return false;
  const v = Number(value);
  switch (op) {
    case "gt":
      return v > bound;
    case "gte":
      return v >= bound;
    case "lt":
      return v < bound;
    case "lte":
      return v <= bound;
    default:
      return v !== bound;
  }
}

async function rejects<E extends Error>(
  run: () => Promise<unknown>,
  type: new (...args: never[]) => E,
  check: (error: E) => void = () => {},
): Promise<void> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    check(error);
    return;
  }
  assert.fail(`expected ${type.name}, nothing was thrown`);
}

eachDatabase("edge values", (target) => {
  const Edge = databaseRegistry(target.url, { tableName: "edge_values" })(class Edge extends Model(shape) {});
  const Quoted = databaseRegistry(target.url, { tableName: "edge_quoted", uniqueFields: ["o'brien"] })(
    class Quoted extends Model({ id: z.int().nullable().default(null), "o'brien": z.string().max(100) }) {},
  );

  /** The SQL statements `run` sends (to prove a refusal happens before any SQL). */
  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const stop = Edge.objects.onQuery(({ sql }) => seen.push(sql));
    try {
      await run();
    } catch {
      // the caller asserts the error separately
    } finally {
      stop();
    }
    return seen;
  }

  const ids = async (criteria: object) =>
    (await Edge.objects.filter(criteria as never, { orderBy: "id" })).map((row) => row.id);

  const ages = [null, -(2 ** 53) + 1, -5, 0, 35, 36, 40, 2 ** 53 - 1];
  let seeded: { id: number; age: number | null }[] = [];

  before(async () => {
    await Edge.dropSchema();
    await Edge.createSchema();
    await Quoted.dropSchema();
    await Quoted.createSchema();
    seeded = [];
    for (const age of ages) {
      const row = await Edge.objects.create({
        age,
        big: age === null ? null : BigInt(age),
        score: age === null ? null : age / 2,
      });
      seeded.push({ id: row.id as number, age });
    }
  });

  const expected = (field: "age" | "big" | "score", op: Op, bound: number) =>
    seeded
      .filter((row) => holds(field === "score" && row.age !== null ? row.age / 2 : row.age, op, bound))
      .map((row) => row.id);

  it("item 6: a number bound on an integer field compares as numbers do (fractions, ±Infinity, past 64 bits)", async () => {
    const bounds = [
      35.5,
      -4.5,
      0.1,
      -0.1,
      Infinity,
      -Infinity,
      1e20,
      -1e300,
      2 ** 63,
      -(2 ** 63),
      2 ** 62 + 0.5,
    ];
    for (const field of ["age", "big", "score"] as const) {
      for (const op of OPS) {
        for (const bound of bounds) {
          assert.deepEqual(
            await ids({ [field]: { [op]: bound } }),
            expected(field, op, bound),
            `${field} ${op} ${bound}`,
          );
        }
      }
    }
    assert.equal(await Edge.objects.count({ age: { gt: 35.5 } }), 3);
    assert.equal(await Edge.objects.count({ age: { lt: Infinity } }), ages.length - 1);
    // eq / in take values of the field itself: 35.5 is no z.int() value.
    await rejects(() => Edge.objects.filter({ age: 35.5 }), InvalidQueryError);
    await rejects(() => Edge.objects.filter({ age: { in: [35, 35.5] } }), InvalidQueryError);
    for (const op of OPS) {
      await rejects(
        () => Edge.objects.filter({ age: { [op]: Number.NaN } }),
        InvalidQueryError,
        (error) => assert.match(error.message, /got NaN/),
      );
    }
  });

  it(`item 6: number bounds on integer, bigint and float fields match a JS reference (fast-check seed ${seed})`, async () => {
    const bound = fc.oneof(
      fc.double({ noNaN: true }),
      fc.integer({ min: -100, max: 100 }).map((n) => n / 2),
      fc.constantFrom(...ages.filter((a) => a !== null)),
      fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63), 9.2e18, -9.3e18),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("age", "big", "score"),
        fc.constantFrom(...OPS),
        bound,
        async (f, op, b) => {
          const field = f as "age" | "big" | "score";
          assert.deepEqual(
            await ids({ [field]: { [op]: b } }),
            expected(field, op, b),
            `${field} ${op} ${b}`,
          );
        },
      ),
      { numRuns: 60, seed },
    );
  });

  it("item 7: bigints past signed 64 bits and dates outside 0001-9999 are a ValidationError naming the field, before any SQL", async () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      ["big", { big: MAX_I64 + 1n }],
      ["big", { big: MIN_I64 - 1n }],
      ["at", { at: YEAR_ZERO }],
      ["at", { at: YEAR_10000 }],
      ["at", { at: new Date(8.64e15) }],
      ["at", { at: new Date(-8.64e15) }],
    ];
    const [first] = seeded;
    for (const [field, data] of bad) {
      const writes: Array<[string, () => Promise<unknown>]> = [
        ["create", () => Edge.objects.create(data as never)],
        ["bulkCreate", () => Edge.objects.bulkCreate([{ age: 1 }, data] as never)],
        ["upsert", () => Edge.objects.upsert({ id: first.id, ...data } as never)],
        ["updateWhere", () => Edge.objects.updateWhere({ id: first.id }, data as never)],
        [
          "save",
          async () => {
            const row = await Edge.objects.require(first.id);
            Object.assign(row, data);
            return await row.save();
          },
        ],
      ];
      for (const [name, write] of writes) {
        const what = `${name} ${field}=${String(data[field])}`;
        await rejects(write, ValidationError, (error) => {
          assert.match(error.message, new RegExp(`\\b${field}\\b`), what);
          assert.ok(
            error.issues.some((issue) => issue.path.includes(field)),
            `${what}: ${JSON.stringify(error.issues)}`,
          );
        });
        const sql = await statementsOf(write);
        assert.ok(
          sql.every((text) => /^SELECT/i.test(text)),
          `${what} ran ${sql.join("; ")}`,
        );
      }
    }
    assert.equal(await Edge.objects.count(), ages.length, "nothing was written");
    assert.throws(() => new Edge({ at: YEAR_ZERO }), ValidationError);
  });

  it("item 7: the edges themselves are stored exactly and found by eq, in and ranges", async () => {
    const edges = [
      await Edge.objects.create({ big: MAX_I64, at: LAST_MOMENT }),
      await Edge.objects.create({ big: MIN_I64, at: FIRST_DAY }),
    ];
    try {
      for (const row of edges) {
        const back = await Edge.objects.get(row.id as number);
        assert.equal(back?.big, row.big);
        assert.equal(back?.at?.toISOString(), row.at?.toISOString());
        assert.deepEqual(await ids({ big: row.big }), [row.id]);
        assert.deepEqual(await ids({ at: { in: [row.at as Date, new Date("2000-01-01")] } }), [row.id]);
      }
      assert.deepEqual(await ids({ big: { gte: MAX_I64 } }), [edges[0].id]);
      assert.deepEqual(await ids({ big: { lte: MIN_I64 } }), [edges[1].id]);
      assert.deepEqual(await ids({ at: { lt: new Date("1000-01-01") } }), [edges[1].id]);
      assert.deepEqual(await ids({ at: { gt: new Date("9999-12-31T23:59:59.998Z") } }), [edges[0].id]);
    } finally {
      await Edge.objects.deleteWhere({ id: edges.map((row) => row.id as number) });
    }
  });

  it("item 7: criteria with such a bigint or date are an InvalidQueryError before any SQL", async () => {
    const criteria: object[] = [
      { big: MAX_I64 + 1n },
      { big: { in: [1n, MIN_I64 - 1n] } },
      { big: { notIn: [MAX_I64 + 1n] } },
      { big: { gt: MAX_I64 + 1n } },
      { big: { lt: MIN_I64 - 1n } },
      { at: YEAR_ZERO },
      { at: { in: [YEAR_10000] } },
      { at: { lt: YEAR_10000 } },
      { at: { gte: YEAR_ZERO } },
      { at: new Date(Number.NaN) },
    ];
    for (const c of criteria) {
      await rejects(() => Edge.objects.filter(c as never), InvalidQueryError);
      assert.deepEqual(
        await statementsOf(() => Edge.objects.filter(c as never)),
        [],
        JSON.stringify(c, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
      );
    }
  });

  it("item 8: in / notIn lists of 70,000 values bind one parameter and match exactly", async () => {
    const list = Array.from({ length: 70_000 }, (_, i) => i - 35_000);
    const inside = seeded.filter((row) => row.age !== null && list.includes(row.age)).map((row) => row.id);
    const outside = seeded.filter((row) => row.age !== null && !list.includes(row.age)).map((row) => row.id);
    const params: number[] = [];
    const stop = Edge.objects.onQuery((event) => params.push(event.params.length));
    try {
      assert.deepEqual(await ids({ age: { in: list } }), inside);
      assert.deepEqual(await ids({ age: list }), inside);
      assert.deepEqual(await ids({ age: { notIn: list } }), outside);
      assert.deepEqual(
        await ids({ not: { age: { in: list } } }),
        [...outside, seeded[0].id].sort((a, b) => a - b),
      );
      assert.equal(await Edge.objects.count({ big: { in: list.map(BigInt) } }), inside.length);
      assert.equal(await Edge.objects.count({ name: { in: list.map(String) } }), 0);
    } finally {
      stop();
    }
    assert.ok(
      params.length > 0 && params.every((n) => n <= 3),
      `parameters per statement: ${params.join(", ")}`,
    );
  });

  it("item 8: lists of every kind compare exactly (floats, 64-bit bigints, edge dates, awkward text)", async () => {
    const values = {
      score: [0.1, -0, 2 ** 60, 5055782134221503000, 1.7976931348623157e308, 5e-324, -1e-7],
      big: [MAX_I64, MIN_I64, 2n ** 53n + 1n, -1n],
      at: [FIRST_DAY, LAST_MOMENT, new Date("2024-02-29T12:34:56.789Z")],
      name: AWKWARD,
      flag: [true, false],
      tag: ["6f1c2a7e-8d4b-4c8e-9a3b-2f5e7d9c1b0a", "00000000-0000-4000-8000-000000000000"],
    } as const;
    const created: number[] = [];
    try {
      for (const [field, list] of Object.entries(values)) {
        const rows: number[] = [];
        for (const value of list)
          rows.push((await Edge.objects.create({ [field]: value } as never)).id as number);
        created.push(...rows);
        for (let i = 0; i < list.length; i++) {
          const value = list[i];
          const what = `${field} ${String(value)}`;
          assert.deepEqual(await ids({ id: rows, [field]: { in: [value] } }), [rows[i]], `in ${what}`);
          assert.deepEqual(
            await ids({ id: rows, [field]: { notIn: [value] } }),
            rows.filter((_, j) => j !== i),
            `notIn ${what}`,
          );
        }
        assert.deepEqual(await ids({ id: rows, [field]: { in: [...list] } }), rows, `${field} in all`);
      }
    } finally {
      if (created.length > 0) await Edge.objects.deleteWhere({ id: created });
    }
  });

  it("item 8: an or of 5,000 terms works; criteria binding more values than a statement takes are an InvalidQueryError naming the limit", async () => {
    const wide = Array.from({ length: 5_000 }, (_, i) => ({ age: i - 2_500 }));
    const expectedIds = seeded
      .filter((row) => row.age !== null && Math.abs(row.age + 0.5) <= 2_500)
      .map((row) => row.id);
    assert.deepEqual(await ids({ or: wide }), expectedIds);
    assert.deepEqual(
      await ids({ and: [{ or: wide }, { not: { or: wide.slice(0, 2_500) } }] }),
      expectedIds.filter((id) => {
        const age = seeded.find((row) => row.id === id)?.age as number;
        return age >= 0;
      }),
    );
    const tooWide = { or: Array.from({ length: 70_000 }, (_, i) => ({ age: i })) };
    await rejects(
      () => Edge.objects.filter(tooWide),
      InvalidQueryError,
      (error) => assert.match(error.message, /bind 70000 values, more than the \d+ one \w+ statement takes/),
    );
    assert.deepEqual(await statementsOf(() => Edge.objects.count(tooWide)), []);
  });

  it("item 9: UniqueConstraintError.fields names a field holding a quote, whatever the value holds", async () => {
    const value = "x' for key 'y' it's";
    await Quoted.objects.create({ "o'brien": value });
    await rejects(
      () => Quoted.objects.create({ "o'brien": value }),
      UniqueConstraintError,
      (error) => assert.deepEqual(error.fields, ["o'brien"]),
    );
  });

  it("item 10: get(NaN) and criteria messages show the value given", async () => {
    await rejects(
      () => Edge.objects.get(Number.NaN),
      InvalidQueryError,
      (error) => assert.match(error.message, /\(got NaN\)/),
    );
    await rejects(
      () => Edge.objects.get(Infinity),
      InvalidQueryError,
      (error) => assert.match(error.message, /\(got Infinity\)/),
    );
    await rejects(
      () => Edge.objects.filter({ at: new Date(Number.NaN) }),
      InvalidQueryError,
      (error) => assert.match(error.message, /Date\(invalid\)/),
    );
    await rejects(
      () => Edge.objects.filter({ age: { in: [1, Number.NaN] } }),
      InvalidQueryError,
      (error) => assert.match(error.message, /\(got NaN\)/),
    );
  });
});

describe("in lists and the statement cache", () => {
  it("item 8: the shape of an in / notIn list does not depend on its length", () => {
    const dialect = new SqliteDialect({ filename: ":memory:", memory: true });
    const fields = new Map(describeShape(z.object(shape)).map((field) => [field.name, field]));
    const compiler = new CriteriaCompiler(dialect, fields, "edge_values");
    const one = compiler.compile({ age: { in: [1, 2] }, name: { notIn: ["a", "b"] } });
    const many = compiler.compile({
      age: { in: Array.from({ length: 1_000 }, (_, i) => i) },
      name: { notIn: AWKWARD },
    });
    assert.equal(one.shape, many.shape);
    assert.equal(one.params.length, 2);
    assert.equal(many.params.length, 2);
    assert.equal(compiler.where(one.terms, 1), compiler.where(many.terms, 1));
  });
});

describe("MySQL duplicate-entry key names", () => {
  it("item 9: read from the end of the message, whatever quotes the field name and the value hold", () => {
    const dialect = new MysqlDialect(parseServerUrl("mysql://root@localhost/app", mysqlUrlRules));
    dialect.createTable({
      name: "edge_quoted",
      keyField: "id",
      uniqueFields: ["o'brien", "brien", "email"],
      columns: ["id", "o'brien", "brien", "email"].map((name) => ({
        name,
        kind: name === "id" ? "integer" : "string",
        nullable: false,
        primaryKey: name === "id",
        autoincrement: name === "id",
        unique: name !== "id",
        indexed: name !== "id",
      })),
    });
    const dup = (entry: string, key: string) =>
      dialect.classifyError({ errno: 1062, message: `Duplicate entry '${entry}' for key '${key}'` });
    for (const entry of ["x", "x' for key 'y", "it's", "a' for key 'brien_key"]) {
      for (const prefix of ["", "edge_quoted.", "it's.a table."]) {
        assert.deepEqual(dup(entry, `${prefix}o'brien_key`), {
          kind: "unique",
          constraint: "o'brien_key",
          columns: ["o'brien"],
        });
        assert.deepEqual(dup(entry, `${prefix}brien_key`), {
          kind: "unique",
          constraint: "brien_key",
          columns: ["brien"],
        });
        assert.deepEqual(dup(entry, `${prefix}PRIMARY`), {
          kind: "unique",
          constraint: "PRIMARY",
          primaryKey: true,
        });
      }
    }
    // A key this process did not create (an older table): the text after the last "for key '".
    assert.deepEqual(
      classifyMysqlError({ errno: 1062, message: "Duplicate entry 'a'b' for key 'd'arcy_key'" }, new Map()),
      {
        kind: "unique",
        constraint: "d'arcy_key",
        columns: ["d'arcy"],
      },
    );
  });
});

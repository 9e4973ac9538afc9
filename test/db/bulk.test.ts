// `bulkCreate` / `bulkUpsert` on every database: input order, chunking past the parameter limit,
// all-or-nothing with `rowIndex` (src/db/manager/bulk.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DuplicateKeyError, UniqueConstraintError, ValidationError } from "../../src/db/index.js";
import { eachDatabase, freshTables, isServer } from "../support/each-database.js";
import {
  compareValues,
  day,
  idsOf,
  queryModels,
  show,
  statementsDuring,
  userData,
} from "./fixtures/query-models.js";

eachDatabase("bulk writes", (target) => {
  const { User, Country, Wide } = queryModels(target.url, "qp_bulk");
  freshTables(User, Country, Wide);
  const server = isServer(target);
  describe("bulkCreate()", () => {
    it("returns instances with generated keys, in input order (managed integer key)", async () => {
      const input = [7, 3, 9, 1, 4].map((i) => userData(i));
      const created = await User.objects.bulkCreate(input);
      assert.equal(created.length, 5);
      assert.ok(created.every((u) => u instanceof User));
      assert.deepEqual(
        created.map((u) => u.name),
        input.map((u) => u.name),
      );
      assert.equal(new Set(idsOf(created)).size, 5);
      for (let i = 0; i < input.length; i++) {
        assert.equal(typeof created[i].id, "number");
        const stored = await User.objects.require(created[i].id as number);
        assert.equal(stored.email, input[i].email);
        assert.deepEqual(stored.toJSON(), created[i].toJSON());
      }
      assert.equal(await User.objects.count(), 5);
      // a created instance saves as an update of its row
      created[2].name = "renamed";
      await created[2].save();
      assert.equal((await User.objects.require(created[2].id as number)).name, "renamed");
      assert.equal(await User.objects.count(), 5);
    });

    it("returns instances in input order with a natural string key", async () => {
      const input = [
        { code: "ZW", name: "Zimbabwe", population: 3 },
        { code: "AD", name: "Andorra", population: 1 },
        { code: "FR", name: "France", population: 2 },
        { code: "BE", name: "Belgium", population: 4 },
      ];
      const created = await Country.objects.bulkCreate(input);
      assert.deepEqual(
        created.map((c) => c.code),
        ["ZW", "AD", "FR", "BE"],
      );
      assert.ok(created.every((c) => c instanceof Country));
      assert.deepEqual(
        (await Country.objects.all({ orderBy: "code" })).map((c) => c.toJSON()),
        [...input].sort((a, b) => compareValues(a.code, b.code)),
      );
    });

    it("chunks: chunkSize smaller than the row count", async () => {
      const input = Array.from({ length: 10 }, (_, i) => userData(i));
      const created = await User.objects.bulkCreate(input, { chunkSize: 3 });
      assert.deepEqual(
        created.map((u) => u.email),
        input.map((u) => u.email),
      );
      for (let i = 0; i < 10; i++) {
        assert.equal((await User.objects.require(created[i].id as number)).email, input[i].email);
      }
      assert.equal(await User.objects.count(), 10);
    });

    it("more parameters than one statement may carry (10 columns x many rows)", async () => {
      const count = server ? 7_000 : 4_000;
      const input = Array.from({ length: count }, (_, i) => ({
        c0: i,
        c1: i + 1,
        c2: i + 2,
        c3: i + 3,
        c4: i + 4,
        c5: i + 5,
        c6: i + 6,
        c7: i + 7,
        c8: i + 8,
        c9: -i,
      }));
      const created = await Wide.objects.bulkCreate(input);
      assert.equal(created.length, count);
      assert.equal(await Wide.objects.count(), count);
      const stored = new Map((await Wide.objects.all()).map((w) => [w.id, w.c0]));
      assert.equal(stored.size, count);
      for (let i = 0; i < count; i++) {
        assert.equal(created[i].c0, i);
        assert.equal(stored.get(created[i].id), i, `row ${i} got the key of another row`);
      }
    });

    it("empty input returns [] without a statement", async () => {
      const statements = await statementsDuring(
        User.objects,
        async () => {
          assert.deepEqual(await User.objects.bulkCreate([]), []);
          assert.deepEqual(await User.objects.bulkUpsert([]), []);
        },
        false,
      );
      assert.deepEqual(statements, []);
    });

    it("empty input returns []", async () => {
      assert.deepEqual(await User.objects.bulkCreate([]), []);
      assert.deepEqual(await Country.objects.bulkUpsert([]), []);
      assert.equal(await User.objects.count(), 0);
    });

    it("one transaction, multi-row INSERTs: one INSERT per chunk", async () => {
      const input = Array.from({ length: 10 }, (_, i) => userData(i));
      const all = await statementsDuring(
        User.objects,
        () => User.objects.bulkCreate(input, { chunkSize: 4 }),
        false,
      );
      const inserts = all.filter((sql) => /^\s*INSERT\b/i.test(sql));
      assert.equal(inserts.length, 3, show(all));
      assert.ok(
        all.some((sql) => /^\s*(BEGIN|START TRANSACTION)\b/i.test(sql)),
        `no BEGIN seen: ${show(all)}`,
      );
      assert.equal(await User.objects.count(), 10);
    });

    const snapshot = async () => (await User.objects.all({ orderBy: "id" })).map((u) => u.toJSON());

    it("a unique value taken by an existing row: UniqueConstraintError with rowIndex, nothing written", async () => {
      await User.objects.create({ ...userData(50), email: "taken@example.com" });
      const before = await snapshot();
      const input = [userData(0), userData(1), { ...userData(2), email: "taken@example.com" }, userData(3)];
      const error = await User.objects.bulkCreate(input).catch((e: unknown) => e);
      assert.ok(error instanceof UniqueConstraintError, String(error));
      assert.equal((error as { rowIndex?: number }).rowIndex, 2);
      assert.match(error.message, /^row 2: /);
      assert.deepEqual(error.fields, ["email"]);
      assert.deepEqual(await snapshot(), before);
    });

    it("a duplicate within the input, across chunks: rowIndex of the second occurrence, nothing written", async () => {
      const before = await snapshot();
      const input = Array.from({ length: 8 }, (_, i) => userData(i));
      input[6] = { ...input[6], email: input[1].email };
      const error = await User.objects.bulkCreate(input, { chunkSize: 2 }).catch((e: unknown) => e);
      assert.ok(error instanceof UniqueConstraintError, String(error));
      assert.equal((error as { rowIndex?: number }).rowIndex, 6);
      assert.match(error.message, /^row 6: /);
      assert.deepEqual(await snapshot(), before);
      assert.equal(await User.objects.count(), 0);
    });

    it("a duplicate natural key: DuplicateKeyError with rowIndex, nothing written", async () => {
      await Country.objects.create({ code: "FR", name: "France", population: 1 });
      const input = [
        { code: "AD", name: "Andorra", population: 1 },
        { code: "BE", name: "Belgium", population: 1 },
        { code: "CH", name: "Switzerland", population: 1 },
        { code: "FR", name: "Again", population: 1 },
        { code: "DE", name: "Germany", population: 1 },
      ];
      const error = await Country.objects.bulkCreate(input, { chunkSize: 2 }).catch((e: unknown) => e);
      assert.ok(error instanceof DuplicateKeyError, String(error));
      assert.equal((error as { rowIndex?: number }).rowIndex, 3);
      assert.match(error.message, /^row 3: /);
      assert.deepEqual(
        (await Country.objects.all()).map((c) => c.toJSON()),
        [{ code: "FR", name: "France", population: 1 }],
      );
      const inner = [input[0], input[1], input[0]];
      const again = await Country.objects.bulkCreate(inner).catch((e: unknown) => e);
      assert.ok(again instanceof DuplicateKeyError, String(again));
      assert.equal((again as { rowIndex?: number }).rowIndex, 2);
      assert.equal(await Country.objects.count(), 1);
      // the usual DuplicateKeyError names the colliding key (checked last: the rest must hold regardless)
      assert.equal(error.key, "FR", error.message);
    });

    it("an invalid row: ValidationError with rowIndex, nothing written", async () => {
      const input = [userData(0), userData(1), userData(2), { ...userData(3), name: 5 }, userData(4)];
      const error = await User.objects.bulkCreate(input as never).catch((e: unknown) => e);
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal((error as { rowIndex?: number }).rowIndex, 3);
      assert.match(error.message, /^row 3: /);
      assert.equal(await User.objects.count(), 0);
      const missing = [userData(0), { name: "no email", rank: 1, score: 1, active: true, joined: day(1) }];
      const error2 = await User.objects
        .bulkCreate(missing as never, { chunkSize: 1 })
        .catch((e: unknown) => e);
      assert.ok(error2 instanceof ValidationError, String(error2));
      assert.equal((error2 as { rowIndex?: number }).rowIndex, 1);
      assert.equal(await User.objects.count(), 0);
    });
  });

  describe("bulkUpsert()", () => {
    it("inserts new rows and updates existing ones by key and by unique field; returns keyed instances", async () => {
      const a = await User.objects.create({ ...userData(0), email: "a@example.com", name: "A" });
      const b = await User.objects.create({ ...userData(1), email: "b@example.com", name: "B" });
      b.name = "B2";
      b.rank = 3;
      const result = await User.objects.bulkUpsert([
        { ...userData(5), email: "a@example.com", name: "A2" },
        { ...userData(6), email: "c@example.com", name: "C" },
        b,
      ]);
      assert.equal(result.length, 3);
      assert.ok(result.every((u) => u instanceof User));
      assert.equal(result[0].id, a.id);
      assert.equal(result[2].id, b.id);
      assert.equal(typeof result[1].id, "number");
      assert.ok(result[1].id !== a.id && result[1].id !== b.id);
      assert.deepEqual(
        result.map((u) => u.name),
        ["A2", "C", "B2"],
      );
      const stored = await User.objects.all({ orderBy: "id" });
      assert.equal(stored.length, 3);
      assert.equal((await User.objects.require(a.id as number)).name, "A2");
      assert.equal((await User.objects.require(a.id as number)).rank, userData(5).rank);
      assert.equal((await User.objects.require(b.id as number)).name, "B2");
      assert.equal((await User.objects.require(b.id as number)).rank, 3);
      assert.equal((await User.objects.require(result[1].id as number)).email, "c@example.com");
    });

    it("natural key: updates by key, inserts new keys, in chunks", async () => {
      await Country.objects.create({ code: "FR", name: "France", population: 1 });
      const result = await Country.objects.bulkUpsert(
        [
          { code: "DE", name: "Germany", population: 2 },
          { code: "FR", name: "France2", population: 3 },
          { code: "IT", name: "Italy", population: 4 },
        ],
        { chunkSize: 2 },
      );
      assert.deepEqual(
        result.map((c) => c.code),
        ["DE", "FR", "IT"],
      );
      assert.deepEqual(
        (await Country.objects.all({ orderBy: "code" })).map((c) => c.toJSON()),
        [
          { code: "DE", name: "Germany", population: 2 },
          { code: "FR", name: "France2", population: 3 },
          { code: "IT", name: "Italy", population: 4 },
        ],
      );
    });

    it("all or nothing: an invalid row has rowIndex and nothing is written", async () => {
      await Country.objects.create({ code: "FR", name: "France", population: 1 });
      const error = await Country.objects
        .bulkUpsert(
          [
            { code: "FR", name: "Changed", population: 9 },
            { code: "DE", name: "Germany", population: 2 },
            { code: "ITA", name: "Italy", population: 4 },
          ],
          { chunkSize: 1 },
        )
        .catch((e: unknown) => e);
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal((error as { rowIndex?: number }).rowIndex, 2);
      assert.match(error.message, /^row 2: /);
      assert.deepEqual(
        (await Country.objects.all()).map((c) => c.toJSON()),
        [{ code: "FR", name: "France", population: 1 }],
      );
    });
  });
});

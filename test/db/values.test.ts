import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import { databaseRegistry, Model, ValidationError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("values", (target) => {
  const Item = databaseRegistry(target.url, { tableName: "values_items" })(
    class Item extends Model({
      id: z.int().nullable().default(null),
      count: z.int(),
      price: z.number(),
      active: z.boolean(),
      seenAt: z.date(),
      big: z.bigint(),
      size: z.enum(["s", "m", "l"]),
      note: z.string().nullable(),
      nickname: z.string().optional(),
      tags: z.array(z.string()),
      meta: z.object({ a: z.number(), nested: z.object({ b: z.array(z.boolean()) }) }),
      ref: z.uuid().nullable().default(null),
    }) {},
  );

  freshTables(Item);

  const sample = {
    count: 2 ** 53 - 1,
    price: 19.99,
    active: true,
    seenAt: new Date("2024-02-29T12:34:56.789Z"),
    big: -(2n ** 63n),
    size: "m" as const,
    note: null,
    tags: ["a", "b", ""],
    meta: { a: 1.5, nested: { b: [true, false] } },
    ref: "0b6c4a37-9a43-4f8a-a7a5-3f0b5b2f6e11",
  };

  it("values round-trip with exact types", async () => {
    const created = await Item.objects.create(sample);
    const row = await Item.objects.require(created.id as number);
    assert.equal(row.count, 2 ** 53 - 1);
    assert.equal(typeof row.count, "number");
    assert.equal(row.price, 19.99);
    assert.equal(row.active, true);
    assert.ok(row.seenAt instanceof Date);
    assert.equal(row.seenAt.toISOString(), "2024-02-29T12:34:56.789Z");
    assert.equal(row.big, -(2n ** 63n));
    assert.equal(typeof row.big, "bigint");
    assert.equal(row.size, "m");
    assert.equal(row.note, null);
    assert.equal(row.nickname, undefined);
    assert.deepEqual(row.tags, ["a", "b", ""]);
    assert.deepEqual(row.meta, { a: 1.5, nested: { b: [true, false] } });
    assert.equal(row.ref, "0b6c4a37-9a43-4f8a-a7a5-3f0b5b2f6e11");
  });

  it("false, zero, empty and max bigint values survive too", async () => {
    const created = await Item.objects.create({
      ...sample,
      count: 0,
      price: -0.5,
      active: false,
      big: 2n ** 63n - 1n,
      note: "",
      nickname: "nick",
      tags: [],
      meta: { a: 0, nested: { b: [] } },
    });
    const row = await Item.objects.require(created.id as number);
    assert.equal(row.count, 0);
    assert.equal(row.price, -0.5);
    assert.equal(row.active, false);
    assert.equal(row.big, 2n ** 63n - 1n);
    assert.equal(row.note, "");
    assert.equal(row.nickname, "nick");
    assert.deepEqual(row.tags, []);
  });

  it("criteria on typed values: booleans, dates, bigints, enums, lists", async () => {
    await Item.objects.create(sample);
    await Item.objects.create({ ...sample, active: false, size: "l", big: 5n, seenAt: new Date(0) });
    assert.equal(await Item.objects.count({ active: true }), 1);
    assert.equal(await Item.objects.count({ active: false }), 1);
    assert.equal(await Item.objects.count({ seenAt: new Date(0) }), 1);
    assert.equal(await Item.objects.count({ big: 5n }), 1);
    assert.equal(await Item.objects.count({ big: [5n, -(2n ** 63n)] }), 2);
    assert.equal(await Item.objects.count({ size: ["s", "l"] }), 1);
    assert.equal(await Item.objects.count({ note: null }), 2);
  });

  it("a row that breaks the model surfaces as ValidationError", async () => {
    const Loose = databaseRegistry(target.url, { tableName: "values_loose" })(
      class Loose extends Model({ id: z.int().nullable().default(null), score: z.int() }) {},
    );
    const Strict = databaseRegistry(target.url, { tableName: "values_loose", autoCreate: false })(
      class Strict extends Model({ id: z.int().nullable().default(null), score: z.int().max(10) }) {},
    );
    await Loose.dropSchema();
    await Loose.createSchema();
    await Loose.objects.create({ score: 99 });
    const error = await Strict.objects.get(1).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.match(error.message, /read back/);
    await Loose.dropSchema();
  });
});

/**
 * migrationSql on every database: a model history v1 -> v2 -> v3 (add a table, a column with a
 * default, an index, a foreign key; drop a column; rename by hint; change a type and a foreign
 * key's onDelete; drop a table) applied statement by statement leaves the diff clean and the rows
 * written at v1 readable at v3; and, as properties, any random model diffs clean once created, and
 * migrating any random model to any other leaves the diff clean.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import {
  BelongsTo,
  databaseRegistry,
  diffSchema,
  Model,
  migrationSql,
  type SchemaDiff,
} from "../../src/db/index.js";
import { eachDatabase } from "../support/each-database.js";
import { applySql, dropTables, kinds, ours } from "./fixtures/schema-support.js";

eachDatabase("migrationSql", { timeout: 240_000 }, (target) => {
  const url = target.url;
  const P = "sm_";
  const R = "smr_random"; // the property tests' one table

  /** Applies the changes of this suite's tables and returns the statements. */
  async function migrate(diff: SchemaDiff, prefix = P): Promise<string[]> {
    const statements = migrationSql(ours(diff, prefix), diff.dialect);
    await applySql(url, statements);
    return statements;
  }

  it("v1 -> v2 -> v3: every step applies, diffs clean, and v1's rows are readable at v3", async () => {
    await dropTables(url, [`${P}orders`, `${P}legacy`, `${P}customers`]);

    // v1: customers, and a legacy table.
    class Customer1 extends Model({
      id: z.int().nullable().default(null),
      name: z.string(),
      email: z.string(),
    }) {}
    databaseRegistry(url, { tableName: `${P}customers`, uniqueFields: ["email"] })(Customer1);
    class Legacy1 extends Model({ id: z.int().nullable().default(null), payload: z.string() }) {}
    databaseRegistry(url, { tableName: `${P}legacy` })(Legacy1);
    await Customer1.objects.createSchema();
    await Legacy1.objects.createSchema();
    await Customer1.objects.create({ name: "Ada", email: "ada@example.com" });
    await Customer1.objects.create({ name: "Grace", email: "grace@example.com" });

    // v2: a column with a default and an index on customers; a new orders table with a foreign key.
    class Customer2 extends Model({
      id: z.int().nullable().default(null),
      name: z.string(),
      email: z.string(),
      tier: z.string().default("basic"),
    }) {}
    databaseRegistry(url, {
      tableName: `${P}customers`,
      uniqueFields: ["email"],
      indexes: [["tier", "name"]],
      autoCreate: false,
    })(Customer2);
    class Order2 extends Model({
      id: z.int().nullable().default(null),
      customer_id: z.int(),
      total: z.int(),
      note: z.string().nullable(),
    }) {
      @BelongsTo(() => Customer2, { localKey: "customer_id", onDelete: "restrict" })
      accessor customer!: Promise<Customer2 | null>;
    }
    databaseRegistry(url, { tableName: `${P}orders`, autoCreate: false })(Order2);
    const v2 = await diffSchema([Customer2, Order2, Legacy1], url);
    const mysql = target.name === "mysql";
    assert.deepEqual(kinds(ours(v2, P)).sort(), [
      `addColumn ${P}customers.tier`,
      // MariaDB/MySQL: a plain index on LONGTEXT strings covers a prefix, so no column changes type.
      `addIndex ${P}customers(tier,name)`,
      `createTable ${P}orders`,
    ]);
    const index = ours(v2, P).find((c) => c.kind === "addIndex");
    assert.deepEqual(
      index?.kind === "addIndex" ? index.index.prefixes : "?",
      mysql ? { tier: 255, name: 255 } : undefined,
    );
    assert.deepEqual(
      ours(v2, P)
        .filter((c) => c.destructive)
        .map((c) => c.kind),
      [],
    );
    await migrate(v2);
    assert.deepEqual(kinds(ours(await diffSchema([Customer2, Order2, Legacy1], url), P)), []);
    const ada = await Customer2.objects.require({ email: "ada@example.com" });
    assert.equal(ada.tier, "basic", "the rows written at v1 got the new column's default");
    await Order2.objects.create({ customer_id: ada.id as number, total: 30, note: "first" });
    await Order2.objects.create({ customer_id: ada.id as number, total: 12, note: null });

    // v3: rename name -> full_name (hinted) while tier's default and the index change (SQLite
    // rebuilds the table, after the rename), drop orders.note, total becomes a float, the key cascades, and the legacy
    // table goes.
    class Customer3 extends Model({
      id: z.int().nullable().default(null),
      full_name: z.string(),
      email: z.string(),
      tier: z.string().default("gold"),
    }) {}
    databaseRegistry(url, {
      tableName: `${P}customers`,
      uniqueFields: ["email"],
      indexes: [["full_name", "tier"]],
      autoCreate: false,
    })(Customer3);
    class Order3 extends Model({
      id: z.int().nullable().default(null),
      customer_id: z.int(),
      total: z.number(),
    }) {
      @BelongsTo(() => Customer3, { localKey: "customer_id", onDelete: "cascade" })
      accessor customer!: Promise<Customer3 | null>;
    }
    databaseRegistry(url, { tableName: `${P}orders`, autoCreate: false })(Order3);
    const unhinted = await diffSchema([Customer3, Order3], url);
    assert.deepEqual(
      unhinted.possibleRenames.filter((r) => r.table.startsWith(P)),
      [{ table: `${P}customers`, from: "name", to: "full_name" }],
    );
    const v3 = await diffSchema([Customer3, Order3], url, {
      renames: [{ table: `${P}customers`, from: "name", to: "full_name" }],
    });
    assert.deepEqual(kinds(ours(v3, P)).sort(), [
      `addForeignKey ${P}orders(customer_id) cascade`,
      `addIndex ${P}customers(full_name,tier)`,
      `alterColumn ${P}customers.tier default`,
      `alterColumn ${P}orders.total type`,
      `dropColumn ${P}orders.note`,
      `dropForeignKey ${P}orders(customer_id) restrict`,
      `dropIndex ${P}customers(tier,full_name)`,
      `dropTable ${P}legacy`,
      `renameColumn ${P}customers.name->full_name`,
    ]);
    assert.deepEqual(
      ours(v3, P)
        .filter((c) => c.destructive)
        .map((c) => c.kind)
        .sort(),
      ["dropColumn", "dropTable"],
      "widening an integer to a float keeps every value",
    );
    await migrate(v3);
    assert.deepEqual(kinds(ours(await diffSchema([Customer3, Order3], url), P)), []);

    const people = await Customer3.objects.all({ orderBy: "id" });
    assert.deepEqual(
      people.map((c) => [c.full_name, c.email, c.tier]),
      [
        ["Ada", "ada@example.com", "basic"],
        ["Grace", "grace@example.com", "basic"],
      ],
    );
    const orders = await Order3.objects.all({ orderBy: "id" });
    assert.deepEqual(
      orders.map((o) => [o.customer_id, o.total]),
      [
        [ada.id, 30],
        [ada.id, 12],
      ],
    );
    await Customer3.objects.delete(ada.id as number);
    assert.equal(await Order3.objects.count(), 0, "the migrated foreign key cascades");
  });

  // ------------------------------------------------------------------ properties

  const KINDS = {
    int: () => z.int(),
    float: () => z.number(),
    bool: () => z.boolean(),
    text: () => z.string(),
    date: () => z.date(),
    big: () => z.bigint(),
    uuid: () => z.uuid(),
    json: () => z.object({ a: z.int() }),
    choice: () => z.enum(["x", "y"]),
  } as const;
  const DEFAULTS: Record<keyof typeof KINDS, unknown> = {
    int: 7,
    float: 2.5,
    bool: false,
    text: "o'k",
    date: undefined,
    big: 9n,
    uuid: undefined,
    json: undefined,
    choice: "y",
  };
  type Kind = keyof typeof KINDS;
  const column = fc.record({
    kind: fc.constantFrom(...(Object.keys(KINDS) as Kind[])),
    mode: fc.constantFrom("required", "nullable", "default"),
    index: fc.boolean(),
  });
  const shape = fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), column, { minKeys: 1, maxKeys: 5 });

  let version = 0;
  function modelOf(columns: Record<string, { kind: Kind; mode: string; index: boolean }>) {
    const fields: Record<string, z.ZodType> = { id: z.int().nullable().default(null) };
    for (const [name, spec] of Object.entries(columns)) {
      let field: z.ZodType = KINDS[spec.kind]();
      if (spec.index && spec.kind !== "json") field = field.meta({ index: true });
      const fallback = DEFAULTS[spec.kind];
      if (spec.mode === "nullable") field = field.nullable();
      else if (spec.mode === "default" && fallback !== undefined)
        field = (field as z.ZodAny).default(fallback);
      fields[name] = field;
    }
    version++;
    const model = class extends Model(fields) {};
    Object.defineProperty(model, "name", { value: `Random${version}` });
    databaseRegistry(url, { tableName: R, autoCreate: false })(model);
    return model;
  }

  const runs = Number(process.env.SCHEMA_RUNS ?? (target.name.startsWith("sqlite") ? 30 : 8));

  it("property: a random model diffs clean once created", async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (columns) => {
        await dropTables(url, [R]);
        const model = modelOf(columns);
        await model.objects.createSchema();
        assert.deepEqual(kinds(ours(await diffSchema([model], url), R)), []);
      }),
      { numRuns: runs },
    );
  });

  it("property: migrating any random model to any other leaves the diff clean", async () => {
    await fc.assert(
      fc.asyncProperty(shape, shape, async (before, after) => {
        await dropTables(url, [R]);
        const from = modelOf(before);
        await from.objects.createSchema();
        const to = modelOf(after);
        const statements = await migrate(await diffSchema([to], url), R);
        const left = ours(await diffSchema([to], url), R);
        assert.deepEqual(kinds(left), [], statements.join(";\n"));
      }),
      { numRuns: runs },
    );
  });
});

eachDatabase("SQLite table rebuilds", { only: ["sqlite-file", "sqlite-memory"] }, (target) => {
  const url = target.url;

  it("a rebuild of a referenced table run inside a transaction stops before losing a row", async () => {
    await dropTables(url, ["smg_children", "smg_parents"]);
    class Parent1 extends Model({ id: z.int().nullable().default(null), n: z.int() }) {}
    databaseRegistry(url, { tableName: "smg_parents" })(Parent1);
    class Child extends Model({ id: z.int().nullable().default(null), parent_id: z.int() }) {
      @BelongsTo(() => Parent1, { localKey: "parent_id", onDelete: "cascade" })
      accessor parent!: Promise<Parent1 | null>;
    }
    databaseRegistry(url, { tableName: "smg_children" })(Child);
    await Child.objects.createSchema();
    const parent = await Parent1.objects.create({ n: 1 });
    await Child.objects.create({ parent_id: parent.id as number });
    class Parent2 extends Model({ id: z.int().nullable().default(null), n: z.number() }) {}
    databaseRegistry(url, { tableName: "smg_parents", autoCreate: false })(Parent2);
    const statements = migrationSql(ours(await diffSchema([Parent2, Child], url), "smg_"), "sqlite");
    assert.equal(statements[0], "PRAGMA foreign_keys = OFF");
    assert.equal(statements.at(-1), "PRAGMA foreign_keys = ON");
    // Inside a transaction SQLite ignores the PRAGMA: the guard fails the migration, nothing is lost.
    await assert.rejects(
      Parent1.objects.transaction(async () => {
        await applyOnTransaction(Parent1, statements);
      }),
      /run_pragma_foreign_keys_off_outside_the_transaction/,
    );
    assert.equal(await Child.objects.count(), 1);
    // Outside a transaction the rebuild applies and keeps the referencing row.
    await applySql(url, statements);
    assert.equal(await Child.objects.count(), 1);
    assert.deepEqual(kinds(ours(await diffSchema([Parent2, Child], url), "smg_")), []);
  });
});

/** Runs statements on the transaction's own connection (as a migration runner would). */
async function applyOnTransaction(model: { objects: unknown }, statements: readonly string[]): Promise<void> {
  const { transactionConnection } = await import("../../src/db/transaction.js");
  const engine = (model.objects as { engine: Parameters<typeof transactionConnection>[0] }).engine;
  const connection = transactionConnection(engine);
  assert.ok(connection !== undefined);
  for (const sql of statements) await connection.exec(sql);
}

/**
 * diffSchema on every database: tables created by registers (autoCreate) diff clean, every kind of
 * change is detected with the right `destructive` flag, renames are only ever possible renames
 * unless hinted, and assertSchemaCurrent names every difference.
 */
import assert from "node:assert/strict";
import { beforeEach, it } from "node:test";
import { z } from "zod";
import { engineFor } from "../../src/db/engine.js";
import {
  assertSchemaCurrent,
  BelongsTo,
  ConfigurationError,
  databaseRegistry,
  diffSchema,
  MIGRATIONS_TABLE,
  Model,
  migrationSql,
  SchemaDriftError,
} from "../../src/db/index.js";
import { eachDatabase } from "../support/each-database.js";
import { queryModels } from "./fixtures/query-models.js";
import { applySql, dropTables, kinds, ours } from "./fixtures/schema-support.js";

eachDatabase("diffSchema", (target) => {
  const url = target.url;
  const P = "sdiff_";

  class Kinds extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    email: z.string(),
    age: z.int().default(18),
    score: z.number().nullable(),
    ratio: z.number().default(0.5),
    active: z.boolean().default(true),
    role: z.enum(["admin", "member"]).default("member"),
    born: z.date().nullable(),
    profile: z.object({ city: z.string() }).nullable(),
    big: z.bigint().nullable(),
    ref: z.uuid().nullable(),
    tag: z.string().meta({ index: true }).nullable(),
    note: z.string().default("it's \\ fine"),
  }) {}
  databaseRegistry(url, {
    tableName: `${P}kinds`,
    uniqueFields: ["email"],
    indexes: [
      ["name", "age"],
      { fields: ["ref"], unique: true },
      { fields: ["born"], name: `${P}kinds_born` },
    ],
  })(Kinds);

  class Folder extends Model({
    id: z.int().nullable().default(null),
    title: z.string(),
    parent_id: z.int().nullable(),
  }) {
    @BelongsTo(() => Folder, { localKey: "parent_id", onDelete: "cascade" })
    accessor parent!: Promise<Folder | null>;
  }
  databaseRegistry(url, { tableName: `${P}folders` })(Folder);

  class Doc extends Model({ id: z.string(), folder_id: z.int(), owner: z.string().nullable() }) {
    @BelongsTo(() => Folder, { localKey: "folder_id", onDelete: "restrict" })
    accessor folder!: Promise<Folder | null>;
    @BelongsTo(() => Kinds, { localKey: "owner", targetKey: "email" })
    accessor ownerRow!: Promise<Kinds | null>;
  }
  databaseRegistry(url, { tableName: `${P}docs`, keyField: "id" })(Doc);

  const shared = queryModels(url, `${P}q`);
  /** Reads the catalog on the driver directly (raw SQL through `database()` would create tables). */
  const catalog = async (sql: string) => await (await engineFor(url).open()).prepare(sql).all([]);
  const all = [Kinds, Folder, Doc, shared.User, shared.Country, shared.Wide] as const;

  beforeEach(async () => {
    await dropTables(url, [
      `${P}docs`,
      `${P}folders`,
      `${P}kinds`,
      `${P}notes`,
      `${P}q_users`,
      `${P}q_countries`,
      `${P}q_wide`,
    ]);
  });

  it("diffs clean after autoCreate, for every kind of column, index and foreign key", async () => {
    await Doc.objects.createSchema(); // creates folders (referenced) first, then docs
    await Kinds.objects.createSchema();
    for (const model of [shared.User, shared.Country, shared.Wide]) await model.objects.createSchema();
    const diff = await diffSchema(all, url);
    assert.deepEqual(kinds(ours(diff, P)), []);
    assert.equal(diff.dialect, target.name.startsWith("sqlite") ? "sqlite" : target.name);
  });

  it("creates the declared indexes: a model without them sees each as a drop", async () => {
    await Kinds.objects.createSchema();
    class Bare extends Model(Kinds.schema.shape) {}
    databaseRegistry(url, { tableName: `${P}kinds`, uniqueFields: ["email"], autoCreate: false })(Bare);
    const mine = ours(await diffSchema([Bare], url), P);
    const drops = kinds(mine.filter((c) => c.kind === "dropIndex")).sort();
    // `tag` keeps its index: Bare has the same schema, and so its `.meta({ index: true })`.
    assert.deepEqual(drops, [
      `dropIndex ${P}kinds(born)`,
      `dropIndex ${P}kinds(name,age)`,
      `dropIndex ${P}kinds(ref) unique`,
    ]);
    const other = mine.filter(
      (c) => c.kind !== "dropIndex" && !(c.kind === "alterColumn" && target.name === "mysql"),
    );
    assert.deepEqual(kinds(other), [], "on MariaDB the unindexed strings also become LONGTEXT again");
  });

  it("refuses indexes on unknown fields, empty or repeated", () => {
    const shape = { id: z.int().nullable().default(null), a: z.string() };
    for (const indexes of [[["nope"]], [[]], [["a", "a"]], [{ fields: ["a"], name: "" }]]) {
      assert.throws(
        () =>
          databaseRegistry(url, { tableName: `${P}bad`, indexes: indexes as never })(
            class extends Model(shape) {},
          ),
        ConfigurationError,
        JSON.stringify(indexes),
      );
    }
  });

  it("reports a missing table and a table no model defines", async () => {
    await Kinds.objects.createSchema();
    const diff = await diffSchema([Folder], url);
    const mine = ours(diff, P);
    assert.deepEqual(kinds(mine).sort(), [`createTable ${P}folders`, `dropTable ${P}kinds`]);
    assert.equal(mine.find((c) => c.kind === "dropTable")?.destructive, true);
    assert.equal(mine.find((c) => c.kind === "createTable")?.destructive, false);
    assert.equal(diff.clean, false);
  });

  it("detects added, dropped and altered columns, indexes and foreign keys", async () => {
    await Doc.objects.createSchema();
    // The same tables, as a later version of the models would have them.
    class Folder2 extends Model({
      id: z.int().nullable().default(null),
      title: z.string().nullable(),
      parent_id: z.int().nullable(),
      color: z.string().default("red"),
      size: z.int(),
    }) {}
    databaseRegistry(url, {
      tableName: `${P}folders`,
      autoCreate: false,
      indexes: [{ fields: ["title"], unique: true }],
    })(Folder2);
    class Doc2 extends Model({ id: z.string(), folder_id: z.int(), owner: z.number().nullable() }) {
      @BelongsTo(() => Folder2, { localKey: "folder_id", onDelete: "cascade" })
      accessor folder!: Promise<Folder2 | null>;
    }
    databaseRegistry(url, { tableName: `${P}docs`, keyField: "id", autoCreate: false })(Doc2);
    const mine = ours(await diffSchema([Folder2, Doc2], url), P);
    const byKind = (kind: string) => kinds(mine.filter((c) => c.kind === kind)).sort();
    assert.deepEqual(byKind("addColumn"), [`addColumn ${P}folders.color`, `addColumn ${P}folders.size`]);
    assert.deepEqual(byKind("alterColumn"), [
      `alterColumn ${P}docs.owner type`,
      // MariaDB/MySQL index a string as VARCHAR(255): the new unique index changes its type too.
      `alterColumn ${P}folders.title ${target.name === "mysql" ? "type+nullability" : "nullability"}`,
    ]);
    assert.deepEqual(byKind("addIndex"), [`addIndex ${P}folders(title) unique`]);
    assert.deepEqual(byKind("dropIndex"), [`dropIndex ${P}docs(owner)`, `dropIndex ${P}folders(parent_id)`]);
    assert.deepEqual(byKind("dropForeignKey"), [
      `dropForeignKey ${P}docs(folder_id) restrict`,
      `dropForeignKey ${P}folders(parent_id) cascade`,
    ]);
    assert.deepEqual(byKind("addForeignKey"), [`addForeignKey ${P}docs(folder_id) cascade`]);
    const destructive = (line: string) => mine[kinds(mine).indexOf(line)]?.destructive;
    assert.equal(destructive(`addColumn ${P}folders.color`), false, "a column with a default is safe");
    assert.equal(destructive(`addColumn ${P}folders.size`), true, "NOT NULL without a default");
    assert.equal(destructive(`alterColumn ${P}docs.owner type`), true, "text to number narrows");
    const title = mine.find((c) => c.kind === "alterColumn" && c.column === "title");
    assert.equal(
      title?.destructive,
      target.name === "mysql",
      "allowing NULL is safe; LONGTEXT to VARCHAR narrows",
    );
    for (const change of mine) assert.ok(change.summary.length > 0 && !change.summary.includes("\n"));
  });

  it("adding a plain index to an unbounded string is an addIndex only (MariaDB: a 255-character prefix)", async () => {
    const table = `${P}notes`;
    const shape = { id: z.int().nullable().default(null) };
    class V1 extends Model({ ...shape, title: z.string() }) {}
    databaseRegistry(url, { tableName: table })(V1);
    class ByOption extends Model({ ...shape, title: z.string() }) {}
    databaseRegistry(url, { tableName: table, indexes: [["title"]] })(ByOption);
    class ByMeta extends Model({ ...shape, title: z.string().meta({ index: true }) }) {}
    databaseRegistry(url, { tableName: table })(ByMeta);
    await V1.objects.createSchema();
    await V1.objects.create({ title: "x".repeat(300) });
    for (const model of [ByMeta, ByOption]) {
      const diff = await diffSchema([model], url);
      const mine = ours(diff, P);
      assert.deepEqual(kinds(mine), [`addIndex ${table}(title)`], model.name);
      const [add] = mine;
      assert.equal(add?.destructive, false);
      const prefix = add?.kind === "addIndex" ? add.index.prefixes?.title : "?";
      assert.equal(prefix, target.name === "mysql" ? 255 : undefined);
      if (model === ByMeta) continue;
      await applySql(url, migrationSql(mine, diff.dialect));
      assert.deepEqual(kinds(ours(await diffSchema([model], url), P)), [], "migrated: clean");
    }
    assert.equal((await ByMeta.objects.filter({ title: "x".repeat(300) }))[0]?.title.length, 300);
    // A table created with the index (autoCreate) diffs clean against both forms too.
    await dropTables(url, [table]);
    await ByMeta.objects.createSchema();
    for (const model of [ByOption, ByMeta])
      assert.deepEqual(kinds(ours(await diffSchema([model], url), P)), []);
    if (target.name === "mysql") {
      const [column] = await catalog(`SELECT c.data_type AS type, s.sub_part AS prefix
        FROM information_schema.columns c JOIN information_schema.statistics s
          ON s.table_schema = c.table_schema AND s.table_name = c.table_name AND s.column_name = c.column_name
        WHERE c.table_schema = DATABASE() AND c.table_name = '${table}' AND c.column_name = 'title'`);
      assert.deepEqual(
        { type: column?.type, prefix: Number(column?.prefix) },
        { type: "longtext", prefix: 255 },
      );
    }
  });

  it("keeps a unique index on a string whole: MariaDB bounds the column instead of indexing a prefix", async () => {
    class Unique extends Model({ id: z.int().nullable().default(null), code: z.string() }) {}
    databaseRegistry(url, { tableName: `${P}kinds`, indexes: [{ fields: ["code"], unique: true }] })(Unique);
    await Unique.objects.createSchema();
    assert.deepEqual(kinds(ours(await diffSchema([Unique], url), P)), []);
    if (target.name === "mysql") {
      const [column] = await catalog(`SELECT column_type AS type FROM information_schema.columns
        WHERE table_schema = DATABASE() AND table_name = '${P}kinds' AND column_name = 'code'`);
      assert.equal(column?.type, "varchar(255)");
      await Unique.objects.create({ code: "a".repeat(255) });
      await assert.rejects(Unique.objects.create({ code: "a".repeat(256) }));
    }
  });

  it("never guesses a rename: a drop and an add of one type are a possible rename until hinted", async () => {
    await Folder.objects.createSchema();
    class Renamed extends Model({
      id: z.int().nullable().default(null),
      name: z.string(),
      parent_id: z.int().nullable(),
    }) {}
    databaseRegistry(url, { tableName: `${P}folders`, autoCreate: false })(Renamed);
    const plain = await diffSchema([Renamed], url);
    const mine = kinds(ours(plain, P));
    assert.ok(mine.includes(`dropColumn ${P}folders.title`) && mine.includes(`addColumn ${P}folders.name`));
    assert.ok(!mine.some((line) => line.startsWith("renameColumn")));
    assert.deepEqual(
      plain.possibleRenames.filter((r) => r.table.startsWith(P)),
      [{ table: `${P}folders`, from: "title", to: "name" }],
    );
    const hinted = await diffSchema([Renamed], url, {
      renames: [{ table: `${P}folders`, from: "title", to: "name" }],
    });
    const hintedMine = ours(hinted, P);
    assert.deepEqual(
      kinds(hintedMine).filter((k) => !k.includes("parent_id")),
      [`renameColumn ${P}folders.title->name`],
    );
    assert.equal(hintedMine[0]?.destructive, false);
  });

  it("flags narrowing types and NOT NULL without a default as destructive", async () => {
    await Kinds.objects.createSchema();
    class Narrow extends Model({
      id: z.int().nullable().default(null),
      name: z.int(), // text -> integer
      email: z.string(),
      age: z.int(), // NOT NULL, and no default any more
      score: z.number().default(1), // NOT NULL with a default: existing NULLs get it
      ratio: z.number().default(0.5),
      active: z.boolean().default(true),
      role: z.enum(["admin", "member"]).default("member"),
      born: z.date().nullable(),
      profile: z.object({ city: z.string() }).nullable(),
      big: z.bigint().nullable(),
      ref: z.uuid().nullable(),
      tag: z.string().meta({ index: true }).nullable(),
      note: z.string().default("it's \\ fine"),
    }) {}
    databaseRegistry(url, {
      tableName: `${P}kinds`,
      autoCreate: false,
      uniqueFields: ["email"],
      indexes: [
        ["name", "age"],
        { fields: ["ref"], unique: true },
        { fields: ["born"], name: `${P}kinds_born` },
      ],
    })(Narrow);
    const mine = ours(await diffSchema([Narrow], url), P).filter((c) => c.kind === "alterColumn");
    const line = (column: string) => mine.find((c) => c.kind === "alterColumn" && c.column === column);
    assert.equal(line("name")?.destructive, true);
    assert.deepEqual(
      line("age")?.kind === "alterColumn" && [...line("age")!.changes].sort(),
      ["default", "nullability"].sort(),
    );
    assert.equal(line("age")?.destructive, true);
    assert.equal(line("score")?.destructive, false);
    assert.equal(mine.length, 3, kinds(mine).join("; "));
  });

  it("ignores the migrations ledger table", {
    skip: !target.name.startsWith("sqlite") && "shared server database",
  }, async () => {
    // Only on this test file's own SQLite databases: the server ones are shared with the runner's tests.
    await applySql(url, [`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY)`]);
    const diff = await diffSchema([], url);
    assert.ok(!diff.changes.some((c) => c.table === MIGRATIONS_TABLE));
    await applySql(url, [`DROP TABLE ${MIGRATIONS_TABLE}`]);
  });

  it("assertSchemaCurrent names every difference in its message and changes", async () => {
    await Folder.objects.createSchema();
    await assertSchemaCurrent([Folder, Kinds], url).then(
      () => assert.fail("expected SchemaDriftError"),
      (error: unknown) => {
        assert.ok(error instanceof SchemaDriftError);
        assert.equal(error.code, "REGISTERS_SCHEMA_DRIFT");
        assert.ok(error.changes.some((c) => c.kind === "createTable" && c.table === `${P}kinds`));
        for (const change of error.changes) assert.ok(error.message.includes(change.summary), change.summary);
      },
    );
  });

  it("refuses a model that is not registered, and a setNull key that cannot be null", async () => {
    class Loose extends Model({ id: z.int() }) {}
    await assert.rejects(diffSchema([Loose], url), ConfigurationError);
    class Strict extends Model({ id: z.int().nullable().default(null), folder_id: z.int() }) {
      @BelongsTo(() => Folder, { localKey: "folder_id", onDelete: "setNull" })
      accessor folder!: Promise<Folder | null>;
    }
    databaseRegistry(url, { tableName: `${P}strict` })(Strict);
    await assert.rejects(Strict.objects.createSchema(), /setNull/);
    await assert.rejects(diffSchema([Strict], url), ConfigurationError);
  });
});

// The model history of issue 15 on SQLite, PostgreSQL and MariaDB, through the real command:
// v1 (users) -> v2 (add a table, a column with a default, an index) -> v3 (add a foreign key, drop a
// column with --allow-destructive, a rename confirmed by flag). `generate` writes each migration,
// `migrate` applies it, `check` ends clean, and the rows written at v1 are read through the v3 models.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, ensureBuilt, freshDatabase, makeProject, query, targets, writeFiles } from "./_support.js";

ensureBuilt();

const CONFIG = `import { defineConfig } from "registers/migrate";
export default defineConfig({ models: ["./models.ts"], migrations: "./migrations" });
`;

const head = `import { z } from "zod";
import { BelongsTo, Model, databaseRegistry } from "registers/db";
const url = process.env.DATABASE_URL ?? "app.db";
`;

const V1 = `${head}
@databaseRegistry(url, { tableName: "users", autoCreate: false })
export class User extends Model({
  id: z.int().nullable().default(null),
  name: z.string().max(100),
  nickname: z.string().max(100).nullable().default(null),
}) {}
`;

const V2 = `${head}
@databaseRegistry(url, { tableName: "users", autoCreate: false, indexes: [["name"]] })
export class User extends Model({
  id: z.int().nullable().default(null),
  name: z.string().max(100),
  nickname: z.string().max(100).nullable().default(null),
  active: z.boolean().default(true),
}) {}

@databaseRegistry(url, { tableName: "orders", autoCreate: false })
export class Order extends Model({
  id: z.int().nullable().default(null),
  user_id: z.int(),
  total: z.number().default(0),
}) {}
`;

const V3 = `${head}
@databaseRegistry(url, { tableName: "users", autoCreate: false, indexes: [["fullName"]] })
export class User extends Model({
  id: z.int().nullable().default(null),
  fullName: z.string().max(100),
  active: z.boolean().default(true),
}) {}

@databaseRegistry(url, { tableName: "orders", autoCreate: false })
export class Order extends Model({
  id: z.int().nullable().default(null),
  user_id: z.int(),
  total: z.number().default(0),
}) {
  @BelongsTo(() => User, { localKey: "user_id", onDelete: "restrict" }) accessor user!: Promise<User | null>;
}
`;

/** Reads every user (and order) through the project's current models, as JSON. */
const READ = `import { User } from "./models.ts";
const users = await User.objects.all({ orderBy: "id" });
console.log(JSON.stringify(users.map((u) => u.toJSON())));
process.exit(0);
`;

for (const target of targets) {
  describe(`${target.name}: the v1 -> v2 -> v3 history through registers db`, { skip: target.skip }, () => {
    let url: string;
    let drop: () => Promise<void>;
    let project: string;
    const run = (...argv: string[]) => cli(project, argv, { DATABASE_URL: url });
    const migrations = () => readdirSync(join(project, "migrations")).sort();
    const sqlOf = (name: string) => readFileSync(join(project, "migrations", name, "migration.sql"), "utf8");
    const readUsers = () => {
      const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), "read.ts"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: url },
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as Record<string, unknown>[];
    };

    before(async () => {
      ({ url, drop } = await freshDatabase(target.name));
      project = makeProject({ "registers.config.ts": CONFIG, "models.ts": V1, "read.ts": READ });
    });
    after(() => drop());

    it("v1: generate writes the first migration for the dialect; check fails until it is applied", async () => {
      const before = run("db", "check");
      assert.equal(before.code, 1);
      assert.match(before.stderr, /^Error: the models and the database differ: create table "users"/);
      const generated = run("db", "generate", "init");
      assert.equal(generated.code, 0, generated.stderr);
      assert.match(
        generated.stdout,
        /^Wrote .*migrations\/\d{14}_init\/migration\.sql\n {2}\+ create table "users"/,
      );
      const [init] = migrations();
      assert.match(
        sqlOf(init),
        new RegExp(`^-- registers migration ${init}\\n-- dialect: ${target.name}\\n`),
      );
      const pending = run("db", "check");
      assert.equal(pending.code, 1);
      assert.match(
        pending.stderr,
        new RegExp(`migrations not applied: ${init} \\(run registers db migrate\\)`),
      );
      assert.equal(run("db", "migrate").code, 0);
      const clean = run("db", "check", "--output", "json");
      assert.equal(clean.code, 0, clean.stderr);
      assert.deepEqual(JSON.parse(clean.stdout), {
        clean: true,
        applied: 1,
        pending: [],
        changed: [],
        differences: [],
      });
      await query(target.name, url, "INSERT INTO users (name, nickname) VALUES ('Ann', 'annie')");
      await query(target.name, url, "INSERT INTO users (name, nickname) VALUES ('Bob', NULL)");
      const again = run("db", "generate", "nothing");
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, "Nothing to generate: the models match the database.\n");
      assert.equal(migrations().length, 1, "no file written");
    });

    it("v2: a table, a column with a default and an index; the v1 rows get the default", async () => {
      writeFiles(project, { "models.ts": V2 });
      const drift = run("db", "check");
      assert.equal(drift.code, 1);
      assert.match(drift.stderr, /the models and the database differ: .*orders/);
      // No --allow-destructive on any database: on MariaDB the plain index on the LONGTEXT `name`
      // covers its first 255 characters, so the column keeps its type.
      const generated = run("db", "generate", "orders_and_active", "--output", "json");
      assert.equal(generated.code, 0, generated.stderr);
      const result = JSON.parse(generated.stdout);
      assert.ok(result.changes.length >= 3, generated.stdout);
      const sql = sqlOf(migrations()[1]);
      assert.doesNotMatch(sql, /DESTRUCTIVE|ALTER COLUMN|MODIFY/, sql);
      assert.match(
        sql,
        target.name === "mysql" ? /CREATE INDEX .*\(`name`\(255\)\)/ : /CREATE INDEX .*\("name"\)/,
      );
      assert.equal(run("db", "generate", "too_early").code, 1, "pending migration: generate refuses");
      const migrated = run("db", "migrate");
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.equal(run("db", "check").code, 0);
      await query(target.name, url, "INSERT INTO orders (user_id, total) VALUES (1, 9.5)");
      const users = readUsers();
      assert.deepEqual(
        users.map((u) => [u.name, u.nickname, u.active]),
        [
          ["Ann", "annie", true],
          ["Bob", null, true],
        ],
      );
    });

    it("v3: a possible rename and a drop need flags (exit 2), then generate, migrate, check clean", async () => {
      writeFiles(project, { "models.ts": V3 });
      const unsure = run("db", "generate", "rename_and_fk");
      assert.equal(unsure.code, 2, unsure.stderr);
      assert.match(
        unsure.stderr,
        // Both columns are strings of the same type as fullName, so either may be the rename.
        /^error: possible renames?: users\.name -> fullName(, users\.nickname -> fullName)?; (for each, )?pass --rename users\.name=fullName if it is a rename, or --not-renamed users\.name=fullName/,
      );
      const destructive = run("db", "generate", "rename_and_fk", "--rename", "users.name=fullName");
      assert.equal(destructive.code, 2, destructive.stderr);
      assert.match(destructive.stderr, /^error: destructive change.*nickname.*pass --allow-destructive/);
      assert.equal(migrations().length, 2, "nothing written while refused");
      const generated = run(
        "db",
        "generate",
        "rename_and_fk",
        "--rename",
        "users.name=fullName",
        "--allow-destructive",
      );
      assert.equal(generated.code, 0, generated.stderr);
      const sql = sqlOf(migrations()[2]);
      assert.match(sql, /-- {3}DESTRUCTIVE \(may lose data\): .*nickname/);
      assert.match(sql, /-- DESTRUCTIVE: this migration drops or narrows data/);
      const migrated = run("db", "migrate");
      assert.equal(migrated.code, 0, migrated.stderr);
      const check = run("db", "check");
      assert.equal(check.code, 0, check.stderr);
      assert.match(check.stdout, /^The database matches the models; 3 migration\(s\) applied\.\n$/);
      const users = readUsers();
      assert.deepEqual(
        users.map((u) => [u.id, u.fullName, u.active, "nickname" in u]),
        [
          [1, "Ann", true, false],
          [2, "Bob", true, false],
        ],
      );
      const orders = await query(target.name, url, "SELECT user_id FROM orders");
      assert.deepEqual(
        orders.map((o) => Number(o.user_id)),
        [1],
      );
      const status = JSON.parse(run("db", "status", "--output", "json").stdout);
      assert.deepEqual(
        status.map((m: { state: string }) => m.state),
        ["applied", "applied", "applied"],
      );
    });
  });
}

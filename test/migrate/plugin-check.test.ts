// registersPlugin with schema: "check" (backed by assertSchemaCurrent): start-up fails with a
// SchemaDriftError naming every difference of its models' tables (a missing table, a missing column,
// a missing index), ignores tables none of its models defines, and starts once the database matches.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import Fastify from "fastify";
import { z } from "zod";
import { databaseRegistry, disposeAll, Model, SchemaDriftError } from "../../src/db/index.js";
import { registersPlugin } from "../../src/fastify/index.js";

const dir = mkdtempSync(join(tmpdir(), "registers-plugin-check-"));
const url = join(dir, "app.db");
after(async () => {
  await disposeAll();
  rmSync(dir, { recursive: true, force: true });
});

@databaseRegistry(url, { tableName: "members", autoCreate: false, indexes: [["email"]] })
class Member extends Model({
  id: z.int().nullable().default(null),
  email: z.string().max(200),
  nickname: z.string().nullable().default(null),
}) {}

@databaseRegistry(url, { tableName: "badges", autoCreate: false })
class Badge extends Model({ id: z.int().nullable().default(null), label: z.string() }) {}

describe('registersPlugin schema: "check"', () => {
  it("names every difference: a missing table, a missing column, a missing index; other tables are left out", async () => {
    const raw = new Database(url);
    raw.exec('CREATE TABLE "members" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL)');
    raw.exec('CREATE TABLE "someone_elses" ("id" INTEGER PRIMARY KEY)');
    raw.close();
    const app = Fastify();
    await app.register(registersPlugin, { models: [Member, Badge], schema: "check" });
    const error = await app.ready().then(
      () => assert.fail("started on a drifted database"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SchemaDriftError, String(error));
    assert.equal(error.code, "REGISTERS_SCHEMA_DRIFT");
    assert.match(
      error.message,
      /^the database does not match the models: missing tables: Badge \("badges"\); differences: /,
    );
    assert.match(error.message, /nickname/);
    assert.match(error.message, /email/);
    assert.doesNotMatch(error.message, /someone_elses/);
    assert.deepEqual([...new Set(error.changes.map((c) => c.kind))].sort(), [
      "addColumn",
      "addIndex",
      "createTable",
    ]);
    await app.close();
  });

  it("starts when the tables match the models", async () => {
    const raw = new Database(url);
    raw.exec('DROP TABLE "members"');
    raw.close();
    Member.objects.reopen(); // the first app's close() disposed the engine
    await Member.createSchema();
    await Badge.createSchema();
    const app = Fastify();
    await app.register(registersPlugin, { models: [Member, Badge], schema: "check" });
    await app.ready();
    await app.close();
  });
});

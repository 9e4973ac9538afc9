// `registers db push` as a real process on SQLite, PostgreSQL and MariaDB: the models' schema
// applied with no migration file and no ledger row, with the same decisions as generate (a
// destructive change or a possible rename needs its flag: exit 2), ending with `check` clean.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  cli,
  ensureBuilt,
  freshDatabase,
  makeProject,
  query,
  tableNames,
  targets,
  writeFiles,
} from "./_support.js";

ensureBuilt();

const models = (fields: string) => `import { z } from "zod";
import { Model, databaseRegistry } from "registers/db";
@databaseRegistry(process.env.DATABASE_URL ?? "app.db", { tableName: "pets", autoCreate: false })
export class Pet extends Model({ id: z.int().nullable().default(null), ${fields} }) {}
`;

for (const target of targets) {
  describe(`${target.name}: registers db push`, { skip: target.skip }, () => {
    let url: string;
    let drop: () => Promise<void>;
    let project: string;
    const run = (...argv: string[]) => cli(project, argv, { DATABASE_URL: url });

    before(async () => {
      ({ url, drop } = await freshDatabase(target.name));
      project = makeProject({
        "registers.config.ts": 'export default { models: ["./models.ts"] };\n',
        "models.ts": models("name: z.string().max(50), legs: z.int().default(4)"),
      });
    });
    after(() => drop());

    it("creates the tables, then has nothing to push; no migration file, no ledger row", async () => {
      const pushed = run("db", "push");
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.match(pushed.stdout, /^Pushed 1 change\(s\):\n {2}create table "pets"/);
      assert.equal(run("db", "push").stdout, "Nothing to push: the models match the database.\n");
      assert.equal(run("db", "check").code, 0);
      assert.equal(existsSync(join(project, "migrations")), false);
      assert.deepEqual(await tableNames(target.name, url), ["pets"], "no ledger table either");
      await query(target.name, url, "INSERT INTO pets (name, legs) VALUES ('Rex', 3)");
    });

    it("a rename and a drop need their flags (exit 2); with them the rows keep their values", async () => {
      writeFiles(project, { "models.ts": models("title: z.string().max(50)") });
      const unsure = run("db", "push");
      assert.equal(unsure.code, 2);
      assert.match(unsure.stderr, /^error: possible renames?: pets\.name -> title/);
      const refused = run("db", "push", "--rename", "pets.name=title");
      assert.equal(refused.code, 2);
      assert.match(
        refused.stderr,
        /^error: destructive changes? not applied: .*legs.*pass --allow-destructive/,
      );
      const pushed = run(
        "db",
        "push",
        "--rename",
        "pets.name=title",
        "--allow-destructive",
        "--output",
        "json",
      );
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.ok(JSON.parse(pushed.stdout).statements.length > 0);
      assert.equal(run("db", "check").code, 0);
      const rows = await query(target.name, url, "SELECT title FROM pets");
      assert.deepEqual(
        rows.map((r) => r.title),
        ["Rex"],
      );
    });
  });
}

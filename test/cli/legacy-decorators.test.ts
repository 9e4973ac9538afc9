// TypeScript's `experimentalDecorators` compiles decorators to the legacy calling convention,
// (target, key, descriptor). registers uses TC39 decorators; a legacy call must say so clearly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { transform } from "esbuild";
import { CommandRegistry, FrameworkError } from "../../src/cli/index.js";
import { databaseRegistry, disposeAll, Model } from "../../src/db/index.js";

/** Compiles `source` as tsx does under a tsconfig.json with `experimentalDecorators: true`, and runs it. */
async function runLegacy(source: string, scope: Record<string, unknown>): Promise<unknown> {
  const { code } = await transform(source, {
    loader: "ts",
    format: "cjs",
    target: "es2022",
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
  });
  assert.match(code, /__decorateClass/, "esbuild emitted legacy decorators");
  const names = Object.keys(scope);
  return new Function(...names, `${code}\nreturn result;`)(...names.map((n) => scope[n]));
}

describe("legacy decorators (experimentalDecorators: true)", () => {
  it("@cli.register throws a FrameworkError E_LEGACY_DECORATOR that says what to change", async () => {
    const cli = new CommandRegistry({ name: "app" });
    const error = await runLegacy(
      `let result;
       try {
         class Reports {
           @cli.register({ name: "report" })
           static create() { return "made"; }
         }
       } catch (error) { result = error; }`,
      { cli },
    );
    assert.ok(error instanceof FrameworkError, String(error));
    assert.equal(error.code, "E_LEGACY_DECORATOR");
    assert.match(error.message, /TC39 decorators/);
    assert.match(error.message, /remove "experimentalDecorators" from tsconfig\.json/);
    assert.match(error.message, /cli\.register\(meta, handler\)/);
    assert.equal(cli.has("report"), false);
  });

  it("databaseRegistry works as a legacy class decorator: it is called like the plain call", async () => {
    const User = await runLegacy(
      `@databaseRegistry(":memory:", { tableName: "legacy_users" })
       class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}
       const result = User;`,
      { databaseRegistry, Model, z: (await import("zod")).z },
    );
    try {
      const objects = (
        User as { objects: { create(d: object): Promise<{ id: number }>; count(): Promise<number> } }
      ).objects;
      await objects.create({ name: "Ann" });
      assert.equal(await objects.count(), 1);
    } finally {
      await disposeAll();
    }
  });
});

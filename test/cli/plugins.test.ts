import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CommandRegistry, DuplicateCommandError, loadPlugins, PluginLoadError } from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";
import { cli as shared } from "./fixtures/plugins/shared-registry.js";

const fixtures = join(import.meta.dirname, "fixtures", "plugins");

describe("loadPlugins", () => {
  it("imports every public module of the folder, in name order, skipping _private, tests and .d.ts", async () => {
    const loaded = await loadPlugins(join(fixtures, "ok"), shared);
    assert.deepEqual(
      loaded.map((p) => p.name),
      ["alpha", "beta", "gamma"],
    );
    assert.ok(loaded.every((p) => p.path.startsWith(join(fixtures, "ok"))));
    assert.equal(typeof loaded[2].module.NotASetupFunction, "function", "returns the module namespaces");
    assert.deepEqual(
      shared.all().map((c) => c.name),
      ["alpha", "beta", "gamma"],
    );
    assert.equal((await runCaptured(shared, ["alpha", "Al"])).stdout, "alpha Al\n");
    assert.equal((await runCaptured(shared, ["-b"])).stdout, "beta\n");
    assert.equal((await runCaptured(shared, ["gamma", "41"])).stdout, "42\n");
  });

  it("a missing folder is a PluginLoadError", async () => {
    await assert.rejects(loadPlugins(join(fixtures, "missing"), new CommandRegistry()), (err: unknown) => {
      assert.ok(err instanceof PluginLoadError);
      assert.equal(err.code, "E_PLUGIN_LOAD");
      assert.match(err.message, /missing: plugin folder not found/);
      return true;
    });
    await assert.rejects(
      loadPlugins(join(fixtures, "ok", "beta.mjs"), new CommandRegistry()),
      PluginLoadError,
    );
  });

  it("a module that throws on import is a PluginLoadError naming it and the reason", async () => {
    await assert.rejects(loadPlugins(join(fixtures, "broken"), new CommandRegistry()), (err: unknown) => {
      assert.ok(err instanceof PluginLoadError);
      assert.equal(err.module, join(fixtures, "broken", "bad.ts"));
      assert.match(err.message, /bad\.ts: boom at import$/);
      assert.equal((err.cause as Error).message, "boom at import");
      return true;
    });
  });

  it("a plugin that registers a taken name is a PluginLoadError caused by DuplicateCommandError", async () => {
    const registry = new CommandRegistry();
    await assert.rejects(loadPlugins(join(fixtures, "dup"), registry), (err: unknown) => {
      assert.ok(err instanceof PluginLoadError);
      assert.match(err.module, /two\.ts$/);
      assert.ok(err.cause instanceof DuplicateCommandError);
      return true;
    });
    assert.deepEqual(
      registry.all().map((c) => c.name),
      ["same"],
    );
  });
});

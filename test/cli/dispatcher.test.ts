import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { z } from "zod";
import {
  buildParser,
  CommandRegistry,
  DependencyNotFoundError,
  DIContainer,
  Dispatcher,
  getLogger,
  loggingMiddlewarePost,
  loggingMiddlewarePre,
  MiddlewareChain,
  setLogger,
  UnknownCommandError,
} from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";

class DatabaseService {
  readonly inserted: number[] = [];
  constructor(readonly url: string) {}
  insertFixtures(count: number) {
    this.inserted.push(count);
  }
}

function seedApp() {
  const registry = new CommandRegistry({ name: "app" });
  registry.register(
    {
      name: "seed",
      description: "Seed the database",
      ops: ["-s"],
      args: { count: z.int(), db: DatabaseService },
    },
    ({ count, db }) => {
      db.insertFixtures(count);
      return `Seeded ${count} records into ${db.url}.`;
    },
  );
  return registry;
}

describe("DIContainer", () => {
  it("register / resolve / has", () => {
    const c = new DIContainer();
    const db = new DatabaseService("sqlite:///app.db");
    assert.equal(c.has(DatabaseService), false);
    assert.equal(c.register(DatabaseService, db), c);
    assert.equal(c.has(DatabaseService), true);
    assert.equal(c.resolve(DatabaseService), db);
    class Other {}
    assert.throws(
      () => c.resolve(Other),
      (e: unknown) =>
        e instanceof DependencyNotFoundError &&
        e.dependency === "Other" &&
        e.code === "E_DEPENDENCY_NOT_FOUND",
    );
  });
});

describe("Dispatcher and buildParser: the seed's manual wiring", () => {
  it("parses argv, injects the dependency, hides it from the command line", async () => {
    const registry = seedApp();
    const container = new DIContainer().register(DatabaseService, new DatabaseService("sqlite:///app.db"));
    const parser = buildParser(registry, container);
    const dispatcher = new Dispatcher(registry, container);
    const parsed = parser.parse(["seed", "100"]);
    assert.equal(parsed.kind, "command");
    if (parsed.kind !== "command") return;
    assert.deepEqual(parsed.args, { count: 100 });
    assert.equal(
      await dispatcher.dispatch(parsed.command, parsed.args),
      "Seeded 100 records into sqlite:///app.db.",
    );
    assert.deepEqual(container.resolve(DatabaseService).inserted, [100]);
    assert.equal(await dispatcher.dispatch("-s", { count: 2 }), "Seeded 2 records into sqlite:///app.db.");
    await assert.rejects(dispatcher.dispatch("nope", {}), UnknownCommandError);
    assert.throws(() => parser.parse(["seed", "1", "--db", "x"]), /unknown option --db/);
  });

  it("dispatch without the binding throws DependencyNotFoundError naming the command", async () => {
    await assert.rejects(new Dispatcher(seedApp()).dispatch("seed", { count: 1 }), {
      code: "E_DEPENDENCY_NOT_FOUND",
      message: /DatabaseService.*'seed'/,
    });
  });

  it("run() injects from the container", async () => {
    const container = new DIContainer().register(DatabaseService, new DatabaseService("mem"));
    const r = await runCaptured(seedApp(), ["seed", "7"], { container });
    assert.deepEqual([r.stdout, r.code], ["Seeded 7 records into mem.\n", 0]);
  });
});

describe("MiddlewareChain", () => {
  afterEach(() => setLogger());

  it("runs async pre-hooks, the handler, then post-hooks, each in order", async () => {
    const events: string[] = [];
    const registry = new CommandRegistry();
    registry.register({ name: "work", args: { n: Number } }, async ({ n }) => {
      events.push(`handler ${n}`);
      return n * 2;
    });
    const chain = new MiddlewareChain()
      .addPre(async (command, args) => {
        await new Promise((r) => setTimeout(r, 5));
        events.push(`pre1 ${command} ${JSON.stringify(args)}`);
      })
      .addPre((command) => {
        events.push(`pre2 ${command}`);
      })
      .addPost(async (command, result) => {
        await new Promise((r) => setTimeout(r, 5));
        events.push(`post1 ${command} ${result}`);
      })
      .addPost((command, result) => {
        events.push(`post2 ${result}`);
      });
    const r = await runCaptured(registry, ["work", "21"], { middleware: chain });
    assert.equal(r.stdout, "42\n");
    assert.deepEqual(events, ['pre1 work {"n":21}', "pre2 work", "handler 21", "post1 work 42", "post2 42"]);
  });

  it("a failing pre-hook stops the command and the later hooks", async () => {
    const events: string[] = [];
    const registry = new CommandRegistry();
    registry.register({ name: "work" }, () => events.push("handler"));
    const chain = new MiddlewareChain()
      .addPre(async () => {
        throw new Error("denied");
      })
      .addPre(() => events.push("pre2"))
      .addPost(() => events.push("post"));
    await assert.rejects(new Dispatcher(registry, undefined, chain).dispatch("work"), /denied/);
    assert.deepEqual(events, []);
  });

  it("refuses hooks that are not functions", () => {
    assert.throws(() => new MiddlewareChain().addPre(5 as never), TypeError);
    assert.throws(() => new MiddlewareChain().addPost(null as never), TypeError);
  });

  it("logging middleware logs command, args and elapsed time through a replaceable logger", async () => {
    const lines: string[] = [];
    setLogger({ debug: (m) => lines.push(m) });
    const container = new DIContainer().register(DatabaseService, new DatabaseService("x"));
    const chain = new MiddlewareChain().addPre(loggingMiddlewarePre).addPost(loggingMiddlewarePost);
    await runCaptured(seedApp(), ["seed", "3"], { container, middleware: chain });
    assert.equal(lines.length, 2);
    assert.equal(lines[0], "seed count=3 db=<DatabaseService>");
    assert.match(lines[1], /^seed done in \d+\.\d ms$/);
  });

  it("the default logger is quiet, and speaks with --verbose or DEBUG=registers", async () => {
    assert.notEqual(getLogger(), undefined);
    const chain = new MiddlewareChain().addPre(loggingMiddlewarePre).addPost(loggingMiddlewarePost);
    const registry = new CommandRegistry();
    registry.register({ name: "hi", args: { who: String } }, ({ who }) => `hi ${who}`);
    const quiet = await runCaptured(registry, ["hi", "x"], { middleware: chain });
    assert.equal(quiet.stderr, "");
    const verbose = await runCaptured(registry, ["--verbose", "hi", "x"], { middleware: chain });
    assert.match(verbose.stderr, /^\[registers\] hi who="x"\n\[registers\] hi done in [\d.]+ ms\n$/);
    const saved = process.env.DEBUG;
    process.env.DEBUG = "express,registers";
    try {
      const debug = await runCaptured(registry, ["hi", "y"], { middleware: chain });
      assert.match(debug.stderr, /\[registers\] hi who="y"/);
    } finally {
      if (saved === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = saved;
    }
  });
});

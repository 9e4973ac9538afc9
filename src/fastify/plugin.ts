/**
 * `registersPlugin`: the service lifecycle of registered models in Fastify (engines reopened on
 * registration, tables created or checked on ready, engines disposed on close), the error and not-
 * found handlers, the JSON body parser and the Zod compilers. It may import the other
 * registers/fastify modules and registers/db's public API.
 */
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { type AnyModelClass, assertSchemaCurrent, type SchemaChange, SchemaDriftError } from "../db/index.js";
import { registersErrorHandler, registersNotFoundHandler } from "./error-handler.js";
import { installJsonBodyParser } from "./json-body.js";
import { type ModelLike, requireManager } from "./model-schemas.js";
import { prepareZodRoute } from "./zod-compiler.js";

/** Options of {@link registersPlugin}. */
export interface RegistersPluginOptions {
  /**
   * The registered models this service uses: their engines are reopened on registration (after an
   * earlier app's `close()`), their tables set up on start, their engines disposed on close.
   */
  readonly models: readonly ModelLike[];
  /**
   * On `onReady`: `"create"` (default) creates missing tables; `"check"` compares the models' tables
   * with the database (`assertSchemaCurrent`: columns, types, nullability, defaults, indexes, foreign
   * keys) and fails start-up with a `SchemaDriftError` naming every difference (tables no model of
   * this app defines are not its business and are left out); `"none"` does neither. Use `"check"`
   * when migrations (`registers db migrate`) own the schema.
   */
  readonly schema?: "create" | "check" | "none";
  /**
   * Install {@link registersErrorHandler} and {@link registersNotFoundHandler} (default `true`), so
   * every error body, an unknown route's 404 included, has a `code`.
   */
  readonly errorHandler?: boolean;
  /**
   * Replace the `application/json` body parser with one that says why it refuses a `"__proto__"`
   * key (`REGISTERS_FORBIDDEN_JSON_KEY`) instead of calling the body "not valid JSON"; it follows
   * Fastify's `onProtoPoisoning` / `onConstructorPoisoning` options (default `true`).
   */
  readonly jsonParser?: boolean;
  /** Accept Zod schemas in route `schema` (default `true`): see `prepareZodRoute`. */
  readonly zod?: boolean;
}

/**
 * Fastify plugin that wires registers models into a service, like the seed's FastAPI `lifespan`:
 * creates missing tables (or checks them) on `onReady`, closes the models' database engines on
 * `onClose`, maps registry errors to HTTP statuses (unknown routes too), says why a JSON body with a
 * `"__proto__"` key is refused, and lets routes use Zod schemas (`User.schema`)
 * for validation, serialization and `@fastify/swagger`. Applies to the whole instance (not encapsulated).
 *
 * @example
 * ```ts
 * const app = Fastify({ logger: true });
 * await app.register(registersPlugin, { models: [User, Product, Order], schema: "create" });
 * await app.register(crudRoutes(Product, { prefix: "/products" }));
 * await app.listen({ port: 3000 });
 * ```
 */
export const registersPlugin: FastifyPluginAsync<RegistersPluginOptions> = async function registers(
  fastify: FastifyInstance,
  options: RegistersPluginOptions,
) {
  const models = options.models ?? [];
  const managers = models.map((model) => ({ model, manager: requireManager(model) }));
  const mode = options.schema ?? "create";
  if (mode !== "create" && mode !== "check" && mode !== "none") {
    throw new TypeError(`registersPlugin: schema must be "create", "check" or "none", got ${String(mode)}`);
  }
  // A new app uses the models again, also after an earlier app's close() disposed their engines.
  for (const { manager } of managers) manager.reopen();
  if (options.errorHandler !== false) {
    fastify.setErrorHandler(registersErrorHandler);
    fastify.setNotFoundHandler(registersNotFoundHandler);
  }
  if (options.jsonParser !== false) installJsonBodyParser(fastify);
  if (options.zod !== false) fastify.addHook("onRoute", prepareZodRoute);

  fastify.addHook("onReady", async function setUpTables() {
    if (mode === "check") return checkSchema(managers);
    for (const { model, manager } of managers) {
      if (mode === "none" || (await manager.schemaExists())) continue;
      await manager.createSchema();
      fastify.log.info({ model: model.name, table: manager.tableName }, "table created");
    }
  });

  fastify.addHook("onClose", async function disposeEngines() {
    const engines = new Set<unknown>();
    for (const { model, manager } of managers) {
      if (engines.has(manager.engine)) continue;
      engines.add(manager.engine);
      try {
        await manager.dispose();
      } catch (error) {
        fastify.log.error({ err: error, model: model.name }, "closing the database engine failed");
      }
    }
  });
};

/**
 * `schema: "check"`: `assertSchemaCurrent` per database the models use; the differences of every
 * database in one `SchemaDriftError` (missing tables named with their model, then every other
 * difference). Tables none of these models defines are left out.
 */
async function checkSchema(
  managers: readonly { model: ModelLike; manager: ReturnType<typeof requireManager> }[],
): Promise<void> {
  const byUrl = new Map<string, ModelLike[]>();
  for (const { model, manager } of managers) {
    const url = manager.engine.url;
    byUrl.set(url, [...(byUrl.get(url) ?? []), model]);
  }
  const changes: SchemaChange[] = [];
  for (const [url, models] of byUrl) {
    try {
      await assertSchemaCurrent(models as unknown as AnyModelClass[], url);
    } catch (error) {
      if (!(error instanceof SchemaDriftError)) throw error;
      changes.push(...error.changes.filter((change) => change.kind !== "dropTable"));
    }
  }
  if (changes.length === 0) return;
  const modelOf = new Map(managers.map(({ model, manager }) => [manager.tableName, model.name]));
  const missing = changes.filter((c) => c.kind === "createTable");
  const other = changes.filter((c) => c.kind !== "createTable");
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(`missing tables: ${missing.map((c) => `${modelOf.get(c.table)} ("${c.table}")`).join(", ")}`);
  if (other.length > 0) parts.push(`differences: ${other.map((c) => c.summary).join("; ")}`);
  throw new SchemaDriftError(
    `the database does not match the models: ${parts.join("; ")}; apply the migrations (registers db migrate), ` +
      'or let registersPlugin create missing tables (schema: "create")',
    changes,
  );
}

// Like fastify-plugin: the hooks and the error handler apply to the instance that registers it.
Object.assign(registersPlugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "registers",
  [Symbol.for("plugin-meta")]: { name: "registers", fastify: "5.x" },
});

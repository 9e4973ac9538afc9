// Type-level tests of registers/fastify (checked by `tsc -p tsconfig.json`, never run).
import Fastify, { type FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { databaseRegistry, Model } from "../../src/db/index.js";
import {
  crudRoutes,
  type HttpErrorResponse,
  type ModelSchemas,
  type modelSchemas,
  registersPlugin,
  type toHttpError,
} from "../../src/fastify/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", { tableName: "type_users" })
class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}

export async function typeTests(): Promise<void> {
  const app = Fastify();
  await app.register(registersPlugin, { models: [User], schema: "check" });
  // @ts-expect-error schema is "create" | "check" | "none"
  await app.register(registersPlugin, { models: [User], schema: "drop" });
  // @ts-expect-error models are required
  await app.register(registersPlugin, {});
  // @ts-expect-error models must be model classes (a name and a Zod object schema)
  await app.register(registersPlugin, { models: [{ name: "x" }] });

  const plugin = crudRoutes(User, { prefix: "/users", only: ["get", "list"] });
  expectType<Equal<typeof plugin, FastifyPluginAsync>>(true);
  await app.register(plugin);
  // @ts-expect-error only lists route names
  crudRoutes(User, { only: ["purge"] });

  expectType<Equal<ReturnType<typeof modelSchemas>, ModelSchemas>>(true);
  expectType<Equal<ReturnType<typeof toHttpError>, HttpErrorResponse>>(true);
  expectType<Equal<ReturnType<typeof toHttpError>["body"]["statusCode"], number>>(true);
}

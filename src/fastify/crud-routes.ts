/**
 * `crudRoutes(model, options)`: the five REST routes of a registered model (list, get, create,
 * patch, delete) with Zod request and response schemas, operationIds and their 4xx answers. It may
 * import registers/db's public API, model-schemas and error-handler.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type KeyValue, RecordNotFoundError } from "../db/index.js";
import { httpErrorSchema } from "./error-handler.js";
import { LIST_OPTIONS, type ModelLike, modelSchemas, requireManager } from "./model-schemas.js";
import { prepareZodRoute } from "./zod-compiler.js";

/** The routes `crudRoutes` can register. */
export type CrudRoute = "list" | "get" | "create" | "patch" | "delete";

/** Options of {@link crudRoutes}. */
export interface CrudRoutesOptions {
  /** URL prefix of the routes, e.g. `"/users"` (default: none, routes at `/` and `/:key`). */
  readonly prefix?: string;
  /** Register only these routes (default: all five). */
  readonly only?: readonly CrudRoute[];
  /** More fields to leave out of responses and filters, besides hashed and `writeOnly` fields. */
  readonly hidden?: readonly string[];
  /** Largest `limit` of the list route (default 1000); without `limit` it returns `defaultLimit` rows. */
  readonly maxLimit?: number;
  /** Rows the list route returns when the query has no `limit` (default 100). */
  readonly defaultLimit?: number;
  /** OpenAPI tags of the routes (default: the model name). */
  readonly tags?: readonly string[];
  /**
   * The noun of the routes' OpenAPI `operationId`s (default: the model name): `listUser`,
   * `getUser`, `createUser`, `patchUser`, `deleteUser`. Set it when a model has two sets of routes.
   */
  readonly operationName?: string;
  /**
   * Runs on a validated create or patch body before it is written, e.g. to hash a password
   * (not needed for fields the model hashes itself).
   */
  readonly beforeWrite?: (
    data: Record<string, unknown>,
    context: { readonly operation: "create" | "patch"; readonly request: FastifyRequest },
  ) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

const ALL: readonly CrudRoute[] = ["list", "get", "create", "patch", "delete"];

type Params = Record<string, KeyValue>;
type Body = Record<string, unknown>;
type Query = Record<string, unknown>;

/**
 * A Fastify plugin with the CRUD routes of a model, each with its schema (validation, response
 * serialization without hidden fields, and `@fastify/swagger` docs):
 *
 * | route | does | answers |
 * |---|---|---|
 * | `GET {prefix}` | `filter()` with `limit`, `offset`, `orderBy` (`name` / `-name`) and equality filters (`?role=admin`) | 200, array |
 * | `GET {prefix}/:key` | `require(key)` | 200, or 404 |
 * | `POST {prefix}` | `create(body)` | 201, or 409 on a duplicate |
 * | `PATCH {prefix}/:key` | changes the given fields, `save()` | 200, or 404 |
 * | `DELETE {prefix}/:key` | `delete(key)` | 204, or 404 |
 *
 * Unknown query names and body fields, and values of the wrong type, are a 400 naming the field.
 * Each route's schema has an `operationId` and the 4xx answers it can give (`httpErrorSchema`).
 *
 * @example
 * ```ts
 * await app.register(registersPlugin, { models: [User] });
 * await app.register(crudRoutes(User, { prefix: "/users", only: ["list", "get"] }));
 * ```
 */
export function crudRoutes(model: ModelLike, options: CrudRoutesOptions = {}): FastifyPluginAsync {
  const manager = requireManager(model);
  const schemas = modelSchemas(model, options);
  const { keyField } = schemas;
  const only = new Set(options.only ?? ALL);
  for (const route of only) {
    if (!ALL.includes(route))
      throw new TypeError(`crudRoutes: unknown route "${route}"; routes: ${ALL.join(", ")}`);
  }
  const prefix = (options.prefix ?? "").replace(/\/+$/, "");
  const base = prefix === "" ? "/" : prefix;
  const item = `${prefix}/:${keyField}`;
  const tags = [...(options.tags ?? [model.name])];
  const defaultLimit = options.defaultLimit ?? 100;
  const beforeWrite = options.beforeWrite;
  // The message is for the log: the 404 body is the same for every route (see toHttpError).
  const notFound = (key: unknown) =>
    new RecordNotFoundError(`no ${model.name} with ${keyField} = ${String(key)}`);
  const recordList = z.array(schemas.record);
  const noun = options.operationName ?? model.name;
  const canCollide = manager.uniqueFields.length > 0;
  // The 4xx answers of each route, for its schema (and so its OpenAPI document).
  const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, httpErrorSchema]));
  const bodyErrors = [400, 413, 415];

  return async function registersCrudRoutes(fastify: FastifyInstance) {
    // Prepare the Zod schemas here too, so the routes work without registersPlugin.
    fastify.addHook("onRoute", prepareZodRoute);

    if (only.has("list")) {
      fastify.get(
        base,
        {
          schema: {
            summary: `List ${model.name} records`,
            operationId: `list${noun}`,
            tags,
            querystring: schemas.listQuery,
            response: { 200: recordList, ...errors(400) },
          },
        },
        async function listRecords(request: FastifyRequest) {
          const criteria: Query = {};
          const query = request.query as Query;
          for (const name in query) {
            if (!(LIST_OPTIONS as readonly string[]).includes(name)) criteria[name] = query[name];
          }
          return manager.filter(criteria, {
            limit: (query.limit as number | undefined) ?? defaultLimit,
            offset: query.offset as number | undefined,
            orderBy: query.orderBy as string | undefined,
          });
        },
      );
    }

    if (only.has("get")) {
      fastify.get(
        item,
        {
          schema: {
            summary: `Get a ${model.name} by ${keyField}`,
            operationId: `get${noun}`,
            tags,
            params: schemas.params,
            response: { 200: schemas.record, ...errors(400, 404) },
          },
        },
        async function getRecord(request: FastifyRequest) {
          return manager.require((request.params as Params)[keyField]);
        },
      );
    }

    if (only.has("create")) {
      fastify.post(
        base,
        {
          schema: {
            summary: `Create a ${model.name}`,
            operationId: `create${noun}`,
            tags,
            body: schemas.create,
            response: {
              201: schemas.record,
              ...errors(...bodyErrors, ...(canCollide || !schemas.managedKey ? [409] : [])),
            },
          },
        },
        async function createRecord(request: FastifyRequest, reply: FastifyReply) {
          let data = request.body as Body;
          if (beforeWrite !== undefined) data = await beforeWrite(data, { operation: "create", request });
          const created = await manager.create(data);
          return reply.code(201).send(created);
        },
      );
    }

    if (only.has("patch")) {
      fastify.patch(
        item,
        {
          schema: {
            summary: `Change fields of a ${model.name}`,
            operationId: `patch${noun}`,
            tags,
            params: schemas.params,
            body: schemas.patch,
            response: { 200: schemas.record, ...errors(...bodyErrors, 404, ...(canCollide ? [409] : [])) },
          },
        },
        async function patchRecord(request: FastifyRequest) {
          const key = (request.params as Params)[keyField];
          let changes = request.body as Body;
          if (beforeWrite !== undefined)
            changes = await beforeWrite(changes, { operation: "patch", request });
          if (Object.keys(changes).length === 0) return manager.require(key);
          const updated = await manager.updateWhere({ [keyField]: key }, changes);
          if (updated.length === 0) throw notFound(key);
          return updated[0];
        },
      );
    }

    if (only.has("delete")) {
      fastify.delete(
        item,
        {
          schema: {
            summary: `Delete a ${model.name}`,
            operationId: `delete${noun}`,
            tags,
            params: schemas.params,
            response: { 204: z.null().describe("No content"), ...errors(400, 404) },
          },
        },
        async function deleteRecord(request: FastifyRequest, reply: FastifyReply) {
          const key = (request.params as Params)[keyField];
          if (!(await manager.delete(key))) throw notFound(key);
          return reply.code(204).send();
        },
      );
    }
  };
}

// OpenAPI options for @fastify/swagger: model components, `$ref`s to them, and the error component.
import { STATUS_CODES } from "node:http";
import type { FastifySchema } from "fastify";
import type * as core from "zod/v4/core";
import { httpErrorSchema } from "./error-handler.js";
import { componentName, modelComponents, nameComponent, zodToJsonSchema } from "./json-schema.js";
import type { ModelLike } from "./model-schemas.js";
import { zodSourceOf } from "./zod-compiler.js";

type JsonObject = Record<string, unknown>;

/** Options of {@link openApiOptions}. */
export interface OpenApiOptions {
  /** The models whose schemas become components (`User`, `UserCreate`, `UserPatch`). */
  readonly models: readonly ModelLike[];
  /** The document's `info` (`title`, `version`, ...). */
  readonly info: { readonly title: string; readonly version: string } & JsonObject;
  /** More of the OpenAPI object (`servers`, `tags`, more `components`, ...). */
  readonly openapi?: JsonObject;
}

/** What `@fastify/swagger` passes to `transform` (the part of it used here). */
interface TransformInput {
  readonly schema: FastifySchema;
  readonly url: string;
}

const COMPONENTS = "#/components/schemas/";

function refTo(io: "input" | "output") {
  return (schema: core.$ZodType): string | undefined => {
    const name = componentName(schema, io);
    return name === undefined ? undefined : COMPONENTS + name;
  };
}

/** A route part made from Zod, converted again with `$ref`s to the named components (the part as it is otherwise). */
function withRefs(part: unknown, io: "input" | "output"): unknown {
  const zod = zodSourceOf(part);
  if (zod === undefined) return part;
  const json = zodToJsonSchema(zod, { io, ref: refTo(io) });
  const description = (part as JsonObject).description;
  if (typeof json.$ref === "string" && typeof description === "string") json.description = description;
  return json;
}

/**
 * The document side of a route schema: request bodies and responses that are model schemas (or
 * arrays of them, or the error body) become `$ref`s to their components; a `$ref` response without a
 * description gets the reason phrase (`"Not Found"`). Validation and serialization keep the route's own schemas.
 */
function openApiTransform({ schema, url }: TransformInput): { schema: FastifySchema; url: string } {
  if (schema === undefined || schema === null) return { schema, url };
  const next: FastifySchema & JsonObject = { ...schema };
  if (schema.body !== undefined) next.body = withRefs(schema.body, "input");
  const response = schema.response as JsonObject | undefined;
  if (response !== undefined && response !== null) {
    const responses: JsonObject = {};
    for (const [code, part] of Object.entries(response)) {
      const json = withRefs(part, "output") as JsonObject;
      if (json.$ref !== undefined && json.description === undefined)
        json.description = STATUS_CODES[Number(code)] ?? "Response";
      responses[code] = json;
    }
    next.response = responses;
  }
  return { schema: next, url };
}

/**
 * Options for `@fastify/swagger` (OpenAPI 3): the models' components (`User`, `UserCreate`,
 * `UserPatch`) and `HttpError` (every error body), and a `transform` that makes route bodies and
 * responses built from them `$ref`s instead of inlined copies. Register it before the routes, then
 * serve `app.swagger()` (the shop serves it at `GET /openapi.json`). `@fastify/swagger` is the
 * application's own dependency: registers/fastify never imports it.
 *
 * @example
 * ```ts
 * import swagger from "@fastify/swagger";
 * await app.register(swagger, openApiOptions({ models: [User, Product], info: { title: "shop", version: "1.0.0" } }));
 * await app.register(crudRoutes(User, { prefix: "/users" }));
 * app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
 * ```
 */
export function openApiOptions(options: OpenApiOptions): {
  openapi: JsonObject;
  transform: typeof openApiTransform;
} {
  nameComponent(httpErrorSchema, "HttpError", "output");
  const extra = options.openapi ?? {};
  const components = (extra.components ?? {}) as JsonObject;
  return {
    openapi: {
      openapi: "3.0.3",
      ...extra,
      info: options.info,
      components: {
        ...components,
        schemas: {
          ...((components.schemas ?? {}) as JsonObject),
          ...modelComponents(options.models),
          HttpError: zodToJsonSchema(httpErrorSchema, { io: "output" }),
        },
      },
    },
    transform: openApiTransform,
  };
}

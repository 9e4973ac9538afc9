/**
 * Zod to JSON Schema for route schemas and OpenAPI: `zodToJsonSchema`, a model's schemas as JSON
 * Schema, and component names for `$ref`s. It may import model-schemas.
 */
import { z } from "zod";
import type * as core from "zod/v4/core";
import { type ModelLike, modelSchemas } from "./model-schemas.js";

/** Options of {@link zodToJsonSchema}. */
export interface JsonSchemaOptions {
  /** `"input"` for what a client sends (defaults optional), `"output"` (default) for what it receives. */
  readonly io?: "input" | "output";
  /**
   * Names of shared schemas: a schema (at any depth, the root too) for which it returns a name
   * becomes `{ $ref: name }` instead of its inlined JSON Schema.
   */
  readonly ref?: (schema: core.$ZodType) => string | undefined;
}

type JsonObject = Record<string, unknown>;

/**
 * Converts a Zod schema to a JSON Schema (draft-07, what Fastify's Ajv and OpenAPI 3 read) with
 * `z.toJSONSchema`. `z.date()` becomes `{ type: "string", format: "date-time" }`; `z.bigint()` an
 * int64 (a decimal string in responses, as the Zod serializer writes it). No `$schema` key.
 *
 * @example
 * ```ts
 * zodToJsonSchema(z.object({ name: z.string(), at: z.date() }));
 * // { type: "object", properties: { name: { type: "string" }, at: { type: "string", format: "date-time" } }, ... }
 * zodToJsonSchema(z.array(User.schema), { ref: (s) => (s === User.schema ? "#/components/schemas/User" : undefined) });
 * // { type: "array", items: { $ref: "#/components/schemas/User" } }
 * ```
 */
export function zodToJsonSchema(schema: core.$ZodType, options: JsonSchemaOptions = {}): JsonObject {
  const io = options.io ?? "output";
  const ref = options.ref;
  const json = z.toJSONSchema(schema, {
    io,
    target: "draft-07",
    unrepresentable: "any",
    override(ctx) {
      const name = ref?.(ctx.zodSchema as core.$ZodType);
      if (name !== undefined) {
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonObject)[key];
        ctx.jsonSchema.$ref = name;
        return;
      }
      const type = (ctx.zodSchema._zod.def as { type: string }).type;
      if (type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      } else if (type === "bigint") {
        ctx.jsonSchema.type = io === "output" ? "string" : "integer";
        ctx.jsonSchema.format = "int64";
      }
    },
  }) as JsonObject;
  delete json.$schema;
  return json;
}

/** Options of {@link modelJsonSchema} and {@link modelComponents}. */
export interface ModelJsonSchemaOptions {
  /** More fields to leave out of responses, besides hashed fields and fields marked `writeOnly`. */
  readonly hidden?: readonly string[];
}

/**
 * The JSON Schemas of a model, as a client sees it: `record` (a response: hashed and `writeOnly`
 * fields left out), `create` (a POST body: no database-managed key, no unknown fields) and `patch`
 * (every field but the key optional).
 *
 * @example
 * ```ts
 * const { record, create, patch } = modelJsonSchema(User);
 * record.properties; // { id, name, email } (no password)
 * ```
 */
export function modelJsonSchema(
  model: ModelLike,
  options: ModelJsonSchemaOptions = {},
): { record: JsonObject; create: JsonObject; patch: JsonObject } {
  const schemas = modelSchemas(model, options);
  return {
    record: zodToJsonSchema(schemas.record, { io: "output" }),
    create: zodToJsonSchema(schemas.create, { io: "input" }),
    patch: zodToJsonSchema(schemas.patch, { io: "input" }),
  };
}

/** The component name of a schema `modelComponents` returned, with the direction it was converted for. */
const componentNames = new WeakMap<
  core.$ZodType,
  { readonly name: string; readonly io: "input" | "output" }
>();

/** Registers `schema` as the OpenAPI component `name` (converted with `io`). @internal */
export function nameComponent(schema: core.$ZodType, name: string, io: "input" | "output"): void {
  componentNames.set(schema, { name, io });
}

/** The component name of `schema` when it was converted for `io`, else `undefined`. @internal */
export function componentName(schema: core.$ZodType, io: "input" | "output"): string | undefined {
  const found = componentNames.get(schema);
  return found !== undefined && found.io === io ? found.name : undefined;
}

/**
 * OpenAPI `components.schemas` for models: `<Name>` (the response shape), `<Name>Create` and
 * `<Name>Patch` (request bodies). Pass them to `@fastify/swagger`; with `openApiOptions()` the routes
 * that use these schemas (`crudRoutes`, `modelSchemas(User).record`) refer to them by `$ref`.
 *
 * @example
 * ```ts
 * await app.register(swagger, {
 *   openapi: { info: { title: "shop", version: "1.0.0" }, components: { schemas: modelComponents([User, Product]) } },
 * });
 * ```
 */
export function modelComponents(
  models: readonly ModelLike[],
  options: ModelJsonSchemaOptions = {},
): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const model of models) {
    const schemas = modelSchemas(model, options);
    for (const [name, schema, io] of [
      [model.name, schemas.record, "output"],
      [`${model.name}Create`, schemas.create, "input"],
      [`${model.name}Patch`, schemas.patch, "input"],
    ] as const) {
      nameComponent(schema, name, io);
      out[name] = zodToJsonSchema(schema, { io });
    }
  }
  return out;
}

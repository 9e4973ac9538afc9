/**
 * Zod schemas in Fastify routes: the validator and serializer compilers, and the issues of a failed
 * validation in the shape the error handler reports. It may import zod only.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler, RouteOptions } from "fastify";
import { z } from "zod";
import type * as core from "zod/v4/core";
import { zodToJsonSchema } from "./json-schema.js";

/** Any Zod 4 schema (classic or mini). */
export type ZodSchema = core.$ZodType;

/** Request parts Fastify validates. */
export type HttpPart = "body" | "querystring" | "params" | "headers";

/**
 * True for a Zod 4 schema (classic or mini), recognised structurally by its `_zod.def`.
 *
 * @example
 * ```ts
 * isZodSchema(User.schema);        // true
 * isZodSchema({ type: "object" }); // false
 * ```
 */
export function isZodSchema(value: unknown): value is ZodSchema {
  const internals = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod;
  return typeof internals?.def?.type === "string";
}

/** JSON Schemas produced from Zod by {@link zodRouteSchema}, mapped back to their Zod schema. */
const zodOfJson = new WeakMap<object, ZodSchema>();

/** The Zod schema a route's JSON Schema was made from by {@link zodRouteSchema}, if any. @internal */
export function zodSourceOf(json: unknown): ZodSchema | undefined {
  return typeof json === "object" && json !== null ? zodOfJson.get(json) : undefined;
}

/**
 * The Zod schema behind a route schema: the schema itself when it is Zod, the Zod schema a JSON
 * Schema was made from (by this module), else a Zod schema built from the JSON Schema
 * (`z.fromJSONSchema`), so a route may mix both kinds.
 */
function zodFor(schema: unknown): ZodSchema {
  if (isZodSchema(schema)) return schema;
  if (typeof schema === "object" && schema !== null) {
    const known = zodOfJson.get(schema);
    if (known !== undefined) return known;
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  }
  if (typeof schema === "boolean") return schema ? z.unknown() : z.never();
  throw new TypeError("registers/fastify: a route schema must be a Zod schema or a JSON Schema object");
}

/** One entry of a failed validation, in the shape Fastify gives Ajv errors (`error.validation`). */
export interface ZodValidationEntry {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly params: { readonly path: readonly PropertyKey[] };
  readonly message: string;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** The `def.type` under `optional`, `nullable`, `default`, ... wrappers. */
function baseType(schema: ZodSchema): string {
  let def = schema._zod.def as { type: string; innerType?: ZodSchema };
  while (def.innerType !== undefined) def = def.innerType._zod.def as typeof def;
  return def.type;
}

function coerceString(value: string, type: string): unknown {
  if (type === "number" && NUMBER.test(value.trim())) return Number(value);
  if (type === "bigint" && INTEGER.test(value.trim())) return BigInt(value);
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  if (type === "null" && value === "null") return null;
  return value;
}

/**
 * Query strings, path parameters and headers arrive as strings: convert a string to a number,
 * bigint or boolean where the object field under it expects one (`"5"` -> `5`, `"true"` -> `true`).
 * Strings that are not a clean literal stay strings, so Zod reports them.
 */
function coerceStrings(schema: ZodSchema, data: unknown): unknown {
  const def = schema._zod.def as { type: string; shape?: Record<string, ZodSchema> };
  if (def.type !== "object" || def.shape === undefined) return data;
  if (typeof data !== "object" || data === null) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const key of Object.keys(out)) {
    const field = Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
    const value = out[key];
    if (field === undefined || typeof value !== "string") continue;
    out[key] = coerceString(value, baseType(field));
  }
  return out;
}

function entry(code: string, path: readonly PropertyKey[], message: string): ZodValidationEntry {
  const instancePath = path.length === 0 ? "" : `/${path.map(String).join("/")}`;
  return { keyword: code, instancePath, schemaPath: "#", params: { path }, message };
}

/** Zod issues as Fastify validation entries; an unknown-keys issue gives one entry per key. */
function toEntries(issues: readonly core.$ZodIssue[]): ZodValidationEntry[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => entry(issue.code, [...issue.path, key], `unknown field "${key}"`))
      : [entry(issue.code, issue.path, issue.message)],
  );
}

/**
 * A Fastify validator compiler for Zod schemas: `User.schema` (or any Zod schema) validates the
 * body, query string, params or headers, and the handler gets Zod's output (defaults applied).
 * Failures become Fastify validation errors (`error.validation`, status 400) that
 * `registersErrorHandler` turns into field issues. Strings of the query string, params and
 * headers are converted to the number / boolean the field expects. Also accepts JSON Schemas.
 *
 * @example
 * ```ts
 * app.setValidatorCompiler(zodValidatorCompiler);
 * app.post("/users", { schema: { body: User.schema.omit({ id: true }) } }, (req) => User.objects.create(req.body));
 * ```
 */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const zod = zodFor(schema);
  const coerce = httpPart !== undefined && httpPart !== "body";
  return function validateWithZod(data: unknown) {
    const result = z.safeParse(zod, coerce ? coerceStrings(zod, data) : data);
    if (result.success) return { value: result.data };
    return { error: toEntries(result.error.issues) as never };
  };
};

/** A handler returned data that does not fit its response schema (a server bug: answered 500). */
export class ResponseValidationError extends Error {
  readonly code = "REGISTERS_RESPONSE_VALIDATION";
  constructor(
    readonly issues: readonly core.$ZodIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `the response does not match its schema: ${issues
        .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
        .join("; ")}`,
      options,
    );
    this.name = "ResponseValidationError";
  }
}

function replaceBigint(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** `JSON.stringify`, writing bigints as decimal strings (the replacer only runs when one is present). */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError && /BigInt/i.test(error.message))
      return JSON.stringify(value, replaceBigint);
    throw error;
  }
}

/**
 * A Fastify serializer compiler for Zod response schemas: the payload is parsed with the schema
 * (so fields the schema leaves out, such as password hashes, are dropped, and model instances become
 * plain objects), then written as JSON. Data that breaks the schema throws
 * `ResponseValidationError` (a 500, logged). Also accepts JSON Schemas.
 *
 * @example
 * ```ts
 * app.setSerializerCompiler(zodSerializerCompiler);
 * app.get("/users/:id", { schema: { response: { 200: User.schema.omit({ password: true }) } } },
 *   (req) => User.objects.require(Number((req.params as { id: string }).id)));
 * ```
 */
export const zodSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const zod = zodFor(schema);
  return function serializeWithZod(data: unknown) {
    const result = z.safeParse(zod, data);
    if (!result.success) throw new ResponseValidationError(result.error.issues, { cause: result.error });
    return stringify(result.data);
  };
};

/**
 * The JSON Schema of one route part, remembered as coming from `schema` (the Zod compilers use the
 * Zod schema itself). `io: "input"` for request parts, `"output"` for responses.
 *
 * @example
 * ```ts
 * const body = zodRouteSchema(User.schema, "input"); // { type: "object", properties: { ... } }
 * ```
 */
export function zodRouteSchema(schema: ZodSchema, io: "input" | "output"): Record<string, unknown> {
  const json = zodToJsonSchema(schema, { io });
  zodOfJson.set(json, schema);
  return json;
}

const REQUEST_PARTS = ["body", "querystring", "query", "params", "headers"] as const;

/**
 * Prepares a route whose schema uses Zod: every Zod part becomes its JSON Schema (so
 * `@fastify/swagger` documents it) and the route gets {@link zodValidatorCompiler} and
 * {@link zodSerializerCompiler}, unless it sets its own. Routes without Zod are left alone.
 * `registersPlugin` runs it as an `onRoute` hook; call it yourself to use Zod schemas without the plugin.
 *
 * @example
 * ```ts
 * app.addHook("onRoute", prepareZodRoute);
 * app.post("/users", { schema: { body: User.schema } }, handler);
 * ```
 */
export function prepareZodRoute(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (schema === undefined || schema === null) return;
  let usesZod = false;
  const next: Record<string, unknown> = { ...schema };
  for (const part of REQUEST_PARTS) {
    const value = schema[part];
    if (isZodSchema(value)) {
      next[part] = zodRouteSchema(value, "input");
      usesZod = true;
    }
  }
  const response = schema.response as Record<string, unknown> | undefined;
  if (response !== undefined && response !== null && typeof response === "object") {
    const responses: Record<string, unknown> = { ...response };
    for (const [code, value] of Object.entries(response)) {
      if (isZodSchema(value)) {
        responses[code] = zodRouteSchema(value, "output");
        usesZod = true;
      }
    }
    next.response = responses;
  }
  if (!usesZod) return;
  route.schema = next;
  route.validatorCompiler ??= zodValidatorCompiler;
  route.serializerCompiler ??= zodSerializerCompiler;
}

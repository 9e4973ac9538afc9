/**
 * registers/fastify: registers models in Fastify services. A plugin for the service lifecycle
 * (tables on start, engines closed on close) and error mapping, Zod schemas in routes, JSON Schema /
 * OpenAPI helpers, and CRUD routes. Fastify 5 is an optional peer dependency; registers/db itself
 * never imports it.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { crudRoutes, registersPlugin } from "registers/fastify";
 *
 * const app = Fastify();
 * await app.register(registersPlugin, { models: [User] });
 * await app.register(crudRoutes(User, { prefix: "/users" }));
 * await app.listen({ port: 3000 });
 * ```
 */
export { type CrudRoute, type CrudRoutesOptions, crudRoutes } from "./crud-routes.js";
export {
  type HttpErrorBody,
  type HttpErrorResponse,
  type HttpIssue,
  httpErrorSchema,
  registersErrorHandler,
  registersNotFoundHandler,
  toHttpError,
} from "./error-handler.js";
export {
  ForbiddenJsonKeyError,
  type JsonBodyOptions,
  type JsonKeyAction,
  parseJsonBody,
} from "./json-body.js";
export {
  type JsonSchemaOptions,
  type ModelJsonSchemaOptions,
  modelComponents,
  modelJsonSchema,
  zodToJsonSchema,
} from "./json-schema.js";
export {
  hiddenFields,
  type ModelLike,
  type ModelSchemas,
  type ModelSchemasOptions,
  managerFor,
  modelSchemas,
} from "./model-schemas.js";
export { type OpenApiOptions, openApiOptions } from "./openapi.js";
export { type RegistersPluginOptions, registersPlugin } from "./plugin.js";
export {
  type HttpPart,
  isZodSchema,
  prepareZodRoute,
  ResponseValidationError,
  type ZodSchema,
  type ZodValidationEntry,
  zodRouteSchema,
  zodSerializerCompiler,
  zodValidatorCompiler,
} from "./zod-compiler.js";

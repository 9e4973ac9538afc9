/**
 * HTTP errors: `toHttpError` maps registers' typed errors and Fastify's own to one JSON body
 * (`statusCode`, `error`, `code`, `message`, `issues`), the error and not-found handlers, and the
 * error body's schema. It may import registers/db's public API and zod-compiler.
 */
import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  ConnectionError,
  DuplicateKeyError,
  ForeignKeyError,
  InvalidQueryError,
  RecordNotFoundError,
  UniqueConstraintError,
  ValidationError,
} from "../db/index.js";
import { ForbiddenJsonKeyError } from "./json-body.js";
import type { HttpPart } from "./zod-compiler.js";

/**
 * One field problem in a 400 body. `path` is the field's dotted path inside the data that was
 * checked (`"email"`, `"items.0.qty"`), the same for Fastify's request validation and for a
 * `ValidationError` thrown by a handler or by registers/db; `in` names the request part when the
 * request schema found it (`"body"`, `"querystring"`, `"params"`, `"headers"`).
 */
export interface HttpIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
  readonly in?: HttpPart;
}

/** The JSON body of every error response. */
export interface HttpErrorBody {
  readonly statusCode: number;
  /** The HTTP reason phrase (`"Not Found"`). */
  readonly error: string;
  /**
   * A stable code: `REGISTERS_...` for registers' errors, `FST_...` for Fastify's, the error's own
   * `code` for an application's 4xx error (else the reason phrase in upper snake case, `"UNAUTHORIZED"`),
   * `INTERNAL_SERVER_ERROR`.
   */
  readonly code: string;
  readonly message: string;
  /** Field problems (400 only). */
  readonly issues?: readonly HttpIssue[];
  /** The unique fields that collided, or the foreign key's fields (409). */
  readonly fields?: readonly string[];
}

/**
 * The Zod schema of {@link HttpErrorBody}, for the error responses of a route's schema (OpenAPI
 * documents it as the `HttpError` component). `crudRoutes` declares it for the 4xx answers of each route.
 *
 * @example
 * ```ts
 * app.post("/login", { schema: { body: Login, response: { 200: users.record, 401: httpErrorSchema } } }, login);
 * ```
 */
export const httpErrorSchema = z.looseObject({
  statusCode: z.int(),
  error: z.string(),
  code: z.string(),
  message: z.string(),
  issues: z
    .array(
      z.object({
        path: z.string(),
        message: z.string(),
        code: z.string(),
        in: z.enum(["body", "querystring", "params", "headers"]).optional(),
      }),
    )
    .optional(),
  fields: z.array(z.string()).optional(),
});

/** The answer for an error: status and body, and whether it is a server fault to log in full. */
export interface HttpErrorResponse {
  readonly statusCode: number;
  readonly body: HttpErrorBody;
  readonly serverFault: boolean;
}

function body(statusCode: number, code: string, message: string, extra?: object): HttpErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? "Error", code, message, ...extra };
}

function respond(statusCode: number, code: string, message: string, extra?: object): HttpErrorResponse {
  return { statusCode, body: body(statusCode, code, message, extra), serverFault: statusCode >= 500 };
}

const GENERIC_500 = (): HttpErrorResponse =>
  respond(500, "INTERNAL_SERVER_ERROR", "Internal Server Error: the request could not be completed");

/** Fastify's own request errors, with a message written here (never the parser's own text). */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: "the request body is not valid JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    message: "the request body is empty but content-type is application/json",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: "the request body is too large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: "unsupported content-type" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    message: "content-length does not match the body length",
  },
};

interface FastifyValidationEntry {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: { readonly missingProperty?: string; readonly additionalProperty?: string };
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

const PARTS: ReadonlySet<string> = new Set(["body", "querystring", "params", "headers"]);

/** Fastify validation entries (Ajv's, or the Zod compiler's) as issues: `{ path: "email", in: "body" }`. */
function validationIssues(
  entries: readonly FastifyValidationEntry[],
  context: string | undefined,
): HttpIssue[] {
  const part = context !== undefined && PARTS.has(context) ? { in: context as HttpPart } : {};
  return entries.map((entry) => {
    const segments = (entry.instancePath ?? "").split("/").filter((s) => s !== "");
    const extra = entry.params?.missingProperty ?? entry.params?.additionalProperty;
    if (extra !== undefined) segments.push(extra);
    return {
      path: segments.join("."),
      message: entry.message ?? "is invalid",
      code: entry.keyword ?? "invalid",
      ...part,
    };
  });
}

/** `"Unauthorized"` -> `"UNAUTHORIZED"`: the code of a client error that has none. */
function reasonCode(status: number): string {
  return (STATUS_CODES[status] ?? "CLIENT_ERROR").toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** The 404 message of a missing record, the same on every route (never registers/db's message, which names the table). */
const RECORD_NOT_FOUND = "the requested record does not exist";

/**
 * Maps an error to its HTTP answer (a pure function; `registersErrorHandler` sends it):
 * `RecordNotFoundError` -> 404 with one wording for every route (`"the requested record does not
 * exist"`: registers/db's message names the table and is only logged), `DuplicateKeyError` /
 * `UniqueConstraintError` / `ForeignKeyError` -> 409, a `"__proto__"` key in a JSON body -> 400 saying so,
 * `ValidationError` / `InvalidQueryError` -> 400 with the field issues, `ConnectionError` -> 503,
 * Fastify's validation errors and malformed JSON -> 400, a body too large -> 413, other client
 * errors (4xx `statusCode`) keep their status, anything else -> 500 with a generic body: no SQL, no
 * stack, no driver message ever reaches the client.
 *
 * @example
 * ```ts
 * toHttpError(new RecordNotFoundError("no User where id = 7"));
 * // { statusCode: 404, body: { statusCode: 404, error: "Not Found", code: "REGISTERS_RECORD_NOT_FOUND", message: "the requested record does not exist" }, serverFault: false }
 * ```
 */
export function toHttpError(error: unknown): HttpErrorResponse {
  if (error instanceof RecordNotFoundError) return respond(404, error.code, RECORD_NOT_FOUND);
  if (error instanceof ForbiddenJsonKeyError) return respond(400, error.code, error.message);
  if (error instanceof UniqueConstraintError) {
    return respond(409, error.code, `${error.fields.join(", ")} already taken`, { fields: error.fields });
  }
  if (error instanceof DuplicateKeyError)
    return respond(409, error.code, "a record with this key already exists");
  if (error instanceof ForeignKeyError) {
    // A delete restricted by rows that refer to the record, or a write referring to a missing one.
    const fields = error.fields.length > 0 ? { fields: error.fields } : {};
    return respond(409, error.code, "related records prevent this change (foreign key)", fields);
  }
  if (error instanceof ValidationError) {
    const issues = error.issues.map((i) => ({ path: dotted(i.path), message: i.message, code: i.code }));
    return respond(400, error.code, "the data is invalid", { issues });
  }
  if (error instanceof InvalidQueryError) {
    return respond(400, error.code, error.message, { issues: [] });
  }
  if (error instanceof ConnectionError) {
    return { ...respond(503, error.code, "the database is unavailable, try again later"), serverFault: true };
  }
  if (typeof error !== "object" || error === null) return GENERIC_500();
  const fastify = error as Partial<FastifyError> & { validation?: readonly FastifyValidationEntry[] };
  if (Array.isArray(fastify.validation)) {
    const issues = validationIssues(fastify.validation, fastify.validationContext);
    return respond(400, "FST_ERR_VALIDATION", "the request is invalid", { issues });
  }
  const known = typeof fastify.code === "string" ? FASTIFY_CLIENT_ERRORS[fastify.code] : undefined;
  if (known !== undefined) return respond(known.status, fastify.code as string, known.message);
  const status = fastify.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500 && Number.isInteger(status)) {
    // Errors raised on purpose for the client (reply.code(4xx) / httpErrors): their message is meant to be read.
    const code = typeof fastify.code === "string" && fastify.code !== "" ? fastify.code : reasonCode(status);
    return respond(status, code, typeof fastify.message === "string" ? fastify.message : "");
  }
  return GENERIC_500();
}

/**
 * A Fastify error handler that answers with {@link toHttpError}: client errors as
 * `{ statusCode, error, code, message, issues? }`, server faults as a generic 500 (or 503) while the
 * full error (message, stack, `cause`) goes to `request.log`. `registersPlugin` installs it.
 *
 * @example
 * ```ts
 * app.setErrorHandler(registersErrorHandler);
 * ```
 */
export function registersErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const answer = toHttpError(error);
  if (answer.serverFault) request.log.error({ err: error }, "request failed");
  else request.log.info({ err: error, statusCode: answer.statusCode }, "request rejected");
  void reply.code(answer.statusCode).type("application/json; charset=utf-8").send(answer.body);
}

/**
 * A Fastify not-found handler answering an unknown route with the same body as every other error:
 * `{ statusCode: 404, error: "Not Found", code: "FST_ERR_NOT_FOUND", message: "no route GET /nope" }`
 * (Fastify's own 404 has no `code`). `registersPlugin` installs it with the error handler.
 *
 * @example
 * ```ts
 * app.setNotFoundHandler(registersNotFoundHandler);
 * ```
 */
export function registersNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split("?", 1)[0];
  request.log.info({ method: request.method, url: path }, "route not found");
  void reply
    .code(404)
    .type("application/json; charset=utf-8")
    .send(body(404, "FST_ERR_NOT_FOUND", `no route ${request.method} ${path}`));
}

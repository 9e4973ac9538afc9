import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import {
  ConnectionError,
  DuplicateKeyError,
  InvalidQueryError,
  RecordNotFoundError,
  UniqueConstraintError,
  ValidationError,
} from "../db/index.js";

/** One field problem in a 400 body: `path` is dotted (`"body.email"`, `"limit"`). */
export interface HttpIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

/** The JSON body of every error response. */
export interface HttpErrorBody {
  readonly statusCode: number;
  /** The HTTP reason phrase (`"Not Found"`). */
  readonly error: string;
  /** A stable code: `REGISTERS_...` for registry errors, `FST_...` for Fastify's, `INTERNAL_SERVER_ERROR`. */
  readonly code: string;
  readonly message: string;
  /** Field problems (400 only). */
  readonly issues?: readonly HttpIssue[];
  /** The unique fields that collided (409 on a unique constraint). */
  readonly fields?: readonly string[];
}

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

/** Fastify validation entries (Ajv's, or the Zod compiler's) as issues: `body.email`, `querystring.limit`. */
function validationIssues(
  entries: readonly FastifyValidationEntry[],
  context: string | undefined,
): HttpIssue[] {
  return entries.map((entry) => {
    const segments = (entry.instancePath ?? "").split("/").filter((s) => s !== "");
    const extra = entry.params?.missingProperty ?? entry.params?.additionalProperty;
    if (extra !== undefined) segments.push(extra);
    const path = [context, ...segments].filter((s) => s !== undefined && s !== "").join(".");
    return { path, message: entry.message ?? "is invalid", code: entry.keyword ?? "invalid" };
  });
}

/**
 * Maps an error to its HTTP answer (a pure function; `registersErrorHandler` sends it):
 * `RecordNotFoundError` -> 404, `DuplicateKeyError` / `UniqueConstraintError` -> 409,
 * `ValidationError` / `InvalidQueryError` -> 400 with the field issues, `ConnectionError` -> 503,
 * Fastify's validation errors and malformed JSON -> 400, a body too large -> 413, other client
 * errors (4xx `statusCode`) keep their status, anything else -> 500 with a generic body: no SQL, no
 * stack, no driver message ever reaches the client.
 *
 * @example
 * ```ts
 * toHttpError(new RecordNotFoundError("no User where id = 7"));
 * // { statusCode: 404, body: { statusCode: 404, error: "Not Found", code: "REGISTERS_RECORD_NOT_FOUND", message: "no User where id = 7" }, serverFault: false }
 * ```
 */
export function toHttpError(error: unknown): HttpErrorResponse {
  if (error instanceof RecordNotFoundError) return respond(404, error.code, error.message);
  if (error instanceof UniqueConstraintError) {
    return respond(409, error.code, `${error.fields.join(", ")} already taken`, { fields: error.fields });
  }
  if (error instanceof DuplicateKeyError)
    return respond(409, error.code, "a record with this key already exists");
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
    const code = typeof fastify.code === "string" ? fastify.code : (STATUS_CODES[status] ?? "CLIENT_ERROR");
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

// The JSON body parser registersPlugin installs: Fastify's own parser refuses "__proto__" keys but
// throws the reason away (every refusal reads "not valid JSON"); this one says why.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { errorCodes } from "fastify";

/** What to do with a `"__proto__"` key, or a `"constructor"` key holding a `"prototype"` key (Fastify's options). */
export type JsonKeyAction = "error" | "remove" | "ignore";

/**
 * A JSON request body holds a key that could change object prototypes if the body were merged
 * into an object (`"__proto__"`, or `"constructor"` with a `"prototype"` key): refused with a 400.
 * Fastify's `onProtoPoisoning` / `onConstructorPoisoning` options (`"remove"`, `"ignore"`) turn it off.
 *
 * @example
 * ```ts
 * try {
 *   parseJsonBody('{"__proto__": {"admin": true}}');
 * } catch (error) {
 *   (error as ForbiddenJsonKeyError).key; // "__proto__"
 * }
 * ```
 */
export class ForbiddenJsonKeyError extends Error {
  readonly code = "REGISTERS_FORBIDDEN_JSON_KEY";
  readonly statusCode = 400;
  constructor(readonly key: "__proto__" | "constructor") {
    super(
      key === "__proto__"
        ? 'the request body has a "__proto__" key, which is refused because it could change object prototypes (prototype pollution); rename the field'
        : 'the request body has a "constructor" key holding a "prototype" key, which is refused because it could change object prototypes (prototype pollution); rename the field',
    );
    this.name = "ForbiddenJsonKeyError";
  }
}

/** Options of {@link parseJsonBody}: Fastify's `onProtoPoisoning` / `onConstructorPoisoning`. */
export interface JsonBodyOptions {
  readonly onProtoPoisoning?: JsonKeyAction;
  readonly onConstructorPoisoning?: JsonKeyAction;
}

/**
 * Parses a JSON request body like Fastify's default parser (which uses `secure-json-parse`), but a
 * refused key throws {@link ForbiddenJsonKeyError} naming it. Bodies that cannot hold such a key
 * (no `__proto__`, `constructor` or `\u` escape in the text) take the plain `JSON.parse` path.
 * Malformed JSON throws a `SyntaxError`.
 *
 * @example
 * ```ts
 * parseJsonBody('{"name": "Ann"}');                                       // { name: "Ann" }
 * parseJsonBody('{"__proto__": {}}', { onProtoPoisoning: "remove" });    // {}
 * ```
 */
export function parseJsonBody(text: string, options: JsonBodyOptions = {}): unknown {
  const proto = options.onProtoPoisoning ?? "error";
  const ctor = options.onConstructorPoisoning ?? "error";
  const suspicious =
    (proto !== "ignore" || ctor !== "ignore") &&
    (text.includes("__proto__") || text.includes("constructor") || text.includes("\\u"));
  if (!suspicious) return JSON.parse(text);
  return JSON.parse(text, function reviveSafely(key: string, value: unknown) {
    if (key === "__proto__" && proto !== "ignore") {
      if (proto === "error") throw new ForbiddenJsonKeyError("__proto__");
      return undefined;
    }
    if (
      key === "constructor" &&
      ctor !== "ignore" &&
      typeof value === "object" &&
      value !== null &&
      Object.hasOwn(value, "prototype")
    ) {
      if (ctor === "error") throw new ForbiddenJsonKeyError("constructor");
      return undefined;
    }
    return value;
  });
}

/**
 * Replaces the instance's `application/json` parser with one built on {@link parseJsonBody}, with
 * the instance's `onProtoPoisoning` / `onConstructorPoisoning` options. Malformed and empty bodies
 * keep Fastify's errors (`FST_ERR_CTP_INVALID_JSON_BODY`, `FST_ERR_CTP_EMPTY_JSON_BODY`).
 *
 * @internal registersPlugin calls it.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const config = fastify.initialConfig as JsonBodyOptions;
  const options: JsonBodyOptions = {
    onProtoPoisoning: config.onProtoPoisoning,
    onConstructorPoisoning: config.onConstructorPoisoning,
  };
  fastify.removeContentTypeParser("application/json");
  fastify.addContentTypeParser(
    "application/json",
    { parseAs: "string" },
    function parseJson(_request: FastifyRequest, body: string | Buffer, done) {
      const text = typeof body === "string" ? body : body.toString("utf8");
      if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
      let value: unknown;
      try {
        value = parseJsonBody(text, options);
      } catch (error) {
        if (error instanceof ForbiddenJsonKeyError) return done(error, undefined);
        return done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY({ cause: error }), undefined);
      }
      done(null, value);
    },
  );
}

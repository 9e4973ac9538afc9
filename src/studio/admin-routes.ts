/**
 * `adminRoutes(models, options)`: the studio as a Fastify plugin — the page, its files and its JSON
 * API under one prefix, behind the guards of `security.ts` (token or `auth` hook, loopback-only
 * without `auth`, cross-site protection, strict CSP) and an error handler that turns registers'
 * errors into messages the page shows (`registersErrorHandler`, plus foreign keys as a 409).
 */
import { STATUS_CODES } from "node:http";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { ForeignKeyError } from "../db/index.js";
import { registersErrorHandler } from "../fastify/error-handler.js";
import { type ModelLike, requireManager } from "../fastify/model-schemas.js";
import { apiRoutes, type StudioEntry } from "./api-routes.js";
import { studioAssets } from "./assets.js";
import { describeModel } from "./describe-model.js";
import { StudioAuthRequiredError, StudioConfigurationError } from "./errors.js";
import {
  crossSiteProblem,
  isLoopback,
  newToken,
  readCookie,
  sameToken,
  securityHeaders,
  TOKEN_HEADER,
  tokenCookie,
  tokenCookieName,
} from "./security.js";

/**
 * Your own check of a studio request (a session, a header, a client certificate...): reply with an
 * error (`reply.code(401).send(...)`) or throw to refuse it; return to let it through. It runs on
 * every studio request: the page, its files and the API.
 */
export type StudioAuthHook = (request: FastifyRequest, reply: FastifyReply) => void | Promise<void>;

/** Options of {@link adminRoutes}. */
export interface AdminRoutesOptions {
  /** Where the studio lives in your app, e.g. `"/admin"` (default `"/studio"`; `"/"` for the root). */
  readonly prefix?: string;
  /**
   * Your access check, run on every studio request. Without it the studio answers only requests that
   * arrive on a loopback address, with the access token.
   */
  readonly auth?: StudioAuthHook;
  /**
   * The access token every request must carry (`?token=` once, then a cookie; or the
   * `x-registers-studio-token` header). Default: a random token when there is no `auth` hook (read it
   * from the plugin's `token`), none when there is one.
   */
  readonly token?: string;
}

/** The plugin `adminRoutes` returns: register it with `app.register(plugin)` (no `prefix` option there). */
export type AdminRoutesPlugin = FastifyPluginAsync & {
  /** The access token requests must carry, or `null` when only the `auth` hook decides. */
  readonly token: string | null;
  /** The normalised prefix (`""` for the root, else `"/admin"`). */
  readonly prefix: string;
  /** The address of the page on `origin` (`http://127.0.0.1:4000`), with `?token=` when there is one. */
  pageUrl(origin: string): string;
};

/** `"/admin/"` -> `"/admin"`, `"/"` -> `""`; refuses anything but a plain path. */
function normalisePrefix(prefix: string | undefined): string {
  const raw = prefix ?? "/studio";
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(raw) || raw.includes("//")) {
    throw new StudioConfigurationError(`adminRoutes: prefix must be a path such as "/admin", got "${raw}"`);
  }
  return raw.replace(/\/+$/, "");
}

/** The studio's entries by model name, refusing unregistered models and duplicate names. */
export function studioEntries(models: readonly ModelLike[]): Map<string, StudioEntry> {
  if (!Array.isArray(models) || models.length === 0) {
    throw new StudioConfigurationError(
      "the studio needs at least one registered model: adminRoutes([User, Post], ...)",
    );
  }
  const names = new Map<unknown, string>();
  for (const model of models) {
    if (typeof model !== "function" || [...names.values()].includes(model.name)) {
      throw new StudioConfigurationError(
        `the studio lists each model once, by class name: ${String((model as { name?: unknown })?.name)} is ${typeof model !== "function" ? "not a model class" : "there twice"}`,
      );
    }
    names.set(model, model.name);
  }
  const entries = new Map<string, StudioEntry>();
  for (const model of models) {
    let manager: StudioEntry["manager"];
    try {
      manager = requireManager(model);
    } catch (error) {
      throw new StudioConfigurationError((error as Error).message, { cause: error });
    }
    entries.set(model.name, { model, manager, description: describeModel(model, names) });
  }
  return entries;
}

/** registers' error answers, plus a broken foreign key as a 409 the page can show. */
function studioErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof ForeignKeyError) {
    request.log.info({ err: error }, "studio write refused: foreign key");
    void reply.code(409).send({
      statusCode: 409,
      error: "Conflict",
      code: error.code,
      message:
        "this change breaks a relationship: other records refer to this one, or it refers to a record that does not exist",
    });
    return;
  }
  registersErrorHandler(error, request, reply);
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  const isApi = request.url.includes("/api/");
  if (isApi)
    return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status], code, message });
  return reply.code(status).type("text/plain; charset=utf-8").send(`${message}\n`);
}

/**
 * The studio as a Fastify plugin: a page to browse and edit the data of `models` under `prefix`,
 * and the JSON API it calls. Every write goes through the models' managers. Guards: your `auth`
 * hook, or (without one) the access token and loopback-only; state-changing requests need the
 * page's own header and a same-origin `Origin`; every answer carries a strict Content-Security-Policy.
 * Without `auth`, an app that listens beyond loopback gets a logged `StudioAuthRequiredError` and a
 * studio that refuses every request.
 *
 * @example
 * ```ts
 * const studio = adminRoutes([User, Product, Order], {
 *   prefix: "/admin",
 *   auth: async (request, reply) => {
 *     if (request.headers.authorization !== `Bearer ${process.env.ADMIN_TOKEN}`) await reply.code(401).send();
 *   },
 * });
 * await app.register(studio);
 * ```
 */
export function adminRoutes(
  models: readonly ModelLike[],
  options: AdminRoutesOptions = {},
): AdminRoutesPlugin {
  const prefix = normalisePrefix(options.prefix);
  const entries = studioEntries(models);
  const auth = options.auth;
  if (auth !== undefined && typeof auth !== "function") {
    throw new StudioConfigurationError("adminRoutes: auth must be a function (request, reply) => void");
  }
  if (options.token !== undefined && (typeof options.token !== "string" || options.token.length < 16)) {
    throw new StudioConfigurationError("adminRoutes: token must be a string of at least 16 characters");
  }
  const token = options.token ?? (auth === undefined ? newToken() : null);
  const cookiePath = prefix === "" ? "/" : prefix;
  const page = `${prefix}/`;

  const plugin = async function registersStudio(fastify: FastifyInstance) {
    const assets = studioAssets();
    let refusedAll: StudioAuthRequiredError | undefined;
    fastify.setErrorHandler(studioErrorHandler);

    if (auth === undefined) {
      fastify.addHook("onListen", async function requireLoopback() {
        const outside = fastify
          .addresses()
          .map((a) => (typeof a === "string" ? a : a.address))
          .filter((address) => !isLoopback(address));
        if (outside.length === 0) return;
        refusedAll = new StudioAuthRequiredError(
          `the studio at ${cookiePath} has no auth hook but the app listens on ${outside.join(", ")}: pass adminRoutes(models, { auth }) or listen on 127.0.0.1 only; every studio request is refused until then`,
        );
        fastify.log.error({ err: refusedAll }, refusedAll.message);
      });
    }

    fastify.addHook("onRequest", async function guardStudio(request, reply) {
      securityHeaders(reply);
      if (auth === undefined) {
        if (refusedAll !== undefined) return refuse(request, reply, 403, refusedAll.code, refusedAll.message);
        if (!isLoopback(request.socket.localAddress)) {
          return refuse(
            request,
            reply,
            403,
            "REGISTERS_STUDIO_AUTH_REQUIRED",
            "the studio answers on loopback only",
          );
        }
      }
      if (token !== null) {
        const path = request.url.split("?", 1)[0];
        const query = request.query as { token?: string } | undefined;
        if (
          request.method === "GET" &&
          path === page &&
          query?.token !== undefined &&
          sameToken(query.token, token)
        ) {
          // The token from the printed URL becomes a cookie; the URL without it replaces it in history.
          return reply
            .code(303)
            .header("set-cookie", tokenCookie(token, cookiePath))
            .header("location", page)
            .send();
        }
        const header = request.headers[TOKEN_HEADER];
        const presented =
          typeof header === "string" ? header : readCookie(request.headers.cookie, tokenCookieName(token));
        if (!sameToken(presented, token)) {
          return refuse(
            request,
            reply,
            401,
            "REGISTERS_STUDIO_TOKEN",
            "the studio needs its access token: open the URL with ?token=... that `registers studio` printed",
          );
        }
      }
      if (auth !== undefined) {
        await auth(request, reply);
        if (reply.sent) return reply;
      }
      const problem = crossSiteProblem(request);
      if (problem !== undefined) return refuse(request, reply, 403, "REGISTERS_STUDIO_CROSS_SITE", problem);
    });

    const index = assets.get("index.html");
    fastify.get(page, async function studioPage(_request, reply) {
      return reply.type(index?.contentType ?? "text/html").send(index?.body);
    });
    if (prefix !== "") {
      fastify.get(prefix, async function studioRedirect(_request, reply) {
        return reply.code(308).header("location", page).send();
      });
    }
    // Browsers ask for it on their own; the page has none (its <link rel="icon"> is empty).
    fastify.get(`${prefix}/favicon.ico`, async function studioIcon(_request, reply) {
      return reply.code(204).send();
    });
    fastify.get(`${prefix}/assets/:name`, async function studioAsset(request, reply) {
      const asset = assets.get((request.params as { name: string }).name);
      if (asset === undefined || (request.params as { name: string }).name === "index.html") {
        return reply
          .code(404)
          .send({ statusCode: 404, error: "Not Found", code: "FST_ERR_NOT_FOUND", message: "no such file" });
      }
      return reply.type(asset.contentType).send(asset.body);
    });
    await fastify.register(
      async function studioApi(api: FastifyInstance) {
        apiRoutes(api, entries);
      },
      { prefix: `${prefix}/api` },
    );
  };

  return Object.assign(plugin, {
    token,
    prefix,
    pageUrl(origin: string): string {
      return `${origin.replace(/\/+$/, "")}${page}${token === null ? "" : `?token=${token}`}`;
    },
  });
}

/**
 * `startStudio(options)`: the studio on a server of its own, what `registers studio` runs. It listens
 * on 127.0.0.1 (a free port unless one is given), requires a random access token, and refuses a
 * host beyond loopback unless an `auth` hook is given. It opens no browser.
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { ModelLike } from "../fastify/model-schemas.js";
import { registersPlugin } from "../fastify/plugin.js";
import { adminRoutes, type StudioAuthHook } from "./admin-routes.js";
import { StudioAuthRequiredError, StudioConfigurationError } from "./errors.js";
import { isLoopback } from "./security.js";

/** Options of {@link startStudio}. */
export interface StartStudioOptions {
  /** The registered models to show (e.g. the ones the `registers` config names). */
  readonly models: readonly ModelLike[];
  /** Interface to listen on (default `"127.0.0.1"`); anything but loopback needs `auth`. */
  readonly host?: string;
  /** Port (default `0`: a free port chosen by the system). */
  readonly port?: number;
  /** An access check of your own (see `adminRoutes`); required beyond loopback. */
  readonly auth?: StudioAuthHook;
  /** The access token (default: a new random one each start). */
  readonly token?: string;
  /** Log requests with Fastify's logger (default `false`). */
  readonly logger?: boolean;
}

/** A running studio. */
export interface RunningStudio {
  /** The page's address with the token, e.g. `http://127.0.0.1:43121/?token=...`: print it. */
  readonly url: string;
  /** The origin the server listens on, e.g. `http://127.0.0.1:43121`. */
  readonly origin: string;
  /** The access token, or `null` when an `auth` hook decides. */
  readonly token: string | null;
  /** The Fastify app (for tests and embedding). */
  readonly app: FastifyInstance;
  /** Stops the server and closes the models' database engines. */
  close(): Promise<void>;
}

/**
 * Starts the studio for `models` on its own server and returns its address with the access token.
 * Throws `StudioAuthRequiredError` for a host that is not loopback without `auth`, before listening.
 *
 * @example
 * ```ts
 * const studio = await startStudio({ models: [User, Product, Order] });
 * console.log(`registers studio: ${studio.url}`);
 * // later: await studio.close();
 * ```
 */
export async function startStudio(options: StartStudioOptions): Promise<RunningStudio> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StudioConfigurationError(
      `startStudio: port must be an integer from 0 to 65535, got ${String(port)}`,
    );
  }
  if (options.auth === undefined && !isLoopback(host)) {
    throw new StudioAuthRequiredError(
      `startStudio: host "${host}" is reachable from other machines; listen on 127.0.0.1, or pass an auth hook that checks every request`,
    );
  }
  const studio = adminRoutes(options.models, { prefix: "/", auth: options.auth, token: options.token });
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  await app.register(registersPlugin, { models: options.models, schema: "none" });
  await app.register(studio);
  await app.listen({ host, port });
  const address = app.server.address();
  if (address === null || typeof address === "string") {
    await app.close();
    throw new StudioConfigurationError("startStudio: the server has no TCP address");
  }
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const origin = `http://${shownHost}:${address.port}`;
  return {
    url: studio.pageUrl(origin),
    origin,
    token: studio.token,
    app,
    close: () => app.close(),
  };
}

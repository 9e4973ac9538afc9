/**
 * Typed errors of registers/studio, each with a stable `code` and a message that says what to do.
 * They extend registers/db's `ConfigurationError`, so one `instanceof RegistryError` catches them too.
 */
import { ConfigurationError } from "../db/index.js";

/**
 * The studio would be reachable from other machines without an `auth` hook: `startStudio()` with a
 * host that is not loopback, or `adminRoutes()` without `auth` in an app listening beyond loopback
 * (Fastify cannot fail `listen()` from a plugin, so the studio then logs this error and refuses
 * every request with a 403 carrying this code).
 *
 * @example
 * ```ts
 * await startStudio({ models, host: "0.0.0.0" }); // throws StudioAuthRequiredError
 * ```
 */
export class StudioAuthRequiredError extends ConfigurationError {
  override readonly code: string = "REGISTERS_STUDIO_AUTH_REQUIRED";
}

/**
 * The studio's options are wrong (no models, an unregistered model, two models of one name, a bad
 * prefix or port).
 *
 * @example
 * ```ts
 * adminRoutes([], {}); // throws StudioConfigurationError: give at least one registered model
 * ```
 */
export class StudioConfigurationError extends ConfigurationError {
  override readonly code: string = "REGISTERS_STUDIO_CONFIGURATION";
}

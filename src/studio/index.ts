/**
 * registers/studio: a web page to browse and edit the data of registered models — a list of models
 * with row counts, keyset-paged tables with sorting and criteria filters, record views and forms
 * generated from the Zod schema, relationships as links. `startStudio()` serves it on loopback with a
 * random access token (what `registers studio` runs); `adminRoutes()` mounts it in your Fastify app.
 * Fastify 5 is an optional peer dependency, as for registers/fastify.
 *
 * @example
 * ```ts
 * import { startStudio } from "registers/studio";
 *
 * const studio = await startStudio({ models: [User, Product, Order] });
 * console.log(studio.url); // http://127.0.0.1:43121/?token=...
 * ```
 */
export {
  type AdminRoutesOptions,
  type AdminRoutesPlugin,
  adminRoutes,
  type StudioAuthHook,
} from "./admin-routes.js";
export type { StudioField, StudioInput, StudioModel, StudioRelation } from "./describe-model.js";
export { StudioAuthRequiredError, StudioConfigurationError } from "./errors.js";
export { CONTENT_SECURITY_POLICY, CSRF_HEADER, TOKEN_HEADER } from "./security.js";
export { type RunningStudio, type StartStudioOptions, startStudio } from "./start-studio.js";

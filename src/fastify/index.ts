/**
 * registers/fastify: registers models in Fastify services (plugin, error mapping, CRUD routes).
 * Fastify is an optional peer dependency.
 */
export const FASTIFY_MODULE = "registers/fastify" as const;

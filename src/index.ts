/**
 * registers: register once, use everywhere.
 *
 * The root entry re-exports both halves. Import `registers/cli` or `registers/db`
 * to load only the half you use.
 *
 * @example
 * ```ts
 * import { CommandRegistry, Model, databaseRegistry } from "registers";
 * ```
 */
export * from "./cli/index.js";
export * from "./db/index.js";

/**
 * registers/cli: one registration turns a function into a parsed, aliased, DI-wired command.
 * Zod is never imported here: schemas are recognised structurally, so an app that uses plain
 * `String` / `Number` / `Boolean` descriptors starts as fast as one written with commander.
 *
 * This file holds re-exports only, and is the public API: a module or name it does not list is
 * internal (there is no `_` prefix; internal files say so in their header). It may import every
 * src/cli module; none imports it.
 *
 * @example
 * ```ts
 * import { CommandRegistry } from "registers/cli";
 *
 * const cli = new CommandRegistry();
 * cli.register({ name: "greet", ops: ["-g", "--greet"], args: { name: String } }, ({ name }) => `Hello, ${name}!`);
 * await cli.run();
 * ```
 */
export { buildParser, type Parser, SHELLS } from "./build-parser.js";
export { renderCompletion } from "./completion.js";
export { DIContainer } from "./container.js";
export { Dispatcher } from "./dispatcher.js";
export {
  ArgumentDefinitionError,
  DependencyNotFoundError,
  DuplicateCommandError,
  FrameworkError,
  PluginLoadError,
  UnknownCommandError,
  UsageError,
} from "./errors.js";
export { type HelpOptions, renderCommandHelp, renderHelp, renderUsage } from "./help.js";
export { getLogger, type Logger, setLogger } from "./logger.js";
export {
  loggingMiddlewarePost,
  loggingMiddlewarePre,
  MiddlewareChain,
  type PostHook,
  type PreHook,
} from "./middleware.js";
export { MODEL_COMMANDS, type ModelCommandName, type ModelCommandsOptions } from "./model-commands.js";
export type { CommandModel, ModelObjects } from "./model-types.js";
export { type FormatOptions, formatResult, NO_ROWS } from "./output.js";
export {
  type CommandArgs,
  displayName,
  OUTPUT_FORMATS,
  type ParseArgsOptions,
  parseCommandArgs,
} from "./parse-args.js";
export { type LoadedPlugin, loadPlugins } from "./plugins.js";
export { type Progress, type ProgressOptions, progress } from "./progress.js";
export {
  CommandRegistry,
  type CommandRegistryOptions,
  type MergeOptions,
  modelCommands,
} from "./registry.js";
export { type OutputStream, type RunOptions, run } from "./run.js";
export type { ShellOptions } from "./shell-command.js";
export { suggestSimilar } from "./suggest.js";
export { kebabCase, toArgSpecs } from "./to-arg-specs.js";
export type {
  ArgDescriptor,
  ArgKind,
  ArgMeta,
  ArgOptions,
  ArgSpec,
  ArgsShape,
  Choice,
  CommandEntry,
  CommandMeta,
  Constructor,
  GlobalOptions,
  Handler,
  InferArg,
  InferArgs,
  OutputFormat,
  ParseResult,
  PlainType,
  Shell,
  ValueType,
  ZodLike,
} from "./types.js";
export { findPackageVersion } from "./version.js";
export { isZodSchema, type ZodArgSettings, zodToArg } from "./zod-to-args.js";

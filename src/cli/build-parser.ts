import type { DIContainer } from "./container.js";
import { DependencyNotFoundError, UnknownCommandError, UsageError } from "./errors.js";
import { type GlobalOptions, OUTPUT_FORMATS, type OutputFormat, parseCommandArgs } from "./parse-args.js";
import type { CommandRegistry } from "./registry.js";
import { suggestSimilar } from "./suggest.js";

/**
 * Shells `app completion <shell>` knows.
 *
 * @example
 * ```ts
 * for (const shell of SHELLS) writeFileSync(`app.${shell}`, renderCompletion(cli, shell));
 * ```
 */
export const SHELLS = ["bash", "zsh", "fish"] as const;
/** One of `bash`, `zsh`, `fish`. */
export type Shell = (typeof SHELLS)[number];

/**
 * What a command line asks for. Only `kind: "command"` runs a handler.
 *
 * @example
 * ```ts
 * const parsed: ParseResult = buildParser(cli).parse(["--verbose", "greet", "Alice"]);
 * if (parsed.kind === "command") console.log(parsed.command, parsed.args, parsed.verbose); // greet { name: "Alice" } true
 * ```
 */
export type ParseResult = GlobalOptions &
  (
    | { kind: "command"; command: string; args: Record<string, unknown> }
    | { kind: "help" /** command or group path; `""` for the top level */; command: string }
    | { kind: "version" }
    | { kind: "none" /** group path, `""` at the top level */; group: string }
    | { kind: "completion"; shell: Shell }
  );

/** A parser built from a registry. */
export interface Parser {
  /** Parses argv (without the node and script paths); throws `UsageError` on bad input. */
  parse(argv: readonly string[]): ParseResult;
}

const GLOBAL_FLAGS = ["--help", "--version", "--verbose", "--output"];

/**
 * Builds the argv parser of a registry. `parse(argv)` returns `{ kind: "command", command, args }`
 * (command is the canonical full name) or help / version / completion requests, and throws
 * `UsageError` (or its subclass `UnknownCommandError`) for anything else. With a container, every
 * dependency of every command must be registered in it (checked here, so a missing binding fails
 * at start-up rather than on first use).
 *
 * @example
 * ```ts
 * const parser = buildParser(registry, container);
 * const parsed = parser.parse(["greet", "Alice"]); // { kind: "command", command: "greet", args: { name: "Alice" }, verbose: false }
 * ```
 */
export function buildParser(registry: CommandRegistry, container?: DIContainer): Parser {
  if (container)
    for (const entry of registry.all())
      for (const spec of entry.specs)
        if (spec.kind === "dependency" && spec.dependency && !container.has(spec.dependency))
          throw new DependencyNotFoundError(spec.dependency.name || spec.key, entry.fullName);
  return { parse: (argv) => parseArgv(registry, argv) };
}

function parseArgv(root: CommandRegistry, argv: readonly string[]): ParseResult {
  const tokens = [...argv].map(String);
  const globals: GlobalOptions = { verbose: false };
  let i = 0;
  for (; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok === "-h" || tok === "--help") return { kind: "help", command: "", ...globals };
    if (tok === "--version" || tok === "-V") return { kind: "version", ...globals };
    if (tok === "--verbose") {
      globals.verbose = true;
      continue;
    }
    if (tok === "--output" || tok.startsWith("--output=")) {
      const value = tok === "--output" ? tokens[++i] : tok.slice("--output=".length);
      if (value === undefined || !(OUTPUT_FORMATS as readonly string[]).includes(value))
        throw new UsageError(
          value === undefined
            ? "option --output needs a value"
            : `invalid value '${value}' for --output: expected one of ${OUTPUT_FORMATS.join(", ")}`,
        );
      globals.output = value as OutputFormat;
      continue;
    }
    if (tok === "--") {
      i++;
      break;
    }
    if (tok.startsWith("-") && tok.length > 1 && root.lookup(tok) === undefined) {
      const close = suggestSimilar(tok, GLOBAL_FLAGS);
      throw new UsageError(
        `unknown option ${tok}${close.length ? ` (did you mean ${close.join(" or ")}?)` : ""}`,
      );
    }
    break;
  }
  let reg = root;
  for (;;) {
    const tok = tokens[i];
    const group = reg.path.join(" ");
    if (tok === undefined) return { kind: "none", group, ...globals };
    if (reg !== root && (tok === "-h" || tok === "--help"))
      return { kind: "help", command: group, ...globals };
    const hit = reg.lookup(tok);
    if (hit === undefined) {
      if (reg === root && tok === "completion") return completion(tokens.slice(i + 1), globals);
      const names = reg === root ? [...reg.names(), "completion"] : reg.names();
      throw new UnknownCommandError(tok, suggestSimilar(tok, names), group || undefined);
    }
    if (hit.kind === "group") {
      reg = hit.group;
      i++;
      continue;
    }
    const entry = hit.entry;
    const parsed = parseCommandArgs(entry.specs, tokens.slice(i + 1), entry.fullName);
    const merged: GlobalOptions = {
      verbose: globals.verbose || parsed.globals.verbose,
      output: parsed.globals.output ?? globals.output,
    };
    if (merged.output === undefined) delete merged.output;
    if (parsed.help) return { kind: "help", command: entry.fullName, ...merged };
    return { kind: "command", command: entry.fullName, args: parsed.values, ...merged };
  }
}

function completion(rest: string[], globals: GlobalOptions): ParseResult {
  const [shell, ...extra] = rest;
  if (shell === "-h" || shell === "--help") return { kind: "help", command: "completion", ...globals };
  if (shell === undefined || !(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(
      shell === undefined
        ? `completion needs a shell: ${SHELLS.join(", ")}`
        : `unknown shell '${shell}': expected one of ${SHELLS.join(", ")}`,
      { command: "completion" },
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, { command: "completion" });
  return { kind: "completion", shell: shell as Shell, ...globals };
}

// Parses a whole command line against a command table (`buildParser()`): global options, groups,
// the command name or alias, then that command's own arguments through parseCommandArgs(). Also
// holds `SHELLS`, the shells `completion <shell>` accepts. Works on the read-only `CommandTable`
// view, never on the `CommandRegistry` class. May import types.ts, errors.ts, parse-args.ts,
// suggest.ts and the `DIContainer` type.
import type { DIContainer } from "./container.js";
import { DependencyNotFoundError, UnknownCommandError, UsageError } from "./errors.js";
import { outputFormat, type ParseArgsOptions, parseCommandArgs } from "./parse-args.js";
import { suggestSimilar } from "./suggest.js";
import type { CommandTable, GlobalOptions, ParseResult, Shell } from "./types.js";

/**
 * Shells `app completion <shell>` knows.
 *
 * @example
 * ```ts
 * for (const shell of SHELLS) writeFileSync(`app.${shell}`, renderCompletion(cli, shell));
 * ```
 */
export const SHELLS = ["bash", "zsh", "fish"] as const satisfies readonly Shell[];

/** A parser built from a registry. */
export interface Parser {
  /**
   * Parses argv (without the node and script paths); throws `UsageError` on bad input. `options`
   * gives the environment (default `process.env`) and whether a terminal may be prompted.
   */
  parse(argv: readonly string[], options?: ParseArgsOptions): ParseResult;
}

const GLOBAL_FLAGS = ["--help", "--version", "--verbose", "--output", "--quiet", "--yes"];

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
export function buildParser(registry: CommandTable, container?: DIContainer): Parser {
  if (container)
    for (const entry of registry.all())
      for (const spec of entry.specs)
        if (spec.kind === "dependency" && spec.dependency && !container.has(spec.dependency))
          throw new DependencyNotFoundError(spec.dependency.name || spec.key, entry.fullName);
  return { parse: (argv, options) => parseArgv(registry, argv, options ?? {}) };
}

function parseArgv(root: CommandTable, argv: readonly string[], options: ParseArgsOptions): ParseResult {
  const tokens = [...argv].map(String);
  const globals: GlobalOptions = { verbose: false };
  let i = 0;
  for (; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok === "-h" || tok === "--help") return { kind: "help", command: "", ...globals };
    if (tok === "--version" || tok === "-V") return { kind: "version", ...globals };
    if (tok === "--verbose" || tok === "--quiet" || tok === "--yes") {
      globals[tok.slice(2) as "verbose" | "quiet" | "yes"] = true;
      continue;
    }
    if (tok === "-q" || tok === "-y") {
      globals[tok === "-q" ? "quiet" : "yes"] = true;
      continue;
    }
    if (tok === "--output" || tok.startsWith("--output=")) {
      globals.output = outputFormat(tok === "--output" ? tokens[++i] : tok.slice("--output=".length));
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
    const parsed = parseCommandArgs(entry.specs, tokens.slice(i + 1), entry.fullName, options);
    const merged: GlobalOptions = { verbose: globals.verbose || parsed.globals.verbose };
    const output = parsed.globals.output ?? globals.output;
    if (output !== undefined) merged.output = output;
    if (globals.quiet || parsed.globals.quiet) merged.quiet = true;
    if (globals.yes || parsed.globals.yes) merged.yes = true;
    if (parsed.help) return { kind: "help", command: entry.fullName, ...merged };
    const command = { kind: "command", command: entry.fullName, args: parsed.values, ...merged } as const;
    return parsed.pending.length > 0 ? { ...command, pending: parsed.pending } : command;
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

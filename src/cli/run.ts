// The outermost edge of registers/cli (`run()`): parses argv, prints help, the version or a
// completion script, dispatches a command, prints its result, and reports errors and the exit
// code through injectable streams and `exit`. The only file that turns errors into exit codes.
// On a terminal it asks for missing `prompt: true` arguments and for a command's confirmation
// (prompt.ts, loaded by `import()` only then). Works on the read-only `CommandTable` view, never
// on the `CommandRegistry` class. May import every other src/cli module except registry.ts and
// index.ts.
import { isatty } from "node:tty";
import { buildParser } from "./build-parser.js";
import { paint, useColor } from "./colors.js";
import { renderCompletion } from "./completion.js";
import type { DIContainer } from "./container.js";
import { Dispatcher } from "./dispatcher.js";
import { FrameworkError, UsageError } from "./errors.js";
import { renderCommandHelp, renderHelp, renderUsage } from "./help.js";
import type { MiddlewareChain } from "./middleware.js";
import { formatResult } from "./output.js";
import { answerValue, displayName } from "./parse-args.js";
import { runContext } from "./run-context.js";
import type { ArgSpec, CommandTable, ParseResult } from "./types.js";
import { findPackageVersion } from "./version.js";

/** A stream `run()` writes to. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Options of `run()` / `cli.run()`. Every side effect is injectable.
 *
 * @example
 * ```ts
 * await cli.run(["list"], { container, middleware, printResult: false, exit: (code) => process.exit(code) });
 * ```
 */
export interface RunOptions {
  /** Instances injected into commands that declare class-typed args. */
  container?: DIContainer;
  /** Pre- and post-hooks around every command. */
  middleware?: MiddlewareChain;
  /** Print a result that is not `undefined`/`null` (default true). */
  printResult?: boolean;
  /** Default `process.stdout`. */
  stdout?: OutputStream;
  /** Default `process.stderr`. */
  stderr?: OutputStream;
  /** Receives the exit code; default sets `process.exitCode` (never `process.exit`). */
  exit?: (code: number) => void;
  /** Environment read for `NO_COLOR` and arguments' `env` variables; default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * May prompts, confirmations and the shell ask the user? Default: both stdin and stdout are
   * terminals. Never true in a pipe or CI, where a missing argument stays a usage error.
   */
  interactive?: boolean;
}

/**
 * Parses `argv`, dispatches, prints the result, and reports an exit code through `exit`:
 * 0 on success, help and `--version`; 1 when no command is given (help goes to stderr) or the
 * handler throws (`Error: <message>`, the stack only with `--verbose`; under `--output`, a
 * `FrameworkError` with a `result` prints that result on stdout instead); 2 for usage errors
 * (`error: <message>` plus the command's usage) and unknown commands (with "Did you mean ...?").
 * Resolves to the handler's result (`undefined` after an error); never rejects, never exits.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * await run(cli, ["greet", "Alice"], { stdout: { write: (s) => out.push(s) }, exit: (code) => console.log(code) });
 * ```
 */
export async function run(
  registry: CommandTable,
  argv: readonly string[] = process.argv.slice(2),
  options: RunOptions = {},
): Promise<unknown> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const exit =
    options.exit ??
    ((code: number) => {
      process.exitCode = code;
    });
  const env = options.env ?? process.env;
  const errColor = useColor(stderr, env);
  const err = paint(errColor);
  const root = registry.root;
  const program = root.programName;
  let verbose = argv.includes("--verbose");

  const usageFor = (command: string | undefined): string => {
    const found = command ? root.find(command) : undefined;
    if (found?.kind === "command")
      return `${renderUsage(found.entry, program)}\nRun '${program} ${command} --help' for details.\n`;
    if (command === "completion") return `Usage: ${program} completion bash|zsh|fish\n`;
    const prefix = [program, ...(found?.kind === "group" ? found.group.path : [])].join(" ");
    return `Usage: ${prefix} <command> [options]\nRun '${prefix} --help' to list the commands.\n`;
  };

  // `running` is the command whose handler (or hooks) threw: the usage that applies to a
  // UsageError that does not name a command of its own.
  const report = (error: unknown, running?: string): undefined => {
    if (error instanceof UsageError) {
      stderr.write(`${err.red("error:")} ${error.message}\n\n${usageFor(error.command ?? running)}`);
      exit(2);
      return undefined;
    }
    // Surrounding whitespace is trimmed, and a blank message falls back to the error's name, so the
    // line always reads "Error: <something>".
    const text = error instanceof Error ? error.message : String(error);
    const message = text.trim() || (error instanceof Error ? error.name : "unknown error");
    stderr.write(`${err.red("Error:")} ${message}\n`);
    if (verbose && error instanceof Error && error.stack) {
      const frames = stackFrames(error);
      if (frames) stderr.write(`${frames}\n`);
      if (error.cause !== undefined)
        stderr.write(`Caused by: ${String((error.cause as Error)?.stack ?? error.cause)}\n`);
    }
    exit(
      typeof (error as { exitCode?: unknown })?.exitCode === "number"
        ? (error as { exitCode: number }).exitCode
        : 1,
    );
    return undefined;
  };

  const interactive = options.interactive ?? (stdout.isTTY === true && isatty(0));
  let parsed: ParseResult;
  try {
    parsed = buildParser(root).parse(argv, { env, interactive });
  } catch (error) {
    return report(error);
  }
  verbose = parsed.verbose;

  switch (parsed.kind) {
    case "help": {
      const color = useColor(stdout, env);
      const found = parsed.command ? root.find(parsed.command) : undefined;
      if (found?.kind === "command") stdout.write(renderCommandHelp(found.entry, program, { color }));
      else if (parsed.command === "completion") stdout.write(usageFor("completion"));
      else stdout.write(renderHelp(found?.kind === "group" ? found.group : root, { color }));
      exit(0);
      return undefined;
    }
    case "version": {
      const version = root.version ?? findPackageVersion();
      if (version === undefined) {
        stderr.write(
          `${err.red("Error:")} no version: pass new CommandRegistry({ version }) or add a package.json\n`,
        );
        exit(1);
        return undefined;
      }
      stdout.write(`${version}\n`);
      exit(0);
      return undefined;
    }
    case "none": {
      const found = parsed.group ? root.find(parsed.group) : undefined;
      stderr.write(renderHelp(found?.kind === "group" ? found.group : root, { color: errColor }));
      exit(1);
      return undefined;
    }
    case "completion":
      stdout.write(renderCompletion(root, parsed.shell));
      exit(0);
      return undefined;
  }

  const entry = root.get(parsed.command);
  const output = parsed.output ?? entry.output;
  const rerun = (line: readonly string[]): Promise<number> => {
    let code = 0;
    return run(root, line, {
      ...options,
      exit: (c) => {
        code = c;
      },
    }).then(() => code);
  };
  const context = { verbose: parsed.verbose, output, stderr, quiet: parsed.quiet, interactive, rerun };
  const print = (result: unknown) => {
    if (options.printResult === false || parsed.quiet || result === undefined || result === null) return;
    const text = formatResult(result, output, { tty: stdout.isTTY === true });
    if (text !== "" || output !== "csv") stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  };
  return runContext.run(context, async () => {
    let result: unknown;
    try {
      const args = parsed.pending
        ? { ...parsed.args, ...(await ask(parsed.pending, entry.fullName)) }
        : parsed.args;
      if (entry.confirm !== undefined && !parsed.yes) {
        const question = typeof entry.confirm === "function" ? entry.confirm(args as never) : entry.confirm;
        if (!interactive)
          throw new UsageError(
            `'${entry.fullName}' asks "${question}" before it runs: pass --yes (or -y) to run it without a terminal`,
            { command: entry.fullName, code: "E_CONFIRM_NEEDS_YES" },
          );
        const yes = await (await import("./prompt.js")).askConfirm(question);
        if (yes === undefined) throw cancelled();
        if (!yes)
          throw new FrameworkError("Aborted: nothing was changed", { code: "E_ABORTED", exitCode: 1 });
      }
      result = await new Dispatcher(root, options.container, options.middleware).dispatch(
        entry.fullName,
        args,
      );
    } catch (error) {
      // A failure that carries a result (`FrameworkError.result`) is data under --output: stdout only.
      if (output === undefined || !(error instanceof FrameworkError) || error.result === undefined)
        return report(error, parsed.command);
      print(error.result);
      exit(error.exitCode);
      return undefined;
    }
    print(result);
    exit(0);
    return result;
  });
}

/** Ctrl-C or Escape at a prompt: exit 130, as a shell reports an interrupted command. */
function cancelled(): FrameworkError {
  return new FrameworkError("Cancelled: nothing was changed", { code: "E_CANCELLED", exitCode: 130 });
}

/**
 * Asks on the terminal for the arguments the parser left pending (prompt.ts, loaded only now),
 * each answer read with the command line's rules (`answerValue`).
 */
async function ask(pending: readonly ArgSpec[], command: string): Promise<Record<string, unknown>> {
  const { askFor } = await import("./prompt.js");
  const answers = await askFor(
    pending.map((spec) => ({
      spec,
      label: `${spec.description ? `${spec.description} (${displayName(spec)})` : spec.flag.slice(2)}${spec.multiple ? " (several: separate with spaces or commas)" : ""}`,
      read: (answer: string) => answerValue(spec, answer, command),
    })),
  );
  if (answers === undefined) throw cancelled();
  return answers;
}

/**
 * The stack of `error` without its header: a V8 stack starts with `<name>: <message>`, which
 * `run()` has already printed as `Error: <message>`. Returns the `    at ...` frames, or the whole
 * stack when it has no recognisable header (a custom `stack` string), or `""` when it is only the header.
 * @internal
 */
function stackFrames(error: Error): string {
  const stack = error.stack ?? "";
  const header = String(error);
  if (stack === header) return "";
  if (stack.startsWith(`${header}\n`)) return stack.slice(header.length + 1);
  // The message changed after the stack was captured: the frames start at the first "at" line.
  const lines = stack.split("\n");
  const first = lines.findIndex((line) => /^\s+at /.test(line));
  return first > 0 ? lines.slice(first).join("\n") : stack;
}

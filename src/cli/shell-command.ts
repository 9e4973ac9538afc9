// The `shell` command that `cli.enableShell()` adds (`shellCommand()`): its metadata, and a
// handler that loads the interactive shell (shell.ts, node:readline) only when `app shell` runs,
// so the shell costs nothing at start-up. Works on the read-only `CommandTable` view. May import
// types.ts, errors.ts and run-context.ts; shell.ts only through `import()`.
import { UsageError } from "./errors.js";
import { runContext } from "./run-context.js";
import type { CommandMeta, CommandTable, Handler } from "./types.js";

/**
 * Options of `cli.enableShell()`.
 *
 * @example
 * ```ts
 * cli.enableShell({ name: "repl", prompt: "todo> ", historySize: 500, historyFile: "~/.todo_history" } satisfies ShellOptions);
 * ```
 */
export interface ShellOptions {
  /** The command's name; default `"shell"`. */
  readonly name?: string;
  /** The prompt; default `"<program>> "`. */
  readonly prompt?: string;
  /** Lines kept for the up and down arrows; default 1000. */
  readonly historySize?: number;
  /**
   * Keep the history across sessions in this file (`~/` is the home directory): read when the
   * shell opens, rewritten (mode 0600, at most `historySize` lines, oldest first) after each line.
   * Default: none, the history ends with the session.
   */
  readonly historyFile?: string;
}

/**
 * The `shell` command of a table: metadata and a handler that starts the shell on a terminal.
 * @internal
 */
export function shellCommand(
  table: CommandTable,
  options: ShellOptions,
): { meta: CommandMeta; handler: Handler } {
  const name = options.name ?? "shell";
  const handler: Handler = async function shell() {
    const ctx = runContext.getStore();
    if (ctx?.rerun === undefined || !ctx.interactive)
      throw new UsageError(`'${name}' needs a terminal; in a script, run the commands directly`, {
        command: name,
      });
    const { startShell } = await import("./shell.js");
    await startShell(table.root, {
      prompt: options.prompt ?? `${table.root.programName}> `,
      historySize: options.historySize ?? 1000,
      historyFile: options.historyFile,
      shellName: name,
      rerun: ctx.rerun,
      stderr: ctx.stderr,
    });
    return undefined;
  };
  return {
    meta: { name, description: "open an interactive shell over these commands (exit or Ctrl-D to leave)" },
    handler,
  };
}

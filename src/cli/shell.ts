// The interactive shell of `cli.enableShell()` (`startShell()`): reads command lines with
// node:readline (history on the arrows, kept in a file across sessions when `historyFile` is set;
// Tab completion of commands, groups, options and choices), splits them like a POSIX shell
// (quotes, backslashes) and runs each through `run()` with the
// options of the `app shell` run, so errors are printed and the shell goes on. `help`, `exit`,
// `quit` and Ctrl-D are its own words. Loaded only by `import()` from shell-command.ts. Works on
// the read-only `CommandTable` view. May import types.ts and suggest.ts.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { CommandEntry, CommandTable } from "./types.js";

/** What the shell needs from the `app shell` run. @internal */
export interface ShellSession {
  readonly prompt: string;
  readonly historySize: number;
  /** Where the history is kept across sessions (`~/` expanded); none: not kept. */
  readonly historyFile?: string;
  /** The shell command's own name (refused inside the shell). */
  readonly shellName: string;
  /** Runs one command line with the options of the `app shell` run; resolves to its exit code. */
  readonly rerun: (argv: readonly string[]) => Promise<number>;
  readonly stderr: { write(text: string): unknown };
}

const OWN_WORDS = ["help", "exit", "quit"];
const GLOBAL_OPTIONS = ["--help", "--verbose", "--quiet", "--yes", "--output"];

/**
 * Splits a command line into words as a POSIX shell would: whitespace separates, `'...'` is
 * literal, `"..."` keeps spaces and honours `\"` and `\\`, a backslash escapes outside quotes.
 * Throws on an unterminated quote.
 * @internal
 */
export function splitLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const close = c;
      inWord = true;
      for (i++; i < line.length && line[i] !== close; i++) {
        if (close === '"' && line[i] === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) i++;
        word += line[i];
      }
      if (i >= line.length) throw new Error(`unterminated ${close} quote`);
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function optionWords(entry: CommandEntry): string[] {
  const words: string[] = [];
  for (const s of entry.specs) {
    if (s.kind === "option") words.push(s.flag);
    if (s.kind === "flag") words.push(s.flag, `--no-${s.flag.slice(2)}`);
  }
  return [...words, ...GLOBAL_OPTIONS];
}

/**
 * Tab completion for a line typed so far: command and group names (with `help` and `exit` at the
 * top), then the command's options, or the choices of the option before the cursor.
 * @internal
 */
export function completeLine(root: CommandTable, line: string): [string[], string] {
  const words = line.split(/\s+/);
  const partial = words.pop() ?? "";
  let table = root;
  let entry: CommandEntry | undefined;
  for (const word of words) {
    if (word === "" || entry !== undefined) continue;
    const hit = table.lookup(word);
    if (hit?.kind === "group") table = hit.group;
    else if (hit?.kind === "command") entry = hit.entry;
    else if (word !== "help") return [[], partial];
  }
  let candidates: string[];
  if (entry === undefined) {
    candidates = [
      ...table.commands().map((c) => c.name),
      ...table.groups().map((g) => g.groupName as string),
    ];
    if (table === root && words.every((w) => w === "")) candidates.push(...OWN_WORDS);
  } else {
    const previous = words.at(-1);
    const spec = entry.specs.find((s) => s.kind === "option" && s.flag === previous);
    if (previous === "--output") candidates = ["json", "table", "plain", "csv"];
    else if (spec?.choices) candidates = spec.choices.map(String);
    else if (spec !== undefined) candidates = [];
    else candidates = optionWords(entry);
  }
  const hits = [...new Set(candidates)].filter((c) => c.startsWith(partial)).sort();
  // One match: complete the word and the space after it, as a shell does.
  return [hits.length === 1 ? [`${hits[0]} `] : hits, partial];
}

/** `~/x` and `~` as paths in the home directory. @internal */
export function expandHome(path: string): string {
  if (path === "~") return homedir();
  return path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/** The history kept in `file` (oldest line first), newest first as readline wants it; none when there is no file yet. */
function loadHistory(file: string, session: ShellSession): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      session.stderr.write(`warning: cannot read the shell history ${file}: ${(error as Error).message}\n`);
    return [];
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.slice(-session.historySize).reverse();
}

/** Rewrites `file` with the history (oldest first, owner-only); false, after one warning, when it cannot. */
function saveHistory(file: string, history: readonly string[], session: ShellSession): boolean {
  try {
    writeFileSync(file, `${[...history].reverse().join("\n")}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return true;
  } catch (error) {
    session.stderr.write(
      `warning: cannot save the shell history to ${file}: ${(error as Error).message} (history is kept for this session only)\n`,
    );
    return false;
  }
}

/** One line from the terminal, or `undefined` when the user pressed Ctrl-D. */
function readLine(root: CommandTable, session: ShellSession, history: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const rl: Interface = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      history: [...history],
      historySize: session.historySize,
      removeHistoryDuplicates: true,
      completer: (line: string) => completeLine(root, line),
    });
    const finish = (value: string | undefined) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(value);
    };
    rl.on("history", (lines: string[]) => {
      history.splice(0, history.length, ...lines);
    });
    rl.on("SIGINT", () => {
      process.stdout.write("\n(type exit or press Ctrl-D to leave)\n");
      finish("");
    });
    rl.on("close", () => finish(undefined));
    rl.question(session.prompt, (answer) => finish(answer));
  });
}

/**
 * Runs the shell until `exit`, `quit` or Ctrl-D: each line is split into words and run as a
 * command line; `help` shows the top-level help, `help <command>` a command's.
 * @internal
 */
export async function startShell(root: CommandTable, session: ShellSession): Promise<void> {
  const file = session.historyFile === undefined ? undefined : expandHome(session.historyFile);
  const history = file === undefined ? [] : loadHistory(file, session);
  let saveFailed = false;
  for (;;) {
    const line = await readLine(root, session, history);
    if (line === undefined) {
      process.stdout.write("\n");
      return;
    }
    if (file !== undefined && line.trim() !== "" && !saveFailed)
      saveFailed = !saveHistory(file, history, session);
    let argv: string[];
    try {
      argv = splitLine(line);
    } catch (error) {
      session.stderr.write(`error: ${(error as Error).message}\n`);
      continue;
    }
    if (argv.length === 0) continue;
    if (argv[0] === "exit" || argv[0] === "quit") return;
    if (argv[0] === "help") argv = [...argv.slice(1), "--help"];
    else if (root.lookup(argv[0])?.kind === "command" && root.get(argv[0]).name === session.shellName) {
      session.stderr.write("error: already in the shell\n");
      continue;
    }
    await session.rerun(argv);
  }
}

// Renders help text: a command's usage line (`renderUsage()`), a command's help
// (`renderCommandHelp()`), a registry's or group's help (`renderHelp()`) and the flat command list
// of `cli.listCommands()`. Pure: every function returns text. Works on the read-only `CommandTable`
// view, never on the `CommandRegistry` class. May import types.ts, colors.ts and parse-args.ts.
import { paint } from "./colors.js";
import { displayName } from "./parse-args.js";
import type { ArgSpec, CommandEntry, CommandTable } from "./types.js";

/** Options of the help renderers. */
export interface HelpOptions {
  /** ANSI colour (`run()` turns it on for a TTY without NO_COLOR). Default false. */
  color?: boolean;
}

function typeName(spec: ArgSpec): string {
  switch (spec.type) {
    case "int":
    case "bigint":
      return "integer";
    case "choice":
      return (spec.choices ?? []).map(String).join("|");
    default:
      return spec.type;
  }
}

function table(rows: (readonly [string, string])[], visible: (s: string) => number): string[] {
  const width = Math.max(0, ...rows.map(([l]) => visible(l)));
  return rows.map(([l, r]) => `  ${l}${" ".repeat(width - visible(l))}  ${r}`.trimEnd());
}

const strip = (s: string) => s.replace(/\x1b\[\d+m/g, "").length;

/** `" (-g, --greet)"`, or `""` without aliases. */
const aliasList = (ops: readonly string[]) => (ops.length > 0 ? ` (${ops.join(", ")})` : "");

function describeSpec(spec: ArgSpec): string {
  const bits: string[] = [];
  if (spec.description) bits.push(spec.description);
  if (spec.kind === "flag") bits.push("flag");
  else bits.push(typeName(spec));
  if (spec.multiple) bits.push(spec.kind === "option" ? "repeatable" : "one or more");
  if (spec.required) bits.push("required");
  else if (spec.kind === "option" && !spec.hasDefault) bits.push("optional");
  if (spec.hasDefault && !spec.secret && !(spec.multiple && (spec.defaultValue as unknown[])?.length === 0))
    bits.push(
      `default: ${JSON.stringify(spec.defaultValue, (_k, v) => (typeof v === "bigint" ? `${v}` : v))}`,
    );
  if (spec.env) bits.push(`env: ${spec.env}`);
  if (spec.prompt && !spec.hasDefault) bits.push("asked for on a terminal when missing");
  return bits.join(", ");
}

/**
 * The one-line usage of a command: `Usage: app create-report <title> <pages> [options]`.
 *
 * @example
 * ```ts
 * renderUsage(cli.get("greet"), "app"); // "Usage: app greet <name>"
 * ```
 */
export function renderUsage(entry: CommandEntry, programName: string): string {
  const positional = entry.specs.filter((s) => s.kind === "positional").map(displayName);
  const hasOptions = entry.specs.some((s) => s.kind === "option" || s.kind === "flag");
  return ["Usage:", programName, entry.fullName, ...positional, ...(hasOptions ? ["[options]"] : [])].join(
    " ",
  );
}

/**
 * A command's help: usage line, description, arguments with types, options with defaults and
 * choices, and aliases. Pure: returns the text.
 *
 * @example
 * ```ts
 * process.stdout.write(renderCommandHelp(cli.get("greet"), "app"));
 * ```
 */
export function renderCommandHelp(
  entry: CommandEntry,
  programName: string,
  options: HelpOptions = {},
): string {
  const p = paint(options.color ?? false);
  const out = [p.bold(renderUsage(entry, programName))];
  if (entry.description) out.push("", entry.description);
  const positional = entry.specs.filter((s) => s.kind === "positional");
  if (positional.length > 0)
    out.push(
      "",
      p.bold("Arguments:"),
      ...table(
        positional.map((s) => [p.cyan(displayName(s)), describeSpec(s)]),
        strip,
      ),
    );
  const named = entry.specs.filter((s) => s.kind === "option" || s.kind === "flag");
  const pad = named.some((n) => n.short) ? "    " : "";
  const short = (s: ArgSpec) => (s.short ? `-${s.short}, ` : pad);
  const rows = named.map(
    (s) =>
      [
        p.cyan(`${short(s)}${s.kind === "flag" ? s.flag : `${s.flag} <${typeName(s)}>`}`),
        describeSpec(s),
      ] as const,
  );
  if (entry.confirm !== undefined)
    rows.push([
      p.cyan(named.some((n) => n.short === "y") ? `${pad}--yes` : "-y, --yes"),
      "run without asking for confirmation",
    ]);
  rows.push([p.cyan("-h, --help"), "show this help"]);
  out.push("", p.bold("Options:"), ...table(rows, strip));
  if (entry.ops.length > 0) out.push("", `${p.bold("Aliases:")} ${entry.ops.join(", ")}`);
  if (entry.examples.length > 0) out.push("", p.bold("Examples:"), ...entry.examples.map((e) => `  ${e}`));
  return `${out.join("\n")}\n`;
}

/**
 * Help of a registry or group: usage, commands with aliases and descriptions, global options.
 * Pure: returns the text.
 *
 * @example
 * ```ts
 * process.stdout.write(renderHelp(cli, { color: false }));
 * ```
 */
export function renderHelp(registry: CommandTable, options: HelpOptions = {}): string {
  const p = paint(options.color ?? false);
  const program = registry.programName;
  const prefix = [program, ...registry.path].join(" ");
  const out = [p.bold(`Usage: ${prefix} <command> [options]`)];
  if (registry.description) out.push("", registry.description);
  const rows: [string, string][] = registry
    .commands()
    .map((c) => [`${p.cyan(c.name)}${aliasList(c.ops)}`, c.description]);
  for (const g of registry.groups())
    rows.push([`${p.cyan(`${g.groupName} <command>`)}${aliasList(g.ops)}`, g.description]);
  if (!registry.parent && registry.lookup("completion") === undefined)
    rows.push([p.cyan("completion <shell>"), "print a bash, zsh or fish completion script"]);
  out.push("", p.bold("Commands:"), ...(rows.length ? table(rows, strip) : ["  (none registered)"]));
  if (!registry.parent) {
    out.push(
      "",
      p.bold("Options:"),
      ...table(
        [
          [p.cyan("-h, --help"), "show help (also after a command)"],
          [p.cyan("-V, --version"), "print the version"],
          [p.cyan("--verbose"), "log each command and show stack traces on errors"],
          [p.cyan("--output <format>"), "json, table, plain or csv"],
          [p.cyan("-q, --quiet"), "print no result (errors still show)"],
          [p.cyan("-y, --yes"), "answer yes to a command's confirmation"],
        ],
        strip,
      ),
    );
  }
  out.push("", `Run '${prefix} <command> --help' for a command's arguments.`);
  return `${out.join("\n")}\n`;
}

/**
 * One line per command, groups included (full name, aliases, description), as
 * `cli.listCommands()` prints it; `""` without commands.
 * @internal
 */
export function renderCommandList(registry: CommandTable): string {
  const rows = registry.all().map((c) => [`${c.fullName}${aliasList(c.ops)}`, c.description] as const);
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return (
    rows.map(([left, d]) => `${left.padEnd(width)}  ${d}`.trimEnd()).join("\n") + (rows.length ? "\n" : "")
  );
}

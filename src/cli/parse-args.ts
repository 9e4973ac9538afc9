// Parses the tokens after a command name against that command's `ArgSpec`s
// (`parseCommandArgs()`: long and short options, clusters, repeatable options, variadic
// positionals, environment variables), and names arguments the way errors and help show them
// (`displayName()`). Also holds `OUTPUT_FORMATS`, the values of `--output`, and `answerValue()`,
// which reads a prompted answer with the same rules. Knows nothing of registries or groups.
// May import types.ts, errors.ts and suggest.ts.
import { UsageError } from "./errors.js";
import { suggestSimilar } from "./suggest.js";
import type { ArgSpec, Choice, GlobalOptions, OutputFormat } from "./types.js";

/**
 * Output formats of `--output`.
 *
 * @example
 * ```ts
 * OUTPUT_FORMATS.includes("table"); // true
 * ```
 */
export const OUTPUT_FORMATS = ["json", "table", "plain", "csv"] as const satisfies readonly OutputFormat[];

/** Result of parsing one command's own arguments. */
export interface CommandArgs {
  /** `-h` / `--help` was given. */
  help: boolean;
  /** Values by handler key (dependencies excluded). */
  values: Record<string, unknown>;
  globals: GlobalOptions;
  /** Arguments to ask for (`prompt: true`, missing, `interactive` set); absent from `values`. */
  pending: ArgSpec[];
}

/**
 * Options of `parseCommandArgs()`.
 *
 * @example
 * ```ts
 * parseCommandArgs(specs, ["--tag", "a"], "build", { env: { PORT: "8080" }, interactive: false } satisfies ParseArgsOptions);
 * ```
 */
export interface ParseArgsOptions {
  /** Read for arguments with `env`; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** A terminal is attached: missing `prompt: true` arguments go to `pending` instead of failing. */
  interactive?: boolean;
}

/**
 * The `--output` value `value` as an `OutputFormat`; `UsageError` when it is missing or unknown.
 * @internal
 */
export function outputFormat(value: string | undefined, command?: string): OutputFormat {
  if (value === undefined) throw new UsageError("option --output needs a value", { command });
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value))
    throw new UsageError(
      `invalid value '${value}' for --output: expected one of ${OUTPUT_FORMATS.join(", ")}`,
      { command },
    );
  return value as OutputFormat;
}

/** Options every command understands (unless it declares the same name). */
const GLOBAL_OPTIONS = ["--verbose", "--output", "--quiet", "--yes"];

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A token that reads as a value even though it starts with `-` (`-5`, `-0.5`). */
function isNegativeNumber(token: string): boolean {
  return token.startsWith("-") && NUMBER.test(token);
}

/**
 * How errors and help name an argument: `<title>` for positionals, `--limit` for options.
 *
 * @example
 * ```ts
 * displayName(toArgSpecs({ title: String })[0]); // "<title>"
 * ```
 */
export function displayName(spec: ArgSpec): string {
  return spec.kind === "positional" ? `<${spec.flag.slice(2)}${spec.multiple ? "..." : ""}>` : spec.flag;
}

function convert(spec: ArgSpec, token: string, command: string): unknown {
  const shown = spec.secret ? "" : ` '${token}'`;
  const bad = (expected: string) =>
    new UsageError(`invalid value${shown} for ${displayName(spec)}: expected ${expected}`, { command });
  switch (spec.type) {
    case "string":
      return token;
    case "number": {
      const n = Number(token);
      if (!NUMBER.test(token) || !Number.isFinite(n)) throw bad("a number");
      return n;
    }
    case "int": {
      const n = Number(token);
      if (!INTEGER.test(token) || !Number.isSafeInteger(n)) throw bad("an integer");
      return n;
    }
    case "bigint":
      if (!INTEGER.test(token)) throw bad("an integer");
      return BigInt(token);
    case "choice": {
      const hit = (spec.choices ?? []).find((c: Choice) => String(c) === token);
      if (hit === undefined) throw bad(`one of ${(spec.choices ?? []).map((c) => String(c)).join(", ")}`);
      return hit;
    }
    default:
      throw bad("no value");
  }
}

function checked(
  spec: ArgSpec,
  value: unknown,
  given: string | undefined,
  command: string,
  from?: string,
): unknown {
  if (!spec.validate) return value;
  const r = spec.validate(value);
  if (r.ok) return r.value;
  const what = given === undefined || spec.secret ? "" : ` '${given}'`;
  const where = from === undefined ? "" : ` (from ${from})`;
  throw new UsageError(`invalid value${what} for ${displayName(spec)}: ${r.message}${where}`, { command });
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** The value of `spec` read from its environment variable (arrays: comma-separated). */
function fromEnv(spec: ArgSpec, text: string, command: string): unknown {
  const where = ` (from ${spec.env})`;
  if (spec.kind === "flag") {
    if (TRUE.test(text)) return true;
    if (FALSE.test(text)) return false;
    throw new UsageError(`invalid value '${text}' for ${spec.flag}${where}: expected true or false`, {
      command,
    });
  }
  try {
    if (spec.multiple)
      return text
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t.length > 0)
        .map((t) => convert(spec, t, command));
    return convert(spec, text, command);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message}${where}`, { command });
    throw error;
  }
}

/**
 * Reads an answer typed at a prompt with the command line's rules (conversion, choices, the
 * schema's checks; many values separated by commas or spaces) and returns the handler's value.
 * Throws `UsageError` with the reason. An empty answer for an optional argument is "left out".
 * @internal
 */
export function answerValue(spec: ArgSpec, text: string, command: string): unknown {
  if (text === "" && spec.kind !== "positional") {
    const absent = spec.hasDefault ? (spec.validate ? undefined : spec.defaultValue) : spec.absent;
    return checked(spec, absent, undefined, command);
  }
  const value = spec.multiple
    ? text
        .split(/[\s,]+/)
        .filter((t) => t.length > 0)
        .map((t) => convert(spec, t, command))
    : spec.kind === "flag"
      ? TRUE.test(text)
      : convert(spec, text, command);
  if (spec.multiple && (value as unknown[]).length === 0)
    throw new UsageError(`${displayName(spec)} needs at least one value`, { command });
  return checked(spec, value, spec.multiple ? undefined : text, command);
}

type Given = { value: unknown; token?: string; name: string; env?: string };

/**
 * Parses the tokens after a command name against its argument specs. Positionals fill in key
 * order (a variadic last one takes the rest); `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, flag clusters (`-vf`), `--flag`, `--no-flag` and `--` are understood; an array
 * option may repeat, any other option may not. An argument left out is read from its `env`
 * variable, then its default. Anything unexpected throws `UsageError` naming the command.
 *
 * @example
 * ```ts
 * parseCommandArgs(toArgSpecs({ name: String, loud: Boolean }), ["Alice", "--loud"], "greet");
 * // { help: false, values: { name: "Alice", loud: true }, globals: { verbose: false }, pending: [] }
 * ```
 */
export function parseCommandArgs(
  specs: readonly ArgSpec[],
  tokens: readonly string[],
  command: string,
  options: ParseArgsOptions = {},
): CommandArgs {
  const env = options.env ?? process.env;
  const positional = specs.filter((s) => s.kind === "positional");
  const named = new Map<string, ArgSpec>();
  const shorts = new Map<string, ArgSpec>();
  for (const s of specs)
    if (s.kind === "option" || s.kind === "flag") {
      named.set(s.flag, s);
      if (s.short !== undefined) shorts.set(s.short, s);
    }
  const globals: GlobalOptions = { verbose: false };
  const given = new Map<ArgSpec, Given>();
  const loose: string[] = [];
  let rest = false;
  // Help wins over any error in the same line: `app cmd --bogus --help` shows the help.
  const end = tokens.indexOf("--");
  const help = (end === -1 ? tokens : tokens.slice(0, end)).some((t) => t === "-h" || t === "--help");
  if (help) return { help, values: {}, globals, pending: [] };

  const add = (spec: ArgSpec, value: unknown, token: string | undefined, name: string) => {
    const prev = given.get(spec);
    if (spec.multiple) {
      given.set(spec, { value: [...((prev?.value as unknown[]) ?? []), value], name });
      return;
    }
    if (prev !== undefined && (spec.kind !== "flag" || prev.value !== value)) {
      const what =
        prev.name === name ? `${name} was given twice` : `${prev.name} and ${name} were both given`;
      const fix = spec.kind === "flag" ? "give one of them" : "it takes one value; give it once";
      throw new UsageError(`option ${what}: ${fix}`, { command });
    }
    given.set(spec, { value, token, name });
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (rest) {
      loose.push(tok);
      continue;
    }
    if (tok === "--") {
      rest = true;
      continue;
    }
    const takeNext = (name: string, spec?: ArgSpec): string => {
      const next = tokens[i + 1];
      const isChoice = spec?.choices?.some((c) => String(c) === next) === true;
      if (
        next === undefined ||
        (next.startsWith("-") && next !== "-" && !isNegativeNumber(next) && !isChoice)
      )
        throw new UsageError(`option ${name} needs a value`, { command });
      i++;
      return next;
    };
    if (tok.startsWith("--") && tok.length > 2) {
      const eq = tok.indexOf("=");
      const name = eq === -1 ? tok : tok.slice(0, eq);
      const inline = eq === -1 ? undefined : tok.slice(eq + 1);
      const spec = named.get(name);
      if (spec?.kind === "flag") {
        if (inline !== undefined) throw new UsageError(`option ${name} takes no value`, { command });
        const next = tokens[i + 1];
        if (next === "true" || next === "false")
          throw new UsageError(`option ${name} takes no value: give ${name} or leave it out`, { command });
        add(spec, true, undefined, name);
        continue;
      }
      if (spec) {
        const token = inline ?? takeNext(name, spec);
        add(spec, convert(spec, token, command), token, name);
        continue;
      }
      const negated = name.startsWith("--no-") ? named.get(`--${name.slice(5)}`) : undefined;
      if (negated?.kind === "flag") {
        if (inline !== undefined) throw new UsageError(`option ${name} takes no value`, { command });
        add(negated, false, undefined, name);
        continue;
      }
      if ((name === "--verbose" || name === "--quiet" || name === "--yes") && inline === undefined) {
        globals[name.slice(2) as "verbose" | "quiet" | "yes"] = true;
        continue;
      }
      if (name === "--output") {
        globals.output = outputFormat(inline ?? takeNext(name), command);
        continue;
      }
      const close = suggestSimilar(name, [...named.keys(), "--help", ...GLOBAL_OPTIONS]);
      const hint = close.length > 0 ? ` (did you mean ${close.join(" or ")}?)` : "";
      throw new UsageError(`unknown option ${name}${hint}`, { command });
    }
    if (tok.startsWith("-") && tok.length > 1 && !isNegativeNumber(tok)) {
      for (let j = 1; j < tok.length; j++) {
        const letter = tok[j];
        const spec = shorts.get(letter);
        if (spec === undefined) {
          if (letter === "q" || letter === "y") {
            globals[letter === "q" ? "quiet" : "yes"] = true;
            continue;
          }
          const known = [...shorts.keys()].map((k) => `-${k}`);
          const hint = known.length > 0 ? ` (options: ${known.join(", ")})` : "";
          throw new UsageError(`unknown option -${letter}${tok.length > 2 ? ` in ${tok}` : ""}${hint}`, {
            command,
          });
        }
        if (spec.kind === "flag") {
          add(spec, true, undefined, `-${letter}`);
          continue;
        }
        const attached = tok.slice(j + 1);
        const token =
          attached === ""
            ? takeNext(`-${letter}`, spec)
            : attached.startsWith("=")
              ? attached.slice(1)
              : attached;
        add(spec, convert(spec, token, command), token, `-${letter}`);
        break;
      }
      continue;
    }
    loose.push(tok);
  }

  const variadic = positional.at(-1)?.multiple === true;
  if (!variadic && loose.length > positional.length)
    throw new UsageError(`unexpected argument '${loose[positional.length]}'`, { command });
  positional.forEach((spec, n) => {
    if (spec.multiple) {
      if (loose.length > n)
        given.set(spec, {
          value: loose.slice(n).map((t) => convert(spec, t, command)),
          name: displayName(spec),
        });
    } else if (n < loose.length)
      given.set(spec, { value: convert(spec, loose[n], command), token: loose[n], name: displayName(spec) });
  });

  const pending: ArgSpec[] = [];
  for (const spec of specs) {
    if (spec.kind === "dependency" || given.has(spec)) continue;
    const text = spec.env === undefined ? undefined : env[spec.env];
    if (text !== undefined && text !== "") {
      given.set(spec, {
        value: fromEnv(spec, text, command),
        token: spec.multiple ? undefined : text,
        name: spec.env as string,
        env: spec.env,
      });
      continue;
    }
    // A default is an answer: only an argument without one is asked for.
    if (spec.prompt && options.interactive && spec.kind !== "flag" && !spec.hasDefault) pending.push(spec);
    else if (spec.kind === "positional" || spec.required) {
      const hint = spec.env ? ` (or set ${spec.env})` : "";
      const what = spec.kind === "positional" ? "argument" : "option";
      throw new UsageError(`missing required ${what} ${displayName(spec)}${hint}`, { command });
    }
  }

  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.kind === "dependency" || pending.includes(spec)) continue;
    const hit = given.get(spec);
    if (hit) values[spec.key] = checked(spec, hit.value, hit.token, command, hit.env);
    else if (spec.validate) {
      // Zod applies its own default; an absent flag without one is false.
      const absent = spec.hasDefault ? undefined : spec.kind === "flag" ? false : spec.absent;
      values[spec.key] = checked(spec, absent, undefined, command);
    } else if (spec.hasDefault)
      values[spec.key] = Array.isArray(spec.defaultValue) ? [...spec.defaultValue] : spec.defaultValue;
    else values[spec.key] = spec.kind === "flag" ? false : spec.absent;
  }
  return { help, values, globals, pending };
}

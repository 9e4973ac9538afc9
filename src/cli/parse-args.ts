// Parses the tokens after a command name against that command's `ArgSpec`s
// (`parseCommandArgs()`), and names arguments the way errors and help show them (`displayName()`).
// Also holds `OUTPUT_FORMATS`, the values of `--output`. Knows nothing of registries or groups.
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
export const OUTPUT_FORMATS = ["json", "table", "plain"] as const satisfies readonly OutputFormat[];

/** Result of parsing one command's own arguments. */
export interface CommandArgs {
  /** `-h` / `--help` was given. */
  help: boolean;
  /** Values by handler key (dependencies excluded). */
  values: Record<string, unknown>;
  globals: GlobalOptions;
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
  return spec.kind === "positional" ? `<${spec.flag.slice(2)}>` : spec.flag;
}

function convert(spec: ArgSpec, token: string, command: string): unknown {
  const bad = (expected: string) =>
    new UsageError(`invalid value '${token}' for ${displayName(spec)}: expected ${expected}`, { command });
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

function checked(spec: ArgSpec, value: unknown, given: string | undefined, command: string): unknown {
  if (!spec.validate) return value;
  const r = spec.validate(value);
  if (r.ok) return r.value;
  const what = given === undefined ? "" : ` '${given}'`;
  throw new UsageError(`invalid value${what} for ${displayName(spec)}: ${r.message}`, { command });
}

/**
 * Parses the tokens after a command name against its argument specs. Positionals fill in key
 * order; `--name value`, `--name=value`, `--flag`, `--no-flag` and `--` are understood; anything
 * unexpected throws `UsageError` naming the command.
 *
 * @example
 * ```ts
 * parseCommandArgs(toArgSpecs({ name: String, loud: Boolean }), ["Alice", "--loud"], "greet");
 * // { help: false, values: { name: "Alice", loud: true }, globals: { verbose: false } }
 * ```
 */
export function parseCommandArgs(
  specs: readonly ArgSpec[],
  tokens: readonly string[],
  command: string,
): CommandArgs {
  const positional = specs.filter((s) => s.kind === "positional");
  const named = new Map<string, ArgSpec>();
  for (const s of specs) if (s.kind === "option" || s.kind === "flag") named.set(s.flag, s);
  const globals: GlobalOptions = { verbose: false };
  const given = new Map<ArgSpec, { value: unknown; token?: string }>();
  const loose: string[] = [];
  let rest = false;
  // Help wins over any error in the same line: `app cmd --bogus --help` shows the help.
  const end = tokens.indexOf("--");
  const help = (end === -1 ? tokens : tokens.slice(0, end)).some((t) => t === "-h" || t === "--help");
  if (help) return { help, values: {}, globals };

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
        given.set(spec, { value: true });
        continue;
      }
      const takeValue = (): string => {
        if (inline !== undefined) return inline;
        const next = tokens[i + 1];
        if (next === undefined || (next.startsWith("-") && next !== "-" && !isNegativeNumber(next)))
          throw new UsageError(`option ${name} needs a value`, { command });
        i++;
        return next;
      };
      if (spec) {
        const token = takeValue();
        given.set(spec, { value: convert(spec, token, command), token });
        continue;
      }
      const negated = name.startsWith("--no-") ? named.get(`--${name.slice(5)}`) : undefined;
      if (negated?.kind === "flag") {
        if (inline !== undefined) throw new UsageError(`option ${name} takes no value`, { command });
        given.set(negated, { value: false });
        continue;
      }
      if (name === "--verbose" && inline === undefined) {
        globals.verbose = true;
        continue;
      }
      if (name === "--output") {
        globals.output = outputFormat(takeValue(), command);
        continue;
      }
      const close = suggestSimilar(name, [...named.keys(), "--help", "--verbose", "--output"]);
      const hint = close.length > 0 ? ` (did you mean ${close.join(" or ")}?)` : "";
      throw new UsageError(`unknown option ${name}${hint}`, { command });
    }
    if (tok.startsWith("-") && tok.length > 1 && !isNegativeNumber(tok))
      throw new UsageError(`unknown option ${tok}`, { command });
    loose.push(tok);
  }
  if (loose.length > positional.length)
    throw new UsageError(`unexpected argument '${loose[positional.length]}'`, { command });
  if (loose.length < positional.length)
    throw new UsageError(`missing required argument ${displayName(positional[loose.length])}`, { command });
  positional.forEach((spec, n) => {
    given.set(spec, { value: convert(spec, loose[n], command), token: loose[n] });
  });

  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.kind === "dependency") continue;
    const hit = given.get(spec);
    if (hit) values[spec.key] = checked(spec, hit.value, hit.token, command);
    else if (spec.validate) {
      // Zod applies its own default; an absent flag without one is false.
      const absent = spec.hasDefault ? undefined : spec.kind === "flag" ? false : spec.absent;
      values[spec.key] = checked(spec, absent, undefined, command);
    } else
      values[spec.key] = spec.hasDefault ? spec.defaultValue : spec.kind === "flag" ? false : spec.absent;
  }
  return { help, values, globals };
}

// Asks on the terminal for what the command line left out (`askFor()`: hidden input for secrets,
// a choice list for choices, yes/no for flags, text otherwise, each answer read and validated by
// the command line's own rules) and for a command's confirmation (`askConfirm()`). Built on
// @clack/prompts (small, with masked input and select lists). run() loads this file by `import()`
// only when a terminal is attached and something must be asked, so neither it nor @clack/prompts
// is on the start-up path. May import types.ts, errors.ts and parse-args.ts.
import { confirm, isCancel, password, select, text } from "@clack/prompts";
import { FrameworkError, UsageError } from "./errors.js";
import { answerValue, displayName } from "./parse-args.js";
import type { ArgSpec } from "./types.js";

/** Ctrl-C or Escape at a prompt: exit 130, as a shell reports an interrupted command. */
function cancelled(): FrameworkError {
  return new FrameworkError("Cancelled: nothing was changed", { code: "E_CANCELLED", exitCode: 130 });
}

function label(spec: ArgSpec): string {
  const name = spec.kind === "positional" ? spec.flag.slice(2) : spec.flag.slice(2);
  const hint = spec.multiple ? " (several: separate with spaces or commas)" : "";
  return `${spec.description ?? name}${spec.description ? ` (${displayName(spec)})` : ""}${hint}`;
}

/**
 * Asks for each spec in turn and returns the values by handler key, validated as if they had been
 * typed on the command line; a wrong answer is explained and asked again.
 * @internal
 */
export async function askFor(specs: readonly ArgSpec[], command: string): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    let value: unknown;
    const validate = (answer: string | undefined): string | undefined => {
      try {
        value = answerValue(spec, answer ?? "", command);
        return undefined;
      } catch (error) {
        if (error instanceof UsageError)
          return error.message.replace(/^invalid value( '.*?')? for \S+: /, "");
        throw error;
      }
    };
    let answer: unknown;
    if (spec.type === "choice" && !spec.multiple) {
      const options = (spec.choices ?? []).map((c) => ({ value: String(c), label: String(c) }));
      answer = await select({
        message: label(spec),
        options,
        initialValue: spec.hasDefault ? String(spec.defaultValue) : undefined,
      });
      if (!isCancel(answer)) {
        const problem = validate(answer as string);
        if (problem !== undefined)
          throw new UsageError(`invalid value for ${displayName(spec)}: ${problem}`, { command });
      }
    } else if (spec.secret) answer = await password({ message: label(spec), mask: "*", validate });
    else
      answer = await text({
        message: label(spec),
        initialValue:
          spec.hasDefault && spec.defaultValue !== undefined ? String(spec.defaultValue) : undefined,
        validate,
      });
    if (isCancel(answer)) throw cancelled();
    validate(answer as string);
    values[spec.key] = value;
  }
  return values;
}

/**
 * Asks the confirmation question; `true` for yes. Ctrl-C is a cancellation (exit 130).
 * @internal
 */
export async function askConfirm(question: string): Promise<boolean> {
  const answer = await confirm({ message: question, initialValue: false });
  if (isCancel(answer)) throw cancelled();
  return answer === true;
}

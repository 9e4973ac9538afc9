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

/** `user name (<user>)`, or the bare name without a description; how to give many values. */
function label(spec: ArgSpec): string {
  const hint = spec.multiple ? " (several: separate with spaces or commas)" : "";
  const text = spec.description ? `${spec.description} (${displayName(spec)})` : spec.flag.slice(2);
  return `${text}${hint}`;
}

/**
 * Asks for each spec in turn (none has a default: the parser only leaves those without one) and
 * returns the values by handler key, validated as if they had been typed on the command line; a
 * wrong answer is explained and asked again.
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
      answer = await select({ message: label(spec), options });
      if (!isCancel(answer)) {
        const problem = validate(answer as string);
        if (problem !== undefined)
          throw new UsageError(`invalid value for ${displayName(spec)}: ${problem}`, { command });
      }
    } else if (spec.secret) answer = await password({ message: label(spec), mask: "*", validate });
    else answer = await text({ message: label(spec), validate });
    if (isCancel(answer)) throw cancelled();
    validate(answer as string); // sets `value` from the accepted answer
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

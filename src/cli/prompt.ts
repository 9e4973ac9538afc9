// Asks on the terminal for what the command line left out (`askFor()`: hidden input for secrets,
// a choice list for choices, text otherwise, each answer read by the caller's `read`, which applies
// the command line's own rules) and for a command's confirmation (`askConfirm()`). Built on
// @clack/prompts (small, with masked input and select lists). run() loads this file by `import()`
// only when a terminal is attached and something must be asked, so neither it nor @clack/prompts
// is on the start-up path; it imports no other module of registers/cli at run time (the bundle
// then keeps every shared module in the start-up file). May import types.ts (types).
import { confirm, isCancel, password, select, text } from "@clack/prompts";
import type { ArgSpec } from "./types.js";

/** One thing to ask. @internal */
export interface Question {
  readonly spec: ArgSpec;
  /** The prompt's text: `user name (<user>)`. */
  readonly label: string;
  /** The handler's value for an answer; throws an `Error` whose message says what is wrong. */
  readonly read: (answer: string) => unknown;
}

/** The reason of a refused answer, without the `invalid value ... for <x>: ` of command-line errors. */
const reason = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/^invalid value( '.*?')? for \S+: /, "");

/**
 * Asks each question in turn and returns the values by handler key; a refused answer is explained
 * and asked again (a choice the schema refuses fails with its error). `undefined` when the user
 * cancelled (Ctrl-C or Escape).
 * @internal
 */
export async function askFor(questions: readonly Question[]): Promise<Record<string, unknown> | undefined> {
  const values: Record<string, unknown> = {};
  for (const { spec, label, read } of questions) {
    if (spec.type === "choice" && !spec.multiple) {
      const options = (spec.choices ?? []).map((c) => ({ value: String(c), label: String(c) }));
      const answer = await select({ message: label, options });
      if (isCancel(answer)) return undefined;
      values[spec.key] = read(answer);
      continue;
    }
    let value: unknown;
    const validate = (answer: string | undefined): string | undefined => {
      try {
        value = read(answer ?? "");
        return undefined;
      } catch (error) {
        return reason(error);
      }
    };
    const answer = spec.secret
      ? await password({ message: label, mask: "*", validate })
      : await text({ message: label, validate });
    if (isCancel(answer)) return undefined;
    validate(answer); // sets `value` from the accepted answer
    values[spec.key] = value;
  }
  return values;
}

/**
 * Asks the confirmation question (default No): `true` for yes, `undefined` when cancelled.
 * @internal
 */
export async function askConfirm(question: string): Promise<boolean | undefined> {
  const answer = await confirm({ message: question, initialValue: false });
  return isCancel(answer) ? undefined : answer === true;
}

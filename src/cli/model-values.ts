// The values of `<group> create` and `<group> update` that the command line carries as text
// (`textValues()`): a date field as an ISO 8601 string, any other field the parser cannot type (a
// JSON object, an array, a record) as JSON text, each validated by the field's own schema, so a
// mistake is a usage error naming the option. Loaded by `import()` from model-commands.ts only
// when such an option was given. Imports no other module of registers/cli at run time (the usage
// error comes in as a function, as model-io.ts's do). May import model-types.ts (types).
import type { ModelField } from "./model-types.js";

type StandardResult = {
  value?: unknown;
  issues?: readonly { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[];
};
const where = (path: StandardResult["issues"] extends readonly (infer I)[] | undefined ? I : never) =>
  path.path && path.path.length > 0
    ? `${path.path.map((p) => String(typeof p === "object" ? p.key : p)).join(".")}: `
    : "";
type Standard = { "~standard"?: { validate?: (value: unknown) => StandardResult | Promise<StandardResult> } };

/** `2024-01-31`, `2024-01-31T09:30`, `2024-01-31T09:30:00.000Z`, `2024-01-31 09:30:00+02:00`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** How a text field is written on the command line, for help. @internal */
export function textHint(field: ModelField): string {
  return field.base === "date" ? "an ISO 8601 date, e.g. 2024-01-31T09:30:00Z" : "JSON text";
}

/**
 * The values of `names` in `values` (strings from the command line) as the model wants them:
 * dates from ISO 8601 text, objects and arrays from JSON text, each run through the field's schema.
 * Throws the error `usage(message)` makes, naming the option, for text that does not parse or a
 * value the schema refuses.
 * @internal
 */
export function textValues(
  fields: ReadonlyMap<string, ModelField>,
  values: Readonly<Record<string, unknown>>,
  names: readonly string[],
  usage: (message: string) => Error,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const text = values[name];
    const field = fields.get(name);
    if (typeof text !== "string" || field === undefined) continue;
    const invalid = (why: string) => usage(`invalid value '${text}' for --${name}: ${why}`);
    let value: unknown;
    if (field.base === "date") {
      value = new Date(text.includes(" ") ? text.replace(" ", "T") : text);
      if (!ISO_DATE.test(text) || Number.isNaN((value as Date).getTime()))
        throw invalid(`expected ${textHint(field)}`);
    } else {
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw invalid(`not valid JSON (${(error as Error).message})`);
      }
    }
    const validate = (field.schema as Standard)["~standard"]?.validate;
    const result = typeof validate === "function" ? validate(value) : { value };
    if (result instanceof Promise) throw invalid("the field's schema is asynchronous");
    if (result.issues && result.issues.length > 0)
      throw invalid(result.issues.map((issue) => `${where(issue)}${issue.message}`).join("; "));
    out[name] = value;
  }
  return out;
}

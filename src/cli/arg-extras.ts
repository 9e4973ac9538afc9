// Checks and copies the command-line settings that plain descriptors and Zod metadata share
// (`short`, `env`, `prompt`, `secret`) onto an argument spec (`extras()`). Internal: not exported
// from index.ts. May import types.ts and errors.ts.
import { ArgumentDefinitionError } from "./errors.js";
import type { ArgMeta, ArgSpec } from "./types.js";

/**
 * The command-line settings shared by plain descriptors and Zod metadata (`short`, `env`,
 * `prompt`, `secret`), checked and copied onto a spec.
 * @internal
 */
export function extras(key: string, d: ArgMeta): Pick<ArgSpec, "short" | "env" | "prompt" | "secret"> {
  const out: { short?: string; env?: string; prompt?: boolean; secret?: boolean } = {};
  if (d.short !== undefined) {
    if (typeof d.short !== "string" || !/^[A-Za-z]$/.test(d.short))
      throw new ArgumentDefinitionError(
        `argument '${key}': short must be one letter, such as "v", got ${JSON.stringify(d.short)}`,
      );
    if (d.short === "h") throw new ArgumentDefinitionError(`argument '${key}': -h is reserved for help`);
    out.short = d.short;
  }
  if (d.env !== undefined) {
    if (typeof d.env !== "string" || d.env.length === 0)
      throw new ArgumentDefinitionError(`argument '${key}': env must be a variable name, such as "PORT"`);
    out.env = d.env;
  }
  if (d.prompt) out.prompt = true;
  if (d.secret) out.secret = true;
  return out;
}

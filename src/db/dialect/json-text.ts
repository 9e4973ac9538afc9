/**
 * `parseJsonText`: `JSON.parse` for stored JSON, correct on Node 24 too. V8 in Node 24 (seen on
 * 24.21) can return the wrong key for an object key of exactly one character written as an escape
 * (`{"\u0000": 1}`, `{"\n": 1}`): after one such key has been parsed in the process, later ones come
 * back as the first (`{"\\": 1}` then `{"\u0000": 1}` gives the key `"\\"`). Values are not
 * affected, nor keys of two or more characters. Text without a string that starts with an escape
 * is parsed as is; otherwise such keys are renamed to unique placeholders before parsing and given
 * their real names (decoded as string values, which parse correctly) after, in their places.
 */

/** A JSON string token, and whether whitespace and a colon follow it (it is an object key). */
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"(\s*:)?/g;
/** A string token holding exactly one escaped character. */
const ONE_ESCAPE = /^"\\(?:u[0-9a-fA-F]{4}|[^u])"$/;

/**
 * Parses stored JSON text.
 *
 * @example
 * ```ts
 * parseJsonText('{"\\u0000": 1}'); // { "\u0000": 1 }, also after other escaped keys were parsed
 * ```
 */
export function parseJsonText(text: string): unknown {
  if (!text.includes('"\\')) return JSON.parse(text);
  let nonce = Math.random().toString(36).slice(2);
  while (text.includes(nonce)) nonce += "x";
  const keys = new Map<string, string>();
  const rewritten = text.replace(STRING_TOKEN, (token: string, colon: string | undefined) => {
    if (colon === undefined) return token;
    const name = token.slice(0, token.length - colon.length);
    if (!ONE_ESCAPE.test(name)) return token;
    const placeholder = `registers-key-${nonce}-${keys.size}`;
    keys.set(placeholder, JSON.parse(name) as string);
    return `"${placeholder}"${colon}`;
  });
  const parsed: unknown = JSON.parse(rewritten);
  return keys.size === 0 ? parsed : renameKeys(parsed, keys);
}

/** The value with every placeholder key given its real name, key order kept. */
function renameKeys(value: unknown, keys: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, keys));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, not assignment: a key "__proto__" stays an own property, as JSON.parse makes it.
    Object.defineProperty(out, keys.get(key) ?? key, {
      value: renameKeys(item, keys),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

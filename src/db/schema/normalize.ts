/**
 * Normalisation of what catalogs report, so a table created by registers compares equal to its
 * model on every database: storage types (lower case, no CHECK, no integer display width,
 * PostgreSQL's aliases spelled out) and default literals (casts, parentheses and quotes removed,
 * booleans as `1`/`0`). It imports nothing of registers.
 */

const PG_ALIASES: Record<string, string> = {
  timestamptz: "timestamp with time zone",
  int8: "bigint",
  float8: "double precision",
  bool: "boolean",
};

/**
 * A storage type as the diff compares it.
 *
 * @example
 * ```ts
 * normalizeType("mysql", "bigint(20)"); // "bigint"
 * normalizeType("sqlite", `TEXT CHECK ("s" IN ('a'))`); // "text"
 * ```
 */
export function normalizeType(dialect: "sqlite" | "postgres" | "mysql", type: string): string {
  let text = type.trim().toLowerCase();
  const check = text.indexOf(" check");
  if (check >= 0) text = text.slice(0, check).trim();
  text = text.replace(/\s+/g, " ");
  if (dialect === "mysql") text = text.replace(/^(bigint|int|smallint|mediumint)\(\d+\)/, "$1");
  if (dialect === "postgres") text = PG_ALIASES[text] ?? text;
  return text;
}

/**
 * A default as the catalog reports it, reduced to its literal text: `'x'::text` -> `x`,
 * `(-5)` -> `-5`, `true` -> `1`, `NULL` -> `null`; `backslashEscapes` for MariaDB's quoting.
 *
 * @example
 * ```ts
 * normalizeDefault("'it''s'::text"); // "it's"
 * ```
 */
export function normalizeDefault(value: unknown, backslashEscapes = false): string | null {
  if (value === null || value === undefined) return null;
  let text = String(value).trim();
  for (let i = 0; i < 8; i++) {
    const before = text;
    text = text.replace(/::[a-z ]+(\([0-9, ]*\))?(\[\])?$/i, "").trim();
    if (text.startsWith("(") && text.endsWith(")")) text = text.slice(1, -1).trim();
    if (text === before) break;
  }
  if (/^null$/i.test(text)) return null;
  if (/^true$/i.test(text)) return "1";
  if (/^false$/i.test(text)) return "0";
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const body = text.slice(1, -1);
    if (!backslashEscapes) return body.replaceAll("''", "'");
    // MariaDB reports string defaults with backslash escapes (`'it\'s'`).
    const named: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
    return body.replace(/''|\\(.)/gs, (match, ch: string | undefined) =>
      ch === undefined ? "'" : (named[ch] ?? ch),
    );
  }
  return text;
}

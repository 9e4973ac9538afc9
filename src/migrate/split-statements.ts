/**
 * `splitStatements()`: cuts the text of a `migration.sql` into statements at the `;` that end them,
 * skipping `;` inside quoted strings and identifiers, comments and PostgreSQL dollar-quoted bodies.
 * The runner sends one statement at a time (for the progress line, and so MariaDB/MySQL can report
 * exactly which statements were applied). A leaf: imports nothing.
 */

/**
 * The SQL flavours the splitter knows: MySQL strings take backslash escapes, PostgreSQL has `$tag$`.
 *
 * @example
 * ```ts
 * const flavor: SqlFlavor = "postgres";
 * ```
 */
export type SqlFlavor = "sqlite" | "postgres" | "mysql";

/**
 * The statements of a SQL script, in order, each without its terminating `;`, without the
 * comment lines in front of it, and trimmed. Chunks holding only comments and blanks are dropped.
 * `DELIMITER` (a mysql client command, not SQL) is not supported.
 *
 * @example
 * ```ts
 * splitStatements("-- add it\nALTER TABLE t ADD c TEXT DEFAULT 'a;b';\nCREATE INDEX i ON t (c);", "sqlite");
 * // ["ALTER TABLE t ADD c TEXT DEFAULT 'a;b'", "CREATE INDEX i ON t (c)"]
 * ```
 */
export function splitStatements(text: string, flavor: SqlFlavor): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  const push = (end: number) => {
    const statement = stripLeadingComments(text.slice(start, end));
    if (statement !== "") out.push(statement);
  };
  while (i < n) {
    const c = text[i];
    if (c === ";") {
      push(i);
      i++;
      start = i;
    } else if (c === "-" && text[i + 1] === "-") {
      i = lineEnd(text, i);
    } else if (c === "#" && flavor === "mysql") {
      i = lineEnd(text, i);
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || (c === "`" && flavor === "mysql")) {
      i = quotedEnd(text, i, c, flavor === "mysql");
    } else if (c === "$" && flavor === "postgres") {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66))?.[0];
      if (tag !== undefined && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "")) {
        const end = text.indexOf(tag, i + tag.length);
        i = end < 0 ? n : end + tag.length;
      } else i++;
    } else i++;
  }
  push(n);
  return out;
}

/** Index just past the end of the line comment starting at `i` (the newline is kept). */
function lineEnd(text: string, i: number): number {
  const end = text.indexOf("\n", i);
  return end < 0 ? text.length : end;
}

/** Index just past the closing quote of the quoted text opening at `i` (a doubled quote escapes it). */
function quotedEnd(text: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (backslash && c === "\\" && quote !== "`") j += 2;
    else if (c === quote) {
      if (text[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return text.length;
}

/** Drops blank lines and `--` comment lines in front of a statement, then trims it. */
function stripLeadingComments(chunk: string): string {
  let rest = chunk.trimStart();
  while (rest.startsWith("--") || rest.startsWith("/*")) {
    if (rest.startsWith("--")) {
      const end = rest.indexOf("\n");
      rest = end < 0 ? "" : rest.slice(end + 1).trimStart();
    } else {
      const end = rest.indexOf("*/");
      rest = end < 0 ? "" : rest.slice(end + 2).trimStart();
    }
  }
  return rest.trimEnd();
}

// `<group> import` and `<group> export` of `modelCommands` (`importFile()`, `exportRows()`): JSON
// Lines or CSV files in and out of a model. Import streams the file into `bulkCreate` in chunks of
// 1000 rows inside one transaction (all or nothing), with the progress bar, and names the line of
// a bad row; export streams `iterate()` to stdout or a file with backpressure, so memory stays
// flat. CSV through csv-parse and csv-stringify (streaming, RFC 4180). Loaded by `import()` from
// model-commands.ts only when one of the two commands runs. Imports no other module of
// registers/cli at run time (errors and the progress bar come in `ModelIo`), so the start-up file
// shares no chunk with it. May import model-types.ts (types).
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { finished } from "node:stream/promises";
import type { ModelField, ModelIo } from "./model-types.js";

type Format = "jsonl" | "csv";
const CHUNK = 1000;

function formatOf(io: ModelIo, path: string, command: string, code: string): Format {
  if (/\.csv$/i.test(path)) return "csv";
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return "jsonl";
  throw io.usage(
    `cannot tell the format of ${path} from its extension: pass --format jsonl or --format csv`,
    command,
    code,
  );
}

/** Counts line breaks (for the progress bar's total) without decoding the file. */
async function countLines(file: string): Promise<number> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(1 << 16);
    let count = 0;
    let last = 10;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) if (buffer[i] === 10) count++;
      last = buffer[bytesRead - 1];
    }
    return last === 10 ? count : count + 1;
  } finally {
    await handle.close();
  }
}

const TRUE = /^(true|1|yes)$/i;
const FALSE = /^(false|0|no)$/i;

/** A JSON or CSV value as the field's schema wants it: dates from ISO text, bigints from digits, CSV text typed. */
function decode(field: ModelField | undefined, value: unknown, fromCsv: boolean): unknown {
  if (field === undefined || value === null) return value;
  if (typeof value === "string") {
    if (field.base === "date") return new Date(value);
    if (field.base === "bigint" && /^[+-]?\d+$/.test(value)) return BigInt(value);
    if (!fromCsv) return value;
    if (field.base === "number" && value.trim() !== "" && Number.isFinite(Number(value)))
      return Number(value);
    if (field.base === "boolean") return TRUE.test(value) ? true : FALSE.test(value) ? false : value;
  }
  if (typeof value === "number" && field.base === "bigint" && Number.isInteger(value)) return BigInt(value);
  return value;
}

/** Rows of the file with the line each one starts on. */
async function* readRows(
  io: ModelIo,
  file: string,
  format: Format,
  fields: ReadonlyMap<string, ModelField>,
): AsyncGenerator<{ row: Record<string, unknown>; line: number }> {
  const input = createReadStream(file);
  const opened = once(input, "open").catch((error: NodeJS.ErrnoException) => {
    throw io.fail(
      `cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
      "E_IMPORT",
      error,
    );
  });
  await opened;
  if (format === "jsonl") {
    let line = 0;
    for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw io.fail(
          `line ${line} of ${file}: not valid JSON (${(error as Error).message})`,
          "E_IMPORT",
          error,
        );
      }
      if (value === null || typeof value !== "object" || Array.isArray(value))
        throw io.fail(`line ${line} of ${file}: expected a JSON object, one per line`, "E_IMPORT");
      const row: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) row[name] = decode(fields.get(name), v, false);
      yield { row, line };
    }
    return;
  }
  const { parse } = await import("csv-parse");
  const parser = input.pipe(parse({ columns: true, skip_empty_lines: true, info: true, bom: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const row: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(record))
        if (v !== "") row[name] = decode(fields.get(name), v, true);
      yield { row, line: info.lines };
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === "E_IMPORT") throw error;
    const where = (error as { lines?: number }).lines;
    throw io.fail(
      `${where ? `line ${where} of ` : ""}${file}: ${(error as Error).message}`,
      "E_IMPORT",
      error,
    );
  }
}

const valueKey = (value: unknown) =>
  value instanceof Date ? `date:${value.toISOString()}` : `${typeof value}:${String(value)}`;

/**
 * The rows of an import that carry a database-managed key (a file written by `export`): created
 * with their keys. `bulkUpsert` by key is what inserts a row with its key, so before it runs a key
 * or a unique value that exists already (in the table, or earlier in the file) is refused here,
 * naming the line: import only creates records, on every database (MariaDB's upsert would
 * otherwise update the row holding a taken unique value). After the rows are in, PostgreSQL's
 * identity sequence is moved past the highest key, so later inserts get fresh keys (SQLite and
 * MariaDB move their counters on an explicit key themselves).
 */
class KeyedRows {
  readonly #io: ModelIo;
  readonly #file: string;
  /** Per key or unique field: value -> line, for the rows with keys imported so far. */
  readonly #seen = new Map<string, Map<string, number>>();
  #highest: number | bigint | undefined;

  constructor(io: ModelIo, file: string) {
    this.#io = io;
    this.#file = file;
    for (const name of [io.keyField, ...io.model.objects.uniqueFields]) this.#seen.set(name, new Map());
  }

  /** Moves the rows that carry a key out of `rows` (and their lines out of `lines`); none: `undefined`. */
  take(
    rows: Record<string, unknown>[],
    lines: number[],
  ): { rows: Record<string, unknown>[]; lines: number[] } | undefined {
    const key = this.#io.keyField;
    if (!rows.some((row) => row[key] != null)) return undefined;
    const keyed = { rows: [] as Record<string, unknown>[], lines: [] as number[] };
    let kept = 0;
    for (let i = 0; i < rows.length; i++) {
      const target = rows[i][key] != null ? keyed : undefined;
      if (target) {
        target.rows.push(rows[i]);
        target.lines.push(lines[i]);
      } else {
        rows[kept] = rows[i];
        lines[kept++] = lines[i];
      }
    }
    rows.length = kept;
    lines.length = kept;
    return keyed;
  }

  /** Fails, naming the line, when a key or unique value of `keyed` is taken. */
  async refuseExisting(keyed: { rows: Record<string, unknown>[]; lines: number[] }): Promise<void> {
    const { model } = this.#io;
    for (const [field, seen] of this.#seen) {
      const values = new Map<string, { value: unknown; line: number }>();
      keyed.rows.forEach((row, i) => {
        const value = row[field];
        if (value == null) return;
        const k = valueKey(value);
        const earlier = seen.get(k) ?? values.get(k)?.line;
        if (earlier !== undefined)
          throw this.#taken(keyed.lines[i], field, value, `line ${earlier} has it too`);
        values.set(k, { value, line: keyed.lines[i] });
      });
      if (values.size === 0) continue;
      const list = [...values.values()].map((v) => v.value);
      const [found] = await model.objects.filter({ [field]: { in: list } }, { limit: 1 });
      if (found !== undefined) {
        const value = (found as Record<string, unknown>)[field];
        const line = values.get(valueKey(value))?.line ?? keyed.lines[0];
        const advice =
          field === this.#io.keyField
            ? `: import only creates records; delete that ${model.name} first, or leave ${field} out of the line for a new key`
            : "";
        throw this.#taken(line, field, value, `a ${model.name} has it already${advice}`);
      }
      for (const [k, { line }] of values) seen.set(k, line);
    }
    for (const row of keyed.rows) {
      const key = row[this.#io.keyField] as number | bigint;
      if (this.#highest === undefined || key > this.#highest) this.#highest = key;
    }
  }

  #taken(line: number, field: string, value: unknown, why: string): Error {
    return this.#io.fail(
      `line ${line} of ${this.#file}: ${field} ${String(value)} is taken (${why})`,
      "E_IMPORT",
    );
  }

  /** PostgreSQL: the key's identity sequence continues after the highest key imported (never goes back). */
  async moveSequenceOn(): Promise<void> {
    const objects = this.#io.model.objects;
    if (objects.engine.dialect?.name !== "postgres" || this.#highest === undefined) return;
    const table = `"${objects.table.name.replace(/"/g, '""')}"`;
    const key = this.#io.keyField;
    // No row comes back (a sequence value is > 0), so raw() validates nothing; setval runs once.
    await objects.raw`SELECT s.v FROM (SELECT setval(pg_get_serial_sequence(${table}, ${key}), GREATEST(${String(this.#highest)}::bigint, COALESCE(pg_sequence_last_value(pg_get_serial_sequence(${table}, ${key})::regclass), 1))) AS v) AS s WHERE s.v < 0`;
  }
}

/**
 * Imports a JSON Lines or CSV file through `bulkCreate`, in one transaction: every row or none.
 * A bad row fails the whole import with its line number. Returns the summary line.
 * @internal
 */
export async function importFile(
  io: ModelIo,
  options: { file: string; format?: Format; command: string; acceptHashes?: boolean },
): Promise<string> {
  const { model } = io;
  const format = options.format ?? formatOf(io, options.file, options.command, "E_IMPORT_FORMAT");
  const fields = new Map(io.fields.map((f) => [f.name, f]));
  let total: number;
  try {
    total = Math.max(0, (await countLines(options.file)) - (format === "csv" ? 1 : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw io.fail(
      `cannot read ${options.file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
      "E_IMPORT",
      error,
    );
  }
  const bar = io.progress({ total, label: `${options.command} ${options.file}` });
  const objects = model.objects;
  // With `import --with-hashes`, hashes written by `export --with-hashes` are stored as they are
  // (a ready-made hash is refused otherwise, as everywhere); plain passwords are hashed either way.
  const bulkOptions = { acceptPasswordHashes: options.acceptHashes === true };
  const keys = io.managedKey ? new KeyedRows(io, options.file) : undefined;
  let count = 0;
  try {
    await objects.transaction(async () => {
      let rows: Record<string, unknown>[] = [];
      let lines: number[] = [];
      const write = async (write: () => Promise<unknown>, at: readonly number[]) => {
        try {
          await write();
        } catch (error) {
          const index = (error as { rowIndex?: unknown }).rowIndex;
          if (typeof index !== "number") throw error;
          const message = (error as Error).message.replace(/^row \d+: /, "");
          throw io.fail(`line ${at[index]} of ${options.file}: ${message}`, "E_IMPORT", error);
        }
      };
      const flush = async () => {
        if (rows.length === 0) return;
        const keyed = keys?.take(rows, lines);
        if (keyed !== undefined && keys !== undefined) {
          await keys.refuseExisting(keyed);
          await write(() => objects.bulkUpsert(keyed.rows, bulkOptions), keyed.lines);
          await keys.moveSequenceOn();
        }
        await write(() => objects.bulkCreate(rows, bulkOptions), lines);
        count += rows.length + (keyed?.rows.length ?? 0);
        bar.update(count);
        rows = [];
        lines = [];
      };
      for await (const { row, line } of readRows(io, options.file, format, fields)) {
        rows.push(row);
        lines.push(line);
        if (rows.length >= CHUNK) await flush();
      }
      await flush();
    });
  } finally {
    bar.done();
  }
  return `Imported ${count} ${model.name} record${count === 1 ? "" : "s"} from ${options.file}`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, replacer);
  return String(value);
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * Streams matching rows as JSON Lines or CSV to `out` (a file) or stdout, in keyset batches, with
 * backpressure. Returns a summary line when writing a file, nothing when writing to stdout.
 * @internal
 */
export async function exportRows(
  io: ModelIo,
  options: {
    criteria: Record<string, unknown>;
    out?: string;
    format?: Format;
    command: string;
    columns: readonly string[];
    /** Hashed fields written too, with the hash the instance holds (`export --with-hashes`). */
    hashes: readonly string[];
  },
): Promise<string | undefined> {
  const format =
    options.format ??
    (options.out === undefined ? "jsonl" : formatOf(io, options.out, options.command, "E_EXPORT_FORMAT"));
  const target: NodeJS.WritableStream =
    options.out === undefined ? process.stdout : createWriteStream(options.out);
  if (options.out !== undefined)
    await once(target as NodeJS.EventEmitter, "open").catch((error: Error) => {
      throw io.fail(`cannot write ${options.out}: ${error.message}`, "E_EXPORT", error);
    });
  let sink: NodeJS.WritableStream = target;
  let stringifier: (NodeJS.WritableStream & { end(cb?: () => void): unknown }) | undefined;
  if (format === "csv") {
    const { stringify } = await import("csv-stringify");
    const s = stringify({ header: true, columns: [...options.columns], record_delimiter: "unix" });
    s.pipe(target, { end: options.out !== undefined });
    stringifier = s;
    sink = s;
  }
  const write = async (chunk: unknown) => {
    if (!sink.write(chunk as string)) await once(sink as NodeJS.EventEmitter, "drain");
  };
  let count = 0;
  for await (const instance of io.model.objects.iterate(
    Object.keys(options.criteria).length > 0 ? options.criteria : undefined,
    { batchSize: CHUNK },
  )) {
    const toJSON = (instance as { toJSON?: () => Record<string, unknown> }).toJSON;
    const row = typeof toJSON === "function" ? toJSON.call(instance) : (instance as Record<string, unknown>);
    for (const name of options.hashes) row[name] = (instance as Record<string, unknown>)[name];
    if (stringifier) await write(options.columns.map((c) => cell(row[c])));
    else await write(`${JSON.stringify(row, replacer)}\n`);
    count++;
  }
  if (stringifier) {
    const done = options.out === undefined ? finished(stringifier as never) : finished(target as never);
    stringifier.end();
    await done;
  } else if (options.out !== undefined) {
    target.end();
    await finished(target as never);
  }
  if (options.out === undefined) return undefined;
  return `Exported ${count} ${io.model.name} record${count === 1 ? "" : "s"} to ${options.out}`;
}

// The commands of a model, the CLI twin of registers/fastify's `crudRoutes` (`modelCommandSet()`,
// which registry.ts's `modelCommands()` registers as a group): list, get, create, update, delete,
// import and export, their arguments read from the model's Zod schema. It reads the model
// structurally (`schema`, and the `objects` manager's methods), so registers/cli never imports
// registers/db; import and export (files, CSV) live in model-io.ts, loaded by `import()` when they
// run. May import types.ts, model-types.ts, errors.ts, progress.ts and zod-to-args.ts.
import { ArgumentDefinitionError, FrameworkError, UsageError } from "./errors.js";
import type { CommandModel, ModelField as Field, ModelIo } from "./model-types.js";
import { progress } from "./progress.js";
import type { ArgOptions, ArgsShape, CommandMeta, Handler, ZodLike } from "./types.js";
import { zodToArg } from "./zod-to-args.js";

/**
 * The commands `modelCommands` can add.
 *
 * @example
 * ```ts
 * const readOnly: ModelCommandName[] = ["list", "get", "export"];
 * ```
 */
export type ModelCommandName = "list" | "get" | "create" | "update" | "delete" | "import" | "export";

/**
 * Every command of `modelCommands`, in the order they are registered.
 *
 * @example
 * ```ts
 * modelCommands(User, { name: "users", only: MODEL_COMMANDS.filter((c) => c !== "delete") });
 * ```
 */
export const MODEL_COMMANDS: readonly ModelCommandName[] = [
  "list",
  "get",
  "create",
  "update",
  "delete",
  "import",
  "export",
];

/**
 * Options of `modelCommands(Model, options)`.
 *
 * @example
 * ```ts
 * const options: ModelCommandsOptions = { name: "users", only: ["list", "get"], description: "Manage users" };
 * ```
 */
export interface ModelCommandsOptions {
  /** The group's name: `users` gives `app users list`. */
  readonly name: string;
  /** The group's description in help; default `"<Model> records"`. */
  readonly description?: string;
  /** Group aliases. */
  readonly ops?: readonly string[];
  /** Only these commands (default: all seven). */
  readonly only?: readonly ModelCommandName[];
}

type Def = { type: string; innerType?: ZodLike; in?: ZodLike; shape?: Record<string, ZodLike> };
const def = (s: ZodLike) => s._zod.def as Def;
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);
const SCALARS = new Set(["string", "number", "bigint", "boolean", "enum", "literal"]);

function metaOf(s: ZodLike): Record<string, unknown> | undefined {
  const read = (s as { meta?: unknown }).meta;
  const meta = typeof read === "function" ? (read.call(s) as unknown) : undefined;
  return meta !== null && typeof meta === "object" ? (meta as Record<string, unknown>) : undefined;
}

/** The fields of a model, read from `Model.schema` through `_zod.def`. @internal */
export function modelFields(model: CommandModel): Field[] {
  const shape = def(model.schema).shape;
  if (shape === undefined)
    throw new ArgumentDefinitionError(`modelCommands: ${model.name}.schema is not a z.object(...)`);
  const hashed = new Set(model.objects.hashedFields ?? []);
  return Object.entries(shape).map(([name, schema]) => {
    let inner = schema;
    let mayOmit = false;
    let nullable = false;
    let writeOnly = metaOf(schema)?.writeOnly === true;
    let description = (schema as { description?: string }).description;
    while (WRAPPERS.has(def(inner).type) && def(inner).innerType !== undefined) {
      if (def(inner).type !== "readonly" && def(inner).type !== "nonoptional") mayOmit = true;
      if (def(inner).type === "nullable") nullable = true;
      inner = def(inner).innerType as ZodLike;
      writeOnly ||= metaOf(inner)?.writeOnly === true;
      description ??= (inner as { description?: string }).description;
    }
    let base = def(inner).type;
    for (let s = inner; base === "pipe" && def(s).in; s = def(s).in as ZodLike)
      base = def(def(s).in as ZodLike).type;
    return {
      name,
      schema,
      inner,
      base,
      scalar: SCALARS.has(base) || (def(inner).type === "pipe" && SCALARS.has(base)),
      mayOmit,
      nullable,
      hidden: hashed.has(name) || writeOnly,
      hashed: hashed.has(name),
      description,
    };
  });
}

/** A field's value as an `--option` that may be left out (a filter, or an update). */
function optionalOf(field: Field, description: string): ArgOptions {
  if (field.base === "boolean") return { choices: [true, false], optional: true, description };
  return { schema: field.inner, optional: true, description, secret: field.hashed };
}

/** Names the list, import and export commands use for their own options. */
const OWN_OPTIONS = new Set(["order", "limit", "offset", "format", "out", "help", "file"]);

function filterArgs(fields: readonly Field[]): Record<string, ArgOptions> {
  const args: Record<string, ArgOptions> = {};
  for (const f of fields)
    if (f.scalar && !f.hidden && !OWN_OPTIONS.has(f.name))
      args[f.name] = optionalOf(f, f.description ?? `only rows whose ${f.name} is this`);
  return args;
}

function criteriaOf(values: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const criteria: Record<string, unknown> = {};
  for (const name of fields) if (values[name] !== undefined) criteria[name] = values[name];
  return criteria;
}

/** `no User with id 7`: a one-line not-found error, exit code 1. */
function notFound(model: CommandModel, key: string, value: unknown): FrameworkError {
  return new FrameworkError(`no ${model.name} with ${key} ${String(value)}`, {
    code: "E_NOT_FOUND",
    exitCode: 1,
  });
}

const record = (row: object): unknown => {
  const toJSON = (row as { toJSON?: () => unknown }).toJSON;
  return typeof toJSON === "function" ? toJSON.call(row) : row;
};

/** One command of the set: metadata and handler, for `register(meta, handler)`. @internal */
export interface ModelCommand {
  readonly meta: CommandMeta<ArgsShape>;
  readonly handler: Handler<ArgsShape>;
}

/**
 * The commands of a model, as metadata and handlers (registry.ts's `modelCommands()` registers
 * them in a group). Throws `ArgumentDefinitionError` when the model has no `objects` manager.
 * @internal
 */
export function modelCommandSet(model: CommandModel, options: ModelCommandsOptions): ModelCommand[] {
  const objects = model.objects;
  if (objects === undefined || typeof objects.filter !== "function")
    throw new ArgumentDefinitionError(
      `modelCommands: ${model.name} has no objects manager; register it with @databaseRegistry(url, options) first`,
    );
  const fields = modelFields(model);
  const keyField = objects.keyField;
  const key = fields.find((f) => f.name === keyField);
  if (key === undefined)
    throw new ArgumentDefinitionError(`modelCommands: ${model.name} has no field ${keyField}`);
  const managedKey = objects.table.columns.some((c) => c.name === keyField && c.autoincrement);
  const noun = model.name;
  const group = options.name;
  const filters = filterArgs(fields);
  const filterNames = Object.keys(filters);
  const visible = fields.filter((f) => !f.hidden).map((f) => f.name);
  const order = [...visible, ...visible.map((n) => `-${n}`)];
  const keyArg = { [keyField]: { schema: key.inner, description: `the ${noun}'s ${keyField}` } };
  const only = new Set(options.only ?? MODEL_COMMANDS);
  const commands: ModelCommand[] = [];
  const add = (
    name: ModelCommandName,
    meta: Omit<CommandMeta<ArgsShape>, "name">,
    handler: Handler<ArgsShape>,
  ) => {
    if (only.has(name)) commands.push({ meta: { name, ...meta }, handler });
  };

  add(
    "list",
    {
      description: `List ${noun} records (filters: ${filterNames.map((n) => `--${n}`).join(", ") || "none"})`,
      examples: [`${group} list --order -${keyField} --limit 10`],
      args: {
        ...filters,
        order: { choices: order, optional: true, description: "sort by this field; -field for descending" },
        limit: { type: Number, integer: true, optional: true, description: "at most this many rows" },
        offset: { type: Number, integer: true, optional: true, description: "skip this many rows first" },
      },
    },
    async (values) => {
      const v = values as Record<string, unknown>;
      const rows = await objects.filter(criteriaOf(v, filterNames), {
        ...(v.order === undefined ? {} : { orderBy: v.order }),
        ...(v.limit === undefined ? {} : { limit: v.limit }),
        ...(v.offset === undefined ? {} : { offset: v.offset }),
      });
      return rows.map(record);
    },
  );

  add("get", { description: `Show one ${noun} by ${keyField}`, args: keyArg }, async (values) => {
    const id = (values as Record<string, unknown>)[keyField];
    const row = await objects.get(id);
    if (row === null) throw notFound(model, keyField, id);
    return record(row);
  });

  const byName = new Map(fields.map((f) => [f.name, f]));
  const textNames = fields.filter((f) => !f.scalar && !f.hidden).map((f) => f.name);
  /** Options given as text (dates, JSON), decoded and validated by model-values.ts, loaded then. */
  const withText = async (v: Record<string, unknown>, names: readonly string[], command: string) => {
    const given = names.filter((n) => textNames.includes(n) && v[n] !== undefined);
    if (given.length === 0) return v;
    const { textValues } = await import("./model-values.js");
    return { ...v, ...textValues(byName, v, given, (message) => new UsageError(message, { command })) };
  };
  const textArg = (f: Field, optional: boolean, description: string | undefined): ArgOptions => ({
    type: String,
    named: true,
    optional,
    description: `${description ?? f.name} (${f.base === "date" ? "ISO 8601 date" : "JSON"})`,
  });
  const createArgs: Record<string, ArgOptions> = {};
  for (const f of fields) {
    if ((managedKey && f.name === keyField) || f.name === "help") continue;
    if (!f.scalar && !f.hidden) {
      createArgs[f.name] = textArg(f, f.mayOmit, f.description);
      continue;
    }
    createArgs[f.name] = f.scalar
      ? {
          schema: f.schema,
          named: true,
          prompt: !f.mayOmit || f.hashed,
          secret: f.hashed,
          description: f.description,
        }
      : { schema: f.schema, named: true, description: f.description };
  }
  const createNames = Object.keys(createArgs).filter((n) => {
    if (createArgs[n].schema === undefined) return true; // a text field: model-values.ts reads it
    try {
      zodToArg(n, `--${n}`, createArgs[n].schema as ZodLike);
      return true;
    } catch {
      delete createArgs[n]; // a required field the command line cannot carry: create() will say so
      return false;
    }
  });
  add(
    "create",
    {
      description: `Create a ${noun} (${createNames.map((n) => `--${n}`).join(", ")})`,
      args: createArgs,
    },
    async (values) => {
      const v = await withText(values as Record<string, unknown>, createNames, `${group} create`);
      return record(await objects.create(criteriaOf(v, createNames)));
    },
  );

  const updateArgs: Record<string, ArgOptions> = {};
  for (const f of fields)
    if (f.name !== keyField && f.name !== "help")
      if (f.scalar) updateArgs[f.name] = optionalOf(f, f.description ?? `new ${f.name}`);
      else if (!f.hidden) updateArgs[f.name] = textArg(f, true, f.description ?? `new ${f.name}`);
  const updateNames = Object.keys(updateArgs);
  const nullable = fields.filter((f) => f.nullable && !f.hidden && f.name in updateArgs).map((f) => f.name);
  if (nullable.length > 0 && !("unset" in updateArgs))
    updateArgs.unset = {
      type: [String],
      choices: nullable,
      optional: true,
      description: "set this field to null (repeatable: --unset a --unset b)",
    };
  add(
    "update",
    {
      description: `Change fields of a ${noun} (only the options given)`,
      examples: updateNames.length > 0 ? [`${group} update 1 --${updateNames[0]} <value>`] : [],
      args: { ...keyArg, ...updateArgs },
    },
    async (values) => {
      const command = `${group} update`;
      const v = await withText(values as Record<string, unknown>, updateNames, command);
      const changes = criteriaOf(v, updateNames);
      for (const name of (v.unset as string[] | undefined) ?? []) {
        if (changes[name] !== undefined && changes[name] !== null)
          throw new UsageError(`--${name} and --unset ${name} contradict each other: give one`, { command });
        changes[name] = null;
      }
      if (Object.keys(changes).length === 0)
        throw new UsageError(
          `nothing to update: give at least one of ${updateNames.map((n) => `--${n}`).join(", ")}${nullable.length > 0 ? ", --unset" : ""}`,
          { command },
        );
      const updated = await objects.updateWhere({ [keyField]: v[keyField] }, changes);
      if (updated.length === 0) throw notFound(model, keyField, v[keyField]);
      return record(updated[0]);
    },
  );

  add(
    "delete",
    {
      description: `Delete a ${noun} (asks first; --yes to skip)`,
      args: keyArg,
      confirm: (values) => `Delete ${noun} ${String((values as Record<string, unknown>)[keyField])}?`,
    },
    async (values) => {
      const id = (values as Record<string, unknown>)[keyField];
      if (!(await objects.delete(id))) throw notFound(model, keyField, id);
      return `Deleted ${noun} ${String(id)}`;
    },
  );

  const hashedNames = fields.filter((f) => f.hashed).map((f) => f.name);
  // `--with-hashes` on import and export: only for models with hashed fields, and never over a
  // field of that name.
  const withHashes = (description: string): ArgsShape =>
    hashedNames.length > 0 && !fields.some((f) => f.name === "withHashes")
      ? { withHashes: { type: Boolean, description } }
      : {};
  const io: ModelIo = {
    model,
    fields,
    managedKey,
    keyField,
    fail: (message, code, cause) => new FrameworkError(message, { code, exitCode: 1, cause }),
    usage: (message, command, code) => new UsageError(message, { command, code }),
    progress,
  };
  add(
    "import",
    {
      description: `Create ${noun} records from a JSON Lines or CSV file, all or nothing`,
      examples: [`${group} import ${group}.jsonl`, `${group} import ${group}.csv`],
      args: {
        file: { type: String, description: "a .jsonl or .csv file (see --format)" },
        format: {
          choices: ["jsonl", "csv"],
          optional: true,
          description: "default: from the file's extension",
        },
        ...withHashes(
          `store values of ${hashedNames.join(", ")} that already are hashes as they are (files from export --with-hashes); plain passwords are hashed either way`,
        ),
      },
    },
    async (values) => {
      const v = values as { file: string; format?: "jsonl" | "csv"; withHashes?: boolean };
      const { importFile } = await import("./model-io.js");
      return importFile(io, {
        file: v.file,
        format: v.format,
        command: `${group} import`,
        acceptHashes: v.withHashes === true,
      });
    },
  );

  add(
    "export",
    {
      description: `Write ${noun} records as JSON Lines or CSV, streamed (to stdout, or --out)`,
      examples: [`${group} export > ${group}.jsonl`, `${group} export --out ${group}.csv`],
      args: {
        ...filters,
        out: {
          type: String,
          optional: true,
          short: "o",
          description: "write to this file instead of stdout",
        },
        format: {
          choices: ["jsonl", "csv"],
          optional: true,
          description: "default: from --out's extension, else jsonl",
        },
        ...withHashes(
          `also write the stored hashes of ${hashedNames.join(", ")} (import --with-hashes takes them back as they are)`,
        ),
      },
    },
    async (values) => {
      const v = values as Record<string, unknown>;
      const { exportRows } = await import("./model-io.js");
      return exportRows(io, {
        criteria: criteriaOf(v, filterNames),
        out: v.out as string | undefined,
        format: v.format as "jsonl" | "csv" | undefined,
        command: `${group} export`,
        columns: v.withHashes === true ? [...visible, ...hashedNames] : visible,
        hashes: v.withHashes === true ? hashedNames : [],
      });
    },
  );
  return commands;
}

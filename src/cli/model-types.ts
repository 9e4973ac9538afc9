// The types of `modelCommands` (model-commands.ts) and its import/export half (model-io.ts): the
// part of a registers/db model and manager the commands call (declared here, so registers/cli
// never imports registers/db), and a model field as the commands read it. Types only. May import
// types.ts.
import type { ZodLike } from "./types.js";

/**
 * What `modelCommands` needs of a model's manager (`Model.objects`): the part of registers/db's
 * `ModelManager` it calls, declared here so registers/cli does not import registers/db.
 *
 * @example
 * ```ts
 * const objects: ModelObjects = User.objects; // any registered model's manager fits
 * ```
 */
export interface ModelObjects {
  readonly keyField: string;
  readonly hashedFields: readonly string[];
  readonly uniqueFields: readonly string[];
  readonly table: {
    readonly name: string;
    readonly columns: readonly { readonly name: string; readonly autoincrement: boolean }[];
  };
  /** The database: import asks its dialect's name (PostgreSQL moves the key's sequence on). */
  readonly engine: { readonly dialect: { readonly name: string } | null };
  get(key: any): Promise<object | null>;
  filter(criteria: any, options: any): Promise<readonly object[]>;
  create(data: any): Promise<object>;
  updateWhere(criteria: any, updates: any): Promise<readonly object[]>;
  delete(key: any): Promise<boolean>;
  bulkCreate(rows: readonly any[], options?: any): Promise<readonly object[]>;
  bulkUpsert(rows: readonly any[], options?: any): Promise<readonly object[]>;
  raw(strings: TemplateStringsArray, ...values: (string | number | bigint)[]): Promise<readonly object[]>;
  transaction<R>(fn: () => Promise<R>): Promise<R>;
  iterate(criteria?: any, options?: any): AsyncIterable<object>;
}

/**
 * A model class `modelCommands` accepts: a registered `Model(...)` class (its name, its Zod
 * object, its `objects` manager).
 *
 * @example
 * ```ts
 * const model: CommandModel = User;
 * modelCommands(model, { name: "users" });
 * ```
 */
export interface CommandModel {
  readonly name: string;
  readonly schema: ZodLike;
  readonly objects: ModelObjects;
}

/** A field of the model as the commands see it. @internal */
export interface ModelField {
  readonly name: string;
  /** The schema as declared. */
  readonly schema: ZodLike;
  /** Without `optional` / `nullable` / `default` wrappers. */
  readonly inner: ZodLike;
  /** `def.type` of `inner` (under pipes): `"string"`, `"int"`-ish `"number"`, `"date"`, ... */
  readonly base: string;
  /**
   * A value the command line can carry as it is (string, number, bigint, boolean, enum, literal).
   * Other fields are given as text: dates as ISO 8601 strings, anything else as JSON.
   */
  readonly scalar: boolean;
  /** Has a default, or is optional or nullable: may be left out of `create`. */
  readonly mayOmit: boolean;
  /** Accepts `null` (`.nullable()`): `update --unset <field>` may clear it. */
  readonly nullable: boolean;
  /** Hashed or `writeOnly`: never shown, never a filter. */
  readonly hidden: boolean;
  readonly hashed: boolean;
  readonly description?: string;
}

/**
 * What model-io.ts receives: the model, and the error and progress helpers it uses (passed in, so
 * that the lazily loaded file imports no other module of registers/cli and the bundle keeps every
 * shared module in the start-up file). @internal
 */
export interface ModelIo {
  readonly model: CommandModel;
  readonly fields: readonly ModelField[];
  readonly managedKey: boolean;
  readonly keyField: string;
  /** A one-line failure (exit 1) with a stable code. */
  readonly fail: (message: string, code: string, cause?: unknown) => Error;
  /** A usage error (exit 2) of `command`. */
  readonly usage: (message: string, command: string, code: string) => Error;
  /** `progress()` of progress.ts. */
  readonly progress: (options: { total?: number; label?: string }) => {
    update(done: number): void;
    done(): void;
  };
}

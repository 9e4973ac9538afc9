/**
 * Instances of rows read back or written, built without the model's constructors: a per-model class
 * with one private slot per column (the dirty-tracking snapshot, the key's slot holding the
 * persisted key), constructed with `Reflect.construct(..., model)` so the instance has the model's
 * prototype. Compared with `new Model()` plus a snapshot object, a
 * row costs one object instead of two and runs no field initializers: in particular none of the
 * per-instance storage compiled `accessor` relationships carry (a WeakMap entry under esbuild/tsx,
 * a private field under tsc). Used only for models whose own classes do nothing at construction
 * but that storage (`constructionIsInert`). A leaf: it imports nothing of registers.
 */

/** What the model-base accessors need from a loaded instance. */
export interface LoadedClass {
  /** An instance with the model's prototype, `fields` copied on, its slots holding `snapshot` (key: `key`). */
  make(fields: Record<string, unknown>, snapshot: Record<string, unknown>, key: unknown): object;
  /**
   * `make` for a row given as column values in `columns` order that are the stored values themselves
   * (nothing to freeze), the key at its column.
   */
  fromArray(values: readonly unknown[]): object;
  /** Whether `instance` was built by `make` of this class. */
  has(instance: object): boolean;
  /** The persisted key of a loaded instance. */
  key(instance: object): unknown;
  /** The snapshot of a loaded instance, as a fresh object. */
  snapshot(instance: object): Record<string, unknown>;
  /** Replaces a loaded instance's key and snapshot (after `save()`). */
  mark(instance: object, key: unknown, snapshot: Record<string, unknown>): void;
}

/**
 * Compiles the loaded-instance class of `model` for these columns (names embedded as JSON strings,
 * slots named by position).
 *
 * @example
 * ```ts
 * const loaded = compileLoaded(User, ["id", "name"], "id");
 * const row = { id: 1, name: "Ann" };
 * const user = loaded.make(row, row, 1); // a User with id 1 and name "Ann", saved as such
 * ```
 */
export function compileLoaded(model: Function, columns: readonly string[], keyField: string): LoadedClass {
  const slots = columns.map((_, i) => `#s${i};`).join(" ");
  const keyIndex = columns.indexOf(keyField);
  const fill = [
    ...columns.map((c) => `this[${JSON.stringify(c)}] = f[${JSON.stringify(c)}];`),
    ...columns.map((c, i) => `this.#s${i} = ${i === keyIndex ? "key" : `v[${JSON.stringify(c)}]`};`),
  ].join(" ");
  const fillArray = [
    ...columns.map((c, i) => `this[${JSON.stringify(c)}] = a[${i}];`),
    ...columns.map((_, i) => `this.#s${i} = a[${i}];`),
  ].join(" ");
  // computed keys: a column named "__proto__" is a property, never the prototype
  const read = columns.map((c, i) => `[${JSON.stringify(c)}]: o.#s${i}`).join(", ");
  const write = columns
    .map((c, i) => `o.#s${i} = ${i === keyIndex ? "key" : `v[${JSON.stringify(c)}]`};`)
    .join(" ");
  const source = `"use strict";
let f; let v; let key; let a;
class Loaded extends Base { ${slots}
  constructor() { super(); if (a === undefined) { ${fill} } else { ${fillArray} } }
  static make(fields, snapshot, k) { f = fields; v = snapshot; key = k; const o = Reflect.construct(Loaded, [], model); f = undefined; v = undefined; key = undefined; return o; }
  static fromArray(values) { a = values; const o = Reflect.construct(Loaded, [], model); a = undefined; return o; }
  static has(o) { return #s${keyIndex} in o; }
  static key(o) { return o.#s${keyIndex}; }
  static snapshot(o) { return { ${read} }; }
  static mark(o, k, snapshot) { v = snapshot; key = k; ${write} v = undefined; key = undefined; }
}
return Loaded;`;
  class Base {}
  return new Function("Base", "model", source)(Base, model) as LoadedClass;
}

/**
 * Whether building `model`'s instances without running its own constructors changes nothing:
 * every class from `model` up to (not including) `stop` declares no instance field or private
 * member and no constructor, beyond what compiled relationship accessors named in `relations`
 * generate (their storage and decorator initializers, which registers' relationships never read).
 * Public fields are caught by the caller's probe; this reads the classes' source text, and
 * anything it does not recognise answers `false` (the constructors then run as before).
 *
 * @example
 * ```ts
 * constructionIsInert(Author, ModelBase, new Set(["posts"])); // true for a model with only relationships
 * ```
 */
export function constructionIsInert(
  model: Function,
  stop: Function,
  relations: ReadonlySet<string>,
): boolean {
  for (let c: unknown = model; typeof c === "function" && c !== stop; c = Object.getPrototypeOf(c)) {
    if (!classIsInert(Function.prototype.toString.call(c), relations)) return false;
  }
  return true;
}

const IDENT = "[A-Za-z_$][\\w$]*";
/** Statements a compiled constructor may hold besides `super(...)`: decorator initializers. */
const INERT_STATEMENT = new RegExp(
  `^(?:__runInitializers\\([^()]*\\)|__privateAdd\\(this,_(${IDENT}),__runInitializers\\([^()]*\\)\\))$`,
);

function classIsInert(text: string, relations: ReadonlySet<string>): boolean {
  if (!text.startsWith("class")) return false;
  // Whitespace removed (compilers and minifiers space code differently); nothing below needs it.
  const source = text.replace(/\s+/g, "");
  // tsc: `#posts_accessor_storage = __runInitializers(this, _posts_initializers, void 0);`
  let rest = source.replace(
    new RegExp(
      `#(${IDENT})_accessor_storage(?:=__runInitializers\\(this,_\\1_initializers,void0\\))?;?`,
      "g",
    ),
    (whole, name: string) => (relations.has(name) ? "" : whole),
  );
  if (/#[A-Za-z_$]/.test(rest)) return false;
  const at = rest.search(/\bconstructor\(/);
  if (at === -1) return !rest.includes("__privateAdd");
  const open = rest.indexOf("{", at);
  let depth = 0;
  let end = open;
  for (; end < rest.length; end++) {
    if (rest[end] === "{") depth++;
    else if (rest[end] === "}" && --depth === 0) break;
  }
  if (rest.slice(at, open) !== "constructor()") return false;
  const body = rest.slice(open + 1, end);
  rest = rest.slice(0, at) + rest.slice(end + 1);
  if (rest.includes("__privateAdd")) return false;
  const statements = splitTopLevel(body);
  if (statements[0] !== "super(...arguments)") return false;
  for (const statement of statements.slice(1)) {
    const match = INERT_STATEMENT.exec(statement);
    if (match === null || (match[1] !== undefined && !relations.has(match[1]))) return false;
  }
  return true;
}

/** A constructor body split into statements and comma-separated expressions at depth 0. */
function splitTopLevel(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    const ch = body[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (i === body.length || (depth === 0 && (ch === ";" || ch === ","))) {
      const part = body.slice(start, i).trim();
      if (part !== "") out.push(part);
      start = i + 1;
    }
  }
  return out;
}

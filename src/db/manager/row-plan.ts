/**
 * How one model builds instances from rows, decided once per model state: a compiled check that
 * proves a decoded row already is what the schema outputs (so the Zod parse, which would return an
 * equal copy, is skipped; any row it does not prove goes through the parse and its errors), and the
 * loaded-instance class (`loaded.ts`) when the model's own classes do nothing at construction. It
 * may import model-base, loaded, plain-parse, relations and the state's type.
 */
import type { Row } from "../dialect/dialect.js";
import { compileLoaded, constructionIsInert, type LoadedClass } from "../loaded.js";
import { hydrate, ModelBase, useLoadedClass } from "../model-base.js";
import { compileRowCheck, fieldCheck } from "../plain-parse.js";
import { relationsOf } from "../relations.js";
import type { ModelState } from "./state.js";

/** One model's way from rows to instances. */
export interface RowPlan {
  /** `true` when the decoded row needs no parse; `null` when every row is parsed. */
  readonly check: ((row: Row) => boolean) | null;
  /** Builds instances without the model's constructors; `null`: `new model()` as before. */
  readonly loaded: LoadedClass | null;
  /** Decodes a row in place (`decodeValue` per field that may need it), one named store per field. */
  readonly decode: (row: Row) => void;
  /**
   * For a row as column values in `s.columns` order: decodes it in place, then the instance when
   * the compiled check proves it, else `undefined` (the caller goes on with an object). `null` when
   * the model cannot take this path (a loaded class, plain fields and no Date/JSON field needed).
   */
  readonly array: ((values: unknown[]) => object | undefined) | null;
}

/**
 * The plan of `s`, built on first use.
 *
 * @example
 * ```ts
 * const plan = planOf(state);
 * plan.check?.(row); // true: no parse needed
 * ```
 */
export function planOf(s: ModelState): RowPlan {
  if (s.rowPlan === null) {
    const loaded = loadedClass(s);
    s.rowPlan = {
      check: compileRowCheck(s.schema, s.columns),
      loaded,
      decode: compileDecode(s),
      array: loaded === null ? null : compileArray(s, loaded),
    } satisfies RowPlan;
  }
  return s.rowPlan as RowPlan;
}

/** `RowPlan.array`: decode by index, the inline checks, `fromArray` (see `RowPlan`). */
function compileArray(s: ModelState, loaded: LoadedClass): RowPlan["array"] {
  if (s.mutable.length > 0) return null;
  const shape = s.schema.shape as Record<string, unknown>;
  const checks: string[] = [];
  for (const [i, name] of s.columns.entries()) {
    const check = fieldCheck(shape[name], `a[${i}]`);
    if (check === null) return null;
    checks.push(check);
  }
  const index = new Map(s.columns.map((name, i) => [name, i]));
  const decode = s.decoded.map((field, i) => {
    const at = index.get(field.name) as number;
    const empty = field.optional && !field.nullable ? "undefined" : "null";
    const numeric = field.kind === "integer" || field.kind === "float";
    return `v = a[${at}];
if (v === null || v === undefined) a[${at}] = ${empty};
else if (${numeric ? 'typeof v !== "number"' : "true"}) a[${at}] = s.d.decode(k[${i}], v);`;
  });
  const kinds = s.decoded.map((field) => field.kind);
  return new Function(
    "s",
    "k",
    "L",
    `return (a) => { let v;\n${decode.join("\n")}\nreturn ${checks.join(" && ")} ? L.fromArray(a) : undefined; };`,
  )(s, kinds, loaded) as RowPlan["array"];
}

/**
 * `decodeValue` of every field of `s.decoded`, unrolled: a null stays null (or `undefined` for an
 * optional, non-nullable field), a JS number in a number column stays as it is, anything else goes
 * through the dialect's `decode`.
 */
function compileDecode(s: ModelState): (row: Row) => void {
  const lines = s.decoded.map((field, i) => {
    const key = JSON.stringify(field.name);
    const empty = field.optional && !field.nullable ? "undefined" : "null";
    const numeric = field.kind === "integer" || field.kind === "float";
    return `v = r[${key}];
if (v === null || v === undefined) r[${key}] = ${empty};
else if (${numeric ? 'typeof v !== "number"' : "true"}) r[${key}] = s.d.decode(k[${i}], v);`;
  });
  const kinds = s.decoded.map((field) => field.kind);
  return new Function("s", "k", `return (r) => { let v;\n${lines.join("\n")}\n};`)(s, kinds) as (
    row: Row,
  ) => void;
}

function loadedClass(s: ModelState): LoadedClass | null {
  // Public class fields are own properties of an instance built the old way. A constructor that
  // throws here keeps the old way too (and throws there as it always did).
  let probe: object;
  try {
    probe = hydrate(s.model, {}, undefined, () => undefined);
  } catch {
    return null;
  }
  if (Reflect.ownKeys(probe).length > 0) return null;
  const relations = new Set(relationsOf(s.model).keys());
  if (!constructionIsInert(s.model, ModelBase, relations)) return null;
  const loaded = compileLoaded(s.model, s.columns, s.keyField);
  useLoadedClass(s.model, loaded);
  return loaded;
}

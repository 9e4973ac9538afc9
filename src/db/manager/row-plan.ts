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
import { compileRowCheck } from "../plain-parse.js";
import { relationsOf } from "../relations.js";
import type { ModelState } from "./state.js";

/** One model's way from rows to instances. */
export interface RowPlan {
  /** `true` when the decoded row needs no parse; `null` when every row is parsed. */
  readonly check: ((row: Row) => boolean) | null;
  /** Builds instances without the model's constructors; `null`: `new model()` as before. */
  readonly loaded: LoadedClass | null;
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
  return (s.rowPlan ??= {
    check: compileRowCheck(s.schema, s.columns),
    loaded: loadedClass(s),
  } satisfies RowPlan) as RowPlan;
}

function loadedClass(s: ModelState): LoadedClass | null {
  // Public class fields are own properties of an instance built the old way.
  const probe = hydrate(s.model, {}, undefined, () => undefined);
  if (Reflect.ownKeys(probe).length > 0) return null;
  const relations = new Set(relationsOf(s.model).keys());
  if (!constructionIsInert(s.model, ModelBase, relations)) return null;
  const loaded = compileLoaded(s.model, s.columns, s.keyField);
  useLoadedClass(s.model, loaded);
  return loaded;
}

/**
 * Eager loading (`include`, `prefetch`): resolves dotted relationship paths on a model and loads
 * each level with one query per relationship, storing the results on the rows. It may import
 * relations, model-base and errors.
 */
import { RelationshipError } from "./errors.js";
import type { ModelBase } from "./model-base.js";
import { type Relation, relationsOf, storePreloaded } from "./relations.js";

/** One relationship to load for a set of owners, and what to load from its results. */
interface Step {
  readonly name: string;
  /** The dotted path up to here, for messages. */
  readonly path: string;
  readonly relation: Relation<unknown>;
  /** The target model, when the relation names it (always for HasMany/BelongsTo/HasManyThrough). */
  readonly target: unknown;
  /** Nested steps, resolved up front when `target` is known; else from the loaded rows' class. */
  readonly children: Step[] | PathTree;
}

/** Relationship names, nested: `["posts", "posts.tags"]` -> `{ posts: { tags: {} } }`. */
type PathTree = Map<string, PathTree>;

function parsePaths(paths: readonly string[]): PathTree {
  const root: PathTree = new Map();
  if (!Array.isArray(paths)) {
    throw new RelationshipError('relationships to load are a list of names, e.g. ["posts", "posts.tags"]');
  }
  for (const path of paths) {
    if (typeof path !== "string" || path.split(".").some((segment) => segment === "")) {
      throw new RelationshipError(
        `"${String(path)}" is not a relationship path: give a name ("posts") or a dotted path ("posts.tags")`,
      );
    }
    let node = root;
    for (const segment of path.split(".")) {
      let child = node.get(segment);
      if (child === undefined) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
  }
  return root;
}

/** Resolves every name of `tree` on `model` (recursively where targets are known), before any query. */
function resolve(model: unknown, tree: PathTree, prefix: string): Step[] {
  if (tree.size === 0) return [];
  const relations = relationsOf(model);
  const steps: Step[] = [];
  for (const [name, subtree] of tree) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    const relation = relations.get(name);
    if (relation === undefined) {
      const modelName = (model as { name?: string } | null)?.name || "this model";
      const names = [...relations.keys()];
      throw new RelationshipError(
        `${modelName} has no relationship "${name}"${path === name ? "" : ` (in "${path}")`}; ${
          names.length === 0 ? `${modelName} declares no relationships` : `relationships: ${names.join(", ")}`
        }`,
      );
    }
    const target = relation.target?.();
    steps.push({
      name,
      path,
      relation,
      target,
      children: target === undefined ? subtree : resolve(target, subtree, path),
    });
  }
  return steps;
}

/** The loaded value of `relation` for every owner: batched when the relation can, else per owner. */
async function loadValues(
  relation: Relation<unknown>,
  owners: readonly ModelBase[],
  model: unknown,
): Promise<Map<ModelBase, unknown>> {
  if (relation.loadMany !== undefined) return relation.loadMany(owners, model);
  const values = await Promise.all(owners.map((owner) => relation.load(owner)));
  return new Map(owners.map((owner, i) => [owner, values[i]]));
}

async function run(steps: readonly Step[], model: unknown, owners: readonly ModelBase[]): Promise<void> {
  await Promise.all(
    steps.map(async (step) => {
      const values = await loadValues(step.relation, owners, model);
      const next: ModelBase[] = [];
      const seen = new Set<ModelBase>();
      const collect = (value: unknown): void => {
        if (value === null || value === undefined || seen.has(value as ModelBase)) return;
        seen.add(value as ModelBase);
        next.push(value as ModelBase);
      };
      for (const owner of owners) {
        const value = values.get(owner);
        storePreloaded(owner, step.relation, value);
        if (Array.isArray(value)) for (const item of value) collect(item);
        else collect(value);
      }
      const children = step.children;
      if (Array.isArray(children)) {
        if (children.length > 0 && next.length > 0) await run(children, step.target, next);
      } else if (children.size > 0 && next.length > 0) {
        const target = next[0].constructor;
        await run(resolve(target, children, step.path), target, next);
      }
    }),
  );
}

/**
 * Loads the named relationships (dotted paths for nesting: `"posts.tags"`) for all `instances` of
 * `model`, in one query per relationship level (`HasManyThrough`: two; more only past 10,000 keys
 * per query), and stores the results on the instances so `await instance.posts` returns them
 * without a query (a later call replaces them). Every name is checked before any query runs: an
 * unknown one is a `RelationshipError` listing the relationships the model declares. A path's
 * prefix is loaded once per call (`["posts", "posts.tags"]` loads posts once); sibling
 * relationships load concurrently. Relationships declared with decorators and with `relate()`,
 * inherited ones included, are found by name.
 *
 * @example
 * ```ts
 * const authors = await Author.objects.all();
 * await loadRelations(Author, authors, ["posts", "posts.tags"]); // 3 queries for any number of authors
 * const posts = await authors[0].posts; // no query
 * ```
 */
export async function loadRelations(
  model: unknown,
  instances: readonly object[],
  paths: readonly string[],
): Promise<void> {
  const steps = resolve(model, parsePaths(paths), "");
  if (steps.length === 0 || instances.length === 0) return;
  await run(steps, model, instances as readonly ModelBase[]);
}

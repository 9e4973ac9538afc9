/**
 * What the studio page knows of a model: its fields (column kind, the form input that edits it,
 * whether `page()` can sort by it, which criteria operators filter it), its key, unique and hidden
 * fields, and its relationships as links. Built once per model from the Zod schema, the manager and
 * the declared relations; it may import registers/db and registers/fastify.
 */
import type { ColumnKind, ModelManager } from "../db/index.js";
import { relationsOf } from "../db/relations.js";
import { describeShape, type FieldInfo } from "../db/zod-to-columns.js";
import { hiddenFields, type ModelLike, requireManager } from "../fastify/model-schemas.js";

/** The form control of a field: what the page renders to edit it. */
export type StudioInput =
  | "text"
  | "number"
  | "integer"
  | "checkbox"
  | "select"
  | "datetime"
  | "json"
  | "password";

/** One field as the page shows it. */
export interface StudioField {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly input: StudioInput;
  /** The schema accepts `null` (the form offers an empty value). */
  readonly nullable: boolean;
  /** The create form may leave it out (optional, or has a default). */
  readonly optional: boolean;
  /** The key field, and whether the database assigns it. */
  readonly key: boolean;
  readonly managedKey: boolean;
  readonly unique: boolean;
  /** A hashed (password) field: never sent to the page, set through its own action. */
  readonly hashed: boolean;
  /** Left out of rows sent to the page (hashed, `writeOnly`). */
  readonly hidden: boolean;
  /** `page()` can order by it (non-null, not JSON, not hashed). */
  readonly sortable: boolean;
  /** Criteria operators the filter form offers for it. */
  readonly operators: readonly string[];
  readonly enumValues?: readonly string[];
}

/** A relationship as a link: to one record (`belongsTo`) or to a filtered list (`hasMany`). */
export interface StudioRelation {
  readonly name: string;
  readonly kind: "hasMany" | "belongsTo" | "hasManyThrough";
  /** The target model's name (as listed by the studio), or `null` when it is not one of its models. */
  readonly target: string | null;
  /** `belongsTo`: this model's field holding the target's `targetField`. */
  readonly localField?: string;
  /** `hasMany`: the target's field holding this model's `localField`. */
  readonly foreignField?: string;
  /** The field of the other side the link matches (`belongsTo`: the target's; `hasMany`: this model's). */
  readonly targetField?: string;
}

/** One model as the page shows it. */
export interface StudioModel {
  readonly name: string;
  readonly table: string;
  readonly keyField: string;
  readonly fields: readonly StudioField[];
  readonly relations: readonly StudioRelation[];
}

const COMPARISONS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "notIn"];
const PATTERNS = ["contains", "startsWith", "endsWith", "like", "ilike"];

function inputOf(kind: ColumnKind, hashed: boolean): StudioInput {
  if (hashed) return "password";
  switch (kind) {
    case "integer":
      return "integer";
    case "float":
      return "number";
    case "boolean":
      return "checkbox";
    case "enum":
      return "select";
    case "date":
      return "datetime";
    case "json":
      return "json";
    default:
      return "text"; // string, uuid, bigint (as text: a number input would round it)
  }
}

function operatorsOf(field: FieldInfo, hashed: boolean, isKey: boolean): string[] {
  if (hashed) return [];
  const isNull = !isKey && (field.nullable || field.optional) ? ["isNull"] : [];
  if (field.kind === "json") return isNull;
  if (field.kind === "boolean") return ["eq", "ne", ...isNull];
  const patterns = field.kind === "string" || field.kind === "enum" || field.kind === "uuid" ? PATTERNS : [];
  return [...COMPARISONS, ...patterns, ...isNull];
}

/**
 * Describes `model` for the page. `names` maps the studio's model classes to their names, so a
 * relationship to a model the studio does not list has `target: null` (shown without a link).
 *
 * @example
 * ```ts
 * const post = describeModel(Post, new Map([[Post, "Post"], [Author, "Author"]]));
 * post.relations; // [{ name: "author", kind: "belongsTo", target: "Author", localField: "author_id", targetField: "id" }]
 * ```
 */
export function describeModel(model: ModelLike, names: ReadonlyMap<unknown, string>): StudioModel {
  const manager = requireManager(model) as ModelManager<object>;
  const hidden = new Set(hiddenFields(model));
  const hashed = new Set(manager.hashedFields);
  const unique = new Set(manager.uniqueFields);
  const keyField = manager.keyField;
  const managedKey = manager.table.columns.some((c) => c.name === keyField && c.autoincrement);
  const fields = describeShape(model.schema as never).map((field): StudioField => {
    const isKey = field.name === keyField;
    const neverNull = isKey || (field.hasDefault && !field.nullable) || (!field.nullable && !field.optional);
    const isHashed = hashed.has(field.name);
    return {
      name: field.name,
      kind: field.kind,
      input: inputOf(field.kind, isHashed),
      nullable: field.nullable && !isKey,
      optional: field.optional || (isKey && managedKey),
      key: isKey,
      managedKey: isKey && managedKey,
      unique: unique.has(field.name),
      hashed: isHashed,
      hidden: hidden.has(field.name),
      sortable: neverNull && field.kind !== "json" && !isHashed && !hidden.has(field.name),
      operators: hidden.has(field.name) ? [] : operatorsOf(field, isHashed, isKey),
      ...(field.enumValues === undefined ? {} : { enumValues: field.enumValues }),
    };
  });
  const relations: StudioRelation[] = [];
  for (const [name, relation] of relationsOf(model)) {
    const targetClass = relation.target?.();
    const target = names.get(targetClass) ?? null;
    const options = (relation.options ?? {}) as Record<string, string | undefined>;
    const targetKey = (): string | undefined => {
      try {
        return requireManager(targetClass as ModelLike).keyField;
      } catch {
        return undefined;
      }
    };
    if (relation.kind === "belongsTo" && options.localKey !== undefined) {
      const targetField = options.targetKey ?? targetKey();
      relations.push({ name, kind: relation.kind, target, localField: options.localKey, targetField });
    } else if (relation.kind === "hasMany" && options.foreignKey !== undefined) {
      const targetField = options.localKey ?? keyField;
      relations.push({ name, kind: relation.kind, target, foreignField: options.foreignKey, targetField });
    } else {
      relations.push({ name, kind: relation.kind, target });
    }
  }
  return { name: model.name, table: manager.tableName, keyField, fields, relations };
}

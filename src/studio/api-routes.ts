/**
 * The JSON API the page calls, under `{prefix}/api/`: models with row counts, keyset pages with
 * sorting and criteria, one record with its relationships, create, edit, delete and "set password".
 * Every read and write goes through the model's manager (`page()`, `count()`, `require()`,
 * `create()`, `save()`, `deleteInstance()`), so validation, hashing and the model's own rules apply.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { InvalidQueryError, type ModelManager, RecordNotFoundError, ValidationError } from "../db/index.js";
import type { ModelLike } from "../fastify/model-schemas.js";
import type { StudioModel } from "./describe-model.js";
import { fromPageCriteria, fromPageData, refuseHash, toPageRecord } from "./values.js";

/** A model the studio serves: its class, its manager and its description. */
export interface StudioEntry {
  readonly model: ModelLike;
  readonly manager: ModelManager<object>;
  readonly description: StudioModel;
}

/** Rows per page when the page asks for none, and the most it may ask for. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
/** Most records of a many-to-many relationship listed on a record view. */
const THROUGH_LIMIT = 100;

type Params = { model: string; key?: string; field?: string };

function entryOf(entries: ReadonlyMap<string, StudioEntry>, request: FastifyRequest): StudioEntry {
  const name = (request.params as Params).model;
  const entry = entries.get(name);
  if (entry === undefined) {
    throw Object.assign(new Error(`no model named "${name}" in this studio`), {
      statusCode: 404,
      code: "REGISTERS_STUDIO_UNKNOWN_MODEL",
    });
  }
  return entry;
}

/** The key from the URL in the key field's type (`"7"` -> `7` for an integer key). */
function keyOf(entry: StudioEntry, raw: string): unknown {
  const field = entry.description.fields.find((f) => f.key);
  if (field?.kind === "integer" || field?.kind === "float") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) {
      throw new InvalidQueryError(`${entry.description.name}.${field.name} is a number, got "${raw}"`);
    }
    return n;
  }
  if (field?.kind === "bigint") {
    try {
      return BigInt(raw);
    } catch (error) {
      throw new InvalidQueryError(`${entry.description.name}.${field.name} is an integer, got "${raw}"`, {
        cause: error,
      });
    }
  }
  return raw;
}

async function recordOf(entry: StudioEntry, request: FastifyRequest): Promise<object> {
  const raw = (request.params as Params).key as string;
  const found = await entry.manager.get(keyOf(entry, raw) as never);
  if (found === null) throw new RecordNotFoundError(`no ${entry.description.name} with key ${raw}`);
  return found;
}

function parseLimit(value: unknown): number {
  if (value === undefined || value === "") return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${String(value)}"`);
  }
  return n;
}

function parseOrderBy(entry: StudioEntry, value: unknown): string | undefined {
  if (value === undefined || value === "") return undefined;
  const text = String(value);
  const name = text.startsWith("-") ? text.slice(1) : text;
  const field = entry.description.fields.find((f) => f.name === name);
  if (field === undefined || !field.sortable) {
    const sortable = entry.description.fields.filter((f) => f.sortable).map((f) => f.name);
    throw new InvalidQueryError(
      `${entry.description.name} cannot be sorted by "${name}"; sortable fields: ${sortable.join(", ")}`,
    );
  }
  return text;
}

function parseWhere(entry: StudioEntry, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch (error) {
    throw new InvalidQueryError("where is not valid JSON", { cause: error });
  }
  return fromPageCriteria(entry.description, parsed);
}

/** The relationships of one record: a link to each `belongsTo` target, a count per `hasMany`. */
async function relatedOf(
  entries: ReadonlyMap<string, StudioEntry>,
  entry: StudioEntry,
  record: object,
): Promise<unknown[]> {
  const values = record as Record<string, unknown>;
  const out: unknown[] = [];
  for (const relation of entry.description.relations) {
    const target = relation.target === null ? undefined : entries.get(relation.target);
    if (target === undefined) continue;
    if (relation.kind === "belongsTo" && relation.localField !== undefined) {
      const value = values[relation.localField];
      out.push({ ...relation, value: value === undefined ? null : toPageValue(value) });
    } else if (relation.kind === "hasMany" && relation.foreignField !== undefined) {
      const value = values[relation.targetField ?? entry.description.keyField];
      const count =
        value == null ? 0 : await target.manager.count({ [relation.foreignField]: value } as never);
      out.push({ ...relation, value: value == null ? null : toPageValue(value), count });
    } else {
      // hasManyThrough (or a hand-written relation): load it, list the first records' keys.
      const loaded = await (values[relation.name] as Promise<unknown>);
      const list = Array.isArray(loaded) ? loaded : loaded == null ? [] : [loaded];
      const keyField = target.description.keyField;
      const keys = list
        .slice(0, THROUGH_LIMIT)
        .map((r) => toPageValue((r as Record<string, unknown>)[keyField]));
      out.push({ ...relation, keys, count: list.length });
    }
  }
  return out;
}

function toPageValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * Registers the API routes on `fastify` (already under the studio's prefix and guards).
 *
 * @example
 * ```ts
 * await fastify.register(async (api) => apiRoutes(api, entries), { prefix: "/api" });
 * ```
 */
export function apiRoutes(fastify: FastifyInstance, entries: ReadonlyMap<string, StudioEntry>): void {
  fastify.get("/models", async function listModels() {
    const models = [];
    for (const entry of entries.values()) {
      // A table not created yet is listed without a count (the page says so) rather than failing the list.
      const exists = await entry.manager.schemaExists();
      models.push({ ...entry.description, count: exists ? await entry.manager.count() : null });
    }
    return { models };
  });

  fastify.get("/models/:model/rows", async function pageRows(request: FastifyRequest) {
    const entry = entryOf(entries, request);
    const query = request.query as Record<string, unknown>;
    const where = parseWhere(entry, query.where);
    const page = await entry.manager.page({
      limit: parseLimit(query.limit),
      orderBy: parseOrderBy(entry, query.orderBy) as never,
      where: where as never,
      after: query.after === undefined || query.after === "" ? undefined : String(query.after),
    });
    return {
      items: page.items.map((item) => toPageRecord(entry.description, item)),
      nextCursor: page.nextCursor,
      count: await entry.manager.count(where as never),
    };
  });

  fastify.get("/models/:model/rows/:key", async function getRow(request: FastifyRequest) {
    const entry = entryOf(entries, request);
    const record = await recordOf(entry, request);
    return {
      record: toPageRecord(entry.description, record),
      related: await relatedOf(entries, entry, record),
    };
  });

  fastify.post("/models/:model/rows", async function createRow(request: FastifyRequest, reply: FastifyReply) {
    const entry = entryOf(entries, request);
    const created = await entry.manager.create(fromPageData(entry.description, request.body, "create"));
    return reply.code(201).send({ record: toPageRecord(entry.description, created) });
  });

  fastify.patch("/models/:model/rows/:key", async function updateRow(request: FastifyRequest) {
    const entry = entryOf(entries, request);
    const changes = fromPageData(entry.description, request.body, "update");
    const record = await recordOf(entry, request);
    if (Object.hasOwn(changes, entry.description.keyField)) {
      const same =
        String(toPageValue(changes[entry.description.keyField])) === (request.params as Params).key;
      if (!same) {
        throw new ValidationError(`${entry.description.name}: the key cannot be changed`, [
          { path: [entry.description.keyField], message: "the key cannot be changed", code: "custom" },
        ]);
      }
      delete changes[entry.description.keyField];
    }
    Object.assign(record, changes);
    const saved = await entry.manager.save(record);
    return { record: toPageRecord(entry.description, saved) };
  });

  fastify.delete(
    "/models/:model/rows/:key",
    async function deleteRow(request: FastifyRequest, reply: FastifyReply) {
      const entry = entryOf(entries, request);
      const record = await recordOf(entry, request);
      await entry.manager.deleteInstance(record);
      return reply.code(204).send();
    },
  );

  fastify.put("/models/:model/rows/:key/secrets/:field", async function setSecret(request: FastifyRequest) {
    const entry = entryOf(entries, request);
    const name = (request.params as Params).field as string;
    const field = entry.description.fields.find((f) => f.name === name);
    if (field === undefined || !field.hashed) {
      throw new InvalidQueryError(`${entry.description.name}.${name} is not a hashed field`);
    }
    const value = (request.body as { value?: unknown } | null)?.value;
    refuseHash(entry.description, name, value);
    const record = await recordOf(entry, request);
    (record as Record<string, unknown>)[name] = value;
    const saved = await entry.manager.save(record);
    return { record: toPageRecord(entry.description, saved) };
  });
}

/**
 * Generated keys beyond integers on every database: UUID keys from a Zod default (`uuidv4`,
 * `uuidv7`) or the `keyGenerator` option, stored as a native `uuid` on PostgreSQL and `CHAR(36)` on
 * MariaDB/MySQL, used by get/require/delete/upsert/save/bulk writes and relationships; composite keys
 * refused at registration with a typed error.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  ConfigurationError,
  databaseRegistry,
  HasMany,
  type ManagerOf,
  Model,
  uuidv4,
  uuidv7,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

eachDatabase("uuid keys", (target) => {
  @databaseRegistry(target.url, { tableName: "uk_events" })
  class Event extends Model({ id: z.uuid().default(uuidv7), kind: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Event>;
    @HasMany(() => Attendee, { foreignKey: "event_id" }) accessor attendees!: Promise<Attendee[]>;
  }

  @databaseRegistry(target.url, { tableName: "uk_attendees", keyGenerator: "uuidv4" })
  class Attendee extends Model({
    id: z.uuid().nullable().default(null),
    event_id: z.uuid().nullable().default(null),
    name: z.string(),
  }) {
    declare static readonly objects: ManagerOf<typeof Attendee>;
  }

  freshTables(Event, Attendee);

  it("a z.uuid().default(uuidv7) key is generated, time-ordered, and found by every key path", async () => {
    const first = await Event.objects.create({ kind: "a" });
    const more = await Event.objects.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ kind: `k${i}` })));
    assert.match(first.id, V7);
    const ids = [first.id, ...more.map((e) => e.id)];
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      (await Event.objects.all({ orderBy: "id" })).map((e) => e.id),
      ids,
      "v7 keys sort in creation order, in the database too",
    );
    assert.equal((await Event.objects.require(first.id)).kind, "a");
    assert.equal((await Event.objects.get({ id: first.id }))?.kind, "a");
    await Event.objects.upsert({ id: first.id, kind: "b" });
    assert.equal((await Event.objects.require(first.id)).kind, "b");
    first.kind = "c";
    await first.save();
    assert.equal((await Event.objects.require(first.id)).kind, "c");
    assert.equal(await Event.objects.delete(first.id), true);
    assert.equal(await Event.objects.get(first.id), null);
    assert.equal(await Event.objects.get("00000000-0000-4000-8000-000000000000"), null);
  });

  it("keyGenerator fills a null key on create, save, upsert and bulk writes; a given key is kept", async () => {
    const event = await Event.objects.create({ kind: "party" });
    const ann = await Attendee.objects.create({ name: "Ann", event_id: event.id });
    assert.match(ann.id as string, V4);
    const bob = new Attendee({ name: "Bob", event_id: event.id });
    await bob.save();
    assert.match(bob.id as string, V4);
    const upserted = await Attendee.objects.upsert({ name: "Cid" });
    assert.match(upserted.id as string, V4);
    const [dan] = await Attendee.objects.bulkCreate([{ name: "Dan" }]);
    assert.match(dan.id as string, V4);
    const mine = uuidv4();
    assert.equal((await Attendee.objects.create({ id: mine, name: "Eve" })).id, mine);
    assert.deepEqual((await event.attendees).map((a) => a.name).sort(), ["Ann", "Bob"]);
    const [loaded] = await Event.objects.filter({ id: event.id }, { include: ["attendees"] });
    assert.equal((await loaded.attendees).length, 2);
  });

  it("stores uuids natively on PostgreSQL and as CHAR(36) on MariaDB/MySQL", async (t) => {
    await Event.objects.count();
    const dialect = Event.objects.engine.dialect?.name;
    if (dialect !== "postgres" && dialect !== "mysql") return t.skip("SQLite stores uuids as text");
    const driver = Event.objects.engine.driver;
    assert.ok(driver !== null);
    const sql =
      dialect === "postgres"
        ? "SELECT data_type AS t FROM information_schema.columns WHERE table_name = $1 AND column_name = 'id'"
        : "SELECT column_type AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'id'";
    const [row] = await driver.prepare(sql).all(["uk_events"]);
    assert.equal(String(row.t).toLowerCase(), dialect === "postgres" ? "uuid" : "char(36)");
  });
});

describe("key options are checked at registration", () => {
  const shape = { tenantId: z.string(), id: z.uuid(), name: z.string() };

  it("refuses a composite key with a ConfigurationError that says what to do", () => {
    const error = (() => {
      try {
        databaseRegistry(":memory:", { tableName: "uk_composite", keyField: ["tenantId", "id"] as never })(
          class Composite extends Model(shape) {},
        );
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.code, "REGISTERS_CONFIGURATION");
    assert.match(error.message, /composite primary keys .* are not supported/);
    assert.match(error.message, /unique/);
  });

  it("refuses a keyGenerator on a non-uuid or database-managed key, or an unknown one", () => {
    const register = (options: Record<string, unknown>, key: z.ZodType) =>
      databaseRegistry(":memory:", { tableName: "uk_checked", ...options })(
        class Checked extends Model({ id: key, name: z.string() }) {},
      );
    assert.throws(
      () => register({ keyGenerator: "uuidv7" }, z.int().nullable().default(null)),
      ConfigurationError,
    );
    assert.throws(() => register({ keyGenerator: "uuidv1" }, z.uuid()), /"uuidv4" or "uuidv7"/);
    assert.equal(typeof register({ keyGenerator: "uuidv7" }, z.uuid().nullable().default(null)), "function");
  });

  it("uuidv7 is monotonic within a millisecond; uuidv4 is random", () => {
    const ids = Array.from({ length: 1000 }, () => uuidv7());
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ids.every((id) => V7.test(id)));
    assert.notEqual(uuidv4(), uuidv4());
  });
});

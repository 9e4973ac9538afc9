import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serverTargets, skipUnlessServer } from "../support/servers.js";

const [postgres, mysql] = serverTargets;

describe("server smoke: postgres", { skip: skipUnlessServer(postgres) }, () => {
  it("connects and runs select 1", async () => {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: postgres.url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const r = await client.query("select 1 as one");
      assert.equal(r.rows[0].one, 1);
    } finally {
      await client.end();
    }
  });
});

describe("server smoke: mysql", { skip: skipUnlessServer(mysql) }, () => {
  it("connects and runs select 1", async () => {
    const mysql2 = await import("mysql2/promise");
    const conn = await mysql2.createConnection({ uri: mysql.url, connectTimeout: 5000 });
    try {
      const [rows] = await conn.query("select 1 as one");
      assert.equal((rows as Array<{ one: number }>)[0].one, 1);
    } finally {
      await conn.end();
    }
  });
});

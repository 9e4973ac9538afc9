/**
 * A three-node MariaDB Galera cluster (127.0.0.1:3311-3313, started by `npm run test:cluster`):
 * 2,000 concurrent transfers spread over the three nodes keep the total balance, their certification
 * conflicts surfacing as `SerializationError` and retried by `transaction(fn, { retries })`; keys of
 * a multi-row insert are right with Galera's key step; a SIGKILLed node: the others go on, calls on
 * it get `ConnectionError`, and once it rejoins the same application uses it again.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { killGaleraNode, restartGaleraNode } from "../../scripts/cluster/galera.js";
import {
  ConnectionError,
  databaseRegistry,
  Model,
  type ModelManager,
  SerializationError,
} from "../../src/db/index.js";
import { figure, galeraNodes, skipGalera, sleep } from "./cluster-env.js";

const shape = { id: z.int(), balance: z.int() };
type Account = { id: number; balance: number };
const ACCOUNTS = 20;
const START = 1_000;

describe("MariaDB Galera, three nodes", { skip: skipGalera, timeout: 300_000 }, () => {
  // The same table through each node: one model class per node (a class is registered once).
  const nodes = galeraNodes.map(
    (url, i) =>
      databaseRegistry(url, { tableName: "cluster_accounts", autoCreate: false })(
        class extends Model(shape) {
          static override readonly name: string = `Account${i + 1}`;
        },
      ).objects as unknown as ModelManager<Account & object, Account, Account>,
  );
  const Counter = databaseRegistry(galeraNodes[0], { tableName: "cluster_counters" })(
    class Counter extends Model({ id: z.int().nullable().default(null), label: z.string() }) {},
  );

  before(async () => {
    await nodes[0].dropSchema();
    await nodes[0].createSchema();
    await nodes[0].bulkCreate(Array.from({ length: ACCOUNTS }, (_, i) => ({ id: i + 1, balance: START })));
    await Counter.objects.dropSchema();
    await Counter.objects.createSchema();
  });
  after(async () => {
    await nodes[0].dropSchema().catch(() => undefined);
    await Counter.objects.dropSchema().catch(() => undefined);
    for (const node of nodes) await node.dispose();
    await Counter.objects.dispose();
  });

  async function total(node: ModelManager<Account & object, Account, Account>): Promise<number> {
    return (await node.all()).reduce((sum, account) => sum + account.balance, 0);
  }

  /** Moves `amount` from one account to another in one transaction on `node`, rerun on conflicts. */
  function transfer(
    node: ModelManager<Account & object, Account, Account>,
    from: number,
    to: number,
    amount: number,
    onConflict: () => void,
  ): Promise<void> {
    return node.transaction(
      async () => {
        const [low, high] = from < to ? [from, to] : [to, from];
        const first = await node.get(low, { forUpdate: true });
        const second = await node.get(high, { forUpdate: true });
        assert.ok(first !== null && second !== null);
        const source = low === from ? first : second;
        const target = low === from ? second : first;
        source.balance -= amount;
        target.balance += amount;
        await node.save(source);
        await node.save(target);
      },
      { retries: 30, onRetry: onConflict },
    );
  }

  it("a multi-row insert reports the right keys with Galera's key step", async () => {
    const created = await Counter.objects.bulkCreate(
      Array.from({ length: 10 }, (_, i) => ({ label: `c${i}` })),
    );
    for (const row of created) assert.equal((await Counter.objects.get(row.id as number))?.label, row.label);
    const ids = created.map((row) => row.id as number);
    figure("Galera key step seen by bulkCreate (difference of consecutive keys)", ids[1] - ids[0]);
  });

  it("2,000 concurrent transfers over the three nodes keep the total; conflicts are retried and counted", async () => {
    let conflicts = 0;
    const errors: unknown[] = [];
    const started = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 2_000) {
        const i = next++;
        const from = 1 + ((i * 7) % ACCOUNTS);
        const to = 1 + ((i * 13 + 5) % ACCOUNTS);
        if (from === to) continue;
        await transfer(nodes[i % 3], from, to, 1 + (i % 9), () => conflicts++).catch((error) =>
          errors.push(error),
        );
      }
    };
    await Promise.all(Array.from({ length: 48 }, worker));
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(errors, [], "every transfer committed (after retries)");
    for (const node of nodes)
      assert.equal(await total(node), ACCOUNTS * START, "the total balance is unchanged on every node");
    figure("Galera 2,000 transfers: conflicts retried", conflicts);
    figure("Galera 2,000 transfers: seconds", seconds.toFixed(1));
  });

  it("a conflict without retries is a SerializationError with retryable: true", async () => {
    // Two transactions on two nodes update the same row; the later commit loses certification.
    const errors: unknown[] = [];
    for (let round = 0; round < 20 && errors.length === 0; round++) {
      await Promise.all(
        [0, 1].map((n) =>
          nodes[n]
            .transaction(async () => {
              const account = await nodes[n].get(1);
              assert.ok(account !== null);
              await sleep(20);
              account.balance += 0;
              await nodes[n].updateWhere({ id: 1 }, { balance: account.balance + 1 });
              await sleep(20);
              await nodes[n].updateWhere({ id: 1 }, { balance: account.balance });
            })
            .catch((error) => errors.push(error)),
        ),
      );
    }
    assert.ok(errors.length > 0, "two nodes writing the same row conflicted");
    for (const error of errors) {
      assert.ok(error instanceof SerializationError, String(error));
      assert.equal(error.retryable, true);
      assert.equal(error.code, "REGISTERS_SERIALIZATION");
    }
  });

  it("SIGKILL of one node during a load: the others go on, calls on it get ConnectionError, it rejoins", async () => {
    let running = true;
    const ok = [0, 0, 0];
    const failed: unknown[][] = [[], [], []];
    const worker = (n: number) => async (): Promise<void> => {
      let i = n;
      while (running) {
        i += 3;
        try {
          await transfer(nodes[n], 1 + (i % ACCOUNTS), 1 + ((i + 7) % ACCOUNTS), 1, () => {});
          ok[n]++;
        } catch (error) {
          failed[n].push(error);
          if (n === 2) await sleep(50);
        }
      }
    };
    const workers = [0, 1, 2].flatMap((n) => Array.from({ length: 4 }, worker(n)));
    await sleep(1_000);
    const atKill = [...ok];
    killGaleraNode(3);
    const killed = performance.now();
    // Galera holds commits until it declares the silent node gone (evs.suspect_timeout, 5 s by
    // default); then nodes 1 and 2 go on as a two-node primary component.
    while (ok[0] < atKill[0] + 5 || ok[1] < atKill[1] + 5) {
      assert.ok(performance.now() - killed < 60_000, `nodes 1 and 2 did not go on: ${ok.join("/")}`);
      await sleep(50);
    }
    const recovered = performance.now();
    await sleep(2_000);
    const whileDown = ok.map((count, n) => count - atKill[n]);
    const restarting = performance.now();
    const rejoin = restartGaleraNode(3);
    // The application keeps its engines: node 3's calls succeed again once it has rejoined.
    const before3 = ok[2];
    while (ok[2] === before3) {
      assert.ok(performance.now() - restarting < 180_000, "node 3 did not serve again");
      await sleep(100);
    }
    const served = performance.now();
    await rejoin;
    running = false;
    await Promise.all(workers);
    assert.deepEqual([...failed[0], ...failed[1]], [], "no call on nodes 1 and 2 failed");
    assert.ok(failed[2].length > 0, "calls on the dead node failed");
    for (const error of failed[2]) assert.ok(error instanceof ConnectionError, String(error));
    for (const node of nodes) assert.equal(await total(node), ACCOUNTS * START);
    figure("Galera node kill: kill to nodes 1 and 2 committing again (ms)", (recovered - killed).toFixed(0));
    figure(
      "Galera node kill: transfers by nodes 1/2/3 from the kill to node 3's restart",
      whileDown.join("/"),
    );
    figure("Galera node kill: calls on node 3 that got ConnectionError", failed[2].length);
    figure("Galera node kill: restart to first call served by node 3 (ms)", (served - restarting).toFixed(0));
    figure("Galera node kill: kill to first call served by node 3 (ms)", (served - killed).toFixed(0));
  });
});

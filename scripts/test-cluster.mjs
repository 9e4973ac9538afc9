// `npm run test:cluster`: starts the test clusters (scripts/cluster/cluster.ts: a PostgreSQL
// streaming replica on 5433, a three-node MariaDB Galera cluster on 3311-3313), runs the registers/db
// suite against a Galera node and against the PostgreSQL primary with its replica configured, then
// the cluster tests (test/cluster/*.cluster.ts), and always stops the clusters. Needs root (it starts
// servers as the postgres and mysql users) and the servers on 5432/3306 running.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

// The clusters run servers as the postgres and mysql users and edit the primary's pg_hba.conf.
if (process.getuid?.() !== 0) {
  console.log("test:cluster: not root, running again through sudo -E");
  const again = spawnSync("sudo", ["-E", "-n", process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  process.exit(again.status ?? 1);
}

const PG = process.env.REGISTERS_CLUSTER_PG_DATABASE ?? "registers_cluster";
const PRIMARY = `postgres://postgres@127.0.0.1:5432/${PG}`;
const REPLICA = `postgres://postgres@127.0.0.1:5433/${PG}`;
const GALERA = [3311, 3312, 3313].map((port) => `mysql://root@127.0.0.1:${port}/registers_cluster`);
// The suite's own db files: every file that runs on the server targets.
const SUITE = readdirSync("test/db")
  .filter((name) => name.endsWith(".test.ts"))
  .map((name) => join("test/db", name));

function step(name, command, args, env = {}) {
  const started = Date.now();
  console.log(`test:cluster: == ${name}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const ok = result.status === 0;
  console.log(
    `test:cluster: ${name}: ${ok ? "ok" : `failed (exit ${result.status ?? result.signal})`} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return ok;
}

const tsx = ["--import", "tsx"];
const galeraNode2 = (sql) =>
  step(`Galera node 2: ${sql}`, "mariadb", [
    "--protocol=tcp",
    "-h",
    "127.0.0.1",
    "-P",
    "3312",
    "-u",
    "root",
    "-e",
    sql,
  ]);
const cluster = (command) =>
  step(`cluster ${command}`, process.execPath, [...tsx, "scripts/cluster/cluster.ts", command]);
const nodeTest = (files) => [...tsx, "--test", "--test-reporter=spec", "--test-concurrency=1", ...files];

// Every step runs once the clusters are up (a failing suite does not hide the cluster tests'
// results); the run fails if any step failed. The clusters are always stopped.
let ok = cluster("start");
let ready = ok;
const check = (passed) => {
  ok &&= passed;
  return passed;
};
try {
  ready &&= check(
    step("create the test databases", "sh", [
      "-c",
      `psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='${PG}'" | grep -q 1 || psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE ${PG}'; ` +
        "mariadb --protocol=tcp -h 127.0.0.1 -P 3311 -u root -e 'CREATE DATABASE IF NOT EXISTS registers_cluster'",
    ]),
  );
  // The db suite on Galera node 2, and on the PostgreSQL primary with the replica configured (the
  // SQLite targets run in `npm test` already: skipped here by pointing at the servers only).
  // The suite asserts literal generated keys (1, 2, 3...), so node 2 hands out consecutive keys
  // while it runs; Galera's default key step (the cluster size) is back for the cluster tests, which
  // check that bulkCreate reports the right keys with it. Reads on PostgreSQL go to the replica
  // except within 1 s of a write (primaryAfterWriteMs): the suite reads its own writes at once.
  if (ready) {
    check(
      galeraNode2(
        "SET GLOBAL wsrep_auto_increment_control=OFF; SET GLOBAL auto_increment_increment=1; SET GLOBAL auto_increment_offset=1",
      ),
    );
    check(
      step(
        "registers/db suite on Galera node 2 and on the PostgreSQL primary + replica",
        process.execPath,
        nodeTest(SUITE),
        {
          REGISTERS_TEST_ONLY_SERVERS: "1",
          REGISTERS_TEST_MYSQL_URL: GALERA[1],
          REGISTERS_TEST_POSTGRES_URL: PRIMARY,
          REGISTERS_TEST_POSTGRES_REPLICA_URL: REPLICA,
          REGISTERS_TEST_REPLICA_AFTER_WRITE_MS: "1000",
        },
      ),
    );
    check(
      galeraNode2(
        "SET GLOBAL wsrep_auto_increment_control=ON; SET GLOBAL auto_increment_increment=3; SET GLOBAL auto_increment_offset=2",
      ),
    );
    check(
      step(
        "cluster tests",
        process.execPath,
        nodeTest(
          readdirSync("test/cluster")
            .filter((f) => f.endsWith(".cluster.ts"))
            .map((f) => join("test/cluster", f)),
        ),
        {
          REGISTERS_CLUSTER_PG_PRIMARY: PRIMARY,
          REGISTERS_CLUSTER_PG_REPLICA: REPLICA,
          REGISTERS_CLUSTER_GALERA: GALERA.join(","),
        },
      ),
    );
  }
} finally {
  check(cluster("stop"));
}
process.exit(ok ? 0 : 1);
